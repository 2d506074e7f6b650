"""Minutes' service: find and load minutes (and the meeting they are of), build the document
every export renders, and record an entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.meetings import MeetingStatus
from bot.domain.minutes import (
    EntryFacts,
    EntryKind,
    EntrySource,
    MinutesDocument,
    MinutesStatus,
    Presence,
    build_document,
    choose_minutes,
    clean_title,
)
from bot.domain.wording import meeting_name
from bot.domain.zones import local_time
from bot.errors import Conflict, NotFound
from bot.i18n import N_, _, localized
from bot.router import Call
from storage.models import Lab, MinuteEntry, Minutes, Person
from storage.uow import UnitOfWork

START_HINT = N_("The secretary or a facilitator starts them with `/lab minutes start [meeting]`.")
# Wording in an audit entry is cut here so `/lab audit` can show it; the full wording stays
# in the entry itself (its text, and its history of edits), which is never deleted.
AUDIT_TEXT = 1000


# --- meetings: the one hook the meetings feature fills in ------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    """What minutes need of a scheduled meeting."""

    id: int
    number: int
    title: str
    starts_at: datetime


async def meeting_for(uow: UnitOfWork, lab_id: int, number: int | None,
                      now: datetime) -> MeetingInfo | None:
    """The lab's scheduled meeting #`number`, or (None) the one under way now or about to
    start; None if there is no such meeting."""
    if number is None:
        meeting = await uow.meetings.under_way(lab_id, now)
    else:
        meeting = await uow.meetings.by_number(lab_id, number)
    if meeting is None or meeting.status is not MeetingStatus.SCHEDULED:
        return None
    return MeetingInfo(meeting.id, meeting.number, meeting.title, meeting.starts_at)


# --- loading -------------------------------------------------------------------------------------


async def open_minutes(call: Call[Any]) -> Minutes:
    """The lab's open minutes, or the message that says how to start them."""
    lab = call.the_lab
    minutes = await call.uow.minutes.open_in(lab.id)
    if minutes is None:
        raise Conflict(_("No minutes are open in {name}. {START_HINT}").format(
            name=lab.name, START_HINT=_(START_HINT)))
    return minutes


async def _people(uow: UnitOfWork, ids: Sequence[int | None]) -> dict[int, Person]:
    out: dict[int, Person] = {}
    for person_id in {i for i in ids if i is not None}:
        person = await uow.people.get(person_id)
        if person is not None:
            out[person_id] = person
    return out


async def load_document(uow: UnitOfWork, minutes: Minutes, now: datetime) -> MinutesDocument:
    """Read one set of minutes and build the document every export renders."""
    lab = await uow.labs.get(minutes.lab_id)
    assert lab is not None
    entries = await uow.minutes.entries(minutes.id)
    items = {i.entry_id: i for i in await uow.action_items.of_minutes(minutes.id)}
    attendance = await uow.minutes.attendance(minutes.id)
    people = await _people(uow, [minutes.started_by_id])
    facts = []
    for e in entries:
        assert e.number is not None
        item = items.get(e.id)
        facts.append(EntryFacts(
            number=e.number, kind=e.kind, text=e.text, author=e.author_name, at=e.created_at,
            source=e.source, link=e.link, edited=e.edited_at is not None,
            dropped=e.dropped_at is not None,
            owner=item.owner.display_name if item else None, due=item.due if item else None,
            status=item.status if item else None, done_at=item.done_at if item else None,
        ))
    secretary = people.get(minutes.started_by_id) if minutes.started_by_id else None
    return build_document(
        lab=lab.name, title=minutes.title, meeting_number=minutes.meeting_number,
        zone=lab.timezone,
        started_at=minutes.started_at, ended_at=minutes.ended_at,
        secretary=secretary.display_name if secretary else None,
        present=[a.person.display_name for a in attendance if a.status is Presence.PRESENT],
        apologies=[a.person.display_name for a in attendance
                   if a.status is Presence.APOLOGIES],
        entries=facts, generated_at=now,
    )


def label(minutes: Minutes) -> str:
    """How people name these minutes: `#3 Kick-off call` or `“Kick-off call”`."""
    if minutes.meeting_number is not None:
        return meeting_name(minutes.meeting_number, minutes.title)
    return f"“{minutes.title}”"


def _listing(all_minutes: Sequence[Minutes], zone: str) -> str:
    lines = []
    for m in all_minutes:
        day = f"{localized(local_time(m.started_at, zone)):%a %d %b %Y}"
        state = "open" if m.status is MinutesStatus.OPEN else "ended"
        lines.append(f"{label(m)} ({day}, {state})")
    return "; ".join(lines)


async def find_minutes(uow: UnitOfWork, lab: Lab, ref: str | None) -> Minutes:
    """The minutes `ref` names (a meeting number or a title); none: the open or latest ones.

    A reference that matches nothing lists the meetings that have minutes.
    """
    every = await uow.minutes.of_lab(lab.id)
    if not every:
        raise NotFound(_("No minutes have been taken in {name} yet. {START_HINT}").format(
            name=lab.name, START_HINT=_(START_HINT)))
    if ref is None or not ref.strip():
        latest = await uow.minutes.latest(lab.id)
        assert latest is not None
        return latest
    chosen = choose_minutes([(m.id, m.title, m.meeting_number) for m in every], ref)
    if chosen is None:
        raise NotFound(
            _("No minutes match `{clean_title}` in {name}. Minutes exist for: "
            "{listing}. Name one by its title in quotes, or by "
            "`#<meeting number>`.").format(
                clean_title=clean_title(ref), name=lab.name, listing=_listing(every, lab.timezone))
        )
    return next(m for m in every if m.id == chosen)


async def add_entry(
    uow: UnitOfWork, minutes: Minutes, *, kind: EntryKind, text: str, now: datetime,
    source: EntrySource = EntrySource.TYPED, author: Person | None = None,
    author_name: str | None = None, created_by: int | None = None,
    source_ref: str | None = None, link: str | None = None, numbered: bool = True,
) -> MinuteEntry:
    """Record an entry; `numbered=False` keeps it out of the minutes until confirmed."""
    number = await uow.minutes.take_number(minutes.id) if numbered else None
    return await uow.minutes.add_entry(MinuteEntry(
        minutes_id=minutes.id, number=number, kind=kind, text=text, source=source,
        source_ref=source_ref, link=link, author_id=author.id if author else None,
        author_name=author.display_name if author else author_name, created_at=now,
        created_by_id=created_by, history=[],
    ))
