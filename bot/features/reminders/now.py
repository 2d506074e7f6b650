"""Remind now: a facilitator sends the members who have not answered a poll or vote a private
reminder at once, as the automatic nudge would (held until their quiet hours end, asking
`pending` again when it goes), at most once every REMIND_EVERY per poll or vote.

Polls and votes each have their button and command (polls/nudge.py, votes/nudge.py); the
rows, the quiet hours and the timers are the reminders' own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.reminders import ReminderKind, ReminderStatus
from bot.domain.zones import format_local, zone_abbreviation
from bot.errors import Conflict
from bot.features.reminders.delivery import _first_timer
from bot.features.reminders.timers import arm_after_commit
from bot.handlers import Call
from bot.i18n import _
from storage.models import Reminder

REMIND_EVERY = timedelta(hours=12)


class TooSoon(Conflict):
    """Remind now was used for this poll or vote less than REMIND_EVERY ago."""


@dataclass(frozen=True, slots=True)
class Reminded:
    """Who the reminder went to: `now` at once, `held` (name, when) after quiet hours."""

    now: tuple[str, ...]
    held: tuple[tuple[str, datetime], ...]


async def last_reminded(call: Call[Any], audit_action: str, subject_id: int
                        ) -> datetime | None:
    entries = await call.uow.audit.for_lab(call.the_lab.id, action=audit_action)
    times = [e.at for e in entries if e.detail.get("subject") == subject_id]
    return max(times) if times else None


async def remind_now(call: Call[Any], *, kind: str, subject_id: int, name: str,
                     closes_at: datetime | None, pending: Sequence[int]) -> Reminded:
    """Send `pending` (person ids) a nudge about `kind` `subject_id` now; refuse with when
    it is next allowed (in the reader's zone) if it was done less than REMIND_EVERY ago."""
    audit_action = f"{kind}.reminded_now"
    last = await last_reminded(call, audit_action, subject_id)
    if last is not None and call.now - last < REMIND_EVERY:
        nxt = last + REMIND_EVERY
        raise TooSoon(
            _("The members who have not answered {name} were reminded "
            "{format_local}; Remind now can be used again from "
            "{format_local2} ({zone}, "
            "{zone_abbreviation}). The automatic nudge before the close "
            "still goes.").format(
                name=name, format_local=format_local(last, call.zone),
                format_local2=format_local(nxt, call.zone), zone=call.zone,
                zone_abbreviation=zone_abbreviation(nxt, call.zone)))
    lab = call.the_lab
    waiting = set(pending)
    rows: list[Reminder] = []
    sent: list[str] = []
    held: list[tuple[str, datetime]] = []
    for m in await call.uow.members.active(lab.id):
        if m.person_id not in waiting:
            continue
        zone = m.person.timezone or lab.timezone
        row = _first_timer(call.ctx, Reminder(
            lab_id=lab.id, kind=ReminderKind.NUDGE, recipient_id=m.person_id,
            author_id=call.person.id, subject_kind=kind, subject_id=subject_id,
            subject_at=closes_at, text="", due_at=call.now, next_at=call.now,
            status=ReminderStatus.PENDING, created_at=call.now,
        ), zone)
        rows.append(await call.uow.reminders.add(row))
        if row.next_at > call.now:  # the nudge's own rule: held past their quiet hours
            held.append((m.person.display_name, row.next_at))
        else:
            sent.append(m.person.display_name)
    await call.audit(audit_action, subject=subject_id, people=len(rows))
    arm_after_commit(call.ctx, call.uow, rows)
    return Reminded(tuple(sent), tuple(held))


def reminded_text(call: Call[Any], name: str, reminded: Reminded) -> str:
    """What the facilitator is told: who it went to, and who gets it after quiet hours."""
    if not reminded.now and not reminded.held:
        return _("Everyone has answered {name}: nobody to remind.").format(name=name)
    parts = []
    if reminded.now:
        parts.append(_("Reminded now, privately: {names}.").format(
            names=', '.join(reminded.now)))
    if reminded.held:
        parts.append(_("In their quiet hours, so reminded when those end: ") + ", ".join(
            f"{who} ({format_local(at, call.zone)})" for who, at in reminded.held) + ".")
    parts.append(_("Remind now can be used again for {name} in 12 hours.").format(name=name))
    return " ".join(parts)
