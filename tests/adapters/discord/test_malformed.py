"""Interactions Discord would never send, through the real discord.py client against the fake
gateway: each is refused plainly and privately (or answered by the core in plain words), with
one log line and no traceback, nothing written, and the client keeps serving."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.discord.translate import REFUSAL, malformed
from bot.bootstrap import App
from fakes import discord_payloads as p
from storage.models import AuditEntry
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.helpers import lab, private, text_of

Mutate = Callable[[dict[str, Any]], Any]


def leaf(pl: dict[str, Any]) -> dict[str, Any]:
    return pl["data"]["options"][0]["options"][0]  # type: ignore[no-any-return]


def row(pl: dict[str, Any]) -> dict[str, Any]:
    return pl["data"]["components"][0]  # type: ignore[no-any-return]


SLASH: list[tuple[str, Mutate]] = [
    ("data null", lambda pl: pl.__setitem__("data", None)),
    ("data missing", lambda pl: pl.pop("data")),
    ("data a list", lambda pl: pl.__setitem__("data", [])),
    ("options null", lambda pl: pl["data"].__setitem__("options", None)),
    ("options a string", lambda pl: pl["data"].__setitem__("options", "x")),
    ("options [null]", lambda pl: pl["data"].__setitem__("options", [None])),
    ("subcommand options null", lambda pl: pl["data"]["options"][0].__setitem__("options", None)),
    ("subcommand options an object",
     lambda pl: pl["data"]["options"][0].__setitem__("options", {"a": 1})),
    ("subcommand with a value", lambda pl: pl["data"]["options"][0].__setitem__("value", "x")),
    ("option name a number", lambda pl: leaf(pl).__setitem__("name", 7)),
    ("option name missing", lambda pl: leaf(pl).pop("name")),
    ("option type missing", lambda pl: leaf(pl).pop("type")),
    ("option value a list", lambda pl: leaf(pl).__setitem__("value", [1, 2])),
    ("option value an object", lambda pl: leaf(pl).__setitem__("value", {"a": 1})),
    ("string option given a number", lambda pl: leaf(pl).__setitem__("value", 7)),
    ("integer option past 2**53", lambda pl: leaf(pl).update(type=4, value=10**30)),
    ("integer option given a float", lambda pl: leaf(pl).update(type=4, value=1.5)),
    ("number option NaN-free but huge", lambda pl: leaf(pl).update(type=10, value=1e300)),
    ("option with options", lambda pl: leaf(pl).__setitem__("options", [])),
    ("member missing", lambda pl: pl.pop("member")),
    ("member without user", lambda pl: pl["member"].pop("user")),
    ("user id not a snowflake", lambda pl: pl["member"]["user"].__setitem__("id", "abc")),
    ("user id a 25-digit number", lambda pl: pl["member"]["user"].__setitem__("id", "9" * 25)),
    ("guild id a word", lambda pl: pl.__setitem__("guild_id", "guild")),
    ("channel id missing", lambda pl: pl.pop("channel_id")),
    ("unknown interaction type", lambda pl: pl.__setitem__("type", 9)),
    ("type a string", lambda pl: pl.__setitem__("type", "2")),
]
COMPONENT: list[tuple[str, Mutate]] = [
    ("custom_id missing", lambda pl: pl["data"].pop("custom_id")),
    ("custom_id null", lambda pl: pl["data"].__setitem__("custom_id", None)),
    ("custom_id a number", lambda pl: pl["data"].__setitem__("custom_id", 7)),
    ("custom_id of 500 characters", lambda pl: pl["data"].__setitem__("custom_id", "x" * 500)),
    ("component_type missing", lambda pl: pl["data"].pop("component_type")),
    ("values an object", lambda pl: pl["data"].__setitem__("values", {"a": 1})),
    ("values a string", lambda pl: pl["data"].__setitem__("values", "abc")),
    ("values of objects", lambda pl: pl["data"].__setitem__("values", [{"a": 1}, None])),
    ("data null", lambda pl: pl.__setitem__("data", None)),
    ("message id missing", lambda pl: pl["message"].pop("id")),
]
MODAL: list[tuple[str, Mutate]] = [
    ("components null", lambda pl: pl["data"].__setitem__("components", None)),
    ("components an object", lambda pl: pl["data"].__setitem__("components", {"a": 1})),
    ("components [null, 7]", lambda pl: pl["data"].__setitem__("components", [None, 7])),
    ("row components null", lambda pl: row(pl).__setitem__("components", None)),
    ("row components [null]", lambda pl: row(pl).__setitem__("components", [None])),
    ("row component null", lambda pl: row(pl).__setitem__("component", None)),
    ("input value an object",
     lambda pl: row(pl)["components"][0].__setitem__("value", {"a": 1})),
    ("input custom_id a number",
     lambda pl: row(pl)["components"][0].__setitem__("custom_id", 5)),
    ("custom_id null", lambda pl: pl["data"].__setitem__("custom_id", None)),
    ("nested rows", lambda pl: pl["data"].__setitem__(
        "components", [{"components": [{"components": [{"components": "x"}]}]}])),
]


async def audit_rows(app: App) -> int:
    async with app.ctx.uow() as uow:
        return int(await uow.session.scalar(select(func.count(AuditEntry.id))) or 0)


@pytest.mark.parametrize("kind", ["slash", "component", "modal"])
async def test_malformed_interactions_are_refused_plainly_and_nothing_is_written(
    bot: Bot, app: App, caplog: pytest.LogCaptureFixture, kind: str,
) -> None:
    await lab(bot)
    members = p.slash(p.AMARA, "members")
    await bot.send(members)
    card = bot.message(members)
    table = {"slash": SLASH, "component": COMPONENT, "modal": MODAL}[kind]
    before = await audit_rows(app)
    problems: dict[str, str] = {}
    for name, mutate in table:
        if kind == "slash":
            pl = p.slash(p.AMARA, "note", text="a confidential note")
        elif kind == "component":
            pl = p.component(p.AMARA, card, "al1:lab.members:1:1")
        else:
            pl = p.modal_submit(p.AMARA, "al1:form:note", {"text": "a note"})
        mutate(pl)
        assert malformed(pl) is not None, name
        caplog.clear()
        with caplog.at_level(logging.INFO):
            answer = await bot.send(pl)
        said = text_of(answer)
        bad = [f"{r.name}: {r.getMessage()}" for r in caplog.records
               if r.exc_info or r.levelno >= logging.ERROR]
        refusals = [r for r in caplog.records if "malformed interaction" in r.getMessage()]
        if said != REFUSAL or not private(answer) or bad or len(refusals) != 1:
            problems[name] = f"{said[:80]!r} private={private(answer)} {bad}"
        assert "confidential" not in caplog.text  # no payload in the log line
    assert problems == {}
    assert await audit_rows(app) == before


async def test_a_click_without_a_custom_id_no_longer_stops_the_client(bot: Bot) -> None:
    """discord.py reads `custom_id` inside the gateway's read loop: before the check, its
    KeyError ended the whole client."""
    await lab(bot)
    members = p.slash(p.AMARA, "members")
    await bot.send(members)
    click = p.component(p.AMARA, bot.message(members), "al1:lab.members:1:1")
    del click["data"]["custom_id"]
    assert text_of(await bot.send(click)) == REFUSAL
    again = p.slash(p.AMARA, "members")
    assert "Members of Action Lab 1" in text_of(await bot.send(again))
    assert not bot.task.done()


async def test_an_interaction_without_a_usable_id_or_token_is_dropped_with_one_line(
    bot: Bot, caplog: pytest.LogCaptureFixture,
) -> None:
    await lab(bot)
    pl = p.slash(p.AMARA, "members")
    pl["token"] = None
    pl["data"] = None
    calls = len(bot.fake.requests)
    with caplog.at_level(logging.INFO):
        await bot.fake.interact(pl)
        again = p.slash(p.AMARA, "members")
        assert "Members of Action Lab 1" in text_of(await bot.send(again))
    assert [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()] == [
        "refused a malformed interaction (token: Input should be a valid string)"]
    assert not any(r.exc_info for r in caplog.records)
    assert not [r for r in bot.fake.requests[calls:] if f"/{pl['id']}/" in r.path]


def test_what_discord_sends_passes() -> None:
    message = {"id": "1", "channel_id": "2", "components": []}
    for payload in (p.slash(p.AMARA, "note", text="x"), p.slash(p.AMARA, "members"),
                    p.slash(p.AMARA, "members", guild=False),
                    p.slash(p.AMARA, "minutes", "drop", number=3),
                    p.autocomplete(p.AMARA, ("tz",), "zone", zone="Eur"),
                    p.component(p.AMARA, message, "al1:lab.members:1:1"),
                    p.component(p.AMARA, message, "al1:poll.mark:1:1", values=["1", "2"]),
                    p.modal_submit(p.AMARA, "al1:form:note", {"text": "x", "when": "y"})):
        assert malformed(payload) is None, payload
