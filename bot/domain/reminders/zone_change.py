"""Zone change: how a member's move to another time zone re-plans what was read on their
wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.domain.reminders.planning import fit_nudge
from bot.domain.reminders.quiet_hours import hold_reminder
from bot.domain.reminders.states import Planned, ReminderKind
from bot.domain.reminders.weekly import Weekly
from bot.domain.zones import wall_time
from bot.i18n import _


def same_wall_time(moment: datetime, before: str, after: str, *, clock: time | None = None
                   ) -> datetime:
    """The UTC moment with the date and clock time in `after` that `moment` has in `before`:
    09:00 on Friday in Europe/London becomes 09:00 on Friday in Asia/Kolkata.

    `clock` stands in for the clock time read off `moment` (a weekly rule's own time, which
    a daylight-saving gap may have moved that day); read by `wall_time`.
    """
    local = moment.astimezone(ZoneInfo(before))
    return wall_time(local.date(), clock or local.time(), after).moment


@dataclass(frozen=True, slots=True)
class Replan:
    """A pending reminder's new plan after its person moved zone."""

    due_at: datetime
    next_at: datetime
    repeat_zone: str | None
    subject_at: datetime | None


@dataclass(frozen=True, slots=True)
class Drop:
    """A pending reminder that no longer has a time to go (a nudge with no time left outside
    the new night); `note` says why."""

    note: str


def _may_move(r: Planned, now: datetime) -> bool:
    # Rows already due, being delivered or waiting to be retried are left to their timers.
    return r.attempts == 0 and r.next_at > now


def needs_recipient_zone(r: Planned, person_id: int, before: str, *, now: datetime) -> bool:
    """Whether `replan_for_zone` needs the zone of `r`'s recipient (someone other than the
    person who moved: a repeating reminder they set for another member or the lab)."""
    return (_may_move(r, now) and r.recipient_id != person_id and bool(r.repeat)
            and r.repeat_zone == before and r.author_id == person_id)


def replan_for_zone(r: Planned, person_id: int, before: str, after: str, *, now: datetime,
                    window: tuple[time, time], recipient_zone: str | None = None
                    ) -> Replan | Drop | None:
    """How a pending reminder moves when `person_id` moves from zone `before` to `after`, so
    that each still falls at the local time it stood for; None when it stays as it is.

    - action-item reminders to them (09:00 in the owner's zone) move to the same days and
      clock time in the new zone;
    - repeating reminders they set, read in their old zone, keep their days and time on the
      new zone's wall clock, from the occurrence now pending on;
    - a nudge to them before a poll or vote closes is fitted around the new night as a new
      one would be (`fit_nudge`), or dropped when no time before the close is outside it;
    - any reminder to them waits for quiet hours, or stops waiting, by the new zone's night.

    One-off reminders keep their moment (what the person meant when they set it), and so do
    meeting reminders and deadlines. A time the move puts in the past is due now rather than
    dropped. `recipient_zone`: the zone whose night holds back a row to someone else (see
    `needs_recipient_zone`).
    """
    if not _may_move(r, now):
        return None
    due, repeat_zone, subject_at = r.due_at, r.repeat_zone, r.subject_at
    if r.kind is ReminderKind.ACTION_ITEM and r.recipient_id == person_id:
        due = same_wall_time(r.due_at, before, after)
        if subject_at is not None:
            subject_at = same_wall_time(subject_at, before, after)
    elif r.repeat and r.repeat_zone == before and r.author_id == person_id:
        rule = Weekly.from_spec(r.repeat, before)
        due = same_wall_time(r.due_at, before, after, clock=rule.at)
        repeat_zone = after
    elif r.kind is ReminderKind.NUDGE and r.recipient_id == person_id and \
            r.subject_at is not None:
        fitted = fit_nudge(max(r.due_at, now), r.subject_at, after, window, now=now)
        if fitted is None:
            return Drop(_("after a move to {after}, no time before the close was outside "
                        "their night").format(after=after))
        due = fitted
    elif r.recipient_id != person_id:
        return None  # set by them for someone else, at a moment that stays
    start = max(due, now)
    zone = after if r.recipient_id == person_id else recipient_zone
    if zone is None:
        raise ValueError("a reminder to someone else needs their zone (needs_recipient_zone)")
    next_at = hold_reminder(r, start, zone, window) or start
    if (due, next_at, repeat_zone, subject_at) == (r.due_at, r.next_at, r.repeat_zone,
                                                   r.subject_at):
        return None
    return Replan(due, next_at, repeat_zone, subject_at)
