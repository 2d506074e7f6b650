"""Planning: when the reminders before meetings, deadlines and action items fall due, and
the meeting offsets a lab chooses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from bot.domain.reminders.quiet_hours import quiet_since, quiet_until
from bot.domain.when import parse_duration
from bot.domain.zones import wall_time
from bot.i18n import _

MEETING_START = timedelta(hours=1)  # meeting reminders this close to the start ignore quiet hours
ACTION_ITEM_CLOCK = time(9, 0)
MAX_OFFSETS = 5
MIN_NUDGE_WINDOW = timedelta(hours=1)  # open for less than this: the announcement is enough
NUDGE_LEAD = timedelta(minutes=30)  # at least this long after the opening and before the close
EVENING_MARGIN = timedelta(hours=1)  # a nudge pulled out of the night: this long before it


def action_item_times(due: date, zone: str, now: datetime) -> list[tuple[str, datetime]]:
    """09:00 in the owner's zone the day before `due`, and on the day; only those to come."""
    out = []
    for label, day in ((_("day before"), due - timedelta(days=1)), (_("due day"), due)):
        at = wall_time(day, ACTION_ITEM_CLOCK, zone).moment
        if at > now:
            out.append((label, at))
    return out


def meeting_times(
    starts_at: datetime, offsets: Iterable[timedelta], now: datetime
) -> list[tuple[timedelta, datetime]]:
    """(offset, moment) for each reminder before a meeting that is still to come, earliest first."""
    out = [(o, starts_at - o) for o in set(offsets) if starts_at - o > now]
    return sorted(out, key=lambda pair: pair[1])


def is_meeting_start(offset: timedelta) -> bool:
    """A reminder this close to a meeting is about it starting: quiet hours do not hold it."""
    return offset <= MEETING_START


def nudge_time(closes_at: datetime, before: timedelta, now: datetime) -> datetime | None:
    """When to nudge those who have not answered a poll or vote open from `now` until
    `closes_at`: `before` ahead of the close, but never in the first half of the time it is
    open (a poll open for a day and a half is nudged halfway through, not an hour after it
    opened); none if it is open for less than MIN_NUDGE_WINDOW, when its announcement was
    reminder enough.

    `now` is when it opened for the people concerned: for a member who joins while it is
    open, when they joined, so they get the same rule over the time they have.
    """
    window = closes_at - now
    if window < MIN_NUDGE_WINDOW:
        return None
    return max(closes_at - before, now + window / 2)


def fit_nudge(at: datetime, closes_at: datetime, zone: str, window: tuple[time, time], *,
              now: datetime) -> datetime | None:
    """Where a nudge due at `at` lands for a reader in `zone`, so that it neither breaks their
    quiet hours nor comes too late to act on.

    `at` itself when it is not quiet there, or when their quiet hours end at least NUDGE_LEAD
    before the close (it waits for their morning, as every reminder does). Otherwise, when
    the morning would be too late (a poll opened in the afternoon that closes at breakfast
    time), the evening before: EVENING_MARGIN before their quiet hours begin, if that is at
    least NUDGE_LEAD after `now`. Else None: no nudge rather than one at night or one after
    the close.
    """
    until = quiet_until(at, zone, window)
    if until is None or until <= closes_at - NUDGE_LEAD:
        return at
    began = quiet_since(at, zone, window)
    if began is None:  # pragma: no cover - quiet_until said it was quiet
        return at
    evening = began - EVENING_MARGIN
    if evening - now >= NUDGE_LEAD and quiet_until(evening, zone, window) is None:
        return evening
    return None


def parse_offsets(words: Sequence[str]) -> tuple[timedelta, ...]:
    """Meeting reminder offsets ("24h", "15m", "2d"), longest first; ValueError on bad ones."""
    out: set[timedelta] = set()
    for word in words:
        for part in word.replace(",", " ").split():
            try:
                offset = parse_duration(part)
            except ValueError:
                raise ValueError(
                    f"`{part}` is not a duration: use e.g. `24h`, `90m` or `2d`."
                ) from None
            if not timedelta(minutes=1) <= offset <= timedelta(days=14):
                raise ValueError(f"`{part}` is out of range: between 1 minute and 14 days.")
            out.add(offset)
    if len(out) > MAX_OFFSETS:
        raise ValueError(f"At most {MAX_OFFSETS} reminders before a meeting.")
    return tuple(sorted(out, reverse=True))


def format_offset(offset: timedelta) -> str:
    """24h -> "24 hours", 90m -> "1 hour 30 minutes", 48h -> "2 days"."""
    minutes = int(offset.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    if days >= 2 and not rest:
        return f"{days} days"
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or _("0 minutes")


def format_offset_short(offset: timedelta) -> str:
    """24h -> "24h", 90m -> "90m", 2d -> "2d": what `/lab reminders meetings` takes."""
    minutes = int(offset.total_seconds() // 60)
    if minutes % (24 * 60) == 0 and minutes >= 2 * 24 * 60:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"
