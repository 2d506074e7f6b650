"""Benchmark of the tally: IRV on 1,000,000 ballots x 5 candidates, and IRV, STV (3 seats)
and Schulze on 100,000 ballots x 20 candidates, each against pref-voting and pyrankvote on
the same ballots, in the same run. Targets: under 2 s each for our count.

    python bench/bench_tally.py [--quick]

Ballots are random partial rankings (each ballot ranks 1 to all candidates, in random order)
from a fixed seed. Every library is timed from the same list of ranking tuples (one per
ballot) to its winners, building its own input on the clock: ours groups identical rankings;
pref-voting gets a ProfileWithTies of the grouped rankings with counts (unranked candidates
below ranked ones, as in our count); pyrankvote one Ballot object per ballot. The other
libraries run in a forked child with a time limit, so a very slow one is reported as
"> limit" instead of holding up the run. Results go to bench/results/tally.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from queue import Empty
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.tally import count, from_rankings

RESULTS = Path(__file__).parent / "results" / "tally.md"
TARGET = 2.0


def make_ballots(n: int, candidates: list[str], seed: int) -> list[tuple[str, ...]]:
    rng = random.Random(seed)
    k = len(candidates)
    return [tuple(rng.sample(candidates, rng.randint(1, k))) for _ in range(n)]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median wall time of `repeat` runs, and the last run's value."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def ours(method: str, seats: int, candidates: list[str], ballots: list[tuple[str, ...]]
         ) -> Callable[[], list[str]]:
    def run() -> list[str]:
        election = from_rankings(method, seats, candidates, ballots, seed="bench")
        return count(election).winners
    return run


def pref_voting_runner(method: str, seats: int, candidates: list[str],
                       ballots: list[tuple[str, ...]]) -> Callable[[], list[str]]:
    from pref_voting.margin_based_methods import beat_path  # Schulze's method
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.proportional_methods import stv_wig
    from pref_voting.voting_methods import instant_runoff_for_truncated_linear_orders

    def run() -> list[str]:
        grouped = Counter(ballots)
        rankings = [{c: i + 1 for i, c in enumerate(r)} for r in grouped]
        profile = ProfileWithTies(rankings, rcounts=list(grouped.values()),
                                  candidates=candidates)
        profile.use_extended_strict_preference()  # unranked below ranked, as in our count
        if method == "irv":
            return list(instant_runoff_for_truncated_linear_orders(profile))
        if method == "stv":
            return list(stv_wig(profile, num_seats=seats, quota_rule="droop"))
        return list(beat_path(profile))
    return run


def pyrankvote_runner(method: str, seats: int, candidates: list[str],
                      ballots: list[tuple[str, ...]]) -> Callable[[], list[str]] | None:
    if method == "schulze":
        return None  # pyrankvote has no Condorcet method
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    def run() -> list[str]:
        people = {c: Candidate(c) for c in candidates}
        objects = [Ballot(ranked_candidates=[people[c] for c in r]) for r in ballots]
        everyone = list(people.values())
        if method == "irv":
            result = pyrankvote.instant_runoff_voting(everyone, objects)
        else:
            result = pyrankvote.single_transferable_vote(everyone, objects,
                                                         number_of_seats=seats)
        return [c.name for c in result.get_winners()]
    return run


def in_child(runner: Callable[[], list[str]], limit: float
             ) -> tuple[float, list[str]] | None:
    """Run `runner` in a forked process; its time and winners, or None past `limit` s."""
    context = multiprocessing.get_context("fork")
    queue: Any = context.Queue()

    def work() -> None:
        spent, winners = timed(runner, 1)
        queue.put((spent, winners))

    child = context.Process(target=work)
    child.start()
    try:
        return queue.get(timeout=limit)  # type: ignore[no-any-return]
    except Empty:
        return None
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the ballots")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=float, default=300.0,
                        help="seconds another library may take for one count (default 300)")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    cases = [
        ("IRV", "irv", 1, 5, 1_000_000 // scale),
        ("IRV", "irv", 1, 20, 100_000 // scale),
        ("STV, 3 seats", "stv", 3, 20, 100_000 // scale),
        ("Schulze", "schulze", 1, 20, 100_000 // scale),
    ]
    rows = []
    for label, method, seats, k, n in cases:
        candidates = [f"Candidate {i + 1}" for i in range(k)]
        ballots = make_ballots(n, candidates, seed=k * 1000 + seats)
        mine, winners = timed(ours(method, seats, candidates, ballots), args.repeat)
        print(f"{label:<13} {n:>9,} x {k:>2}: ours {mine:7.3f} s  winners {winners}",
              flush=True)
        others: dict[str, tuple[float, list[str]] | str] = {}
        for name, make in (("pref-voting", pref_voting_runner),
                           ("pyrankvote", pyrankvote_runner)):
            runner = make(method, seats, candidates, ballots)
            if runner is None:
                others[name] = "no such method"
                continue
            outcome = in_child(runner, args.limit)
            if outcome is None:
                others[name] = f"> {args.limit:.0f}"
                print(f"{'':<13} {'':>9}   {name} over {args.limit:.0f} s, stopped", flush=True)
                continue
            spent, their = outcome
            others[name] = (spent, their)
            print(f"{'':<13} {'':>9}   {name} {spent:7.3f} s  winners {their}  "
                  f"({spent / mine:.1f}x ours)", flush=True)
        rows.append((label, n, k, mine, winners, others))
    write_results(rows, args.quick, args.limit)
    slow = [r for r in rows if r[3] >= TARGET]
    return 1 if slow and not args.quick else 0


def write_results(rows: list[Any], quick: bool, limit: float) -> None:
    load = os.getloadavg()
    lines = [
        "# Tally benchmark",
        "",
        f"`python bench/bench_tally.py{' --quick' if quick else ''}` on "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        "(1 / 5 / 15 min) when it finished.",
        "",
        "Random partial rankings from a fixed seed; every library timed from the same "
        "ranking tuples (one per ballot) to its winners, building its own input on the "
        "clock. Ours: median of 3 runs, the full result (grouping identical rankings, "
        "counting, pairwise matrix and Condorcet check, tie exploration). Others: one run "
        f"each in a forked child, stopped after {limit:.0f} s (pref-voting: grouped "
        "ProfileWithTies with counts, unranked below ranked; pyrankvote: one Ballot per "
        "ballot). Target: under 2 s for ours.",
        "",
        "| count | ballots | candidates | ours (s) | pref-voting (s) | ratio | "
        "pyrankvote (s) | ratio | same winners |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, n, k, mine, winners, others in rows:
        cells = []
        same = []
        for name in ("pref-voting", "pyrankvote"):
            other = others.get(name)
            if isinstance(other, str):
                ratio = f"> {float(other[2:]) / mine:.0f}x" if other.startswith(">") else "n/a"
                cells += [other, ratio]
                continue
            assert other is not None
            spent, their = other
            cells += [f"{spent:.3f}", f"{spent / mine:.1f}x"]
            same.append(f"{name}: {'yes' if sorted(their) == sorted(winners) else 'NO'}")
        lines.append(f"| {label} | {n:,} | {k} | {mine:.3f} | " + " | ".join(cells)
                     + f" | {'; '.join(same)} |")
    lines += ["", "A ratio is the other library's time divided by ours (above 1: ours is "
              "faster). pyrankvote's STV follows its own rules (a float count and its own "
              "transfer rules), so its winners can differ from a weighted inclusive Gregory "
              "count with the integer Droop quota; pref-voting's STV-WIG with quota_rule "
              "'droop' is the same rule as ours. pyrankvote has no Condorcet method.", ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
