"""Autocomplete on Discord with the real features: open polls, votes and meetings, minutes,
members, reminder targets and zones, asked through the fake as a member types."""

from __future__ import annotations

from typing import Any

import pytest

from fakes import discord_payloads as p
from tests.adapters.discord.conftest import Bot, Launch
from tests.adapters.discord.helpers import AUTOCOMPLETE_RESULT, lab, open_vote


@pytest.fixture
async def busy(launch: Launch) -> Bot:
    """A lab with a poll (closed by a meeting), a second open poll, a vote and minutes."""
    bot = await launch()
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "poll", "new", title="Meeting 1",
                           dates="2027-01-11..2027-01-12"))
    await bot.send(p.slash(p.GEMMA, "poll", "pick", poll="1", slot="3", title="Kick-off"))
    await bot.send(p.slash(p.GEMMA, "poll", "new", title="Meeting 2",
                           dates="2027-01-25..2027-01-26"))
    await open_vote(bot, p.slash(p.GEMMA, "vote", "new", question="Which solution?",
                                 options='"Research" "Case studies" "Clever contracts"'))
    await bot.send(p.slash(p.GEMMA, "minutes", "start", meeting="#1"))
    return bot


async def choices(bot: Bot, path: tuple[str, ...], option: str, typed: str, **kw: Any
                  ) -> list[tuple[str, str]]:
    rec = await bot.send(p.autocomplete(p.AMARA, path, option, **{option: typed}, **kw))
    assert rec.json["type"] == AUTOCOMPLETE_RESULT
    return [(c["name"], c["value"]) for c in rec.json["data"]["choices"]]


async def test_polls_votes_and_meetings(busy: Bot) -> None:
    assert await choices(busy, ("poll", "answer"), "poll", "") == [
        ("#2 Meeting 2 (open)", "2"), ("#1 Meeting 1 (closed)", "1")]
    assert await choices(busy, ("poll", "results"), "poll", "2") == [
        ("#2 Meeting 2 (open)", "2")]
    assert await choices(busy, ("poll", "answer"), "poll", "meeting 2") == [
        ("#2 Meeting 2 (open)", "2")]
    for path, typed in ((("rank",), ""), (("vote", "close"), "solu")):
        ((label, value),) = await choices(busy, path, "vote", typed)
        assert value == "1" and "Which solution?" in label and "open" in label
    for path, option, typed in ((("meeting", "move"), "meeting", "kick"),
                                (("minutes", "start"), "meeting", "")):
        ((label, value),) = await choices(busy, path, option, typed)
        assert value == "1" and "Kick-off" in label
    assert await choices(busy, ("minutes", "export"), "meeting", "") == [
        ("meeting #1 (Kick-off)", "#1")]


async def test_members_targets_and_zones(busy: Bot) -> None:
    assert await choices(busy, ("action",), "member", "zo") == [("Zoë Núñez", "Zoë Núñez")]
    assert ("me", "me") in await choices(busy, ("reminders", "add"), "who", "")
    assert ("Asia/Kolkata", "Asia/Kolkata") in await choices(busy, ("poll", "new"), "tz",
                                                             "kolk")
    assert ("Africa/Lagos", "Africa/Lagos") in await choices(busy, ("meeting", "move"), "tz",
                                                             "lagos")
    assert ("America/Sao_Paulo", "America/Sao_Paulo") in await choices(
        busy, ("settings",), "tz", "paulo")


async def test_outside_the_lab_nothing_is_offered(busy: Bot) -> None:
    # In a direct message there is no lab to look in; the answer is empty, never an error.
    assert await choices(busy, ("poll", "answer"), "poll", "", guild=False) == []
    assert await choices(busy, ("rank",), "vote", "", guild=False) == []
    assert await choices(busy, ("meeting", "cancel"), "meeting", "", guild=False) == []
    # Zones need no lab.
    assert await choices(busy, ("me", "tz"), "zone", "lagos", guild=False) == [
        ("Africa/Lagos", "Africa/Lagos")]
