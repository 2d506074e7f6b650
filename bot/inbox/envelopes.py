"""What the inbox records and recovers: an adapter's envelope, a stored row, how to recover."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from storage.models import InboxEntry


@dataclass(frozen=True)
class Envelope:
    """What an adapter knows about an inbound event at the moment it must acknowledge it."""

    key: str  # the delivery's identity: unique across re-deliveries
    platform: str
    kind: str  # command, action, form, reaction, home, ...
    workspace: str
    user_id: str
    channel: str
    payload: dict[str, Any]
    reply_to: dict[str, Any] = field(default_factory=dict)
    resend: str = ""  # what to do again if it cannot be carried out: "send `/lab x` again"
    lane: str = ""  # fairness group (a lab's channel); default: the channel
    presses: tuple[tuple[str, timedelta], ...] = ()  # "same control again at once" keys


@dataclass(frozen=True)
class Stored:
    """An inbox row, as a recovering instance sees it."""

    id: int
    platform: str
    kind: str
    workspace: str
    user_id: str
    channel: str
    payload: dict[str, Any]
    reply_to: dict[str, Any]
    resend: str
    attempts: int
    age: timedelta

    @classmethod
    def of(cls, row: InboxEntry, now: Any) -> Stored:
        return cls(row.id, row.platform, row.kind, row.workspace, row.user_id, row.channel,
                   dict(row.payload), dict(row.reply_to), row.resend, row.attempts,
                   now - row.received_at)


@dataclass(frozen=True)
class Recovery:
    """How a platform carries out a taken-over row, or tells its sender."""

    run: Callable[[Stored], Awaitable[None]] | None  # None: never run late, always tell
    tell: Callable[[Stored, str], Awaitable[None]]
    window: timedelta  # older than this: tell instead of running


class NotRun(Exception):
    """The work was not run here: another instance took it over, or this one is stopping
    (its row is left to the next instance)."""
