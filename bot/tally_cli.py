"""`actionlab tally`: re-count a ballot file offline, or one election as JSON on stdin.

    actionlab tally ballots.json               the result, round by round, as text
    actionlab tally ballots.csv --method stv --seats 3 --seed actionlab-vote-7
    actionlab tally --json < election.json     the result as JSON (the tally protocol)

A malformed election exits 2 with one line that names the ballot and the problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.i18n import _

if TYPE_CHECKING:
    from bot.domain.ballots import Format

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2

# The choices, written here so that `--help` needs neither numpy nor the counters; a test
# checks them against bot.domain.tally and bot.domain.ballots.
FORMATS = ("json", "csv", "blt")
METHODS = ("irv", "stv", "schulze", "ranked_pairs")
TIE_BREAKS = ("backward-then-random", "report")
STRENGTHS = ("margin", "winning_votes")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tally = sub.add_parser(
        "tally", help="re-count a ballot file (JSON, CSV or BLT) or an election on stdin",
        description="Re-count ranked ballots exactly, round by round.",
    )
    tally.add_argument("file", nargs="?", help="a ballot file; '-' or none: standard input")
    tally.add_argument("--json", action="store_true",
                       help="read one election as JSON, write the result as JSON")
    tally.add_argument("--format", choices=FORMATS, help="the file's format (default: guess)")
    tally.add_argument("--method", choices=METHODS, help="counting method (CSV/BLT: irv, or "
                       "stv when seats > 1)")
    tally.add_argument("--seats", type=int, help="seats to fill")
    tally.add_argument("--tie-break", choices=TIE_BREAKS, dest="tie_break")
    tally.add_argument("--seed", help="seed of the tie-break draw (default: from the file, "
                       "else from the election's content)")
    tally.add_argument("--strength", choices=STRENGTHS,
                       help="link strength for schulze and ranked_pairs (default margin)")


def run_tally(args: argparse.Namespace, stdin: TextIO | None = None,
              stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    from bot.domain.ballots import decode, guess_format, read
    from bot.domain.tally import ElectionError, count
    from bot.domain.tally.report import text_report

    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    name = args.file if args.file and args.file != "-" else ""
    if not name and not args.json:
        print(_("actionlab tally: name a ballot file, or use --json to read an election on "
              "standard input"), file=stderr)
        return EXIT_BAD_INPUT
    try:
        data = Path(name).read_bytes() if name else _read_stdin(stdin)
    except OSError as exc:
        print(_("actionlab tally: cannot read {name}: {strerror}").format(
            name=name, strerror=exc.strerror), file=stderr)
        return EXIT_BAD_INPUT
    try:
        text = data if isinstance(data, str) else decode(data)
    except ElectionError as exc:
        print(_("actionlab tally: {value}: {exc}").format(
            value=name or 'standard input', exc=exc), file=stderr)
        return EXIT_BAD_INPUT
    fmt: Format = args.format or ("json" if args.json and not name else
                                  guess_format(name, text))
    try:
        election, title = read(text, fmt, method=args.method, seats=args.seats,
                               tie_break=args.tie_break, seed=args.seed,
                               strength=args.strength)
    except ElectionError as exc:
        print(_("actionlab tally: {exc}").format(exc=exc), file=stderr)
        return EXIT_BAD_INPUT
    result = count(election)
    if args.json:
        json.dump(result.json(), stdout, ensure_ascii=False, indent=1)
        stdout.write("\n")
    else:
        stdout.write(text_report(result, title))
    return EXIT_OK


def _read_stdin(stdin: TextIO) -> bytes | str:
    """Standard input's bytes when it has them (so a wrong encoding is named, not a
    traceback), else its text (a StringIO in tests)."""
    buffer = getattr(stdin, "buffer", None)
    return buffer.read() if buffer is not None else stdin.read()
