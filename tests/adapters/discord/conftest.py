"""Fixtures for the Discord adapter: the fake Discord, and the real client logged in to it."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket
from pydantic import SecretStr

from adapters.discord.app import DiscordAdapter
from adapters.discord.client import SHARED, LabClient
from bot.bootstrap import App
from bot.config import DiscordSettings
from bot.context import Context
from fakes.discord_api import EPHEMERAL, FakeDiscord, Recorded


@pytest.fixture(autouse=True)
def _restore_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter points discord.py's class attributes at the fake; put them back after."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


def discord_context(ctx: Context, fake: FakeDiscord, **discord_settings: Any) -> Context:
    settings = ctx.settings.model_copy(update={
        "discord": DiscordSettings(api_base_url=fake.base, gateway_url=fake.gateway,
                                   **discord_settings),
        "discord_token": SecretStr(fake.token),
    })
    return dataclasses.replace(ctx, settings=settings)


# Interaction callback types: a new message, and the two that only acknowledge ("thinking…",
# a message to come; a deferred update, the control's message may change later), and an
# update of the control's message.
CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
# How long a test waits for the client to finish answering one interaction.
ANSWER_WITHIN = 15.0
# ACTIONLAB_TEST_DEFER_AFTER=0 makes every client defer every answer (unless a test sets its
# own `defer_after`), as a busy machine would: the tests must pass the same either way. Read
# once, here: each test runs with the ACTIONLAB_ variables cleared (tests/conftest.py).
FORCED_DEFER = os.environ.get("ACTIONLAB_TEST_DEFER_AFTER") or None


class Bot:
    """The real discord.py client, logged in to the fake; send it interactions."""

    def __init__(self, fake: FakeDiscord, adapter: DiscordAdapter, task: asyncio.Task[None]
                 ) -> None:
        self.fake = fake
        self.adapter = adapter
        self.task = task
        self._answered: dict[int, asyncio.Event] = {}
        self._watched: set[int] = set()  # the clients whose answers are watched (by id())
        self._final_message: dict[int, int] = {}  # interaction id -> its answer's message

    @property
    def client(self) -> LabClient:
        assert self.adapter.client is not None
        return self.adapter.client

    async def send(self, payload: dict[str, Any]) -> Recorded:
        """Dispatch an interaction; the bot's answer to it, as a quiet machine gives it.

        When the client deferred (its work outlasted `defer_after`), the answer is the edit
        of the original response or the follow-up that completes the deferral, presented as
        the callback it stands for: a new message (4) or an update of the control's message
        (7). So a test asserts the same on a quiet or a busy machine."""
        self._watch_answers()
        first = await self.send_first(payload)
        kind = int((first.json or {}).get("type") or 0)
        if kind not in (DEFERRED_MESSAGE, DEFERRED_UPDATE):
            return first
        iid = int(payload["id"])
        answered = self._answered.setdefault(iid, asyncio.Event())
        await asyncio.wait_for(answered.wait(), ANSWER_WITHIN)
        return self._completion(payload, first, kind)

    async def send_first(self, payload: dict[str, Any]) -> Recorded:
        """Dispatch an interaction; the first callback the bot sends for it (a deferral,
        when the work is slow: for the tests about deferring itself)."""
        await self.fake.interact(payload)
        return await self.fake.callback(int(payload["id"]))

    def _watch_answers(self) -> None:
        """Note when the client has finished answering each interaction (delivery and
        follow-ups included), so `send` waits for the end, never for a guessed delay."""
        client = self.client
        if id(client) in self._watched:
            return
        self._watched.add(id(client))
        answer = client.answer

        async def answer_and_note(interaction: discord.Interaction[Any], inbound: Any) -> None:
            try:
                await answer(interaction, inbound)
            finally:
                self._answered.setdefault(interaction.id, asyncio.Event()).set()

        client.answer = answer_and_note  # type: ignore[method-assign]

    def _completion(self, payload: dict[str, Any], first: Recorded, kind: int) -> Recorded:
        iid, token = int(payload["id"]), str(payload["token"])
        at = next(i for i, r in enumerate(self.fake.requests) if r is first)
        later = self.fake.requests[at + 1:]
        ours = [r for r in later if r.path.startswith("webhooks/")
                and r.path.split("/")[2] == token]
        edits = [r for r in ours if r.method == "PATCH" and r.path.endswith("/@original")]
        follows = [r for r in ours if r.method == "POST" and r.path.count("/") == 2]
        followed = self.fake.followups.get(iid, [])
        if kind == DEFERRED_MESSAGE:
            # "thinking…" ends in an edit (a private answer), or in "shared below" and the
            # public answer as a follow-up; a refusal after deferring is a follow-up alone.
            if edits and _content(edits[0]) != SHARED:
                original = self.fake.messages.get(self.fake.original.get(iid, 0)) or {}
                private = int(original.get("flags") or 0) & EPHEMERAL
                return _as_callback(edits[0], iid, token, CHANNEL_MESSAGE, flags=private)
            if follows:
                if followed:
                    self._final_message[iid] = followed[0]
                return _as_callback(follows[0], iid, token, CHANNEL_MESSAGE)
        else:
            # A deferred update ends in an edit of the control's message, or in a new
            # (private) message; with neither, the acknowledgement was the whole answer.
            if edits:
                return _as_callback(edits[0], iid, token, UPDATE_MESSAGE)
            if follows:
                if followed:
                    self._final_message[iid] = followed[0]
                return _as_callback(follows[0], iid, token, CHANNEL_MESSAGE)
        return first

    def message(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The message the interaction's answer created or updated."""
        iid = int(payload["id"])
        return self.fake.messages[self._final_message.get(iid) or self.fake.original[iid]]

    async def stop(self) -> None:
        await self.adapter.stop()
        await asyncio.wait_for(self.task, 10)


def _content(rec: Recorded) -> str:
    return str((rec.json or {}).get("content") or "")


def _as_callback(rec: Recorded, iid: int, token: str, kind: int, *, flags: int = 0
                 ) -> Recorded:
    """A webhook request that completed a deferral, as the interaction callback it stands
    for: its message in `data`, its files kept."""
    data = dict(rec.json or {})
    if flags or "flags" in data:
        data["flags"] = int(data.get("flags") or 0) | flags
    return Recorded("POST", f"interactions/{iid}/{token}/callback",
                    {"type": kind, "data": data}, list(rec.files), dict(rec.query), rec.at)


Launch = Callable[..., Awaitable[Bot]]


@pytest.fixture
async def launch(app: App, fake: FakeDiscord) -> AsyncIterator[Launch]:
    """Start the adapter against the fake (after any test-only commands are registered)."""
    bots: list[Bot] = []

    async def start(*, sync_commands: bool = True, dev_guild_id: int | None = None,
                    on: App | None = None, **options: Any) -> Bot:
        """`on`: another App (a restart on the same database, say) instead of the test's."""
        if FORCED_DEFER is not None and "defer_after" not in options:
            options["defer_after"] = float(FORCED_DEFER)
        ctx = discord_context((on or app).ctx, fake, sync_commands=sync_commands,
                              dev_guild_id=dev_guild_id)
        adapter = DiscordAdapter(ctx, **options)
        fake._ready.clear()
        task = asyncio.create_task(adapter.run())
        await fake.wait_ready()
        for _ in range(500):
            if adapter.client is not None and adapter.client.user is not None:
                break
            await asyncio.sleep(0.01)
        bot = Bot(fake, adapter, task)
        bots.append(bot)
        return bot

    yield start
    for bot in bots:
        if not bot.task.done():
            await bot.stop()


@pytest.fixture
async def bot(launch: Launch) -> Bot:
    return await launch()
