"""`actionlab tally` as an auditor runs it: a file to re-count, or JSON in and JSON out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.domain.ballots import BallotFile, write

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "rcv"


def tally(*args: str, stdin: str = "", cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "tally", *args], input=stdin, capture_output=True,
        text=True, cwd=cwd, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


ELECTION: dict[str, Any] = {
    "method": "irv", "seats": 1, "candidates": ["A", "B", "C"],
    "ballots": [{"ranking": ["A", "C"], "count": 3}, {"ranking": ["B"], "count": 2},
                {"ranking": ["C", "B"], "count": 2}],
    "tie_break": "backward-then-random",
}


def test_json_in_json_out(tmp_path: Path) -> None:
    proc = tally("--json", stdin=json.dumps(ELECTION), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"winners", "tied", "rounds", "condorcet_winner", "tie_breaks"}
    # B and C tie on 2 in round 1 with nothing earlier: a draw, seeded by the content,
    # decides (C out: B wins; B out: A wins), so the result says it was tied.
    assert out["tied"] is True and out["winners"] in (["A"], ["B"])
    (tie,) = out["tie_breaks"]
    assert tie["how"] == "draw" and tie["seed"].startswith("content-") and tie["material"]
    assert out["rounds"][0]["tallies"] == {"A": 3, "B": 2, "C": 2}
    again = tally("--json", stdin=json.dumps(ELECTION), cwd=tmp_path)
    assert again.stdout == proc.stdout  # the same input always gives the same output


def test_a_given_seed_and_report(tmp_path: Path) -> None:
    seeded = tally("--json", stdin=json.dumps({**ELECTION, "seed": "abc"}), cwd=tmp_path)
    assert json.loads(seeded.stdout)["tie_breaks"][0]["seed"] == "abc"
    reported = tally("--json", stdin=json.dumps({**ELECTION, "tie_break": "report"}),
                     cwd=tmp_path)
    out = json.loads(reported.stdout)
    assert out["tied"] is True and out["winners"] == ["A", "B"]
    assert out["tie_breaks"][0]["how"] == "reported"


@pytest.mark.parametrize("change, line", [
    ({"ballots": [{"ranking": ["A"], "count": 1}, {"ranking": ["D"], "count": 1}]},
     "actionlab tally: ballot 2: unknown candidate 'D'"),
    ({"ballots": [{"ranking": ["A", "B", "A"], "count": 1}]},
     "actionlab tally: ballot 1: 'A' is ranked twice"),
    ({"ballots": [{"ranking": ["A"], "count": 0}]},
     "actionlab tally: ballot 1: count must be a positive integer, not 0"),
    ({"ballots": [{"ranking": ["A"], "count": 1.5}]},
     "actionlab tally: ballot 1: count must be a positive integer, not 1.5"),
    ({"method": "stv", "seats": 3},
     "actionlab tally: seats: 3 is out of range; with 3 candidates seats must be 1 to 2"),
    ({"seats": 0}, "actionlab tally: seats: IRV fills 1 seat, not 0; use method stv for more"),
    ({"method": "borda"}, "actionlab tally: method: 'borda' is not a method"),
])
def test_a_malformed_election_exits_2_with_one_line(
    tmp_path: Path, change: dict[str, Any], line: str
) -> None:
    proc = tally("--json", stdin=json.dumps({**ELECTION, **change}), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert proc.stderr.strip().startswith(line)


def test_not_json_exits_2(tmp_path: Path) -> None:
    proc = tally("--json", stdin="{nope", cwd=tmp_path)
    assert proc.returncode == 2 and "not JSON" in proc.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "blt"])
def test_an_exported_file_is_recounted_the_same(tmp_path: Path, fmt: str) -> None:
    file = BallotFile("Which solution?", "irv", 1, ("Research", "Case studies", "Other"),
                      (("Research",), ("Case studies", "Research"), ("Research", "Other"),
                       ("Other", "Case studies"), ("Case studies",)),
                      seed="actionlab-vote-3")
    path = tmp_path / f"vote-3-ballots.{fmt}"
    path.write_text(write(file, fmt))  # type: ignore[arg-type]
    flags = [] if fmt == "json" else ["--seed", "actionlab-vote-3"]
    proc = tally(str(path), *flags, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Case studies won (IRV, 2 rounds, 5 ballots)" in proc.stdout
    assert "Votes per round (* elected, x eliminated):" in proc.stdout
    as_json = json.loads(tally(str(path), "--json", *flags, cwd=tmp_path).stdout)
    assert as_json["winners"] == ["Case studies"]


def test_a_conformance_case_from_the_command_line(tmp_path: Path) -> None:
    proc = tally(str(DATA / "minneapolis-2013-park-board-at-large-stv.json"), cwd=tmp_path)
    assert proc.returncode == 0
    assert "quota 14,866" in proc.stdout
    assert "JOHN ERWIN, ANNIE YOUNG and MEG FORNEY won the seats" in proc.stdout


def test_no_file_and_no_json_is_explained(tmp_path: Path) -> None:
    proc = tally(cwd=tmp_path)
    assert proc.returncode == 2 and "name a ballot file" in proc.stderr


@pytest.mark.parametrize("data, line", [
    (b"\xff\xfeA\x00,\x00", "line 1: the file is UTF-16"),
    (b"ballot,A,B\n1,1,2\n2,\xff,1\n", "line 3: byte 0xff at column 3 is not UTF-8"),
    ("ballot,A,B\n1,1,²\n".encode(), "line 2 (ballot 1): rank '²' for 'B' is not a rank"),
    (b"2 1\n-x\n1 1 0\n0\nA\nB\n", "line 2: withdrawn option '-x' is not a whole number"),
])
def test_a_file_it_cannot_read_is_one_line_not_a_traceback(
    tmp_path: Path, data: bytes, line: str
) -> None:
    path = tmp_path / ("ballots.blt" if data.startswith(b"2 1") else "ballots.csv")
    path.write_bytes(data)
    proc = tally(str(path), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert line in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_a_published_ward_file_with_unquoted_names(tmp_path: Path) -> None:
    ward = ROOT / "tests" / "data" / "blt" / "ward-unquoted.blt"
    proc = tally(str(ward), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Anytown North Ward\n")
    assert "Winners: Alan DONNELLY (Con) and Mary O'BRIEN (SNP)" in proc.stdout


def test_tally_help_loads_no_database_settings_or_counting_code(tmp_path: Path) -> None:
    code = ("import sys\nfrom bot.cli import run_cli\ntry:\n    run_cli(['tally', '--help'])\n"
            "except SystemExit:\n    pass\n"
            "heavy = ['sqlalchemy', 'bot.config', 'icalendar', 'numpy', 'asyncio', "
            "'bot.domain.tally']\nprint([m for m in heavy if m in sys.modules])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert "re-count" in proc.stdout.splitlines()[0] or "usage: actionlab tally" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_the_cli_choices_are_the_counters_own() -> None:
    from bot import tally_cli
    from bot.domain import ballots
    from bot.domain import tally as domain

    assert tally_cli.FORMATS == ballots.FORMATS
    assert tally_cli.METHODS == domain.METHODS
    assert tally_cli.TIE_BREAKS == domain.TIE_BREAKS
    assert tally_cli.STRENGTHS == domain.STRENGTHS
