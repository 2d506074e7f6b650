"""Reading when people mean: "in 2 hours", "tomorrow 10:00", "friday 9am",
"2027-01-11 14:00", "every monday 09:00", in the reader's zone, saying what was understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.reminders.weekly import Weekly
from bot.domain.when import parse_days
from bot.domain.zones import format_local, wall_time
from bot.i18n import _

EXAMPLES = ("in 2 hours", "tomorrow 10:00", "friday 9am", "2027-01-11 14:00",
            "every monday 09:00")
DEFAULT_CLOCK = time(9, 0)  # "friday" alone means friday at 09:00
TONIGHT = time(20, 0)
MAX_AHEAD = timedelta(days=366)
MIN_AHEAD = timedelta(minutes=1)


class WhenError(ValueError):
    """A time that could not be read, or is not allowed; the message says what was understood."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def examples_text() -> str:
    return _("Examples: ") + ", ".join(f"`{e}`" for e in EXAMPLES) + "."


# --- reading what people type -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """A time read from the start of what someone typed, and the words that follow it."""

    first: datetime  # UTC: when it first falls due
    repeat: Weekly | None
    said: str  # the words that were read as the time
    rest: str  # what came after them (the reminder's text)
    notes: tuple[str, ...] = ()

    def describe(self, zone: str) -> str:
        """What was understood, in `zone`, with the zone named."""
        if self.repeat is not None:
            return (_("{describe}, first on "
                    "{format_local}").format(
                describe=self.repeat.describe(),
                format_local=format_local(self.first, self.repeat.zone)))
        return format_local(self.first, zone)


_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
_MONTHS = {
    name: i + 1
    for i, names in enumerate((
        ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
        ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
        ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
        ("dec", "december"),
    ))
    for name in names
}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45,
}
_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
}
_UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 7 * 86400}
_COMPACT = re.compile(r"^(\d+(?:\.\d+)?)([a-z]+)$")
_HOURS_MINUTES = re.compile(r"^(\d{1,9})h(\d{1,9})m?$", re.ASCII)
_CLOCK_24 = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
_CLOCK_12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(am|pm|a\.m\.|p\.m\.)$")
_LOOKS_LIKE_CLOCK = re.compile(r"^\d{1,2}[:.h]\d+$|^\d+(?:[:.]\d+)?(am|pm)$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ORDINAL = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")
_DAY_RANGE = re.compile(r"^[a-z]{3,9}([,-][a-z]{3,9})+$")


@dataclass
class _Word:
    text: str  # lower case, trailing punctuation removed
    start: int
    end: int


class _Reader:
    def __init__(self, text: str, now: datetime, zone: str) -> None:
        self.text = text
        self.now = now
        self.zone = zone
        self.tz = ZoneInfo(zone)
        self.today = now.astimezone(self.tz).date()
        self.words = [
            _Word(m.group().lower().rstrip(",;:!"), m.start(), m.end())
            for m in re.finditer(r"\S+", text)
        ]
        self.i = 0
        self.notes: list[str] = []
        self.understood = ""  # what the words read so far mean, for error messages

    # --- the cursor ---

    def peek(self, ahead: int = 0) -> str | None:
        j = self.i + ahead
        return self.words[j].text if j < len(self.words) else None

    def said(self) -> str:
        if self.i == 0:
            return ""
        return self.text[self.words[0].start:self.words[self.i - 1].end]

    def rest(self) -> str:
        if self.i >= len(self.words):
            return ""
        rest = self.text[self.words[self.i].start:].strip().lstrip(":-–— ").strip()
        # "remind me tomorrow to call Amara": the "to" belongs to the sentence, not the text.
        for lead in ("to ", "that "):
            if rest.lower().startswith(lead):
                rest = rest[len(lead):].strip()
        return rest

    def fail(self, problem: str) -> WhenError:
        got = self.said()
        meaning = f" ({self.understood})" if self.understood else ""
        understood = _("I read `{got}`{meaning}, but {problem}").format(
            got=got, meaning=meaning, problem=problem) if got else problem
        return WhenError(f"{understood} {examples_text()}")

    def coming(self, weekday: int, *, strictly_next: bool) -> str:
        ahead = (weekday - self.today.weekday()) % 7 or (7 if strictly_next else 0)
        return f"{self.today + timedelta(days=ahead):%a %d %b %Y}"

    def read_day(self, day: date) -> date:
        self.understood = f"{day:%a %d %b %Y}"
        return day

    # --- pieces ---

    def clock(self) -> time | None:
        """A time of day at the cursor ("14:00", "2pm", "9 am", "noon"), consumed if found."""
        word = self.peek()
        if word is None:
            return None
        if word in ("noon", "midday"):
            self.i += 1
            return time(12, 0)
        m = _CLOCK_24.match(word)
        if m:
            hour, minute = int(m.group(1)), int(m.group(2))
            if hour > 23 or minute > 59:
                raise self.fail(_("`{word}` is not a time of day: use 24-hour HH:MM (14:00) "
                                "or 2pm.").format(word=word))
            self.i += 1
            return time(hour, minute)
        suffix = self.peek(1)
        if word.isdigit() and suffix in ("am", "pm", "a.m.", "p.m."):
            word, consumed = word + suffix, 2
        else:
            consumed = 1
        m = _CLOCK_12.match(word)
        if m:
            hour, minute = int(m.group(1)), int(m.group(2) or 0)
            if not 1 <= hour <= 12 or minute > 59:
                raise self.fail(_("`{word}` is not a time of day: with am or pm the hour is "
                                "1 to 12 (9am, 2:30pm).").format(word=word))
            hour = hour % 12 + (12 if m.group(3).startswith("p") else 0)
            self.i += consumed
            return time(hour, minute)
        if _LOOKS_LIKE_CLOCK.match(word):
            raise self.fail(_("`{word}` is not a time of day: use 24-hour HH:MM (14:00) "
                              "or 2pm.").format(
                word=word))
        return None

    def at_clock(self) -> time | None:
        """A clock with an optional "at" before it; "at" then no clock is a mistake."""
        if self.peek() == "at":
            self.i += 1
            found = self.clock()
            word = self.peek()
            if found is None and word is not None and word.isascii() and word.isdigit():
                hour = int(word) if len(word) <= 3 else 999  # 400 digits: no hour either
                if hour > 23:
                    raise self.fail(_("`{word}` is not an hour of the day.").format(word=word))
                self.i += 1
                return time(hour, 0)
            if found is None:
                raise self.fail(_("`at` needs a time after it, e.g. `at 14:00` or `at 2pm`."))
            return found
        return self.clock()

    def weekday(self) -> int | None:
        word = self.peek()
        if word is None:
            return None
        found = _WEEKDAYS.get(word, _WEEKDAYS.get(word.removesuffix("s")))
        if found is not None:
            self.i += 1
        return found

    def day(self) -> tuple[date | None, int | None, bool]:
        """(a date, or a weekday with "next" or not); consumed if found."""
        word = self.peek()
        if word is None:
            return None, None, False
        if word == "on":
            self.i += 1
            found = self.day()
            if found == (None, None, False):
                raise self.fail(_("`on` needs a day after it, e.g. `on friday` or "
                                "`on 2027-01-11`."))
            return found
        if word in ("today", "tonight"):
            self.i += 1
            return self.read_day(self.today), None, False
        if word in ("tomorrow", "tmrw", "tmr"):
            self.i += 1
            return self.read_day(self.today + timedelta(days=1)), None, False
        if word in ("next", "this"):
            self.i += 1
            weekday = self.weekday()
            if weekday is None:
                raise self.fail(_("`{word}` needs a weekday after it, e.g. `{word} "
                                  "friday 9am`.").format(
                    word=word))
            self.understood = self.coming(weekday, strictly_next=word == "next")
            return None, weekday, word == "next"
        weekday = self.weekday()
        if weekday is not None:
            self.understood = self.coming(weekday, strictly_next=False)
            return None, weekday, False
        on_calendar = self.calendar_date()
        return (self.read_day(on_calendar) if on_calendar else None), None, False

    def calendar_date(self) -> date | None:
        word = self.peek()
        assert word is not None
        m = _ISO_DATE.match(word)
        if m:
            found = self.make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), word)
            self.i += 1
            return found
        # "11 jan [2027]" or "jan 11 [2027]"
        first, second = word, self.peek(1)
        day_word, month_word = (first, second) if first[:1].isdigit() else (second, first)
        if month_word is None or day_word is None or month_word not in _MONTHS:
            return None
        m = _ORDINAL.match(day_word)
        if not m:
            return None
        year_word = self.peek(2)
        month, day = _MONTHS[month_word], int(m.group(1))
        if year_word is not None and re.fullmatch(r"\d{4}", year_word):
            found = self.make_date(int(year_word), month, day, f"{first} {second} {year_word}")
            self.i += 3
            return found
        found = self.make_date(self.today.year, month, day, f"{first} {second}")
        self.i += 2
        # A date without a year is the next one to come.
        return found if found >= self.today else self.make_date(
            self.today.year + 1, month, day, f"{first} {second}")

    def make_date(self, year: int, month: int, day: int, typed: str) -> date:
        try:
            return date(year, month, day)
        except ValueError:
            raise self.fail(_("`{typed}` is not a date on the calendar.").format(
                typed=typed)) from None

    # --- the three shapes ---

    def relative(self) -> Reading:
        self.i += 1  # "in"
        delta = timedelta()
        days = 0
        parts = 0
        span = 0.0
        while True:
            amount = self.amount()
            if amount is None:
                break
            value, unit = amount
            parts += 1
            # Summed as seconds first: a typed "99999999 days" (or 400 digits) is refused
            # in words before it can overflow a date or a timedelta.
            span += value * _UNIT_SECONDS[unit]
            if not span <= MAX_AHEAD.total_seconds():
                raise self.fail(_("that is too far ahead: I keep reminders for up to a year, "
                                "so say e.g. `in 3 weeks` or `in 200 days`."))
            if unit in ("days", "weeks"):
                days += int(value * (7 if unit == "weeks" else 1))
            else:
                delta += timedelta(**{unit: value})
            if self.peek() == "and" and self.peek(1) is not None:
                save = self.i
                self.i += 1
                if self.amount(probe=True) is None:
                    self.i = save
                    break
                continue
            break
        if parts == 0:
            raise self.fail(_("not how long: say e.g. `in 2 hours`, `in 30 minutes` or "
                            "`in 3 days`."))
        local = self.now.astimezone(self.tz)
        if days:
            # "in 3 days" keeps the time on the wall clock, whatever daylight saving does.
            wall = wall_time(local.date() + timedelta(days=days), local.time(), self.zone)
            moment = wall.moment
            if note := wall.note():
                self.notes.append(note)
        else:
            moment = self.now
        return self.finish(moment + delta, None)

    def amount(self, *, probe: bool = False) -> tuple[float, str] | None:
        word = self.peek()
        if word is None:
            return None
        m = _HOURS_MINUTES.match(word)
        if m:
            if not probe:
                self.i += 1
            return int(m.group(1)) * 60 + int(m.group(2)), "minutes"
        m = _COMPACT.match(word)
        if m and m.group(2) in _UNITS:
            if not probe:
                self.i += 1
            return float(m.group(1)), _UNITS[m.group(2)]
        number = float(word) if re.fullmatch(r"\d+(\.\d+)?", word) else _NUMBERS.get(word)
        if number is None:
            return None
        unit = self.peek(1)
        if unit is None or unit not in _UNITS:
            if probe:
                return None
            self.i += 1
            what = _("`{unit}` is not a unit I know").format(
                unit=unit) if unit else _("no unit follows")
            raise self.fail(_("{what}: say minutes, hours, days or weeks, e.g. `in 2 "
                              "hours`.").format(
                what=what))
        if not probe:
            self.i += 2
        return number, _UNITS[unit]

    def repeating(self) -> Reading:
        self.i += 1  # "every"
        word = self.peek()
        days: frozenset[int] | None = None
        if word in ("day", "daily"):
            days = frozenset(range(7))
            self.i += 1
        elif word in ("weekday", "weekdays"):
            days = frozenset(range(5))
            self.i += 1
        elif word in ("weekend", "weekends"):
            days = frozenset({5, 6})
            self.i += 1
        elif word is not None and _DAY_RANGE.match(word):
            try:
                days = parse_days(word)
            except ValueError:
                raise self.fail(_("`{word}` does not name days: e.g. `mon,wed,fri` or "
                                "`mon-fri`.").format(word=word)) from None
            self.i += 1
        else:
            found: set[int] = set()
            while (weekday := self.weekday()) is not None:
                found.add(weekday)
                if self.peek() in ("and", "&", "+") and self.peek(1) is not None:
                    self.i += 1
            if found:
                days = frozenset(found)
            elif word is not None and (word[:1].isdigit() or word in _NUMBERS):
                raise self.fail(_("I can repeat on days of the week at a time of day, not "
                                "every few hours or minutes: e.g. `every day 08:30`."))
        if days is None:
            raise self.fail(_("not which days: say e.g. `every monday 09:00`, `every weekday "
                            "9am` or `every day 08:30`."))
        clock = self.at_clock()
        if clock is None:
            clock = DEFAULT_CLOCK
            self.notes.append(_("no time was given, so at 09:00"))
        rule = Weekly(days, clock, self.zone)
        return self.finish(rule.next_after(self.now), rule)

    def absolute(self) -> Reading:
        day, weekday, strictly_next = self.day()
        clock = self.at_clock()
        if day is None and weekday is None and clock is not None:
            day, weekday, strictly_next = self.day()  # "10:00 tomorrow"
        if day is None and weekday is None and clock is None:
            word = self.words[0].text
            hint = ""
            close = _close_word(word)
            if close:
                hint = _(" Did you mean `{close}`?").format(close=close)
            raise WhenError(
                _("I could not read a time at the start of `{shorten_words}`.{hint} "
                "Start with when, then what. {examples_text}").format(
                    shorten_words=shorten_words(self.text), hint=hint,
                    examples_text=examples_text())
            )
        tonight = self.i > 0 and self.words[0].text == "tonight"
        if clock is None:
            clock = TONIGHT if tonight else DEFAULT_CLOCK
            self.notes.append(_("no time was given, so at {clock:%H:%M}").format(clock=clock))
        if weekday is not None:
            ahead = (weekday - self.today.weekday()) % 7
            if strictly_next and ahead == 0:
                ahead = 7
            day = self.today + timedelta(days=ahead)
            wall = wall_time(day, clock, self.zone)
            if wall.moment <= self.now:
                wall = wall_time(day + timedelta(days=7), clock, self.zone)
        elif day is None:  # a clock alone: the next time it comes round
            wall = wall_time(self.today, clock, self.zone)
            if wall.moment <= self.now:
                wall = wall_time(self.today + timedelta(days=1), clock, self.zone)
                self.notes.append(_("{clock:%H:%M} has passed today, so tomorrow").format(
                    clock=clock))
        else:
            wall = wall_time(day, clock, self.zone)
        if note := wall.note():
            self.notes.append(note)
        moment = wall.moment
        return self.finish(moment, None)

    def finish(self, moment: datetime, repeat: Weekly | None) -> Reading:
        said = self.said()
        if moment < self.now:
            raise WhenError(
                _("`{said}` is in the past: I read it as {format_local}, and "
                "it is now {format_local2}. Give a time to "
                "come. {examples_text}").format(
                    said=said, format_local=format_local(moment, self.zone),
                    format_local2=format_local(self.now, self.zone, name=False),
                    examples_text=examples_text())
            )
        if moment - self.now < MIN_AHEAD:
            raise WhenError(_("`{said}` is less than a minute away; give a time at least a "
                            "minute ahead. {examples_text}").format(
                said=said, examples_text=examples_text()))
        if moment - self.now > MAX_AHEAD:
            raise WhenError(
                _("`{said}` is more than a year ahead (I read it as "
                "{format_local}); I keep reminders for up to a year. "
                "{examples_text}").format(
                    said=said, format_local=format_local(moment, self.zone),
                    examples_text=examples_text())
            )
        return Reading(moment, repeat, said, self.rest(), tuple(self.notes))


def shorten_words(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_KNOWN = ("in", "every", "today", "tonight", "tomorrow", "next", "this", "noon",
          *_WEEKDAYS, *_MONTHS)


def _close_word(word: str) -> str | None:
    import difflib

    if len(word) < 4:
        return None
    close = difflib.get_close_matches(word, _KNOWN, n=1, cutoff=0.75)
    return close[0] if close else None


def read_when(text: str, *, now: datetime, zone: str) -> Reading:
    """Read a time from the start of `text` ("in 2 hours", "tomorrow 10:00", "friday 9am",
    "2027-01-11 14:00", "every monday 09:00") in `zone`; the rest is the reminder's text.

    Raises WhenError, saying what was understood, for anything unreadable, past, less than a
    minute away or more than a year ahead.
    """
    reader = _Reader(text, now, zone)
    if not reader.words:
        raise WhenError(_("Say when. {examples_text}").format(examples_text=examples_text()))
    first = reader.peek()
    if first == "in":
        return reader.relative()
    if first in ("every", "each"):
        return reader.repeating()
    return reader.absolute()
