"""What one `actionlab run --slack` process holds and serves: memory, throughput with one
and two instances on one PostgreSQL, and how many labs of six one instance serves.

    python bench/bench_capacity.py [--quick] [--labs 100] [--commands 300] [--seconds 8]
        [--lab-rate 0.5] [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]

1. Memory: resident set size (VmRSS from /proc/<pid>/status) of a real `actionlab run
   --slack` process on PostgreSQL, idle on an empty database, then on a database holding
   `--memory-labs` labs of six, each with an open availability poll (45 slots), an open
   ranked-choice vote and open minutes (made through the core's dispatch before the process
   starts), after one answer, one ranking and one note per lab went through the process.
2. Throughput: one, then two instances on one fresh PostgreSQL database, at 50 and 200
   signed commands a second, `--commands` of them at each rate, open loop: a mixed load
   from the members of many labs of six (poll answers, rankings, notes, `members`, `help`).
   Ack = the HTTP answer to the slash command; answer = the first real answer at its
   response URL.
3. Capacity: one instance; the number of active labs steps up (each lab sends `--lab-rate`
   commands a second from its six members, the same mix, `--seconds` per step) until the
   answers' p99 passes 1 s.

Each database is a copy (CREATE DATABASE ... TEMPLATE) of one set up once, created next to
`--pg` and dropped afterwards. The fake Slack (fakes/slack_api.py) and the load run in this
process on 127.0.0.1; the bots run in their own. The machine is shared: the load average is
reported with every figure. Results: stdout and bench/results/capacity.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_trust import (  # noqa: E402  (after the path is set)
    WORKING,
    Bot,
    Slack,
    _sign,
    bot_env,
    drop_pg,
    pct,
)

RESULTS = ROOT / "bench" / "results" / "capacity.md"
LOGS = Path(tempfile.gettempdir()) / "bench_capacity_logs"
SIX = 6
OPTIONS = '"Research" "Case studies" "Clever contracts" "Hackathon" "Survey"'
SLOTS = 45  # 2027-01-11..15, mon-fri, 09:00-18:00, hourly


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def member(lab: int, k: int) -> str:
    return f"U{lab:04d}M{k}"


def channel(lab: int) -> str:
    return f"C{lab:04d}"


def env(db_url: str, fake_url: str) -> dict[str, str]:
    """bench_trust's environment with the default work lease (it shortens it to restart)."""
    return bot_env(db_url, fake_url, ACTIONLAB_WORK__LEASE="30s")


# --- the databases ------------------------------------------------------------------------------


async def _admin(pg: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(pg.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _url(pg: str, name: str) -> str:
    return pg.rsplit("/", 1)[0] + f"/{name}"


async def template(pg: str, labs: int) -> str:
    """A database with `labs` labs of six, each with an open poll, vote and minutes."""
    from pydantic import SecretStr

    from bot.bootstrap import create_app
    from bot.config import load_settings
    from bot.messages import Action, Actor, Buttons, Command, Place, Reply
    from bot.scheduling import ManualJobs

    name = f"bench_cap_tpl_{uuid.uuid4().hex[:8]}"
    await _admin(pg, f'CREATE DATABASE "{name}"')
    url = _url(pg, name)
    settings = load_settings(None).model_copy(update={"database_url": SecretStr(url)})
    app = await create_app(settings, jobs=ManualJobs(), migrate=True)
    failures: list[str] = []

    async def one(lab: int) -> None:
        place = Place("slack", "T1", channel(lab))

        def actor(k: int) -> Actor:
            return Actor("slack", "T1", member(lab, k), f"Member {lab}-{k}", "Europe/London")

        async def do(k: int, text: str | None = None, action: str | None = None) -> Reply:
            event = (Command(actor(k), place, text=text) if text is not None
                     else Action(actor(k), place, str(action)))
            reply = await app.ctx.router.dispatch(app.ctx, event)
            shown = str(reply)
            if "Something went wrong" in shown or "There is no" in shown:
                failures.append(f"lab {lab}: {text or action}: {shown[:200]}")
            return reply

        await do(0, text=f'setup "Lab {lab}"')
        for k in range(1, SIX):
            await do(k, text="join")
            await do(k, action="al1:lab.accept:1")
        await do(0, text='poll new "Meeting 1" 2027-01-11..2027-01-15 days mon-fri '
                         "window 09:00-18:00 tz Europe/London")
        preview = await do(0, text=f'vote new "Which solution?" options {OPTIONS}')
        assert preview.card is not None  # a private preview: opened by its button
        await do(0, action=next(b.action_id for block in preview.card.blocks
                                if isinstance(block, Buttons) for b in block.buttons
                                if b.label == "Open the vote"))
        await do(0, text='minutes start "Working session"')

    try:
        started = time.perf_counter()
        queue = list(range(labs))

        async def worker() -> None:
            while queue:
                await one(queue.pop(0))

        await asyncio.gather(*(worker() for _ in range(4)))
        print(f"set up {labs} labs in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        await app.close()
    if failures:
        raise RuntimeError("setting up the labs failed: " + "; ".join(failures[:3]))
    return name


async def copy_of(pg: str, tpl: str) -> str:
    name = f"bench_cap_{uuid.uuid4().hex[:8]}"
    await _admin(pg, f'CREATE DATABASE "{name}" TEMPLATE "{tpl}"')
    return _url(pg, name)


# --- the load -----------------------------------------------------------------------------------


@dataclass
class Load:
    slack: Slack
    label: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    sent_at: dict[str, float] = field(default_factory=dict)
    acks: list[float] = field(default_factory=list)
    acked: set[str] = field(default_factory=set)
    refused: int = 0
    n: int = 0


def command(rng: random.Random, lab: int) -> tuple[str, str]:
    """One member's command in the mix: answers, rankings, notes, members, help."""
    k = rng.randrange(SIX)
    roll = rng.random()
    if roll < 0.40:
        first = rng.randrange(1, SLOTS - 5)
        text = f"poll answer 1 {first}-{first + rng.randrange(1, 5)} " + \
            rng.choice(["yes", "no", "maybe"])
    elif roll < 0.65:
        ranked = rng.sample(range(1, 6), rng.randrange(2, 6))
        text = "rank 1 " + " ".join(map(str, ranked))
    elif roll < 0.80:
        k = 0  # the facilitator keeps the minutes
        text = f"note point {rng.randrange(10**6)} raised in the session"
    elif roll < 0.92:
        text = "members"
    else:
        text = "help"
    return member(lab, k), text


async def send(session: Any, load: Load, port: int, lab: int, user: str, text: str) -> None:
    load.n += 1
    token = f"{load.label}-{load.n}"
    body = urlencode({
        "team_id": "T1", "channel_id": channel(lab), "channel_name": f"lab-{lab}",
        "user_id": user, "user_name": user.lower(), "command": "/lab", "text": text,
        "api_app_id": "A1", "response_url": load.slack.fake.url(f"/response/{token}"),
        "trigger_id": f"trg-{token}",
    }).encode()
    ts = str(int(time.time()))
    start = load.sent_at[token] = time.perf_counter()
    try:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": _sign(body, ts)}
                ) as response:
            await response.read()
            if response.status == 200:
                load.acks.append(time.perf_counter() - start)
                load.acked.add(token)
            else:
                load.refused += 1
    except Exception:
        load.refused += 1


async def settle(slack: Slack, tokens: set[str], limit: float) -> None:
    """Until every acked command is answered, nothing new came for 5 s, or `limit` s."""
    started = last = time.perf_counter()
    seen = -1
    while time.perf_counter() - started < limit:
        now = len(tokens & slack.answered.keys())
        if now == len(tokens):
            return
        if now != seen:
            seen, last = now, time.perf_counter()
        elif time.perf_counter() - last > 5.0:
            return
        await asyncio.sleep(0.1)


async def drive(session: Any, slack: Slack, bots: list[Bot], labs: int, rate: float,
                seconds: float, seed: int, settle_limit: float = 60.0) -> dict[str, Any]:
    """Open loop at `rate` commands a second from `labs` labs for `seconds`."""
    rng = random.Random(seed)
    load_ = Load(slack)
    count = max(1, int(rate * seconds))
    before = load()
    start = time.perf_counter()
    tasks = []
    for n in range(count):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        lab = rng.randrange(labs)
        user, text = command(rng, lab)
        tasks.append(asyncio.create_task(
            send(session, load_, bots[n % len(bots)].port, lab, user, text)))
    await asyncio.gather(*tasks)
    sending = time.perf_counter() - start
    await settle(slack, load_.acked, settle_limit)
    done = time.perf_counter() - start
    answered = [slack.answered[t] - load_.sent_at[t] for t in load_.acked
                if t in slack.answered]
    failed = sum(1 for t in load_.acked
                 if any("Something went wrong" in x for x in slack.texts.get(t, [])))
    late = sum(1 for t in load_.acked
               if any(x.startswith(WORKING) for x in slack.texts.get(t, [])))
    return {"sent": count, "rate": count / sending, "acked": len(load_.acked),
            "refused": load_.refused, "answered": len(answered),
            "unanswered": len(load_.acked) - len(answered), "failed": failed, "late": late,
            "throughput": len(answered) / done,
            "ack_p50": pct(load_.acks, 50), "ack_p99": pct(load_.acks, 99),
            "p50": pct(answered, 50), "p99": pct(answered, 99),
            "load_before": before, "load_after": load()}


# --- the runs -----------------------------------------------------------------------------------


def rss_mb(bot: Bot) -> float:
    assert bot.proc is not None
    text = Path(f"/proc/{bot.proc.pid}/status").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def memory_run(session: Any, slack: Slack, pg: str, tpl: str,
                     labs: int) -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    empty = _url(pg, f"bench_cap_{uuid.uuid4().hex[:8]}")
    await _admin(pg, f'CREATE DATABASE "{empty.rsplit("/", 1)[1]}"')
    try:
        bot = Bot("", env(empty, slack.fake.base_url), LOGS / "memory-idle")
        await bot.start(session)
        await asyncio.sleep(3.0)
        rows.append(("idle, empty database, after start-up", rss_mb(bot), load()))
        await bot.stop()
    finally:
        await drop_pg(pg, empty)
    url = await copy_of(pg, tpl)
    try:
        bot = Bot("", env(url, slack.fake.base_url), LOGS / "memory-labs")
        await bot.start(session)
        await asyncio.sleep(3.0)
        rows.append((f"{labs} labs of six, each with an open poll, vote and minutes, after "
                     "start-up", rss_mb(bot), load()))
        load_ = Load(slack)
        tasks = []
        for lab in range(labs):
            first = 1 + lab % (SLOTS - 5)
            for user, text in ((member(lab, 1), f"poll answer 1 {first}-{first + 3} yes"),
                               (member(lab, 2), "rank 1 3 1 4"),
                               (member(lab, 0), "note memory check")):
                tasks.append(asyncio.create_task(
                    send(session, load_, bot.port, lab, user, text)))
            await asyncio.sleep(0.02)  # 150 commands a second
        await asyncio.gather(*tasks)
        await settle(slack, load_.acked, 60.0)
        await asyncio.sleep(2.0)
        answered = len(load_.acked & slack.answered.keys())
        rows.append((f"the same, after an answer, a ranking and a note in every lab "
                     f"({answered} of {3 * labs} answered)", rss_mb(bot), load()))
        await bot.stop()
    finally:
        await drop_pg(pg, url)
    return rows


async def throughput_run(session: Any, slack: Slack, pg: str, tpl: str, labs: int,
                         instances: int, rate: float, commands: int) -> dict[str, Any]:
    url = await copy_of(pg, tpl)
    bots = [Bot("", env(url, slack.fake.base_url),
                LOGS / f"tp-{instances}-{rate:g}-{i}") for i in range(instances)]
    try:
        for bot in bots:
            await bot.start(session)
        await asyncio.sleep(1.0)
        result = await drive(session, slack, bots, labs, rate, commands / rate,
                             seed=int(rate), settle_limit=90.0)
        result["errors"] = sum(len(b.errors()) for b in bots)
        result["rss"] = [rss_mb(b) for b in bots]
    finally:
        for bot in bots:
            await bot.stop()
        await drop_pg(pg, url)
    return result


async def capacity_run(session: Any, slack: Slack, pg: str, tpl: str, steps: list[int],
                       lab_rate: float, seconds: float) -> list[tuple[int, dict[str, Any]]]:
    url = await copy_of(pg, tpl)
    bot = Bot("", env(url, slack.fake.base_url), LOGS / "capacity")
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        await bot.start(session)
        await asyncio.sleep(1.0)
        for labs in steps:
            result = await drive(session, slack, [bot], labs, labs * lab_rate, seconds,
                                 seed=labs, settle_limit=30.0)
            rows.append((labs, result))
            print("capacity", labs, result, flush=True)
            if result["p99"] > 1000 or result["unanswered"]:
                break
            await asyncio.sleep(2.0)  # let the queue drain between steps
    finally:
        await bot.stop()
        await drop_pg(pg, url)
    return rows


async def main(args: argparse.Namespace) -> dict[str, Any]:
    import aiohttp

    out: dict[str, Any] = {"memory": [], "throughput": [], "capacity": []}
    slack = Slack()
    await slack.fake.start()
    tpl = await template(args.pg, max(args.labs, args.memory_labs, *args.steps))
    try:
        async with aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=2000)) as session:
            out["memory"] = await memory_run(session, slack, args.pg, tpl, args.memory_labs)
            for row in out["memory"]:
                print("memory", row, flush=True)
            for instances in (1, 2):
                for rate in args.rates:
                    result = await throughput_run(session, slack, args.pg, tpl, args.labs,
                                                  instances, rate, args.commands)
                    out["throughput"].append((instances, rate, result))
                    print("throughput", instances, rate, result, flush=True)
            out["capacity"] = await capacity_run(session, slack, args.pg, tpl, args.steps,
                                                 args.lab_rate, args.seconds)
    finally:
        await slack.fake.stop()
        await drop_pg(args.pg, _url(args.pg, tpl))
    return out


def report(out: dict[str, Any], args: argparse.Namespace, command: str) -> str:
    lines = [
        "# Capacity: memory, one and two instances on one PostgreSQL, labs per instance",
        "",
        f"`{command}` on {os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
        "Each bot is a real `actionlab run --slack` process on 127.0.0.1 with the default "
        "settings (log level WARNING), on a fresh PostgreSQL database copied from one set up "
        "once; the fake Slack and the load generator share the bench's own process (and the "
        "two cores). "
        "Load average = 1 / 5 / 15 min, read when each figure was taken.",
        "",
        "## Resident memory (VmRSS)",
        "",
        "| state | RSS MB | load average |",
        "|---|---:|---|",
    ]
    for state, mb, avg in out["memory"]:
        lines.append(f"| {state} | {mb:.1f} | {avg} |")
    lines += [
        "",
        f"## Throughput: {args.commands} commands from {args.labs} labs of six at each rate",
        "",
        "Open loop; with two instances the commands alternate between them. The mix: 40 % "
        "poll answers (a range of slots, yes / no / if need be), 25 % rankings, 15 % notes "
        "in the open minutes, 12 % `members`, 8 % `help`. *Throughput* = answers received "
        "/ time from the first command to the last answer. Ack = HTTP answer to the slash "
        "command; answer = its first real answer at the response URL (not \"Working on "
        "it\"). *Told it is coming* = answers that waited in the queue and got \"Working on "
        "it\" first.",
        "",
        "| instances | target /s | reached /s | sent | acked | answered | unanswered | "
        "\"went wrong\" | errors logged | told it is coming | throughput /s | ack p50 ms | "
        "ack p99 ms | answer p50 ms | answer p99 ms | RSS MB after | load before -> after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for instances, rate, r in out["throughput"]:
        rss = " + ".join(f"{mb:.0f}" for mb in r["rss"])
        lines.append(
            f"| {instances} | {rate:g} | {r['rate']:.0f} | {r['sent']} | {r['acked']} | "
            f"{r['answered']} | {r['unanswered']} | {r['failed']} | {r['errors']} | "
            f"{r['late']} | {r['throughput']:.0f} | {r['ack_p50']:.0f} | {r['ack_p99']:.0f} | "
            f"{r['p50']:.0f} | {r['p99']:.0f} | {rss} | {r['load_before']} -> "
            f"{r['load_after']} |")
    served = [labs for labs, r in out["capacity"] if r["p99"] <= 1000 and not r["unanswered"]]
    passed = [labs for labs, r in out["capacity"] if r["p99"] > 1000 or r["unanswered"]]
    if passed:
        verdict = (f"**One instance serves {served[-1] if served else 'fewer than '}"
                   f"{'' if served else str(args.steps[0])} active labs of six with answers' "
                   f"p99 within 1 s; at {passed[0]} labs ({passed[0] * args.lab_rate:g} "
                   "commands/s) the p99 passes 1 s.**")
    else:
        verdict = (f"**One instance served every step up to {served[-1] if served else 0} "
                   "active labs with answers' p99 within 1 s; the limit is above that (raise "
                   "--steps).**")
    lines += [
        "",
        "## Labs of six one instance serves (answers' p99 under 1 s)",
        "",
        f"One instance; each active lab sends {args.lab_rate:g} commands a second from its "
        f"six members (the same mix), {args.seconds:g} s per step; the steps go up until the "
        "answers' p99 passes 1 s or an answer is missing.",
        "",
        "| active labs | commands /s | reached /s | answered / acked | told it is coming | "
        "ack p99 ms | answer p50 ms | answer p99 ms | load before -> after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for labs, r in out["capacity"]:
        lines.append(
            f"| {labs} | {labs * args.lab_rate:g} | {r['rate']:.0f} | {r['answered']} / "
            f"{r['acked']} | {r['late']} | {r['ack_p99']:.0f} | {r['p50']:.0f} | "
            f"{r['p99']:.0f} | {r['load_before']} -> {r['load_after']} |")
    lines += ["", verdict]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: few labs, 3 s per step, 50/s only")
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL admin URL; bench databases are made next to it "
                        "and dropped")
    parser.add_argument("--labs", type=int, default=100, help="labs in the throughput load")
    parser.add_argument("--commands", type=int, default=300,
                        help="commands sent at each rate of the throughput runs")
    parser.add_argument("--memory-labs", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=8.0, help="per capacity step")
    parser.add_argument("--rates", type=float, nargs="+", default=[50.0, 200.0])
    parser.add_argument("--lab-rate", type=float, default=0.5,
                        help="commands a second from one active lab")
    parser.add_argument("--steps", type=int, nargs="+",
                        default=[10, 20, 30, 40, 60, 80, 100])
    options = parser.parse_args()
    if options.quick:
        options.labs, options.memory_labs, options.seconds = 10, 10, 3.0
        options.commands, options.rates, options.steps = 100, [50.0], [5, 10]
    shown = "python bench/bench_capacity.py " + " ".join(sys.argv[1:])
    logging.basicConfig(level=logging.WARNING)
    LOGS.mkdir(parents=True, exist_ok=True)
    results = asyncio.run(main(options))
    text = report(results, options, shown.strip())
    print(text)
    if not options.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
