"""A meeting's agenda and its call link or place: members propose items (each with an owner
and the minutes allotted), a facilitator orders or drops them and sets where the meeting is.
The agenda and the place go out with the meeting's reminders and in its invite (.ics
DESCRIPTION, LOCATION, URL); `/lab minutes start` for the meeting opens with one heading per
item."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from bot.arguments import Args, Complete, Kw, Pos, Rest
from bot.domain.agenda import (
    MAX_ITEMS,
    AgendaProblem,
    agenda_text,
    check_minutes,
    check_place,
    check_title,
    reorder,
)
from bot.domain.lab import Role, has_role
from bot.domain.meetings import MeetingStatus
from bot.errors import Conflict, PermissionDenied, UserError
from bot.features.common import find_member
from bot.features.meetings.cards import meeting_card
from bot.features.meetings.invites import agenda_lines, invite_file, meeting_name
from bot.features.meetings.service import find_meeting, refuse_if_over
from bot.i18n import N_, _
from bot.messages import Block, Card, Context, Header, Limits, Reply, Text, shorten
from bot.router import Call, Router
from storage.models import AgendaItem, Meeting

router = Router()


def agenda_card(meeting: Meeting) -> Card:
    text = agenda_text(agenda_lines(meeting)) or (
        _("No items yet. Any member proposes one with "
        '`/lab meeting propose {number} "<item>" [owner <name>] [minutes N]`.').format(
            number=meeting.number))
    blocks: list[Block] = [Header(shorten(_("Agenda: {title}").format(
        title=meeting.title), Limits.HEADER)),
              Text(shorten(text, Limits.TEXT))]
    if meeting.place:
        blocks.append(Text(shorten(_("*Where:* {place}").format(place=meeting.place), Limits.TEXT)))
    blocks.append(Context(
        _("A facilitator orders the items with `/lab meeting order {number} <numbers>` "
        "and sets the call link or place with `/lab meeting where {number} <link>`. "
        "The agenda goes out with the meeting's reminders and in its invite.").format(
            number=meeting.number)))
    return Card(tuple(blocks), fallback=_("Agenda of {meeting_name}").format(
        meeting_name=meeting_name(meeting)))


def _changed(call: Call[Any], meeting: Meeting) -> None:
    """A newer invite for the calendars that hold the meeting (sent with its reminders)."""
    meeting.sequence += 1
    meeting.updated_at = call.now


async def _open_meeting(call: Call[Any], ref: str) -> Meeting:
    meeting = await find_meeting(call, ref)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("{meeting_name} is cancelled; restore it first "
                       "with `/lab meeting restore {number}`.").format(
            meeting_name=meeting_name(meeting, start=True), number=meeting.number))
    refuse_if_over(meeting, call.now)
    return meeting


class AgendaRef(Args):
    meeting: Annotated[str, Pos("meeting"), Complete("meeting")]


@router.command("meeting agenda", args=AgendaRef, topic="meeting",
                summary=N_("A meeting's agenda: its items in order, owners, minutes, and where."),
                examples=("/lab meeting agenda 1",))
async def show_agenda(call: Call[AgendaRef]) -> Reply:
    return Reply(card=agenda_card(await find_meeting(call, call.args.meeting)))


class ProposeArgs(Args):
    meeting: Annotated[str, Pos("meeting"), Complete("meeting")]
    item: Annotated[str, Pos("item", greedy=True), Field(min_length=1, max_length=400)]
    owner: Annotated[str | None, Kw("member")] = None
    minutes: Annotated[int | None, Kw("N", words=1)] = None


@router.command(
    "meeting propose", args=ProposeArgs, topic="meeting",
    summary=N_("Propose an agenda item for a meeting, with who leads it and the minutes it needs."),
    usage_line='/lab meeting propose <meeting> "<item>" [owner <member>] [minutes N]',
    examples=('/lab meeting propose 1 "Which solution?" owner Amara minutes 20',),
)
async def propose(call: Call[ProposeArgs]) -> Reply:
    meeting = await _open_meeting(call, call.args.meeting)
    try:
        title = check_title(call.args.item)
        minutes = check_minutes(call.args.minutes)
    except AgendaProblem as exc:
        raise UserError(str(exc)) from None
    if len(meeting.agenda) >= MAX_ITEMS:
        raise Conflict(_("{meeting_name} has {MAX_ITEMS} items already; "
                       "a facilitator drops one before another fits.").format(
            meeting_name=meeting_name(meeting, start=True), MAX_ITEMS=MAX_ITEMS))
    owner = (await find_member(call, call.args.owner)).person if call.args.owner else None
    meeting.agenda.append(AgendaItem(
        position=len(meeting.agenda) + 1, title=title, owner_id=owner.id if owner else None,
        owner=owner, minutes=minutes, proposed_by_id=call.person.id, created_at=call.now))
    _changed(call, meeting)
    await call.audit("meeting.agenda_item", meeting=meeting.number, item=len(meeting.agenda))
    return Reply(card=agenda_card(meeting), private=False)


class OrderArgs(Args):
    meeting: Annotated[str, Pos("meeting"), Complete("meeting")]
    order: Annotated[list[int], Pos("item numbers")]


@router.command(
    "meeting order", args=OrderArgs, access="facilitator", topic="meeting",
    summary=N_("Put a meeting's agenda items in order: the numbers given first, the rest after."),
    usage_line="/lab meeting order <meeting> <item numbers in the new order>",
    examples=("/lab meeting order 1 3 1 2",),
)
async def order(call: Call[OrderArgs]) -> Reply:
    meeting = await _open_meeting(call, call.args.meeting)
    try:
        new = reorder(len(meeting.agenda), call.args.order)
    except AgendaProblem as exc:
        raise UserError(str(exc)) from None
    items = list(meeting.agenda)
    # Two steps, so the positions never collide mid-way.
    for item in items:
        item.position += 1000
    await call.uow.session.flush()
    for position, old in enumerate(new, 1):
        items[old - 1].position = position
    meeting.agenda.sort(key=lambda i: i.position)
    _changed(call, meeting)
    await call.audit("meeting.agenda_order", meeting=meeting.number,
                     order=" ".join(map(str, new)))
    return Reply(card=agenda_card(meeting), private=False)


class DropArgs(Args):
    meeting: Annotated[str, Pos("meeting"), Complete("meeting")]
    item: Annotated[int, Pos("item number")]


@router.command(
    "meeting drop", args=DropArgs, topic="meeting",
    summary=N_("Take an item off a meeting's agenda (a facilitator, or whoever proposed it)."),
    examples=("/lab meeting drop 1 2",),
)
async def drop(call: Call[DropArgs]) -> Reply:
    meeting = await _open_meeting(call, call.args.meeting)
    n = call.args.item
    if not 1 <= n <= len(meeting.agenda):
        raise UserError(_("There is no item {n}: {meeting_name} has "
                        "{count} agenda items.").format(
            n=n, meeting_name=meeting_name(meeting), count=len(meeting.agenda)))
    item = meeting.agenda[n - 1]
    mine = item.proposed_by_id == call.person.id
    if not mine and not (call.member and has_role(call.member.role, Role.FACILITATOR)):
        raise PermissionDenied(
            _("Only a facilitator, or whoever proposed it, can drop an agenda item."))
    meeting.agenda.remove(item)
    await call.uow.session.flush()
    for position, rest in enumerate(meeting.agenda, 1):
        rest.position = position
    _changed(call, meeting)
    await call.audit("meeting.agenda_drop", meeting=meeting.number, item=n)
    return Reply(card=agenda_card(meeting), private=False)


class WhereArgs(Args):
    meeting: Annotated[str, Pos("meeting"), Complete("meeting")]
    place: Annotated[str, Rest(N_("call link or place")), Field(min_length=1, max_length=600)]


@router.command(
    "meeting where", args=WhereArgs, access="facilitator", topic="meeting",
    summary=N_("Set a meeting's call link or place; the updated invite is posted to the lab."),
    usage_line="/lab meeting where <meeting> <call link or place>",
    examples=("/lab meeting where 1 https://meet.example.org/action-lab",),
)
async def where(call: Call[WhereArgs]) -> Reply:
    lab = call.the_lab
    meeting = await _open_meeting(call, call.args.meeting)
    try:
        place, _x = check_place(call.args.place)
    except AgendaProblem as exc:
        raise UserError(str(exc)) from None
    meeting.place = place
    _changed(call, meeting)
    await call.audit("meeting.place", meeting=meeting.number)
    with call.in_lab_language():  # posted in the lab's channels
        card = await meeting_card(call.uow, lab, meeting, _("Meeting updated: {title}").format(
            title=meeting.title), _("*Where:* {place}").format(place=place))
    call.ctx.announce(call.uow, lab.id, card,
                      (invite_file(meeting, lab.name, "REQUEST", call.now),))
    return Reply.say(_("{meeting_name} is at {place}; the updated invite "
                     "is posted in the lab's channels.").format(
        meeting_name=meeting_name(meeting, start=True), place=place))
