"""Benchmark: races on one row through the real dispatch, on SQLite and on PostgreSQL.

40 pairs of simultaneous first answers to one poll slot (the same member answering yes and
no at the same moment, asyncio.gather on one app), plus two rankings saved at once, "present"
twice at once, one message memoed by two members at once, and a newcomer's two first
commands at once, and a burst of 200 notes at one moment (SQLite's one write lock: "database
is locked" would surface there). Target: 0 internal errors, and every stored row is the
later action's.

Run `python bench/bench_races.py` (PostgreSQL from TEST_DATABASE_URL, default
postgresql+asyncpg://postgres@127.0.0.1:5432/test; a fresh database is made and dropped);
it prints a table and writes bench/results/races.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from bot.bootstrap import create_app  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.scheduling import ManualJobs  # noqa: E402
from fakes.console import T0  # noqa: E402
from fakes.races import (  # noqa: E402
    ErrorLog,
    Outcome,
    RaceLab,
    TickingClock,
    attendance,
    ballots,
    burst,
    first_answers,
    memos,
    newcomers,
    race_lab,
)
from storage.db import normalize_url  # noqa: E402

PAIRS = 40
PG = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")

Race = Callable[[RaceLab], Awaitable[Outcome]]
RACES: list[tuple[str, Race]] = [
    (f"{PAIRS} pairs of first answers to one slot", lambda lab: first_answers(lab, PAIRS)),
    (f"{PAIRS} pairs of rankings saved at once", lambda lab: ballots(lab, PAIRS)),
    ("3 pairs of `present` at once", attendance),
    ("20 messages memoed by two members at once", lambda lab: memos(lab, 20)),
    ("20 newcomers' two first commands at once", lambda lab: newcomers(lab, 20)),
    ("a burst of 200 notes at one moment (one row each)", lambda lab: burst(lab, 200)),
]


async def run_on(url: str, tmp: Path) -> list[tuple[str, Outcome, int, float]]:
    settings = load_settings(None).model_copy(update={"database_url": SecretStr(url)})
    clock = TickingClock(T0)
    app = await create_app(settings, clock=clock, jobs=ManualJobs(), migrate=True)
    rows = []
    try:
        lab = await race_lab(app, clock, tmp, slots="2027-01-11..2027-01-22")
        for name, race in RACES:
            errors = ErrorLog()
            logging.getLogger().addHandler(errors)
            started = time.perf_counter()
            try:
                outcome = await race(lab)
            finally:
                logging.getLogger().removeHandler(errors)
            rows.append((name, outcome, len(errors.records), time.perf_counter() - started))
    finally:
        await app.close()
    return rows


async def fresh_pg() -> tuple[str, Callable[[], Awaitable[None]]]:
    base = normalize_url(PG)
    admin = base.replace("postgresql+asyncpg://", "postgresql://")
    name = f"actionlab_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    return base.rsplit("/", 1)[0] + f"/{name}", drop


async def main() -> int:
    root = logging.getLogger()  # ERROR records reach the ErrorLog counters; nothing printed
    root.setLevel(logging.ERROR)
    root.addHandler(logging.NullHandler())
    results: dict[str, list[tuple[str, Outcome, int, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = await run_on(f"sqlite+aiosqlite:///{tmp}/races.db", Path(tmp))
        url, drop = await fresh_pg()
        try:
            results["PostgreSQL"] = await run_on(url, Path(tmp))
        finally:
            await drop()
    lines = [
        "# Races on one row",
        "",
        f"`python bench/bench_races.py` on CPython {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores; load average at the end "
        + " / ".join(f"{x:.2f}" for x in os.getloadavg())
        + " (other work shares the machine).",
        "",
        "Each pair is two events of one member dispatched at once (asyncio.gather) through "
        "the real router on one app. *Internal errors* counts replies saying \"Something "
        "went wrong\"; *ERROR logs* counts records logged at ERROR; *wrong rows* counts "
        "pairs whose stored row is not the later action's (or, for memos and newcomers, "
        "duplicates or gaps).",
        "",
        "| database | race | pairs (events for the burst) | internal errors | ERROR logs | "
        "wrong rows | seconds | ok |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    ok_all = True
    for database, rows in results.items():
        for name, outcome, logged, seconds in rows:
            ok = outcome.errors == 0 and logged == 0 and outcome.wrong_final == 0
            ok_all &= ok
            lines.append(f"| {database} | {name} | {outcome.pairs} | {outcome.errors} | "
                         f"{logged} | {outcome.wrong_final} | {seconds:.2f} | "
                         f"{'yes' if ok else 'NO'} |")
            for note in outcome.notes[:3]:
                lines.append(f"|  | {note} | | | | | | |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "bench" / "results" / "races.md"
    out.write_text(text, encoding="utf-8")
    return 0 if ok_all else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
