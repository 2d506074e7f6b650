"""Start-up with many pending reminders: how long rebuilding their timers takes, and the
memory they hold; and what the periodic sweep costs with that many pending.

    python bench/bench_reminders.py            # 10,000 and 100,000, on SQLite
    python bench/bench_reminders.py --pg URL   # the same on PostgreSQL as well
                                               # (or set TEST_DATABASE_URL)

Each run makes a fresh database, writes N pending reminders spread over the next 30 days,
then times what `actionlab run` does at start-up: the reminders STARTUP step (read the
table, settle overdue rows, arm a timer per row) and starting APScheduler's
AsyncIOScheduler, which files every job. Memory is measured in a second, untimed pass
with tracemalloc (the Python heap the timers keep), and as the growth of the process's
resident set. Results are printed and written to bench/results/reminders.md.

The sweep (every `sweep_every`, in each instance sharing the database) is timed on the same
tables in three situations: *steady*, an instance that armed every row at start-up (what
each sweep costs, every minute, for ever); *takeover*, an instance that has armed nothing
(another wrote every row), which arms the rows due within the horizon; and *burst*, every
row due within the horizon and none armed here (the worst case: a dead instance had just
written them all).

Targets (issue #6): 10,000 in under 2 s; 100,000 in under 20 s.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402
from sqlalchemy import insert, update  # noqa: E402

from bot.bootstrap import App, create_app  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.domain.reminders import ReminderKind, ReminderStatus  # noqa: E402
from bot.domain.reminders import _weekly as weekly_cache  # noqa: E402
from bot.features.reminders import sweep  # noqa: E402
from bot.scheduling import Scheduler, cron_trigger  # noqa: E402
from storage.models import Lab, Membership, Person, Reminder  # noqa: E402

TARGETS = {10_000: 2.0, 100_000: 20.0}
RESULTS = ROOT / "bench" / "results" / "reminders.md"
HEADER = (
    "| database | reminders | weekly | start-up (s) | read + arm (s) | scheduler start (s) "
    "| timers | heap (MB) | bytes each | RSS growth (MB) | target |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


@dataclass
class Result:
    database: str
    n: int
    repeating: float
    read_and_arm: float
    scheduler_start: float
    armed: int
    heap_mb: float
    rss_mb: float

    @property
    def total(self) -> float:
        return self.read_and_arm + self.scheduler_start


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def fill(app: App, n: int, repeating: float) -> None:
    """One lab, six members, and `n` pending reminders due over the next 30 days."""
    now = datetime.now(UTC)
    async with app.ctx.uow() as uow:
        session = uow.session
        people = [Person(display_name=f"Member {i}", timezone="Europe/London",
                         created_at=now) for i in range(6)]
        session.add_all(people)
        await session.flush()
        lab = Lab(name="Bench", timezone="Europe/London", window_start=datetime.min.time(),
                  window_end=datetime.max.time().replace(microsecond=0), days="mon-fri",
                  member_limit=6, commitment="-", created_at=now)
        session.add(lab)
        await session.flush()
        session.add_all([Membership(lab_id=lab.id, person_id=p.id, role="member", active=True,
                                    accepted_at=now) for p in people])
        every = int(1 / repeating) if repeating else 0
        batch = []
        for i in range(n):
            due = now + timedelta(minutes=5) + timedelta(seconds=(i * 7919) % (30 * 86400))
            weekly = every and i % every == 0
            batch.append({
                "lab_id": lab.id, "kind": ReminderKind.CUSTOM,
                "recipient_id": people[i % 6].id, "author_id": people[0].id,
                "text": f"Reminder number {i}", "due_at": due, "next_at": due,
                "repeat": f"{due:%H:%M} {('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')[i % 7]}"
                if weekly else None,
                "repeat_zone": "UTC" if weekly else None,
                "quiet_exempt": True, "status": ReminderStatus.PENDING, "attempts": 0,
                "late": False, "created_at": now,
            })
            if len(batch) == 5000:
                await session.execute(insert(Reminder), batch)
                batch = []
        if batch:
            await session.execute(insert(Reminder), batch)
        await uow.commit()


async def one(url: str, label: str, n: int, repeating: float) -> Result:
    settings = load_settings(None).model_copy(update={"database_url": SecretStr(url)})
    app = await create_app(settings, migrate=True)  # the real clock and APScheduler
    try:
        await fill(app, n, repeating)
        jobs = app.ctx.jobs
        assert isinstance(jobs, Scheduler)
        step = app.startup[0]
        gc.collect()
        before = rss_mb()
        t0 = time.perf_counter()
        await step(app.ctx)  # read the table, settle, arm a timer for each row
        t1 = time.perf_counter()
        jobs.start()  # APScheduler files every pending job
        t2 = time.perf_counter()
        armed = sum(1 for j in jobs.pending() if j.startswith("reminder:"))
        gc.collect()
        grown = rss_mb() - before
    finally:
        await app.close()
    heap = await heap_of(url, n)
    return Result(label, n, repeating, t1 - t0, t2 - t1, armed, heap, grown)


async def heap_of(url: str, n: int) -> float:
    """The Python heap the armed timers keep (untimed: tracemalloc slows everything down)."""
    settings = load_settings(None).model_copy(update={"database_url": SecretStr(url)})
    app = await create_app(settings, migrate=False)
    try:
        # The timed pass filled these caches; count what they hold too.
        cron_trigger.cache_clear()
        weekly_cache.cache_clear()
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        await app.startup[0](app.ctx)
        assert isinstance(app.ctx.jobs, Scheduler)
        app.ctx.jobs.start()
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
    finally:
        await app.close()
    return kept / 2**20


async def fresh_pg(base: str) -> tuple[str, str]:
    import asyncpg

    from storage.db import normalize_url

    url = normalize_url(base)
    name = f"actionlab_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.rsplit("/", 1)[0] + f"/{name}", name


async def drop_pg(base: str, name: str) -> None:
    import asyncpg

    from storage.db import normalize_url

    url = normalize_url(base).replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def in_subprocess(url: str, label: str, n: int, share: float) -> Result:
    """One configuration in a fresh interpreter, so that its memory is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", url, label, str(n), str(share)],
        check=True, capture_output=True, text=True,
    ).stdout
    return Result(**json.loads(out.strip().splitlines()[-1]))


SWEEPS = 20  # steady sweeps timed; the median is reported


@dataclass
class SweepResult:
    database: str
    n: int
    steady_ms: float  # median of SWEEPS
    steady_looked: int  # rows due within the horizon
    takeover_ms: float
    takeover_armed: int
    burst_s: float
    burst_armed: int


async def _started(url: str, *, migrate: bool) -> App:
    settings = load_settings(None).model_copy(update={"database_url": SecretStr(url)})
    app = await create_app(settings, migrate=migrate)
    assert isinstance(app.ctx.jobs, Scheduler)
    # The sweep runs only in a started scheduler (it is one of its jobs), where looking a
    # timer up is a dictionary lookup, not a scan of the jobs waiting for the start.
    app.ctx.jobs.start()
    return app


async def sweep_one(url: str, label: str, n: int) -> SweepResult:
    settings = load_settings(None).model_copy(update={"database_url": SecretStr(url)})
    steady = await create_app(settings, migrate=True)
    try:
        await fill(steady, n, 0.0)
        await steady.startup[0](steady.ctx)  # this instance armed every row at start-up
        assert isinstance(steady.ctx.jobs, Scheduler)
        steady.ctx.jobs.start()
        times, looked = [], 0
        for _ in range(SWEEPS):
            t0 = time.perf_counter()
            done = await sweep(steady.ctx)
            times.append(time.perf_counter() - t0)
            assert done.armed == 0
            looked = done.looked_at
        times.sort()
        steady_ms = times[len(times) // 2] * 1000
    finally:
        await steady.close()

    other = await _started(url, migrate=False)  # armed nothing: another instance wrote all
    try:
        t0 = time.perf_counter()
        done = await sweep(other.ctx)
        takeover_ms = (time.perf_counter() - t0) * 1000
        takeover_armed = done.armed
    finally:
        await other.close()

    burst = await _started(url, migrate=False)
    try:
        # Every row due within the next five minutes (the default horizon), none armed here.
        async with burst.ctx.uow() as uow:
            soon = datetime.now(UTC) + timedelta(minutes=4)
            await uow.session.execute(update(Reminder).values(due_at=soon, next_at=soon))
            await uow.commit()
        t0 = time.perf_counter()
        done = await sweep(burst.ctx)
        burst_s = time.perf_counter() - t0
        burst_armed = done.armed
    finally:
        await burst.close()
    return SweepResult(label, n, steady_ms, looked, takeover_ms, takeover_armed, burst_s,
                       burst_armed)


def sweep_in_subprocess(url: str, label: str, n: int) -> SweepResult:
    out = subprocess.run(
        [sys.executable, __file__, "--sweep-one", url, label, str(n)],
        check=True, capture_output=True, text=True,
    ).stdout
    return SweepResult(**json.loads(out.strip().splitlines()[-1]))


def main(sizes: list[int], pg: str | None, repeating: float
         ) -> tuple[list[Result], list[SweepResult]]:
    results = []
    sweeps = []
    biggest = max(sizes)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for share in sorted({0.0, repeating}):
                url = f"sqlite+aiosqlite:///{Path(tmp) / f'bench-{n}-{share}.db'}"
                results.append(in_subprocess(url, "SQLite", n, share))
                print(line(results[-1]), flush=True)
        url = f"sqlite+aiosqlite:///{Path(tmp) / f'sweep-{biggest}.db'}"
        sweeps.append(sweep_in_subprocess(url, "SQLite", biggest))
        print(sweep_line(sweeps[-1]), flush=True)
    if pg:
        for n in sizes:
            url, name = asyncio.run(fresh_pg(pg))
            try:
                results.append(in_subprocess(url, "PostgreSQL", n, 0.0))
                print(line(results[-1]), flush=True)
            finally:
                asyncio.run(drop_pg(pg, name))
        url, name = asyncio.run(fresh_pg(pg))
        try:
            sweeps.append(sweep_in_subprocess(url, "PostgreSQL", biggest))
            print(sweep_line(sweeps[-1]), flush=True)
        finally:
            asyncio.run(drop_pg(pg, name))
    return results, sweeps


def sweep_line(r: SweepResult) -> str:
    return (f"{r.database:10} sweep with {r.n:,} pending: steady {r.steady_ms:.1f} ms "
            f"({r.steady_looked} due within the horizon, all armed); takeover "
            f"{r.takeover_ms:.1f} ms (armed {r.takeover_armed}); burst {r.burst_s:.2f} s "
            f"(armed {r.burst_armed:,})")


def line(r: Result) -> str:
    target = TARGETS.get(r.n)
    verdict = "" if target is None else ("PASS" if r.total < target else "FAIL") + \
        f" (< {target:g} s)"
    return (f"{r.database:10} {r.n:>7,} reminders ({r.repeating:.0%} weekly): "
            f"{r.total:6.2f} s = {r.read_and_arm:.2f} s read+arm + {r.scheduler_start:.2f} s "
            f"scheduler start; {r.armed:,} timers; heap {r.heap_mb:.1f} MB "
            f"({r.heap_mb * 2**20 / r.n:,.0f} B each); RSS +{r.rss_mb:.1f} MB  {verdict}")


def write(results: list[Result], sweeps: list[SweepResult]) -> None:
    load = os.getloadavg()
    import apscheduler
    import sqlalchemy

    rows = "\n".join(
        f"| {r.database} | {r.n:,} | {r.repeating:.0%} | {r.total:.2f} | {r.read_and_arm:.2f} | "
        f"{r.scheduler_start:.2f} | {r.armed:,} | {r.heap_mb:.1f} | "
        f"{r.heap_mb * 2**20 / r.n:,.0f} | {r.rss_mb:.1f} | "
        + (("PASS" if r.total < TARGETS[r.n] else "FAIL") + f" (< {TARGETS[r.n]:g} s)"
           if r.n in TARGETS else "") + " |"
        for r in results
    )
    sweep_rows = "\n".join(
        f"| {r.database} | {r.n:,} | {r.steady_ms:.1f} | {r.steady_looked} | "
        f"{r.takeover_ms:.1f} | {r.takeover_armed} | {r.burst_s:.2f} | {r.burst_armed:,} |"
        for r in sweeps
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(f"""# Reminders: rebuilding timers at start-up, and the sweep

`python bench/bench_reminders.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.
Python {platform.python_version()}, APScheduler {apscheduler.__version__}, SQLAlchemy
{sqlalchemy.__version__}, {os.cpu_count()} CPUs, load average {load[0]:.2f} / {load[1]:.2f} /
{load[2]:.2f} when it finished (the machine is shared; re-run on a quiet one for final figures).

Each run: a fresh database with N pending reminders due over the next 30 days, then what
start-up does. *read + arm* is the reminders STARTUP step (one ordered query, settle overdue
rows, one APScheduler job per row, each with a stable id `reminder:<id>`); *scheduler start*
is AsyncIOScheduler filing those jobs. *Heap* is the Python memory the armed timers keep
(tracemalloc, measured in a separate untimed pass); *RSS* is how much the process grew
(each configuration runs in a fresh interpreter).
Weekly reminders get a cron timer (`CronTrigger` in their zone) instead of a date timer.

{HEADER}
{rows}

## The sweep, with {max(r.n for r in results):,} pending reminders

Every `sweep_every` (60 s), in each instance: settle what a stopped instance left (three
indexed statements), read the pending rows due within `sweep_horizon` (5 min), and arm those
this instance has no timer for. *Steady*: an instance that armed every row at start-up, the
median of {SWEEPS} sweeps (what it costs every minute). *Takeover*: an instance that armed
nothing, so it arms what is due within the horizon. *Burst*: every row due within the
horizon and none armed here, the worst case.

| database | pending | steady (ms) | due in the horizon | takeover (ms) | armed | burst (s) \
| armed |
|---|---:|---:|---:|---:|---:|---:|---:|
{sweep_rows}
""", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"),
                        help="a PostgreSQL server URL; each run gets a fresh database on it")
    parser.add_argument("--repeating", type=float, default=0.1,
                        help="also run with this share of weekly reminders (0 to skip)")
    parser.add_argument("--one", nargs=4, metavar=("URL", "LABEL", "N", "SHARE"),
                        help=argparse.SUPPRESS)  # one run, in a fresh process, as JSON
    parser.add_argument("--sweep-one", nargs=3, metavar=("URL", "LABEL", "N"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        url, label, n, share = args.one
        print(json.dumps(asdict(asyncio.run(one(url, label, int(n), float(share))))))
    elif args.sweep_one:
        url, label, n = args.sweep_one
        print(json.dumps(asdict(asyncio.run(sweep_one(url, label, int(n))))))
    else:
        write(*main(args.sizes, args.pg, args.repeating))
