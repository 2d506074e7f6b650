"""Ballot files read faithfully: BLT as published (names quoted or not), wrong encodings,
odd ranks, blank ballots, counts of any size, zero ballots and seedless draws."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from bot.domain.ballots import decode, read
from bot.domain.tally import ElectionError, count, from_rankings, parse
from bot.domain.tally.pairwise import pairwise
from bot.domain.tally.report import text_report

DATA = Path(__file__).parents[1] / "data" / "blt"
WARD = ("Alan DONNELLY (Con)", "Alan McKAY (Lab)", "Mary O'BRIEN (SNP)",
        "Seán Ó DONNAILL (Grn)")


def read_file(name: str, **flags: object) -> tuple[object, str | None]:
    return read(decode((DATA / name).read_bytes()), "blt", **flags)  # type: ignore[arg-type]


def test_unquoted_names_are_read_whole_as_the_scottish_files_write_them() -> None:
    election, title = read(decode((DATA / "ward-unquoted.blt").read_bytes()), "blt")
    assert election.candidates == WARD  # not "Alan", "Alan", "Mary"...
    assert title == "Anytown North Ward"
    assert election.seats == 2 and election.method == "stv" and election.ballots == 100
    result = count(election)
    # Quota 34: DONNELLY (40) elected, surplus 6/40 of 30 ballots to McKAY; McKAY (19.5)
    # excluded, then Ó DONNAILL (20) whose ballots take O'BRIEN to 45.
    assert result.winners == ["Alan DONNELLY (Con)", "Mary O'BRIEN (SNP)"]


def test_quoted_names_with_alternative_name_comments_count_the_same() -> None:
    quoted, title = read(decode((DATA / "ward-quoted.blt").read_bytes()), "blt")
    unquoted, _ = read(decode((DATA / "ward-unquoted.blt").read_bytes()), "blt")
    assert quoted.candidates == WARD and title == "Anytown North Ward"
    assert count(quoted).json() == count(unquoted).json()


def test_withdrawn_candidates_and_a_blank_ballot_line() -> None:
    election, title = read(decode((DATA / "ward-withdrawn.blt").read_bytes()), "blt")
    assert election.candidates == WARD[:3]
    assert title == "Anytown North Ward (by-election)"
    assert election.ballots == 90 and election.blank == 3
    result = count(election)
    assert result.winners == ["Mary O'BRIEN (SNP)"]
    assert [r.exhausted for r in result.rounds] == [3, 18]
    assert "93 ballots (3 blank" in text_report(result)


@pytest.mark.parametrize("text, message", [
    ("2 1\n-x\n1 1 0\n0\nA\nB\n", "line 2: withdrawn option '-x' is not a whole number"),
    ("2 1\n-3\n1 1 0\n0\nA\nB\n", "line 2: withdrawn option -3 is not one of -1 to -2"),
    ("2 1\n1.5 1 2 0\n0\nA\nB\n", "line 2: the ballot count '1.5' is not a positive whole"),
    ("2 1\n1 1 2\n0\nA\nB\n", "line 2: a BLT ballot line ends with 0"),
    ("2 1\n1 1 2 0\n1 1 2 0\n1 1 x 0\n0\nA\nB\n", "line 4: 'x' is not an option number"),
    ("2 1\n1 1 0\nA\nB\n", "no '0' line after its ballots"),
    ("3 1\n1 1 0\n0\nA\nB\n", "names 2 options after its ballots, not 3"),
    ("two 1\n", "line 1: the BLT file must start with '<options> <seats>'"),
])
def test_malformed_blt_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ElectionError) as caught:
        read(text, "blt")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_ballot_count_of_one_and_a_half_is_not_read_as_equal_ranks() -> None:
    with pytest.raises(ElectionError) as caught:
        read("2 1\n1.5 1 2 0\n0\nA\nB\n", "blt")
    assert "'='" not in str(caught.value) and "equal" not in str(caught.value)


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfeA\x00,\x00", "line 1: the file is UTF-16"),
    (b"\xfe\xff\x00A", "line 1: the file is UTF-16"),
    (b"ballot,A,B\n1,1,2\n2,\xff,1\n", "line 3: byte 0xff at column 3 is not UTF-8"),
])
def test_wrong_encodings_are_one_line_naming_the_line(data: bytes, message: str) -> None:
    with pytest.raises(ElectionError) as caught:
        decode(data)
    assert message in str(caught.value) and "save" in str(caught.value)


def test_a_byte_order_mark_in_utf8_is_fine() -> None:
    assert decode("\ufeffballot,A,B\n".encode()) == "ballot,A,B\n"


def test_a_csv_rank_written_as_a_superscript_is_refused_plainly() -> None:
    with pytest.raises(ElectionError) as caught:
        read("ballot,A,B\n1,1,²\n", "csv")
    assert str(caught.value) == ("line 2 (ballot 1): rank '²' for 'B' is not a rank; write "
                                 "1, 2, 3... in plain digits, or leave the cell empty")


def test_a_json_ranking_given_as_an_object_of_ranks_is_refused() -> None:
    text = json.dumps({"method": "irv", "candidates": ["A", "B"],
                       "ballots": [{"ranking": ["A"]}, {"ranking": {"A": 2, "B": 1}}]})
    with pytest.raises(ElectionError) as caught:
        read(text, "json")
    assert str(caught.value).startswith("ballot 2: ranking must be a list of candidate names")


def test_json_errors_name_the_original_ballot_even_after_grouping() -> None:
    ballots = [{"ranking": ["A", "B"]}] * 5 + [{"ranking": ["A", "Z"]}]
    with pytest.raises(ElectionError, match=r"^ballot 6: unknown candidate 'Z'$"):
        parse({"method": "irv", "candidates": ["A", "B"], "ballots": ballots})


BLANK_FILES = {
    "csv": "ballot,A,B,C\n1,1,2,\n2,,,\n3,2,1,\n4,1,,\n",
    "csv-counted": "count,A,B,C\n2,1,2,\n1,,,\n1,2,1,\n",
    "json": json.dumps({"method": "irv", "candidates": ["A", "B", "C"], "ballots": [
        {"ranking": ["A", "B"], "count": 2}, {"ranking": []}, {"ranking": ["B", "A"]}]}),
    "blt": "3 1\n2 1 2 0\n1 0\n1 2 1 0\n0\nA\nB\nC\n",
}


@pytest.mark.parametrize("layout", sorted(BLANK_FILES))
def test_a_blank_ballot_is_exhausted_from_the_start_in_every_format(layout: str) -> None:
    election, _ = read(BLANK_FILES[layout], layout.split("-")[0])  # type: ignore[arg-type]
    assert election.blank == 1 and election.ballots == 3 and election.cast == 4
    result = count(election)
    assert result.winners == ["A"]
    assert result.rounds[0].exhausted == 1 and result.rounds[0].json()["exhausted"] == 1
    assert "4 ballots (1 blank, counted as exhausted from the start)" in text_report(result)
    assert "(IRV, 1 round, 4 ballots (1 blank))" in result.outcome()


def test_a_blank_ballot_does_not_count_towards_the_stv_quota() -> None:
    election, _ = read("3 1\n2 1 0\n5 0\n1 2 0\n0\nA\nB\nC\n", "blt", method="stv")
    result = count(election)
    assert result.quota == 2 and result.winners == ["A"]
    assert result.rounds[0].exhausted == 5


HUGE = 2**63


def test_counts_past_two_to_the_sixty_three_are_exact_in_the_pairwise_matrix() -> None:
    # A first on every ballot but one: whatever the sizes, A beats everyone.
    e = parse({"method": "schulze", "candidates": ["A", "B", "C"], "ballots": [
        {"ranking": ["A", "B", "C"], "count": HUGE - 1},
        {"ranking": ["A", "C", "B"], "count": HUGE - 1},
        {"ranking": ["B", "C", "A"], "count": 1},
    ]})
    m = pairwise(e)
    assert m[0][1] == 2 * HUGE - 2 and m[1][0] == 1
    assert m[1][2] == HUGE and m[2][1] == HUGE - 1
    assert count(e).winners == ["A"]


@pytest.mark.parametrize("method", ["irv", "stv", "schulze", "ranked_pairs"])
def test_one_count_at_two_to_the_sixty_three_is_counted_not_an_overflow(method: str) -> None:
    seats = 1
    e = parse({"method": method, "seats": seats, "candidates": ["A", "B", "C"], "ballots": [
        {"ranking": ["B", "A"], "count": HUGE}, {"ranking": ["A"], "count": HUGE * 3},
        {"ranking": ["C"], "count": 5}]})
    result = count(e)
    assert result.winners == ["A"]
    assert result.condorcet_winner == "A"
    assert str(HUGE * 4 + 5) in text_report(result).replace(",", "")


@pytest.mark.parametrize("method", ["irv", "stv", "schulze", "ranked_pairs"])
@pytest.mark.parametrize("blank", [0, 2])
def test_zero_ballots_elect_nobody_in_every_method(method: str, blank: int) -> None:
    ballots = [{"ranking": [], "count": blank}] if blank else []
    result = count(parse({"method": method, "candidates": ["A", "B", "C"],
                          "ballots": ballots}))
    assert result.winners == [] and not result.tied and result.condorcet_winner is None
    assert result.tie_breaks == []
    (only,) = result.rounds
    expected = ("No ballots were cast" if not blank
                else "No ballot ranked any option (2 blank ballots)")
    assert only.sentence == f"{expected}, so nobody was elected."
    assert result.outcome().startswith("No winner: no ballot")
    text_report(result)  # prints without failing


@pytest.mark.parametrize("method", ["irv", "stv", "schulze", "ranked_pairs"])
@pytest.mark.parametrize("seed", [None, "published-seed"])
def test_the_drawn_winner_does_not_depend_on_the_order_of_the_candidates(
    method: str, seed: str | None
) -> None:
    # A perfect three-way tie: only the draw decides.
    names = ["Ana", "Ben", "Cy"]
    cycle = [["Ana", "Ben", "Cy"], ["Ben", "Cy", "Ana"], ["Cy", "Ana", "Ben"]]
    winners = set()
    for order in itertools.permutations(names):
        data = {"method": method, "candidates": list(order),
                "ballots": [{"ranking": r} for r in cycle]}
        if seed is not None:
            data["seed"] = seed
        result = count(parse(data))
        assert result.tied
        winners.add(tuple(result.winners))
    assert len(winners) == 1


def test_one_exhausted_ballot_is_said_in_the_singular() -> None:
    e = parse({"method": "irv", "candidates": ["A", "B", "C"], "ballots": [
        {"ranking": ["A"], "count": 3}, {"ranking": ["B"], "count": 2},
        {"ranking": ["C"], "count": 1}]})
    sentence = count(e).rounds[0].sentence
    assert "its only ballot was exhausted" in sentence
    assert "all 1 ballot" not in sentence


def test_report_columns_fit_large_numbers_with_decimals() -> None:
    e = parse({"method": "stv", "seats": 2, "candidates": ["A", "B", "C", "D"], "ballots": [
        {"ranking": ["A", "B"], "count": 4_000_001}, {"ranking": ["A", "C"], "count": 3},
        {"ranking": ["B"], "count": 1_234_567},
        {"ranking": ["C", "D"], "count": 2_345_678}, {"ranking": ["D"], "count": 987_654}]})
    report = text_report(count(e))
    table = report.split("Votes per round (* elected, x eliminated):\n", 1)[1].split("\n\n")[0]
    rows = table.splitlines()
    rounds = len(rows[0].split())
    for row in rows[1:]:
        cells = row[24:]
        assert len(cells.split()) == rounds, row  # every figure stands apart
        assert all(len(c) <= len(cells) for c in cells.split())
    assert any("." in row for row in rows[1:])  # fractions are shown


def test_a_name_ranked_twice_is_still_refused_with_its_ballot_number() -> None:
    with pytest.raises(ElectionError, match=r"^ballot 3: 'B' is ranked twice$"):
        from_rankings("irv", 1, ["A", "B"], [("A",), ("A", "B"), ("B", "A", "B")])
    with pytest.raises(ElectionError, match=r"^ballot 2: 'A' is ranked twice$"):
        from_rankings("irv", 1, ["A", "B"], iter([["A"], ["A", "A"]]))


def test_identical_blt_lines_are_read_once_and_a_late_bad_line_is_still_named() -> None:
    body = "1 1 2 0\n" * 5000 + "1 2 0\n" * 3000 + "2 1 0  # a note\n" * 1000
    election, _ = read(f"2 1\n{body}0\nA\nB\n", "blt")
    assert sorted(election.rankings()) == [(["A"], 2000), (["A", "B"], 5000), (["B"], 3000)]
    with pytest.raises(ElectionError, match=r"^line 8002: unknown option 3 \(options are"):
        read("2 1\n" + "1 1 2 0\n" * 8000 + "1 3 0\n0\nA\nB\n", "blt")
