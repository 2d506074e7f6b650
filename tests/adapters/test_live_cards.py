"""Live cards through the real adapters and the fakes: a lab with a Slack channel and a
Discord channel, a poll or vote card posted in both, redrawn in place as members answer on
either platform, coalesced, honouring Retry-After, forgotten once a person deletes it, and
picked up again after a restart."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from adapters.discord.app import DiscordAdapter
from adapters.slack.app import SlackAdapter
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import Settings
from bot.features import live
from bot.scheduling import ManualJobs
from fakes import discord_payloads as p
from fakes.discord_api import CHANNEL_ID, GUILD_ID, FakeDiscord
from fakes.slack_api import FakeSlack
from storage.models import PostedCard
from tests.adapters.discord.conftest import (  # noqa: F401
    Bot,
    _restore_endpoints,
    fake,
)
from tests.adapters.slack.conftest import Slack, fake_slack  # noqa: F401
from tests.adapters.test_senders import both

# Mon 11 and Tue 12 Jan 2027, 13:00-15:00 London: four hourly slots.
SMALL = "poll new Meeting 1 2027-01-11..2027-01-12 window 13:00-15:00"
PATCHES = rf"^channels/{CHANNEL_ID}/messages/\d+$"


@pytest.fixture
async def app(settings: Settings, fake_slack: FakeSlack, fake: FakeDiscord,  # noqa: F811
              clock: SettableClock, jobs: ManualJobs) -> AsyncIterator[App]:
    application = await create_app(both(settings, fake_slack, fake), clock=clock, jobs=jobs,
                                   migrate=True)
    yield application
    await application.close()


class Lab:
    """Slack served over HTTP and Discord over its gateway, both on one App."""

    def __init__(self, app: App, slack: Slack, bot: Bot) -> None:
        self.app, self.slack, self.bot = app, slack, bot

    @property
    def jobs(self) -> ManualJobs:
        assert isinstance(self.app.ctx.jobs, ManualJobs)
        return self.app.ctx.jobs

    async def settle(self, clock: SettableClock, seconds: float = 10) -> None:
        """Let the redrawer's timers fire over the next `seconds` (of the test clock)."""
        await self.jobs.run_until(clock, clock.now() + timedelta(seconds=seconds))


@pytest.fixture
async def both_labs(app: App, fake_slack: FakeSlack, fake: FakeDiscord,  # noqa: F811
                    ) -> AsyncIterator[Lab]:
    adapter = SlackAdapter(app.ctx, processing_waits=(0.01,), max_wait=2.0)
    port = await adapter.start()
    discord_adapter = DiscordAdapter(app.ctx)
    fake._ready.clear()
    task = asyncio.create_task(discord_adapter.run())
    await fake.wait_ready()
    for _ in range(500):
        if discord_adapter.client is not None and discord_adapter.client.user is not None:
            break
        await asyncio.sleep(0.01)
    bot = Bot(fake, discord_adapter, task)
    async with aiohttp.ClientSession() as session:
        slack = Slack(adapter, fake_slack, int(port or 0), session)
        await slack.command("UGEMMA", 'setup "Action Lab 1"')
        async with app.ctx.uow() as uow:  # the lab's second channel, on Discord
            await uow.labs.bind(1, "discord", str(GUILD_ID), str(CHANNEL_ID),
                                app.ctx.clock.now())
            await uow.commit()
        await slack.command("UAMARA", "join")
        await slack.click("UAMARA", fake_slack.last("response_url"), "I accept and join")
        join = p.slash(p.ZOE, "join")
        await bot.send(join)
        for _ in range(250):
            if bot.message(join).get("components"):
                break
            await asyncio.sleep(0.02)
        accept = p.find_control(bot.message(join), "I accept")
        await bot.send(p.component(p.ZOE, bot.message(join), accept["custom_id"]))
        await bot.send(p.slash(p.ZOE, "tz", zone="America/Sao_Paulo"))
        fake_slack.clear()
        yield Lab(app, slack, bot)
    await bot.stop()
    await adapter.stop()


def blocks_text(blocks: Any) -> str:
    found = json.loads(blocks) if isinstance(blocks, str) else blocks
    return json.dumps(found, ensure_ascii=False)


def embeds_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("embeds") or [], ensure_ascii=False)


async def slack_card(lab: Lab, heading: str) -> dict[str, Any]:
    """The card the bot posted in C1, as the fake now holds it (redrawn or not)."""
    for _ in range(250):
        found = [m for m in lab.slack.fake.messages["C1"] if m.get("text") == heading]
        if found:
            return found[-1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no {heading!r} in C1")


async def discord_card(lab: Lab, heading: str) -> dict[str, Any]:
    for _ in range(250):
        found = [m for m in lab.bot.fake.messages.values()
                 if m["channel_id"] == str(CHANNEL_ID)
                 and any(e.get("title") == heading for e in m.get("embeds") or [])]
        if found:
            return found[-1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no {heading!r} on Discord")


async def discord_all_yes(lab: Lab, who: tuple[int, str], card: dict[str, Any]) -> None:
    """`who` presses Answer on the channel's card, then All yes on each day."""
    press = p.component(who, card, p.find_control(card, "Answer")["custom_id"])
    await lab.bot.send(press)
    for _ in range(2):
        mine = lab.bot.message(press)
        yes = p.component(who, mine, p.find_control(mine, "All yes")["custom_id"])
        await lab.bot.send(yes)
        after = lab.bot.message(yes)
        if not any(c.get("label") == "Next day ▶" for row in after.get("components") or []
                   for c in row.get("components") or []):
            return
        press = p.component(who, after, p.find_control(after, "Next day ▶")["custom_id"])
        await lab.bot.send(press)


async def card_rows(app: App) -> list[PostedCard]:
    async with app.ctx.uow() as uow:
        return list(await uow.session.scalars(select(PostedCard).order_by(PostedCard.id)))


async def test_a_poll_card_is_redrawn_in_place_on_slack_and_discord_after_answers_from_both(
    both_labs: Lab, clock: SettableClock,
) -> None:
    lab = both_labs
    await lab.slack.command("UGEMMA", SMALL)
    slack_before = await slack_card(lab, "Poll #1: Meeting 1")
    discord_before = await discord_card(lab, "Poll #1: Meeting 1")
    rows = await card_rows(lab.app)
    assert sorted(r.platform for r in rows) == ["discord", "slack"]  # both remembered
    assert "Answered" not in blocks_text(slack_before["blocks"])

    # Amara answers on Slack, Zoë on Discord, both within the few seconds of one edit.
    await lab.slack.command("UAMARA", "poll answer 1 1-4 yes")
    await discord_all_yes(lab, p.ZOE, discord_before)
    await lab.settle(clock)

    # One edit each, in place: the same message, now showing who has answered.
    updates = lab.slack.fake.of("chat.update")
    assert len(updates) == 1
    assert (updates[0].args["channel"], updates[0].args["ts"]) == ("C1", slack_before["ts"])
    slack_after = lab.slack.fake.message("C1", slack_before["ts"])
    assert slack_after is not None
    shown = blocks_text(slack_after["blocks"])
    assert "Answered: 2 of 3" in shown and "Amara Okafor" in shown and "Zoë" in shown
    assert "Not answered yet: Gemma" in shown
    patches = lab.bot.fake.calls("PATCH", PATCHES)
    assert [r.path.rsplit("/", 1)[1] for r in patches] == [discord_before["id"]]
    discord_after = lab.bot.fake.messages[int(discord_before["id"])]
    assert "Answered: 2 of 3" in embeds_text(discord_after)
    assert discord_after["edited_timestamp"] is not None

    # Nothing changed since: no more edits, however long one waits.
    await lab.settle(clock, 60)
    assert len(lab.slack.fake.of("chat.update")) == 1
    assert len(lab.bot.fake.calls("PATCH", PATCHES)) == 1

    # Closing is a change of status: the card says so, and loses its Answer button.
    await lab.slack.command("UGEMMA", "poll close 1")
    await lab.settle(clock)
    closed = lab.slack.fake.message("C1", slack_before["ts"])
    assert closed is not None
    assert "Closed: answers can no longer change" in blocks_text(closed["blocks"])
    assert '"Answer"' not in blocks_text(closed["blocks"])


async def test_a_hidden_votes_card_shows_turnout_and_never_a_count(
    both_labs: Lab, clock: SettableClock,
) -> None:
    lab = both_labs
    await lab.slack.open_vote("UGEMMA", 'vote new "Where do we pilot?" options Lagos "São Paulo" '
                                      "London")
    heading = "Vote #1: Where do we pilot? (open)"
    before = await slack_card(lab, heading)
    await lab.slack.command("UAMARA", "rank 1 3 1 2")
    await lab.slack.command("UGEMMA", "rank 1 3 2 1")
    await lab.settle(clock)
    after = lab.slack.fake.message("C1", before["ts"])
    assert after is not None
    shown = blocks_text(after["blocks"])
    assert "2 of 3 members have voted" in shown
    # No count, no round, no leader, and nobody named as having voted (or not).
    for never in ("live count", "result", "Round", "Amara", "Gemma", "Not voted yet"):
        assert never not in shown, never
    discord = await discord_card(lab, "Vote #1: Where do we pilot?")
    assert "2 of 3 members have voted" in embeds_text(
        lab.bot.fake.messages[int(discord["id"])])


async def test_an_edit_refused_with_a_rate_limit_is_retried_after_retry_after(
    both_labs: Lab, clock: SettableClock,
) -> None:
    lab = both_labs
    await lab.slack.command("UGEMMA", SMALL)
    card = await slack_card(lab, "Poll #1: Meeting 1")
    await discord_card(lab, "Poll #1: Meeting 1")

    # A short pause is waited out there and then (Slack's Retry-After: 1 second; Discord's
    # retry_after: half a second), and the edit lands.
    lab.slack.fake.fail("chat.update", "ratelimited", status=429, headers={"Retry-After": "1"})
    lab.bot.fake.fail("PATCH", PATCHES, 429, retry_after=0.5)
    await lab.slack.command("UAMARA", "poll answer 1 1-4 yes")
    started = time.monotonic()
    await lab.settle(clock)
    assert time.monotonic() - started >= 1.0
    assert len(lab.slack.fake.of("chat.update")) == 2
    assert len(lab.bot.fake.calls("PATCH", PATCHES)) == 2
    shown = lab.slack.fake.message("C1", card["ts"])
    assert shown is not None and "Answered: 1 of 3" in blocks_text(shown["blocks"])

    # A long one is not waited out in the loop: the card is due again when Slack said.
    lab.slack.fake.fail("chat.update", "ratelimited", status=429,
                        headers={"Retry-After": "30"})
    await lab.slack.command("UGEMMA", "poll answer 1 1-4 maybe")
    await lab.settle(clock, 10)
    assert len(lab.slack.fake.of("chat.update")) == 3  # refused
    slack_row = next(r for r in await card_rows(lab.app) if r.platform == "slack")
    assert slack_row.due_at is not None and slack_row.due_at > clock.now()
    await lab.settle(clock, 30)
    assert len(lab.slack.fake.of("chat.update")) == 4
    shown = lab.slack.fake.message("C1", card["ts"])
    assert shown is not None and "Answered: 2 of 3" in blocks_text(shown["blocks"])


async def test_a_card_deleted_by_a_person_is_forgotten_not_retried(
    both_labs: Lab, clock: SettableClock,
) -> None:
    lab = both_labs
    await lab.slack.command("UGEMMA", SMALL)
    card = await slack_card(lab, "Poll #1: Meeting 1")
    discord = await discord_card(lab, "Poll #1: Meeting 1")
    lab.slack.fake.delete("C1", card["ts"])
    del lab.bot.fake.messages[int(discord["id"])]
    await lab.slack.command("UAMARA", "poll answer 1 1-4 yes")
    await lab.settle(clock)
    assert len(lab.slack.fake.of("chat.update")) == 1  # tried once: message_not_found
    assert len(lab.bot.fake.calls("PATCH", PATCHES)) == 1  # 404 Unknown Message
    assert await card_rows(lab.app) == []
    await lab.slack.command("UGEMMA", "poll answer 1 1-4 yes")
    await lab.settle(clock, 60)
    assert len(lab.slack.fake.of("chat.update")) == 1
    assert len(lab.bot.fake.calls("PATCH", PATCHES)) == 1


async def test_a_card_left_due_by_a_stopped_process_is_redrawn_at_start_up(
    both_labs: Lab, clock: SettableClock,
) -> None:
    lab = both_labs
    await lab.slack.command("UGEMMA", SMALL)
    card = await slack_card(lab, "Poll #1: Meeting 1")
    await lab.slack.command("UAMARA", "poll answer 1 1-4 yes")
    lab.jobs.clear()  # the process stops before its timer fires: the rows stay due
    async with lab.app.ctx.uow() as uow:
        due = await uow.session.scalar(
            select(func.count(PostedCard.id)).where(PostedCard.due_at.is_not(None)))
    assert due == 2
    await live.start(lab.app.ctx)  # what the next process does at start-up
    await lab.settle(clock)
    shown = lab.slack.fake.message("C1", card["ts"])
    assert shown is not None and "Answered: 1 of 3" in blocks_text(shown["blocks"])
    assert all(r.due_at is None for r in await card_rows(lab.app))
