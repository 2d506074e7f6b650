"""What a reminder is and where it stands: its kinds and statuses, stored as their strings."""

from __future__ import annotations

from enum import StrEnum


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


