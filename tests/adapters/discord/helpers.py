"""What the Discord tests read back: interaction callback types, who saw what, a lab set up
through Discord itself, and the people in it as the core knows them."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.bootstrap import App
from fakes import discord_payloads as p
from fakes.discord_api import EPHEMERAL, Recorded
from tests.adapters.discord.conftest import Bot

# Interaction callback types (Discord's InteractionResponseType).
CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9


def body(rec: Recorded) -> dict[str, Any]:
    """The message part of a request: a callback's `data`, or a REST body as it is."""
    json = rec.json or {}
    if rec.path.startswith("interactions/"):
        return dict(json.get("data") or {})
    return dict(json)


def flags(rec: Recorded) -> int:
    return int(body(rec).get("flags") or 0)


def private(rec: Recorded) -> bool:
    return bool(flags(rec) & EPHEMERAL)


def title(rec: Recorded) -> str:
    return str(body(rec)["embeds"][0].get("title", ""))


def text_of(rec: Recorded | dict[str, Any]) -> str:
    """Everything a person reads in a callback, a REST body or a stored message."""
    data = body(rec) if isinstance(rec, Recorded) else rec
    parts = [data.get("content") or ""]
    for e in data.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in e.get("fields") or []]
    return "\n".join(parts)


def controls(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button and select of a message (or callback data), row by row."""
    return [c for row in message.get("components") or [] for c in row.get("components") or []]


def file_names(rec: Recorded) -> list[str]:
    return sorted(name for name, _ in rec.files)


async def lab(bot: Bot) -> None:
    """Gemma sets up Action Lab 1 in the channel (London); Amara (Lagos) and Zoë (São Paulo)
    join; everyone has a zone, so nobody is asked for one."""
    await bot.send(p.slash(p.GEMMA, "setup", name="Action Lab 1"))
    await bot.send(p.slash(p.GEMMA, "me", "tz", zone="Europe/London"))
    for who, zone in ((p.AMARA, "Africa/Lagos"), (p.ZOE, "America/Sao_Paulo")):
        join = p.slash(who, "join")
        await bot.send(join)
        # The first callback may be a deferral ("thinking…") when the machine is busy:
        # wait for the answer itself.
        for _ in range(250):
            if bot.message(join).get("components"):
                break
            await asyncio.sleep(0.02)
        accept = p.find_control(bot.message(join), "I accept")
        await bot.send(p.component(who, bot.message(join), accept["custom_id"]))
        await bot.send(p.slash(who, "me", "tz", zone=zone))


async def person_id(app: App, who: tuple[int, str]) -> int:
    """The core's person id of a Discord user."""
    async with app.ctx.uow() as uow:
        person = await uow.people.by_identity("discord", "discord", str(who[0]))
    assert person is not None, who
    return person.id


def dm_path(who: tuple[int, str]) -> str:
    """Where the bot posts a direct message to `who` (the fake opens their DM channel at
    their id + 1)."""
    return f"channels/{who[0] + 1}/messages"


async def react_and_read_dm(bot: Bot, who: tuple[int, str], message_id: int,
                            emoji: str = "📝") -> Recorded:
    """`who` reacts to a message in the lab's channel; the direct message the bot answers
    them with."""
    start = len(bot.fake.requests)
    await bot.fake.dispatch("MESSAGE_REACTION_ADD", p.reaction(who, message_id, emoji))
    return await bot.fake.wait_for(
        lambda r: r.method == "POST" and r.path == dm_path(who), start=start)


async def posted(bot: Bot, heading: str, channel: int | None = None) -> dict[str, Any]:
    """The card titled `heading` the bot posted in a channel (a live card: posted as a
    message of its own, so that it can be redrawn), as the fake now holds it."""
    from fakes.discord_api import CHANNEL_ID

    where = str(channel or CHANNEL_ID)

    def holds(rec: Recorded) -> bool:
        return (rec.method == "POST" and rec.path == f"channels/{where}/messages"
                and any(e.get("title") == heading for e in body(rec).get("embeds") or []))

    await bot.fake.wait_for(holds)
    found = [m for m in bot.fake.messages.values() if m["channel_id"] == where
             and any(e.get("title") == heading for e in m.get("embeds") or [])]
    return found[-1]


async def open_vote(bot: Bot, command: dict[str, Any]) -> None:
    """Send `/lab vote new ...`, then press "Open the vote" on the private preview it
    answers with (nothing is posted before)."""
    await bot.send(command)
    preview = bot.message(command)
    await bot.send(p.component(p.GEMMA, preview,
                               p.find_control(preview, "Open the vote")["custom_id"]))
