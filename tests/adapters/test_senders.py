"""Two processes, one database: each sends to the platform the other serves, over REST only.

The Procfile's `web` process serves Slack and its `worker` serves Discord. A lab with a
channel on each hears everything in both, whichever process does the posting.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from adapters.discord.app import DiscordSender
from adapters.slack.app import SlackAdapter, SlackSender
from bot import action_ids
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.compose import senders_to_run
from bot.config import DiscordSettings, Settings
from bot.context import Context
from bot.messages import Button, Buttons, Card, Place, Recipient, Text
from bot.scheduling import ManualJobs
from fakes.discord_api import CHANNEL_ID, GUILD_ID, FakeDiscord
from fakes.slack_api import FakeSlack
from tests.adapters.discord.conftest import _restore_endpoints, fake  # noqa: F401
from tests.adapters.slack.conftest import Slack, fake_slack, slack_settings  # noqa: F401

DISCORD_PLACE = Place("discord", str(GUILD_ID), str(CHANNEL_ID))


def both(settings: Settings, slack: FakeSlack, discord: FakeDiscord) -> Settings:
    return slack_settings(settings, slack).model_copy(update={
        "discord": DiscordSettings(api_base_url=discord.base, gateway_url=discord.gateway),
        "discord_token": SecretStr(discord.token),
    })


@pytest.fixture
async def app(settings: Settings, fake_slack: FakeSlack, fake: FakeDiscord,  # noqa: F811
              clock: SettableClock, jobs: ManualJobs) -> AsyncIterator[App]:
    application = await create_app(both(settings, fake_slack, fake), clock=clock, jobs=jobs,
                                   migrate=True)
    yield application
    await application.close()


async def running(adapter: Any, ctx: Context, platform: str) -> asyncio.Task[None]:
    task = asyncio.create_task(adapter.run())
    for _ in range(500):
        if ctx.messengers.has(platform):
            break
        await asyncio.sleep(0.01)
    return task


async def stopped(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def test_each_process_sends_to_the_platform_it_does_not_serve(settings: Settings) -> None:
    creds = settings.model_copy(update={"slack_bot_token": SecretStr("xoxb-1"),
                                        "discord_token": SecretStr("d")})
    assert senders_to_run(creds, slack=True, discord=False) == {"discord"}
    assert senders_to_run(creds, slack=False, discord=True) == {"slack"}
    assert senders_to_run(creds, slack=True, discord=True) == set()  # it serves both
    assert senders_to_run(creds, slack=False, discord=False) == set()  # the console
    assert senders_to_run(settings, slack=True, discord=False) == set()  # no Discord token


async def test_the_discord_sender_posts_over_rest_without_the_gateway(
    app: App, fake: FakeDiscord,  # noqa: F811
) -> None:
    task = await running(DiscordSender(app.ctx), app.ctx, "discord")
    try:
        members = action_ids.encode("lab.members", 1)
        await app.ctx.messengers.post(DISCORD_PLACE, Card((
            Text("Meeting 1 in an hour"), Buttons((Button("Members", members),)))))
        (sent,) = fake.calls("POST", rf"^channels/{CHANNEL_ID}/messages$")
        assert sent.json["embeds"][0]["description"] == "Meeting 1 in an hour"
        # Its button is answered by the worker, which runs the gateway: the id says it all.
        assert sent.json["components"][0]["components"][0]["custom_id"] == members
        assert fake._ws is None  # logged in over REST; the gateway is the worker's
    finally:
        await stopped(task)


async def test_a_refused_discord_token_leaves_discord_to_its_own_process(
    app: App, fake: FakeDiscord, caplog: pytest.LogCaptureFixture,  # noqa: F811
) -> None:
    task = asyncio.create_task(DiscordSender(app.ctx, token="not-the-token").run())
    await asyncio.sleep(0.3)
    assert not task.done()  # the process serves Slack on regardless
    assert not app.ctx.messengers.has("discord")
    assert "could not log in to Discord" in caplog.text and "not-the-token" not in caplog.text
    await stopped(task)


async def test_the_slack_sender_sends_a_direct_message(app: App,
                                                       fake_slack: FakeSlack) -> None:  # noqa: F811
    task = await running(SlackSender(app.ctx), app.ctx, "slack")
    try:
        await app.ctx.messengers.notify(Recipient("slack", "T1", "UAMARA"),
                                        Card((Text("Vote #1 closes in an hour"),)))
        assert fake_slack.methods()[:2] == ["conversations.open", "chat.postMessage"]
        assert fake_slack.last("chat.postMessage").token == "xoxb-test-token"
    finally:
        await stopped(task)


async def test_an_announcement_in_the_slack_process_reaches_the_labs_discord_channel(
    app: App, fake_slack: FakeSlack, fake: FakeDiscord,  # noqa: F811
) -> None:
    adapter = SlackAdapter(app.ctx, processing_waits=(0.01,), max_wait=2.0)
    port = await adapter.start()
    sender = await running(DiscordSender(app.ctx), app.ctx, "discord")
    try:
        async with aiohttp.ClientSession() as session:
            slack = Slack(adapter, fake_slack, int(port or 0), session)
            await slack.command("UGEMMA", 'setup "Action Lab 1"')
            async with app.ctx.uow() as uow:  # the lab's second channel, on Discord
                await uow.labs.bind(1, "discord", str(GUILD_ID), str(CHANNEL_ID),
                                    app.ctx.clock.now())
                await uow.commit()
            await slack.command("UAMARA", "join")
            await slack.click("UAMARA", fake_slack.last("response_url"), "I accept and join")
        (posted,) = fake.calls("POST", rf"^channels/{CHANNEL_ID}/messages$")
        assert "joined Action Lab 1" in posted.json["embeds"][0]["description"]
        assert "joined Action Lab 1" in fake_slack.last("chat.postMessage").args["text"]
    finally:
        await stopped(sender)
        await adapter.stop()
