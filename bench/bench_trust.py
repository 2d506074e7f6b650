"""Nothing acknowledged is lost, and a burst slows answers down without losing any: real
`actionlab run --slack` processes on 127.0.0.1 against the fake Slack.

    python bench/bench_trust.py [--crash-commands 200] [--burst 3000] [--rate 350]
                                [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]

1. kill -9: a stream of mixed signed commands (`remind me`, `tz`, `members`, `help`); half
   way through, the process is killed with SIGKILL and started again on the same database.
   Every command Slack got a 200 for must have its effect (a reminder, a zone) or an answer
   (at its response URL, or a direct message saying what to resend). On SQLite and, with
   --pg, on PostgreSQL.
2. Burst: `--burst` signed `/lab remind me ...` at `--rate` a second, open loop, to one
   instance (SQLite, and PostgreSQL with --pg), and to two instances sharing PostgreSQL.
   Lost = acked without an answer; internal errors = "Something went wrong" answers or
   tracebacks in the processes' logs; p50/p99 from sending a command to its answer.
3. The ack with durability on, against a bare slack-bolt app: bench/bench_slack.py's run
   (--ack-seconds at 50/s), its figures copied here.

The fake Slack and the load share this process; the bot runs in its own processes. Traffic
stays on 127.0.0.1. Results: stdout and bench/results/trust.md.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import os
import platform
import signal
import socket
import statistics
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

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
RESULTS = ROOT / "bench" / "results" / "trust.md"
LOGS = Path(tempfile.gettempdir()) / "bench_trust_logs"  # the bots' logs, kept to read
USERS = ["UGEMMA", "UAMARA", "UZOE", "UPRIYA"]
WORKING = "Working on it"


def _sign(body: bytes, ts: str) -> str:
    return "v0=" + hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body,
                            hashlib.sha256).hexdigest()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(data: list[float], q: float) -> float:
    if not data:
        return float("nan")
    data = sorted(data)
    return data[min(len(data) - 1, max(0, round(q / 100 * len(data)) - 1))] * 1000


# --- the fake Slack, stamping when each answer arrives -----------------------------------------


class Slack:
    def __init__(self) -> None:
        from fakes.slack_api import FakeSlack

        self.fake = FakeSlack()
        self.fake.processing_polls = 0
        self.answered: dict[str, float] = {}  # token -> first real answer
        self.texts: dict[str, list[str]] = {}
        self.dms: list[str] = []
        record = self.fake._record

        async def stamped(call: Any) -> None:
            if call.method == "response_url":
                token = str(call.args.get("url_token", ""))
                text = str(call.args.get("text") or "") + str(call.args.get("blocks") or "")
                self.texts.setdefault(token, []).append(text)
                if not text.startswith(WORKING) and token not in self.answered:
                    self.answered[token] = time.perf_counter()
            elif call.method == "chat.postMessage":
                self.dms.append(str(call.args.get("text") or "") +
                                str(call.args.get("blocks") or ""))
            self.fake.calls.clear() if len(self.fake.calls) > 1000 else None
            await record(call)

        self.fake._record = stamped  # type: ignore[method-assign]


# --- the bot's processes -------------------------------------------------------------------------


@dataclass
class Bot:
    url: str
    env: dict[str, str]
    log: Path
    port: int = 0
    proc: asyncio.subprocess.Process | None = None
    logs: list[Path] = field(default_factory=list)

    async def start(self, session: Any) -> None:
        self.port = self.port or _free_port()
        log = self.log.with_suffix(f".{len(self.logs)}.log")
        self.logs.append(log)
        env = {**os.environ, **self.env, "PORT": str(self.port)}
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--slack", env=env, cwd=str(ROOT),
            stdout=asyncio.subprocess.DEVNULL, stderr=log.open("wb"))
        for _ in range(600):
            try:
                async with session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                    if response.status == 200:
                        return
            except Exception:
                pass
            await asyncio.sleep(0.05)
        raise RuntimeError(f"the bot did not start; see {log}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 40)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    def errors(self) -> list[str]:
        found = []
        for log in self.logs:
            for line in log.read_text(errors="replace").splitlines():
                if "Traceback" in line or "QueuePool" in line or " ERROR " in line:
                    found.append(line)
        return found


async def set_up_lab(db_url: str, fake_url: str) -> None:
    """A lab in C1 with four members, through the core (as bench_slack does)."""
    from pydantic import SecretStr

    from bot.bootstrap import create_app
    from bot.config import load_settings
    from bot.messages import Action, Actor, Command, Place
    from bot.scheduling import ManualJobs

    settings = load_settings(None).model_copy(update={"database_url": SecretStr(db_url)})
    app = await create_app(settings, jobs=ManualJobs(), migrate=True)
    try:
        place = Place("slack", "T1", "C1")

        def actor(user: str) -> Actor:
            return Actor("slack", "T1", user, user.title(), "Europe/London")

        await app.ctx.router.dispatch(app.ctx, Command(actor(USERS[0]), place,
                                                       text='setup "Bench Lab"'))
        for user in USERS[1:]:
            await app.ctx.router.dispatch(app.ctx, Command(actor(user), place, text="join"))
            await app.ctx.router.dispatch(app.ctx, Action(actor(user), place,
                                                          "al1:lab.accept:1"))
    finally:
        await app.close()


def bot_env(db_url: str, fake_url: str, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": db_url, "ACTIONLAB_DATABASE__MIGRATE_ON_START": "true",
            "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_BASE_URL": fake_url, "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING",
            "ACTIONLAB_WORK__LEASE": "3s", **extra}


async def fresh_pg(pg: str) -> str:
    import asyncpg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = pg.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return pg.rsplit("/", 1)[0] + f"/{name}"


async def drop_pg(pg: str, url: str) -> None:
    import asyncpg

    admin = pg.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


async def send(session: Any, slack: Slack, port: int, token: str, user: str,
               text: str) -> bool:
    body = urlencode({
        "team_id": "T1", "channel_id": "C1", "channel_name": "lab", "user_id": user,
        "user_name": user.lower(), "command": "/lab", "text": text, "api_app_id": "A1",
        "response_url": slack.fake.url(f"/response/{token}"), "trigger_id": f"trg-{token}",
    }).encode()
    ts = str(int(time.time()))
    try:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": _sign(body, ts)}
                ) as response:
            await response.read()
            return response.status == 200
    except Exception:
        return False


async def settle(slack: Slack, tokens: set[str], quiet: float = 6.0,
                 limit: float = 120.0) -> None:
    """Until every token is answered, or nothing new arrived for `quiet` seconds."""
    started = last = time.perf_counter()
    seen = -1
    while time.perf_counter() - started < limit:
        now_seen = len(tokens & slack.answered.keys())
        if now_seen == len(tokens):
            return
        if now_seen != seen:
            seen, last = now_seen, time.perf_counter()
        elif time.perf_counter() - last > quiet:
            return
        await asyncio.sleep(0.1)


# --- 1. kill -9 -------------------------------------------------------------------------------


async def crash_run(slack: Slack, db_url: str, tmp: Path, count: int,
                    rate: float) -> dict[str, Any]:
    import aiohttp
    from sqlalchemy import select

    from storage.db import create_engine, session_factory
    from storage.models import Person, Reminder

    await set_up_lab(db_url, slack.fake.base_url)
    bot = Bot("", bot_env(db_url, slack.fake.base_url), LOGS / f"crash-{uuid.uuid4().hex[:6]}")
    label = uuid.uuid4().hex[:6]
    zones = ["Europe/Paris", "Africa/Lagos", "Asia/Kolkata", "America/Sao_Paulo"]
    acked: dict[str, str] = {}  # token -> what it should have done
    killed_at = -1
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=400)) as session:
        await bot.start(session)
        tasks = []
        start = time.perf_counter()

        async def one(n: int) -> None:
            user = USERS[n % len(USERS)]
            kind = n % 4
            text = {0: f"remind me in 3 hours c{label}-{n}", 1: f"tz {zones[n % 4]}",
                    2: "members", 3: "help"}[kind]
            token = f"{label}-{n}"
            if await send(session, slack, bot.port, token, user, text):
                acked[token] = text

        unanswered_at_kill = 0
        for n in range(count):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if n == count // 2:
                bot.kill()  # with work acked and queued or running
                killed_at = len(acked)
                unanswered_at_kill = len(set(acked) - slack.answered.keys())
                await bot.proc.wait()  # type: ignore[union-attr]
                paused = time.perf_counter()
                await bot.start(session)  # the stream resumes once it listens again
                start += time.perf_counter() - paused
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
        await settle(slack, set(acked), quiet=8.0)
        await bot.stop()
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as db:
            all_texts = [r.text for r in (await db.scalars(select(Reminder))).all()]
            texts = set(all_texts)
            zones_now = {p.timezone for p in (await db.scalars(select(Person))).all()}
    finally:
        await engine.dispose()
    lost, by_effect, by_dm = [], 0, 0
    for token, text in acked.items():
        if token in slack.answered:
            continue
        if text.startswith("remind") and text.split(" ", 4)[-1] in texts:
            by_effect += 1
            continue
        if text.startswith("tz") and text.split()[1] in zones_now:
            by_effect += 1
            continue
        if any(text in dm for dm in slack.dms):
            by_dm += 1
            continue
        lost.append(token)
    return {"sent": count, "acked": len(acked), "killed_after_acks": killed_at,
            "unanswered_at_kill": unanswered_at_kill,
            "answered": len(set(acked) & slack.answered.keys()), "effect_only": by_effect,
            "told": by_dm, "lost": len(lost), "errors": len(bot.errors()),
            "twice": len(all_texts) - len(texts)}


# --- 2. burst --------------------------------------------------------------------------------


async def burst_run(slack: Slack, db_urls: list[str], tmp: Path, count: int,
                    rate: float) -> dict[str, Any]:
    import aiohttp

    await set_up_lab(db_urls[0], slack.fake.base_url)
    bots = [Bot("", bot_env(url, slack.fake.base_url), LOGS / f"burst-{uuid.uuid4().hex[:6]}")
            for url in db_urls]
    label = uuid.uuid4().hex[:6]
    sent_at: dict[str, float] = {}
    acked: set[str] = set()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000)) as session:
        for bot in bots:
            await bot.start(session)
        start = time.perf_counter()
        tasks = []

        async def one(n: int) -> None:
            token = f"{label}-{n}"
            bot = bots[n % len(bots)]
            sent_at[token] = time.perf_counter()
            if await send(session, slack, bot.port, token, USERS[n % len(USERS)],
                          f"remind me in 3 hours b{label}-{n}"):
                acked.add(token)

        for n in range(count):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
        sending = time.perf_counter() - start
        await settle(slack, acked, quiet=10.0, limit=300.0)
        for bot in bots:
            await bot.stop()
    answered = [slack.answered[t] - sent_at[t] for t in acked if t in slack.answered]
    failed = [t for t in acked if any("Something went wrong" in x
                                      for x in slack.texts.get(t, []))]
    noticed = [t for t in acked if any(x.startswith(WORKING) for x in slack.texts.get(t, []))]
    return {"instances": len(bots), "sent": count, "acked": len(acked),
            "answered": len(answered), "lost": len(acked) - len(answered),
            "internal_errors": len(failed) + sum(len(b.errors()) for b in bots),
            "told_late": len(noticed), "rate": count / sending,
            "p50": pct(answered, 50), "p99": pct(answered, 99),
            "max": max(answered) * 1000 if answered else float("nan")}


# --- 3. the ack, against bare slack-bolt -------------------------------------------------


def ack_run(seconds: float, rounds: int = 3) -> dict[str, Any]:
    """bench_slack's interleaved rounds (ours and the bare apps alternating, so the shared
    machine's load falls on all alike); the ratio is taken round by round."""
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_slack

    results, _ = asyncio.run(bench_slack.main(50.0, seconds, 2.0, 0.0001, rounds))
    lazy = results[bench_slack.BARE_LAZY]
    out: dict[str, Any] = {"rounds": rounds, "bare_p99": [r.pct(99) for r in
                                                          results[bench_slack.BARE]],
                           "lazy_p99": [r.pct(99) for r in lazy]}
    for key, name in (("one", bench_slack.OURS_ONE), ("six", bench_slack.OURS_SIX)):
        runs = results[name]
        out[key] = {"p50": [r.pct(50) for r in runs], "p99": [r.pct(99) for r in runs],
                    "ratio": [o.pct(99) / b.pct(99) for o, b in zip(runs, lazy, strict=True)],
                    "failures": sum(r.failures for r in runs),
                    "sent": sum(r.sent for r in runs)}
    return out


async def main(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"crash": [], "burst": []}
    slack = Slack()
    await slack.fake.start()
    try:
        with tempfile.TemporaryDirectory() as tmpdir:
            tmp = Path(tmpdir)
            for store in (["sqlite"] + (["postgresql"] if args.pg else [])):
                if store == "sqlite":
                    url = f"sqlite+aiosqlite:///{tmp / f'crash-{uuid.uuid4().hex[:6]}.db'}"
                else:
                    url = await fresh_pg(args.pg)
                try:
                    result = await crash_run(slack, url, tmp, args.crash_commands,
                                             args.crash_rate)
                finally:
                    if store != "sqlite":
                        await drop_pg(args.pg, url)
                out["crash"].append((store, result))
                print("crash", store, result, flush=True)
            if args.burst:
                plans: list[tuple[str, int]] = [("sqlite", 1)]
                if args.pg:
                    plans += [("postgresql", 1), ("postgresql", 2)]
                for store, instances in plans:
                    if store == "sqlite":
                        urls = [f"sqlite+aiosqlite:///{tmp / f'burst-{uuid.uuid4().hex[:6]}.db'}"]
                    else:
                        urls = [await fresh_pg(args.pg)] * instances
                    try:
                        result = await burst_run(slack, urls, tmp, args.burst, args.rate)
                    finally:
                        if store != "sqlite":
                            await drop_pg(args.pg, urls[0])
                    out["burst"].append((store, result))
                    print("burst", store, result, flush=True)
    finally:
        await slack.fake.stop()
    return out


def report(out: dict[str, Any], ack: dict[str, Any] | None, args: argparse.Namespace,
           load: float) -> str:
    lines = [
        "# Trust: nothing acknowledged is lost; a burst slows answers down, loses nothing",
        "",
        f"`python bench/bench_trust.py --crash-commands {args.crash_commands} --crash-rate "
        f"{args.crash_rate:g} --burst {args.burst} --rate {args.rate:g}"
        f"{' --pg <url>' if args.pg else ''} --ack-seconds {args.ack_seconds:g}` on "
        f"{os.cpu_count()} cores (shared with other work: load average {load:.2f} before), "
        f"Python {platform.python_version()}. Each bot is a real `actionlab run --slack` "
        "process on 127.0.0.1 with the default `[work]` settings but `lease = \"3s\"` (so "
        "the restarted process takes over within seconds); the fake Slack and the load run "
        "in the bench's own process.",
        "",
        "## kill -9 during a stream of mixed commands",
        "",
        "Commands `remind me`, `tz`, `members`, `help` from four members, open loop; half way "
        "the process gets SIGKILL (commands then in flight get no HTTP answer and are not "
        "counted as acked) and is started again on the same database; the stream resumes "
        "once it listens. *Lost* = acked (HTTP "
        "200) yet with no answer at its response URL, no effect in the database and no "
        "direct message about it.",
        "",
        "| store | sent | acked | acked before the kill | of which unanswered at the kill "
        "| answered | effect, answer lost | told by DM | **lost** | reminders set twice "
        "| errors logged |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for store, r in out["crash"]:
        lines.append(f"| {store} | {r['sent']} | {r['acked']} | {r['killed_after_acks']} | "
                     f"{r['unanswered_at_kill']} | {r['answered']} | {r['effect_only']} | "
                     f"{r['told']} | **{r['lost']}** | {r['twice']} | {r['errors']} |")
    if out["burst"]:
        lines += [
            "",
            f"## A burst: {args.burst} `/lab remind me ...` at {args.rate:g}/s",
            "",
            "Open loop from four members of one lab; with two instances the commands "
            "alternate between them. Latency is from sending the command to its answer "
            "reaching the response URL. *Told it is coming* counts the answers that waited "
            "over 2 s in the queue and got \"Working on it: N ahead of you\" first.",
            "",
            "| store | instances | sent | rate reached /s | acked | answered | **lost** | "
            "**internal errors** | told it is coming | p50 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for store, r in out["burst"]:
            lines.append(f"| {store} | {r['instances']} | {r['sent']} | {r['rate']:.0f} | "
                         f"{r['acked']} | {r['answered']} | **{r['lost']}** | "
                         f"**{r['internal_errors']}** | {r['told_late']} | {r['p50']:.0f} | "
                         f"{r['p99']:.0f} | {r['max']:.0f} |")
    if ack is not None:
        def spread(v: list[float], fmt: str = ".1f") -> str:
            return (f"{statistics.median(v):{fmt}} ({min(v):{fmt}} to {max(v):{fmt}})")

        ok = all(max(ack[k]["p99"]) < 100 and statistics.median(ack[k]["ratio"]) < 1.5
                 and not ack[k]["failures"] for k in ("one", "six"))
        lines += [
            "",
            "## The acknowledgement, with durability on",
            "",
            f"bench/bench_slack.py's run at 50 signed `/lab members` a second, {ack['rounds']} "
            f"rounds of {args.ack_seconds:g} s, ours and the bare apps interleaved (each ack "
            "records the payload in the inbox, on SQLite, before answering). Median over the "
            "rounds (lowest to highest); the ratio is ours / the lazy bare app's p99, in the "
            "same round:",
            "",
            "| | ack p50 ms | ack p99 ms | p99 ratio to the lazy bare app |",
            "|---|---:|---:|---:|",
            f"| actionlab, one member sends all | {spread(ack['one']['p50'])} | "
            f"{spread(ack['one']['p99'])} | {spread(ack['one']['ratio'], '.2f')} |",
            f"| actionlab, six members in turn | {spread(ack['six']['p50'])} | "
            f"{spread(ack['six']['p99'])} | {spread(ack['six']['ratio'], '.2f')} |",
            f"| bare slack-bolt, lazy listener | | {spread(ack['lazy_p99'])} | |",
            f"| bare slack-bolt, default | | {spread(ack['bare_p99'])} | |",
            "",
            f"**p99 < 100 ms in every round and median ratio to the lazy bare app < 1.5: "
            f"{'met' if ok else 'NOT met'}** ({ack['one']['failures'] + ack['six']['failures']}"
            f" of {ack['one']['sent'] + ack['six']['sent']} failed).",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crash-commands", type=int, default=200)
    parser.add_argument("--crash-rate", type=float, default=60.0)
    parser.add_argument("--burst", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=350.0)
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL (a database per run is "
                        "created next to it and dropped)")
    parser.add_argument("--ack-seconds", type=float, default=20.0, help="0 skips it")
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    load = os.getloadavg()[0]
    LOGS.mkdir(parents=True, exist_ok=True)
    results = asyncio.run(main(options))
    ack = ack_run(options.ack_seconds) if options.ack_seconds else None
    text = report(results, ack, options, load)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
