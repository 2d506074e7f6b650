"""Availability polls, pure: slot generation and validation, slot numbers, paging by day,
ranking with required attendees, and the search for the best pair of meeting slots.

Everything here takes `now` and zones as arguments and works on plain values, so the
hardest rules (daylight-saving changes, ties, the pair search) are tested without a bot.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.domain.when import MAX_AHEAD as MAX_AHEAD  # the one limit, used from here too
from bot.domain.when import parse_duration
from bot.domain.zones import Occurs, WallTime, format_span, wall_time, zone_abbreviation
from bot.i18n import N_, _, localized

MAX_SLOTS = 200
MAX_RANGE_DAYS = 366
# How far ahead a poll or a meeting may be (MAX_AHEAD, the one rule in bot/domain/when.py):
# further is a year typed wrong (and near the year 9999, beyond what a datetime holds).
# A slot that starts before 08:00 or ends after 20:00 in someone's own zone is marked for them.
COMFORT = (time(8, 0), time(20, 0))


class Answer(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


ANSWER_LABELS = {Answer.YES: N_("yes"), Answer.MAYBE: N_("if need be"), Answer.NO: N_("no")}


class SlotError(ValueError):
    """A poll definition or a slot reference that cannot work; the text says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading dates and moments ------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2})$")


def parse_date(text: str) -> date:
    """"2027-01-11" -> date(2027, 1, 11)."""
    m = _DATE.match(text.strip())
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise SlotError(_("`{text}` is not a date; write it as YYYY-MM-DD, e.g. 2027-01-11.").format(
        text=text))


def parse_date_range(text: str) -> tuple[date, date]:
    """"2027-01-11..2027-01-22" -> (first, last), both included; one date is one day."""
    parts = text.strip().split("..")
    if len(parts) == 1:
        day = parse_date(parts[0])
        return day, day
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise SlotError(
            _("`{text}` is not a date range; write from..to, e.g. 2027-01-11..2027-01-22.").format(
                text=text)
        )
    first, last = parse_date(parts[0]), parse_date(parts[1])
    if last < first:
        raise SlotError(
            _("The date range ends ({last:%a %d %b %Y}) before it starts ({first:%a %d %b %Y}). "
            "Write the earlier date first: {isoformat}..{isoformat2}.").format(
                last=localized(last), first=localized(first), isoformat=last.isoformat(),
                isoformat2=first.isoformat())
        )
    if (last - first).days >= MAX_RANGE_DAYS:
        raise SlotError(_("A poll spans at most a year; choose a shorter date range."))
    return first, last


def _utc(day: date, clock: time, zone: str) -> WallTime:
    try:
        return wall_time(day, clock, zone)
    except OverflowError:  # 31 Dec 9999 in a zone behind UTC: after the last datetime
        raise SlotError(_("{isoformat}T{clock:%H:%M} is too far ahead; check the year.").format(
            isoformat=day.isoformat(), clock=clock)
                        ) from None


def parse_moment(text: str, zone: str) -> datetime:
    """"2027-01-11T09:00" (or a space for the T) in `zone` -> an aware UTC datetime.

    A time that happens twice is the first of the two (`wall_time`'s reading). A time the
    clocks skip is refused, naming the time `wall_time` would read it as: a slot, a close or
    a meeting is set for a whole lab and lands in calendars, so it is not moved unasked.
    """
    m = _MOMENT.match(text.strip())
    if not m:
        raise SlotError(
            _("`{text}` is not a date and time; write YYYY-MM-DDTHH:MM, e.g. "
              "2027-01-11T09:00.").format(
                text=text)
        )
    day = parse_date(m.group(1))
    hh, mm = (int(p) for p in m.group(2).split(":"))
    if hh > 23 or mm > 59:
        raise SlotError(_("`{text}` has no such time of day; use a 24-hour HH:MM.").format(
            text=text))
    wall = _utc(day, time(hh, mm), zone)
    if wall.occurs is Occurs.NEVER:
        raise SlotError(
            _("{text} does not exist in {zone}: the clocks skip {format_span} then, "
            "so that moment is {local:%H:%M} {zone_abbreviation}. "
            "Write {local:%Y-%m-%dT%H:%M} if you mean it, or choose another time.").format(
                text=text, zone=zone, format_span=format_span(wall.shift), local=wall.local,
                zone_abbreviation=zone_abbreviation(wall.moment, zone))
        )
    return wall.moment


def bounded_duration(text: str, *, word: str, low: str, high: str, example: str) -> timedelta:
    """`text` ("60m", "14d") read as a duration from `low` to `high` (written the same way);
    outside that range, however many digits, a message naming `word` and the range."""
    value: timedelta | None
    try:
        value = parse_duration(text)
    except (ValueError, OverflowError):
        # Too many digits (refused by parse_duration, or more than a timedelta holds) is
        # out of range like any other number; a word or a unit it cannot read is a mistake
        # of its own, which parse_duration's message names.
        unit = text.strip().lstrip("0123456789")
        if unit == text.strip():
            raise
        parse_duration("1" + unit)
        value = None
    if value is None or not parse_duration(low) <= value <= parse_duration(high):
        raise SlotError(_("`{word} {text}` is out of range; use {low} to {high}, "
                        "e.g. `{word} {example}`.").format(
            word=word, text=text, low=low, high=high, example=example))
    return value


# --- slot generation ------------------------------------------------------------------------


def _today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def too_far_ahead(day: date, now: datetime, zone: str) -> SlotError | None:
    """The refusal for a poll or meeting on `day` if that is more than MAX_AHEAD away."""
    today = _today(now, zone)
    if day - today <= MAX_AHEAD:
        return None
    return SlotError(_("{day:%a %d %b %Y} is more than two years ahead (it is "
                     "{today:%a %d %b %Y} in {zone}). Check the year.").format(
        day=localized(day), today=localized(today), zone=zone))


def _window_text(window: tuple[time, time], zone: str) -> str:
    return f"{window[0]:%H:%M}-{window[1]:%H:%M} {zone}"


def _check_lengths(window: tuple[time, time], length: timedelta, step: timedelta,
                   zone: str) -> None:
    if length <= timedelta(0):
        raise SlotError(_("A slot must last at least a minute; e.g. `length 60m`."))
    if step <= timedelta(0):
        raise SlotError(_("Slots must be at least a minute apart; e.g. `step 30m`."))
    start, end = window
    span = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    if span < length:
        minutes = int(length.total_seconds() // 60)
        raise SlotError(
            _("The window {window_text} is too short for one {minutes}-minute "
            "slot, so the poll would be empty. Widen the window (e.g. `window 09:00-18:00`) "
            "or shorten `length`.").format(window_text=_window_text(window, zone), minutes=minutes)
        )


def day_starts(window: tuple[time, time], length: timedelta, step: timedelta) -> list[time]:
    """The wall-clock starts of one day's slots: from the window's start, every `step`,
    while the whole slot fits before the window's end."""
    start, end = window
    base = datetime.combine(date.min, start)
    limit = datetime.combine(date.min, end)
    out = []
    t = base
    while t + length <= limit:
        out.append(t.time())
        t += step
    return out


def generate_slots(
    first: date, last: date, *, days: frozenset[int], window: tuple[time, time], zone: str,
    length: timedelta, step: timedelta, now: datetime,
) -> list[datetime]:
    """Every slot from `first` to `last` (both included) on `days` (Monday is 0), within
    `window` in `zone`, `length` long, starting every `step`: UTC starts, earliest first.

    Wall-clock times are kept across daylight-saving changes (09:00 stays 09:00 local); a
    start the clocks skip is left out (`wall_time` would move it onto a later start of the
    grid), and one that happens twice is counted once, the first time. Slots already past on
    today's date are left out.
    """
    if last < first:
        raise SlotError(_("The date range ends ({last:%a %d %b %Y}) before it starts "
                        "({first:%a %d %b %Y}); write the earlier date first.").format(
            last=localized(last), first=localized(first)))
    _check_lengths(window, length, step, zone)
    today = _today(now, zone)
    if first < today:
        raise SlotError(
            _("{first:%a %d %b %Y} is in the past (it is {today:%a %d %b %Y} in {zone}). "
            "Start the poll today or later.").format(first=localized(first),
                                                    today=localized(today), zone=zone)
        )
    if (far := too_far_ahead(first, now, zone)) is not None:
        raise far
    per_day = day_starts(window, length, step)
    matching = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    matching = [d for d in matching if d.weekday() in days]
    estimate = len(per_day) * len(matching)
    if estimate > 2 * MAX_SLOTS:
        raise too_many(estimate)
    out = []
    for day in matching:
        for clock in per_day:
            wall = _utc(day, clock, zone)
            if wall.occurs is not Occurs.NEVER and wall.moment > now:
                out.append(wall.moment)
    if not out:
        raise SlotError(
            _("No slot fits: none of the days from {first:%a %d %b} to {last:%a %d %b %Y} "
            "is a meeting day ({format_day_set}) with a future slot in "
            "{window_text}. Widen the dates or `days`.").format(
                first=localized(first), last=localized(last),
                format_day_set=format_day_set(days),
                window_text=_window_text(window, zone))
        )
    if len(out) > MAX_SLOTS:
        raise too_many(len(out))
    return out


def too_many(count: int) -> SlotError:
    return SlotError(
        _("That makes {count} slots; a poll holds at most {MAX_SLOTS}. Shorten the date range, "
        "narrow the window or the days, or space the slots out with a longer `step`.").format(
            count=count, MAX_SLOTS=MAX_SLOTS)
    )


def format_day_set(days: frozenset[int]) -> str:
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    if days == frozenset(range(5)):
        return "mon-fri"
    if days == frozenset(range(7)):
        return _("every day")
    return ",".join(names[d] for d in sorted(days))


def explicit_slots(
    texts: Sequence[str], *, zone: str, window: tuple[time, time], length: timedelta,
    now: datetime,
) -> list[datetime]:
    """Slots listed one by one ("2027-01-11T09:00"), read in `zone`: each must be in the
    future and fit inside `window`; UTC starts, earliest first."""
    _check_lengths(window, length, timedelta(minutes=1), zone)
    if not texts:
        raise SlotError(_("List at least one slot, e.g. `slots "
                          "2027-01-11T09:00,2027-01-12T14:30`."))
    if len(texts) > MAX_SLOTS:
        raise too_many(len(texts))
    seen: dict[datetime, str] = {}
    tz = ZoneInfo(zone)
    for text in texts:
        written = _MOMENT.match(text.strip())
        if written and (far := too_far_ahead(parse_date(written.group(1)), now, zone)):
            raise far  # before reading the time: 9999-12-31 may not fit in UTC
        moment = parse_moment(text, zone)
        if moment <= now:
            raise SlotError(
                _("The slot {text} is in the past (it is {astimezone:%a %d %b %Y %H:%M} "
                "in {zone}). List slots from now on.").format(
                    text=text, astimezone=localized(now.astimezone(tz)), zone=zone)
            )
        local = moment.astimezone(tz)
        end = local + length
        inside = local.time() >= window[0] and (
            end.date() == local.date() and end.time() <= window[1]
        )
        if not inside:
            raise SlotError(
                _("The slot {text} falls outside the window {window_text}. "
                "Choose a time inside the window, or give another one with "
                "`window HH:MM-HH:MM`.").format(text=text, window_text=_window_text(window, zone))
            )
        if moment in seen:
            raise SlotError(_("The slot {text} is listed twice ({value}); list it once.").format(
                text=text, value=seen[moment]))
        seen[moment] = text
    return sorted(seen)


def default_close(first_slot: datetime, now: datetime) -> datetime:
    """Polls close 24 hours before their first slot; at the first slot if that is past."""
    deadline = first_slot - timedelta(hours=24)
    return deadline if deadline > now else first_slot


# --- slot numbers and pages -----------------------------------------------------------------

_NUMBERS = re.compile(r"^\d+(-\d+)?$")


def parse_slot_numbers(text: str, count: int) -> list[int]:
    """"3,5-7" -> [3, 5, 6, 7]; "all" -> every slot. Numbers run from 1 to `count`."""
    spec = text.strip().lower().replace(" ", "")
    if spec in ("all", "*"):
        return list(range(1, count + 1))
    found: set[int] = set()
    for part in spec.split(","):
        if not part:
            continue
        if not _NUMBERS.match(part):
            raise SlotError(
                _("`{part}` is not a slot number; give numbers and ranges like `3,5-7`, "
                  "or `all`.").format(
                    part=part)
            )
        if "-" in part:
            a, b = (int(p) for p in part.split("-"))
            if b < a:
                raise SlotError(_("The range `{part}` runs backwards; write it as "
                                  "`{b}-{a}`.").format(
                    part=part, b=b, a=a))
        else:
            a = b = int(part)
        # The first missing number, found from the ends: `1-99999999999999` must not count.
        if a < 1 or b > count:
            raise SlotError(no_such_slot(a if a < 1 else max(a, count + 1), count))
        found.update(range(a, b + 1))
    if not found:
        raise SlotError(_("Say which slots, e.g. `3,5-7` or `all`."))
    return sorted(found)


def no_such_slot(number: int, count: int) -> str:
    return (_("There is no slot {number}: this poll has slots 1 to {count}. Look at the poll's "
            "card for the numbers.").format(number=number, count=count))


def day_pages(
    starts: Sequence[datetime], zone: str, per_page: int = 25
) -> list[tuple[date, list[int]]]:
    """Slot indexes grouped by the local day in `zone`, a long day split into pages of
    `per_page`; each page is (its day, the indexes of its slots)."""
    tz = ZoneInfo(zone)
    pages: list[tuple[date, list[int]]] = []
    current: date | None = None
    for i, start in enumerate(starts):
        day = start.astimezone(tz).date()
        if day != current or len(pages[-1][1]) >= per_page:
            pages.append((day, []))
            current = day
        pages[-1][1].append(i)
    return pages


def comfort_mark(start: datetime, length: timedelta, zone: str, *,
                 reader: Literal["you", "them"] = "you") -> str | None:
    """When the slot leaves 08:00-20:00 in `zone`: "early for you" / "late for you" on a
    card for the member whose zone it is; on a card everyone sees (`reader="them"`), which
    names each member's time, "early for them: starts before 08:00 their time" (or late)."""
    tz = ZoneInfo(zone)
    local = start.astimezone(tz)
    if local.time() < COMFORT[0]:
        if reader == "you":
            return _("early for you")
        return _("early for them: starts before {value:%H:%M} their time").format(
            value=COMFORT[0])
    if start + length > wall_time(local.date(), COMFORT[1], zone).moment:
        if reader == "you":
            return _("late for you")
        return _("late for them: ends after {value:%H:%M} their time").format(
            value=COMFORT[1])
    return None


# --- ranking -------------------------------------------------------------------------------

# Each respondent's answer to each slot (None: not answered), keyed by whoever answers: a
# person id in the bot, anything hashable in tests. Keys keep their order (rows, bits).
Grid = Mapping[Any, Sequence[Answer | None]]


@dataclass(frozen=True, slots=True)
class SlotScore:
    """How one slot stands; `index` is its position (chronological) in the poll."""

    index: int
    yes: int
    maybe: int
    no: int
    blocked_by: tuple[Any, ...] = ()  # required attendees who answered no

    @property
    def available(self) -> int:
        return self.yes + self.maybe

    @property
    def excluded(self) -> bool:
        return bool(self.blocked_by)


def _columns(grid: Grid, n_slots: int) -> list[tuple[Answer | None, ...]]:
    rows = list(grid.values())
    for row in rows:
        if len(row) != n_slots:
            raise ValueError("every respondent needs one entry per slot (None: no answer)")
    if not rows:
        return [() for _x in range(n_slots)]
    return list(zip(*rows, strict=True))


def score_slots(grid: Grid, n_slots: int, required: frozenset[Hashable] = frozenset()
                ) -> list[SlotScore]:
    """Counts per slot, in slot order; a slot a required attendee said no to is blocked."""
    cols = _columns(grid, n_slots)
    people = list(grid)
    req = [people.index(p) for p in required if p in grid]
    out = []
    for i, col in enumerate(cols):
        blocked = tuple(people[k] for k in req if col[k] is Answer.NO)
        out.append(SlotScore(i, col.count(Answer.YES), col.count(Answer.MAYBE),
                             col.count(Answer.NO), blocked))
    return out


def rank_slots(scores: Sequence[SlotScore]) -> list[SlotScore]:
    """Best first: most yes + if-need-be, then most yes, then the earliest; slots blocked by
    a required attendee's no drop to the end (in the same order among themselves)."""
    return sorted(scores, key=lambda s: (s.excluded, -s.available, -s.yes, s.index))


# --- the best pair of meetings ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairScore:
    """Two slots (`first` earlier than `second`) and who could come."""

    first: int
    second: int
    either: int  # respondents who can attend at least one of the two
    both: int  # respondents who can attend both
    yes: int  # yes answers across the two slots

    def key(self) -> tuple[int, int, int, int, int]:
        return (self.either, self.both, self.yes, -self.first, -self.second)


_CAN_COME = {Answer.YES: "1", Answer.MAYBE: "1", Answer.NO: "0", None: "0"}


def availability_masks(grid: Grid, n_slots: int) -> list[int]:
    """Per slot, a bit set of the respondents who said yes or if need be (one bit each, in
    grid order from the most significant). Built as a string of 0s and 1s read in base 2,
    which keeps the loop in C: a 1,000 by 200 grid takes milliseconds."""
    return [int("0" + "".join(map(_CAN_COME.__getitem__, col)), 2)
            for col in _columns(grid, n_slots)]


def best_pairs(
    scores: Sequence[SlotScore], masks: Sequence[int], starts: Sequence[datetime], *,
    gap: timedelta, limit: int = 5,
) -> list[PairScore]:
    """The best `limit` pairs of slots at least `gap` apart (start to start): most people
    who can attend at least one, then most who can attend both, then most yes answers, then
    the earliest. Slots blocked by a required attendee are never proposed."""
    if any(b < a for a, b in itertools.pairwise(starts)):
        raise ValueError("slots must be in chronological order")
    usable = sorted(s.index for s in scores if not s.excluded)
    yes = [0] * len(starts)
    for s in scores:
        yes[s.index] = s.yes
    usable_starts = [starts[i] for i in usable]

    def candidates() -> list[PairScore]:
        out = []
        for n, i in enumerate(usable):
            lo = bisect.bisect_left(usable_starts, starts[i] + gap, lo=n + 1)
            a, ya = masks[i], yes[i]
            for j in usable[lo:]:
                b = masks[j]
                out.append(PairScore(i, j, (a | b).bit_count(), (a & b).bit_count(),
                                     ya + yes[j]))
        return out

    return heapq.nlargest(limit, candidates(), key=PairScore.key)
