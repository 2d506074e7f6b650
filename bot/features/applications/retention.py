"""Retention: what is kept about declined applicants is deleted `[applications]
retention_days` (90 by default) after the decision, by a daily timer. Someone who is
nothing else to the bot (no membership, no reviewing, no other application) is then
forgotten altogether, as `/lab forget me` would."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import Context
from bot.features.privacy import erase_person, refusal
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
PURGE_JOB = "applications:purge"


def retention_days(ctx: Context) -> int:
    return ctx.settings.applications.retention_days


async def purge_declined(ctx: Context, uow: UnitOfWork, now: datetime) -> int:
    """Delete declined applications decided `retention_days` ago or more; returns how many."""
    cutoff = now - timedelta(days=retention_days(ctx))
    due = list(await uow.applications.declined_before(cutoff))
    if not due:
        return 0
    people = {a.person_id for a in due}
    await uow.applications.delete([a.id for a in due])
    for person_id in sorted(people):
        if await uow.applications.by_person(person_id) or \
                await uow.members.labs_of(person_id) or \
                await uow.applications.reviewing(person_id) or \
                await refusal(uow, person_id):
            continue
        await erase_person(ctx, uow, person_id, now)
    await uow.audit.record(lab_id=None, actor_id=None, action="applications.purged", at=now,
                           count=len(due))
    return len(due)


async def start_purge(ctx: Context) -> None:
    """Start-up: purge now and then once a day."""

    async def run() -> None:
        try:
            async with ctx.uow() as uow:
                count = await purge_declined(ctx, uow, ctx.clock.now())
                await uow.commit()
            if count:
                log.info("deleted %d declined applications past retention", count)
        except Exception:
            log.exception("the retention purge of declined applications failed")

    ctx.jobs.every(PURGE_JOB, timedelta(days=1), ctx.clock.now() + timedelta(minutes=1), run)
