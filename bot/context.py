"""The one explicit Context every handler gets, and the hub that reaches each platform."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.config import Settings
from bot.i18n import current_locale, use_locale
from bot.inbox import Inbox
from bot.listeners import Listeners
from bot.messages import Audience, Card, File, MessageRef, Place, Platform, Recipient
from bot.places import channel_place
from bot.ports import Clock, DeliveryError, HomePublisher, Jobs, Messenger, Routes
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)


class NoMessenger(DeliveryError):
    """This process cannot send to that platform (it neither serves it nor has its
    credentials to send over REST)."""


class Messengers:
    """Routes a post, an update or a direct message to the adapter of its platform."""

    def __init__(self) -> None:
        self._by_platform: dict[Platform, Messenger] = {}

    def register(self, messenger: Messenger) -> None:
        self._by_platform[messenger.platform] = messenger

    def has(self, platform: str) -> bool:
        return platform in self._by_platform

    def _for(self, platform: Platform) -> Messenger:
        try:
            return self._by_platform[platform]
        except KeyError:
            raise NoMessenger(f"no {platform} adapter is running") from None

    async def post(self, place: Place, card: Card, files: tuple[File, ...] = ()) -> MessageRef:
        return await self._for(place.platform).post(place, card, files)

    async def update(self, ref: MessageRef, card: Card) -> None:
        await self._for(ref.platform).update(ref, card)

    async def notify(
        self, recipient: Recipient, card: Card, files: tuple[File, ...] = ()
    ) -> MessageRef:
        return await self._for(recipient.platform).notify(recipient, card, files)

    def has_home(self, platform: str) -> bool:
        """Whether this process can show people their home on `platform` (Slack's App Home)."""
        return isinstance(self._by_platform.get(platform), HomePublisher)  # type: ignore[call-overload]

    async def publish_home(self, platform: Platform, workspace: str, user_id: str,
                           card: Card) -> None:
        """Show `card` as the person's home on `platform`; NoMessenger if it has none."""
        messenger = self._for(platform)
        if not isinstance(messenger, HomePublisher):
            raise NoMessenger(f"{platform} has no home to publish")
        await messenger.publish_home(workspace, user_id, card)

    async def audience(self, place: Place, *, within: float = 3.0) -> Audience:
        """Who can read `place`, as its platform says within `within` seconds; UNKNOWN when
        this process cannot ask that platform, or it would not or could not answer."""
        if not self.has(place.platform):
            return Audience.UNKNOWN
        try:
            async with asyncio.timeout(within):
                return await self._for(place.platform).audience(place)
        except (DeliveryError, TimeoutError) as exc:
            log.info("could not tell who can read %s %s: %s", place.platform, place.channel,
                     getattr(exc, "reason", "timed out"))
            return Audience.UNKNOWN

    async def broadcast(
        self, places: list[Place], card: Card, files: tuple[File, ...] = ()
    ) -> list[MessageRef]:
        """Post in each place whose platform this process can send to; a failure in one is
        logged, not fatal."""
        refs = []
        for place in places:
            if not self.has(place.platform):
                log.debug("not posting to %s: no adapter running", place.platform)
                continue
            try:
                refs.append(await self.post(place, card, files))
            except DeliveryError as exc:
                log.warning("could not post to %s %s: %s", place.platform, place.channel,
                            exc.reason)
        return refs


# What an announcement attaches: files, or a coroutine function that makes them after the
# commit (expensive work, such as a chart, never runs while a row is held).
Attachments = tuple[File, ...] | Callable[[], Awaitable[tuple[File, ...]]]


@dataclass(frozen=True)
class Context:
    settings: Settings
    uow: UnitOfWorkFactory
    clock: Clock
    jobs: Jobs
    messengers: Messengers
    router: Routes  # bot/router.py's Router, seen through what handlers and adapters use
    # The merged router's listeners of domain events (`router.listeners`, the same object):
    # `bot/events.publish` reads them here, not through the router.
    listeners: Listeners
    # Acknowledged platform work, recorded durably and run by a bounded pool (bot/inbox.py).
    inbox: Inbox | None = None

    def announce(
        self, uow: UnitOfWork, lab_id: int, card: Card, files: Attachments = (), *,
        skip: Place | None = None,
    ) -> None:
        """Post `card` in every channel bound to the lab (but `skip`) once `uow` has
        committed: an announcement never gets ahead of what it announces. `files` may be
        made then too (a chart), so that no row stays held while they are drawn, in the
        language the card was made in (`lab_language`)."""
        locale = current_locale()

        async def post() -> None:
            with use_locale(locale):
                attached = files if isinstance(files, tuple) else await files()
            async with self.uow() as fresh:
                places = [channel_place(c) for c in await fresh.labs.channels(lab_id)]
            await self.messengers.broadcast([p for p in places if p != skip], card, attached)

        uow.after_commit(post)

    @staticmethod
    async def lab_language(uow: UnitOfWork, lab_id: int) -> str | None:
        """The language a lab's channels read (`/lab settings lang`): build a channel post
        `with use_locale(await ctx.lab_language(uow, lab_id))`."""
        lab = await uow.labs.get(lab_id)
        return lab.language if lab is not None else None
