"""The Slack adapter under test: the real AsyncApp on real HTTP (127.0.0.1, port 0), driven
by requests signed exactly as Slack signs them, talking to the fake Slack."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
import yaml
from pydantic import SecretStr

from adapters.slack.app import SlackAdapter
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import Settings
from bot.scheduling import ManualJobs
from fakes.slack_api import Call, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"


def sign(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    """Slack's request signature: v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>")."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Sent:
    status: int
    body: str
    elapsed: float

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Slack:
    """Plays Slack's part: sends signed slash commands, clicks, form submissions, events."""

    def __init__(self, adapter: SlackAdapter, fake: FakeSlack, port: int,
                 session: aiohttp.ClientSession) -> None:
        self.adapter = adapter
        self.fake = fake
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.session = session
        self._responses = 0
        self._triggers = 0
        self.answer_to: dict[str, str] = {}  # response_url token -> the user it answers

    async def post(self, body: bytes, content_type: str, *, headers: dict[str, str] | None = None,
                   timestamp: str | None = None, signature: str | None = None,
                   wait: bool = True) -> Sent:
        ts = timestamp if timestamp is not None else str(int(time.time()))
        sent_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                        "X-Slack-Signature": signature if signature is not None
                        else sign(body, ts)}
        sent_headers.update(headers or {})
        started = time.perf_counter()
        async with self.session.post(self.url, data=body, headers=sent_headers) as response:
            text = await response.text()
            sent = Sent(response.status, text, time.perf_counter() - started)
        if wait:
            await self.adapter.idle()
        return sent

    def response_url(self, user: str = "") -> str:
        self._responses += 1
        self.answer_to[f"r{self._responses}"] = user
        return self.fake.url(f"/response/r{self._responses}")

    def trigger(self) -> str:
        self._triggers += 1
        return f"trigger-{self._triggers}"

    def command_body(self, user: str, text: str, channel: str = "C1", team: str = "T1",
                     ) -> dict[str, str]:
        return {
            "token": "legacy", "team_id": team, "team_domain": "lab", "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "lab",
            "user_id": user, "user_name": user.lower(), "command": "/lab", "text": text,
            "api_app_id": "A1", "is_enterprise_install": "false",
            "response_url": self.response_url(user), "trigger_id": self.trigger(),
        }

    async def command(self, user: str, text: str, channel: str = "C1", team: str = "T1",
                      **kwargs: Any) -> Sent:
        body = urlencode(self.command_body(user, text, channel, team)).encode()
        return await self.post(body, "application/x-www-form-urlencoded", **kwargs)

    async def interact(self, payload: dict[str, Any], **kwargs: Any) -> Sent:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post(body, "application/x-www-form-urlencoded", **kwargs)

    async def event(self, event: dict[str, Any], event_id: str = "Ev1", team: str = "T1",
                    **kwargs: Any) -> Sent:
        body = json.dumps({
            "token": "legacy", "team_id": team, "api_app_id": "A1", "event": event,
            "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
        }).encode()
        return await self.post(body, "application/json", **kwargs)

    # --- controls on what the bot sent ---------------------------------------------------------

    @staticmethod
    def find(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
        """The button (by its label) or select (by its placeholder) in rendered blocks."""
        for block in blocks:
            for element in block.get("elements", []) if block["type"] == "actions" else []:
                text = (element.get("text") or element.get("placeholder") or {}).get("text")
                if text == label:
                    return element
        raise AssertionError(f"no control {label!r} in {json.dumps(blocks)[:500]}")

    def block_actions(self, user: str, sent: Call, label: str, *, choose: list[str] | None = None,
                      channel: str = "C1", ephemeral: bool = True, message_ts: str = "1.000001",
                      action_ts: str | None = None, team: str = "T1") -> dict[str, Any]:
        blocks = sent.args["blocks"]
        if isinstance(blocks, str):  # a posted message's blocks come as JSON text
            blocks = json.loads(blocks)
        element = self.find(blocks, label)
        action: dict[str, Any] = {"action_id": element["action_id"], "block_id": "b1",
                                  "type": element["type"],
                                  "action_ts": action_ts or f"{time.time():.6f}"}
        if element["type"] == "button":
            action["text"] = element["text"]
        elif element["type"] == "static_select":
            option = next(o for o in element["options"] if o["value"] == (choose or [""])[0])
            action["selected_option"] = option
        else:
            action["selected_options"] = [o for o in element["options"]
                                          if o["value"] in (choose or [])]
        return {
            "type": "block_actions", "user": {"id": user, "username": user.lower(),
                                              "name": user.lower(), "team_id": team},
            "api_app_id": "A1", "token": "legacy", "trigger_id": self.trigger(),
            "team": {"id": team, "domain": "lab"}, "enterprise": None,
            "is_enterprise_install": False, "channel": {"id": channel, "name": "lab"},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                          "is_ephemeral": ephemeral},
            "message": {"ts": message_ts, "blocks": blocks},
            "response_url": self.response_url(user), "actions": [action],
            "state": {"values": {}},
        }

    async def open_vote(self, user: str, text: str, channel: str = "C1") -> Sent:
        """`/lab vote new ...`, then "Open the vote" on the private preview it answers with
        (nothing is posted before); a refusal is left as it is."""
        await self.command(user, text, channel)
        return await self.open_previewed(user, channel)

    async def open_previewed(self, user: str, channel: str = "C1") -> Sent:
        """Press "Open the vote" on the last private answer, if it is a vote's preview."""
        preview = self.fake.last("response_url")
        if "Open the vote" not in json.dumps(preview.args.get("blocks") or []):
            return Sent(200, "", 0.0)
        return await self.click(user, preview, "Open the vote", channel=channel)

    async def click(self, user: str, sent: Call, label: str, **kwargs: Any) -> Sent:
        wait = kwargs.pop("wait", True)
        return await self.interact(self.block_actions(user, sent, label, **kwargs), wait=wait)

    def submission(self, user: str, view: dict[str, Any], values: dict[str, str],
                   team: str = "T1", view_id: str = "V1") -> dict[str, Any]:
        state = {name: {name: {"type": "plain_text_input", "value": value}}
                 for name, value in values.items()}
        return {
            "type": "view_submission", "team": {"id": team, "domain": "lab"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(),
                     "team_id": team},
            "api_app_id": "A1", "token": "legacy", "trigger_id": self.trigger(),
            "view": {**view, "id": view_id, "team_id": team, "hash": "h1",
                     "state": {"values": state}},
            "response_urls": [],
        }


MANIFEST = Path(__file__).resolve().parents[3] / "adapters" / "slack" / "manifest.yml"


def manifest_scopes() -> set[str]:
    """The bot scopes an operator grants by pasting the app manifest."""
    return set(yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["oauth_config"]["scopes"][
        "bot"])


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    fake.scopes = manifest_scopes()  # a call the manifest does not allow fails, as on Slack
    await fake.start()
    yield fake
    await fake.stop()


def slack_settings(settings: Settings, fake: FakeSlack, **slack: Any) -> Settings:
    section = settings.slack.model_copy(update={
        "api_base_url": fake.base_url, "host": "127.0.0.1", "port": 0, **slack})
    return settings.model_copy(update={
        "slack": section, "slack_bot_token": SecretStr(TOKEN),
        "slack_signing_secret": SecretStr(SECRET),
    })


@pytest.fixture
async def slack_app(settings: Settings, fake_slack: FakeSlack, clock: SettableClock,
                    jobs: ManualJobs) -> AsyncIterator[App]:
    application = await create_app(slack_settings(settings, fake_slack), clock=clock,
                                   jobs=jobs, migrate=True)
    yield application
    await application.close()


@pytest.fixture
async def slack(slack_app: App, fake_slack: FakeSlack) -> AsyncIterator[Slack]:
    adapter = SlackAdapter(slack_app.ctx, processing_waits=(0.01, 0.01, 0.01), max_wait=2.0)
    port = await adapter.start()
    assert port is not None
    async with aiohttp.ClientSession() as session:
        yield Slack(adapter, fake_slack, port, session)
    await adapter.stop()


@pytest.fixture
async def lab(slack: Slack) -> Slack:
    """A lab in C1: Gemma facilitates, Amara and Zoë are members; calls so far forgotten."""
    await slack.command("UGEMMA", 'setup "Action Lab 1"')
    for user in ("UAMARA", "UZOE"):
        await slack.command(user, "join")
        await slack.click(user, slack.fake.last("response_url"), "I accept and join")
    slack.fake.clear()
    return slack
