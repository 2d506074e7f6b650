"""A confidential lab in a channel the whole server can see: at `/lab setup` the Discord
adapter reads the channel's permissions for @everyone (from the gateway's cache) and the
facilitator is told privately. Through the real discord.py client and the fake Discord."""

from __future__ import annotations

from fakes import discord_payloads as p
from fakes.discord_api import CHANNEL_ID, FakeDiscord, Recorded
from tests.adapters.discord.conftest import Bot, Launch
from tests.adapters.discord.helpers import private, text_of

WARNING = "everyone in this server can see this channel (@everyone may View Channel)"


def is_answer(r: Recorded) -> bool:
    """A message sent in answer to an interaction: its callback or a follow-up."""
    return r.method in ("POST", "PATCH") and (r.path.startswith("interactions/")
                                             or r.path.startswith("webhooks/"))


def answered(fake: FakeDiscord, start: int) -> list[Recorded]:
    return [r for r in fake.requests[start:] if is_answer(r)]


async def test_setup_in_a_channel_everyone_can_see_warns_privately(
        launch: Launch, fake: FakeDiscord) -> None:
    fake.public_channels.add(CHANNEL_ID)
    bot = await launch()
    await bot.send(p.slash(p.GEMMA, "setup", name="Action Lab 1"))
    warning = await fake.wait_for(lambda r: is_answer(r) and WARNING in text_of(r))
    assert private(warning)
    assert "the lab is confidential" in text_of(warning)
    assert "Private Channel" in text_of(warning)


async def test_a_private_channel_gets_no_warning(bot: Bot, fake: FakeDiscord) -> None:
    start = len(fake.requests)
    await bot.send(p.slash(p.GEMMA, "setup", name="Action Lab 1"))
    # The same person's next command is answered after anything the first still had to say.
    members = p.slash(p.GEMMA, "members")
    await bot.send(members)
    await fake.wait_for(lambda r: is_answer(r) and "Gemma" in text_of(r)
                        and "is set up" not in text_of(r), start=start + 1)
    said = "\n".join(text_of(r) for r in answered(fake, start))
    assert "is set up" in said
    assert "Heads-up" not in said and "could not check" not in said

