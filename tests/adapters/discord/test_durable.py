"""Discord interactions through the inbox: a re-delivered interaction has its effect once,
and one left unfinished by a crash is reported to its sender by direct message."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.inbox import Envelope
from fakes import discord_payloads as p
from storage.models import InboxEntry, Lab
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.helpers import dm_path, text_of


async def count(app: App, model: type) -> int:
    async with app.ctx.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_same_interaction_delivered_twice_runs_once(bot: Bot, app: App) -> None:
    setup = p.slash(p.GEMMA, "setup", name="Action Lab 1")
    await bot.send(setup)
    await bot.fake.interact(setup)  # the gateway delivering it again (a resumed session)
    await asyncio.sleep(0.5)
    assert await count(app, Lab) == 1
    answers = bot.fake.calls("POST", f"interactions/{setup['id']}/")
    assert len(answers) == 1
    assert await count(app, InboxEntry) == 1


async def test_an_interaction_cut_off_by_a_crash_is_reported_by_direct_message(
        bot: Bot, app: App, clock: SettableClock) -> None:
    inbox = bot.client.inbox
    # A row another process recorded (and acked by deferring) before it died.
    await inbox.record(Envelope(
        key="discord:interaction:999", platform="discord", kind="command",
        workspace="discord", user_id=str(p.AMARA[0]), channel="1",
        payload={}, resend="send `/lab remind me in 2 hours Call Zoë` again"), keep=False)
    clock.advance(timedelta(seconds=1))
    await inbox.recover()
    for _ in range(250):
        if bot.fake.calls("POST", dm_path(p.AMARA)):
            break
        await asyncio.sleep(0.02)
    told = bot.fake.calls("POST", dm_path(p.AMARA))[-1]
    assert "did not go through" in text_of(told)
    assert "/lab remind me in 2 hours Call Zoë" in text_of(told)
    # The direct message goes out before the row is marked: wait for the final state.
    statuses: list[str] = []
    for _ in range(250):
        async with app.ctx.uow() as uow:
            statuses = [r.status for r in await uow.session.scalars(select(InboxEntry))]
        if statuses == ["told"]:
            break
        await asyncio.sleep(0.02)
    assert statuses == ["told"]
    clock.advance(timedelta(minutes=1))
    assert await inbox.recover() == 0  # told once
