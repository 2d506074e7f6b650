"""Every benchmark from one command, and every figure in one file.

    python -m bench                     run every bench/bench_*.py, write bench/RESULTS.md
    python -m bench tally slack         run only these (bench_tally.py, bench_slack.py)
    python -m bench tally -- --quick    pass the flags after `--` to each script run
    python -m bench --list              the benchmarks found

Each script is found by its name (bench/bench_<name>.py, so new ones join without a change
here), run in its own process from the repository root, and writes its figures, with its
peers timed in the same run, to bench/results/<name>.md. RESULTS.md gathers them under one
heading: the machine, the versions of what was measured and its peers, the load average
before and after each script, the command that reproduces each figure, and each script's
own table. A script not run this time keeps its last figures, marked with their date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "RESULTS.md"
PACKAGES = ("numpy", "orjson", "SQLAlchemy", "asyncpg", "aiosqlite", "slack_bolt",
            "slack_sdk", "discord.py", "aiohttp", "APScheduler", "pref_voting", "pyrankvote")


@dataclass
class Run:
    name: str
    command: str
    code: int
    seconds: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def discover() -> dict[str, Path]:
    """bench_<name>.py -> name, in name order."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(BENCH.glob("bench_*.py"))}


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        found = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    memory = ""
    try:
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
        memory = f", {int(found.group(1)) / 1024 / 1024:.1f} GB memory" if found else ""
    except OSError:
        pass
    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores{memory}; {platform.system()} "
        f"{platform.release()}",
        f"- Python {platform.python_implementation()} {platform.python_version()}",
        "- Versions: " + ", ".join(f"{name} {version(name)}" for name in PACKAGES),
    ]


def version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def load() -> tuple[float, float, float]:
    return os.getloadavg()


def run(name: str, script: Path, extra: list[str]) -> Run:
    command = [sys.executable, str(script.relative_to(ROOT)), *extra]
    shown = " ".join(["python", str(script.relative_to(ROOT)), *extra])
    print(f"== {name}: {shown}", flush=True)
    before = load()
    start = time.perf_counter()
    code = subprocess.call(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - start
    return Run(name, shown, code, seconds, before, load())


def figures(name: str) -> tuple[str, str]:
    """The script's own results file (headings pushed down two levels) and its date."""
    path = BENCH / "results" / f"{name}.md"
    if not path.exists():
        return "(no results file yet)", ""
    text = path.read_text(encoding="utf-8").strip()
    text = re.sub(r"^(#+) ", lambda m: "#" * min(len(m.group(1)) + 2, 6) + " ", text,
                  flags=re.MULTILINE)
    when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return text, when.strftime("%Y-%m-%d %H:%M UTC")


def write(found: dict[str, Path], runs: dict[str, Run]) -> None:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    one, five, fifteen = load()
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench` at {now}. Each section is one bench/bench_*.py "
        "script; its table holds our figure and its peer's, measured in the same run "
        "(pref-voting and pyrankvote for counts, a bare slack-bolt app for Slack acks, "
        "where the script has one), timed the same way.",
        "",
        *machine(),
        f"- Load average when written: {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 "
        "min). The machine is shared: a high load makes every figure slower, ours and the "
        "peers' alike.",
        "",
        "| benchmark | reproduce with | this run | load before -> after (1 min) |",
        "|---|---|---|---|",
    ]
    for name, script in found.items():
        r = runs.get(name)
        command = r.command if r else f"python {script.relative_to(ROOT)}"
        if r:
            status = f"ran {r.seconds:.0f} s, exit {r.code}"
            loads = f"{r.load_before[0]:.2f} -> {r.load_after[0]:.2f}"
        else:
            status, loads = "not run (earlier figures)", "-"
        lines.append(f"| {name} | `{command}` or `python -m bench {name}` | {status} | "
                     f"{loads} |")
    for name, script in found.items():
        text, when = figures(name)
        r = runs.get(name)
        note = (f"Measured now by `{r.command}`." if r and r.code == 0 else
                f"`{r.command}` exited {r.code}; the figures below may be from an earlier run "
                f"({when})." if r else
                f"Not run this time: the figures of {when}, from "
                f"`python {script.relative_to(ROOT)}`.")
        lines += ["", f"## {name}", "", note, "", text]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(prog="python -m bench",
                                     description="Run the benchmarks, write bench/RESULTS.md.")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(argv)
    found = discover()
    if args.list:
        print("\n".join(found))
        return 0
    unknown = [n for n in args.names if n not in found]
    if unknown:
        print(f"python -m bench: no benchmark {', '.join(unknown)}; there are "
              f"{', '.join(found)}", file=sys.stderr)
        return 2
    runs: dict[str, Run] = {}
    for name in args.names or list(found):
        runs[name] = run(name, found[name], extra)
    write(found, runs)
    return 0 if all(r.code == 0 for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
