"""Discord's hosts come from the settings, never from the code."""

from __future__ import annotations

import re
from pathlib import Path

import discord
import pytest
from discord.gateway import DiscordWebSocket

from adapters.discord.app import apply_endpoints
from bot.config import load_settings

ROOT = Path(__file__).resolve().parents[3]


def test_the_environment_points_discord_py_at_the_configured_hosts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCORD_API_BASE_URL", "http://127.0.0.1:9/api/v10/")
    monkeypatch.setenv("DISCORD_GATEWAY_URL", "ws://127.0.0.1:9/gateway")
    apply_endpoints(load_settings(None).discord)
    assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
    assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gateway"


def test_no_discord_host_is_written_into_the_adapter() -> None:
    host = re.compile(r"\bdiscord(?:app)?\.(?:com|gg|net|media)\b")
    offenders = [
        f"{path.relative_to(ROOT)}: {found.group()}"
        for path in sorted((ROOT / "adapters" / "discord").rglob("*.py"))
        for found in host.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
