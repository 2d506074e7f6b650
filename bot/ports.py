"""Protocols at the edges: how the core reaches a platform, a clock and a timer service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from bot.domain.reminders import Weekly
from bot.messages import (
    Actor,
    Audience,
    Card,
    File,
    Inbound,
    MessageRef,
    Place,
    Platform,
    Recipient,
    Reply,
    Submission,
)
from bot.subjects import Subjects


class DeliveryError(Exception):
    """A platform refused or failed a delivery; `retry_after` is set when it asked us to wait,
    `gone` when the message or channel no longer exists (deleted by a person: an edit of it
    can never succeed, so it is not retried)."""

    def __init__(self, reason: str, *, retry_after: float | None = None,
                 gone: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.gone = gone


class StartupError(Exception):
    """An adapter could not start; its message is one line an operator can act on."""


class Messenger(Protocol):
    """What the core can ask of one platform."""

    platform: Platform

    async def post(self, place: Place, card: Card, files: tuple[File, ...] = ()) -> MessageRef:
        """Post a card (and files) in a channel, visible to everyone in it."""
        ...

    async def update(self, ref: MessageRef, card: Card) -> None:
        """Replace a message the bot posted earlier."""
        ...

    async def notify(
        self, recipient: Recipient, card: Card, files: tuple[File, ...] = ()
    ) -> MessageRef:
        """Send a direct message to one person."""
        ...

    async def audience(self, place: Place) -> Audience:
        """Who can read the channel `place`, as the platform tells it."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


JobFunc = Callable[[], Awaitable[None]]


class Jobs(Protocol):
    """In-memory timers with stable ids; the database stays the source of truth."""

    def schedule(self, job_id: str, run_at: datetime, func: JobFunc) -> None:
        """Run `func` at `run_at` (UTC); replaces any timer with the same id."""
        ...

    def repeat(self, job_id: str, rule: Weekly, first: datetime, func: JobFunc) -> None:
        """Run `func` at `first`, then at each occurrence of `rule` (a cron trigger in the
        rule's zone); replaces any timer with the same id. Callers that keep occurrences in
        the database re-arm with the next one after each run."""
        ...

    def every(self, job_id: str, interval: timedelta, first: datetime, func: JobFunc) -> None:
        """Run `func` at `first`, then every `interval`, never two runs at once; replaces any
        timer with the same id. For periodic work (the reminders' sweep), not for things
        that must happen at a moment."""
        ...

    def cancel(self, job_id: str) -> None:
        """Forget the timer with this id, if there is one."""
        ...

    def next_run(self, job_id: str) -> datetime | None:
        """When the timer with this id fires next (UTC); None if this process has none."""
        ...


class Adapter(Protocol):
    """A running connection to one platform."""

    platform: Platform

    async def run(self) -> None:
        """Serve until stopped (or, for the console, until the end of input)."""
        ...


class Routes(Protocol):
    """The router as the Context offers it: the registry to read (`/lab help` lists the
    commands, the home card gathers its sections, reminders find subject kinds) and the door
    every inbound event goes through. A Protocol, so that the Context, which every handler
    receives, does not import the router, which registers those handlers (bot/router.py is
    the one implementation; its specs are bot/handlers.py's CommandSpec and HomeSection)."""

    @property
    def commands(self) -> Mapping[str, Any]: ...

    @property
    def aliases(self) -> Mapping[str, str]: ...

    @property
    def reactions(self) -> Mapping[str, Any]: ...

    @property
    def home_sections(self) -> Sequence[tuple[int, Any]]: ...

    @property
    def subjects(self) -> Subjects: ...

    async def dispatch(self, ctx: Any, event: Inbound) -> Reply: ...

    async def complete(self, ctx: Any, actor: Actor, place: Place, kind: str, typed: str
                       ) -> list[tuple[str, str]]: ...

    async def check_form(self, ctx: Any, event: Submission) -> dict[str, str]: ...


@runtime_checkable
class HomePublisher(Protocol):
    """A messenger that can show a person their home (Slack's App Home, views.publish)."""

    async def publish_home(self, workspace: str, user_id: str, card: Card) -> None: ...
