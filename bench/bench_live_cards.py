"""Live cards: a lab of six on Slack and Discord answers one poll, 30 answers in 10 seconds.

    python bench/bench_live_cards.py [--rounds 3] [--answers 30] [--seconds 10] [--rate 50]

One process plays everything on one event loop: actionlab (the Slack adapter over HTTP, the
Discord adapter over its gateway, the real scheduler and redrawer, SQLite) and the fakes of
fakes/ (Slack's Web API and Discord's REST and gateway, on 127.0.0.1). Three members are on
Slack and three on Discord; the lab's channel on each platform shows the poll's card. Each
round opens a poll of five slots and sends 30 `/lab poll answer <poll> <slot> yes`, one
every 1/3 s, each member answering their slots in turn, alternating platforms. Measured:

- edits per platform: `chat.update` calls on the Slack card and message edits (PATCH) on the
  Discord card, from the first answer until every answer shows (coalesced: at most one edit
  every EDIT_GAP, the latest state);
- the time from each answer being sent to the first edit of each platform's card that shows
  it (the card lists each member's count of answered slots), and the same for the round's
  last answer;
- the Slack ack (HTTP answer to the signed command) of every answer sent on Slack, and of a
  load of signed `/lab help` commands at `--rate` a second from a person outside the lab
  during the burst: the figure of bench/results/slack.md, with live cards being redrawn.

Writes bench/results/live_cards.md.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from adapters.discord.app import DiscordAdapter  # noqa: E402
from adapters.slack.app import SlackAdapter  # noqa: E402
from bot.bootstrap import create_app  # noqa: E402
from bot.config import DiscordSettings, load_settings  # noqa: E402
from bot.features.live import EDIT_GAP  # noqa: E402
from fakes import discord_payloads as p  # noqa: E402
from fakes.discord_api import CHANNEL_ID, GUILD_ID, FakeDiscord, Recorded  # noqa: E402
from fakes.slack_api import Call, FakeSlack  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "live_cards.md"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLOTS = 5
# Slack's members, by user id; their names on the card are their Slack display names
# (fakes/slack_api.py's USERS), read back from the database after they join.
SLACK_PEOPLE = {"UGEMMA": "", "UAMARA": "", "UZOE": ""}
DISCORD_PEOPLE = ((300000000000000001, "Priya Raman"), (300000000000000002, "Tom Fletcher"),
                  (300000000000000003, "Mei Chen"))


class StampedSlack(FakeSlack):
    """The fake Slack, noting when each call arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.stamped: list[tuple[float, Call]] = []

    async def _record(self, call: Call) -> None:
        self.stamped.append((time.perf_counter(), call))
        await super()._record(call)


def _sign(body: bytes, ts: str) -> str:
    return "v0=" + hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body,
                            hashlib.sha256).hexdigest()


class SlackSide:
    """Signed requests to the adapter's Request URL, as Slack sends them."""

    def __init__(self, session: aiohttp.ClientSession, fake: FakeSlack, port: int) -> None:
        self.session, self.fake = session, fake
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.n = 0

    async def post(self, body: bytes) -> float:
        """Send; milliseconds to the HTTP answer (the ack)."""
        ts = str(int(time.time()))
        started = time.perf_counter()
        async with self.session.post(self.url, data=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": _sign(body, ts)}) as r:
            await r.read()
            assert r.status == 200, r.status
        return (time.perf_counter() - started) * 1000

    async def command(self, user: str, text: str) -> float:
        self.n += 1
        return await self.post(urlencode({
            "team_id": "T1", "team_domain": "lab", "channel_id": "C1", "channel_name": "lab",
            "user_id": user, "user_name": user.lower(), "command": "/lab", "text": text,
            "api_app_id": "A1", "response_url": self.fake.url(f"/response/b{self.n}"),
            "trigger_id": f"bench-trigger-{self.n}"}).encode())

    async def click(self, user: str, action_id: str) -> float:
        self.n += 1
        payload = {
            "type": "block_actions", "user": {"id": user, "username": user.lower(),
                                              "team_id": "T1"},
            "api_app_id": "A1", "trigger_id": f"bench-trigger-{self.n}",
            "team": {"id": "T1", "domain": "lab"}, "channel": {"id": "C1", "name": "lab"},
            "container": {"type": "message", "message_ts": "1.000001", "channel_id": "C1",
                          "is_ephemeral": True},
            "response_url": self.fake.url(f"/response/b{self.n}"),
            "actions": [{"action_id": action_id, "block_id": "b1", "type": "button",
                         "text": {"type": "plain_text", "text": "I accept and join"},
                         "action_ts": f"{time.time():.6f}"}],
            "state": {"values": {}}}
        return await self.post(urlencode({"payload": json.dumps(payload)}).encode())


async def interact(fake: FakeDiscord, payload: dict[str, Any]) -> float:
    """Send a Discord interaction; milliseconds to its callback (Discord's ack)."""
    await fake.interact(payload)
    rec = await fake.callback(int(str(payload["id"])))
    return (rec.at - fake.sent_at[int(str(payload["id"]))]) * 1000


# --- reading a card ------------------------------------------------------------------------


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def shown_counts(texts: list[str], names: list[str]) -> dict[str, int]:
    """Slots each member has answered, as the card shows: the names after "Answered: n of
    m" have answered every slot, "Name (k of 5)" k of them, the others none."""
    text = "\n".join(texts)
    counts = {}
    done_line = next((line for line in text.splitlines() if "Answered:" in line), "")
    for name in names:
        partly = re.search(re.escape(name) + rf" \((\d+) of {SLOTS}\)", text)
        counts[name] = int(partly.group(1)) if partly else (SLOTS if name in done_line else 0)
    return counts


@dataclass
class Edit:
    at: float
    counts: dict[str, int]


@dataclass
class Round:
    edits: dict[str, list[Edit]] = field(default_factory=dict)
    sent: list[tuple[float, str, int]] = field(default_factory=list)  # at, name, k-th answer
    answer_acks: dict[str, list[float]] = field(default_factory=dict)
    load_acks: list[float] = field(default_factory=list)
    visible: dict[str, list[float]] = field(default_factory=dict)  # ms, each answer
    last_visible: dict[str, float] = field(default_factory=dict)  # ms, the last answer


def slack_edits(fake: StampedSlack, ts: str, since: float, names: list[str]) -> list[Edit]:
    return [Edit(at, shown_counts(_texts(call.json("blocks")), names))
            for at, call in fake.stamped
            if at >= since and call.method == "chat.update" and call.args.get("ts") == ts]


def discord_edits(fake: FakeDiscord, message_id: int, since: float, names: list[str]
                  ) -> list[Edit]:
    path = f"channels/{CHANNEL_ID}/messages/{message_id}"
    found: list[Recorded] = [r for r in fake.requests
                             if r.method == "PATCH" and r.path == path and r.at >= since]
    return [Edit(r.at, shown_counts(_texts(r.json), names)) for r in found]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# --- the run -------------------------------------------------------------------------------


async def set_up(slack: SlackSide, fake_discord: FakeDiscord, app: Any) -> None:
    await slack.command("UGEMMA", 'setup "Action Lab 1"')
    await app_idle(app)
    async with app.ctx.uow() as uow:
        await uow.labs.bind(1, "discord", str(GUILD_ID), str(CHANNEL_ID), app.ctx.clock.now())
        await uow.commit()
    for user in ("UAMARA", "UZOE"):
        await slack.command(user, "join")
        await app_idle(app)
        await slack.click(user, "al1:lab.accept:1")
    for who in DISCORD_PEOPLE:
        join = p.slash(who, "join")
        await interact(fake_discord, join)
        for _ in range(500):
            message = fake_discord.messages.get(fake_discord.original.get(int(join["id"]), 0))
            if message and message.get("components"):
                break
            await asyncio.sleep(0.01)
        await interact(fake_discord, p.component(who, message, "al1:lab.accept:1"))
        await interact(fake_discord, p.slash(who, "tz", zone="Europe/London"))
    await app_idle(app)
    async with app.ctx.uow() as uow:
        members = await uow.members.active(1)
        assert len(members) == 6, [m.person.display_name for m in members]
        for user in SLACK_PEOPLE:
            person = await uow.people.by_identity("slack", "T1", user)
            assert person is not None
            SLACK_PEOPLE[user] = person.display_name


async def app_idle(app: Any) -> None:
    if app.ctx.inbox is not None:
        await app.ctx.inbox.idle(20.0)


async def wait_for(predicate: Any, seconds: float) -> Any:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        found = predicate()
        if found:
            return found
        await asyncio.sleep(0.02)
    raise TimeoutError("gave up waiting")


async def one_round(number: int, slack: SlackSide, fake_slack: StampedSlack,
                    fake_discord: FakeDiscord, answers: int, seconds: float, rate: float
                    ) -> Round:
    title = f"Bench {number}"
    monday = (datetime.now(UTC) + timedelta(days=14)).date()
    monday -= timedelta(days=monday.weekday())
    friday = monday + timedelta(days=SLOTS - 1)
    await slack.command("UGEMMA", f'poll new "{title}" {monday}..{friday} window 13:00-14:00')
    heading = f"Poll #{number}: {title}"
    slack_card = await wait_for(lambda: next((m for m in fake_slack.messages.get("C1", [])
                                              if m.get("text") == heading), None), 20)
    discord_card = await wait_for(lambda: next(
        (m for m in fake_discord.messages.values() if m["channel_id"] == str(CHANNEL_ID)
         and any(e.get("title") == heading for e in m.get("embeds") or [])), None), 20)
    await asyncio.sleep(EDIT_GAP.total_seconds() + 0.5)  # the opening's own redraws settle
    people: list[tuple[str, Any]] = []  # (name, slack user or discord who), alternating
    for (user, name), who in zip(SLACK_PEOPLE.items(), DISCORD_PEOPLE, strict=True):
        people += [(name, user), (who[1], who)]
    names = [n for n, _x in people]
    result = Round(answer_acks={"slack": [], "discord": []})
    start = time.perf_counter()
    gap = seconds / answers
    given: dict[str, int] = dict.fromkeys(names, 0)

    async def answer(i: int) -> None:
        await asyncio.sleep(max(0.0, start + i * gap - time.perf_counter()))
        name, who = people[i % len(people)]
        given[name] += 1
        k = given[name]
        result.sent.append((time.perf_counter(), name, k))
        text = f"poll answer {number} {min(k, SLOTS)} yes"
        if isinstance(who, str):
            result.answer_acks["slack"].append(await slack.command(who, text))
        else:
            result.answer_acks["discord"].append(await interact(fake_discord, p.slash(
                who, "poll", "answer", poll=str(number), slots=str(min(k, SLOTS)),
                answer="yes")))

    async def one_load() -> None:
        result.load_acks.append(await slack.command("UOUTSIDE", "help"))

    async def load() -> None:
        """Open loop: each command at its moment, whether or not the last was answered."""
        sent: list[asyncio.Task[None]] = []
        while (elapsed := time.perf_counter() - start) < seconds:
            while len(sent) < int(elapsed * rate):
                sent.append(asyncio.create_task(one_load()))
            await asyncio.sleep(1 / rate / 2)
        await asyncio.gather(*sent)

    await asyncio.gather(*(answer(i) for i in range(answers)),
                         *( [load()] if rate > 0 else []))
    final = {n: min(given[n], SLOTS) for n in names}

    def complete(edits: list[Edit]) -> bool:
        return any(e.counts == final for e in edits)

    try:
        await wait_for(lambda: complete(slack_edits(fake_slack, slack_card["ts"], start,
                                                    names))
                       and complete(discord_edits(fake_discord, int(discord_card["id"]), start,
                                                  names)), 60)
    except TimeoutError:
        seen = {"slack": slack_edits(fake_slack, slack_card["ts"], start, names),
                "discord": discord_edits(fake_discord, int(discord_card["id"]), start, names)}
        last = {w: e[-1].counts if e else None for w, e in seen.items()}
        raise TimeoutError(f"round {number}: not every answer showed; wanted {final}, "
                           f"last edits {last}") from None
    await asyncio.sleep(EDIT_GAP.total_seconds() + 1)  # any edit still owed is counted
    result.edits["slack"] = slack_edits(fake_slack, slack_card["ts"], start, names)
    result.edits["discord"] = discord_edits(fake_discord, int(discord_card["id"]), start,
                                            names)
    last_at = max(at for at, _n, _k in result.sent)
    for where, edits in result.edits.items():
        result.visible[where] = []
        for at, name, k in result.sent:
            shown = next(e for e in edits if e.at >= at and e.counts[name] >= min(k, SLOTS))
            ms = (shown.at - at) * 1000
            result.visible[where].append(ms)
            if at == last_at:
                result.last_visible[where] = ms
    return result


async def main(rounds: int, answers: int, seconds: float, rate: float) -> list[Round]:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        fake_slack, fake_discord = StampedSlack(), FakeDiscord()
        await fake_slack.start()
        await fake_discord.start()
        base = load_settings(None)
        settings = base.model_copy(update={
            "database_url": SecretStr(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"),
            "slack": base.slack.model_copy(update={
                "api_base_url": fake_slack.base_url, "host": "127.0.0.1", "port": 0}),
            "slack_bot_token": SecretStr("xoxb-bench"),
            "slack_signing_secret": SecretStr(SECRET),
            "discord": DiscordSettings(api_base_url=fake_discord.base,
                                       gateway_url=fake_discord.gateway,
                                       sync_commands=False),
            "discord_token": SecretStr(fake_discord.token),
        })
        app = await create_app(settings, migrate=True)
        await app.start()  # the real scheduler: the redrawer's timers fire on the clock
        slack_adapter = SlackAdapter(app.ctx)
        port = await slack_adapter.start()
        discord_adapter = DiscordAdapter(app.ctx)
        task = asyncio.create_task(discord_adapter.run())
        await fake_discord.wait_ready()
        await wait_for(lambda: app.ctx.messengers.has("discord"), 20)
        results = []
        try:
            async with aiohttp.ClientSession() as session:
                slack = SlackSide(session, fake_slack, int(port or 0))
                await set_up(slack, fake_discord, app)
                for n in range(1, rounds + 1):
                    results.append(await one_round(n, slack, fake_slack, fake_discord,
                                                   answers, seconds, rate))
        finally:
            await discord_adapter.stop()
            task.cancel()
            await slack_adapter.stop()
            await app.close()
            await fake_slack.stop()
            await fake_discord.stop()
    return results


def report(results: list[Round], args: argparse.Namespace, load: tuple[float, float]) -> str:
    def fmt(values: list[float]) -> str:
        return f"{percentile(values, 50):.0f} / {percentile(values, 99):.0f}"

    lines = [
        f"# Live cards: {args.answers} answers in {args.seconds:g} seconds, on Slack and "
        "Discord at once",
        "",
        f"`python bench/bench_live_cards.py --rounds {args.rounds} --answers {args.answers} "
        f"--seconds {args.seconds:g} --rate {args.rate:g}` on {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {load[0]:.2f} before and {load[1]:.2f} "
        "after. The machine is shared with other work (other sessions' tests and builds), "
        "which is in these numbers; run once.",
        "",
        f"A lab of six: three members on Slack, three on Discord; each round opens a poll of "
        f"{SLOTS} slots (posted in the lab's Slack channel and its Discord channel) and sends "
        f"{args.answers} answers in {args.seconds:g} s, one every "
        f"{args.seconds / args.answers:.2f} s, alternating platforms, each member answering "
        "their slots in turn. Everything runs in one process on one event loop: actionlab "
        "(Slack over HTTP, Discord over its gateway, the real scheduler, SQLite) and the "
        "fakes of `fakes/` on 127.0.0.1. An edit *shows* an answer when the card lists the "
        "member with at least that many slots answered; times are from sending the answer. "
        f"Edits are coalesced: at most one per card every {EDIT_GAP.total_seconds():g} s, "
        "the latest state drawn.",
        "",
        "| round | Slack edits | Discord edits | last answer to a card showing it, Slack ms | "
        "Discord ms |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n, r in enumerate(results, 1):
        lines.append(f"| {n} | {len(r.edits['slack'])} | {len(r.edits['discord'])} | "
                     f"{r.last_visible['slack']:.0f} | {r.last_visible['discord']:.0f} |")
    last = {w: [r.last_visible[w] for r in results] for w in ("slack", "discord")}
    each = {w: [v for r in results for v in r.visible[w]] for w in ("slack", "discord")}
    edits = {w: [len(r.edits[w]) for r in results] for w in ("slack", "discord")}
    lines += [
        "",
        "| | Slack | Discord |",
        "|---|---:|---:|",
        f"| edits per round for {args.answers} answers (mean) | "
        f"{statistics.mean(edits['slack']):.1f} | {statistics.mean(edits['discord']):.1f} |",
        f"| the last answer to a card showing it, p50 / p99 ms ({len(results)} rounds) | "
        f"{fmt(last['slack'])} | {fmt(last['discord'])} |",
        f"| every answer to a card showing it, p50 / p99 ms ({len(each['slack'])} answers) | "
        f"{fmt(each['slack'])} | {fmt(each['discord'])} |",
    ]
    acks = [v for r in results for v in r.answer_acks["slack"]]
    dacks = [v for r in results for v in r.answer_acks["discord"]]
    loads = [v for r in results for v in r.load_acks]
    lines += [
        "",
        "## The acks, with live cards being redrawn",
        "",
        f"Each Slack answer's ack (the HTTP answer to the signed command), each Discord "
        f"answer's interaction callback, and a load of signed `/lab help` commands at "
        f"{args.rate:g} a second from a person outside the lab sent to Slack during each "
        "burst (open loop), as bench/bench_slack.py measures the ack. Beside them, "
        "bench/results/slack.md's figures (its own run, 50 `/lab members` a second, no "
        "live cards).",
        "",
        "| | n | ack p50 ms | ack p99 ms | ack max ms |",
        "|---|---:|---:|---:|---:|",
        f"| Slack, `/lab poll answer` during the burst | {len(acks)} | "
        f"{percentile(acks, 50):.1f} | {percentile(acks, 99):.1f} | {max(acks):.1f} |",
    ]
    if loads:
        lines.append(f"| Slack, `/lab help` at {args.rate:g}/s during the burst | {len(loads)} "
                     f"| {percentile(loads, 50):.1f} | {percentile(loads, 99):.1f} | "
                     f"{max(loads):.1f} |")
    lines += [
        f"| Discord, `/lab poll answer` callback during the burst | {len(dacks)} | "
        f"{percentile(dacks, 50):.1f} | {percentile(dacks, 99):.1f} | {max(dacks):.1f} |",
        "| bench/results/slack.md: actionlab, six members in turn (no live cards) | 1500 | "
        "3.8 | 26.8 | 39.9 |",
        "| bench/results/slack.md: with durability on (record, then ack) | 1000 | 8.4 | "
        "48.5 | |",
    ]
    return "\n".join(lines) + "\n"


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=50.0,
                        help="signed /lab help commands a second during each burst (0: none)")
    args = parser.parse_args()
    before = os.getloadavg()[0]
    results = asyncio.run(main(args.rounds, args.answers, args.seconds, args.rate))
    text = report(results, args, (before, os.getloadavg()[0]))
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    cli()
