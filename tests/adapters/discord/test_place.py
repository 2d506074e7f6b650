"""Authorization by place through the real discord.py client: someone in another guild, or
in their own direct message with the bot, who sends a lab's control ids (its Accept, its
vote's menus, its member list) is refused like a stale control; nothing is written or
announced in the lab's channel."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import func, select

from bot.bootstrap import App
from bot.errors import StaleControl
from bot.messages import Action, Actor, Buttons, Command, Place
from fakes import discord_payloads as p
from fakes.discord_api import CHANNEL_ID, GUILD_ID
from storage.models import Ballot, Identity, Membership, Person
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.helpers import CHANNEL_MESSAGE, lab, posted, private, text_of

STALE = StaleControl().message
EVE = (100000000000000009, "Eve Outsider")
OTHER_GUILD, OTHER_CHANNEL = 710000000000000001, 710000000000000002
CLICKS = [("al1:lab.accept:1", None), ("al1:lab.members:1:1", None), ("al1:vote.menu:1", None),
          ("al1:vote.pick:1:-", ["1"]), ("al1:vote.save:1:1-2", None),
          ("al1:vote.mine:1", None)]


def in_other_guild(payload: dict[str, Any]) -> dict[str, Any]:
    """The same interaction, as Discord sends it from a channel of another guild."""
    out = copy.deepcopy(payload)
    out["guild_id"], out["channel_id"] = str(OTHER_GUILD), str(OTHER_CHANNEL)
    out["guild"]["id"] = str(OTHER_GUILD)
    out["channel"].update(id=str(OTHER_CHANNEL), guild_id=str(OTHER_GUILD))
    out["authorizing_integration_owners"] = {"0": str(OTHER_GUILD)}
    return out


async def counts(app: App) -> tuple[int, ...]:
    async with app.ctx.uow() as uow:
        return tuple([int(await uow.session.scalar(select(func.count(model.id))) or 0)
                      for model in (Person, Identity, Membership, Ballot)])


def posts_in_lab(bot: Bot, start: int) -> list[Any]:
    return [r for r in bot.fake.requests[start:]
            if r.path.startswith(f"channels/{CHANNEL_ID}/messages")]


async def test_an_outsiders_clicks_from_another_guild_or_a_dm_are_refused_unwritten(
    bot: Bot, app: App,
) -> None:
    await lab(bot)
    gemma = Actor("discord", "discord", str(p.GEMMA[0]), "Gemma Rhodes")
    here = Place("discord", str(GUILD_ID), str(CHANNEL_ID))
    preview = await app.ctx.router.dispatch(app.ctx, Command(
        gemma, here, text='vote new "Which solution?" options "A" "B" "C"'))
    assert preview.card is not None and preview.private  # nothing posted before Open
    opening = next(b.action_id for block in preview.card.blocks if isinstance(block, Buttons)
                   for b in block.buttons if b.label == "Open the vote")
    reply = await app.ctx.router.dispatch(app.ctx, Action(gemma, here, opening))
    assert reply.private  # the card is posted in the lab's channel, to be redrawn
    assert await posted(bot, "Vote #1: Which solution?")
    before, start = await counts(app), len(bot.fake.requests)
    for where in ("guild", "dm"):
        channel = OTHER_CHANNEL if where == "guild" else EVE[0] + 1
        for custom_id, values in CLICKS:
            message = bot.fake.message(channel, {"components": [{"type": 1, "components": [
                {"type": 2, "style": 1, "label": "Go", "custom_id": custom_id}]}]})
            payload = p.component(EVE, message, custom_id, values, guild=where == "guild")
            rec = await bot.send(in_other_guild(payload) if where == "guild" else payload)
            assert rec.json["type"] == CHANNEL_MESSAGE and private(rec), (where, custom_id)
            assert text_of(rec).strip() == STALE, (where, custom_id, text_of(rec))
    assert await counts(app) == before
    async with app.ctx.uow() as uow:
        assert await uow.people.by_identity("discord", "discord", str(EVE[0])) is None
    assert posts_in_lab(bot, start) == []  # no "Eve joined" announcement


async def test_a_member_of_another_guild_gets_nothing_of_the_lab_from_autocomplete(
    bot: Bot, app: App,
) -> None:
    await lab(bot)
    payload = p.autocomplete(p.AMARA, ("role",), "member", member="")
    rec = await bot.send(in_other_guild(payload))
    assert rec.json["data"]["choices"] == []
    rec = await bot.send(p.autocomplete(EVE, ("role",), "member", member=""))
    assert rec.json["data"]["choices"] == []  # in the lab's channel, but no member
    rec = await bot.send(p.autocomplete(p.AMARA, ("role",), "member", member=""))
    assert {c["name"] for c in rec.json["data"]["choices"]} >= {"Gemma Rhodes", "Amara Okafor"}
