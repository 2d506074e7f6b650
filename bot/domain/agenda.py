"""A meeting's agenda and where it happens, pure: items in order with an owner and the
minutes allotted, the place or call link, and how they read in a card, a reminder and a
calendar invite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.i18n import _

TITLE_LENGTH = 200
PLACE_LENGTH = 500
MAX_ITEMS = 20
MAX_MINUTES = 240


class AgendaProblem(ValueError):
    """Bad agenda input; the message says what to do instead."""


@dataclass(frozen=True, slots=True)
class AgendaLine:
    title: str
    owner: str | None = None
    minutes: int | None = None

    def words(self, number: int) -> str:
        allotted = _("{minutes} min").format(minutes=self.minutes) if self.minutes else None
        extra = [x for x in (self.owner, allotted) if x]
        return f"{number}. {self.title}" + (f" ({', '.join(extra)})" if extra else "")


def check_title(title: str) -> str:
    cleaned = " ".join(title.split()).strip('"“”')
    if not cleaned:
        raise AgendaProblem(_('Give the item a title: `/lab agenda add 1 "Welcome" minutes 5`.'))
    if len(cleaned) > TITLE_LENGTH:
        raise AgendaProblem(_("An agenda item's title is at most {TITLE_LENGTH} characters; "
                            "this one is {count}. Put the detail in the minutes.").format(
            TITLE_LENGTH=TITLE_LENGTH, count=len(cleaned)))
    return cleaned


def check_minutes(minutes: int | None) -> int | None:
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        raise AgendaProblem(_("Minutes allotted must be between 1 and {MAX_MINUTES} (you gave "
                            "{minutes}).").format(MAX_MINUTES=MAX_MINUTES, minutes=minutes))
    return minutes


def check_place(text: str) -> tuple[str, str | None]:
    """The place as typed (spaces tidied) and, when it is a web link, the link (for URL)."""
    place = " ".join(text.split()).strip('"“”<>')
    if not place:
        raise AgendaProblem(_("Give a call link or a place, e.g. `https://meet.example.org/lab` "
                            "or `Room 2, Impact Hub`."))
    if len(place) > PLACE_LENGTH:
        raise AgendaProblem(_("A place or call link is at most {PLACE_LENGTH} characters.").format(
            PLACE_LENGTH=PLACE_LENGTH))
    if place.lower().startswith(("http://", "https://")):
        parts = urlsplit(place)
        if not parts.netloc or " " in place:
            raise AgendaProblem(_("`{value}` is not a whole web address; copy the call "
                                "link again, starting with https://.").format(value=place[:80]))
        return place, place
    return place, None


def reorder(count: int, typed: Sequence[int]) -> list[int]:
    """The new order of items 1..count: the ones `typed` first, in that order, then the
    others as they were. Raises AgendaProblem for a number out of range or given twice."""
    if not typed:
        raise AgendaProblem(_("Give the item numbers in the new order, e.g. `3 1 2`."))
    seen: set[int] = set()
    for n in typed:
        if not 1 <= n <= count:
            raise AgendaProblem(_("There is no item {n}: the agenda has items 1 to "
                                  "{count}.").format(n=n, count=count))
        if n in seen:
            raise AgendaProblem(_("Item {n} is listed twice. List each once.").format(n=n))
        seen.add(n)
    return [*typed, *(n for n in range(1, count + 1) if n not in seen)]


def agenda_text(lines: Sequence[AgendaLine]) -> str:
    """The agenda, one numbered line per item, and the time it adds up to."""
    if not lines:
        return ""
    body = "\n".join(line.words(n) for n, line in enumerate(lines, 1))
    total = sum(line.minutes or 0 for line in lines)
    return _("Agenda:\n{body}").format(
        body=body) + (_("\n({total} minutes allotted)").format(
        total=total) if total else "")
