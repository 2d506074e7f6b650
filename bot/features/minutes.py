"""Minutes: open them for a meeting, capture notes, decisions, action items and attendance
(typed, from a :memo: reaction, or from a poll or vote that closes meanwhile), end them with
a summary, list and close action items, and export them for the secretary in five formats.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, model_validator
from sqlalchemy.exc import IntegrityError

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos, Rest, tokenize
from bot.domain.minutes import (
    CARD_ENTRY,
    MAX_ENTRY,
    ActionStatus,
    EntryFacts,
    EntryKind,
    EntrySource,
    MinutesDocument,
    MinutesStatus,
    Presence,
    build_document,
    choose_minutes,
    clean_title,
    format_due,
    local_today,
    may_close_action,
    meeting_number,
    parse_due,
    rest_after_name,
)
from bot.domain.wording import meeting_name
from bot.domain.zones import format_local, local_time
from bot.errors import BadArguments, Conflict, NotFound, PermissionDenied, UserError
from bot.events import (
    ActionItemClosed,
    ActionItemCreated,
    ActionItemUpdated,
    Happening,
    PollClosed,
    VoteClosed,
)
from bot.exports import FORMATS, LABEL, MIME, Format, filename, render
from bot.features.common import find_member, page_buttons
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Context,
    Fields,
    File,
    Header,
    Limits,
    Reply,
    Text,
    at,
    shorten,
)
from bot.router import Call, Router
from bot.subjects import SubjectInfo, Upcoming
from storage.models import ActionItem, Attendance, Lab, MinuteEntry, Minutes, Person
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    pass

router = Router()

START_HINT = "The secretary or a facilitator starts them with `/lab minutes start [meeting]`."
CAPTURE_HINT = ("Add to them with `/lab note <text>`, `/lab decision <text>`, "
                "`/lab action <member> [due <date>] <text>`, or react with :memo: to a message.")
ACTIONS_PER_PAGE = 8
LATEST_ON_CARD = 5
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
    if meeting is None or meeting.status != "scheduled":
        return None
    return MeetingInfo(meeting.id, meeting.number, meeting.title, meeting.starts_at)


# --- loading -------------------------------------------------------------------------------------


async def open_minutes(call: Call[Any]) -> Minutes:
    """The lab's open minutes, or the message that says how to start them."""
    lab = call.the_lab
    minutes = await call.uow.minutes.open_in(lab.id)
    if minutes is None:
        raise Conflict(f"No minutes are open in {lab.name}. {START_HINT}")
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


def _label(minutes: Minutes) -> str:
    """How people name these minutes: `#3 Kick-off call` or `“Kick-off call”`."""
    if minutes.meeting_number is not None:
        return meeting_name(minutes.meeting_number, minutes.title)
    return f"“{minutes.title}”"


def _listing(all_minutes: Sequence[Minutes], zone: str) -> str:
    lines = []
    for m in all_minutes:
        day = f"{local_time(m.started_at, zone):%a %d %b %Y}"
        state = "open" if m.status is MinutesStatus.OPEN else "ended"
        lines.append(f"{_label(m)} ({day}, {state})")
    return "; ".join(lines)


async def find_minutes(uow: UnitOfWork, lab: Lab, ref: str | None) -> Minutes:
    """The minutes `ref` names (a meeting number or a title); none: the open or latest ones.

    A reference that matches nothing lists the meetings that have minutes.
    """
    every = await uow.minutes.of_lab(lab.id)
    if not every:
        raise NotFound(f"No minutes have been taken in {lab.name} yet. {START_HINT}")
    if ref is None or not ref.strip():
        latest = await uow.minutes.latest(lab.id)
        assert latest is not None
        return latest
    chosen = choose_minutes([(m.id, m.title, m.meeting_number) for m in every], ref)
    if chosen is None:
        raise NotFound(
            f"No minutes match `{clean_title(ref)}` in {lab.name}. Minutes exist for: "
            f"{_listing(every, lab.timezone)}. Name one by its title in quotes, or by "
            "`#<meeting number>`."
        )
    return next(m for m in every if m.id == chosen)


# --- cards ---------------------------------------------------------------------------------


def _entry_line(e: MinuteEntry, owner: str | None = None, due: date | None = None) -> str:
    kind = e.kind.value
    who = f" for *{owner}*" if owner else (f" — {e.author_name}" if e.author_name else "")
    when = f", due {due:%a %d %b}" if due else ""
    return f"{e.number}. _{kind}_{who}{when}: {shorten(e.text, CARD_ENTRY)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _names(names: Sequence[str], empty: str) -> str:
    return shorten(", ".join(names), Limits.FIELD_VALUE) if names else empty


def _within(lines: Sequence[str], budget: int, more: str) -> str:
    """As many of `lines` as fit in `budget` characters, then how many more there are."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        tail = len(more) + 12
        if used + len(line) + 1 > budget - (tail if i < len(lines) - 1 else 0):
            out.append(f"…and {len(lines) - i} more {more}")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


async def minutes_card(uow: UnitOfWork, minutes: Minutes, *, button: bool) -> Card:
    """The live card of open minutes: attendance, the latest entries and an "I'm here"."""
    lab = await uow.labs.get(minutes.lab_id)
    assert lab is not None
    attendance = await uow.minutes.attendance(minutes.id)
    present = [a.person.display_name for a in attendance if a.status is Presence.PRESENT]
    away = [a.person.display_name for a in attendance if a.status is Presence.APOLOGIES]
    live = [e for e in await uow.minutes.entries(minutes.id) if e.dropped_at is None]
    items = {i.entry_id: i for i in await uow.action_items.of_minutes(minutes.id)}
    blocks: list[Block] = [
        Header(shorten(f"Minutes: {minutes.title}", Limits.HEADER)),
        Text(f"Open since {at(minutes.started_at, 'f')} in {lab.name}. {CAPTURE_HINT}"),
        Fields(((f"Present ({len(present)})", _names(present, "nobody yet")),
                (f"Apologies ({len(away)})", _names(away, "none")))),
    ]
    if live:
        latest = live[-LATEST_ON_CARD:]
        lines = []
        for e in latest:
            item = items.get(e.id)
            lines.append(_entry_line(e, item.owner.display_name if item else None,
                                     item.due if item else None))
        heading = f"*Latest entries* ({len(live)} in all)\n"
        blocks.append(Text(heading + _within(lines, Limits.TEXT - len(heading), "entries")))
    if button:
        blocks.append(Buttons((Button("I'm here", action_ids.encode("minutes.here", minutes.id),
                                      style="primary"),)))
    else:
        blocks.append(Context("Type `/lab present` to say you are here."))
    return Card(tuple(blocks), fallback=f"Minutes of {minutes.title} are open in {lab.name}.")


async def summary_card(uow: UnitOfWork, minutes: Minutes, now: datetime) -> Card:
    """What `/lab minutes end` posts: attendance, decisions, action items with owners and
    due dates."""
    doc = await load_document(uow, minutes, now)
    end = f"–{at(minutes.ended_at, 't')}" if minutes.ended_at else ""
    blocks: list[Block] = [
        Header(shorten(f"Minutes of {minutes.title}: summary", Limits.HEADER)),
        Text(f"{doc.lab} met on {at(minutes.started_at, 'f')}{end}."),
        Fields(((f"Present ({len(doc.present)})", _names(doc.present, "nobody recorded")),
                (f"Apologies ({len(doc.apologies)})", _names(doc.apologies, "none")))),
    ]
    decisions = [f"{d.number}. {shorten(d.text, CARD_ENTRY)}" for d in doc.decisions]
    blocks.append(Text("*Decisions*\n" + (
        _within(decisions, 1400, "decisions (in the export)") if decisions else "None.")))
    actions = []
    for a in doc.actions:
        due = f", due {a.due:%a %d %b %Y}" if a.due else ", no due date"
        done = " (done)" if a.status is ActionStatus.DONE else ""
        actions.append(f"{a.number}. *{a.owner}*{due}{done}: {shorten(a.text, CARD_ENTRY)}")
    blocks.append(Text("*Action items*\n" + (
        _within(actions, 1400, "action items (in the export)") if actions else "None.")))
    blocks.append(Context(
        f"{_count(len(doc.notes), 'note')}, {_count(len(doc.decisions), 'decision')}, "
        f"{_count(len(doc.actions), 'action item')}. The secretary or a facilitator can "
        "export the minutes with "
        "`/lab minutes export md|html|pdf|docx|json`. Confidential: keep them in the lab."
    ))
    return Card(tuple(blocks), fallback=f"Summary of the minutes of {minutes.title}")


# --- start, show, end ------------------------------------------------------------------------


class StartArgs(Args):
    meeting: Annotated[str | None, Rest("meeting"), Complete("meeting"),
                       Field(max_length=200)] = None


@router.command(
    "minutes start", args=StartArgs, access="secretary", topic="minutes",
    summary="Open the minutes of a meeting (a meeting number, or a title for an ad-hoc one).",
    examples=('/lab minutes start "Kick-off call"', "/lab minutes start #1"),
)
async def start(call: Call[StartArgs]) -> Reply:
    lab = call.the_lab
    current = await call.uow.minutes.open_in(lab.id)
    if current is not None:
        raise Conflict(
            f"The minutes of {_label(current)} are open (since "
            f"{format_local(current.started_at, call.zone)}). One set is open at a time: end "
            "them with `/lab minutes end`, then start the next."
        )
    ref = clean_title(call.args.meeting or "")
    number = meeting_number(ref) if ref else None
    meeting = await meeting_for(call.uow, lab.id, number, call.now) \
        if number is not None or not ref else None
    if number is not None and meeting is None:
        raise NotFound(
            f"{lab.name} has no meeting #{number}. To take minutes of an ad-hoc meeting, "
            'give it a title: `/lab minutes start "Kick-off call"`.'
        )
    linked_id = linked_number = None
    if meeting is not None:
        title, linked_id, linked_number = meeting.title, meeting.id, meeting.number
    else:
        title = ref or f"Meeting of {local_time(call.now, lab.timezone):%a %d %b %Y}"
    minutes = Minutes(lab_id=lab.id, meeting_id=linked_id, meeting_number=linked_number,
                      title=title,
                      status=MinutesStatus.OPEN, started_at=call.now,
                      started_by_id=call.person.id, next_number=1)
    try:
        await call.uow.minutes.add(minutes)
    except IntegrityError:
        # Someone else opened minutes in the same moment; the database kept to one.
        raise Conflict(f"Minutes were just opened in {lab.name} by someone else. Type "
                       "`/lab minutes show` to see them.") from None
    await call.audit("minutes.start", minutes=minutes.id, title=title, meeting=linked_number)
    return call.publish(await minutes_card(call.uow, minutes, button=True))


@router.command("minutes show", topic="minutes",
                summary="The open minutes: who is here and the latest entries.")
async def show(call: Call[Any]) -> Reply:
    minutes = await open_minutes(call)
    return Reply(card=await minutes_card(call.uow, minutes, button=False))


@router.command("minutes end", access="secretary", topic="minutes",
                summary="Close the open minutes and post a summary.")
async def end(call: Call[Any]) -> Reply:
    minutes = await open_minutes(call)
    minutes.status, minutes.ended_at, minutes.ended_by_id = (
        MinutesStatus.CLOSED, call.now, call.person.id)
    await call.uow.flush()
    await call.audit("minutes.end", minutes=minutes.id)
    return call.publish(await summary_card(call.uow, minutes, call.now))


# --- capture -----------------------------------------------------------------------------------

EntryText = Annotated[str, Rest("text"), Field(min_length=1, max_length=MAX_ENTRY)]


class EntryArgs(Args):
    text: EntryText


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


async def _typed(call: Call[EntryArgs], kind: EntryKind) -> tuple[Minutes, MinuteEntry]:
    minutes = await open_minutes(call)
    entry = await add_entry(call.uow, minutes, kind=kind, text=call.args.text, now=call.now,
                            author=call.person, created_by=call.person.id)
    await call.audit(f"minutes.{kind.value}", minutes=minutes.id, number=entry.number)
    return minutes, entry


@router.command("note", args=EntryArgs, topic="minutes",
                summary="Add a note to the open minutes.",
                examples=("/lab note Zoë summarised the survey results",))
async def note(call: Call[EntryArgs]) -> Reply:
    minutes, entry = await _typed(call, EntryKind.NOTE)
    return Reply.say(f"Added note {entry.number} to the minutes of {_label(minutes)}: "
                     f"{shorten(entry.text, CARD_ENTRY)}")


@router.command("decision", args=EntryArgs, topic="minutes",
                summary="Record a decision in the open minutes.",
                examples=("/lab decision We take forward research and case studies",))
async def decision(call: Call[EntryArgs]) -> Reply:
    minutes, entry = await _typed(call, EntryKind.DECISION)
    text = f"*Decision {entry.number}* ({minutes.title}): {shorten(entry.text, CARD_ENTRY)}"
    return call.publish(Card((Text(text),), fallback=f"Decision {entry.number} recorded"))


class ActionArgs(Args):
    member: Annotated[str, Pos("member"), Complete("member")]
    due: Annotated[str | None, Kw("date", words=1)] = None
    text: EntryText


async def _confirmed_action(call: Call[Any], item: ActionItem, entry: MinuteEntry,
                            minutes: Minutes) -> Reply:
    """Announce a live action item and tell the reminders feature about it."""
    await call.emit(ActionItemCreated(lab_id=item.lab_id, item_id=item.id,
                                      owner_id=item.owner_id, due=item.due, text=entry.text))
    await call.audit("minutes.action", minutes=minutes.id, number=entry.number, item=item.id,
                     owner=item.owner_id, due=item.due.isoformat() if item.due else None)
    due = f", due {item.due:%a %d %b %Y}" if item.due else ""
    text = (f"*Action {entry.number}* for *{item.owner.display_name}*{due} "
            f"({minutes.title}): {shorten(entry.text, CARD_ENTRY)}")
    return call.publish(Card((Text(text), Context("See every open action with `/lab actions`.")),
                             fallback=f"Action {entry.number} for {item.owner.display_name}"))


@router.command(
    "action", args=ActionArgs, topic="minutes",
    summary="Add an action item for a member, with an optional due date, to the open minutes.",
    examples=("/lab action Amara due fri Draft the problem statement",
              '/lab action "Zoë Núñez" due 2027-01-15 Share the survey'),
)
async def action(call: Call[ActionArgs]) -> Reply:
    lab = call.the_lab
    minutes = await open_minutes(call)
    owner = await find_member(call, call.args.member)
    text = call.args.text
    if not call.args.member.startswith("<@"):
        text = rest_after_name(owner.person.display_name, call.args.member, text)
    today = local_today(call.now, lab.timezone)
    due = None
    typed_due = call.args.due
    if typed_due is None:
        typed_due, text = _leading_due(text, today)
    if typed_due is not None:
        try:
            due = parse_due(typed_due, today)
        except ValueError as exc:
            raise BadArguments(f"{exc}\nUsage: `/lab action <member> [due <date>] <text>`"
                               ) from None
    past = due is not None and due < today
    entry = await add_entry(call.uow, minutes, kind=EntryKind.ACTION, text=text, now=call.now,
                            author=call.person, created_by=call.person.id, numbered=not past)
    item = await call.uow.action_items.add(ActionItem(
        lab_id=lab.id, entry_id=entry.id, owner_id=owner.person_id, due=due,
        status=ActionStatus.PENDING if past else ActionStatus.OPEN, created_at=call.now,
    ))
    await call.uow.session.refresh(item, ["owner", "entry"])
    if not past:
        return await _confirmed_action(call, item, entry, minutes)
    assert due is not None
    await call.audit("minutes.action_pending", minutes=minutes.id, item=item.id,
                     due=due.isoformat())
    return Reply(card=Card((
        Text(f"The due date {format_due(due, today)} is in the past (today is "
             f"{today:%a %d %b %Y} in {lab.timezone}). Add the action for "
             f"*{owner.person.display_name}* with this date anyway?\n>"
             f" {shorten(text, CARD_ENTRY)}"),
        Buttons((
            Button("Add with this date", action_ids.encode("minutes.confirm", item.id),
                   style="primary"),
            Button("Cancel", action_ids.encode("minutes.cancel", item.id)),
        )),
        Context("Or cancel and type it again with another date, e.g. `due fri`."),
    ), fallback="That due date is in the past: add the action anyway?"))


def _leading_due(text: str, today: date) -> tuple[str | None, str]:
    """`due fri Share the survey` -> ("fri", "Share the survey").

    A full name typed without quotes makes the text start after the first word of the name,
    so `due <date>` lands at the start of the text; it is read as the due date when it is
    one (an action about "due diligence" stays as typed).
    """
    tokens = tokenize(text)
    if len(tokens) < 3 or tokens[0].quoted or tokens[0].value.casefold() != "due":
        return None, text
    try:
        parse_due(tokens[1].value, today)
    except ValueError:
        return None, text
    return tokens[1].value, text[tokens[2].start:]


async def _pending(call: Call[Any]) -> tuple[ActionItem, MinuteEntry, Minutes]:
    item = await call.uow.action_items.get(call.ref)
    if item is None or item.status is not ActionStatus.PENDING:
        raise Conflict("That action was already added or cancelled. `/lab actions` lists the "
                       "open ones.")
    entry = item.entry
    if entry.created_by_id != call.person.id:
        raise PermissionDenied("Only the person who typed that action can confirm or cancel "
                               "it.")
    minutes = await call.uow.minutes.get(entry.minutes_id)
    assert minutes is not None
    return item, entry, minutes


@router.action("minutes.confirm", scope="item")
async def confirm(call: Call[Any]) -> Reply:
    item, entry, minutes = await _pending(call)
    if minutes.status is not MinutesStatus.OPEN:
        raise Conflict(f"The minutes of {_label(minutes)} have ended, so the action was not "
                       "added. The secretary can add it to the next meeting's minutes.")
    entry.number = await call.uow.minutes.take_number(minutes.id)
    item.status = ActionStatus.OPEN
    await call.uow.flush()
    reply = await _confirmed_action(call, item, entry, minutes)
    return Reply(card=reply.card, private=False, replace=True)


@router.action("minutes.cancel", scope="item")
async def cancel(call: Call[Any]) -> Reply:
    item, entry, minutes = await _pending(call)
    await call.audit("minutes.action_cancelled", minutes=minutes.id, item=item.id,
                     text=shorten(entry.text, AUDIT_TEXT))
    await call.uow.session.delete(item)
    await call.uow.minutes.remove_unnumbered(entry)
    return Reply(card=Card((Text("Cancelled: the action was not added."),)), replace=True)


# --- attendance ------------------------------------------------------------------------------


async def mark_present(call: Call[Any], minutes: Minutes) -> Attendance | None:
    """Mark the caller present; None if they already were."""
    found = await call.uow.minutes.attendance_of(minutes.id, call.person.id)
    if found is not None and found.status is Presence.PRESENT:
        return None
    if found is None:
        found = await call.uow.minutes.add_attendance(Attendance(
            minutes_id=minutes.id, person_id=call.person.id, status=Presence.PRESENT,
            recorded_at=call.now, recorded_by_id=call.person.id))
    else:  # they sent apologies and came after all
        found.status, found.recorded_at = Presence.PRESENT, call.now
        found.recorded_by_id = call.person.id
    await call.audit("minutes.present", minutes=minutes.id)
    return found


@router.command("present", topic="minutes", summary="Say you are at the meeting.")
async def present(call: Call[Any]) -> Reply:
    minutes = await open_minutes(call)
    if await mark_present(call, minutes) is None:
        return Reply.say(f"You are already marked present at {_label(minutes)}.")
    return Reply.say(f"You are marked present at {_label(minutes)}.")


@router.action("minutes.here", scope="minutes")
async def here(call: Call[Any]) -> Reply:
    minutes = await call.uow.minutes.get(call.ref)
    if minutes is None:
        raise NotFound("Those minutes no longer exist.")
    if minutes.status is not MinutesStatus.OPEN:
        raise Conflict(f"The minutes of {_label(minutes)} have ended.")
    if await mark_present(call, minutes) is None:
        return Reply.say(f"You are already marked present at {_label(minutes)}.")
    await call.uow.flush()
    return Reply(card=await minutes_card(call.uow, minutes, button=True), private=False,
                 replace=True)


class ApologiesArgs(Args):
    member: Annotated[str, Pos("member", greedy=True), Complete("member")]


@router.command("apologies", args=ApologiesArgs, topic="minutes",
                summary="Record apologies from a member who cannot come (`me` for yourself).",
                examples=("/lab apologies Priya", "/lab apologies me"))
async def apologies(call: Call[ApologiesArgs]) -> Reply:
    minutes = await open_minutes(call)
    if call.args.member.strip().casefold() in ("me", "myself", "i"):
        target = call.the_member
    else:
        target = await find_member(call, call.args.member)
    name = target.person.display_name
    found = await call.uow.minutes.attendance_of(minutes.id, target.person_id)
    if found is not None and found.status is Presence.PRESENT:
        raise Conflict(f"{name} is marked present at {_label(minutes)}; apologies are for "
                       "members who could not come.")
    if found is not None:
        return Reply.say(f"Apologies from {name} are already recorded.")
    await call.uow.minutes.add_attendance(Attendance(
        minutes_id=minutes.id, person_id=target.person_id, status=Presence.APOLOGIES,
        recorded_at=call.now, recorded_by_id=call.person.id))
    await call.audit("minutes.apologies", minutes=minutes.id, member=target.person_id)
    return Reply.say(f"Recorded apologies from {name} for {_label(minutes)}.")


# --- reaction capture --------------------------------------------------------------------------


@router.reaction("memo")
async def memo(call: Call[Any]) -> Reply:
    reaction = call.reaction
    assert reaction is not None
    lab = call.the_lab
    minutes = await call.uow.minutes.open_in(lab.id)
    if minutes is None:
        raise Conflict(f"No minutes are open in {lab.name}, so the message was not added. "
                       f"{START_HINT}")
    text = reaction.text.strip()
    if not text:
        raise UserError("That message has no text to add to the minutes. Describe it with "
                        "`/lab note <text>` instead.")
    ref = reaction.message
    source_ref = f"{ref.platform}:{ref.workspace}:{ref.channel}:{ref.message_id}"[:200]
    already = await call.uow.minutes.entry_from(minutes.id, source_ref)
    if already is not None:
        return Reply.say(f"That message is already in the minutes as note {already.number}.")
    author = reaction.author
    person = None
    if author is not None:
        person = await call.uow.people.by_identity(author.platform, author.workspace,
                                                   author.user_id)
    entry = await add_entry(
        call.uow, minutes, kind=EntryKind.NOTE, text=text, now=call.now,
        source=EntrySource.REACTION, author=person,
        author_name=author.display_name if author else None, created_by=call.person.id,
        source_ref=source_ref, link=ref.link,
    )
    if person is not None and author is not None:
        entry.author_name = author.display_name  # as the conversation showed it
    await call.audit("minutes.reaction", minutes=minutes.id, number=entry.number,
                     message=ref.message_id)
    whose = f"{author.display_name}'s message" if author else "That message"
    return Reply.say(f"{whose} is in the minutes of {_label(minutes)} as note {entry.number}.")


# --- polls and votes that close while the minutes are open -----------------------------------


async def _auto_decision(happening: Happening, lab_id: int, source: EntrySource,
                         source_ref: str, text: str) -> None:
    uow = happening.uow
    minutes = await uow.minutes.open_in(lab_id)
    if minutes is None or await uow.minutes.entry_from(minutes.id, source_ref) is not None:
        return
    entry = await add_entry(uow, minutes, kind=EntryKind.DECISION, text=text,
                            now=happening.now, source=source, source_ref=source_ref)
    await uow.audit.record(lab_id=lab_id, actor_id=None, action="minutes.decision",
                           at=happening.now, minutes=minutes.id, number=entry.number,
                           source=source_ref)


@router.on(PollClosed)
async def poll_closed(event: PollClosed, happening: Happening) -> None:
    await _auto_decision(happening, event.lab_id, EntrySource.POLL, f"poll:{event.poll_id}",
                         f"Poll “{event.title}” closed. {event.outcome}")


@router.on(VoteClosed)
async def vote_closed(event: VoteClosed, happening: Happening) -> None:
    await _auto_decision(happening, event.lab_id, EntrySource.VOTE, f"vote:{event.vote_id}",
                         f"Vote “{event.question}” closed. {event.outcome}")


# --- edit and drop ---------------------------------------------------------------------------


class EditArgs(Args):
    number: Annotated[int, Pos("n"), Field(ge=1)]
    text: EntryText


class DropArgs(Args):
    number: Annotated[int, Pos("n"), Field(ge=1)]


async def _entry(call: Call[Any], number: int) -> tuple[Minutes, MinuteEntry]:
    """Entry `number` of the open minutes, else of the latest ones (fixes after the meeting)."""
    lab = call.the_lab
    minutes = await call.uow.minutes.latest(lab.id)
    if minutes is None:
        raise NotFound(f"No minutes have been taken in {lab.name} yet. {START_HINT}")
    entry = await call.uow.minutes.entry(minutes.id, number)
    if entry is None:
        count = len(await call.uow.minutes.entries(minutes.id))
        span = f"Its entries run from 1 to {count}." if count else "It has no entries yet."
        raise NotFound(f"The minutes of {_label(minutes)} have no entry {number}. {span}")
    if entry.dropped_at is not None:
        raise Conflict(f"Entry {number} of {_label(minutes)} was dropped "
                       f"({format_local(entry.dropped_at, call.zone)}); it cannot change.")
    return minutes, entry


@router.command("minutes edit", args=EditArgs, access="secretary", topic="minutes",
                summary="Reword entry <n>; the earlier wording stays in the audit log.",
                examples=("/lab minutes edit 3 We take forward research",))
async def edit(call: Call[EditArgs]) -> Reply:
    minutes, entry = await _entry(call, call.args.number)
    new = call.args.text
    if new == entry.text:
        raise Conflict(f"Entry {entry.number} already says exactly that.")
    before = entry.text
    entry.history = [*entry.history, {"text": before, "at": call.now.isoformat(),
                                      "by": call.person.id}]
    entry.text, entry.edited_at = new, call.now
    await call.audit("minutes.edit", minutes=minutes.id, number=entry.number, entry=entry.id,
                     before=shorten(before, AUDIT_TEXT), after=shorten(new, AUDIT_TEXT))
    item = await call.uow.action_items.for_entry(entry.id)
    if item is not None and item.status is ActionStatus.OPEN:
        await call.emit(ActionItemUpdated(lab_id=item.lab_id, item_id=item.id,
                                          owner_id=item.owner_id, due=item.due, text=new))
    return Reply.say(f"Entry {entry.number} of {_label(minutes)} now reads: "
                     f"{shorten(new, CARD_ENTRY)}\n(The earlier wording is kept in the audit "
                     "log.)")


@router.command("minutes drop", args=DropArgs, access="secretary", topic="minutes",
                summary="Drop entry <n> from the minutes; it stays in the audit log, marked.",
                examples=("/lab minutes drop 4",))
async def drop(call: Call[DropArgs]) -> Reply:
    minutes, entry = await _entry(call, call.args.number)
    entry.dropped_at, entry.dropped_by_id = call.now, call.person.id
    await call.audit("minutes.drop", minutes=minutes.id, number=entry.number, entry=entry.id,
                     kind=entry.kind.value, text=shorten(entry.text, AUDIT_TEXT))
    item = await call.uow.action_items.for_entry(entry.id)
    if item is not None and item.status is ActionStatus.OPEN:
        item.status = ActionStatus.DROPPED
        await call.emit(ActionItemClosed(lab_id=item.lab_id, item_id=item.id))
    return Reply.say(f"Dropped {entry.kind.value} {entry.number} from the minutes of "
                     f"{_label(minutes)}. It is marked dropped, not deleted: the exports say "
                     "so and the audit log keeps its words.")


# --- export ---------------------------------------------------------------------------------------


class ExportArgs(Args):
    meeting: Annotated[str | None, Pos("meeting", greedy=True), Complete("minutes")] = None
    format: Annotated[Format, Pos()]

    @model_validator(mode="before")
    @classmethod
    def _format_last(cls, data: Any) -> Any:
        # `/lab minutes export pdf`: the one word typed is the format, not a meeting.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("format"), str):
            data["format"] = data["format"].strip().lower()
        if "format" not in data and isinstance(data.get("meeting"), str):
            words = data["meeting"].rsplit(maxsplit=1)
            last = words[-1].lower() if words else ""
            if last not in FORMATS:
                raise ValueError(f"Say which format: {', '.join(FORMATS)} (you gave "
                                 f"`{data['meeting']}`), e.g. `/lab minutes export pdf`.")
            data["format"] = last
            if len(words) > 1:
                data["meeting"] = words[0]
            else:
                data.pop("meeting")
        return data


async def export_file(uow: UnitOfWork, minutes: Minutes, fmt: Format, now: datetime
                      ) -> tuple[File, MinutesDocument]:
    """The minutes as a file in `fmt`. Rendering runs in a worker thread: a PDF takes a
    moment, and the event loop keeps serving meanwhile (the renderers are pure)."""
    doc = await load_document(uow, minutes, now)
    data = await asyncio.to_thread(render, doc, fmt)
    return File(filename(doc, fmt), data, MIME[fmt],
                alt=f"Minutes of {doc.title} ({LABEL[fmt]})"), doc


@router.command(
    "minutes export", args=ExportArgs, access="secretary", topic="minutes",
    summary="Get the minutes as a file, privately: md, html, pdf, docx or json.",
    examples=("/lab minutes export pdf", '/lab minutes export "Kick-off call" docx'),
)
async def export(call: Call[ExportArgs]) -> Reply:
    lab = call.the_lab
    minutes = await find_minutes(call.uow, lab, call.args.meeting)
    file, doc = await export_file(call.uow, minutes, call.args.format, call.now)
    await call.audit("minutes.export", minutes=minutes.id, format=call.args.format)
    state = " They are still open; export again after `/lab minutes end` for the final " \
        "version." if doc.ended_at is None else ""
    return Reply(text=f"The minutes of {_label(minutes)} as {LABEL[call.args.format]}, for you "
                      f"only. They are confidential: keep them within {lab.name}.{state}",
                 files=(file,), private=True)


@router.completer("minutes")
async def complete_minutes(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    text = typed.strip().casefold()
    out = []
    for m in reversed(await call.uow.minutes.of_lab(call.lab.id)):
        value = f"#{m.meeting_number}" if m.meeting_number is not None else m.title
        label = shorten(_label(m), 100)
        if not text or text in m.title.casefold() or text in value.casefold():
            out.append((label, value[:100]))
    return out[:25]


# --- action items -----------------------------------------------------------------------------


def _may_close(call: Call[Any], item: ActionItem) -> bool:
    member = call.member
    return member is not None and may_close_action(owner_id=item.owner_id,
                                                   person_id=call.person.id, role=member.role)


async def _actions_card(call: Call[Any], page: int) -> Card:
    lab = call.the_lab
    items = list(await call.uow.action_items.open_in(lab.id))
    # Mine first, then everyone else's; each group soonest due first.
    items.sort(key=lambda i: i.owner_id != call.person.id)
    today = local_today(call.now, lab.timezone)
    if not items:
        return Card((Header(f"Open action items in {lab.name}"),
                     Text("None: every action item is done.")),
                    fallback="No open action items")
    pages = max(1, -(-len(items) // ACTIONS_PER_PAGE))
    page = min(max(page, 1), pages)
    first = (page - 1) * ACTIONS_PER_PAGE
    chunk = items[first:first + ACTIONS_PER_PAGE]
    titles: dict[int, str] = {}
    lines = []
    buttons: list[Button] = []
    for n, item in enumerate(chunk, first + 1):
        entry = item.entry
        if entry.minutes_id not in titles:
            m = await call.uow.minutes.get(entry.minutes_id)
            titles[entry.minutes_id] = m.title if m else "?"
        due = format_due(item.due, today) if item.due else "no due date"
        mine = " (yours)" if item.owner_id == call.person.id else ""
        lines.append(f"{n}. *{item.owner.display_name}*{mine} · {due}\n"
                     f"    {shorten(entry.text, CARD_ENTRY)} _({titles[entry.minutes_id]}, "
                     f"#{entry.number})_")
        if _may_close(call, item):
            buttons.append(Button(f"Done {n}", action_ids.encode("minutes.done", item.id,
                                                                 page)))
    blocks: list[Block] = [Header(f"Open action items in {lab.name}"),
                           Text(_within(lines, Limits.TEXT, "items"))]
    for i in range(0, len(buttons), 5):
        blocks.append(Buttons(tuple(buttons[i:i + 5])))
    if pages > 1:
        blocks.append(Context(f"Page {page} of {pages} · {len(items)} open items"))
        blocks.append(page_buttons("minutes.actions", lab.id, page, pages))
    blocks.append(Context("The owner, the secretary or a facilitator can mark an item done. "
                          f"Due dates are days in {lab.timezone}."))
    return Card(tuple(blocks), fallback=f"{len(items)} open action items")


@router.command("actions", topic="minutes",
                summary="Open action items, yours first, each with a Done button.")
async def actions(call: Call[Any]) -> Reply:
    return Reply(card=await _actions_card(call, 1))


@router.action("minutes.actions", scope="lab")
async def actions_page(call: Call[Any]) -> Reply:
    return Reply(card=await _actions_card(call, call.page), replace=True)


@router.action("minutes.done", scope="item")
async def done(call: Call[Any]) -> Reply:
    item = await call.uow.action_items.get(call.ref)
    if item is None:
        raise NotFound("That action item no longer exists.")
    if item.status is not ActionStatus.OPEN:
        raise Conflict(f"That action item is already {item.status.value}.")
    if not _may_close(call, item):
        raise PermissionDenied(f"Only {item.owner.display_name} (its owner), the secretary or "
                               "a facilitator can mark that action item done.")
    item.status, item.done_at, item.done_by_id = ActionStatus.DONE, call.now, call.person.id
    await call.uow.flush()
    await call.emit(ActionItemClosed(lab_id=item.lab_id, item_id=item.id))
    await call.audit("minutes.action_done", item=item.id, number=item.entry.number)
    return Reply(card=await _actions_card(call, call.page), replace=True)


@router.home_section(50)
async def my_actions(call: Call[Any]) -> list[Block]:
    items = await call.uow.action_items.open_for(call.person.id)
    if not items:
        return []
    labs: dict[int, Lab] = {}
    lines = []
    for item in items[:5]:
        if item.lab_id not in labs:
            lab = await call.uow.labs.get(item.lab_id)
            if lab is None:
                continue
            labs[item.lab_id] = lab
        lab = labs[item.lab_id]
        due = format_due(item.due, local_today(call.now, lab.timezone)) if item.due else \
            "no due date"
        lines.append(f"• {shorten(item.entry.text, 200)} — {lab.name} · {due}")
    more = f"\n…and {len(items) - 5} more." if len(items) > 5 else ""
    return [Text(f"*Your action items* ({len(items)} open)\n" + "\n".join(lines) + more),
            Context("Mark them done with `/lab actions` in the lab's channel.")]


# --- what reminders need of an action item ----------------------------------------------------


async def _own_open_items(uow: UnitOfWork, lab_id: int, person_id: int, now: datetime
                          ) -> list[Upcoming]:
    """A member coming back still owns the open items they had: remind them again."""
    return [Upcoming(item.id, item.entry.text, due=item.due)
            for item in await uow.action_items.open_for(person_id)
            if item.lab_id == lab_id and item.due is not None]


@router.subject("action_item", upcoming=_own_open_items)
async def reminder_info(uow: UnitOfWork, item_id: int) -> SubjectInfo | None:
    """The item's text; None once it is done or dropped, so its reminders are cancelled
    instead of sent."""
    item = await uow.action_items.get(item_id)
    if item is None or item.status is not ActionStatus.OPEN:
        return None
    return SubjectInfo(item.entry.text)
