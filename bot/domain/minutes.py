"""Minutes, pure: the one document model every export renders, and the rules of capture
(meeting references, due dates, who may close an action item, how a time span reads)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.domain.lab import Role, has_role
from bot.domain.zones import local_time, zone_abbreviation
from bot.i18n import N_, _, localized

# An entry is kept whole however long it is; this bound only stops a pasted book.
MAX_ENTRY = 20_000
# How much of an entry a card shows; the minutes and every export keep all of it.
CARD_ENTRY = 300


class EntryKind(StrEnum):
    NOTE = "note"
    DECISION = "decision"
    ACTION = "action"


class EntrySource(StrEnum):
    TYPED = "typed"  # /lab note, /lab decision, /lab action
    REACTION = "reaction"  # a :memo: reaction on a message
    POLL = "poll"  # an availability poll closed while the minutes were open
    VOTE = "vote"  # a ranked-choice vote closed while the minutes were open
    AGENDA = "agenda"  # a heading from the meeting's agenda, when the minutes started


class ActionStatus(StrEnum):
    PENDING = "pending"  # waiting for the author to confirm a due date in the past
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"  # its entry was dropped from the minutes


class Presence(StrEnum):
    PRESENT = "present"
    APOLOGIES = "apologies"


class MinutesStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


# --- the document ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """One stored entry as plain values: what `build_document` reads."""

    number: int
    kind: EntryKind
    text: str
    author: str | None
    at: datetime
    source: EntrySource = EntrySource.TYPED
    link: str | None = None
    edited: bool = False
    dropped: bool = False
    owner: str | None = None  # action items only
    due: date | None = None
    status: ActionStatus | None = None
    done_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocEntry:
    """A note or a decision as the minutes show it."""

    number: int
    kind: EntryKind
    text: str
    author: str | None
    at: datetime
    source: EntrySource
    link: str | None
    edited: bool


@dataclass(frozen=True, slots=True)
class DocAction:
    """An action item as the minutes' table shows it."""

    number: int
    text: str
    owner: str
    due: date | None
    status: ActionStatus
    done_at: datetime | None
    edited: bool


@dataclass(frozen=True, slots=True)
class MinutesDocument:
    """Everything an export shows, built once; Markdown, HTML, PDF, DOCX and JSON are views."""

    lab: str
    title: str
    meeting_number: int | None
    zone: str
    started_at: datetime
    ended_at: datetime | None
    secretary: str | None
    present: tuple[str, ...]
    apologies: tuple[str, ...]
    notes: tuple[DocEntry, ...]
    decisions: tuple[DocEntry, ...]
    actions: tuple[DocAction, ...]
    dropped: tuple[int, ...]
    confidentiality: str
    generated_at: datetime

    @property
    def status(self) -> MinutesStatus:
        return MinutesStatus.OPEN if self.ended_at is None else MinutesStatus.CLOSED

    @property
    def when_utc(self) -> str:
        """"Mon 04 Jan 2027, 10:00–11:05 UTC"."""
        return format_span(self.started_at, self.ended_at, "UTC", name=False)

    @property
    def when_local(self) -> str:
        """"Mon 04 Jan 2027, 10:00–11:05 GMT (Europe/London)"."""
        return format_span(self.started_at, self.ended_at, self.zone)

    @property
    def heading(self) -> str:
        meeting = _(" (meeting #{meeting_number})").format(
            meeting_number=self.meeting_number) if self.meeting_number is not None else ""
        return _("Minutes: {title}{meeting}").format(title=self.title, meeting=meeting)

    def names(self) -> tuple[str, ...]:
        """Every person the document names, once each, in the order they first appear."""
        seen: dict[str, None] = {}
        for name in (*self.present, *self.apologies, self.secretary,
                     *(e.author for e in (*self.notes, *self.decisions)),
                     *(a.owner for a in self.actions)):
            if name:
                seen.setdefault(name, None)
        return tuple(seen)


def confidentiality_notice(lab: str) -> str:
    """The notice every page of every export carries."""
    return (_("Confidential: minutes of {lab}. For the lab's members only, under the lab's "
            "confidentiality commitment; do not forward or publish.").format(lab=lab))


def build_document(
    *, lab: str, title: str, meeting_number: int | None, zone: str, started_at: datetime,
    ended_at: datetime | None, secretary: str | None, present: Iterable[str],
    apologies: Iterable[str], entries: Iterable[EntryFacts], generated_at: datetime,
    confidentiality: str | None = None,
) -> MinutesDocument:
    """The document model from plain facts: live entries by kind and number, dropped numbers
    listed (so a gap in the numbering is explained), attendance sorted by name."""
    notes: list[DocEntry] = []
    decisions: list[DocEntry] = []
    actions: list[DocAction] = []
    dropped: list[int] = []
    for e in sorted(entries, key=lambda e: e.number):
        if e.dropped:
            dropped.append(e.number)
        elif e.kind is EntryKind.ACTION:
            if e.status is ActionStatus.PENDING:
                continue  # never confirmed, so never part of the minutes
            actions.append(DocAction(e.number, e.text, e.owner or _("(no owner)"), e.due,
                                     e.status or ActionStatus.OPEN, e.done_at, e.edited))
        else:
            target = notes if e.kind is EntryKind.NOTE else decisions
            target.append(DocEntry(e.number, e.kind, e.text, e.author, e.at, e.source, e.link,
                                   e.edited))
    here = sorted(set(present), key=str.casefold)
    away = sorted(set(apologies) - set(here), key=str.casefold)
    return MinutesDocument(
        lab=lab, title=title, meeting_number=meeting_number, zone=zone, started_at=started_at,
        ended_at=ended_at, secretary=secretary, present=tuple(here), apologies=tuple(away),
        notes=tuple(notes), decisions=tuple(decisions), actions=tuple(actions),
        dropped=tuple(dropped), generated_at=generated_at,
        confidentiality=confidentiality or confidentiality_notice(lab),
    )


# --- times -----------------------------------------------------------------------------------


def format_span(start: datetime, end: datetime | None, zone: str, *, name: bool = True) -> str:
    """A meeting's time in `zone`, the zone named: "Mon 04 Jan 2027, 10:00–11:05 GMT".

    The end carries its own date when it falls on another local day, and its own
    abbreviation when the clocks changed during the meeting.
    """
    a = localized(local_time(start, zone))  # Babel's words for other languages
    text = f"{a:%a %d %b %Y, %H:%M}"
    abbr_a = zone_abbreviation(start, zone)
    if end is None:
        text += _(" {abbr_a} (still open)").format(abbr_a=abbr_a)
    else:
        b = localized(local_time(end, zone))
        abbr_b = zone_abbreviation(end, zone)
        if local_time(end, zone).date() != local_time(start, zone).date():
            text += f" {abbr_a} – {b:%a %d %b %Y, %H:%M} {abbr_b}"
        elif abbr_a != abbr_b:
            text += f" {abbr_a}–{b:%H:%M} {abbr_b}"
        else:
            text += f"–{b:%H:%M} {abbr_b}"
    return f"{text} ({zone})" if name and zone != "UTC" else text


def format_due(due: date, today: date) -> str:
    """"Mon 11 Jan 2027 (in 7 days)", "(today)", "(2 days overdue)"."""
    days = (due - today).days
    if days == 0:
        when = _("today")
    elif days == 1:
        when = _("tomorrow")
    elif days > 1:
        when = _("in {days} days").format(days=days)
    elif days == -1:
        when = _("1 day overdue")
    else:
        when = _("{value} days overdue").format(value=-days)
    return f"{localized(due):%a %d %b %Y} ({when})"


# --- due dates ----------------------------------------------------------------------------------

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_IN = re.compile(r"^(?:in\s+)?(\d{1,3})\s*(d|days?|w|weeks?)$")
_DAY_MONTH = re.compile(r"^(\d{1,2})[\s\-]*([a-z]+)\.?(?:[\s\-]+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?[\s\-]*(\d{1,2})(?:,?[\s\-]+(\d{4}))?$")

DUE_HELP = (N_("Give a due date as 2027-01-15, 15-jan, fri, tomorrow or 3d (in three days); "
            "it is a day in the lab's time zone."))


def parse_due(text: str, today: date) -> date:
    """A due date as people type it, read against `today` (the lab's local date).

    "2027-01-15", "15 Jan", "15-jan", "Jan 15", "15 January 2027", "today", "tomorrow", a weekday
    ("fri", "friday": the next one, today included), "3d", "2w", "in 10 days". A day and
    month without a year mean the next such day. Raises ValueError saying what works.
    """
    spec = " ".join(text.strip().casefold().split())
    if not spec:
        raise ValueError(f"The due date is empty. {DUE_HELP}")
    if spec == "today":
        return today
    if spec == "tomorrow":
        return today + timedelta(days=1)
    day = _weekday(spec)
    if day is not None:
        return today + timedelta(days=(day - today.weekday()) % 7)
    m = _IN.match(spec)
    if m:
        n = int(m.group(1))
        return today + (timedelta(weeks=n) if m.group(2).startswith("w") else timedelta(days=n))
    m = _ISO.match(spec)
    if m:
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    m = _DAY_MONTH.match(spec)
    if m:
        return _day_month(int(m.group(1)), m.group(2), m.group(3), today, text)
    m = _MONTH_DAY.match(spec)
    if m:
        return _day_month(int(m.group(2)), m.group(1), m.group(3), today, text)
    raise ValueError(f"`{text}` is not a date I can read. {DUE_HELP}")


def _weekday(word: str) -> int | None:
    if len(word) < 3:
        return None
    for i, name in enumerate(_WEEKDAYS):
        if name.startswith(word):
            return i
    return None


def _month(word: str) -> int | None:
    if len(word) < 3:
        return None
    for i, name in enumerate(_MONTHS, 1):
        if name.startswith(word):
            return i
    return None


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"`{text}` is not a day of the calendar. {DUE_HELP}") from None


def _day_month(day: int, month_word: str, year: str | None, today: date, text: str) -> date:
    month = _month(month_word)
    if month is None:
        raise ValueError(f"`{month_word}` is not a month. {DUE_HELP}")
    if year is not None:
        return _date(int(year), month, day, text)
    found = _date(today.year, month, day, text) if _valid(today.year, month, day) else None
    if found is not None and found >= today:
        return found
    # Already past this year (or 29 Feb in a common year): the next time it comes round.
    for y in range(today.year + 1, today.year + 9):
        if _valid(y, month, day):
            return date(y, month, day)
    raise ValueError(f"`{text}` is not a day of the calendar. {DUE_HELP}")


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def local_today(now: datetime, zone: str) -> date:
    """The calendar date in `zone` at `now`: due dates are days in the lab's zone."""
    return local_time(now, zone).date()


# --- references, owners, permissions -------------------------------------------------------

_MEETING_REF = re.compile(r"^(?:meeting\s*)?#?\s*(\d{1,9})$", re.IGNORECASE)


def meeting_number(ref: str) -> int | None:
    """"#3", "3", "meeting 3", "meeting #3" -> 3; anything else is a title (None)."""
    m = _MEETING_REF.match(ref.strip())
    return int(m.group(1)) if m else None


def clean_title(text: str) -> str:
    """A meeting title as typed, without the quotes around it and extra spaces."""
    return " ".join(text.strip().strip('"“”').split())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def rest_after_name(name: str, typed: str, text: str) -> str:
    """`text` without the rest of `name`, when someone typed a full name unquoted.

    `/lab action Zoë Núñez Draft the brief` reads the owner as "Zoë" and the text as
    "Núñez Draft the brief"; once "Zoë" is known to be Zoë Núñez, the words of her name
    that follow are hers, not the action's.
    """
    words = name.split()
    typed_words = typed.split()
    if [_fold(w) for w in words[:len(typed_words)]] != [_fold(w) for w in typed_words]:
        return text
    rest_words = words[len(typed_words):]
    out = text.split()
    taken = 0
    while taken < len(rest_words) and taken < len(out) - 1 and \
            _fold(out[taken]) == _fold(rest_words[taken]):
        taken += 1
    if taken == 0:
        return text
    return text.split(maxsplit=taken)[taken]


def may_close_action(*, owner_id: int, person_id: int, role: Role) -> bool:
    """The owner, the secretary or a facilitator may mark an action item done."""
    return owner_id == person_id or has_role(role, Role.SECRETARY)


def choose_minutes(candidates: Sequence[tuple[int, str, int | None]], ref: str
                   ) -> int | None:
    """The minutes `ref` names among (id, title, meeting number) triples, newest last.

    A number names a meeting; text names a title (exactly, ignoring case, else the only
    title that starts with it; the latest set when several share it). None when nothing,
    or more than one title, matches.
    """
    number = meeting_number(ref)
    if number is not None:
        hits = [c for c in candidates if c[2] == number]
        return hits[-1][0] if hits else None
    wanted = _fold(clean_title(ref))
    exact = [c for c in candidates if _fold(c[1]) == wanted]
    if exact:
        return exact[-1][0]
    starts = [c for c in candidates if _fold(c[1]).startswith(wanted)]
    if wanted and len({_fold(c[1]) for c in starts}) == 1:
        return starts[-1][0]
    return None


def slug(text: str) -> str:
    """An ASCII file-name part: "Zoë's Kick-off call" -> "zoes-kick-off-call"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")


def export_filename(doc: MinutesDocument, extension: str) -> str:
    """"minutes-action-lab-1-kick-off-call-2027-01-04.pdf"."""
    parts = [p for p in ("minutes", slug(doc.lab), slug(doc.title)) if p]
    day = local_time(doc.started_at, doc.zone).date().isoformat()
    return "-".join([*parts, day])[:120] + f".{extension}"
