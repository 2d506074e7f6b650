"""Delivering one reminder: load it, decide (due, missed, held for quiet hours, elsewhere),
claim the row, send, and record the outcome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.context import Context
from bot.domain.reminders import (
    ReminderKind,
    ReminderStatus,
    Step,
    Weekly,
    decide,
    format_offset,
    hold_reminder,
    may_retry,
    parse_quiet_hours,
    retry_delay,
)
from bot.domain.when import parse_duration
from bot.features.reminders.cards import _noun, delivery_card
from bot.features.reminders.deadlines import close_at_deadline
from bot.features.reminders.reports import _recipient, _report_failure, _schedule_missed_summary
from bot.i18n import _, resolve, use_locale
from bot.identity import channel_place
from bot.messages import (
    File,
    Place,
    Recipient,
)
from bot.ports import DeliveryError
from bot.subjects import SubjectInfo
from storage.models import Lab, Person, Reminder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


Outcome = Literal[
    "sent", "gone", "not due", "cancelled", "missed", "deferred", "elsewhere", "taken",
    "retrying", "failed",
]


class Alarm(Protocol):
    """The timers a delivery sets for what comes next (bot/features/reminders/timers.py): passed
    in, so that the timers, which run `deliver`, and delivery do not import each other."""

    def arm(self, reminder_id: int, next_at: datetime, due_at: datetime, repeat: str | None,
            repeat_zone: str | None) -> None: ...

    def disarm(self, reminder_id: int) -> None: ...

    def later(self, r: Reminder, at_: datetime) -> None: ...


@dataclass
class _Target:
    """Where a reminder goes, as seen from this process."""

    person: Person | None = None
    recipient: Recipient | None = None  # a direct-message address on a platform running here
    zone: str = "UTC"
    places: list[Place] = field(default_factory=list)  # lab channels on platforms here
    refusal: str | None = None  # why it must not go at all
    needs_no_platform: bool = False  # closing a poll: any process can do it
    # The language it is written in: the lab's in its channels, the recipient's in theirs.
    locale: str | None = None

    @property
    def here(self) -> bool:
        return self.needs_no_platform or self.recipient is not None or bool(self.places)


async def _target(ctx: Context, uow: UnitOfWork, r: Reminder, lab: Lab) -> _Target:
    if r.kind is ReminderKind.CLOSE:
        return _Target(zone=lab.timezone, needs_no_platform=True, locale=lab.language)
    if r.recipient_id is None:
        places = [channel_place(c) for c in await uow.labs.channels(lab.id)]
        return _Target(zone=lab.timezone,
                       places=[p for p in places if ctx.messengers.has(p.platform)],
                       locale=lab.language)
    person = await uow.people.get(r.recipient_id)
    member = await uow.members.get(lab.id, r.recipient_id)
    if person is None or member is None or not member.active:
        return _Target(refusal=_("the recipient is no longer a member of {name}").format(
            name=lab.name))
    return _Target(person=person, recipient=await _recipient(ctx, uow, person.id),
                   zone=person.timezone or lab.timezone,
                   locale=resolve(person.language, person.platform_locale, lab.language))



async def deliver(ctx: Context, reminder_id: int, alarm: Alarm) -> Outcome:
    """Decide, claim, send, record, setting the timers that follow through `alarm`. Safe to
    run any number of times."""
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
            alarm.arm(r.id, r.next_at, r.due_at, r.repeat, r.repeat_zone)
            return "not due"
        lab = await uow.labs.get(r.lab_id)
        if lab is None:
            return "gone"
        target = await _target(ctx, uow, r, lab)
        held = _hold(ctx, r, now, target.zone) if target.person is not None else None
        decision = decide(r.next_at, now, grace, refused=target.refusal is not None,
                          held_until=held, here=target.here)
        match decision.step:
            case Step.CANCEL:
                cancelled = await uow.reminders.cancel([r.id], target.refusal or "")
                await uow.commit()
                if cancelled:
                    alarm.disarm(r.id)
                return "cancelled"
            case Step.MISS:
                note = _("due more than {format_offset} before the bot could send it").format(
                    format_offset=format_offset(grace))
                if r.repeat:
                    done = await _close_occurrence(uow, r, ReminderStatus.MISSED, now,
                                                   note=note, expect=ReminderStatus.PENDING
                                                   ) is not None
                else:
                    done = await uow.reminders.miss(r.id, r.next_at, note)
                await uow.commit()
                if done:
                    _schedule_missed_summary(ctx, r.lab_id, now)
                    await _rearm(ctx, r.id, alarm)
                return "missed"
            case Step.DEFER:
                assert decision.at is not None
                if await uow.reminders.defer(r.id, r.next_at, decision.at):
                    await uow.commit()
                    alarm.later(r, decision.at)
                return "deferred"
            case Step.ELSEWHERE:
                # Another process runs the recipient's platform; leave the row for it to
                # claim, and look again once the grace has passed. (This timer also tells
                # the sweep that the row is in hand here, so it is not armed again every
                # minute.)
                assert decision.at is not None
                alarm.later(r, decision.at)
                return "elsewhere"
        claimed = await uow.reminders.claim(r.id, r.next_at, now, late=decision.late)
        await uow.commit()
        if not claimed:
            return "taken"
    return await _send_claimed(ctx, reminder_id, target, now, alarm)


def _hold(ctx: Context, r: Reminder, moment: datetime, zone: str) -> datetime | None:
    """When `r`, due at `moment`, must wait for the recipient's quiet hours to end."""
    return hold_reminder(r, moment, zone, parse_quiet_hours(ctx.settings.reminders.quiet_hours))


def _first_timer(ctx: Context, r: Reminder, zone: str) -> Reminder:
    """Set when a new reminder's timer first fires: when due, or after quiet hours."""
    r.next_at = _hold(ctx, r, r.due_at, zone) or r.due_at
    return r


async def _send_claimed(ctx: Context, reminder_id: int, target: _Target, now: datetime,
                        alarm: Alarm) -> Outcome:
    settings = ctx.settings.reminders
    try:
        async with ctx.uow() as uow:
            r = await uow.reminders.get(reminder_id)
            if r is None or r.status is not ReminderStatus.SENDING:
                return "gone"
            with use_locale(target.locale):
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
            await _rearm(ctx, reminder_id, alarm)
        return outcome
    except Unplugged as exc:
        # The operator's to fix, not the facilitators'; but a poll that did not close itself
        # at its deadline is theirs to know about.
        log.warning("reminder %s: %s", reminder_id, exc)
        return await _delivery_failed(ctx, reminder_id, str(exc), None, now, retries=0,
                                      base=timedelta(), tell=exc.tell, alarm=alarm)
    except DeliveryError as exc:
        return await _delivery_failed(ctx, reminder_id, exc.reason, exc.retry_after, now,
                                      retries=settings.retry_attempts,
                                      base=parse_duration(settings.retry_backoff), alarm=alarm)
    except Exception:
        log.exception("reminder %s could not be delivered", reminder_id)
        return await _delivery_failed(ctx, reminder_id, _("an unexpected error (see the log)"),
                                      None, now, retries=0, base=timedelta(), alarm=alarm)


async def _delivery_failed(ctx: Context, reminder_id: int, reason: str,
                           retry_after: float | None, now: datetime, *, retries: int,
                           base: timedelta, alarm: Alarm, tell: bool = True) -> Outcome:
    async with ctx.uow() as uow:
        r = await uow.reminders.get(reminder_id)
        if r is None or r.status is not ReminderStatus.SENDING:
            return "gone"
        if may_retry(r.attempts, retries):
            when = now + retry_delay(r.attempts, base, retry_after)
            if await uow.reminders.retry(r.id, when, reason):
                await uow.commit()
                alarm.later(r, when)
                log.warning("reminder %s: %s; retry %d at %s", r.id, reason, r.attempts, when)
            return "retrying"
        error = _("{reason} (tried {attempts} time{value})").format(
            reason=reason, attempts=r.attempts, value='s' if r.attempts != 1 else '')
        failed_id: int | None = reminder_id
        if r.repeat:  # this occurrence failed; the reminder goes on to the next one
            failed_id = await _close_occurrence(uow, r, ReminderStatus.FAILED, now,
                                                error=error)
        elif not await uow.reminders.fail(r.id, error):
            failed_id = None
        await uow.commit()
    log.warning("reminder %s failed: %s", reminder_id, error)
    if r.repeat:
        await _rearm(ctx, reminder_id, alarm)
    if failed_id is not None and tell:
        await _report_failure(ctx, failed_id)
    return "failed"


async def _rearm(ctx: Context, reminder_id: int, alarm: Alarm) -> None:
    """Arm a repeating reminder again for the occurrence its row now holds."""
    async with ctx.uow() as uow:
        r = await uow.reminders.get(reminder_id)
        if r is not None and r.status is ReminderStatus.PENDING and r.repeat:
            alarm.arm(r.id, r.next_at, r.due_at, r.repeat, r.repeat_zone)


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
            return _("the {noun} is closed or no longer exists").format(
                noun=_noun(r.subject_kind))
    lab = await uow.labs.get(r.lab_id)
    assert lab is not None
    match r.kind:
        case ReminderKind.CLOSE:
            if r.subject_id is None or not await close_at_deadline(ctx, uow, kind, r.subject_id,
                                                                   now):
                raise Unplugged(r.subject_kind, "close", tell=True)
            return None
        case ReminderKind.NUDGE:
            if kind is None or kind.pending is None or r.subject_id is None:
                raise Unplugged(r.subject_kind, _("tell who has not answered"))
            if r.recipient_id not in set(await kind.pending(uow, r.subject_id)):
                return _("answered before the nudge")
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
        super().__init__(_("nothing is registered to {what} for a {noun} (subject "
                         "kind {kind!r})").format(what=what, noun=_noun(kind), kind=kind))
        self.tell = tell
