"""Fixtures for the Discord adapter: the fake Discord, and the real client logged in to it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket
from pydantic import SecretStr

from adapters.discord.app import DiscordAdapter
from adapters.discord.client import LabClient
from bot.bootstrap import App
from bot.config import DiscordSettings
from bot.context import Context
from fakes.discord_api import FakeDiscord, Recorded


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


class Bot:
    """The real discord.py client, logged in to the fake; send it interactions."""

    def __init__(self, fake: FakeDiscord, adapter: DiscordAdapter, task: asyncio.Task[None]
                 ) -> None:
        self.fake = fake
        self.adapter = adapter
        self.task = task

    @property
    def client(self) -> LabClient:
        assert self.adapter.client is not None
        return self.adapter.client

    async def send(self, payload: dict[str, Any]) -> Recorded:
        """Dispatch an interaction; the first callback the bot sends for it."""
        await self.fake.interact(payload)
        return await self.fake.callback(int(payload["id"]))

    def message(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The message the interaction's response created or updated."""
        return self.fake.messages[self.fake.original[int(payload["id"])]]

    async def stop(self) -> None:
        await self.adapter.stop()
        await asyncio.wait_for(self.task, 10)


Launch = Callable[..., Awaitable[Bot]]


@pytest.fixture
async def launch(app: App, fake: FakeDiscord) -> AsyncIterator[Launch]:
    """Start the adapter against the fake (after any test-only commands are registered)."""
    bots: list[Bot] = []

    async def start(*, sync_commands: bool = True, dev_guild_id: int | None = None,
                    on: App | None = None, **options: Any) -> Bot:
        """`on`: another App (a restart on the same database, say) instead of the test's."""
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
