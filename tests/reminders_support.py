"""Helpers for the reminder tests: a messenger that records (and can refuse) deliveries,
a second process on the same database, and a way to publish other features' events."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from adapters.console.app import ConsoleAdapter
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import Settings
from bot.events import Event, publish
from bot.messages import Audience, Card, File, MessageRef, Place, Platform, Recipient
from bot.ports import DeliveryError
from bot.scheduling import ManualJobs
from fakes.cards import text_of
from storage.models import Reminder
from tests.conftest import Console


@dataclass
class Delivery:
    kind: str  # "dm" or "post"
    to: str  # a user id, or a channel
    card: Card
    files: tuple[File, ...]
    at: datetime
    process: str

    @property
    def text(self) -> str:
        return text_of(self.card)


@dataclass
class Recorder:
    """The Messenger port for tests: records deliveries; refuses those it is told to."""

    clock: SettableClock | Any
    process: str = "a"
    platform: Platform = "console"
    sent: list[Delivery] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # user ids whose DMs always fail
    fail_next: int = 0
    retry_after: float | None = None
    attempts: list[tuple[str, datetime]] = field(default_factory=list)
    shared: list[Delivery] | None = None  # a log shared between two processes

    def _record(self, delivery: Delivery) -> MessageRef:
        self.sent.append(delivery)
        if self.shared is not None:
            self.shared.append(delivery)
        return MessageRef("console", "local", delivery.to, f"r{len(self.sent)}")

    async def post(self, place: Place, card: Card, files: tuple[File, ...] = ()) -> MessageRef:
        return self._record(Delivery("post", place.channel, card, files, self.clock.now(),
                                     self.process))

    async def update(self, ref: MessageRef, card: Card) -> None:
        return None

    async def audience(self, place: Place) -> Audience:
        return Audience.RESTRICTED

    async def notify(
        self, recipient: Recipient, card: Card, files: tuple[File, ...] = ()
    ) -> MessageRef:
        self.attempts.append((recipient.user_id, self.clock.now()))
        if recipient.user_id in self.refuse:
            raise DeliveryError("the platform said: user_not_found")
        if self.fail_next > 0:
            self.fail_next -= 1
            raise DeliveryError("the platform said: ratelimited", retry_after=self.retry_after)
        return self._record(Delivery("dm", recipient.user_id, card, files, self.clock.now(),
                                     self.process))

    def to(self, user_id: str) -> list[Delivery]:
        return [d for d in self.sent if d.to == user_id]


async def second_process(settings: Settings, clock: SettableClock, name: str = "b",
                         shared: list[Delivery] | None = None) -> tuple[App, Recorder]:
    """Another bot process on the same database: its own engine, timers and messenger."""
    app = await create_app(settings, clock=clock, jobs=ManualJobs(), migrate=False)
    recorder = Recorder(clock, process=name, shared=shared)
    app.ctx.messengers.register(recorder)
    return app, recorder


async def emit(app: App, event: Event) -> None:
    """Publish another feature's event as that feature would, in a committed unit of work."""
    async with app.ctx.uow() as uow:
        await publish(app.ctx, uow, app.ctx.clock.now(), event)
        await uow.commit()


async def rows(app: App) -> list[Reminder]:
    async with app.ctx.uow() as uow:
        return list((await uow.session.scalars(select(Reminder).order_by(Reminder.id))).all())


async def make_lab(app: App, tmp: Path) -> Console:
    """The lab of tests/conftest.py's `lab` fixture, on any app."""
    buffer = io.StringIO()
    console = Console(ConsoleAdapter(app.ctx, out=buffer, user="Gemma Rhodes",
                                     files_dir=tmp / "files"), buffer)
    await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    await console("Gemma Rhodes", "/lab tz Europe/London")
    for name, zone in (("Amara Okafor", "Africa/Lagos"), ("Zoë Núñez", "America/Sao_Paulo"),
                       ("Priya Raman", "Asia/Kolkata")):
        await console(name, "/lab join")
        await console.press(name, "I accept and join")
        await console(name, f"/lab tz {zone}")
    return console


# Person ids and console user ids of the `lab` fixture's people.
GEMMA, AMARA, ZOE, PRIYA = 1, 2, 3, 4
IDS = {GEMMA: "gemma-rhodes", AMARA: "amara-okafor", ZOE: "zoë-núñez", PRIYA: "priya-raman"}
