"""Socket Mode: the adapter opens a WebSocket (apps.connections.open), acks each envelope on
it, and answers through the same core and the same Web API as over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.slack.app import SlackAdapter
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import Settings
from bot.messages import Reply
from bot.router import Call, Router
from bot.scheduling import ManualJobs
from fakes.slack_api import FakeSlack
from tests.adapters.slack.conftest import slack_settings


@pytest.fixture
async def socket_app(settings: Settings, fake_slack: FakeSlack, clock: SettableClock,
                     jobs: ManualJobs) -> AsyncIterator[App]:
    configured = slack_settings(settings, fake_slack, socket_mode=True).model_copy(update={
        "slack_app_token": SecretStr("xapp-1-test"), "slack_signing_secret": None})
    application = await create_app(configured, clock=clock, jobs=jobs, migrate=True)
    yield application
    await application.close()


def command(text: str, user: str, fake: FakeSlack, n: int) -> dict[str, Any]:
    return {
        "team_id": "T1", "channel_id": "C1", "channel_name": "lab", "user_id": user,
        "user_name": user.lower(), "command": "/lab", "text": text, "api_app_id": "A1",
        "response_url": fake.url(f"/response/s{n}"), "trigger_id": f"st{n}",
    }


async def test_commands_and_events_over_socket_mode(socket_app: App, fake_slack: FakeSlack,
                                                    clock: SettableClock) -> None:
    seen: list[str] = []
    extra = Router()

    @extra.reaction("memo")
    async def memo(call: Call[Any]) -> Reply:
        assert call.reaction is not None
        seen.append(call.reaction.text)
        return Reply.say("Added to the minutes.")

    # Stand in for the minutes feature's handler, to see exactly what reaches the core.
    socket_app.ctx.router.reactions.update(extra.reactions)
    adapter = SlackAdapter(socket_app.ctx)
    assert await adapter.start() is None  # no HTTP listener in Socket Mode
    try:
        opened = fake_slack.last("apps.connections.open")
        assert opened.token == "xapp-1-test"
        await fake_slack.push({"envelope_id": "env-1", "type": "slash_commands",
                               "accepts_response_payload": True,
                               "payload": command('setup "Socket Lab"', "UGEMMA", fake_slack, 1)})
        assert await fake_slack.wait_for_ack("env-1") == {"envelope_id": "env-1"}
        (reply,) = await fake_slack.wait_for("response_url")
        assert reply.args["response_type"] == "in_channel"
        assert reply.args["blocks"][0]["text"]["text"] == "Socket Lab is set up"

        fake_slack.messages["C1"].append({"ts": "5.5", "user": "UGEMMA", "text": "Decided"})
        event = {"token": "t", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                 "event_id": "EvS1", "event_time": 1, "event": {
                     "type": "reaction_added", "user": "UGEMMA", "reaction": "memo",
                     "item_user": "UGEMMA",
                     "item": {"type": "message", "channel": "C1", "ts": "5.5"}}}
        for attempt, envelope in enumerate(("env-2", "env-3")):
            await fake_slack.push({"envelope_id": envelope, "type": "events_api",
                                   "accepts_response_payload": False, "payload": event,
                                   "retry_attempt": attempt, "retry_reason": "timeout"
                                   if attempt else ""})
            await fake_slack.wait_for_ack(envelope)
        await adapter.idle()
        assert seen == ["Decided"]  # the retried envelope was recognised
        assert fake_slack.last("chat.postEphemeral").args["text"] == "Added to the minutes."
    finally:
        await adapter.stop()
