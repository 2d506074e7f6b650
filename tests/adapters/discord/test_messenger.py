"""The Messenger port on Discord, reactions for the minutes, and start-up failures."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.app import DiscordAdapter
from bot.bootstrap import App
from bot.config import ConfigError
from bot.messages import (
    Button,
    Buttons,
    Card,
    File,
    Header,
    Image,
    Place,
    Recipient,
    Reply,
    Text,
    at,
)
from bot.ports import DeliveryError
from bot.router import Call
from fakes import discord_payloads as p
from fakes.discord_api import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.adapters.discord.conftest import Bot, Launch, discord_context
from tests.conftest import T0

PLACE = Place("discord", str(GUILD_ID), str(CHANNEL_ID))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def card() -> Card:
    return Card((Header("Meeting 1"), Text(f"Starts {at(T0)}"),
                 Buttons((Button("Open", "al1:lab.members:1:1"),))), fallback="Meeting 1 soon")


async def test_post_sends_embeds_components_and_files(bot: Bot) -> None:
    chart = File("chart.png", PNG, "image/png", alt="Availability by slot")
    picture = Card((Header("Results"), Image(chart)), fallback="Results")
    ref = await bot.client.messenger.post(PLACE, picture, (File("poll.csv", b"a,b\n", "text/csv"),))
    (sent,) = bot.fake.calls("POST", rf"^channels/{CHANNEL_ID}/messages$")
    assert sorted(name for name, _ in sent.files) == ["chart.png", "poll.csv"]
    assert dict(sent.files)["chart.png"] == PNG
    assert sent.json["embeds"][0]["image"]["url"] == "attachment://chart.png"
    by_name = {a["filename"]: a for a in sent.json["attachments"]}
    assert by_name["chart.png"]["description"] == "Availability by slot"
    assert ref.platform == "discord" and ref.channel == str(CHANNEL_ID)
    assert ref.workspace == str(GUILD_ID) and ref.link and ref.message_id in ref.link


async def test_update_edits_the_message_in_place(bot: Bot) -> None:
    ref = await bot.client.messenger.post(PLACE, card())
    await bot.client.messenger.update(ref, Card((Text("Closed"),)))
    (edit,) = bot.fake.calls("PATCH", rf"^channels/{CHANNEL_ID}/messages/{ref.message_id}$")
    assert edit.json["embeds"][0]["description"] == "Closed"
    assert edit.json["components"] == []  # the old buttons go with the old card


async def test_notify_opens_a_direct_message_with_the_summary_as_text(bot: Bot) -> None:
    ref = await bot.client.messenger.notify(Recipient("discord", "discord", str(p.AMARA[0])),
                                            card())
    (opened,) = bot.fake.calls("POST", r"^users/@me/channels$")
    assert opened.json == {"recipient_id": p.AMARA[0]}
    (sent,) = bot.fake.calls("POST", r"^channels/\d+/messages$")
    assert sent.json["content"] == "Meeting 1 soon"  # what the notification shows
    assert sent.json["embeds"][0]["description"] == f"Starts <t:{int(T0.timestamp())}:F>"
    assert sent.json["components"][0]["components"][0]["custom_id"] == "al1:lab.members:1:1"
    assert ref.workspace == "@me"
    # A second reminder reuses the direct-message channel.
    await bot.client.messenger.notify(Recipient("discord", "discord", str(p.AMARA[0])), card())
    assert len(bot.fake.calls("POST", r"^users/@me/channels$")) == 1


@pytest.mark.parametrize(("status", "code", "reason"), [
    (403, 50013, "The bot lacks a permission in that channel (it needs View Channel, Send "
                 "Messages, Embed Links and Attach Files). A server admin can grant them."),
    (403, 50007, "Discord would not deliver a direct message: the person has direct messages "
                 "from server members turned off, or shares no server with the bot."),
    (400, 50035, "Discord refused the message as too long or malformed."),
    (404, 10003, "That channel or message no longer exists on Discord."),
    (400, 30001, "Discord refused the request."),  # one we have no words for
])
async def test_refusals_become_delivery_errors_in_our_own_words(
    bot: Bot, caplog: pytest.LogCaptureFixture, status: int, code: int, reason: str
) -> None:
    bot.fake.fail("POST", r"^channels/\d+/messages$", status, code=code,
                  message="Raw words from Discord")
    with caplog.at_level(logging.INFO, logger="adapters.discord.messenger"), \
            pytest.raises(DeliveryError) as caught:
        await bot.client.messenger.post(PLACE, card())
    assert (caught.value.reason, caught.value.retry_after) == (reason, None)
    assert f"HTTP {status}, code {code}: Raw words from Discord" in caplog.text


async def test_a_long_rate_limit_is_handed_back_with_retry_after(bot: Bot) -> None:
    bot.fake.fail("POST", r"^channels/\d+/messages$", 429, retry_after=120.0)
    with pytest.raises(DeliveryError) as caught:
        await bot.client.messenger.notify(Recipient("discord", "discord", "5"), card())
    assert caught.value.retry_after == 120.0
    assert "rate limiting" in caught.value.reason


async def test_a_short_rate_limit_is_waited_out_and_retried(bot: Bot) -> None:
    bot.fake.fail("POST", r"^channels/\d+/messages$", 429, retry_after=0.05)
    ref = await bot.client.messenger.post(PLACE, card())
    assert ref.message_id
    assert len(bot.fake.calls("POST", r"^channels/\d+/messages$")) == 2


# --- reactions --------------------------------------------------------------------------------


@pytest.fixture
def noted(app: App) -> list[tuple[str, str, str | None]]:
    found: list[tuple[str, str, str | None]] = []

    @app.ctx.router.reaction("memo")
    async def memo(call: Call[Any]) -> Reply:
        assert call.reaction is not None
        author = call.reaction.author.display_name if call.reaction.author else None
        found.append((call.reaction.actor.display_name, call.reaction.text, author))
        return Reply.say("Added to the minutes.")

    return found


async def lab(bot: Bot) -> None:
    await bot.send(p.slash(p.GEMMA, "setup", name="Action Lab 1"))


async def test_a_memo_reaction_reaches_the_core_with_the_message_text(
    noted: list[tuple[str, str, str | None]], launch: Launch
) -> None:
    bot = await launch()
    await lab(bot)
    said = bot.fake.message(CHANNEL_ID, {"content": "We agree to pilot in Lagos."})
    said["author"] = p.user(p.AMARA)
    start = len(bot.fake.requests)
    await bot.fake.dispatch("MESSAGE_REACTION_ADD", p.reaction(p.GEMMA, int(said["id"]), "📝"))
    dm = await bot.fake.wait_for(lambda r: r.path.startswith("channels/")
                                 and r.method == "POST", start=start)
    assert noted == [("Gemma Rhodes", "We agree to pilot in Lagos.", "Amara Okafor")]
    assert bot.fake.calls("GET", rf"^channels/{CHANNEL_ID}/messages/{said['id']}$")
    assert dm.path == f"channels/{p.GEMMA[0] + 1}/messages"  # privately, by direct message
    assert "Added to the minutes." in (dm.json["content"] or "") + str(dm.json["embeds"])


async def test_other_reactions_cost_nothing(
    noted: list[tuple[str, str, str | None]], launch: Launch
) -> None:
    bot = await launch()
    said = bot.fake.message(CHANNEL_ID, {"content": "hello"})
    await bot.fake.dispatch("MESSAGE_REACTION_ADD", p.reaction(p.GEMMA, int(said["id"]), "🎉"))
    await bot.send(p.slash(p.GEMMA, "help"))  # the gateway is processed in order
    assert noted == [] and not bot.fake.calls("GET", r"^channels/")


async def test_a_memo_without_message_content_explains_what_is_missing(
    noted: list[tuple[str, str, str | None]], launch: Launch, fake: FakeDiscord
) -> None:
    fake.grant_message_content = False
    bot = await launch()
    await lab(bot)
    said = bot.fake.message(CHANNEL_ID, {"content": ""})
    start = len(fake.requests)
    await fake.dispatch("MESSAGE_REACTION_ADD", p.reaction(p.GEMMA, int(said["id"]), "📝"))
    dm = await fake.wait_for(lambda r: r.method == "POST" and r.path.startswith("channels/"),
                             start=start)
    assert noted == []
    assert "Message Content intent" in str(dm.json["embeds"])


# --- start-up ---------------------------------------------------------------------------------


async def test_a_wrong_token_stops_with_a_clear_message(app: App, fake: FakeDiscord) -> None:
    ctx = discord_context(app.ctx, fake)
    adapter = DiscordAdapter(ctx, token="not-the-token")
    with pytest.raises(ConfigError, match="Discord refused DISCORD_TOKEN"):
        await asyncio.wait_for(adapter.run(), 10)


async def test_no_token_is_a_config_error(app: App) -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        DiscordAdapter(app.ctx)


async def test_actionlab_run_discord_exits_non_zero_on_a_wrong_token(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[3]),
           "DISCORD_TOKEN": "wrong", "DISCORD_API_BASE_URL": fake.base,
           "DISCORD_GATEWAY_URL": fake.gateway,
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--discord", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2, err.decode()
    assert "Discord refused DISCORD_TOKEN" in err.decode()
    assert "wrong" not in err.decode().replace("wrong token", "")  # the secret is not echoed
    assert fake.calls("GET", "^users/@me$")  # it asked the fake, not Discord


async def test_actionlab_run_discord_without_a_token_says_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    env["PYTHONPATH"] = str(Path(__file__).parents[3])
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--discord", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2 and "DISCORD_TOKEN is not set" in err.decode()


async def test_a_memo_reaction_adds_the_message_to_the_open_minutes(bot: Bot) -> None:
    await lab(bot)
    rec = await bot.send(p.slash(p.GEMMA, "minutes", "start"))
    assert "Traceback" not in str(rec.json)
    said = bot.fake.message(CHANNEL_ID, {"content": "We agree to pilot in Lagos."})
    said["author"] = p.user(p.AMARA)
    start = len(bot.fake.requests)
    await bot.fake.dispatch("MESSAGE_REACTION_ADD", p.reaction(p.GEMMA, int(said["id"]), "📝"))
    await bot.fake.wait_for(lambda r: r.method == "GET" and r.path.endswith(said["id"]),
                            start=start)
    for _ in range(100):
        rec = await bot.send(p.slash(p.GEMMA, "minutes", "show"))
        if "We agree to pilot in Lagos." in str(rec.json):
            break
        await asyncio.sleep(0.05)
    assert "We agree to pilot in Lagos." in str(rec.json)
