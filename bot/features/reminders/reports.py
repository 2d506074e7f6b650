"""Telling facilitators: a reminder that could not be delivered, and the ones missed while the
bot was offline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.context import Context
from bot.domain.lab import Role
from bot.domain.reminders import (
    format_offset,
)
from bot.domain.when import parse_duration
from bot.features.reminders.cards import _what, _who
from bot.i18n import _, resolve, use_locale
from bot.identity import recipient_of
from bot.messages import (
    Card,
    Header,
    Recipient,
    Text,
    at,
)
from bot.messages import Context as Small
from bot.ports import DeliveryError
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def _recipient(ctx: Context, uow: UnitOfWork, person_id: int) -> Recipient | None:
    """The person's address on a platform this process runs (their first identity there)."""
    for identity in await uow.people.identities([person_id]):
        if ctx.messengers.has(identity.platform):
            return recipient_of(identity)
    return None


async def _facilitator_addresses(ctx: Context, uow: UnitOfWork, lab_id: int
                                 ) -> list[tuple[Recipient, str]]:
    """Each facilitator's address here, with the language they read."""
    members = await uow.members.active(lab_id)
    lab = await uow.labs.get(lab_id)
    out = []
    for m in members:
        if m.role is Role.FACILITATOR:
            found = await _recipient(ctx, uow, m.person_id)
            if found is not None:
                out.append((found, resolve(m.person.language, m.person.platform_locale,
                                           lab.language if lab is not None else None)))
    return out


async def _tell_facilitators(ctx: Context, lab_id: int, build: Callable[[], Card]) -> int:
    """Send each facilitator what `build` makes, in their own language."""
    async with ctx.uow() as uow:
        addresses = await _facilitator_addresses(ctx, uow, lab_id)
    told = 0
    for address, locale in addresses:
        with use_locale(locale):
            card = build()
        try:
            await ctx.messengers.notify(address, card)
            told += 1
        except DeliveryError as exc:
            log.warning("could not tell a facilitator of lab %s: %s", lab_id, exc.reason)
    return told


async def _report_failure(ctx: Context, reminder_id: int) -> None:
    async with ctx.uow() as uow:
        r = await uow.reminders.get(reminder_id)
        if r is None:
            return
        who = await _who(uow, r)

    def card() -> Card:
        return Card((
            Header(_("A reminder could not be delivered")),
            Text(_("To *{who}*, due {when}: {what}").format(
                who=who, when=at(r.due_at, 'F'), what=_what(r))),
            Small(_("Why: {value} · Reminder #{id}. "
                  "`/lab reminders lab` lists the lab's reminders and recent problems.").format(
                value=r.last_error or 'unknown', id=r.id)),
        ), fallback=_("A reminder to {who} could not be delivered").format(who=who))

    await _tell_facilitators(ctx, r.lab_id, card)


def _schedule_failure_report(ctx: Context, reminder_id: int, now: datetime) -> None:
    async def report() -> None:
        await _report_failure(ctx, reminder_id)

    ctx.jobs.schedule(f"reminders:failed:{reminder_id}", now, report)


MAX_SUMMARY_LINES = 15


async def summarise_missed(ctx: Context, lab_id: int) -> int:
    """Tell the lab's facilitators, once, about missed reminders nobody has reported yet."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        rows = await uow.reminders.report_missed(lab_id, now)
        await uow.commit()
        whom = [(r, await _who(uow, r)) for r in rows[:MAX_SUMMARY_LINES]]
    if not rows:
        return 0
    n = len(rows)

    def card() -> Card:
        lines = [_("• {when} to {value}: {what}").format(
            when=at(r.due_at, 'f'), value=who, what=_what(r)) for r, who in whom]
        grace = format_offset(parse_duration(ctx.settings.reminders.misfire_grace))
        if len(rows) > MAX_SUMMARY_LINES:
            lines.append(_("… and {value} more.").format(
                value=len(rows) - MAX_SUMMARY_LINES))
        return Card((
            Header(_("{n} reminder{value} missed").format(
                n=n, value='s' if n != 1 else '')),
            Text(_("These fell due more than {grace} before the bot could send them (it was "
                 "offline), so they were not sent:\n").format(grace=grace) + "\n".join(lines)),
            Small(_("Reminders due less than that before the bot came back were sent late, "
                  "and marked so. `/lab reminders lab` lists the lab's reminders.")),
        ), fallback=_("{n} reminders were missed while the bot was offline").format(n=n))

    await _tell_facilitators(ctx, lab_id, card)
    return n


def _schedule_missed_summary(ctx: Context, lab_id: int, now: datetime) -> None:
    # One timer a lab: several reminders missed together make one summary.
    async def summary() -> None:
        await summarise_missed(ctx, lab_id)

    ctx.jobs.schedule(f"reminders:missed:{lab_id}", now, summary)
