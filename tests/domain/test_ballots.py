"""Ballot files: written, read back, counted the same; broken files named precisely."""

from __future__ import annotations

import pytest

from bot.domain.ballots import BallotFile, guess_format, read, write
from bot.domain.tally import ElectionError, count

FILE = BallotFile(
    question='Which "solution"?', method="stv", seats=2,
    candidates=("Research", "Case studies", "Clever, contracts", "Zoë's idea"),
    rankings=(("Research", "Case studies"), ("Zoë's idea",), ("Clever, contracts", "Research"),
              ("Research",), ("Case studies", "Zoë's idea", "Research")),
    tie_break="report", seed="actionlab-vote-9",
)


@pytest.mark.parametrize("fmt", ["json", "csv", "blt"])
def test_every_format_reads_back_to_the_same_count(fmt: str) -> None:
    text = write(FILE, fmt)  # type: ignore[arg-type]
    flags = {} if fmt == "json" else {"method": "stv", "seats": 2, "tie_break": "report",
                                      "seed": "actionlab-vote-9"}
    election, title = read(text, fmt, **flags)  # type: ignore[arg-type]
    assert election.candidates == FILE.candidates
    assert election.seats == 2 and election.ballots == 5
    assert count(election).json() == count(FILE.election()).json()
    if fmt != "csv":
        assert title == 'Which "solution"?'


def test_csv_is_one_row_per_ballot_with_each_options_rank() -> None:
    lines = write(FILE, "csv").splitlines()
    assert lines[0] == 'ballot,Research,Case studies,"Clever, contracts",Zoë\'s idea'
    assert lines[1] == "1,1,2,,"
    assert lines[5] == "5,3,1,,2"


def test_blt_is_the_openstv_layout() -> None:
    lines = write(FILE, "blt").splitlines()
    assert lines[0] == "4 2"
    assert lines[1] == "1 1 2 0"
    assert lines[6] == "0"
    assert lines[7:11] == ['"Research"', '"Case studies"', '"Clever, contracts"',
                           '"Zoë\'s idea"']
    assert lines[11] == '"Which \\"solution\\"?"'


def test_formats_are_guessed() -> None:
    assert guess_format("x.BLT", "") == "blt"
    assert guess_format("-", '{"method": "irv"}') == "json"
    assert guess_format("-", "3 1\n1 1 0\n") == "blt"
    assert guess_format("-", "ballot,A,B\n") == "csv"


@pytest.mark.parametrize("fmt, text, message", [
    ("csv", "ballot,A,B\n1,1,1\n",
     "line 2 (ballot 1): rank 1 is given to both 'A' and 'B'"),
    ("csv", "ballot,A,B\n1,1,\n2,x,\n", "line 3 (ballot 2): rank 'x' for 'A' is not a rank"),
    ("csv", "count,A,B\n0,1,2\n",
     "line 2 (ballot 1): count must be a positive whole number, not '0'"),
    ("blt", "2 1\n1 1 2 0\n1 3 0\n0\n\"A\"\n\"B\"\n", "line 3: unknown option 3"),
    ("blt", "2 1\n1 1 1 0\n0\n\"A\"\n\"B\"\n", "line 2: option 1 is ranked twice"),
    ("blt", "2 1\n1 1=2 0\n0\n\"A\"\n\"B\"\n", "line 2: '1=2' ranks options equal"),
    ("json", "{", "line 1: the file is not JSON"),
])
def test_broken_files_name_the_ballot_and_the_problem(fmt: str, text: str, message: str
                                                      ) -> None:
    with pytest.raises(ElectionError) as caught:
        read(text, fmt)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_blt_withdrawn_candidates_and_weights() -> None:
    text = '3 1\n-2\n3 1 2 3 0\n2 2 3 0\n0\n"A"\n"B"\n"C"\n"Title"\n'
    election, title = read(text, "blt")
    assert election.candidates == ("A", "C")
    assert sorted(election.rankings()) == [(["A", "C"], 3), (["C"], 2)]
    assert title == "Title"
