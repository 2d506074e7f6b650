"""What an operator touches: the manifest they paste, `actionlab run --slack`, the Procfile."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from adapters.slack.app import EVENTS_PATH
from adapters.slack.oauth import REDIRECT_PATH
from bot.config import SlackSettings
from fakes.discord_api import FakeDiscord
from fakes.slack_api import REQUIRED_SCOPES, FakeSlack
from tests.adapters.discord.conftest import fake as fake_discord  # noqa: F401

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ROOT / "adapters" / "slack" / "manifest.yml"


def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_manifest_declares_what_the_adapter_uses() -> None:
    app = manifest()
    (command,) = app["features"]["slash_commands"]
    assert command["command"] == "/lab"
    assert command["should_escape"] is True  # mentions arrive as <@U123|name>
    assert command["url"].endswith(EVENTS_PATH)
    assert app["oauth_config"]["scopes"]["bot"] == SlackSettings().scopes
    assert app["oauth_config"]["redirect_urls"][0].endswith(REDIRECT_PATH)
    settings = app["settings"]
    assert settings["interactivity"] == {"is_enabled": True,
                                         "request_url": command["url"]}
    assert settings["event_subscriptions"]["request_url"] == command["url"]
    assert sorted(settings["event_subscriptions"]["bot_events"]) == [
        "app_home_opened", "app_uninstalled", "reaction_added", "tokens_revoked"]
    assert settings["socket_mode_enabled"] is False
    assert app["features"]["app_home"]["home_tab_enabled"] is True


# The Web API methods behind a slack_sdk helper the adapter calls that is not one method.
SDK_HELPERS = {"files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")}
# Scopes no Web API method needs, and what needs them.
SCOPES_FOR_OTHER_REASONS = {
    "commands": "the /lab slash command",
    "reactions:read": "the reaction_added event",
    "chat:write.public": "posting in a public channel the bot was not invited to",
    "groups:history": "conversations.history in a private channel",
    "groups:read": "conversations.info of a private channel (is the lab's channel public?)",
}


def web_api_methods() -> set[str]:
    """Every Web API method the Slack adapter's code calls, read from the code itself."""
    called: set[str] = set()
    for source in (ROOT / "adapters" / "slack").glob("*.py"):
        for helper in re.findall(r"\bclient\.([a-z]+_[A-Za-z0-9_]+)\(", source.read_text()):
            called.update(SDK_HELPERS.get(helper, (helper.replace("_", ".", 1),)))
    return called


def test_the_manifest_grants_the_scopes_the_code_needs_and_no_more() -> None:
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    called = web_api_methods()
    assert {"users.info", "chat.postEphemeral", "conversations.history",
            "files.completeUploadExternal", "files.info"} <= called  # the scan sees them
    needed = {REQUIRED_SCOPES[m] for m in called if m in REQUIRED_SCOPES}
    assert needed - granted == set()
    assert granted - needed == set(SCOPES_FOR_OTHER_REASONS)


def test_the_manifest_subscribes_to_the_events_the_adapter_handles() -> None:
    app = manifest()
    code = (ROOT / "adapters" / "slack" / "app.py").read_text()
    handled = set(re.findall(r'bolt\.event\("([a-z_.]+)"\)', code))
    if "enable_token_revocation_listeners()" in code:
        handled |= {"app_uninstalled", "tokens_revoked"}
    assert handled >= {"app_home_opened", "reaction_added"}
    assert set(app["settings"]["event_subscriptions"]["bot_events"]) == handled
    # The Messages tab takes /lab commands and shows direct messages; nothing typed there
    # is read, so there is no message.im event to ask for, and no im:history scope.
    home = app["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False
    assert "message.im" not in handled
    assert "im:history" not in app["oauth_config"]["scopes"]["bot"]


def test_the_procfile_serves_slack_on_the_platforms_port() -> None:
    lines = (ROOT / "Procfile").read_text().splitlines()
    assert "web: actionlab run --slack" in lines
    assert "release: actionlab migrate" in lines


def _actionlab(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "ACTIONLAB_", "DISCORD_")) and k not in
             ("DATABASE_URL", "HOST", "PORT")}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args], cwd=cwd, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env={**clean, "PYTHONPATH": str(ROOT), **env},
    )


def test_run_slack_without_credentials_says_what_to_set(tmp_path: Path) -> None:
    proc = _actionlab(["run", "--slack"], tmp_path, {})
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "SLACK_SIGNING_SECRET" in err
    assert "Traceback" not in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_run_slack_serves_http_until_stopped(tmp_path: Path,
                                                   fake_slack: FakeSlack) -> None:
    port = _free_port()
    proc = _actionlab(["run", "--slack"], tmp_path, {
        "SLACK_BOT_TOKEN": "xoxb-secret-token-value", "SLACK_SIGNING_SECRET": "s3cr3t-value",
        "SLACK_API_BASE_URL": fake_slack.base_url, "HOST": "127.0.0.1", "PORT": str(port),
    })
    try:
        health: dict[str, Any] = {}
        deadline = time.monotonic() + 30
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline and not health:
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                        health = await response.json()
                except aiohttp.ClientError:
                    await asyncio.sleep(0.2)
            assert health == {"ok": True, "mode": "http", "database": "ok"}
            async with session.post(f"http://127.0.0.1:{port}{EVENTS_PATH}",
                                    data=b"text=help") as unsigned:
                assert unsigned.status == 401
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "xoxb-secret-token-value" not in err and "s3cr3t-value" not in err
    assert f"listening on http://127.0.0.1:{port}/slack/events" in err


def test_run_slack_on_a_busy_port_says_so_in_one_line_and_exits_1(
    tmp_path: Path, fake_slack: FakeSlack,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        proc = _actionlab(["run", "--slack"], tmp_path, {
            "SLACK_BOT_TOKEN": "xoxb-secret-token-value", "SLACK_SIGNING_SECRET": "s3cr3t",
            "SLACK_API_BASE_URL": fake_slack.base_url, "HOST": "127.0.0.1",
            "PORT": str(port), "PYTHONWARNINGS": "default",
        })
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    # Nothing else: no traceback, no "Unclosed client session", no warning from Bolt.
    assert err.splitlines() == [
        f"actionlab: port {port} is in use on 127.0.0.1 (is another actionlab running?); "
        "set PORT to a free port"]
    assert out == ""


async def test_run_slack_with_a_discord_token_sends_to_discord_over_rest_alone(
    tmp_path: Path, fake_slack: FakeSlack, fake_discord: FakeDiscord,  # noqa: F811
) -> None:
    port = _free_port()
    proc = _actionlab(["run", "--slack"], tmp_path, {
        "SLACK_BOT_TOKEN": "xoxb-secret-token-value", "SLACK_SIGNING_SECRET": "s3cr3t-value",
        "SLACK_API_BASE_URL": fake_slack.base_url, "HOST": "127.0.0.1", "PORT": str(port),
        "DISCORD_TOKEN": fake_discord.token, "DISCORD_API_BASE_URL": fake_discord.base,
        "DISCORD_GATEWAY_URL": fake_discord.gateway,
    })
    try:
        # It logs in to Discord's REST API, as the sender of the Slack process.
        await fake_discord.wait_for(lambda r: (r.method, r.path) == ("GET", "users/@me"),
                                    within=30)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert fake_discord._ws is None  # the gateway is the worker's
    assert fake_discord.token not in err
    assert "Traceback" not in err and "intent" not in err  # nothing for the gateway's sake
