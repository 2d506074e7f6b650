"""ORM models: the tables, in SQLAlchemy 2 typed declarative style.

Every moment is stored in UTC (`UTCDateTime`); display converts to the reader's zone.
Constraint names follow one convention so that Alembic migrations are stable on SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy import text as sql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from bot.domain.applications import ApplicationStatus, CallStatus
from bot.domain.availability import Answer
from bot.domain.calendar import DEFAULT_ORGANIZER
from bot.domain.lab import LinkPurpose, Role
from bot.domain.meetings import MeetingStatus
from bot.domain.minutes import ActionStatus, EntryKind, EntrySource, MinutesStatus, Presence
from bot.domain.polls import PollStatus
from bot.domain.reminders import ReminderKind, ReminderStatus
from bot.domain.terms import Answer as ConsentAnswer
from bot.domain.terms import TermsStatus
from bot.domain.votes import ResultsMode, Strength, TieRule, VoteMethod, VoteStatus
from bot.domain.zones import ZoneSource

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; naive datetimes are refused, not guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone")
        value = value.astimezone(UTC)
        # SQLite has no time zone type; store naive UTC and re-attach UTC when reading.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(enum_cls: Any, length: int = 16) -> Enum:
    # Stored as plain strings (no PostgreSQL ENUM type), so adding a value needs no migration
    # of a type, and SQLite and PostgreSQL hold the same thing.
    return Enum(
        enum_cls, native_enum=False, length=length, validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, time: Time()}


# --- labs, people and membership ------------------------------------------------------------


class Person(Base):
    """Someone, across platforms and labs; their time zone follows them everywhere."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # "user" when set with /lab tz (never overwritten by a platform), "platform" otherwise.
    timezone_source: Mapped[ZoneSource | None] = mapped_column(_enum(ZoneSource))
    timezone_checked_at: Mapped[datetime | None]
    # When the bot asked them to choose a zone (once, ever: see bot/zone_prompt.py).
    timezone_asked_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(16))  # chosen with `/lab lang`
    platform_locale: Mapped[str | None] = mapped_column(String(16))  # Slack's or Discord's
    created_at: Mapped[datetime]

    identities: Mapped[list[Identity]] = relationship(back_populates="person", lazy="raise")


class Identity(Base):
    """One platform account of a person."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))

    person: Mapped[Person] = relationship(back_populates="identities", lazy="raise")


class Lab(Base):
    __tablename__ = "labs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[time]
    window_end: Mapped[time]
    days: Mapped[str] = mapped_column(String(32))
    member_limit: Mapped[int] = mapped_column(Integer)
    commitment: Mapped[str] = mapped_column(Text)
    # When the commitment's text last changed: members who accepted it before must again.
    commitment_changed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    language: Mapped[str | None] = mapped_column(String(16))  # `/lab settings lang es`
    # `/lab archive`: from then on the lab is read-only (bot/features/archive/).
    archived_at: Mapped[datetime | None]
    archived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )


class LabChannel(Base):
    """A channel on one platform bound to a lab; a lab may span several."""

    __tablename__ = "lab_channels"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    bound_at: Mapped[datetime]


class Membership(Base):
    """A person's place in a lab. It counts only once the commitment is accepted."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("lab_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role))
    active: Mapped[bool]
    accepted_at: Mapped[datetime]
    left_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(lazy="joined")


class AuditEntry(Base):
    """Append-only: who did what, when. Repositories offer no update and no delete."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_lab_at", "lab_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int | None] = mapped_column(ForeignKey("labs.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]]
    at: Mapped[datetime]


class ChannelLink(Base):
    """A one-time link code, bound to its purpose and to the person who made it.

    `purpose` "channel": binds another channel (on any platform) to lab `lab_id`, when
    redeemed by the facilitator who made it (from any account linked to them). "person":
    links the account it is redeemed from to `person_id` (no lab). Only a hash of the code
    is kept (`code_hash`, SHA-256 hex of the code as shown), never the code itself.
    """

    __tablename__ = "channel_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(_enum(LinkPurpose))
    lab_id: Mapped[int | None] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


# --- minutes ---------------------------------------------------------------------------------


class Minutes(Base):
    """The minutes of one meeting; at most one set is open in a lab at a time."""

    __tablename__ = "minutes"
    __table_args__ = (
        # The database, not only the code, holds the rule of one open set per lab, so two
        # secretaries starting at once on two instances cannot both succeed.
        Index("uq_minutes_open_lab", "lab_id", unique=True,
              sqlite_where=sql("status = 'open'"), postgresql_where=sql("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    # The scheduled meeting these minutes record, and its number in the lab as people name
    # it ("#2"); both NULL for an ad-hoc meeting with a title.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL", use_alter=True)
    )
    meeting_number: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[MinutesStatus] = mapped_column(_enum(MinutesStatus))
    started_at: Mapped[datetime]
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # The next entry's short number, taken with an atomic UPDATE ... RETURNING.
    next_number: Mapped[int] = mapped_column(Integer, default=1)


class MinuteEntry(Base):
    """A note, decision or action in the minutes. Dropped entries stay, marked; edits keep
    the earlier wording in `history`."""

    __tablename__ = "minute_entries"
    __table_args__ = (
        UniqueConstraint("minutes_id", "number"),
        UniqueConstraint("minutes_id", "source_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    # NULL while an action waits for its author to confirm a due date in the past.
    number: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[EntrySource] = mapped_column(_enum(EntrySource))
    # What the entry came from, so the same message or poll is not recorded twice:
    # "slack:T1:C1:1712.5", "poll:7", "vote:3".
    source_ref: Mapped[str | None] = mapped_column(String(200))
    link: Mapped[str | None] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    author_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    edited_at: Mapped[datetime | None]
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    dropped_at: Mapped[datetime | None]
    dropped_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )


class Attendance(Base):
    """Who was at a meeting, or sent apologies."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("minutes_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[Presence] = mapped_column(_enum(Presence))
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")


class ActionItem(Base):
    """An action from the minutes: who owns it, by when, and whether it is done. Its words
    are its entry's."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_lab_status", "lab_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("minute_entries.id", ondelete="CASCADE"), unique=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                          index=True)
    due: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    entry: Mapped[MinuteEntry] = relationship(lazy="joined")
    owner: Mapped[Person] = relationship(foreign_keys=[owner_id], lazy="joined")
# --- slack ---
# Platform-neutral in shape (a platform column, the platform's own record as JSON), so that
# storage/ stays free of platform libraries; adapters/slack/oauth.py maps them to slack_sdk.


class Installation(Base):
    """An app installed into a workspace by the OAuth flow: one row per install or per bot.

    `kind` is "installation" (who installed, with any user token) or "bot" (the workspace's
    bot token); the newest row of a kind wins. `data` is the platform's own record.
    """

    __tablename__ = "installations"
    __table_args__ = (
        Index("ix_installations_lookup", "platform", "kind", "enterprise_id", "team_id",
              "installed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    team_id: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))
    installed_at: Mapped[datetime]
    data: Mapped[dict[str, Any]]


class OAuthState(Base):
    """A one-time `state` of an OAuth install in progress (any instance may see the callback)."""

    __tablename__ = "oauth_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime]


class InboxEntry(Base):
    """One inbound event the bot has acknowledged to a platform, recorded before the ack.

    It holds what is needed to carry the event out later (the platform's payload), where
    to answer (`reply_to`: a response_url, an interaction token, a channel) and what to
    tell the sender to resend if it can no longer be carried out. `key` is the delivery's
    identity (an event id, a command's trigger, a click, an interaction id): unique, so a
    re-delivery is recorded once across instances. An instance owns a row while
    `lease_until` is ahead; a row whose lease ran out unfinished is taken over by any
    instance (claimed with a conditional update) and run again or reported.
    """

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_status_lease", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    reply_to: Mapped[dict[str, Any]]
    resend: Mapped[str] = mapped_column(Text, default="")
    # queued -> running -> done (its effect committed); or told (the sender was told it
    # did not go through); a row whose lease ran out in queued/running is taken over.
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]


class InboundDelivery(Base):
    """A delivery already handled, by a key the adapter derives (an event id, a click).

    Platforms retry and people double-click; claiming the key first means each is handled
    once, across instances. Rows older than a day are pruned.
    """

    __tablename__ = "inbound_deliveries"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


# --- polls and meetings ---------------------------------------------------------------------


class Poll(Base):
    """An availability poll: numbered per lab, its slots fixed when it opens."""

    __tablename__ = "polls"
    __table_args__ = (UniqueConstraint("lab_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    # A deleted poll keeps its row (its number is never given to another poll) and, since
    # deletes became restorable, its slots and answers.
    status: Mapped[PollStatus] = mapped_column(_enum(PollStatus), index=True)
    timezone: Mapped[str] = mapped_column(String(64))  # the zone its slots were defined in
    window_start: Mapped[time]
    window_end: Mapped[time]
    length_minutes: Mapped[int] = mapped_column(Integer)
    closes_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    outcome: Mapped[str | None] = mapped_column(Text)
    # A poll deleted after this migration keeps its slots and answers, so a facilitator can
    # restore it within `[lab] restore_within` of this moment.
    deleted_at: Mapped[datetime | None]


class PollSlot(Base):
    """One proposed time; `number` (1, 2, ...) is what members type, in time order."""

    __tablename__ = "poll_slots"
    __table_args__ = (UniqueConstraint("poll_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime]


class PollAnswer(Base):
    """A person's answer to one slot: yes, maybe (if need be) or no; changed in place."""

    __tablename__ = "poll_answers"
    __table_args__ = (UniqueConstraint("slot_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("poll_slots.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    answer: Mapped[Answer] = mapped_column(_enum(Answer))
    answered_at: Mapped[datetime]


class PollRequired(Base):
    """Someone the meeting cannot happen without: a slot they say no to drops out."""

    __tablename__ = "poll_required"
    __table_args__ = (UniqueConstraint("poll_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))


class Meeting(Base):
    """A scheduled meeting of a lab, numbered per lab; `sequence` counts invite revisions."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("lab_id", "number"), UniqueConstraint("uid"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus))
    uid: Mapped[str] = mapped_column(String(255))  # the invite's UID, stable for its life
    sequence: Mapped[int] = mapped_column(Integer)
    # The invite's ORGANIZER, kept for the meeting's life: calendar apps ignore an update or
    # a cancellation from another organizer, even if the setting changes in between.
    organizer: Mapped[str] = mapped_column(String(320), server_default=DEFAULT_ORGANIZER)
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="SET NULL"))
    slot_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]  # when it was last cancelled (a restore clears it)
    # Where it happens: a call link (https://...) or a place, shown with it and in the invite.
    place: Mapped[str | None] = mapped_column(String(500))
    agenda: Mapped[list[AgendaItem]] = relationship(
        lazy="selectin", order_by="AgendaItem.position", cascade="all, delete-orphan",
        passive_deletes=True,
    )


# --- votes ---------------------------------------------------------------------------------


class Vote(Base):
    """A ranked-choice vote on a lab's options, counted by a method fixed when it opens."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("lab_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # per lab: "vote 2"
    question: Mapped[str] = mapped_column(String(200))
    method: Mapped[VoteMethod] = mapped_column(_enum(VoteMethod, 16))
    seats: Mapped[int] = mapped_column(Integer)
    strength: Mapped[Strength] = mapped_column(_enum(Strength, 16))
    tie_break: Mapped[TieRule] = mapped_column(_enum(TieRule, 32))
    results: Mapped[ResultsMode] = mapped_column(_enum(ResultsMode, 8))  # hidden until the close
    status: Mapped[VoteStatus] = mapped_column(_enum(VoteStatus, 8))
    seed: Mapped[str] = mapped_column(String(64))  # the published seed of the tie-break draw
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    # The declared result at the close, as `actionlab tally --json` writes it.
    result: Mapped[dict[str, Any] | None]
    # With results `live`: the rankings the live count shows (sorted, so they carry no order)
    # and when they were taken. Refreshed only in batches (see bot/domain/votes.py), so
    # no refresh shows one member's ballot; cleared at the close.
    live_ballots: Mapped[list[list[int]] | None] = mapped_column(JSON)
    live_at: Mapped[datetime | None]
    # Deleted (only ever while open): the row and its ballots stay, so a facilitator can
    # restore it within `[lab] restore_within` of `deleted_at`.
    deleted_at: Mapped[datetime | None]
    # A closed vote's result is never deleted; at most withdrawn, with the reason on record.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    options: Mapped[list[VoteOption]] = relationship(
        lazy="selectin", order_by="VoteOption.position", cascade="all, delete-orphan",
        passive_deletes=True,
    )


class VoteOption(Base):
    __tablename__ = "vote_options"
    __table_args__ = (UniqueConstraint("vote_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1-based, as members type it
    label: Mapped[str] = mapped_column(String(200))
    # Its case, Markdown-lite, at most bot.domain.options.DESCRIPTION_LENGTH characters.
    description: Mapped[str | None] = mapped_column(Text)


class Ballot(Base):
    """One member's ranking (option positions, best first).

    While the vote is open the row knows its voter, so they can change it and nobody votes
    twice. At the close every ballot of the vote is re-inserted in a random order with a
    fresh id and no voter or time, so neither the row nor its id leads back to anyone.
    """

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("vote_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    ranking: Mapped[list[int]] = mapped_column(JSON)
    cast_at: Mapped[datetime | None]
    # Live results only: cast or changed since the live count was last refreshed...
    fresh: Mapped[bool] = mapped_column(default=False, server_default=false())
    # ...and whether a live count already shown holds a version of it (it then stays if its
    # voter leaves: taking it out would let anyone read it off the difference).
    shown: Mapped[bool] = mapped_column(default=False, server_default=false())


# --- reminders ---


class Reminder(Base):
    """One thing to deliver at a moment: the source of truth for every timer.

    A timer (`reminder:<id>`) only wakes the bot; delivery starts by claiming the row with a
    conditional update on its status, so it happens once however many timers or processes
    fire. A repeating reminder is one row whose `due_at` moves to the next occurrence.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_status_next_at", "status", "next_at"),
        Index("ix_reminders_subject", "subject_kind", "subject_id"),
        Index("ix_reminders_recipient_status", "recipient_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReminderKind] = mapped_column(_enum(ReminderKind))
    # Who receives it: a person by direct message, or (no recipient) the lab's channels.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Why: the poll, vote, meeting or action item it is about, if any.
    subject_kind: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None]
    subject_at: Mapped[datetime | None]  # the meeting's start or the deadline it is about
    offset_minutes: Mapped[int | None]  # how long before subject_at (meeting reminders)
    text: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]  # when it was asked for (a repeating one: this occurrence)
    next_at: Mapped[datetime]  # when its timer fires: due_at, or later (quiet hours, retries)
    repeat: Mapped[str | None] = mapped_column(String(64))  # "09:00 mon,thu"
    repeat_zone: Mapped[str | None] = mapped_column(String(64))
    quiet_exempt: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ReminderStatus] = mapped_column(_enum(ReminderStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(String(300))  # why it was cancelled or missed
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    missed_reported_at: Mapped[datetime | None]


class LabReminderSettings(Base):
    """A lab's own choices about reminders; a lab without a row uses [reminders] defaults."""

    __tablename__ = "lab_reminder_settings"

    lab_id: Mapped[int] = mapped_column(
        ForeignKey("labs.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_offsets: Mapped[str] = mapped_column(String(100))  # "24h 15m"; "" for none
    updated_at: Mapped[datetime]


# --- live cards -------------------------------------------------------------------------------


class PostedCard(Base):
    """A public card the bot posted for a poll, vote or meeting, remembered so that it can be
    redrawn in place when what it shows changes.

    `version` counts the changes asked for; `drawn_version` is the one last shown. `due_at`
    is set while the card needs redrawing (no earlier than a few seconds after the last
    edit, so edits are coalesced); a process redraws it after claiming it with a conditional
    update on `claimed_until`, so two processes never edit the same card at once.
    """

    __tablename__ = "posted_cards"
    __table_args__ = (
        UniqueConstraint("platform", "workspace", "channel", "message_id"),
        Index("ix_posted_cards_subject", "kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # a subject kind: "poll", "vote", "meeting"
    subject_id: Mapped[int] = mapped_column(Integer)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=0)
    drawn_version: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    drawn_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
# --- agendas (issue 17) ----------------------------------------------------------------------


class AgendaItem(Base):
    """One item of a meeting's agenda: proposed by any member, ordered by a facilitator."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1-based, in the order to take them
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    minutes: Mapped[int | None] = mapped_column(Integer)  # time allotted
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id], lazy="selectin")


# --- terms of reference (issue 17) ---------------------------------------------------------


class Terms(Base):
    """A lab's terms of reference for the option its vote chose: sections edited by members,
    approved by a consent round, confidential until the lab marks it public."""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("lab_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("votes.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[TermsStatus] = mapped_column(_enum(TermsStatus, 16))
    public: Mapped[bool] = mapped_column(default=False, server_default=false())
    round: Mapped[int] = mapped_column(Integer, default=0)  # the consent round, 1 on
    consent_closes_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]

    sections: Mapped[list[TermsSection]] = relationship(
        lazy="selectin", order_by="TermsSection.position", cascade="all, delete-orphan",
        passive_deletes=True,
    )


class TermsSection(Base):
    """One named section; `version` rises with each save (a save names the version it was
    written against, so a stale one is caught and merged)."""

    __tablename__ = "terms_sections"
    __table_args__ = (UniqueConstraint("terms_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(32))
    heading: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class TermsRevision(Base):
    """Every version of every section, the first (pre-filled) one included."""

    __tablename__ = "terms_revisions"
    __table_args__ = (UniqueConstraint("section_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("terms_sections.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(300))  # "merged", "pre-filled"

    author: Mapped[Person | None] = relationship(lazy="selectin")


class TermsDraft(Base):
    """A save that came too late (the section changed meanwhile), kept until it is merged,
    so that nothing anyone wrote is lost."""

    __tablename__ = "terms_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("terms_sections.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    base_version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    merged_at: Mapped[datetime | None]


class TermsComment(Base):
    __tablename__ = "terms_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("terms_sections.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    author: Mapped[Person | None] = relationship(lazy="selectin")


class TermsResponse(Base):
    """A member's answer in a consent round: agree, stand aside, or object (with a reason and
    the section it is about; the objection stays open until they answer again)."""

    __tablename__ = "terms_responses"
    __table_args__ = (UniqueConstraint("terms_id", "round", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    answer: Mapped[ConsentAnswer] = mapped_column(_enum(ConsentAnswer, 16))
    section_key: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime]


# --- applications: a call to join a lab, its applications and their review ---


class LabCall(Base):
    """A call for applications to a lab: its questions, when it closes, and the date by
    which every applicant is promised an answer."""

    __tablename__ = "lab_calls"
    __table_args__ = (UniqueConstraint("lab_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # per lab: "call 1"
    status: Mapped[CallStatus] = mapped_column(_enum(CallStatus))
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    closes_at: Mapped[datetime]
    hear_by: Mapped[date]  # the promised date, in the lab's zone
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]


class Application(Base):
    """One person's application to a call: their answers, and the decision on it."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("call_id", "person_id"),
                      UniqueConstraint("call_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("lab_calls.id", ondelete="CASCADE"),
                                         index=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # per call, in the order they came
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    # Where to reach them privately: the identity they applied from.
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]]
    complete: Mapped[bool] = mapped_column(default=False)  # every page sent
    status: Mapped[ApplicationStatus] = mapped_column(_enum(ApplicationStatus))
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    joined_at: Mapped[datetime | None]


class ApplicationReview(Base):
    """One reviewer's scores (criterion key -> 1..5) and private note on one application."""

    __tablename__ = "application_reviews"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    scores: Mapped[dict[str, Any]]
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]


class LabReviewer(Base):
    """Someone of the steering group who reads and scores a lab's applications, and sees
    nothing else of the lab (they are not a member)."""

    __tablename__ = "lab_reviewers"
    __table_args__ = (UniqueConstraint("lab_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    added_at: Mapped[datetime]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")


class LabAdmission(Base):
    """How people join a lab: `/lab join` open to anyone in its channel (no row, the
    default), or switched off because the lab takes members through a call."""

    __tablename__ = "lab_admission"

    lab_id: Mapped[int] = mapped_column(
        ForeignKey("labs.id", ondelete="CASCADE"), primary_key=True
    )
    join_open: Mapped[bool]
    updated_at: Mapped[datetime]


class FormDraft(Base):
    """What someone typed into a form, or a command waiting for their confirmation, kept for
    a while so that it can be shown again: a refused form reopened filled with the typing
    (Discord cannot answer a form with a form), a vote previewed before it is opened.
    `kind` says what it is ("form", "vote"); `payload` is the typing or the pending command,
    as JSON; nothing reads a draft once `expires_at` has passed."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    lab_id: Mapped[int | None] = mapped_column(
        ForeignKey("labs.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
