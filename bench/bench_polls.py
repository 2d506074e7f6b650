"""Benchmark: slot ranking and the pair search for 1,000 respondents by 200 slots (target
< 200 ms), and one page of the poll's answer card (target < 20 ms).

Run `python bench/bench_polls.py`; it prints a table and writes bench/results/polls.md.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.console.render import render_card  # noqa: E402
from bot.domain import availability as av  # noqa: E402
from bot.domain.availability import Answer  # noqa: E402
from bot.domain.lab import Role  # noqa: E402
from bot.features.polls import Loaded, answer_card, results_card  # noqa: E402
from storage.models import Lab, Membership, Person, Poll, PollSlot  # noqa: E402

NOW = datetime(2027, 1, 4, 10, tzinfo=UTC)
RESPONDENTS, SLOTS = 1000, 200
RUNS = 30


def grid_of(people: int, slots: int, seed: int = 7) -> dict[int, list[Answer | None]]:
    rng = random.Random(seed)
    choices = [Answer.YES, Answer.MAYBE, Answer.NO, None]
    return {p: rng.choices(choices, weights=(5, 2, 3, 1), k=slots) for p in range(people)}


def starts_of(slots: int) -> list[datetime]:
    # 200 slots: 20 weekdays from Mon 11 Jan 2027, 08:00-18:00 London, hourly.
    return av.generate_slots(date(2027, 1, 11), date(2027, 2, 5), days=frozenset(range(5)),
                             window=(clock(8), clock(18)), zone="Europe/London",
                             length=timedelta(hours=1), step=timedelta(hours=1),
                             now=NOW)[:slots]


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    fn()  # warm up (imports, caches)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples)


def rank_and_pairs(grid: dict[int, list[Answer | None]], starts: list[datetime],
                   gap: timedelta) -> None:
    required = frozenset({0, 1})
    scores = av.score_slots(grid, len(starts), required)
    av.rank_slots(scores)
    av.best_pairs(scores, av.availability_masks(grid, len(starts)), starts, gap=gap, limit=5)


def loaded_poll(people: int, starts: list[datetime]) -> Loaded:
    zones = ["Europe/London", "Africa/Lagos", "America/Sao_Paulo", "Asia/Kolkata",
             "Asia/Manila", "America/Toronto"]
    lab = Lab(id=1, name="Action Lab 1", timezone="Europe/London", window_start=clock(8),
              window_end=clock(18), days="mon-fri", member_limit=people, commitment="-",
              created_at=NOW)
    poll = Poll(id=1, lab_id=1, number=1, title="Action Lab meetings", status="open",
                timezone="Europe/London", window_start=clock(8), window_end=clock(18),
                length_minutes=60, closes_at=NOW + timedelta(days=4), created_at=NOW)
    slots = [PollSlot(id=i + 1, poll_id=1, number=i + 1, starts_at=s)
             for i, s in enumerate(starts)]
    members = [Membership(lab_id=1, person_id=p, role=Role.MEMBER, active=True,
                          accepted_at=NOW,
                          person=Person(id=p, display_name=f"Member {p:04d}",
                                        timezone=zones[p % len(zones)], created_at=NOW))
               for p in range(people)]
    return Loaded(poll, lab, slots, members, grid_of(people, len(starts)), [0])


def main() -> int:
    starts = starts_of(SLOTS)
    assert len(starts) == SLOTS
    grid = grid_of(RESPONDENTS, SLOTS)
    rows: list[tuple[str, float, float, float]] = []

    med, worst = timed(lambda: rank_and_pairs(grid, starts, timedelta(0)))
    rows.append(("rank + pairs, 1,000 x 200, every pair (gap 0: 19,900 pairs)", med, worst,
                 200))
    med, worst = timed(lambda: rank_and_pairs(grid, starts, timedelta(days=7)))
    rows.append(("rank + pairs, 1,000 x 200, gap 7 days", med, worst, 200))

    six = loaded_poll(6, starts)
    med, worst = timed(lambda: answer_card(six, 3, "Asia/Kolkata", 7, NOW), runs=200)
    rows.append(("answer card, one page (200-slot poll, Kolkata)", med, worst, 20))
    card = answer_card(six, 3, "Asia/Kolkata", 7, NOW)
    med, worst = timed(lambda: render_card(card, zone="Asia/Kolkata", now=NOW,
                                           first_number=1), runs=200)
    rows.append(("that page rendered as console text", med, worst, 20))
    big = loaded_poll(RESPONDENTS, starts)
    med, worst = timed(lambda: results_card(big, "Asia/Kolkata", 1, NOW), runs=10)
    rows.append(("results card, one page (1,000 x 200)", med, worst, 200))

    load = os.getloadavg()
    lines = [
        "# Poll benchmarks",
        "",
        f"`python bench/bench_polls.py` on {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; "
        f"load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        "(other work shares the machine).",
        "",
        "| what | median ms | worst ms | target ms | ok |",
        "|---|---:|---:|---:|---|",
    ]
    ok = True
    for name, med, worst, target in rows:
        passed = med < target
        ok = ok and passed
        lines.append(f"| {name} | {med:.2f} | {worst:.2f} | < {target:g} | "
                     f"{'yes' if passed else 'NO'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "bench" / "results" / "polls.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
