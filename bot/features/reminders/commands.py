"""Reminder commands: `/lab remind`, `/lab reminders` with its Cancel and paging buttons, and
each lab's meeting reminder offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field

from bot import action_ids
from bot.arguments import Args, Complete, Pos, Rest
from bot.domain.lab import Role
from bot.domain.reminders import (
    ReminderKind,
    ReminderStatus,
    Weekly,
    WhenError,
    format_offset,
    format_offset_short,
    parse_offsets,
    read_when,
)
from bot.domain.wording import plural
from bot.domain.zones import format_local
from bot.errors import NotFound, PermissionDenied, UserError
from bot.events import (
    Happening,
)
from bot.features.common import find_member
from bot.features.reminders.cards import MAX_TEXT, _what
from bot.features.reminders.delivery import _first_timer
from bot.features.reminders.routes import router
from bot.features.reminders.subscribers import _schedule_meeting, meeting_offsets
from bot.features.reminders.timers import arm_after_commit, disarm_after_commit
from bot.i18n import N_, _
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Fields,
    Header,
    Limits,
    Reply,
    Text,
    at,
    shorten,
)
from bot.messages import Context as Small
from bot.router import Call
from storage.models import Membership, Reminder
from storage.uow import UnitOfWork

MAX_PENDING_PER_AUTHOR = 100
PER_PAGE = 4  # each reminder has its own Cancel row; the fifth row is for paging
PROBLEMS_SINCE = timedelta(days=14)


class RemindArgs(Args):
    who: Annotated[str, Pos("me|lab|member", help=N_("me, lab, or a member")),
                   Complete("remind_target")]
    request: Annotated[str, Rest(N_("when> <text"), help=N_("when, then what: tomorrow 10:00 Send "
                                                     "the agenda")), Field(max_length=2000)]


_SELF = ("me", "myself")
_LAB = ("lab", "everyone", "all", "channel")
_USAGE = "/lab remind me|lab|<member> <when> <text>"
_REMIND_EXAMPLES = (
    "/lab remind me in 2 hours Send the agenda",
    "/lab remind Amara tomorrow 10:00 Share the case studies",
    "/lab remind lab friday 9am Bring your top three options",
    "/lab remind me every monday 09:00 Check my action items",
)


def _looks_like_when(word: str) -> bool:
    return word.casefold() in ("in", "every", "each", "today", "tonight", "tomorrow", "next",
                               "on", "at") or word[:1].isdigit()


async def _resolve_who(call: Call[RemindArgs]) -> tuple[Membership | None, str]:
    """(the member to remind, or None for the lab's channels; the request with the name's
    other words taken off)."""
    who, request = call.args.who, call.args.request
    if who.casefold() in _SELF:
        return call.the_member, request
    if who.casefold() in _LAB:
        return None, request
    if _looks_like_when(who):
        raise UserError(
            _("Say who to remind first: `me`, `lab` or a member's name. Usage: `{USAGE}`, "
            "e.g. `{value}`.").format(USAGE=_USAGE, value=_REMIND_EXAMPLES[0])
        )
    member = await find_member(call, who)  # refuses anyone who is not a member
    # "/lab remind Priya Raman tomorrow ...": the first word named her; drop the rest of it.
    for word in member.person.display_name.split()[len(who.split()):]:
        head, _x, tail = request.partition(" ")
        if head.casefold() != word.casefold():
            break
        request = tail.lstrip()
    return member, request


@router.command(
    # Typed as `/lab remind ...`; under one name with the other reminder commands so that
    # Discord's /lab (25 entries at most) gives reminders one entry, `/lab reminders`.
    "reminders add", aliases=("remind",), args=RemindArgs, topic="remind", usage_line=_USAGE,
    summary=N_("Remind yourself, a member or the lab: when (in your time zone), then what."),
    examples=_REMIND_EXAMPLES,
)
async def remind(call: Call[RemindArgs]) -> Reply:
    lab, me = call.the_lab, call.the_member
    target, request = await _resolve_who(call)
    try:
        reading = read_when(request, now=call.now, zone=call.zone)
    except WhenError as exc:
        raise UserError(exc.message) from None
    text = reading.rest.strip().strip('"“”').strip()
    if not text:
        raise UserError(
            _("I read the time (`{said}`: {describe}), but not what "
            "to remind of. Put it after the time, e.g. `/lab remind me {said} Send "
            "the agenda`.").format(said=reading.said, describe=reading.describe(call.zone))
        )
    if len(text) > MAX_TEXT:
        raise UserError(_("That reminder is {count} characters long; keep it under "
                        "{MAX_TEXT}, and link to anything longer.").format(
            count=len(text), MAX_TEXT=MAX_TEXT))
    if await call.uow.reminders.count_authored(call.person.id) >= MAX_PENDING_PER_AUTHOR:
        raise UserError(
            _("You already have {MAX_PENDING_PER_AUTHOR} reminders waiting. Cancel some with "
            "`/lab reminders` first.").format(MAX_PENDING_PER_AUTHOR=MAX_PENDING_PER_AUTHOR)
        )
    repeat = reading.repeat
    zone = (target.person.timezone or lab.timezone) if target is not None else lab.timezone
    reminder = await call.uow.reminders.add(_first_timer(call.ctx, Reminder(
        lab_id=lab.id, kind=ReminderKind.CUSTOM,
        recipient_id=target.person_id if target is not None else None,
        author_id=me.person_id, text=text, due_at=reading.first, next_at=reading.first,
        repeat=repeat.spec if repeat else None, repeat_zone=repeat.zone if repeat else None,
        quiet_exempt=target is None, status=ReminderStatus.PENDING, created_at=call.now,
    ), zone))
    arm_after_commit(call.ctx, call.uow, [reminder])
    await call.audit("reminder.set", reminder=reminder.id,
                     to="lab" if target is None else target.person_id,
                     due=reading.first.isoformat(), repeat=reminder.repeat)
    return Reply(card=_confirmation(call, reminder, reading.notes, target))


def _confirmation(call: Call[Any], r: Reminder, notes: Sequence[str],
                  target: Membership | None) -> Card:
    if target is None:
        whom = _("post in the lab's channel")
    elif target.person_id == call.person.id:
        whom = _("remind you")
    else:
        whom = _("remind *{display_name}*").format(
            display_name=target.person.display_name)
    if r.repeat and r.repeat_zone:
        rule = Weekly.from_spec(r.repeat, r.repeat_zone)
        when = _("{describe}; the first is {when}").format(
            describe=rule.describe(), when=at(r.due_at, 'F'))
    else:
        when = f"{at(r.due_at, 'F')} ({at(r.due_at, 'R')})"
    blocks: list[Block] = [Text(_("I will {whom} {when}:\n“{text}”").format(
        whom=whom, when=when, text=r.text))]
    small = list(notes)
    if target is not None:
        zone = target.person.timezone or call.the_lab.timezone
        quiet = call.ctx.settings.reminders.quiet_hours
        until = r.next_at if r.next_at != r.due_at else None
        if until is not None:
            said = (_("That falls in your quiet hours ({quiet} in {zone}), so it will wait "
                      "until {until}") if target.person_id == call.person.id else
                    _("That falls in {name}'s quiet hours ({quiet} in {zone}), so it will "
                      "wait until {until}"))
            small.append(said.format(name=target.person.display_name, quiet=quiet, zone=zone,
                                     until=format_local(until, zone)))
        elif target.person_id != call.person.id:
            small.append(_("That is {format_local} for "
                         "{display_name}").format(
                format_local=format_local(r.due_at, zone), display_name=target.person.display_name))
    if small:
        blocks.append(Small(". ".join(small) + "."))  # each note is a sentence
    blocks.append(Buttons((Button(_("Cancel it"), action_ids.encode("reminder.cancel", r.id, "c"),
                                  style="danger"),)))
    return Card(tuple(blocks), fallback=_("Reminder set: {text}").format(
        text=shorten(r.text, 100)))


@router.completer("remind_target")
async def complete_target(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    text = typed.strip().casefold()
    out = [(label, value) for label, value in (("me", "me"), (_("the lab's channel"), "lab"))
           if not text or value.startswith(text)]
    if call.lab is not None:
        for m in await call.uow.members.active(call.lab.id):
            name = m.person.display_name
            if not text or any(w.startswith(text) for w in name.casefold().split()):
                out.append((name, name))
    return out[:25]


# --- /lab reminders ---------------------------------------------------------------------------


Scope = Literal["m", "l"]  # mine, the lab's


def _line(r: Reminder, me: int, names: dict[int, str]) -> str:
    if r.repeat and r.repeat_zone:
        when = f"{at(r.next_at, 'f')} · {Weekly.from_spec(r.repeat, r.repeat_zone).describe()}"
    else:
        when = at(r.next_at, "f")
    if r.next_at != r.due_at and not r.repeat:
        why = _(" for quiet hours") if r.attempts == 0 else _(", to retry")
        when += _(" (held back from {when}{why})").format(
            when=at(r.due_at, 't'), why=why)
    who = (_("the lab's channel") if r.recipient_id is None else
           "you" if r.recipient_id == me else names.get(r.recipient_id, "a member"))
    parts = [f"to {who}"] if r.kind is not ReminderKind.CLOSE else []
    if r.kind is ReminderKind.CUSTOM and r.author_id not in (None, me, r.recipient_id):
        parts.append(_("set by {get}").format(
            get=names.get(r.author_id, 'a former member')))
    extra = f"\n_{' · '.join(parts)}_" if parts else ""
    return f"{when} — {_what(r)}{extra}"


async def _names(uow: UnitOfWork, rows: Sequence[Reminder]) -> dict[int, str]:
    ids = {i for r in rows for i in (r.recipient_id, r.author_id) if i is not None}
    out = {}
    for person_id in ids:
        person = await uow.people.get(person_id)
        if person is not None:
            out[person_id] = person.display_name
    return out


async def _list_card(call: Call[Any], scope: Scope, page: int, note: str | None = None
                     ) -> Card:
    lab = call.the_lab
    if scope == "l":
        rows = await call.uow.reminders.of_lab(lab.id)
        title = _("Reminders of {name}").format(name=lab.name)
    else:
        rows = await call.uow.reminders.mine(lab.id, call.person.id)
        title = _("Your reminders in {name}").format(name=lab.name)
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(page, 1), pages)
    chunk = rows[(page - 1) * PER_PAGE: page * PER_PAGE]
    names = await _names(call.uow, chunk)
    blocks: list[Block] = [Header(shorten(title, Limits.HEADER))]
    if note:
        blocks.append(Small(note))
    if not rows:
        blocks.append(Text(
            _("Nothing is waiting. Set a reminder with `/lab remind me tomorrow 10:00 Send the "
            "notes`.") if scope == "m" else _("The lab has no reminders waiting.")
        ))
    for n, r in enumerate(chunk, start=(page - 1) * PER_PAGE + 1):
        blocks.append(Text(f"*{n}.* {_line(r, call.person.id, names)}"))
        blocks.append(Buttons((Button(_("Cancel {n}").format(n=n), action_ids.encode(
            "reminder.cancel", r.id, f"{scope}{page}"), style="danger"),)))
    if scope == "l":
        problems = await call.uow.reminders.problems(lab.id, call.now - PROBLEMS_SINCE)
        if problems:
            pnames = await _names(call.uow, problems[:5])
            lines = [
                _("• {value}: {when} to ").format(
                    value=r.status.value, when=at(r.due_at, 'f'))
                + (_("the lab") if r.recipient_id is None else
                   pnames.get(r.recipient_id, "a member"))
                + f" — {_what(r)}"
                for r in problems[:5]
            ]
            blocks.append(Text(shorten(_("*Recent problems*\n") + "\n".join(lines), Limits.TEXT)))
    if pages > 1:
        blocks.append(Small(_("Page {page} of {pages} · {count} reminders").format(
            page=page, pages=pages, count=len(rows))))
        nav = []
        if page > 1:
            nav.append(Button(_("◀ Previous"), action_ids.encode("reminder.page", lab.id,
                                                              f"{scope}{page - 1}")))
        if page < pages:
            nav.append(Button(_("Next ▶"), action_ids.encode("reminder.page", lab.id,
                                                          f"{scope}{page + 1}")))
        blocks.append(Buttons(tuple(nav)))
    elif rows:
        blocks.append(Small(_("{count} waiting · times are in your time zone").format(
            count=len(rows))))
    return Card(tuple(blocks), fallback=title)


class RemindersArgs(Args):
    scope: Annotated[Literal["mine", "lab"] | None, Pos()] = None


@router.command(
    "reminders", args=RemindersArgs, topic="remind",
    summary=N_("Your reminders, each with a Cancel button; `lab` for all of the lab's "
            "(facilitators)."),
    examples=("/lab reminders", "/lab reminders lab"),
)
async def reminders(call: Call[RemindersArgs]) -> Reply:
    scope: Scope = "l" if call.args.scope == "lab" else "m"
    if scope == "l" and call.the_member.role is not Role.FACILITATOR:
        raise PermissionDenied(_("Only facilitators can see all of the lab's reminders. "
                               "`/lab reminders` shows yours."))
    return Reply(card=await _list_card(call, scope, 1))


def _scope_page(arg: str | None) -> tuple[Scope, int]:
    arg = arg or "m1"
    scope: Scope = "l" if arg[:1] == "l" else "m"
    digits = arg[1:]
    return scope, int(digits) if digits.isdigit() else 1


@router.action("reminder.page", scope="lab")
async def reminders_page(call: Call[Any]) -> Reply:
    assert call.action is not None
    member = call.the_member
    scope, page = _scope_page(call.action.arg)
    if scope == "l" and member.role is not Role.FACILITATOR:
        scope = "m"
    return Reply(card=await _list_card(call, scope, page), replace=True)


@router.action("reminder.cancel", scope="reminder")
async def cancel(call: Call[Any]) -> Reply:
    assert call.action is not None
    r = await call.uow.reminders.get(call.ref)
    if r is None:
        raise NotFound(_("That reminder no longer exists."))
    member = call.the_member
    if call.person.id not in (r.author_id, r.recipient_id) and member.role is not \
            Role.FACILITATOR:
        raise PermissionDenied(_("Only whoever set a reminder, the person it is for, or a "
                               "facilitator can cancel it."))
    if r.status is not ReminderStatus.PENDING:
        raise UserError(_("That reminder is already {value}; there is nothing to "
                        "cancel.").format(value=r.status.value))
    cancelled = await call.uow.reminders.cancel(
        [r.id], _("cancelled by {display_name}").format(
            display_name=call.person.display_name))
    disarm_after_commit(call.ctx, call.uow, cancelled)
    await call.audit("reminder.cancel", reminder=r.id)
    note = _("Cancelled: {what}. It will not be sent.").format(what=_what(r))
    if call.action.arg == "c":
        return Reply(card=Card((Text(note),), fallback=_("Reminder cancelled")), replace=True)
    scope, page = _scope_page(call.action.arg)
    return Reply(card=await _list_card(call, scope, page, note), replace=True)


# --- per-lab meeting reminders --------------------------------------------------------------------


class MeetingOffsetsArgs(Args):
    offsets: Annotated[list[str] | None, Pos("24h 15m|off")] = None


@router.command(
    "reminders meetings", args=MeetingOffsetsArgs, access="facilitator", topic="remind",
    summary=N_("See or set how long before each meeting members get a reminder."),
    examples=("/lab reminders meetings 24h 1h 15m", "/lab reminders meetings off"),
)
async def set_meeting_offsets(call: Call[MeetingOffsetsArgs]) -> Reply:
    lab = call.the_lab
    defaults = call.ctx.settings.reminders.meeting_offsets
    words = call.args.offsets
    note = ""
    if words:
        if [w.casefold() for w in words] in (["off"], ["none"]):
            chosen: tuple[timedelta, ...] = ()
        else:
            try:
                chosen = parse_offsets(words)
            except ValueError as exc:
                raise UserError(_("{exc} e.g. `/lab reminders meetings 24h 15m`.").format(
                    exc=exc)) from None
        spec = " ".join(format_offset_short(o) for o in chosen)
        await call.uow.reminders.save_lab_settings(lab.id, spec, call.now)
        moved = await _reschedule_meetings(call, chosen)
        await call.audit("reminders.meeting_offsets", offsets=spec)
        note = (_("Changed. {count} already scheduled "
                "{value} the new times.").format(
            count=plural(moved, 'meeting'), value='follows' if moved == 1 else 'follow'))
    offsets = await meeting_offsets(call.uow, lab.id, defaults)
    shown = ", ".join(f"{format_offset(o)} before" for o in offsets) or "none"
    blocks: list[Block] = [
        Header(_("Meeting reminders")),
        Fields(((_("Every member gets a direct message"), shown),)),
        Small(_("Reminders an hour or less before the start reach members even in their quiet "
              "hours ({quiet_hours}); earlier ones wait for "
              "the morning.").format(quiet_hours=call.ctx.settings.reminders.quiet_hours)),
    ]
    if note:
        blocks.insert(1, Text(note))
    return Reply(card=Card(tuple(blocks), fallback=_("Meeting reminders: {shown}").format(
        shown=shown)))


async def _reschedule_meetings(call: Call[Any], offsets: Sequence[timedelta]) -> int:
    """Re-plan the reminders of every scheduled meeting still to start, read from the
    meetings themselves: after `off` no reminder is left to say which meetings there are."""
    lab = call.the_lab
    meetings = [m for m in await call.uow.meetings.upcoming([lab.id], call.now, limit=10_000)
                if m.starts_at > call.now]
    happening = Happening(call.ctx, call.uow, call.now)
    for meeting in meetings:
        await _schedule_meeting(happening, lab.id, meeting.id, meeting.starts_at, offsets,
                                meeting.title)
    return len(meetings)
