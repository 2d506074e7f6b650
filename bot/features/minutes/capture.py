"""Capture into the open minutes: notes, decisions and action items typed (a past due date
confirmed first), and a message someone reacted to with :memo:."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos, Rest, tokenize
from bot.domain.lab import Role, has_role
from bot.domain.minutes import (
    CARD_ENTRY,
    MAX_ENTRY,
    ActionStatus,
    EntryKind,
    EntrySource,
    MinutesStatus,
    format_due,
    local_today,
    parse_due,
    rest_after_name,
)
from bot.domain.when import too_far_ahead
from bot.errors import BadArguments, Conflict, PermissionDenied, UserError
from bot.events import ActionItemCreated
from bot.features.common import find_member
from bot.features.minutes.service import (
    AUDIT_TEXT,
    START_HINT,
    add_entry,
    label,
    open_minutes,
)
from bot.i18n import N_, _, localized
from bot.messages import Button, Buttons, Card, Context, Reply, Text, shorten
from bot.router import Call, Router
from storage.models import ActionItem, MinuteEntry, Minutes

router = Router()

EntryText = Annotated[str, Rest("text"), Field(min_length=1, max_length=MAX_ENTRY)]


class EntryArgs(Args):
    text: EntryText


async def _typed(call: Call[EntryArgs], kind: EntryKind) -> tuple[Minutes, MinuteEntry]:
    minutes = await open_minutes(call)
    entry = await add_entry(call.uow, minutes, kind=kind, text=call.args.text, now=call.now,
                            author=call.person, created_by=call.person.id)
    await call.audit(f"minutes.{kind.value}", minutes=minutes.id, number=entry.number)
    return minutes, entry


@router.command("note", args=EntryArgs, topic="minutes",
                summary=N_("Add a note to the open minutes."),
                examples=("/lab note Zoë summarised the survey results",))
async def note(call: Call[EntryArgs]) -> Reply:
    minutes, entry = await _typed(call, EntryKind.NOTE)
    return Reply.say(_("Added note {number} to the minutes of {label}: "
                     "{text}").format(
        number=entry.number, label=label(minutes), text=shorten(entry.text, CARD_ENTRY)))


@router.command("decision", args=EntryArgs, topic="minutes",
                summary=N_("Record a decision in the open minutes."),
                examples=("/lab decision We take forward research and case studies",))
async def decision(call: Call[EntryArgs]) -> Reply:
    if not has_role(call.the_member.role, Role.SECRETARY):
        return await _proposal(call)
    minutes, entry = await _typed(call, EntryKind.DECISION)
    with call.in_lab_language():  # posted in the channel
        text = _("*Decision {number}* ({title}): {text}").format(
            number=entry.number, title=minutes.title, text=shorten(entry.text, CARD_ENTRY))
    return call.publish(lambda: Card((Text(text),), fallback=_("Decision {number} recorded").format(
        number=entry.number)))


PROPOSED = N_("Proposed decision: ")


async def _proposal(call: Call[EntryArgs]) -> Reply:
    """Decisions are the secretary's and facilitators' to record; a member's is kept, as a
    note marked as a proposal (so nothing typed is lost), and not posted to the channel."""
    minutes = await open_minutes(call)
    entry = await add_entry(call.uow, minutes, kind=EntryKind.NOTE,
                            text=_(PROPOSED) + call.args.text, now=call.now, author=call.person,
                            created_by=call.person.id)
    await call.audit("minutes.proposal", minutes=minutes.id, number=entry.number)
    return Reply.say(
        _("Decisions are recorded by the secretary and facilitators, so your proposal is note "
          "{number} in the minutes of {label}: "
          "{text}\nIf the meeting agrees, the secretary records "
          "it with `/lab decision <text>`.").format(
            number=entry.number, label=label(minutes), text=shorten(call.args.text, CARD_ENTRY))
    )


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
    with call.in_lab_language():  # posted in the channel
        due = _(", due {due:%a %d %b %Y}").format(due=localized(item.due)) if item.due else ""
        text = (_("*Action {number}* for *{display_name}*{due} "
                "({title}): {text}").format(
            number=entry.number, display_name=item.owner.display_name, due=due,
            title=minutes.title, text=shorten(entry.text, CARD_ENTRY)))
    return call.publish(lambda: Card(
        (Text(text), Context(_("See every open action with `/lab actions`."))),
        fallback=_("Action {number} for {display_name}").format(
            number=entry.number, display_name=item.owner.display_name)))


@router.command(
    "action", args=ActionArgs, topic="minutes",
    summary=N_("Add an action item for a member, with an optional due date, to the open minutes."),
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
            far = too_far_ahead(due, today)
            if far is not None:
                raise ValueError(far)
        except ValueError as exc:
            raise BadArguments(_("{exc}\nUsage: `/lab action <member> [due <date>] <text>`").format(
                exc=exc)
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
        Text(_("The due date {format_due} is in the past (today is "
             "{today:%a %d %b %Y} in {timezone}). Add the action for "
             "*{display_name}* with this date anyway?\n>"
             " {text}").format(
            format_due=format_due(due, today), today=localized(today), timezone=lab.timezone,
            display_name=owner.person.display_name, text=shorten(text, CARD_ENTRY))),
        Buttons((
            Button(_("Add with this date"), action_ids.encode("minutes.confirm", item.id),
                   style="primary"),
            Button(_("Cancel"), action_ids.encode("minutes.cancel", item.id)),
        )),
        Context(_("Or cancel and type it again with another date, e.g. `due fri`.")),
    ), fallback=_("That due date is in the past: add the action anyway?")))


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
        raise Conflict(_("That action was already added or cancelled. `/lab actions` lists the "
                       "open ones."))
    entry = item.entry
    if entry.created_by_id != call.person.id:
        raise PermissionDenied(_("Only the person who typed that action can confirm or cancel "
                               "it."))
    minutes = await call.uow.minutes.get(entry.minutes_id)
    assert minutes is not None
    return item, entry, minutes


@router.action("minutes.confirm", scope="item")
async def confirm(call: Call[Any]) -> Reply:
    item, entry, minutes = await _pending(call)
    if minutes.status is not MinutesStatus.OPEN:
        raise Conflict(_("The minutes of {label} have ended, so the action was not "
                       "added. The secretary can add it to the next meeting's minutes.").format(
            label=label(minutes)))
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
    return Reply(card=Card((Text(_("Cancelled: the action was not added.")),)), replace=True)


# --- reaction capture --------------------------------------------------------------------------


@router.reaction("memo")
async def memo(call: Call[Any]) -> Reply:
    reaction = call.reaction
    assert reaction is not None
    lab = call.the_lab
    minutes = await call.uow.minutes.open_in(lab.id)
    if minutes is None:
        raise Conflict(_("No minutes are open in {name}, so the message was not added. "
                       "{START_HINT}").format(name=lab.name, START_HINT=_(START_HINT)))
    text = reaction.text.strip()
    if not text:
        raise UserError(_("That message has no text to add to the minutes. Describe it with "
                        "`/lab note <text>` instead."))
    ref = reaction.message
    source_ref = f"{ref.platform}:{ref.workspace}:{ref.channel}:{ref.message_id}"[:200]
    already = await call.uow.minutes.entry_from(minutes.id, source_ref)
    if already is not None:
        return Reply.say(_("That message is already in the minutes as note {number}.").format(
            number=already.number))
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
    whose = _("{display_name}'s message").format(
        display_name=author.display_name) if author else _("That message")
    return Reply.say(_("{whose} is in the minutes of {label} as note {number}.").format(
        whose=whose, label=label(minutes), number=entry.number))
