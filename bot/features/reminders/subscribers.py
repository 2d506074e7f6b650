"""Planning reminders from domain events: meetings, deadlines, action items, members who join
or leave, and zone changes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from bot.domain.reminders import (
    Drop,
    ReminderKind,
    ReminderStatus,
    action_item_times,
    fit_nudge,
    is_meeting_start,
    meeting_times,
    needs_recipient_zone,
    nudge_time,
    parse_offsets,
    parse_quiet_hours,
    replan_for_zone,
)
from bot.domain.when import parse_duration
from bot.domain.zones import wall_time
from bot.events import (
    ActionItemClosed,
    ActionItemCreated,
    ActionItemUpdated,
    ConsentClosed,
    ConsentOpened,
    Happening,
    MeetingCancelled,
    MeetingMoved,
    MeetingScheduled,
    MemberJoined,
    MemberLeft,
    PollClosed,
    PollDeleted,
    PollOpened,
    VoteClosed,
    VoteDeleted,
    VoteOpened,
    ZoneChanged,
)
from bot.features.reminders.cards import _noun
from bot.features.reminders.delivery import _first_timer
from bot.features.reminders.timers import arm, arm_after_commit, disarm, disarm_after_commit
from bot.i18n import N_, _
from storage.models import Lab, Membership, Reminder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def meeting_offsets(uow: UnitOfWork, lab_id: int, defaults: Sequence[str]
                          ) -> tuple[timedelta, ...]:
    """The lab's own offsets before a meeting, else the configured defaults."""
    own = await uow.reminders.lab_settings(lab_id)
    return parse_offsets(own.meeting_offsets.split() if own is not None else list(defaults))


async def _cancel_subject(h: Happening, kind: str, subject_id: int, note: str,
                          recipient_id: int | None = None) -> list[int]:
    ids = await h.uow.reminders.cancel_subject(kind, subject_id, note,
                                               recipient_id=recipient_id)
    disarm_after_commit(h.ctx, h.uow, ids)
    return ids


async def _add_all(h: Happening, rows: list[Reminder]) -> list[Reminder]:
    for row in rows:
        await h.uow.reminders.add(row)
    arm_after_commit(h.ctx, h.uow, rows)
    return rows


async def _schedule_action_item(h: Happening, lab_id: int, item_id: int, owner_id: int,
                                due: Any, text: str) -> None:
    await _cancel_subject(h, "action_item", item_id, _("the action item changed"))
    if due is None:
        return
    lab = await h.uow.labs.get(lab_id)
    owner = await h.uow.people.get(owner_id)
    member = await h.uow.members.get(lab_id, owner_id)
    if lab is None or owner is None or member is None or not member.active:
        log.info("action item %s: owner %s is not a member of lab %s; no reminders",
                 item_id, owner_id, lab_id)
        return
    zone = owner.timezone or lab.timezone
    due_start = wall_time(due, time(0, 0), zone).moment
    rows = [
        _first_timer(h.ctx, Reminder(
            lab_id=lab_id, kind=ReminderKind.ACTION_ITEM, recipient_id=owner_id,
            subject_kind="action_item", subject_id=item_id, subject_at=due_start,
            text=text or _("an action item"), due_at=moment, next_at=moment,
            status=ReminderStatus.PENDING, created_at=h.now,
        ), zone)
        for _x, moment in action_item_times(due, zone, h.now)
    ]
    await _add_all(h, rows)


async def action_item_created(event: ActionItemCreated, h: Happening) -> None:
    await _schedule_action_item(h, event.lab_id, event.item_id, event.owner_id, event.due,
                                event.text)


async def action_item_updated(event: ActionItemUpdated, h: Happening) -> None:
    await _schedule_action_item(h, event.lab_id, event.item_id, event.owner_id, event.due,
                                event.text)


async def action_item_closed(event: ActionItemClosed, h: Happening) -> None:
    await _cancel_subject(h, "action_item", event.item_id, _("the action item was closed"))


async def _schedule_meeting(h: Happening, lab_id: int, meeting_id: int, starts_at: datetime,
                            offsets: Sequence[timedelta] | None = None, title: str = "",
                            only: int | None = None, note: str = N_("the meeting moved")) -> None:
    """(Re)make the reminders before a meeting for every active member, or `only` for this
    person (who just joined)."""
    await _cancel_subject(h, "meeting", meeting_id, note, recipient_id=only)
    if offsets is None:
        offsets = await meeting_offsets(h.uow, lab_id, h.ctx.settings.reminders.meeting_offsets)
    members = await _members(h, lab_id, only)
    lab = await h.uow.labs.get(lab_id)
    home = lab.timezone if lab is not None else "UTC"
    rows = [
        _first_timer(h.ctx, Reminder(
            lab_id=lab_id, kind=ReminderKind.MEETING, recipient_id=m.person_id,
            subject_kind="meeting", subject_id=meeting_id, subject_at=starts_at,
            offset_minutes=int(offset.total_seconds() // 60), text=title, due_at=moment,
            next_at=moment, quiet_exempt=is_meeting_start(offset),
            status=ReminderStatus.PENDING, created_at=h.now,
        ), m.person.timezone or home)
        for offset, moment in meeting_times(starts_at, offsets, h.now)
        for m in members
    ]
    await _add_all(h, rows)


async def _members(h: Happening, lab_id: int, only: int | None) -> Sequence[Membership]:
    """The lab's active members, or just `only` if they are one."""
    if only is None:
        return await h.uow.members.active(lab_id)
    member = await h.uow.members.get(lab_id, only)
    return [member] if member is not None and member.active else []


async def meeting_scheduled(event: MeetingScheduled, h: Happening) -> None:
    await _schedule_meeting(h, event.lab_id, event.meeting_id, event.starts_at,
                            title=event.title)


async def meeting_moved(event: MeetingMoved, h: Happening) -> None:
    await _schedule_meeting(h, event.lab_id, event.meeting_id, event.starts_at,
                            title=event.title)


async def meeting_cancelled(event: MeetingCancelled, h: Happening) -> None:
    await _cancel_subject(h, "meeting", event.meeting_id, _("the meeting was cancelled"))


async def _schedule_deadline(h: Happening, kind: str, lab_id: int, subject_id: int,
                             closes_at: datetime | None) -> None:
    await _cancel_subject(h, kind, subject_id, _("the {noun} was opened again").format(
        noun=_noun(kind)))
    if closes_at is None:
        return
    close = Reminder(
        lab_id=lab_id, kind=ReminderKind.CLOSE, recipient_id=None, subject_kind=kind,
        subject_id=subject_id, subject_at=closes_at, text="", due_at=closes_at,
        next_at=closes_at, quiet_exempt=True, status=ReminderStatus.PENDING, created_at=h.now,
    )
    await _add_all(h, [close, *await _nudges(h, kind, lab_id, subject_id, closes_at)])


async def _nudges(h: Happening, kind: str, lab_id: int, subject_id: int, closes_at: datetime,
                  only: int | None = None) -> list[Reminder]:
    """A nudge for each active member (or `only` this one) before a poll or vote closes, at
    the moment `nudge_time` gives from now, moved out of their night by `fit_nudge`. Who has
    answered by then is known only then: the nudge asks `pending` before it is sent."""
    at = nudge_time(closes_at, parse_duration(h.ctx.settings.reminders.deadline_nudge), h.now)
    if at is None:
        return []
    lab = await h.uow.labs.get(lab_id)
    home = lab.timezone if lab is not None else "UTC"
    quiet = parse_quiet_hours(h.ctx.settings.reminders.quiet_hours)
    rows = []
    for m in await _members(h, lab_id, only):
        zone = m.person.timezone or home
        moment = fit_nudge(at, closes_at, zone, quiet, now=h.now)
        if moment is None:
            continue
        rows.append(_first_timer(h.ctx, Reminder(
            lab_id=lab_id, kind=ReminderKind.NUDGE, recipient_id=m.person_id,
            subject_kind=kind, subject_id=subject_id, subject_at=closes_at, text="",
            due_at=moment, next_at=moment, status=ReminderStatus.PENDING, created_at=h.now,
        ), zone))
    return rows


async def poll_opened(event: PollOpened, h: Happening) -> None:
    await _schedule_deadline(h, "poll", event.lab_id, event.poll_id, event.closes_at)


async def vote_opened(event: VoteOpened, h: Happening) -> None:
    await _schedule_deadline(h, "vote", event.lab_id, event.vote_id, event.closes_at)


async def poll_closed(event: PollClosed, h: Happening) -> None:
    await _cancel_subject(h, "poll", event.poll_id, _("the poll closed"))


async def vote_closed(event: VoteClosed, h: Happening) -> None:
    await _cancel_subject(h, "vote", event.vote_id, _("the vote closed"))


async def poll_deleted(event: PollDeleted, h: Happening) -> None:
    await _cancel_subject(h, "poll", event.poll_id, _("the poll was deleted"))


async def vote_deleted(event: VoteDeleted, h: Happening) -> None:
    await _cancel_subject(h, "vote", event.vote_id, _("the vote was deleted"))


async def member_left(event: MemberLeft, h: Happening) -> None:
    """Someone left: nothing more reaches them from the lab (meeting reminders, nudges,
    action items, reminders anyone set for them), and the reminders they set for others
    or the lab's channel stop too: they can no longer see or cancel them, and the lab
    should not hear from someone who has left."""
    ids = await h.uow.reminders.cancel_recipient(event.lab_id, event.person_id,
                                                 _("the member left the lab"))
    ids += await h.uow.reminders.cancel_authored(event.lab_id, event.person_id,
                                                 _("whoever set it left the lab"))
    disarm_after_commit(h.ctx, h.uow, ids)


REJOINED = N_("made again when the member joined")


async def member_joined(event: MemberJoined, h: Happening) -> None:
    """Someone joined (or came back): they get what members who were there all along get,
    for what is still to come: reminders before the lab's upcoming meetings, a nudge before
    each open poll or vote closes (by the same rule, counted from when they joined), and
    reminders of the open action items they own."""
    lab_id, person_id = event.lab_id, event.person_id
    meeting = h.ctx.router.subjects.get("meeting")
    if meeting is not None and meeting.upcoming is not None:
        for item in await meeting.upcoming(h.uow, lab_id, person_id, h.now):
            if item.at is not None:
                await _schedule_meeting(h, lab_id, item.subject_id, item.at, title=item.title,
                                        only=person_id, note=REJOINED)
    rows: list[Reminder] = []
    for close in await h.uow.reminders.deadlines(lab_id):
        if close.subject_kind is None or close.subject_id is None:
            continue
        await _cancel_subject(h, close.subject_kind, close.subject_id, REJOINED,
                              recipient_id=person_id)
        rows += await _nudges(h, close.subject_kind, lab_id, close.subject_id,
                              close.subject_at or close.due_at, only=person_id)
    await _add_all(h, rows)
    item_kind = h.ctx.router.subjects.get("action_item")
    if item_kind is not None and item_kind.upcoming is not None:
        for item in await item_kind.upcoming(h.uow, lab_id, person_id, h.now):
            await _schedule_action_item(h, lab_id, item.subject_id, person_id, item.due,
                                        item.title)


async def zone_changed(event: ZoneChanged, h: Happening) -> None:
    """Someone's zone changed: re-plan their pending reminders in this lab whose time was
    read on their wall clock, so each still falls at the local time it stood for.

    Which rows move and where is `replan_for_zone` (bot/domain/reminders/zone_change.py):
    action items, the repeating reminders they set, nudges and quiet-hours waits follow the
    new zone; one-off reminders, meeting reminders and deadlines keep their moment.

    Each row moves by a conditional update and its timers are re-armed only after the
    commit, so nothing is delivered twice or lost.
    """
    lab = await h.uow.labs.get(event.lab_id)
    if lab is None:
        return
    person_id, after = event.person_id, event.after
    before = event.before or lab.timezone
    if before == after:
        return
    quiet = parse_quiet_hours(h.ctx.settings.reminders.quiet_hours)
    moved: list[tuple[int, datetime, datetime, str | None, str | None]] = []
    dropped: list[int] = []
    for r in await h.uow.reminders.mine(lab.id, person_id):
        others = (await _zone_of(h.uow, r, lab)
                  if needs_recipient_zone(r, person_id, before, now=h.now) else None)
        plan = replan_for_zone(r, person_id, before, after, now=h.now, window=quiet,
                               recipient_zone=others)
        if isinstance(plan, Drop):
            dropped += await h.uow.reminders.cancel([r.id], plan.note)
        elif plan is not None and await h.uow.reminders.replan(
                r, due_at=plan.due_at, next_at=plan.next_at, repeat_zone=plan.repeat_zone,
                subject_at=plan.subject_at):
            moved.append((r.id, plan.next_at, plan.due_at, r.repeat, plan.repeat_zone))
    disarm_after_commit(h.ctx, h.uow, dropped)
    if not moved:
        return
    log.info("lab %s: reminders %s re-planned for a move from %s to %s", lab.id,
             [row[0] for row in moved], before, after)

    def rearm() -> None:
        for row in moved:
            disarm(h.ctx, row[0])  # a quiet-hours or cron timer must not outlive its plan
            arm(h.ctx, *row)

    h.uow.after_commit(rearm)


async def _zone_of(uow: UnitOfWork, r: Reminder, lab: Lab) -> str:
    """The zone whose night holds `r` back: its recipient's, else the lab's."""
    person = await uow.people.get(r.recipient_id) if r.recipient_id is not None else None
    return (person.timezone if person is not None else None) or lab.timezone


async def consent_opened(event: ConsentOpened, h: Happening) -> None:
    """A consent round on terms of reference: its deadline, and nudges to who has not
    answered, as a vote's."""
    await _schedule_deadline(h, "terms", event.lab_id, event.terms_id, event.closes_at)


async def consent_closed(event: ConsentClosed, h: Happening) -> None:
    await _cancel_subject(h, "terms", event.terms_id, _("the consent round closed"))
