"""What a reminder is and where it stands: its kinds and statuses, stored as their strings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by one process, delivery under way
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"
    MISSED = "missed"


class ReminderKind(StrEnum):
    CUSTOM = "custom"  # /lab remind me|lab|<member>
    MEETING = "meeting"  # before a meeting starts
    NUDGE = "nudge"  # before a poll or vote closes, to those who have not answered
    CLOSE = "close"  # a poll or vote closing itself at its deadline
    ACTION_ITEM = "action_item"  # the day before an action item is due, and on the day




class Planned(Protocol):
    """What the rules read of a reminder (a `storage.models.Reminder` row is one)."""

    @property
    def kind(self) -> ReminderKind: ...
    @property
    def recipient_id(self) -> int | None: ...
    @property
    def author_id(self) -> int | None: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def next_at(self) -> datetime: ...
    @property
    def subject_at(self) -> datetime | None: ...
    @property
    def repeat(self) -> str | None: ...
    @property
    def repeat_zone(self) -> str | None: ...
    @property
    def quiet_exempt(self) -> bool: ...
    @property
    def attempts(self) -> int: ...
