"""Nothing Slack was told we received is lost, and nothing runs twice: through the real
slack-bolt app on 127.0.0.1, against the fake Slack.

- a replayed signed command (the same request twice) has its effect once;
- a command recorded and acked but cut off by a crash is carried out once by the restarted
  process, or, too late to answer, its sender is told by direct message what to resend;
- a burst on a pool of one worker loses nothing and fails nothing, and those kept waiting
  are told their answer is coming;
- two rankings sent back to back: the later one wins.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from sqlalchemy import func, select

from adapters.slack.app import SlackAdapter
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import Settings, VoteTemplate, WorkSettings
from bot.scheduling import ManualJobs
from fakes.slack_api import FakeSlack
from storage.models import InboxEntry, Reminder
from tests.adapters.slack.conftest import SECRET, TOKEN, Slack, sign, slack_settings

ROOT = Path(__file__).resolve().parents[3]
SOLUTIONS = ["Open data portal", "Citizen panel", "Case studies"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={
        "work": WorkSettings(workers=1, late_after="0s"),
        "vote_templates": {"t": VoteTemplate(question="Which first?", options=SOLUTIONS)},
    })


async def reminders(app: App) -> list[str]:
    async with app.ctx.uow() as uow:
        return [r.text for r in (await uow.session.scalars(select(Reminder))).all()]


async def inbox_statuses(app: App) -> dict[str, int]:
    async with app.ctx.uow() as uow:
        rows = await uow.session.execute(
            select(InboxEntry.status, func.count()).group_by(InboxEntry.status))
        return {status: int(n) for status, n in rows.all()}


def replies_to(slack: Slack, user: str) -> list[str]:
    return [str(c.args.get("text") or "") + str(c.args.get("blocks") or "")
            for c in slack.fake.of("response_url")
            if slack.answer_to.get(str(c.args.get("url_token", ""))) == user]


async def test_the_same_signed_command_twice_has_its_effect_once(lab: Slack,
                                                                 slack_app: App) -> None:
    body = urlencode(lab.command_body("UAMARA", "remind me in 2 hours Send the agenda")
                     ).encode()
    ts = str(int(time.time()))
    first = await lab.post(body, "application/x-www-form-urlencoded", timestamp=ts)
    again = await lab.post(body, "application/x-www-form-urlencoded", timestamp=ts,
                           signature=sign(body, ts))
    assert first.status == again.status == 200  # Slack is answered; the replay does nothing
    assert await reminders(slack_app) == ["Send the agenda"]
    assert len(lab.fake.of("response_url")) == 1
    assert (await inbox_statuses(slack_app)) == {"done": 6}  # the lab's five, and this


async def _crash(slack: Slack) -> None:
    """The process dies: its workers stop where they are, nothing is handed over."""
    inbox = slack.adapter.inbox
    for task in inbox._tasks:
        task.cancel()
    await asyncio.gather(*inbox._tasks, return_exceptions=True)
    inbox._tasks = []
    inbox.queue.drain_all()
    inbox._idle.set()


@pytest.fixture
async def restart(settings: Settings, fake_slack: FakeSlack, clock: SettableClock
                  ) -> AsyncIterator[object]:
    """Start another process on the same database (a restart, or a second instance)."""
    started: list[tuple[App, SlackAdapter]] = []

    async def start() -> tuple[App, SlackAdapter]:
        app = await create_app(slack_settings(settings, fake_slack), clock=clock,
                               jobs=ManualJobs(), migrate=False)
        adapter = SlackAdapter(app.ctx, processing_waits=(0.01,), max_wait=2.0)
        await adapter.start()
        started.append((app, adapter))
        return app, adapter

    yield start
    for app, adapter in started:
        await adapter.stop()
        await app.close()


async def test_a_command_acked_but_cut_off_by_a_crash_is_carried_out_once_on_restart(
        lab: Slack, slack_app: App, clock: SettableClock, restart: object) -> None:
    await _crash(lab)
    sent = await lab.command("UAMARA", "remind me in 2 hours Send the agenda", wait=False)
    assert sent.status == 200  # acknowledged: recorded, not yet carried out
    assert await reminders(slack_app) == []
    assert (await inbox_statuses(slack_app)) == {"done": 5, "queued": 1}
    # The restarted process takes over once the dead one's lease has run out.
    clock.advance(timedelta(seconds=31))
    new_app, adapter = await restart()  # type: ignore[operator]
    for _ in range(250):
        if (await inbox_statuses(new_app)) == {"done": 6}:
            break
        await asyncio.sleep(0.02)
    await adapter.idle()
    assert await reminders(new_app) == ["Send the agenda"]
    assert any("Send the agenda" in r for r in replies_to(lab, "UAMARA"))
    # A second instance looking later finds nothing left to do.
    assert await adapter.inbox.recover() == 0
    assert await reminders(new_app) == ["Send the agenda"]


async def test_a_command_cut_off_too_long_ago_is_reported_to_its_sender_not_run(
        lab: Slack, slack_app: App, clock: SettableClock, restart: object) -> None:
    await _crash(lab)
    await lab.command("UAMARA", "remind me in 2 hours Send the agenda", wait=False)
    clock.advance(timedelta(minutes=40))  # its response_url has expired (30 minutes)
    new_app, _adapter = await restart()  # type: ignore[operator]
    for _ in range(250):
        if (await inbox_statuses(new_app)).get("told"):
            break
        await asyncio.sleep(0.02)
    assert (await inbox_statuses(new_app)) == {"done": 5, "told": 1}
    assert await reminders(new_app) == []
    told = lab.fake.last("chat.postMessage")
    opened = lab.fake.last("conversations.open")
    assert opened.args["users"] == "UAMARA" and told.args["channel"].startswith("D")
    text = str(told.args.get("text")) + str(told.args.get("blocks"))
    assert "did not go through" in text
    assert "/lab remind me in 2 hours Send the agenda" in text


async def test_a_burst_on_one_worker_loses_nothing_and_says_the_answer_is_coming(
        lab: Slack, slack_app: App) -> None:
    users = ["UGEMMA", "UAMARA", "UZOE"]
    sent = await asyncio.gather(*(
        lab.command(users[n % 3], f"remind me in 2 hours thing {n}", wait=False)
        for n in range(30)))
    assert all(s.status == 200 for s in sent)
    await lab.adapter.idle(60)
    assert sorted(await reminders(slack_app)) == sorted(f"thing {n}" for n in range(30))
    said = [t for u in users for t in replies_to(lab, u)]
    assert not [t for t in said if "Something went wrong" in t]
    assert any("Working on it" in t for t in said)
    assert (await inbox_statuses(slack_app)) == {"done": 35}


async def test_two_rankings_back_to_back_the_later_wins(lab: Slack, slack_app: App) -> None:
    await lab.open_vote("UGEMMA", "vote new template t closes 2027-01-08 17:00")
    # Sent one after the other, without waiting for the first to be carried out.
    await lab.command("UAMARA", "rank 1 1 2 3", wait=False)
    await lab.command("UAMARA", "rank 1 3 2 1", wait=False)
    await lab.adapter.idle()
    async with slack_app.ctx.uow() as uow:
        person = await uow.people.by_identity("slack", "T1", "UAMARA")
        vote = await uow.votes.by_number(1, 1)
        assert person is not None and vote is not None
        found = await uow.ballots.of(vote.id, person.id)
    assert found is not None and list(found.ranking) == [3, 2, 1]


async def test_a_retried_event_and_a_repeated_click_are_one_inbox_row_each(
        lab: Slack, slack_app: App) -> None:
    await lab.command("UAMARA", "help")
    before = sum((await inbox_statuses(slack_app)).values())
    home = {"type": "app_home_opened", "user": "UAMARA", "channel": "D1", "tab": "home"}
    await lab.event(home, event_id="EvHome")
    await lab.event(home, event_id="EvHome", headers={"X-Slack-Retry-Num": "1"})
    assert sum((await inbox_statuses(slack_app)).values()) == before + 1
    assert len(lab.fake.of("views.publish")) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_sigterm_finishes_taken_work_within_the_grace_then_exits(
        fake_slack: FakeSlack, tmp_path: Path) -> None:
    """A real `actionlab run --slack` process: commands acked just before SIGTERM are all
    carried out (or handed over), and the process exits well within the grace."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'term.db'}",
           "ACTIONLAB_DATABASE__MIGRATE_ON_START": "true", "SLACK_BOT_TOKEN": TOKEN,
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_BASE_URL": fake_slack.base_url,
           "HOST": "127.0.0.1", "PORT": str(port), "ACTIONLAB_WORK__GRACE": "8s",
           "ACTIONLAB_WORK__WORKERS": "2"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--slack", env=env, cwd=str(ROOT),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(url + "/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)

            async def command(n: int, user: str, text: str) -> int:
                body = urlencode({
                    "team_id": "T1", "channel_id": "C1", "channel_name": "lab",
                    "user_id": user, "user_name": user.lower(), "command": "/lab",
                    "text": text, "response_url": fake_slack.url(f"/response/t{n}"),
                    "trigger_id": f"trigger-{n}"}).encode()
                ts = str(int(time.time()))
                async with session.post(url + "/slack/events", data=body, headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-Slack-Request-Timestamp": ts,
                        "X-Slack-Signature": sign(body, ts)}) as response:
                    return response.status

            assert await command(0, "UGEMMA", 'setup "Action Lab 1"') == 200
            await fake_slack.wait_for("response_url", 1, seconds=10)
            statuses = await asyncio.gather(*(
                command(n, "UGEMMA", f"remind me in 2 hours thing {n}")
                for n in range(1, 41)))
            assert statuses == [200] * 40
            stopped_at = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), 20)
            took = time.monotonic() - stopped_at
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert code == 0
    assert took < 8 + 3
    answered = {c.args.get("url_token") for c in fake_slack.of("response_url")}
    # Every acked command was carried out (and answered) before the process exited.
    assert {f"t{n}" for n in range(41)} <= answered
