"""Corrections to the minutes: reword an entry or drop it; the audit log keeps its words."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from bot.arguments import Args, Pos
from bot.domain.minutes import CARD_ENTRY, ActionStatus
from bot.domain.zones import format_local
from bot.errors import Conflict, NotFound
from bot.events import ActionItemClosed, ActionItemUpdated
from bot.features.minutes.capture import EntryText
from bot.features.minutes.service import AUDIT_TEXT, START_HINT, label
from bot.i18n import N_, _
from bot.messages import Reply, shorten
from bot.router import Call, Router
from storage.models import MinuteEntry, Minutes

router = Router()


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
        raise NotFound(_("No minutes have been taken in {name} yet. {START_HINT}").format(
            name=lab.name, START_HINT=_(START_HINT)))
    entry = await call.uow.minutes.entry(minutes.id, number)
    if entry is None:
        count = len(await call.uow.minutes.entries(minutes.id))
        span = _("Its entries run from 1 to {count}.").format(
            count=count) if count else _("It has no entries yet.")
        raise NotFound(_("The minutes of {label} have no entry {number}. {span}").format(
            label=label(minutes), number=number, span=span))
    if entry.dropped_at is not None:
        raise Conflict(_("Entry {number} of {label} was dropped "
                       "({format_local}); it cannot change.").format(
            number=number, label=label(minutes),
            format_local=format_local(entry.dropped_at, call.zone)))
    return minutes, entry


@router.command("minutes edit", args=EditArgs, access="secretary", topic="minutes",
                summary=N_("Reword entry <n>; the earlier wording stays in the audit log."),
                examples=("/lab minutes edit 3 We take forward research",))
async def edit(call: Call[EditArgs]) -> Reply:
    minutes, entry = await _entry(call, call.args.number)
    new = call.args.text
    if new == entry.text:
        raise Conflict(_("Entry {number} already says exactly that.").format(
            number=entry.number))
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
    return Reply.say(_("Entry {number} of {label} now reads: "
                     "{text}\n(The earlier wording is kept in the audit "
                     "log.)").format(
        number=entry.number, label=label(minutes), text=shorten(new, CARD_ENTRY)))


@router.command("minutes drop", args=DropArgs, access="secretary", topic="minutes",
                summary=N_("Drop entry <n> from the minutes; it stays in the audit log, marked."),
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
    return Reply.say(_("Dropped {value} {number} from the minutes of "
                     "{label}. It is marked dropped, not deleted: the exports say "
                     "so and the audit log keeps its words.").format(
        value=entry.kind.value, number=entry.number, label=label(minutes)))
