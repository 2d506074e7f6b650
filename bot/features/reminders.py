"""Reminders and deadlines: `/lab remind`, `/lab reminders`, and the timers that deliver
meeting, deadline, action-item and custom reminders once, on time, in each member's own time.

The `reminders` table is the source of truth; a timer (`reminder:<id>`) only wakes the bot,
and delivery begins by claiming the row (`pending` -> `sending`) with a conditional update,
so a double fire, a restart or a second process sharing the database never delivers twice.
Each process arms timers for the rows it writes, for every row at start-up, and, every
`sweep_every`, for rows due soon that another process wrote (`sweep`): if that process
stops, its reminders still go out.
Other features plug in through the subject kinds they register on their routers
(`@router.subject`, bot/subjects.py: who has not answered a poll, a meeting's .ics, closing
a vote at its deadline), found here on `ctx.router.subjects`, and reach this module only
through domain events.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field

from bot import action_ids
from bot.arguments import Args, Complete, Pos, Rest
from bot.context import Context
from bot.domain.lab import Role
from bot.domain.reminders import (
    ON_TIME,
    ReminderKind,
    ReminderStatus,
    Weekly,
    WhenError,
    action_item_times,
    classify,
    fit_nudge,
    format_offset,
    format_offset_short,
    hold_until,
    is_meeting_start,
    may_retry,
    meeting_times,
    nudge_time,
    parse_offsets,
    parse_quiet_hours,
    read_when,
    retry_delay,
    same_wall_time,
)
from bot.domain.when import parse_duration
from bot.domain.zones import format_local, wall_time
from bot.errors import NotFound, PermissionDenied, UserError
from bot.events import (
    ActionItemClosed,
    ActionItemCreated,
    ActionItemUpdated,
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
from bot.features.common import find_member
from bot.identity import channel_place, recipient_of
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Fields,
    File,
    Header,
    Limits,
    Place,
    Recipient,
    Reply,
    Text,
    at,
    shorten,
)
from bot.messages import Context as Small
from bot.ports import DeliveryError, JobFunc
from bot.router import Call, Router
from bot.subjects import SubjectInfo
from storage.models import Lab, Membership, Person, Reminder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
router = Router()

MAX_TEXT = 1000
MAX_PENDING_PER_AUTHOR = 100
PER_PAGE = 4  # each reminder has its own Cancel row; the fifth row is for paging
LEASE = timedelta(minutes=10)  # a delivery claimed longer ago than this was cut off
PROBLEMS_SINCE = timedelta(days=14)


# --- what other features plug in (bot/subjects.py) --------------------------------------------


_NOUNS = {"poll": "poll", "vote": "vote", "meeting": "meeting", "action_item": "action item"}


def _noun(kind: str | None) -> str:
    return _NOUNS.get(kind or "", kind or "item")


# --- timers -----------------------------------------------------------------------------------


def job_id(reminder_id: int) -> str:
    return f"reminder:{reminder_id}"


def later_job_id(reminder_id: int) -> str:
    """A repeating reminder's one-off timer (quiet hours, a retry) beside its cron timer."""
    return f"reminder:{reminder_id}:later"


def _firer(ctx: Context, reminder_id: int) -> JobFunc:
    async def fire() -> None:
        await deliver(ctx, reminder_id)

    return fire


def arm(ctx: Context, reminder_id: int, next_at: datetime, due_at: datetime,
        repeat: str | None, repeat_zone: str | None) -> None:
    """Set the in-memory timer(s) for one pending reminder (after its row is committed)."""
    fire = _firer(ctx, reminder_id)
    if repeat is None or repeat_zone is None:
        ctx.jobs.schedule(job_id(reminder_id), next_at, fire)
        return
    rule = Weekly.from_spec(repeat, repeat_zone)
    # The cron timer's next run is pinned to the occurrence the row holds (see
    # Scheduler.repeat); after each occurrence `deliver` arms it again with the next.
    if next_at == due_at:
        ctx.jobs.repeat(job_id(reminder_id), rule, due_at, fire)
    else:  # this occurrence waits (quiet hours, a retry); the cron goes on from the next one
        ctx.jobs.repeat(job_id(reminder_id), rule, rule.next_after(due_at), fire)
        ctx.jobs.schedule(later_job_id(reminder_id), next_at, fire)


def disarm(ctx: Context, reminder_id: int) -> None:
    ctx.jobs.cancel(job_id(reminder_id))
    ctx.jobs.cancel(later_job_id(reminder_id))


def arm_after_commit(ctx: Context, uow: UnitOfWork, reminders: Sequence[Reminder]) -> None:
    rows = [(r.id, r.next_at, r.due_at, r.repeat, r.repeat_zone) for r in reminders]

    def go() -> None:
        for row in rows:
            arm(ctx, *row)

    if rows:
        uow.after_commit(go)


def disarm_after_commit(ctx: Context, uow: UnitOfWork, ids: Sequence[int]) -> None:
    def go() -> None:
        for reminder_id in ids:
            disarm(ctx, reminder_id)

    if ids:
        uow.after_commit(go)


async def _settle(ctx: Context, now: datetime) -> tuple[set[int], list[int]]:
    """Settle what a stopped process left behind, by the rules start-up has always used:
    deliveries cut off mid-way (claimed longer than LEASE ago) are marked failed, never
    resent, since the message may have gone out; reminders due longer ago than
    `misfire_grace` are marked missed. Every change is a conditional update on the row as
    it was read, so processes settling at once settle each row once. Returns the labs with
    newly missed reminders and the ids of newly failed ones (to tell facilitators)."""
    grace = parse_duration(ctx.settings.reminders.misfire_grace)
    missed_labs: set[int] = set()
    failed: list[int] = []
    async with ctx.uow() as uow:
        for r in await uow.reminders.interrupted(now - LEASE):
            error = "the bot stopped during delivery; not resent, so nobody gets it twice"
            if r.repeat:
                record = await _close_occurrence(uow, r, ReminderStatus.FAILED, now,
                                                 error=error, exact=True)
            else:
                record = r.id if await uow.reminders.fail(r.id, error, seen=r) else None
            if record is not None:
                failed.append(record)
        note = f"due more than {format_offset(grace)} before the bot came back"
        for _, lab_id in await uow.reminders.miss_overdue(now - grace, note):
            missed_labs.add(lab_id)
        for r in await uow.reminders.overdue(now - grace):  # repeating ones are left
            if r.repeat and await _close_occurrence(uow, r, ReminderStatus.MISSED, now,
                                                    note=note, exact=True) is not None:
                missed_labs.add(r.lab_id)
        await uow.commit()
    return missed_labs, failed


def _tell_settled(ctx: Context, now: datetime, missed_labs: set[int], failed: list[int]
                  ) -> None:
    for lab_id in sorted(missed_labs):
        _schedule_missed_summary(ctx, lab_id, now)
    for reminder_id in failed:
        _schedule_failure_report(ctx, reminder_id, now)


async def rebuild(ctx: Context) -> None:
    """Start-up: settle what the downtime left behind, then arm a timer for every pending row.

    Deliveries cut off mid-way are marked failed, never resent (the message may have gone
    out). Reminders due longer ago than `misfire_grace` are marked missed and summarised once
    to each lab's facilitators; the rest fire at once and are marked late.
    """
    now = ctx.clock.now()
    missed_labs, failed = await _settle(ctx, now)
    async with ctx.uow() as uow:
        rows = await uow.reminders.timers()
    for row in rows:
        arm(ctx, *row)
    _tell_settled(ctx, now, missed_labs, failed)
    if rows or missed_labs or failed:
        log.info("reminders: %d timers armed, %d labs with missed reminders, %d interrupted",
                 len(rows), len(missed_labs), len(failed))


SWEEP_JOB = "reminders:sweep"
SWEEP_BATCH = 500


def _armed_here(ctx: Context, reminder_id: int, next_at: datetime, due_at: datetime,
                repeat: str | None) -> bool:
    """Whether this process has a timer that will wake it for this row's next moment.

    Any timer will do, early or late: one that fires early finds the row not due and arms
    itself again, and rows only ever move later (quiet hours, retries, the next occurrence),
    so a timer set here for an earlier moment of the row is never after it. The exception is
    a repeating reminder held back (quiet hours, a retry): its cron timer waits for the next
    occurrence, so it needs its one-off timer beside it.
    """
    if repeat is not None and next_at != due_at:
        return ctx.jobs.next_run(later_job_id(reminder_id)) is not None
    return ctx.jobs.next_run(job_id(reminder_id)) is not None


@dataclass(frozen=True, slots=True)
class Swept:
    """What one sweep did."""

    looked_at: int  # pending rows due within the horizon
    armed: int  # of those, how many this process had no timer for
    missed_labs: int
    failed: int


async def sweep(ctx: Context) -> Swept:
    """Every `sweep_every`, in each process: arm a timer for each pending reminder due within
    `sweep_horizon` that this process has none for, and settle what a stopped process left,
    by the start-up rules.

    A process arms timers for the rows it writes and for all rows at start-up; rows another
    process wrote (or moved: quiet hours, a retry) since reach it only here. So if that
    process stops, they are still sent: on time when they fall due after the next sweep (the
    horizon is at least the interval), at most one interval late otherwise (a retry planned
    30 s ahead). The claim on the row still decides who delivers: two processes sweeping the
    same row both fire, and one sends.
    """
    now = ctx.clock.now()
    horizon = parse_duration(ctx.settings.reminders.sweep_horizon)
    missed_labs, failed = await _settle(ctx, now)
    async with ctx.uow() as uow:
        rows = await uow.reminders.timers(until=now + horizon)
    armed = 0
    for n, (reminder_id, next_at, due_at, repeat, repeat_zone) in enumerate(rows, start=1):
        if not _armed_here(ctx, reminder_id, next_at, due_at, repeat):
            arm(ctx, reminder_id, next_at, due_at, repeat, repeat_zone)
            armed += 1
        if n % SWEEP_BATCH == 0:
            # The sweep runs beside the adapters, which must answer within 3 seconds: a
            # burst of thousands of rows to arm lets them in between batches.
            await asyncio.sleep(0)
    _tell_settled(ctx, now, missed_labs, failed)
    if armed or missed_labs or failed:
        log.info("reminders sweep: %d timers armed (of %d due within %s), %d labs with missed "
                 "reminders, %d interrupted", armed, len(rows), format_offset(horizon),
                 len(missed_labs), len(failed))
    return Swept(len(rows), armed, len(missed_labs), len(failed))


async def start_sweep(ctx: Context) -> None:
    """Start-up: run `sweep` every `sweep_every` ("0s" leaves it off), the first time one
    interval from now (start-up has just armed everything)."""
    every = parse_duration(ctx.settings.reminders.sweep_every)
    if not every:
        return

    async def run() -> None:
        await sweep(ctx)

    ctx.jobs.every(SWEEP_JOB, every, ctx.clock.now() + every, run)


# --- delivery ---------------------------------------------------------------------------------

Outcome = Literal[
    "sent", "gone", "not due", "cancelled", "missed", "deferred", "elsewhere", "taken",
    "retrying", "failed",
]


@dataclass
class _Target:
    """Where a reminder goes, as seen from this process."""

    person: Person | None = None
    recipient: Recipient | None = None  # a direct-message address on a platform running here
    zone: str = "UTC"
    places: list[Place] = field(default_factory=list)  # lab channels on platforms here
    refusal: str | None = None  # why it must not go at all
    needs_no_platform: bool = False  # closing a poll: any process can do it

    @property
    def here(self) -> bool:
        return self.needs_no_platform or self.recipient is not None or bool(self.places)


async def _recipient(ctx: Context, uow: UnitOfWork, person_id: int) -> Recipient | None:
    """The person's address on a platform this process runs (their first identity there)."""
    for identity in await uow.people.identities([person_id]):
        if ctx.messengers.has(identity.platform):
            return recipient_of(identity)
    return None


async def _target(ctx: Context, uow: UnitOfWork, r: Reminder, lab: Lab) -> _Target:
    if r.kind is ReminderKind.CLOSE:
        return _Target(zone=lab.timezone, needs_no_platform=True)
    if r.recipient_id is None:
        places = [channel_place(c) for c in await uow.labs.channels(lab.id)]
        return _Target(zone=lab.timezone,
                       places=[p for p in places if ctx.messengers.has(p.platform)])
    person = await uow.people.get(r.recipient_id)
    member = await uow.members.get(lab.id, r.recipient_id)
    if person is None or member is None or not member.active:
        return _Target(refusal=f"the recipient is no longer a member of {lab.name}")
    return _Target(person=person, recipient=await _recipient(ctx, uow, person.id),
                   zone=person.timezone or lab.timezone)


async def deliver(ctx: Context, reminder_id: int) -> Outcome:
    """What a timer runs: decide, claim, send, record. Safe to run any number of times."""
    settings = ctx.settings.reminders
    now = ctx.clock.now()
    grace = parse_duration(settings.misfire_grace)
    async with ctx.uow() as uow:
        r = await uow.reminders.get(reminder_id)
        if r is None or r.status is not ReminderStatus.PENDING:
            return "gone"
        if r.next_at > now:
            # It moved later (quiet hours, a retry, perhaps in another process): make sure
            # this process has a timer for its new moment too.
            arm(ctx, r.id, r.next_at, r.due_at, r.repeat, r.repeat_zone)
            return "not due"
        lab = await uow.labs.get(r.lab_id)
        if lab is None:
            return "gone"
        target = await _target(ctx, uow, r, lab)
        if target.refusal is not None:
            cancelled = await uow.reminders.cancel([r.id], target.refusal)
            await uow.commit()
            if cancelled:
                disarm(ctx, r.id)
            return "cancelled"
        if classify(r.next_at, now, grace) == "missed":
            note = f"due more than {format_offset(grace)} before the bot could send it"
            if r.repeat:
                done = await _close_occurrence(uow, r, ReminderStatus.MISSED, now, note=note,
                                               expect=ReminderStatus.PENDING) is not None
            else:
                done = await uow.reminders.miss(r.id, r.next_at, note)
            await uow.commit()
            if done:
                _schedule_missed_summary(ctx, r.lab_id, now)
                await _rearm(ctx, r.id)
            return "missed"
        if target.person is not None:
            until = _hold(ctx, r, now, target.zone)
            if until is not None:
                if await uow.reminders.defer(r.id, r.next_at, until):
                    await uow.commit()
                    _arm_later(ctx, r, until)
                return "deferred"
        if not target.here:
            # Another process runs the recipient's platform; leave the row for it to claim.
            # Look again once the grace has passed: if nobody could send it by then, it is
            # recorded missed and the facilitators hear of it. (This timer also tells the
            # sweep that the row is in hand here, so it is not armed again every minute.)
            _arm_later(ctx, r, r.next_at + grace + ON_TIME)
            return "elsewhere"
        late = classify(r.next_at, now, grace) == "late"
        claimed = await uow.reminders.claim(r.id, r.next_at, now, late=late)
        await uow.commit()
        if not claimed:
            return "taken"
    return await _send_claimed(ctx, reminder_id, target, now)


def _hold(ctx: Context, r: Reminder, moment: datetime, zone: str) -> datetime | None:
    """When `r`, due at `moment`, must wait for the recipient's quiet hours to end."""
    return hold_until(
        moment, zone, parse_quiet_hours(ctx.settings.reminders.quiet_hours),
        exempt=r.quiet_exempt or r.recipient_id is None,
        starts_at=r.subject_at if r.kind is ReminderKind.MEETING else None,
    )


def _first_timer(ctx: Context, r: Reminder, zone: str) -> Reminder:
    """Set when a new reminder's timer first fires: when due, or after quiet hours."""
    r.next_at = _hold(ctx, r, r.due_at, zone) or r.due_at
    return r


def _arm_later(ctx: Context, r: Reminder, at_: datetime) -> None:
    fire = _firer(ctx, r.id)
    ctx.jobs.schedule(later_job_id(r.id) if r.repeat else job_id(r.id), at_, fire)


async def _send_claimed(ctx: Context, reminder_id: int, target: _Target, now: datetime
                        ) -> Outcome:
    settings = ctx.settings.reminders
    try:
        async with ctx.uow() as uow:
            r = await uow.reminders.get(reminder_id)
            if r is None or r.status is not ReminderStatus.SENDING:
                return "gone"
            skipped = await _send(ctx, uow, r, target, now)
            if skipped is not None:
                if r.repeat:
                    ended = await _close_occurrence(uow, r, ReminderStatus.CANCELLED, now,
                                                    note=skipped) is not None
                else:
                    ended = await uow.reminders.finish(r.id, ReminderStatus.CANCELLED, skipped)
                outcome: Outcome = "cancelled" if ended else "gone"
            elif r.repeat and r.repeat_zone:
                rule = Weekly.from_spec(r.repeat, r.repeat_zone)
                await uow.reminders.advance(r.id, rule.next_after(max(r.due_at, now)),
                                            sent_at=now)
                outcome = "sent"
            else:
                await uow.reminders.sent(r.id, now)
                outcome = "sent"
            await uow.commit()
            repeating = r.repeat is not None
        if repeating:
            await _rearm(ctx, reminder_id)
        return outcome
    except Unplugged as exc:
        # The operator's to fix, not the facilitators'; but a poll that did not close itself
        # at its deadline is theirs to know about.
        log.warning("reminder %s: %s", reminder_id, exc)
        return await _delivery_failed(ctx, reminder_id, str(exc), None, now, retries=0,
                                      base=timedelta(), tell=exc.tell)
    except DeliveryError as exc:
        return await _delivery_failed(ctx, reminder_id, exc.reason, exc.retry_after, now,
                                      retries=settings.retry_attempts,
                                      base=parse_duration(settings.retry_backoff))
    except Exception:
        log.exception("reminder %s could not be delivered", reminder_id)
        return await _delivery_failed(ctx, reminder_id, "an unexpected error (see the log)",
                                      None, now, retries=0, base=timedelta())


async def _delivery_failed(ctx: Context, reminder_id: int, reason: str,
                           retry_after: float | None, now: datetime, *, retries: int,
                           base: timedelta, tell: bool = True) -> Outcome:
    async with ctx.uow() as uow:
        r = await uow.reminders.get(reminder_id)
        if r is None or r.status is not ReminderStatus.SENDING:
            return "gone"
        if may_retry(r.attempts, retries):
            when = now + retry_delay(r.attempts, base, retry_after)
            if await uow.reminders.retry(r.id, when, reason):
                await uow.commit()
                _arm_later(ctx, r, when)
                log.warning("reminder %s: %s; retry %d at %s", r.id, reason, r.attempts, when)
            return "retrying"
        error = f"{reason} (tried {r.attempts} time{'s' if r.attempts != 1 else ''})"
        failed_id: int | None = reminder_id
        if r.repeat:  # this occurrence failed; the reminder goes on to the next one
            failed_id = await _close_occurrence(uow, r, ReminderStatus.FAILED, now,
                                                error=error)
        elif not await uow.reminders.fail(r.id, error):
            failed_id = None
        await uow.commit()
    log.warning("reminder %s failed: %s", reminder_id, error)
    if r.repeat:
        await _rearm(ctx, reminder_id)
    if failed_id is not None and tell:
        await _report_failure(ctx, failed_id)
    return "failed"


async def _rearm(ctx: Context, reminder_id: int) -> None:
    """Arm a repeating reminder again for the occurrence its row now holds."""
    async with ctx.uow() as uow:
        r = await uow.reminders.get(reminder_id)
        if r is not None and r.status is ReminderStatus.PENDING and r.repeat:
            arm(ctx, r.id, r.next_at, r.due_at, r.repeat, r.repeat_zone)


async def _close_occurrence(uow: UnitOfWork, r: Reminder, status: ReminderStatus,
                            now: datetime, *, note: str | None = None, error: str | None = None,
                            expect: ReminderStatus | None = None, exact: bool = False
                            ) -> int | None:
    """End this occurrence of a repeating reminder as `status` (kept as a row of its own, for
    the record and the facilitator's summary) and move the reminder on to the next one.
    Returns the new row's id, or None if another process got there first. `exact`: only if
    the row is still at the occurrence and claim read in `r`."""
    assert r.repeat is not None and r.repeat_zone is not None
    rule = Weekly.from_spec(r.repeat, r.repeat_zone)
    moved = await uow.reminders.advance(
        r.id, rule.next_after(max(r.due_at, now)), sent_at=None,
        from_status=expect or r.status, seen=r if exact else None,
    )
    if not moved:
        return None
    record = await uow.reminders.add(Reminder(
            lab_id=r.lab_id, kind=r.kind, recipient_id=r.recipient_id, author_id=r.author_id,
            subject_kind=r.subject_kind, subject_id=r.subject_id, subject_at=r.subject_at,
            offset_minutes=r.offset_minutes, text=r.text, due_at=r.due_at, next_at=r.next_at,
            repeat=None, repeat_zone=None, quiet_exempt=r.quiet_exempt, status=status,
            attempts=r.attempts, late=r.late, last_error=error, note=note,
            created_at=now, claimed_at=r.claimed_at,
        ))
    return record.id


async def _send(ctx: Context, uow: UnitOfWork, r: Reminder, target: _Target, now: datetime
                ) -> str | None:
    """Deliver one claimed reminder; a string says why it was not needed after all."""
    kind = ctx.router.subjects.get(r.subject_kind)
    if kind is None and r.subject_kind is not None:
        # A row written by a release with a kind this one lacks: fail it, do not guess.
        raise Unplugged(r.subject_kind, "describe")
    info: SubjectInfo | None = None
    if kind is not None and r.subject_id is not None:
        info = await kind.describe(uow, r.subject_id)
        if info is None:
            return f"the {_noun(r.subject_kind)} is closed or no longer exists"
    lab = await uow.labs.get(r.lab_id)
    assert lab is not None
    match r.kind:
        case ReminderKind.CLOSE:
            if kind is None or kind.close is None or r.subject_id is None:
                raise Unplugged(r.subject_kind, "close", tell=True)
            await kind.close(ctx, uow, r.subject_id, now)
            return None
        case ReminderKind.NUDGE:
            if kind is None or kind.pending is None or r.subject_id is None:
                raise Unplugged(r.subject_kind, "tell who has not answered")
            if r.recipient_id not in set(await kind.pending(uow, r.subject_id)):
                return "answered before the nudge"
    files: tuple[File, ...] = ()
    if (kind is not None and kind.attachments is not None and r.subject_id is not None
            and r.recipient_id is not None):
        files = await kind.attachments(uow, r.subject_id, r.recipient_id, now)
    author = await uow.people.get(r.author_id) if r.author_id is not None else None
    card = delivery_card(r, lab, info, author)
    if target.recipient is not None:
        await ctx.messengers.notify(target.recipient, card, files)
        return None
    errors = []
    posted = 0
    for place in target.places:
        try:
            await ctx.messengers.post(place, card, files)
            posted += 1
        except DeliveryError as exc:
            errors.append(exc)
            log.warning("reminder %s: could not post in %s: %s", r.id, place.channel,
                        exc.reason)
    if posted == 0 and errors:
        raise errors[0]
    return None


class Unplugged(Exception):
    """No feature has registered what this reminder needs: not worth retrying."""

    def __init__(self, kind: str | None, what: str, *, tell: bool = False) -> None:
        super().__init__(f"nothing is registered to {what} for a {_noun(kind)} (subject "
                         f"kind {kind!r})")
        self.tell = tell


# --- cards ------------------------------------------------------------------------------------


def delivery_card(r: Reminder, lab: Lab, info: SubjectInfo | None, author: Person | None
                  ) -> Card:
    """The message a reminder delivers; times are `at()` tokens, shown in the reader's zone."""
    blocks: list[Block] = []
    title = info.title if info is not None else None
    match r.kind:
        case ReminderKind.MEETING:
            what = title or r.text or f"The next meeting of {lab.name}"
            starts = (info.moment if info is not None else None) or r.subject_at or r.due_at
            blocks += [Header(shorten(f"Meeting soon: {what}", Limits.HEADER)),
                       Text(f"It starts {at(starts, 'F')} ({at(starts, 'R')}).")]
            fallback = f"{what} starts soon"
        case ReminderKind.NUDGE:
            noun = _noun(r.subject_kind)
            what = title or f"the {noun}"
            closes = (info.moment if info is not None else None) or r.subject_at or r.due_at
            blocks += [Header(shorten(f"Your answer is needed: {what}", Limits.HEADER)),
                       Text(f"You have not answered the {noun} *{what}* yet. It closes "
                            f"{at(closes, 'F')} ({at(closes, 'R')}).")]
            fallback = f"You have not answered {what} yet"
        case ReminderKind.ACTION_ITEM:
            day = r.subject_at or r.due_at
            same_day = r.due_at >= day - timedelta(hours=12)
            when = "today" if same_day else "tomorrow"
            words = title or r.text
            blocks += [Header(f"Action item due {when}"),
                       Text(f"{shorten(words, MAX_TEXT)}\n\nDue {at(day, 'D')}.")]
            fallback = f"Action item due {when}: {shorten(words, 100)}"
        case _:
            to_lab = r.recipient_id is None
            blocks += [Header(f"Reminder for {shorten(lab.name, 100)}" if to_lab else
                              "Reminder"),
                       Text(shorten(r.text, MAX_TEXT))]
            fallback = f"Reminder: {shorten(r.text, 200)}"
    if info is not None:
        blocks += [Text(line) for line in info.lines if line][:5]
    small = []
    if r.kind is ReminderKind.CUSTOM and author is not None:
        who = ("You set this" if author.id == r.recipient_id else
               f"From {author.display_name}")
        small.append(f"{who} on {at(r.created_at, 'f')}")
    small.append(lab.name)
    if r.repeat and r.repeat_zone:
        small.append(Weekly.from_spec(r.repeat, r.repeat_zone).describe())
    if r.late:
        small.append(f"Late: it was due {at(r.next_at, 'f')}, while the bot was offline")
    blocks.append(Small(" · ".join(small)))
    if info is not None and info.button is not None:
        blocks.append(Buttons((info.button,)))
    return Card(tuple(blocks), fallback=shorten(fallback, Limits.PLAIN_TEXT))


async def _facilitator_addresses(ctx: Context, uow: UnitOfWork, lab_id: int
                                 ) -> list[Recipient]:
    members = await uow.members.active(lab_id)
    out = []
    for m in members:
        if m.role is Role.FACILITATOR:
            found = await _recipient(ctx, uow, m.person_id)
            if found is not None:
                out.append(found)
    return out


async def _tell_facilitators(ctx: Context, lab_id: int, card: Card) -> int:
    async with ctx.uow() as uow:
        addresses = await _facilitator_addresses(ctx, uow, lab_id)
    told = 0
    for address in addresses:
        try:
            await ctx.messengers.notify(address, card)
            told += 1
        except DeliveryError as exc:
            log.warning("could not tell a facilitator of lab %s: %s", lab_id, exc.reason)
    return told


async def _who(uow: UnitOfWork, r: Reminder) -> str:
    if r.recipient_id is None:
        return "the lab's channels" if r.kind is not ReminderKind.CLOSE else "the lab"
    person = await uow.people.get(r.recipient_id)
    return person.display_name if person is not None else "a former member"


def _what(r: Reminder) -> str:
    match r.kind:
        case ReminderKind.MEETING:
            before = format_offset(timedelta(minutes=r.offset_minutes or 0))
            return f"reminder of {'“' + shorten(r.text, 80) + '”' if r.text else 'a meeting'}" \
                   f" ({before} before)"
        case ReminderKind.NUDGE:
            return f"nudge to answer {_noun(r.subject_kind)} #{r.subject_id}"
        case ReminderKind.CLOSE:
            return f"closing {_noun(r.subject_kind)} #{r.subject_id} at its deadline"
        case ReminderKind.ACTION_ITEM:
            return f"action item: “{shorten(r.text, 120)}”"
        case _:
            return f"“{shorten(r.text, 160)}”"


async def _report_failure(ctx: Context, reminder_id: int) -> None:
    async with ctx.uow() as uow:
        r = await uow.reminders.get(reminder_id)
        if r is None:
            return
        who = await _who(uow, r)
    card = Card((
        Header("A reminder could not be delivered"),
        Text(f"To *{who}*, due {at(r.due_at, 'F')}: {_what(r)}"),
        Small(f"Why: {r.last_error or 'unknown'} · Reminder #{r.id}. "
              "`/lab reminders lab` lists the lab's reminders and recent problems."),
    ), fallback=f"A reminder to {who} could not be delivered")
    await _tell_facilitators(ctx, r.lab_id, card)


def _schedule_failure_report(ctx: Context, reminder_id: int, now: datetime) -> None:
    async def report() -> None:
        await _report_failure(ctx, reminder_id)

    ctx.jobs.schedule(f"reminders:failed:{reminder_id}", now, report)


MAX_SUMMARY_LINES = 15


async def summarise_missed(ctx: Context, lab_id: int) -> int:
    """Tell the lab's facilitators, once, about missed reminders nobody has reported yet."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        rows = await uow.reminders.report_missed(lab_id, now)
        await uow.commit()
        lines = [f"• {at(r.due_at, 'f')} to {await _who(uow, r)}: {_what(r)}"
                 for r in rows[:MAX_SUMMARY_LINES]]
    if not rows:
        return 0
    grace = format_offset(parse_duration(ctx.settings.reminders.misfire_grace))
    if len(rows) > MAX_SUMMARY_LINES:
        lines.append(f"… and {len(rows) - MAX_SUMMARY_LINES} more.")
    n = len(rows)
    card = Card((
        Header(f"{n} reminder{'s' if n != 1 else ''} missed"),
        Text(f"These fell due more than {grace} before the bot could send them (it was "
             "offline), so they were not sent:\n" + "\n".join(lines)),
        Small("Reminders due less than that before the bot came back were sent late, and "
              "marked so. `/lab reminders lab` lists the lab's reminders."),
    ), fallback=f"{n} reminders were missed while the bot was offline")
    await _tell_facilitators(ctx, lab_id, card)
    return n


def _schedule_missed_summary(ctx: Context, lab_id: int, now: datetime) -> None:
    # One timer a lab: several reminders missed together make one summary.
    async def summary() -> None:
        await summarise_missed(ctx, lab_id)

    ctx.jobs.schedule(f"reminders:missed:{lab_id}", now, summary)


# --- /lab remind ------------------------------------------------------------------------------


class RemindArgs(Args):
    who: Annotated[str, Pos("me|lab|member", help="me, lab, or a member"),
                   Complete("remind_target")]
    request: Annotated[str, Rest("when> <text", help="when, then what: tomorrow 10:00 Send "
                                                     "the agenda"), Field(max_length=2000)]


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
            f"Say who to remind first: `me`, `lab` or a member's name. Usage: `{_USAGE}`, "
            f"e.g. `{_REMIND_EXAMPLES[0]}`."
        )
    member = await find_member(call, who)  # refuses anyone who is not a member
    # "/lab remind Priya Raman tomorrow ...": the first word named her; drop the rest of it.
    for word in member.person.display_name.split()[len(who.split()):]:
        head, _, tail = request.partition(" ")
        if head.casefold() != word.casefold():
            break
        request = tail.lstrip()
    return member, request


@router.command(
    # Typed as `/lab remind ...`; under one name with the other reminder commands so that
    # Discord's /lab (25 entries at most) gives reminders one entry, `/lab reminders`.
    "reminders add", aliases=("remind",), args=RemindArgs, topic="remind", usage_line=_USAGE,
    summary="Remind yourself, a member or the lab: when (in your time zone), then what.",
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
            f"I read the time (`{reading.said}`: {reading.describe(call.zone)}), but not what "
            f"to remind of. Put it after the time, e.g. `/lab remind me {reading.said} Send "
            "the agenda`."
        )
    if len(text) > MAX_TEXT:
        raise UserError(f"That reminder is {len(text)} characters long; keep it under "
                        f"{MAX_TEXT}, and link to anything longer.")
    if await call.uow.reminders.count_authored(call.person.id) >= MAX_PENDING_PER_AUTHOR:
        raise UserError(
            f"You already have {MAX_PENDING_PER_AUTHOR} reminders waiting. Cancel some with "
            "`/lab reminders` first."
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
        whom = "post in the lab's channel"
    elif target.person_id == call.person.id:
        whom = "remind you"
    else:
        whom = f"remind *{target.person.display_name}*"
    if r.repeat and r.repeat_zone:
        rule = Weekly.from_spec(r.repeat, r.repeat_zone)
        when = f"{rule.describe()}; the first is {at(r.due_at, 'F')}"
    else:
        when = f"{at(r.due_at, 'F')} ({at(r.due_at, 'R')})"
    blocks: list[Block] = [Text(f"I will {whom} {when}:\n“{r.text}”")]
    small = list(notes)
    if target is not None:
        zone = target.person.timezone or call.the_lab.timezone
        quiet = call.ctx.settings.reminders.quiet_hours
        until = r.next_at if r.next_at != r.due_at else None
        if until is not None:
            who = "your" if target.person_id == call.person.id else \
                f"{target.person.display_name}'s"
            small.append(f"That falls in {who} quiet hours ({quiet} in {zone}), so it will "
                         f"wait until {format_local(until, zone)}")
        elif target.person_id != call.person.id:
            small.append(f"That is {format_local(r.due_at, zone)} for "
                         f"{target.person.display_name}")
    if small:
        blocks.append(Small(". ".join(small) + "."))  # each note is a sentence
    blocks.append(Buttons((Button("Cancel it", action_ids.encode("reminder.cancel", r.id, "c"),
                                  style="danger"),)))
    return Card(tuple(blocks), fallback=f"Reminder set: {shorten(r.text, 100)}")


@router.completer("remind_target")
async def complete_target(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    text = typed.strip().casefold()
    out = [(label, value) for label, value in (("me", "me"), ("the lab's channel", "lab"))
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
        why = " for quiet hours" if r.attempts == 0 else ", to retry"
        when += f" (held back from {at(r.due_at, 't')}{why})"
    who = ("the lab's channel" if r.recipient_id is None else
           "you" if r.recipient_id == me else names.get(r.recipient_id, "a member"))
    parts = [f"to {who}"] if r.kind is not ReminderKind.CLOSE else []
    if r.kind is ReminderKind.CUSTOM and r.author_id not in (None, me, r.recipient_id):
        parts.append(f"set by {names.get(r.author_id, 'a former member')}")
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
        title = f"Reminders of {lab.name}"
    else:
        rows = await call.uow.reminders.mine(lab.id, call.person.id)
        title = f"Your reminders in {lab.name}"
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(page, 1), pages)
    chunk = rows[(page - 1) * PER_PAGE: page * PER_PAGE]
    names = await _names(call.uow, chunk)
    blocks: list[Block] = [Header(shorten(title, Limits.HEADER))]
    if note:
        blocks.append(Small(note))
    if not rows:
        blocks.append(Text(
            "Nothing is waiting. Set a reminder with `/lab remind me tomorrow 10:00 Send the "
            "notes`." if scope == "m" else "The lab has no reminders waiting."
        ))
    for n, r in enumerate(chunk, start=(page - 1) * PER_PAGE + 1):
        blocks.append(Text(f"*{n}.* {_line(r, call.person.id, names)}"))
        blocks.append(Buttons((Button(f"Cancel {n}", action_ids.encode(
            "reminder.cancel", r.id, f"{scope}{page}"), style="danger"),)))
    if scope == "l":
        problems = await call.uow.reminders.problems(lab.id, call.now - PROBLEMS_SINCE)
        if problems:
            pnames = await _names(call.uow, problems[:5])
            lines = [
                f"• {r.status.value}: {at(r.due_at, 'f')} to "
                + ("the lab" if r.recipient_id is None else
                   pnames.get(r.recipient_id, "a member"))
                + f" — {_what(r)}"
                for r in problems[:5]
            ]
            blocks.append(Text(shorten("*Recent problems*\n" + "\n".join(lines), Limits.TEXT)))
    if pages > 1:
        blocks.append(Small(f"Page {page} of {pages} · {len(rows)} reminders"))
        nav = []
        if page > 1:
            nav.append(Button("◀ Previous", action_ids.encode("reminder.page", lab.id,
                                                              f"{scope}{page - 1}")))
        if page < pages:
            nav.append(Button("Next ▶", action_ids.encode("reminder.page", lab.id,
                                                          f"{scope}{page + 1}")))
        blocks.append(Buttons(tuple(nav)))
    elif rows:
        blocks.append(Small(f"{len(rows)} waiting · times are in your time zone"))
    return Card(tuple(blocks), fallback=title)


class RemindersArgs(Args):
    scope: Annotated[Literal["mine", "lab"] | None, Pos()] = None


@router.command(
    "reminders", args=RemindersArgs, topic="remind",
    summary="Your reminders, each with a Cancel button; `lab` for all of the lab's "
            "(facilitators).",
    examples=("/lab reminders", "/lab reminders lab"),
)
async def reminders(call: Call[RemindersArgs]) -> Reply:
    scope: Scope = "l" if call.args.scope == "lab" else "m"
    if scope == "l" and call.the_member.role is not Role.FACILITATOR:
        raise PermissionDenied("Only facilitators can see all of the lab's reminders. "
                               "`/lab reminders` shows yours.")
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
        raise NotFound("That reminder no longer exists.")
    member = call.the_member
    if call.person.id not in (r.author_id, r.recipient_id) and member.role is not \
            Role.FACILITATOR:
        raise PermissionDenied("Only whoever set a reminder, the person it is for, or a "
                               "facilitator can cancel it.")
    if r.status is not ReminderStatus.PENDING:
        raise UserError(f"That reminder is already {r.status.value}; there is nothing to "
                        "cancel.")
    cancelled = await call.uow.reminders.cancel(
        [r.id], f"cancelled by {call.person.display_name}")
    disarm_after_commit(call.ctx, call.uow, cancelled)
    await call.audit("reminder.cancel", reminder=r.id)
    note = f"Cancelled: {_what(r)}. It will not be sent."
    if call.action.arg == "c":
        return Reply(card=Card((Text(note),), fallback="Reminder cancelled"), replace=True)
    scope, page = _scope_page(call.action.arg)
    return Reply(card=await _list_card(call, scope, page, note), replace=True)


# --- per-lab meeting reminders --------------------------------------------------------------------


class MeetingOffsetsArgs(Args):
    offsets: Annotated[list[str] | None, Pos("24h 15m|off")] = None


async def meeting_offsets(uow: UnitOfWork, lab_id: int, defaults: Sequence[str]
                          ) -> tuple[timedelta, ...]:
    """The lab's own offsets before a meeting, else the configured defaults."""
    own = await uow.reminders.lab_settings(lab_id)
    return parse_offsets(own.meeting_offsets.split() if own is not None else list(defaults))


@router.command(
    "reminders meetings", args=MeetingOffsetsArgs, access="facilitator", topic="remind",
    summary="See or set how long before each meeting members get a reminder.",
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
                raise UserError(f"{exc} e.g. `/lab reminders meetings 24h 15m`.") from None
        spec = " ".join(format_offset_short(o) for o in chosen)
        await call.uow.reminders.save_lab_settings(lab.id, spec, call.now)
        moved = await _reschedule_meetings(call, chosen)
        await call.audit("reminders.meeting_offsets", offsets=spec)
        note = f"Changed. {moved} meeting{'s' if moved != 1 else ''} already scheduled " \
               "follow the new times."
    offsets = await meeting_offsets(call.uow, lab.id, defaults)
    shown = ", ".join(f"{format_offset(o)} before" for o in offsets) or "none"
    blocks: list[Block] = [
        Header("Meeting reminders"),
        Fields((("Every member gets a direct message", shown),)),
        Small("Reminders an hour or less before the start reach members even in their quiet "
              f"hours ({call.ctx.settings.reminders.quiet_hours}); earlier ones wait for "
              "the morning."),
    ]
    if note:
        blocks.insert(1, Text(note))
    return Reply(card=Card(tuple(blocks), fallback=f"Meeting reminders: {shown}"))


async def _reschedule_meetings(call: Call[Any], offsets: Sequence[timedelta]) -> int:
    lab = call.the_lab
    starts: dict[int, tuple[datetime, str]] = {}
    for r in await call.uow.reminders.of_lab(lab.id):
        if r.kind is ReminderKind.MEETING and r.subject_id is not None and r.subject_at:
            starts[r.subject_id] = (r.subject_at, r.text)
    happening = Happening(call.ctx, call.uow, call.now)
    for meeting_id, (starts_at, title) in starts.items():
        await _schedule_meeting(happening, lab.id, meeting_id, starts_at, offsets, title)
    return len(starts)


# --- what other features tell us --------------------------------------------------------------


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
    await _cancel_subject(h, "action_item", item_id, "the action item changed")
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
            text=text or "an action item", due_at=moment, next_at=moment,
            status=ReminderStatus.PENDING, created_at=h.now,
        ), zone)
        for _, moment in action_item_times(due, zone, h.now)
    ]
    await _add_all(h, rows)


@router.on(ActionItemCreated)
async def action_item_created(event: ActionItemCreated, h: Happening) -> None:
    await _schedule_action_item(h, event.lab_id, event.item_id, event.owner_id, event.due,
                                event.text)


@router.on(ActionItemUpdated)
async def action_item_updated(event: ActionItemUpdated, h: Happening) -> None:
    await _schedule_action_item(h, event.lab_id, event.item_id, event.owner_id, event.due,
                                event.text)


@router.on(ActionItemClosed)
async def action_item_closed(event: ActionItemClosed, h: Happening) -> None:
    await _cancel_subject(h, "action_item", event.item_id, "the action item was closed")


async def _schedule_meeting(h: Happening, lab_id: int, meeting_id: int, starts_at: datetime,
                            offsets: Sequence[timedelta] | None = None, title: str = "",
                            only: int | None = None, note: str = "the meeting moved") -> None:
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


@router.on(MeetingScheduled)
async def meeting_scheduled(event: MeetingScheduled, h: Happening) -> None:
    await _schedule_meeting(h, event.lab_id, event.meeting_id, event.starts_at,
                            title=event.title)


@router.on(MeetingMoved)
async def meeting_moved(event: MeetingMoved, h: Happening) -> None:
    await _schedule_meeting(h, event.lab_id, event.meeting_id, event.starts_at,
                            title=event.title)


@router.on(MeetingCancelled)
async def meeting_cancelled(event: MeetingCancelled, h: Happening) -> None:
    await _cancel_subject(h, "meeting", event.meeting_id, "the meeting was cancelled")


async def _schedule_deadline(h: Happening, kind: str, lab_id: int, subject_id: int,
                             closes_at: datetime | None) -> None:
    await _cancel_subject(h, kind, subject_id, f"the {_noun(kind)} was opened again")
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


@router.on(PollOpened)
async def poll_opened(event: PollOpened, h: Happening) -> None:
    await _schedule_deadline(h, "poll", event.lab_id, event.poll_id, event.closes_at)


@router.on(VoteOpened)
async def vote_opened(event: VoteOpened, h: Happening) -> None:
    await _schedule_deadline(h, "vote", event.lab_id, event.vote_id, event.closes_at)


@router.on(PollClosed)
async def poll_closed(event: PollClosed, h: Happening) -> None:
    await _cancel_subject(h, "poll", event.poll_id, "the poll closed")


@router.on(VoteClosed)
async def vote_closed(event: VoteClosed, h: Happening) -> None:
    await _cancel_subject(h, "vote", event.vote_id, "the vote closed")


@router.on(PollDeleted)
async def poll_deleted(event: PollDeleted, h: Happening) -> None:
    await _cancel_subject(h, "poll", event.poll_id, "the poll was deleted")


@router.on(VoteDeleted)
async def vote_deleted(event: VoteDeleted, h: Happening) -> None:
    await _cancel_subject(h, "vote", event.vote_id, "the vote was deleted")


@router.on(MemberLeft)
async def member_left(event: MemberLeft, h: Happening) -> None:
    """Someone left: nothing more reaches them from the lab (meeting reminders, nudges,
    action items, reminders anyone set for them), and the reminders they set for others
    or the lab's channel stop too: they can no longer see or cancel them, and the lab
    should not hear from someone who has left."""
    ids = await h.uow.reminders.cancel_recipient(event.lab_id, event.person_id,
                                                 "the member left the lab")
    ids += await h.uow.reminders.cancel_authored(event.lab_id, event.person_id,
                                                 "whoever set it left the lab")
    disarm_after_commit(h.ctx, h.uow, ids)


REJOINED = "made again when the member joined"


@router.on(MemberJoined)
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


@router.on(ZoneChanged)
async def zone_changed(event: ZoneChanged, h: Happening) -> None:
    """Someone's zone changed: re-plan their pending reminders in this lab whose time was
    read on their wall clock, so each still falls at the local time it stood for.

    Re-planned:

    - action-item reminders to them (09:00 in the owner's zone, the day before and on the
      day) move to 09:00 on the same days in the new zone;
    - repeating reminders they set ("every monday 09:00", read in their zone) keep their days
      and time on the new zone's wall clock, from the occurrence now pending on;
    - a nudge to them before a poll or vote closes is fitted around the new zone's night as
      a new one would be (`fit_nudge`: the evening before when their morning comes too
      late), or cancelled when no time before the close is outside it;
    - any reminder to them waits for quiet hours, or stops waiting, by the new zone's night.

    Kept where they are: one-off reminders they set ("tomorrow 10:00", "2027-01-11 14:00")
    became a moment when they were set, and that moment is what the person meant (perhaps
    for someone elsewhere, or before a journey), so only its quiet-hours wait follows the new
    zone when it is for them; meeting reminders and deadlines are one moment for everyone.

    A time the change puts in the past (09:00 has already come in the new zone) is due now
    rather than dropped. Rows already due, being delivered or waiting to be retried are left
    to their timers. Each row moves by a conditional update and its timers are re-armed only
    after the commit, so nothing is delivered twice or lost.
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
        if r.attempts > 0 or r.next_at <= h.now:
            continue
        due, repeat_zone, subject_at = r.due_at, r.repeat_zone, r.subject_at
        if r.kind is ReminderKind.ACTION_ITEM and r.recipient_id == person_id:
            due = same_wall_time(r.due_at, before, after)
            if subject_at is not None:
                subject_at = same_wall_time(subject_at, before, after)
        elif r.repeat and r.repeat_zone == before and r.author_id == person_id:
            rule = Weekly.from_spec(r.repeat, before)
            due = same_wall_time(r.due_at, before, after, clock=rule.at)
            repeat_zone = after
        elif r.kind is ReminderKind.NUDGE and r.recipient_id == person_id and \
                r.subject_at is not None:
            fitted = fit_nudge(max(r.due_at, h.now), r.subject_at, after, quiet, now=h.now)
            if fitted is None:
                dropped += await h.uow.reminders.cancel(
                    [r.id], f"after a move to {after}, no time before the close was outside "
                            "their night")
                continue
            due = fitted
        elif r.recipient_id != person_id:
            continue  # set by them for someone else, at a moment that stays
        start = max(due, h.now)
        zone = after if r.recipient_id == person_id else await _zone_of(h.uow, r, lab)
        next_at = _hold(h.ctx, r, start, zone) or start
        if (due, next_at, repeat_zone, subject_at) == (r.due_at, r.next_at, r.repeat_zone,
                                                       r.subject_at):
            continue
        if await h.uow.reminders.replan(r, due_at=due, next_at=next_at,
                                        repeat_zone=repeat_zone, subject_at=subject_at):
            moved.append((r.id, next_at, due, r.repeat, repeat_zone))
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


# --- home -------------------------------------------------------------------------------------


@router.home_section(60)
async def next_reminders(call: Call[Any]) -> list[Block]:
    rows = await call.uow.reminders.upcoming_for(call.person.id, limit=3)
    if not rows:
        return []
    lines = [f"• {at(r.next_at, 'f')} — {_what(r)}" for r in rows]
    return [Text("*Your next reminders*\n" + "\n".join(lines)),
            Small("`/lab reminders` lists them all, with Cancel buttons.")]


