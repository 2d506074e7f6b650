"""How long each minutes export takes to render, for a short and a long meeting.

Run: `python bench/bench_minutes.py`. Prints a table and writes bench/results/minutes.md.
A PDF is rendered in a worker thread by the bot, so the event loop keeps serving meanwhile;
these numbers say how long the person waits for the file.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.minutes import (
    ActionStatus,
    EntryFacts,
    EntryKind,
    MinutesDocument,
    build_document,
)
from bot.exports import FORMATS, render

START = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
NAMES = ("Zoë Núñez", "Nguyễn Thị Minh Khai", "محمد الأمين", "Amara Okafor", "Priya Raman",
         "Gemma Rhodes")
RUNS = 5


def document(entries: int) -> MinutesDocument:
    facts = []
    for n in range(1, entries + 1):
        who = NAMES[n % len(NAMES)]
        at = START + timedelta(seconds=20 * n)
        if n % 10 == 0:
            facts.append(EntryFacts(n, EntryKind.ACTION, f"Action {n}: follow up with the "
                                    "procurement office", who, at, owner=who,
                                    due=date(2027, 1, 11), status=ActionStatus.OPEN))
        elif n % 7 == 0:
            facts.append(EntryFacts(n, EntryKind.DECISION, f"Decision {n}: we agree", who, at))
        else:
            text = ("نحتاج إلى بيانات المشتريات المفتوحة " if n % 3 == 0 else
                    "The survey shows members want weekly data. ") * 3
            facts.append(EntryFacts(n, EntryKind.NOTE, text.strip(), who, at))
    return build_document(lab="Action Lab 1", title="Kick-off call", meeting_number=None,
                          zone="Europe/London", started_at=START,
                          ended_at=START + timedelta(hours=1), secretary="Priya Raman",
                          present=NAMES[:5], apologies=NAMES[5:], entries=facts,
                          generated_at=START)


def timed(doc: MinutesDocument, fmt: str) -> tuple[float, int]:
    render(doc, fmt)  # type: ignore[arg-type]  # warm: imports, font parsing
    times = []
    size = 0
    for _ in range(RUNS):
        t0 = time.perf_counter()
        size = len(render(doc, fmt))  # type: ignore[arg-type]
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, size


def main() -> None:
    rows = []
    for entries in (20, 200):
        doc = document(entries)
        for fmt in FORMATS:
            ms, size = timed(doc, fmt)
            rows.append((entries, fmt, ms, size))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# Minutes export: render time",
        "",
        f"Median of {RUNS} runs after one warm-up; Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load:.2f} when run.",
        "",
        "| entries | format | median ms | bytes |",
        "|---:|---|---:|---:|",
        *[f"| {e} | {f} | {ms:.1f} | {size:,} |" for e, f, ms, size in rows],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).parent / "results" / "minutes.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
