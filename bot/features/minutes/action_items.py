"""Action items: the open ones (yours first) with Done buttons, and yours on the home card."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot import action_ids
from bot.domain.lab import Role, has_role
from bot.domain.minutes import CARD_ENTRY, ActionStatus, format_due, local_today, may_close_action
from bot.errors import Conflict, NotFound, PermissionDenied
from bot.events import ActionItemClosed
from bot.features.common import page_buttons
from bot.features.minutes.cards import within
from bot.features.reminders import remind_now, reminded_text
from bot.i18n import N_, _
from bot.messages import Block, Button, Buttons, Card, Context, Header, Limits, Reply, Text, shorten
from bot.router import Call, Router
from storage.models import ActionItem, Lab

router = Router()

ACTIONS_PER_PAGE = 8


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
        return Card((Header(_("Open action items in {name}").format(name=lab.name)),
                     Text(_("None: every action item is done."))),
                    fallback=_("No open action items"))
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
        due = format_due(item.due, today) if item.due else _("no due date")
        mine = " (yours)" if item.owner_id == call.person.id else ""
        lines.append(f"{n}. *{item.owner.display_name}*{mine} · {due}\n"
                     f"    {shorten(entry.text, CARD_ENTRY)} _({titles[entry.minutes_id]}, "
                     f"#{entry.number})_")
        if _may_close(call, item):
            buttons.append(Button(_("Done {n}").format(
                n=n), action_ids.encode("minutes.done", item.id,
                                                                 page)))
    blocks: list[Block] = [Header(_("Open action items in {name}").format(name=lab.name)),
                           Text(within(lines, Limits.TEXT, "items"))]
    for i in range(0, len(buttons), 5):
        blocks.append(Buttons(tuple(buttons[i:i + 5])))
    if pages > 1:
        blocks.append(Context(_("Page {page} of {pages} · {count} open items").format(
            page=page, pages=pages, count=len(items))))
        blocks.append(page_buttons("minutes.actions", lab.id, page, pages))
    blocks.append(Context(_("The owner, the secretary or a facilitator can mark an item done. "
                          "Due dates are days in {timezone}.").format(timezone=lab.timezone)))
    return Card(tuple(blocks), fallback=_("{count} open action items").format(
        count=len(items)))


# `/lab actions` as typed; on Discord `/lab minutes actions` (25 entries under /lab at most).
@router.command("minutes actions", topic="minutes", aliases=("actions",),
                summary=N_("Open action items, yours first, each with a Done button."))
async def actions(call: Call[Any]) -> Reply:
    return Reply(card=await _actions_card(call, 1))


@router.action("minutes.actions", scope="lab")
async def actions_page(call: Call[Any]) -> Reply:
    return Reply(card=await _actions_card(call, call.page), replace=True)


async def _mark_done(call: Call[Any]) -> ActionItem:
    item = await call.uow.action_items.get(call.ref)
    if item is None:
        raise NotFound(_("That action item no longer exists."))
    if item.status is not ActionStatus.OPEN:
        raise Conflict(_("That action item is already {value}.").format(
            value=item.status.value))
    if not _may_close(call, item):
        raise PermissionDenied(_("Only {display_name} (its owner), the secretary or "
                               "a facilitator can mark that action item done.").format(
            display_name=item.owner.display_name))
    item.status, item.done_at, item.done_by_id = ActionStatus.DONE, call.now, call.person.id
    await call.uow.flush()
    await call.emit(ActionItemClosed(lab_id=item.lab_id, item_id=item.id))
    await call.audit("minutes.action_done", item=item.id, number=item.entry.number)
    return item


@router.action("minutes.done", scope="item")
async def done(call: Call[Any]) -> Reply:
    await _mark_done(call)
    return Reply(card=await _actions_card(call, call.page), replace=True)


# --- a facilitator's desk: overdue action items ------------------------------------------------

DESK_ITEMS = 5  # overdue items shown on the desk, each with its buttons


@router.home_section(14)
async def desk_overdue(call: Call[Any]) -> list[Block]:
    """A facilitator's desk, action items: those past their due date (in the lab's zone),
    most overdue first, each with Done and Remind (the owner, privately, now)."""
    blocks: list[Block] = []
    for m in await call.uow.members.labs_of(call.person.id):
        if not has_role(m.role, Role.FACILITATOR):
            continue
        lab = await call.uow.labs.get(m.lab_id)
        if lab is None:
            continue
        today = local_today(call.now, lab.timezone)
        for item in await call.uow.action_items.open_in(lab.id):
            if item.due is None or item.due >= today or len(blocks) >= DESK_ITEMS * 2:
                continue
            blocks += [
                Text(shorten(_("⏰ *Overdue*, {due}: {text} — {owner} ({lab})").format(
                    due=format_due(item.due, today), text=shorten(item.entry.text, 300),
                    owner=item.owner.display_name, lab=lab.name), 2900)),
                Buttons((
                    Button(_("Done"), action_ids.encode("minutes.desk_done", item.id),
                           style="primary"),
                    Button(shorten(_("Remind {owner}").format(owner=item.owner.display_name),
                                   Limits.BUTTON_LABEL),
                           action_ids.encode("minutes.remind", item.id)),
                )),
            ]
    if blocks:
        blocks.insert(0, Text(_("*Overdue action items* (your desk)")))
    return blocks


@router.action("minutes.desk_done", scope="item")
async def desk_done(call: Call[Any]) -> Reply:
    """The desk's Done: as the list's Done button, answered with what was marked."""
    item = await _mark_done(call)
    return Reply.say(_("Marked done: {text} ({owner}).").format(
        text=shorten(item.entry.text, 300), owner=item.owner.display_name))


@router.action("minutes.remind", scope="item", access="facilitator")
async def remind_owner(call: Call[Any]) -> Reply:
    """The desk's Remind: the owner of an overdue item is sent a private reminder now (held
    past their quiet hours), at most once every 12 hours per item, as polls' and votes'
    Remind now."""
    item = await call.uow.action_items.get(call.ref)
    if item is None or item.status is not ActionStatus.OPEN:
        raise Conflict(_("That action item is no longer open: nothing to remind."))
    lab = call.the_lab
    due = datetime.combine(item.due, time(12), tzinfo=ZoneInfo(lab.timezone)).astimezone(
        UTC) if item.due is not None else None
    name = _("the action item “{text}”").format(text=shorten(item.entry.text, 80))
    reminded = await remind_now(call, kind="action_item", subject_id=item.id, name=name,
                                closes_at=due, pending=[item.owner_id])
    return Reply.say(reminded_text(call, name, reminded))


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
            _("no due date")
        lines.append(f"• {shorten(item.entry.text, 200)} — {lab.name} · {due}")
    more = _("\n…and {value} more.").format(
        value=len(items) - 5) if len(items) > 5 else ""
    return [Text(_("*Your action items* ({count} open)\n").format(
        count=len(items)) + "\n".join(lines) + more),
            Context(_("Mark them done with `/lab actions` in the lab's channel."))]
