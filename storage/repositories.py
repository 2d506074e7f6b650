"""Repositories: the queries each feature needs, named in the domain's words."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Row, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.availability import Answer
from bot.domain.lab import Role
from bot.domain.minutes import ActionStatus, MinutesStatus
from bot.domain.reminders import ReminderKind, ReminderStatus
from storage.models import (
    ActionItem,
    Attendance,
    AuditEntry,
    Ballot,
    ChannelLink,
    Identity,
    InboundDelivery,
    Installation,
    Lab,
    LabChannel,
    LabReminderSettings,
    Meeting,
    Membership,
    MinuteEntry,
    Minutes,
    OAuthState,
    Person,
    Poll,
    PollAnswer,
    PollRequired,
    PollSlot,
    Reminder,
    Vote,
    VoteOption,
)

# Every id and number column is a 32-bit integer on PostgreSQL (and at most 64 bits on
# SQLite): a value past that, typed or carried in a control, names no row. Lookups answer
# "not found" for it instead of letting the driver overflow.
_INT_MAX = 2**31 - 1


def _fits(*numbers: int) -> bool:
    return all(isinstance(n, int) and -_INT_MAX - 1 <= n <= _INT_MAX for n in numbers)


def _insert(session: AsyncSession, model: Any) -> Any:
    """An INSERT that can say what to do ON CONFLICT, in this session's dialect.

    Rows with a unique key that two people (or two deliveries) may write at the same moment
    are written with it, in one statement: reading first and inserting after loses the race
    to whoever inserts in between, as a unique violation.
    """
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(model)
    return sqlite_insert(model)


class LabRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, lab_id: int) -> Lab | None:
        if not _fits(lab_id):
            return None
        return await self.session.get(Lab, lab_id)

    async def by_channel(self, platform: str, workspace: str, channel: str) -> Lab | None:
        stmt = (
            select(Lab)
            .join(LabChannel)
            .where(
                LabChannel.platform == platform,
                LabChannel.workspace == workspace,
                LabChannel.channel == channel,
            )
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def by_name(self, name: str) -> Sequence[Lab]:
        stmt = select(Lab).where(func.lower(Lab.name) == name.strip().lower()).order_by(Lab.id)
        return (await self.session.scalars(stmt)).all()

    async def add(self, lab: Lab) -> Lab:
        self.session.add(lab)
        await self.session.flush()
        return lab

    async def bind(
        self, lab_id: int, platform: str, workspace: str, channel: str, at: datetime
    ) -> LabChannel:
        bound = LabChannel(lab_id=lab_id, platform=platform, workspace=workspace,
                           channel=channel, bound_at=at)
        self.session.add(bound)
        await self.session.flush()
        return bound

    async def channels(self, lab_id: int) -> Sequence[LabChannel]:
        stmt = select(LabChannel).where(LabChannel.lab_id == lab_id).order_by(LabChannel.id)
        return (await self.session.scalars(stmt)).all()

    async def all(self) -> Sequence[Lab]:
        return (await self.session.scalars(select(Lab).order_by(Lab.id))).all()

    async def add_link(self, link: ChannelLink) -> ChannelLink:
        self.session.add(link)
        await self.session.flush()
        return link

    async def links_since(self, since: datetime) -> Sequence[ChannelLink]:
        """Every link code made since `since`, used or not: the few a typed code is compared
        with (in constant time, by the caller), so that a used or an expired code can be
        told apart from one that never was."""
        stmt = select(ChannelLink).where(ChannelLink.created_at >= since).order_by(
            ChannelLink.id)
        return (await self.session.scalars(stmt)).all()

    async def prune_links(self, before: datetime) -> None:
        """Forget link codes made before `before`: long expired, they only cost lookups."""
        await self.session.execute(delete(ChannelLink).where(ChannelLink.created_at < before))


class PersonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int) -> Person | None:
        if not _fits(person_id):
            return None
        return await self.session.get(Person, person_id)

    async def by_identity(self, platform: str, workspace: str, user_id: str) -> Person | None:
        stmt = (
            select(Person)
            .join(Identity)
            .where(
                Identity.platform == platform,
                Identity.workspace == workspace,
                Identity.user_id == user_id,
            )
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def identity(self, platform: str, workspace: str, user_id: str) -> Identity | None:
        stmt = select(Identity).where(
            Identity.platform == platform,
            Identity.workspace == workspace,
            Identity.user_id == user_id,
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def identities(self, person_ids: Sequence[int]) -> Sequence[Identity]:
        if not person_ids:
            return []
        stmt = select(Identity).where(Identity.person_id.in_(person_ids)).order_by(Identity.id)
        return (await self.session.scalars(stmt)).all()

    async def names(self, person_ids: Sequence[int]) -> dict[int, str]:
        if not person_ids:
            return {}
        stmt = select(Person.id, Person.display_name).where(Person.id.in_(set(person_ids)))
        return {pid: name for pid, name in (await self.session.execute(stmt)).all()}

    async def add(self, person: Person, identity: Identity) -> Person:
        """Record a person met for the first time. If the same identity was recorded a
        moment ago (two first commands at once), that person is the one: `person` is
        dropped and the existing one returned."""
        self.session.add(person)
        await self.session.flush()
        stmt = _insert(self.session, Identity).values(
            person_id=person.id, platform=identity.platform, workspace=identity.workspace,
            user_id=identity.user_id, display_name=identity.display_name,
        ).on_conflict_do_nothing(
            index_elements=[Identity.platform, Identity.workspace, Identity.user_id],
        ).returning(Identity.id)
        if (await self.session.execute(stmt)).first() is None:
            await self.session.delete(person)
            await self.session.flush()
            found = await self.by_identity(identity.platform, identity.workspace,
                                           identity.user_id)
            assert found is not None  # the row that won the race is committed
            return found
        return person

    async def claim_zone_question(self, person_id: int, now: datetime) -> bool:
        """Record that the person is being asked for their zone; False if they were already
        asked (by another process too) or have a zone by now."""
        stmt = (
            update(Person)
            .where(Person.id == person_id, Person.timezone.is_(None),
                   Person.timezone_asked_at.is_(None))
            .values(timezone_asked_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return cast(CursorResult[Any], result).rowcount == 1


class MembershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, lab_id: int, person_id: int) -> Membership | None:
        stmt = select(Membership).where(
            Membership.lab_id == lab_id, Membership.person_id == person_id
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def active(self, lab_id: int) -> Sequence[Membership]:
        """Active members, facilitators first, then by when they joined."""
        stmt = (
            select(Membership)
            .where(Membership.lab_id == lab_id, Membership.active.is_(True))
            .order_by(Membership.accepted_at, Membership.id)
        )
        rows = (await self.session.scalars(stmt)).unique().all()
        order = {Role.FACILITATOR: 0, Role.SECRETARY: 1, Role.MEMBER: 2}
        return sorted(rows, key=lambda m: order[m.role])

    async def labs_of(self, person_id: int) -> Sequence[Membership]:
        stmt = select(Membership).where(
            Membership.person_id == person_id, Membership.active.is_(True)
        )
        return (await self.session.scalars(stmt)).unique().all()

    async def add(self, membership: Membership) -> Membership:
        """Record a membership; one recorded a moment ago for the same lab and person (two
        accepts at once) is returned instead of failing on the unique key."""
        values = {c.key: getattr(membership, c.key) for c in Membership.__table__.columns
                  if c.key != "id" and getattr(membership, c.key) is not None}
        stmt = _insert(self.session, Membership).values(**values).on_conflict_do_nothing(
            index_elements=[Membership.lab_id, Membership.person_id],
        ).returning(Membership.id)
        await self.session.execute(stmt)
        found = await self.get(membership.lab_id, membership.person_id)
        assert found is not None  # inserted now, or by whoever won the race
        return found


class AuditRepository:
    """Append-only by design: there is `record` and there are reads, nothing else."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self, *, lab_id: int | None, actor_id: int | None, action: str, at: datetime,
        **detail: Any,
    ) -> None:
        self.session.add(
            AuditEntry(lab_id=lab_id, actor_id=actor_id, action=action, detail=detail, at=at)
        )
        await self.session.flush()

    async def for_lab(self, lab_id: int, *, action: str | None = None) -> Sequence[AuditEntry]:
        stmt = select(AuditEntry).where(AuditEntry.lab_id == lab_id)
        if action is not None:
            stmt = stmt.where(AuditEntry.action == action)
        return (await self.session.scalars(stmt.order_by(AuditEntry.id))).all()

    async def page(
        self, lab_id: int, *, offset: int, limit: int
    ) -> tuple[Sequence[AuditEntry], int]:
        """Newest first, `limit` entries from `offset`, and how many there are in all."""
        total = await self.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.lab_id == lab_id)
        )
        stmt = (select(AuditEntry).where(AuditEntry.lab_id == lab_id)
                .order_by(AuditEntry.id.desc()).offset(offset).limit(limit))
        return (await self.session.scalars(stmt)).all(), int(total or 0)



# --- minutes ---------------------------------------------------------------------------------


class MinutesRepository:
    """Minutes, their numbered entries and attendance."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, minutes_id: int) -> Minutes | None:
        if not _fits(minutes_id):
            return None
        return await self.session.get(Minutes, minutes_id)

    async def open_in(self, lab_id: int) -> Minutes | None:
        stmt = select(Minutes).where(Minutes.lab_id == lab_id,
                                     Minutes.status == MinutesStatus.OPEN)
        return (await self.session.scalars(stmt)).one_or_none()

    async def of_lab(self, lab_id: int) -> Sequence[Minutes]:
        """Every set of minutes of a lab, oldest first."""
        stmt = select(Minutes).where(Minutes.lab_id == lab_id).order_by(
            Minutes.started_at, Minutes.id)
        return (await self.session.scalars(stmt)).all()

    async def latest(self, lab_id: int) -> Minutes | None:
        """The open minutes, else the ones started last."""
        found = await self.open_in(lab_id)
        if found is not None:
            return found
        stmt = select(Minutes).where(Minutes.lab_id == lab_id).order_by(
            Minutes.started_at.desc(), Minutes.id.desc()).limit(1)
        return (await self.session.scalars(stmt)).first()

    async def add(self, minutes: Minutes) -> Minutes:
        self.session.add(minutes)
        await self.session.flush()
        return minutes

    async def take_number(self, minutes_id: int) -> int:
        """The next short number of these minutes. One atomic UPDATE ... RETURNING, so two
        people adding at the same moment never get the same number."""
        stmt = (
            update(Minutes).where(Minutes.id == minutes_id)
            .values(next_number=Minutes.next_number + 1)
            .returning(Minutes.next_number)
            .execution_options(synchronize_session=False)
        )
        taken = (await self.session.execute(stmt)).scalar_one()
        return int(taken) - 1

    async def add_entry(self, entry: MinuteEntry) -> MinuteEntry:
        """Record an entry. One that comes from a message or a poll (`source_ref`) is
        recorded once however many hands add it at the same moment: a second comes back as
        the entry already there, and the number it had taken is given back."""
        if entry.source_ref is None:
            self.session.add(entry)
            await self.session.flush()
            return entry
        values = {c.key: getattr(entry, c.key) for c in MinuteEntry.__table__.columns
                  if c.key != "id"}
        values["history"] = values.get("history") or []
        stmt = _insert(self.session, MinuteEntry).values(**values).on_conflict_do_nothing(
            index_elements=[MinuteEntry.minutes_id, MinuteEntry.source_ref],
        ).returning(MinuteEntry.id)
        row = (await self.session.execute(stmt)).first()
        if row is None and entry.number is not None:
            # This transaction took the last number (its UPDATE holds the minutes row), so
            # nobody took one since: hand it back rather than leave a gap.
            await self.session.execute(
                update(Minutes).where(Minutes.id == entry.minutes_id,
                                      Minutes.next_number == entry.number + 1)
                .values(next_number=entry.number)
                .execution_options(synchronize_session=False))
        stored = await self.entry_from(entry.minutes_id, entry.source_ref) if row is None \
            else await self.session.get(MinuteEntry, row[0])
        assert stored is not None
        return stored

    async def entries(self, minutes_id: int) -> Sequence[MinuteEntry]:
        """Numbered entries (dropped ones too, marked), in number order."""
        stmt = select(MinuteEntry).where(MinuteEntry.minutes_id == minutes_id,
                                         MinuteEntry.number.is_not(None)
                                         ).order_by(MinuteEntry.number)
        return (await self.session.scalars(stmt)).all()

    async def entry(self, minutes_id: int, number: int) -> MinuteEntry | None:
        if not _fits(minutes_id, number):
            return None
        stmt = select(MinuteEntry).where(MinuteEntry.minutes_id == minutes_id,
                                         MinuteEntry.number == number)
        return (await self.session.scalars(stmt)).one_or_none()

    async def entry_by_id(self, entry_id: int) -> MinuteEntry | None:
        if not _fits(entry_id):
            return None
        return await self.session.get(MinuteEntry, entry_id)

    async def entry_from(self, minutes_id: int, source_ref: str) -> MinuteEntry | None:
        stmt = select(MinuteEntry).where(MinuteEntry.minutes_id == minutes_id,
                                         MinuteEntry.source_ref == source_ref)
        return (await self.session.scalars(stmt)).one_or_none()

    async def remove_unnumbered(self, entry: MinuteEntry) -> None:
        """Forget an action nobody confirmed; numbered entries are never deleted."""
        if entry.number is not None:
            raise ValueError("numbered entries are dropped, never deleted")
        await self.session.delete(entry)
        await self.session.flush()

    async def attendance(self, minutes_id: int) -> Sequence[Attendance]:
        stmt = select(Attendance).where(Attendance.minutes_id == minutes_id).order_by(
            Attendance.recorded_at, Attendance.id)
        return (await self.session.scalars(stmt)).unique().all()

    async def attendance_of(self, minutes_id: int, person_id: int) -> Attendance | None:
        stmt = select(Attendance).where(Attendance.minutes_id == minutes_id,
                                        Attendance.person_id == person_id)
        return (await self.session.scalars(stmt)).unique().one_or_none()

    async def add_attendance(self, attendance: Attendance) -> Attendance:
        """Record presence or apologies. Two records of the same person at the same moment
        both land on the one row, the later (by `recorded_at`) winning; returns the row."""
        stmt = _insert(self.session, Attendance).values(
            minutes_id=attendance.minutes_id, person_id=attendance.person_id,
            status=attendance.status, recorded_at=attendance.recorded_at,
            recorded_by_id=attendance.recorded_by_id)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Attendance.minutes_id, Attendance.person_id],
            set_={"status": stmt.excluded.status, "recorded_at": stmt.excluded.recorded_at,
                  "recorded_by_id": stmt.excluded.recorded_by_id},
            where=Attendance.recorded_at <= stmt.excluded.recorded_at,
        )
        await self.session.execute(stmt)
        stored = (await self.session.scalars(
            select(Attendance).where(Attendance.minutes_id == attendance.minutes_id,
                                     Attendance.person_id == attendance.person_id)
            .execution_options(populate_existing=True))).unique().one()
        return stored


class ActionItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, item_id: int) -> ActionItem | None:
        if not _fits(item_id):
            return None
        return await self.session.get(ActionItem, item_id)

    async def add(self, item: ActionItem) -> ActionItem:
        self.session.add(item)
        await self.session.flush()
        return item

    async def for_entry(self, entry_id: int) -> ActionItem | None:
        stmt = select(ActionItem).where(ActionItem.entry_id == entry_id)
        return (await self.session.scalars(stmt)).unique().one_or_none()

    async def of_minutes(self, minutes_id: int) -> Sequence[ActionItem]:
        stmt = select(ActionItem).join(MinuteEntry, ActionItem.entry_id == MinuteEntry.id
                                       ).where(MinuteEntry.minutes_id == minutes_id)
        return (await self.session.scalars(stmt)).unique().all()

    async def open_in(self, lab_id: int) -> Sequence[ActionItem]:
        """Open items of a lab: soonest due first, undated last, then oldest first."""
        stmt = select(ActionItem).where(ActionItem.lab_id == lab_id,
                                        ActionItem.status == ActionStatus.OPEN)
        rows = (await self.session.scalars(stmt)).unique().all()
        return sorted(rows, key=_due_order)

    async def open_for(self, person_id: int) -> Sequence[ActionItem]:
        """A person's open items in every lab, soonest due first."""
        stmt = select(ActionItem).where(ActionItem.owner_id == person_id,
                                        ActionItem.status == ActionStatus.OPEN)
        rows = (await self.session.scalars(stmt)).unique().all()
        return sorted(rows, key=_due_order)


def _due_order(item: ActionItem) -> tuple[int, str, int]:
    return (item.due is None, item.due.isoformat() if item.due else "", item.id)


# --- slack ---


class InstallationRepository:
    """OAuth installations of a platform app, newest first; see storage.models.Installation."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: Installation) -> Installation:
        self.session.add(row)
        await self.session.flush()
        return row

    async def latest(
        self, platform: str, kind: str, *, enterprise_id: str | None, team_id: str | None,
        user_id: str | None = None,
    ) -> Installation | None:
        stmt = select(Installation).where(
            Installation.platform == platform, Installation.kind == kind,
            Installation.enterprise_id.is_(None) if enterprise_id is None
            else Installation.enterprise_id == enterprise_id,
            Installation.team_id.is_(None) if team_id is None
            else Installation.team_id == team_id,
        )
        if user_id is not None:
            stmt = stmt.where(Installation.user_id == user_id)
        stmt = stmt.order_by(Installation.installed_at.desc(), Installation.id.desc()).limit(1)
        return (await self.session.scalars(stmt)).first()

    async def remove(
        self, platform: str, kind: str, *, enterprise_id: str | None, team_id: str | None,
        user_id: str | None = None,
    ) -> int:
        stmt = delete(Installation).where(
            Installation.platform == platform, Installation.kind == kind,
            Installation.enterprise_id.is_(None) if enterprise_id is None
            else Installation.enterprise_id == enterprise_id,
            Installation.team_id.is_(None) if team_id is None
            else Installation.team_id == team_id,
        )
        if user_id is not None:
            stmt = stmt.where(Installation.user_id == user_id)
        result = await self.session.execute(stmt)
        return int(getattr(result, "rowcount", 0) or 0)


class OAuthStateRepository:
    """One-time OAuth states: issued once, consumed once, useless after they expire."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue(self, state: str, expires_at: datetime) -> None:
        self.session.add(OAuthState(state=state, expires_at=expires_at))
        await self.session.flush()

    async def consume(self, state: str, now: datetime) -> bool:
        """True once for a state issued here and not yet expired; it is gone afterwards."""
        row = await self.session.get(OAuthState, state)
        if row is None:
            return False
        await self.session.delete(row)
        await self.session.flush()
        return row.expires_at > now


class DeliveryRepository:
    """Inbound deliveries already handled, so that retries and double clicks run once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, key: str, now: datetime, *, window: timedelta) -> bool:
        """True if `key` was not handled within `window` before `now`; records it either way.

        One atomic statement (insert, or refresh a stale row), so two instances that
        receive the same delivery at once cannot both win.
        """
        stmt = _insert(self.session, InboundDelivery)
        stmt = stmt.values(key=key, received_at=now).on_conflict_do_update(
            index_elements=[InboundDelivery.key],
            set_={"received_at": now},
            where=InboundDelivery.received_at <= now - window,
        ).returning(InboundDelivery.key)
        return (await self.session.execute(stmt)).first() is not None

    async def prune(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(InboundDelivery).where(InboundDelivery.received_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)


# --- polls and meetings ---------------------------------------------------------------------


class PollRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, poll_id: int) -> Poll | None:
        if not _fits(poll_id):
            return None
        return await self.session.get(Poll, poll_id)

    async def by_number(self, lab_id: int, number: int) -> Poll | None:
        if not _fits(lab_id, number):
            return None
        stmt = select(Poll).where(Poll.lab_id == lab_id, Poll.number == number,
                                  Poll.status != "deleted")
        return (await self.session.scalars(stmt)).one_or_none()

    async def of_lab(self, lab_id: int, *, status: str | None = None) -> Sequence[Poll]:
        """The lab's polls (never the deleted ones), newest first."""
        stmt = select(Poll).where(Poll.lab_id == lab_id, Poll.status != "deleted")
        if status is not None:
            stmt = stmt.where(Poll.status == status)
        return (await self.session.scalars(stmt.order_by(Poll.number.desc()))).all()

    async def open_in(self, lab_ids: Sequence[int]) -> Sequence[Poll]:
        if not lab_ids:
            return []
        stmt = (select(Poll).where(Poll.lab_id.in_(lab_ids), Poll.status == "open")
                .order_by(Poll.lab_id, Poll.number))
        return (await self.session.scalars(stmt)).all()

    async def next_number(self, lab_id: int) -> int:
        # Deleted polls keep their rows, so a number is never handed out twice.
        stmt = select(func.max(Poll.number)).where(Poll.lab_id == lab_id)
        return int((await self.session.scalar(stmt)) or 0) + 1

    async def add(self, poll: Poll, starts: Sequence[datetime],
                  required: Sequence[int]) -> Poll:
        self.session.add(poll)
        await self.session.flush()
        self.session.add_all(
            PollSlot(poll_id=poll.id, number=n, starts_at=s) for n, s in enumerate(starts, 1)
        )
        self.session.add_all(PollRequired(poll_id=poll.id, person_id=p) for p in required)
        await self.session.flush()
        return poll

    async def slots(self, poll_id: int) -> Sequence[PollSlot]:
        stmt = select(PollSlot).where(PollSlot.poll_id == poll_id).order_by(PollSlot.number)
        return (await self.session.scalars(stmt)).all()

    async def required(self, poll_id: int) -> list[int]:
        stmt = (select(PollRequired.person_id).where(PollRequired.poll_id == poll_id)
                .order_by(PollRequired.id))
        return list((await self.session.scalars(stmt)).all())

    async def answers(self, poll_id: int) -> Sequence[PollAnswer]:
        stmt = select(PollAnswer).where(PollAnswer.poll_id == poll_id).order_by(PollAnswer.id)
        return (await self.session.scalars(stmt)).all()

    async def answers_of(self, poll_id: int, person_id: int) -> dict[int, Answer]:
        """slot id -> this person's answer."""
        stmt = select(PollAnswer.slot_id, PollAnswer.answer).where(
            PollAnswer.poll_id == poll_id, PollAnswer.person_id == person_id)
        return {slot: answer for slot, answer in (await self.session.execute(stmt)).all()}

    async def answer_counts(self, poll_ids: Sequence[int], person_id: int) -> dict[int, int]:
        """poll id -> how many slots this person has answered."""
        if not poll_ids:
            return {}
        stmt = (select(PollAnswer.poll_id, func.count(PollAnswer.id))
                .where(PollAnswer.poll_id.in_(poll_ids), PollAnswer.person_id == person_id)
                .group_by(PollAnswer.poll_id))
        return {pid: int(n) for pid, n in (await self.session.execute(stmt)).all()}

    async def slot_counts(self, poll_ids: Sequence[int]) -> dict[int, int]:
        if not poll_ids:
            return {}
        stmt = (select(PollSlot.poll_id, func.count(PollSlot.id))
                .where(PollSlot.poll_id.in_(poll_ids)).group_by(PollSlot.poll_id))
        return {pid: int(n) for pid, n in (await self.session.execute(stmt)).all()}

    async def set_answers(self, poll_id: int, person_id: int, slot_ids: Sequence[int],
                          answer: Answer, at: datetime) -> int:
        """Record `answer` for each slot, replacing earlier answers; returns how many changed.

        One upsert: two first answers to a slot at the same moment both land (the later
        one wins), and an answer given at `at` never overwrites one given after it.
        """
        slot_ids = list(dict.fromkeys(slot_ids))
        if not slot_ids:
            return 0
        before = {slot_id: given for slot_id, given in (await self.session.execute(
            select(PollAnswer.slot_id, PollAnswer.answer).where(
                PollAnswer.poll_id == poll_id, PollAnswer.person_id == person_id,
                PollAnswer.slot_id.in_(slot_ids)))).all()}
        stmt = _insert(self.session, PollAnswer).values([
            {"poll_id": poll_id, "slot_id": slot_id, "person_id": person_id, "answer": answer,
             "answered_at": at} for slot_id in slot_ids
        ])
        stmt = stmt.on_conflict_do_update(
            index_elements=[PollAnswer.slot_id, PollAnswer.person_id],
            set_={"answer": stmt.excluded.answer, "answered_at": stmt.excluded.answered_at},
            where=PollAnswer.answered_at <= stmt.excluded.answered_at,
        ).returning(PollAnswer.slot_id)
        written = set((await self.session.scalars(stmt)).all())
        await _refresh(self.session, PollAnswer, PollAnswer.poll_id == poll_id,
                       PollAnswer.person_id == person_id)
        return sum(1 for slot_id in written if before.get(slot_id) is not answer)

    async def claim_close(self, poll_id: int, now: datetime, by: int | None) -> bool:
        """Mark the poll closed if it is still open; False if another close (a facilitator,
        the deadline timer, another process) got there first. One conditional UPDATE, so two
        sessions can never both see "open" and both close it."""
        return await _claim_close(self.session, Poll, poll_id, now, by)

    async def clear(self, poll_id: int) -> None:
        """Forget the slots, answers and required attendees of a deleted poll."""
        for model in (PollAnswer, PollRequired, PollSlot):
            await self.session.execute(delete(model).where(model.poll_id == poll_id))


class MeetingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, meeting_id: int) -> Meeting | None:
        if not _fits(meeting_id):
            return None
        return await self.session.get(Meeting, meeting_id)

    async def by_number(self, lab_id: int, number: int) -> Meeting | None:
        if not _fits(lab_id, number):
            return None
        stmt = select(Meeting).where(Meeting.lab_id == lab_id, Meeting.number == number)
        return (await self.session.scalars(stmt)).one_or_none()

    async def next_number(self, lab_id: int) -> int:
        stmt = select(func.max(Meeting.number)).where(Meeting.lab_id == lab_id)
        return int((await self.session.scalar(stmt)) or 0) + 1

    async def add(self, meeting: Meeting) -> Meeting:
        self.session.add(meeting)
        await self.session.flush()
        return meeting

    async def of_lab(self, lab_id: int) -> Sequence[Meeting]:
        stmt = select(Meeting).where(Meeting.lab_id == lab_id).order_by(Meeting.starts_at)
        return (await self.session.scalars(stmt)).all()

    async def of_poll(self, poll_id: int) -> Sequence[Meeting]:
        stmt = (select(Meeting).where(Meeting.poll_id == poll_id, Meeting.status == "scheduled")
                .order_by(Meeting.starts_at))
        return (await self.session.scalars(stmt)).all()

    async def upcoming(self, lab_ids: Sequence[int], now: datetime,
                       limit: int = 50) -> Sequence[Meeting]:
        """Scheduled meetings not yet over, soonest first."""
        if not lab_ids:
            return []
        # A meeting under way still counts as upcoming until it ends; the longest we hold
        # is a day, so fetch from a day back and keep those not yet over.
        stmt = (select(Meeting)
                .where(Meeting.lab_id.in_(lab_ids), Meeting.status == "scheduled",
                       Meeting.starts_at > now - timedelta(days=1))
                .order_by(Meeting.starts_at, Meeting.id))
        rows = (await self.session.scalars(stmt)).all()
        return [m for m in rows
                if m.starts_at + timedelta(minutes=m.duration_minutes) > now][:limit]

    async def under_way(self, lab_id: int, now: datetime,
                        early: timedelta = timedelta(minutes=30)) -> Meeting | None:
        """The scheduled meeting going on at `now`, or starting within `early` (people open
        the minutes a little before the hour); the one starting soonest if several."""
        for meeting in await self.upcoming([lab_id], now, limit=5):
            if meeting.starts_at - early <= now:
                return meeting
        return None

    async def scheduled(self) -> Sequence[Meeting]:
        """Every scheduled meeting (for rebuilding reminder timers at start-up)."""
        stmt = select(Meeting).where(Meeting.status == "scheduled").order_by(Meeting.starts_at)
        return (await self.session.scalars(stmt)).all()


class VoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, vote_id: int) -> Vote | None:
        if not _fits(vote_id):
            return None
        return await self.session.get(Vote, vote_id)

    async def by_number(self, lab_id: int, number: int) -> Vote | None:
        if not _fits(lab_id, number):
            return None
        stmt = select(Vote).where(Vote.lab_id == lab_id, Vote.number == number)
        return (await self.session.scalars(stmt)).one_or_none()

    async def for_lab(self, lab_id: int, *, status: str | None = None) -> Sequence[Vote]:
        stmt = select(Vote).where(Vote.lab_id == lab_id)
        if status is not None:
            stmt = stmt.where(Vote.status == status)
        return (await self.session.scalars(stmt.order_by(Vote.number))).all()

    async def next_number(self, lab_id: int) -> int:
        stmt = select(func.max(Vote.number)).where(Vote.lab_id == lab_id)
        return int((await self.session.scalar(stmt)) or 0) + 1

    async def add(self, vote: Vote, options: Sequence[str]) -> Vote:
        vote.options = [VoteOption(position=i, label=o) for i, o in enumerate(options, 1)]
        self.session.add(vote)
        await self.session.flush()
        return vote

    async def claim_close(self, vote_id: int, now: datetime, by: int | None) -> bool:
        """Mark the vote closed if it is still open; False if someone else got there first."""
        return await _claim_close(self.session, Vote, vote_id, now, by)

    async def hold_open(self, vote_id: int, now: datetime | None) -> bool:
        """Lock the vote's row for this transaction if it still takes ballots at `now`
        (`None`: if it is still open, whatever its close time).

        A conditional update, made before a ballot is written or withdrawn: it sees the
        latest committed state (a close committed a moment ago makes it match nothing), and
        it holds the row until commit, so a `claim_close` that comes after waits, and then
        counts this transaction's ballot. Check and write are thereby one step, on SQLite and
        on PostgreSQL alike.
        """
        stmt = update(Vote).where(Vote.id == vote_id, Vote.status == "open")
        if now is not None:
            stmt = stmt.where(or_(Vote.closes_at.is_(None), Vote.closes_at > now))
        done = await self.session.execute(
            stmt.values(status=Vote.status).execution_options(synchronize_session=False))
        return bool(getattr(done, "rowcount", 0))

    async def reload(self, vote: Vote) -> bool:
        """Read the vote's row again as committed now; False if it has been deleted."""
        try:
            await self.session.refresh(vote)
        except InvalidRequestError:
            return False
        return True

    async def due(self, now: datetime) -> Sequence[Vote]:
        """Open votes whose close time has come (for the timer that closes them)."""
        stmt = select(Vote).where(Vote.status == "open", Vote.closes_at.is_not(None),
                                  Vote.closes_at <= now).order_by(Vote.closes_at)
        return (await self.session.scalars(stmt)).all()

    async def open_with_deadline(self) -> Sequence[Vote]:
        stmt = select(Vote).where(Vote.status == "open", Vote.closes_at.is_not(None))
        return (await self.session.scalars(stmt.order_by(Vote.closes_at))).all()

    async def delete(self, vote: Vote) -> None:
        await self.session.execute(delete(Ballot).where(Ballot.vote_id == vote.id))
        await self.session.delete(vote)
        await self.session.flush()


class BallotRepository:
    """Ballots. Reads that name a voter serve only that voter; the count reads rankings."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of(self, vote_id: int, person_id: int) -> Ballot | None:
        stmt = select(Ballot).where(Ballot.vote_id == vote_id, Ballot.person_id == person_id)
        return (await self.session.scalars(stmt)).one_or_none()

    async def cast(self, vote_id: int, person_id: int, ranking: list[int], at: datetime
                   ) -> tuple[Ballot, bool]:
        """Record or replace a voter's ballot; True when it replaced an earlier one.

        Call `VoteRepository.hold_open` first, in the same transaction. One upsert, so two
        ballots saved at the same moment never collide on the unique key; the one cast
        later (by `at`) is the one kept, whichever reaches the database first."""
        earlier = await self.session.scalar(select(Ballot.id).where(
            Ballot.vote_id == vote_id, Ballot.person_id == person_id))
        stmt = _insert(self.session, Ballot).values(
            vote_id=vote_id, person_id=person_id, ranking=list(ranking), cast_at=at,
            fresh=True, shown=False)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Ballot.vote_id, Ballot.person_id],
            set_={"ranking": stmt.excluded.ranking, "cast_at": stmt.excluded.cast_at,
                  "fresh": True},
            where=or_(Ballot.cast_at.is_(None), Ballot.cast_at <= stmt.excluded.cast_at),
        )
        await self.session.execute(stmt)
        ballot = (await self.session.scalars(
            select(Ballot).where(Ballot.vote_id == vote_id, Ballot.person_id == person_id)
            .execution_options(populate_existing=True))).one()
        return ballot, earlier is not None

    async def rankings(self, vote_id: int) -> list[list[int]]:
        stmt = select(Ballot.ranking).where(Ballot.vote_id == vote_id)
        return [list(r) for r in (await self.session.scalars(stmt)).all()]

    async def voters(self, vote_id: int) -> set[int]:
        stmt = select(Ballot.person_id).where(Ballot.vote_id == vote_id,
                                              Ballot.person_id.is_not(None))
        return {int(p) for p in (await self.session.scalars(stmt)).all() if p is not None}

    async def count(self, vote_id: int) -> int:
        stmt = select(func.count(Ballot.id)).where(Ballot.vote_id == vote_id)
        return int((await self.session.scalar(stmt)) or 0)

    async def fresh(self, vote_id: int) -> int:
        """How many ballots were cast or changed since the live count was last refreshed."""
        stmt = select(func.count(Ballot.id)).where(Ballot.vote_id == vote_id,
                                                   Ballot.fresh.is_(True))
        return int((await self.session.scalar(stmt)) or 0)

    async def mark_shown(self, vote_id: int) -> None:
        """Every ballot is now in the live count on show."""
        await self.session.execute(
            update(Ballot).where(Ballot.vote_id == vote_id).values(fresh=False, shown=True)
            .execution_options(synchronize_session=False)
        )

    async def withdraw(self, vote_id: int, person_id: int, *, keep_shown: bool) -> str | None:
        """Take a voter's ballot out of an open vote: "withdrawn", "kept" (it is in a live
        count already shown and `keep_shown`), or None if they had no ballot."""
        ballot = await self.of(vote_id, person_id)
        if ballot is None:
            return None
        if keep_shown and ballot.shown:
            return "kept"
        await self.session.delete(ballot)
        await self.session.flush()
        return "withdrawn"

    async def anonymise(self, vote_id: int, rng: random.Random | None = None) -> int:
        """Make the vote's stored ballots unlinkable (done at the close, with the count).

        Erasing the voter and the time is not enough: ids handed out in cast order would
        still line up with the audit log's cast order. So the ballots are deleted and
        inserted again in a random order (the operating system's randomness), each with a
        fresh id and nothing but its ranking. Returns how many there are.
        """
        rankings = await self.rankings(vote_id)
        (rng or random.SystemRandom()).shuffle(rankings)
        await self.session.execute(delete(Ballot).where(Ballot.vote_id == vote_id))
        self.session.add_all([Ballot(vote_id=vote_id, person_id=None, ranking=ranking,
                                     cast_at=None, fresh=False, shown=False)
                              for ranking in rankings])
        await self.session.flush()
        return len(rankings)

    async def cast_by(self, person_id: int, vote_ids: Sequence[int]) -> set[int]:
        """Which of `vote_ids` this person has a ballot in."""
        if not vote_ids:
            return set()
        stmt = select(Ballot.vote_id).where(Ballot.person_id == person_id,
                                            Ballot.vote_id.in_(vote_ids))
        return set((await self.session.scalars(stmt)).all())


class ReminderRepository:
    """The reminders table. Every change of status is a conditional update whose row count
    says whether this process won it: that is what makes delivery happen once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, reminder: Reminder) -> Reminder:
        self.session.add(reminder)
        await self.session.flush()
        return reminder

    async def get(self, reminder_id: int) -> Reminder | None:
        if not _fits(reminder_id):
            return None
        return await self.session.get(Reminder, reminder_id, populate_existing=True)

    async def _change(self, reminder_id: int, where: Sequence[Any], **values: Any) -> bool:
        stmt = (
            update(Reminder)
            .where(Reminder.id == reminder_id, *where)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return cast(CursorResult[Any], result).rowcount == 1

    async def claim(self, reminder_id: int, next_at: datetime, now: datetime,
                    *, late: bool) -> bool:
        """pending -> sending, if the row is still pending and still due at `next_at`."""
        return await self._change(
            reminder_id,
            [Reminder.status == ReminderStatus.PENDING, Reminder.next_at == next_at],
            status=ReminderStatus.SENDING, attempts=Reminder.attempts + 1, claimed_at=now,
            late=late,
        )

    async def defer(self, reminder_id: int, next_at: datetime, until: datetime) -> bool:
        """Move a pending reminder's timer (quiet hours) if nobody else has touched it."""
        return await self._change(
            reminder_id,
            [Reminder.status == ReminderStatus.PENDING, Reminder.next_at == next_at],
            next_at=until,
        )

    async def replan(self, seen: Reminder, *, due_at: datetime, next_at: datetime,
                     repeat_zone: str | None, subject_at: datetime | None) -> bool:
        """Move a pending reminder to a new time (its person's zone changed), if it is still
        pending at the moment read in `seen`: a delivery under way keeps its moment."""
        return await self._change(
            seen.id,
            [Reminder.status == ReminderStatus.PENDING, Reminder.next_at == seen.next_at],
            due_at=due_at, next_at=next_at, repeat_zone=repeat_zone, subject_at=subject_at,
        )

    async def sent(self, reminder_id: int, now: datetime) -> bool:
        return await self._change(
            reminder_id, [Reminder.status == ReminderStatus.SENDING],
            status=ReminderStatus.SENT, sent_at=now, last_error=None,
        )

    async def advance(self, reminder_id: int, due_at: datetime, *, sent_at: datetime | None,
                      from_status: ReminderStatus = ReminderStatus.SENDING,
                      seen: Reminder | None = None) -> bool:
        """A repeating reminder moves on to its next occurrence and waits again. With `seen`,
        only if the row is still the occurrence (and the claim) read in `seen`."""
        values: dict[str, Any] = {"status": ReminderStatus.PENDING, "due_at": due_at,
                                  "next_at": due_at, "attempts": 0, "claimed_at": None,
                                  "late": False}
        if sent_at is not None:
            values.update(sent_at=sent_at, last_error=None)
        return await self._change(reminder_id, [Reminder.status == from_status, *_as_seen(seen)],
                                  **values)

    async def finish(self, reminder_id: int, status: ReminderStatus, note: str) -> bool:
        """End a claimed delivery that turned out not to be needed (answered already)."""
        return await self._change(
            reminder_id, [Reminder.status == ReminderStatus.SENDING], status=status,
            note=note[:300],
        )

    async def retry(self, reminder_id: int, at: datetime, error: str) -> bool:
        return await self._change(
            reminder_id, [Reminder.status == ReminderStatus.SENDING],
            status=ReminderStatus.PENDING, next_at=at, last_error=error[:300],
            claimed_at=None,
        )

    async def fail(self, reminder_id: int, error: str,
                   from_status: ReminderStatus = ReminderStatus.SENDING,
                   seen: Reminder | None = None) -> bool:
        return await self._change(
            reminder_id, [Reminder.status == from_status, *_as_seen(seen)],
            status=ReminderStatus.FAILED, last_error=error[:300],
        )

    async def miss(self, reminder_id: int, next_at: datetime, note: str) -> bool:
        return await self._change(
            reminder_id,
            [Reminder.status == ReminderStatus.PENDING, Reminder.next_at == next_at],
            status=ReminderStatus.MISSED, note=note[:300],
        )

    async def cancel(self, reminder_ids: Sequence[int], note: str) -> list[int]:
        """Cancel those still pending; returns the ids this call cancelled."""
        if not reminder_ids:
            return []
        return await self._cancel_where([Reminder.id.in_(reminder_ids)], note)

    async def cancel_subject(self, kind: str, subject_id: int, note: str, *,
                             recipient_id: int | None = None) -> list[int]:
        where = [Reminder.subject_kind == kind, Reminder.subject_id == subject_id]
        if recipient_id is not None:
            where.append(Reminder.recipient_id == recipient_id)
        return await self._cancel_where(where, note)

    async def cancel_recipient(self, lab_id: int, person_id: int, note: str) -> list[int]:
        return await self._cancel_where(
            [Reminder.lab_id == lab_id, Reminder.recipient_id == person_id], note
        )

    async def cancel_authored(self, lab_id: int, person_id: int, note: str) -> list[int]:
        """Cancel the reminders this person set in this lab (`/lab remind`), whoever they
        were for."""
        return await self._cancel_where(
            [Reminder.lab_id == lab_id, Reminder.author_id == person_id,
             Reminder.kind == ReminderKind.CUSTOM], note
        )

    async def _cancel_where(self, where: Sequence[Any], note: str) -> list[int]:
        stmt = (
            update(Reminder)
            .where(Reminder.status == ReminderStatus.PENDING, *where)
            .values(status=ReminderStatus.CANCELLED, note=note[:300])
            .returning(Reminder.id)
            .execution_options(synchronize_session=False)
        )
        return list((await self.session.scalars(stmt)).all())

    async def pending_ids(self, where: Sequence[Any]) -> list[int]:
        stmt = select(Reminder.id).where(Reminder.status == ReminderStatus.PENDING, *where)
        return list((await self.session.scalars(stmt)).all())

    async def mine(self, lab_id: int, person_id: int) -> Sequence[Reminder]:
        """Pending reminders in a lab that go to this person or that they set, soonest first."""
        stmt = (
            select(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.status == ReminderStatus.PENDING,
                   or_(Reminder.recipient_id == person_id, Reminder.author_id == person_id))
            .order_by(Reminder.next_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def upcoming_for(self, person_id: int, *, limit: int) -> Sequence[Reminder]:
        """The next pending reminders for this person, in every lab."""
        stmt = (
            select(Reminder)
            .where(Reminder.recipient_id == person_id,
                   Reminder.status == ReminderStatus.PENDING)
            .order_by(Reminder.next_at, Reminder.id)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def of_lab(self, lab_id: int) -> Sequence[Reminder]:
        stmt = (
            select(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.status == ReminderStatus.PENDING)
            .order_by(Reminder.next_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def problems(self, lab_id: int, since: datetime) -> Sequence[Reminder]:
        """Failed and missed reminders of a lab that were due since `since`, latest first."""
        stmt = (
            select(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.due_at >= since,
                   Reminder.status.in_((ReminderStatus.FAILED, ReminderStatus.MISSED)))
            .order_by(Reminder.due_at.desc(), Reminder.id.desc())
        )
        return (await self.session.scalars(stmt)).all()

    async def count_authored(self, author_id: int) -> int:
        stmt = select(func.count(Reminder.id)).where(
            Reminder.author_id == author_id, Reminder.status == ReminderStatus.PENDING,
            Reminder.kind == ReminderKind.CUSTOM,
        )
        return int(await self.session.scalar(stmt) or 0)

    async def timers(self, until: datetime | None = None
                     ) -> Sequence[Row[int, datetime, datetime, str | None, str | None]]:
        """What start-up needs to arm every pending timer (those that fire by `until`, for
        the sweep), earliest first (ordered, so APScheduler appends to its sorted list
        instead of inserting in the middle)."""
        stmt = (
            select(Reminder.id, Reminder.next_at, Reminder.due_at, Reminder.repeat,
                   Reminder.repeat_zone)
            .where(Reminder.status == ReminderStatus.PENDING)
            .order_by(Reminder.next_at, Reminder.id)
        )
        if until is not None:
            stmt = stmt.where(Reminder.next_at <= until)
        return (await self.session.execute(stmt)).all()

    async def deadlines(self, lab_id: int) -> Sequence[Reminder]:
        """The lab's polls and votes still to close at a deadline: their pending closes."""
        stmt = (
            select(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.status == ReminderStatus.PENDING,
                   Reminder.kind == ReminderKind.CLOSE)
            .order_by(Reminder.next_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def overdue(self, before: datetime) -> Sequence[Reminder]:
        """Pending reminders whose timer should have fired before `before`."""
        stmt = (
            select(Reminder)
            .where(Reminder.status == ReminderStatus.PENDING, Reminder.next_at < before)
            .order_by(Reminder.next_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def miss_overdue(self, before: datetime, note: str) -> list[tuple[int, int]]:
        """Mark every one-off reminder overdue since before `before` missed, in one statement;
        returns (id, lab id) of those this call marked."""
        stmt = (
            update(Reminder)
            .where(Reminder.status == ReminderStatus.PENDING, Reminder.next_at < before,
                   Reminder.repeat.is_(None))
            .values(status=ReminderStatus.MISSED, note=note[:300])
            .returning(Reminder.id, Reminder.lab_id)
            .execution_options(synchronize_session=False)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def interrupted(self, before: datetime) -> Sequence[Reminder]:
        """Deliveries claimed before `before` and never finished (the process stopped)."""
        stmt = (
            select(Reminder)
            .where(Reminder.status == ReminderStatus.SENDING, Reminder.claimed_at < before)
            .order_by(Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def report_missed(self, lab_id: int, now: datetime) -> Sequence[Reminder]:
        """Claim the lab's missed reminders nobody has reported yet; returns them."""
        stmt = (
            update(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.status == ReminderStatus.MISSED,
                   Reminder.missed_reported_at.is_(None))
            .values(missed_reported_at=now)
            .returning(Reminder.id)
            .execution_options(synchronize_session=False)
        )
        ids = list((await self.session.scalars(stmt)).all())
        if not ids:
            return []
        rows = select(Reminder).where(Reminder.id.in_(ids)).order_by(Reminder.due_at)
        return (await self.session.scalars(
            rows.execution_options(populate_existing=True))).all()

    async def lab_settings(self, lab_id: int) -> LabReminderSettings | None:
        return await self.session.get(LabReminderSettings, lab_id)

    async def save_lab_settings(self, lab_id: int, offsets: str, now: datetime) -> None:
        stmt = _insert(self.session, LabReminderSettings).values(
            lab_id=lab_id, meeting_offsets=offsets, updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[LabReminderSettings.lab_id],
            set_={"meeting_offsets": stmt.excluded.meeting_offsets,
                  "updated_at": stmt.excluded.updated_at},
            where=LabReminderSettings.updated_at <= stmt.excluded.updated_at,
        )
        await self.session.execute(stmt)
        await _refresh(self.session, LabReminderSettings, LabReminderSettings.lab_id == lab_id)


async def _refresh(session: AsyncSession, model: Any, *where: Any) -> None:
    """Reload the rows of `model` matching `where` that this session already holds: an
    upsert writes past the session, which would otherwise go on showing what it read."""
    await session.execute(select(model).where(*where)
                          .execution_options(populate_existing=True))


def _as_seen(seen: Reminder | None) -> list[Any]:
    """Conditions that hold only while a reminder row is as it was read: the same occurrence
    and the same claim. Settling what a stopped process left uses them, so that a row
    another process moved on meanwhile is left alone."""
    if seen is None:
        return []
    claimed = (Reminder.claimed_at.is_(None) if seen.claimed_at is None
               else Reminder.claimed_at == seen.claimed_at)
    return [Reminder.next_at == seen.next_at, claimed]


async def _claim_close(session: AsyncSession, model: type[Poll] | type[Vote], row_id: int,
                       now: datetime, by: int | None) -> bool:
    """Close the poll or vote if it is still open, in one conditional UPDATE; whether this
    session was the one that closed it. A copy of the row read earlier is refreshed, since it
    still says "open"."""
    stmt = (
        update(model)
        .where(model.id == row_id, model.status == "open")
        .values(status="closed", closed_at=now, closed_by_id=by)
        .execution_options(synchronize_session=False)
    )
    done = await session.execute(stmt)
    claimed = bool(getattr(done, "rowcount", 0))
    if claimed:
        row = await session.get(model, row_id)
        if row is not None:
            await session.refresh(row)
    return claimed
