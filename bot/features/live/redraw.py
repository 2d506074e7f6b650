"""The coalescing redrawer: one per process, on the one asyncio loop, woken by a timer.

A change marks a card's row due no sooner than EDIT_GAP after its last edit, so thirty
answers in ten seconds make a handful of edits, each with the state as it then is. The timer
(`live:redraw`) only wakes the process: each row is claimed with a conditional update before
it is drawn, so a second process, a double fire or a restart never edits a card twice at
once, and rows a stopped process left due are taken by the sweep (`live:sweep`) or at
start-up.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import cast

from bot.context import Context
from bot.i18n import use_locale
from bot.messages import Card, MessageRef, Platform
from bot.ports import DeliveryError

log = logging.getLogger(__name__)

EDIT_GAP = timedelta(seconds=3)  # at most one edit of a card this often
LEASE = timedelta(minutes=2)  # a claim older than this was cut off; another process may take it
SWEEP_EVERY = timedelta(seconds=30)
MAX_ATTEMPTS = 5  # failures (other than a rate limit) before a card is given up
JOB = "live:redraw"
SWEEP = "live:sweep"
PLATFORMS: tuple[Platform, ...] = ("slack", "discord", "console")


def arm(ctx: Context, at: datetime) -> None:
    """Wake this process's redrawer at `at`, unless it wakes sooner already."""
    current = ctx.jobs.next_run(JOB)
    if current is not None and current <= at:
        return

    async def run() -> None:
        await redraw_due(ctx)

    ctx.jobs.schedule(JOB, at, run)


def _platforms(ctx: Context) -> list[Platform]:
    return [p for p in PLATFORMS if ctx.messengers.has(p)]


async def redraw_due(ctx: Context) -> int:
    """Redraw every card that is due, on the platforms this process can reach; return how
    many were edited. Then wake again when the next one falls due."""
    platforms = _platforms(ctx)
    if not platforms:
        return 0
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        ids = [c.id for c in await uow.cards.due(now, platforms)]
    edited = sum(await asyncio.gather(*(_redraw_one(ctx, card_id, now) for card_id in ids)))
    async with ctx.uow() as uow:
        upcoming = await uow.cards.next_due(platforms)
    if upcoming is not None:
        # Never at once: a row still due now is held by another process (or failing), and a
        # timer that re-arms itself for now would spin.
        arm(ctx, max(upcoming, ctx.clock.now() + timedelta(seconds=1)))
    return edited


async def _redraw_one(ctx: Context, card_id: int, now: datetime) -> int:
    async with ctx.uow() as uow:
        if not await uow.cards.claim(card_id, now, LEASE):
            return 0
        row = await uow.cards.get(card_id)
        assert row is not None
        version, attempts = row.version, row.attempts
        ref = MessageRef(cast(Platform, row.platform), row.workspace, row.channel,
                         row.message_id)
        kind = ctx.router.subjects.get(row.kind)
        card: Card | None = None
        if kind is not None and kind.card is not None:
            lab = await uow.labs.get(row.lab_id)
            with use_locale(lab.language if lab is not None else None):  # a channel's card
                card = await kind.card(uow, row.subject_id, now)
        await uow.commit()
    if card is None:
        async with ctx.uow() as uow:
            await uow.cards.forget(card_id)
            await uow.commit()
        return 0
    try:
        await ctx.messengers.update(ref, card)
    except DeliveryError as exc:
        await _failed(ctx, card_id, attempts, exc)
        return 0
    async with ctx.uow() as uow:
        await uow.cards.drawn(card_id, version, ctx.clock.now(), EDIT_GAP)
        await uow.commit()
    return 1


async def _failed(ctx: Context, card_id: int, attempts: int, exc: DeliveryError) -> None:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        if exc.gone:
            log.info("live card %s is gone (%s): forgotten", card_id, exc.reason)
            await uow.cards.forget(card_id)
        elif exc.retry_after is not None:
            # A rate limit: wait as long as the platform asked, then draw the latest state.
            await uow.cards.later(card_id, now + timedelta(seconds=max(exc.retry_after, 0.0)))
        elif attempts + 1 >= MAX_ATTEMPTS:
            log.warning("live card %s: giving up after %s failures (%s)", card_id,
                        attempts + 1, exc.reason)
            await uow.cards.forget(card_id)
        else:
            await uow.cards.later(card_id, now + EDIT_GAP * 2 ** attempts, failed=True)
        await uow.commit()
    async with ctx.uow() as uow:
        upcoming = await uow.cards.next_due(_platforms(ctx))
    if upcoming is not None:
        arm(ctx, max(upcoming, now))


async def start(ctx: Context) -> None:
    """Start-up: redraw what a stopped process left due, and sweep now and then for rows
    another process marked and could not draw."""
    async with ctx.uow() as uow:
        upcoming = await uow.cards.next_due(_platforms(ctx))
    if upcoming is not None:
        arm(ctx, max(upcoming, ctx.clock.now()))

    async def sweep() -> None:
        await redraw_due(ctx)

    ctx.jobs.every(SWEEP, SWEEP_EVERY, ctx.clock.now() + SWEEP_EVERY, sweep)
