"""Minutes' lifecycle: start them (for a meeting or an ad-hoc one), show them, end them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy.exc import IntegrityError

from bot.arguments import Args, Complete, Rest
from bot.domain.minutes import EntryKind, EntrySource, MinutesStatus, clean_title, meeting_number
from bot.domain.zones import format_local, local_time
from bot.errors import Conflict, NotFound
from bot.features.minutes.cards import minutes_card, summary_card
from bot.features.minutes.service import add_entry, label, meeting_for, open_minutes
from bot.i18n import N_, _, localized
from bot.messages import Reply
from bot.router import Call, Router
from storage.models import Minutes

router = Router()


class StartArgs(Args):
    meeting: Annotated[str | None, Rest("meeting"), Complete("meeting"),
                       Field(max_length=200)] = None


@router.command(
    "minutes start", args=StartArgs, access="secretary", topic="minutes",
    summary=N_("Open the minutes of a meeting (a meeting number, or a title for an ad-hoc one)."),
    examples=('/lab minutes start "Kick-off call"', "/lab minutes start #1"),
)
async def start(call: Call[StartArgs]) -> Reply:
    lab = call.the_lab
    current = await call.uow.minutes.open_in(lab.id)
    if current is not None:
        raise Conflict(
            _("The minutes of {label} are open (since "
            "{format_local}). One set is open at a time: end "
            "them with `/lab minutes end`, then start the next.").format(
                label=label(current), format_local=format_local(current.started_at, call.zone))
        )
    ref = clean_title(call.args.meeting or "")
    number = meeting_number(ref) if ref else None
    meeting = await meeting_for(call.uow, lab.id, number, call.now) \
        if number is not None or not ref else None
    if number is not None and meeting is None:
        raise NotFound(
            _("{name} has no meeting #{number}. To take minutes of an ad-hoc meeting, "
            'give it a title: `/lab minutes start "Kick-off call"`.').format(
                name=lab.name, number=number)
        )
    linked_id = linked_number = None
    if meeting is not None:
        title, linked_id, linked_number = meeting.title, meeting.id, meeting.number
    else:
        title = ref or _("Meeting of {local_time:%a %d %b %Y}").format(
            local_time=localized(local_time(call.now, lab.timezone)))
    minutes = Minutes(lab_id=lab.id, meeting_id=linked_id, meeting_number=linked_number,
                      title=title,
                      status=MinutesStatus.OPEN, started_at=call.now,
                      started_by_id=call.person.id, next_number=1)
    try:
        await call.uow.minutes.add(minutes)
    except IntegrityError:
        # Someone else opened minutes in the same moment; the database kept to one.
        raise Conflict(_("Minutes were just opened in {name} by someone else. Type "
                       "`/lab minutes show` to see them.").format(name=lab.name)) from None
    await call.audit("minutes.start", minutes=minutes.id, title=title, meeting=linked_number)
    scheduled = await call.uow.meetings.get(meeting.id) if meeting is not None else None
    if scheduled is not None:
        # One heading per agenda item, in the agenda's order, to write the minutes under.
        for n, item in enumerate(scheduled.agenda, 1):
            extra = [x for x in (item.owner.display_name if item.owner else None,
                                 _("{minutes} min").format(minutes=item.minutes)
                                 if item.minutes else None) if x]
            await add_entry(call.uow, minutes, kind=EntryKind.NOTE, now=call.now,
                            text=_("Agenda item {number}: {title}").format(
                                number=n, title=item.title)
                                 + (f" ({', '.join(extra)})" if extra else ""),
                            source=EntrySource.AGENDA, source_ref=f"agenda:{item.id}")
    with call.in_lab_language():
        card = await minutes_card(call.uow, minutes, button=True)
    return call.publish(card)


@router.command("minutes show", topic="minutes",
                summary=N_("The open minutes: who is here and the latest entries."))
async def show(call: Call[Any]) -> Reply:
    minutes = await open_minutes(call)
    return Reply(card=await minutes_card(call.uow, minutes, button=False))


@router.command("minutes end", access="secretary", topic="minutes",
                summary=N_("Close the open minutes and post a summary."))
async def end(call: Call[Any]) -> Reply:
    minutes = await open_minutes(call)
    minutes.status, minutes.ended_at, minutes.ended_by_id = (
        MinutesStatus.CLOSED, call.now, call.person.id)
    await call.uow.flush()
    await call.audit("minutes.end", minutes=minutes.id)
    with call.in_lab_language():
        card = await summary_card(call.uow, minutes, call.now)
    return call.publish(card)
