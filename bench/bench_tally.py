"""Benchmark of the tally, in-process and end to end, against pref-voting and pyrankvote.

    python bench/bench_tally.py [--quick] [--repeat N] [--limit S]
    python -m bench tally                       (the same, through the one entry point)

In-process (targets from issue 19, on the 2-core machine): IRV 1,000,000 ballots x 5
candidates under 0.2 s, IRV 100,000 x 20 under 0.15 s, STV 3 seats 100,000 x 20 under 0.25 s,
Schulze 1,000,000 x 20 under 1.6 s. Ballots are random partial rankings (each ballot ranks 1
to all candidates, in random order) from a fixed seed. Every library is timed from the same
list of ranking tuples (one per ballot) to its winners, building its own input on the clock:
ours groups identical rankings; pref-voting gets a ProfileWithTies of the grouped rankings
with counts (unranked candidates below ranked ones, as in our count); pyrankvote one Ballot
object per ballot. Everyone is timed the same way: one warm-up run, then the median of
`--repeat` runs, each library in a forked child with a time limit per run (a very slow one
is reported as "> limit"). The floor is grouping the ranking tuples (a Counter), which every
count has to do.

End to end (`python -m bot tally`, a new process each time): `tally --help` under 0.25 s; a
1,000,000-ballot BLT file (one line per ballot, 325 different lines) under 1.5 s and 250 MB;
the same million ballots as JSON under 4 s. Wall time and the child's peak resident memory.

Results go to bench/results/tally.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from queue import Empty
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.tally import count, from_rankings

RESULTS = Path(__file__).parent / "results" / "tally.md"
ROOT = Path(__file__).resolve().parents[1]
# (label, method, seats, candidates, ballots, target in seconds)
CASES = [
    ("IRV", "irv", 1, 5, 1_000_000, 0.2),
    ("IRV", "irv", 1, 20, 100_000, 0.15),
    ("STV, 3 seats", "stv", 3, 20, 100_000, 0.25),
    ("Schulze", "schulze", 1, 20, 1_000_000, 1.6),
]
END_TO_END = {"help": 0.25, "blt": 1.5, "blt_mb": 250, "json": 4.0}


def make_ballots(n: int, candidates: list[str], seed: int) -> list[tuple[str, ...]]:
    rng = random.Random(seed)
    k = len(candidates)
    return [tuple(rng.sample(candidates, rng.randint(1, k))) for _ in range(n)]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """One warm-up run, then the median wall time of `repeat` runs, and the last value."""
    wall, _cpu, value = timed_cpu(fn, repeat)
    return wall, value


def timed_cpu(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """As `timed`, with the median CPU time of this process too: on a shared machine the
    wall time counts the waits for a core, the CPU time only the work."""
    value = fn()
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu), value


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


def in_child(runner: Callable[[], Any], repeat: int, limit: float
             ) -> tuple[float, Any] | None:
    """`timed(runner, repeat)` in a forked process; None when it takes more than `limit`
    seconds a run (warm-up included)."""
    context = multiprocessing.get_context("fork")
    queue: Any = context.Queue()

    def work() -> None:
        queue.put(timed(runner, repeat))

    child = context.Process(target=work)
    child.start()
    try:
        return queue.get(timeout=limit * (repeat + 1))  # type: ignore[no-any-return]
    except Empty:
        return None
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def run_command(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident MB and exit code of `python -m bot <args>`.

    The peak comes from GNU time, whose child is forked from a small process: a child
    forked straight from this one would report this process's size as its own peak."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, sys.executable,
                               "-m", "bot", *args], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, cwd=ROOT, env=env, check=False)
        spent = time.perf_counter() - start
        peak_kb = float(report.read().split()[-1])
    return spent, peak_kb / 1024, proc.returncode


def end_to_end(repeat: int, scale: int) -> dict[str, tuple[float, float]]:
    """`tally --help`, a million-ballot BLT file and the same ballots as JSON."""
    names = [f"Candidate {i + 1}" for i in range(5)]
    kinds = [p for k in range(1, 6) for p in itertools.permutations(range(1, 6), k)][:325]
    rng = random.Random(5)
    chosen = [kinds[int(rng.random() ** 2 * len(kinds))] for _ in range(1_000_000 // scale)]
    out: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        blt = Path(folder) / "million.blt"
        lines = ["5 1", *("1 " + " ".join(map(str, k)) + " 0" for k in chosen), "0",
                 *names, "A million ballots"]
        blt.write_text("\n".join(lines) + "\n", encoding="utf-8")
        as_json = Path(folder) / "million.json"
        as_json.write_text(json.dumps({"method": "irv", "candidates": names, "ballots": [
            {"ranking": [names[i - 1] for i in k]} for k in chosen]}), encoding="utf-8")
        for label, args in (("help", ["tally", "--help"]), ("blt", ["tally", str(blt)]),
                            ("json", ["tally", str(as_json)])):
            run_command(args)  # warm-up: the same number of warm runs as every count
            runs = [run_command(args) for _ in range(repeat)]
            assert all(code == 0 for _, _, code in runs), f"tally {label} failed"
            out[label] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
            print(f"end to end {label:<5} {out[label][0]:7.3f} s  {out[label][1]:6.0f} MB",
                  flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the ballots")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after a warm-up")
    parser.add_argument("--limit", type=float, default=120.0,
                        help="seconds another library may take for one count (default 120)")
    parser.add_argument("--no-peers", action="store_true", help="time only ours")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    rows = []
    for label, method, seats, k, n, target in CASES:
        n //= scale
        candidates = [f"Candidate {i + 1}" for i in range(k)]
        ballots = make_ballots(n, candidates, seed=k * 1000 + seats)
        floor, floor_cpu, _ = timed_cpu(lambda ballots=ballots: Counter(ballots), args.repeat)
        mine, mine_cpu, winners = timed_cpu(ours(method, seats, candidates, ballots),
                                            args.repeat)
        print(f"{label:<13} {n:>9,} x {k:>2}: ours {mine:7.3f} s, CPU {mine_cpu:.3f} s "
              f"(floor {floor:.3f} s, CPU {floor_cpu:.3f} s; target {target} s)  "
              f"winners {winners}", flush=True)
        others: dict[str, tuple[float, list[str]] | str] = {}
        for name, make in (("pref-voting", pref_voting_runner),
                           ("pyrankvote", pyrankvote_runner)):
            runner = make(method, seats, candidates, ballots)
            if runner is None:
                others[name] = "no such method"
                continue
            if args.no_peers:
                others[name] = "not run"
                continue
            outcome = in_child(runner, args.repeat, args.limit)
            if outcome is None:
                others[name] = f"> {args.limit:.0f}"
                print(f"{'':<13} {'':>9}   {name} over {args.limit:.0f} s a run, stopped",
                      flush=True)
                continue
            spent, their = outcome
            others[name] = (spent, list(their))
            print(f"{'':<13} {'':>9}   {name} {spent:7.3f} s  winners {their}  "
                  f"({spent / mine:.1f}x ours)", flush=True)
        rows.append((label, n, k, mine, floor, target, winners, others, mine_cpu, floor_cpu))
    e2e = end_to_end(args.repeat, scale)
    write_results(rows, e2e, args)
    slow = [r for r in rows if r[3] >= r[5]]
    return 1 if slow and not args.quick else 0


def write_results(rows: list[Any], e2e: dict[str, tuple[float, float]],
                  args: argparse.Namespace) -> None:
    load = os.getloadavg()
    flags = " ".join(f for f, on in (("--quick", args.quick), ("--no-peers", args.no_peers))
                     if on)
    command = f"python bench/bench_tally.py --repeat {args.repeat} --limit {args.limit:.0f}"
    command += f" {flags}" if flags else ""
    lines = [
        "# Tally benchmark",
        "",
        f"`{command}` on {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        "(1 / 5 / 15 min) when it finished.",
        "",
        "Random partial rankings from a fixed seed; every library timed from the same "
        "ranking tuples (one per ballot) to its winners, building its own input on the "
        f"clock, the same way: one warm-up run, then the median of {args.repeat} runs "
        "(others in a forked child, stopped after "
        f"{args.limit:.0f} s a run). Ours: the full result (grouping identical rankings, "
        "counting, the Condorcet check, tie exploration). Floor: grouping the tuples "
        "(`Counter`), which every count does first. CPU: the median CPU time of the same "
        "runs (on a shared machine the wall time also counts the waits for a core).",
        "",
        "| count | ballots | candidates | ours (s) | ours, CPU (s) | target (s) | floor (s) "
        "| floor, CPU (s) | pref-voting (s) | ratio | pyrankvote (s) | ratio | same winners |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, n, k, mine, floor, target, winners, others, mine_cpu, floor_cpu in rows:
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
        lines.append(f"| {label} | {n:,} | {k} | {mine:.3f} | {mine_cpu:.3f} | {target} | "
                     f"{floor:.3f} | {floor_cpu:.3f} | "
                     + " | ".join(cells) + f" | {'; '.join(same) or 'n/a'} |")
    help_s, _ = e2e["help"]
    blt_s, blt_mb = e2e["blt"]
    json_s, json_mb = e2e["json"]
    ballots = 1_000_000 // (10 if args.quick else 1)
    lines += [
        "",
        "A ratio is the other library's time divided by ours (above 1: ours is faster). "
        "pyrankvote's STV follows its own rules (a float count and its own transfer rules), "
        "so its winners can differ from a weighted inclusive Gregory count with the integer "
        "Droop quota; pref-voting's STV-WIG with quota_rule 'droop' is the same rule as "
        "ours. pyrankvote has no Condorcet method.",
        "",
        f"## End to end (`python -m bot tally`, a new process each run, median of "
        f"{args.repeat} after a warm-up)",
        "",
        "| command | wall (s) | target (s) | peak resident (MB) |",
        "|---|---:|---:|---:|",
        f"| `tally --help` | {help_s:.3f} | {END_TO_END['help']} | {e2e['help'][1]:.0f} |",
        f"| `tally million.blt` ({ballots:,} ballots, 325 different lines) | {blt_s:.3f} | "
        f"{END_TO_END['blt']} | {blt_mb:.0f} (target {END_TO_END['blt_mb']}) |",
        f"| `tally million.json` (the same ballots, one object each) | {json_s:.3f} | "
        f"{END_TO_END['json']} | {json_mb:.0f} |",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
