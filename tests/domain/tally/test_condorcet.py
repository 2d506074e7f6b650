"""Pairwise counts, Schulze and ranked pairs on examples worked by hand."""

from __future__ import annotations

from bot.domain.tally import count
from bot.domain.tally.pairwise import pairwise
from tests.domain.tally.helpers import election, tally

# Schulze's own example (Wikipedia, "Schulze method"): 45 voters, E wins.
SCHULZE = (("ACBED", 5), ("ADECB", 5), ("BEDAC", 8), ("CABED", 3), ("CAEBD", 7),
           ("CBADE", 2), ("DCEBA", 7), ("EBADC", 8))
# Tennessee's capital: Nashville is the Condorcet winner.
TENNESSEE = (("MNCK", 42), ("NCKM", 26), ("CKNM", 15), ("KCNM", 17))


def test_a_ranked_option_beats_every_unranked_one_and_unranked_ones_are_level() -> None:
    e = election("schulze", "ABC", ("A", 2), ("BA", 1))
    m = pairwise(e)
    a, b, c = 0, 1, 2
    assert (m[a][b], m[b][a]) == (2, 1)
    assert (m[a][c], m[c][a]) == (3, 0)
    assert (m[b][c], m[c][b]) == (1, 0)  # B beats unranked C only where B is ranked


def test_schulze_on_schulzes_example() -> None:
    r = tally("schulze", "ABCDE", *SCHULZE, strength="winning_votes")
    assert r.winners == ["E"] and not r.tied
    paths = r.rounds[0].paths
    assert paths is not None
    # The strongest paths of the worked example (winning votes).
    assert paths["E > A"] == 25 and paths["A > E"] == 24
    assert paths["E > D"] == 31 and paths["D > E"] == 24
    assert r.rounds[0].pairwise is not None and r.rounds[0].pairwise["A > B"] == 20
    assert r.condorcet_winner is None
    assert "No option beats all the others head to head" in r.rounds[0].sentence
    assert tally("schulze", "ABCDE", *SCHULZE).winners == ["E"]  # margins agree here


def test_margins_and_winning_votes_can_disagree() -> None:
    # Links: C>A (12-7), A>D (7-3), D>C (10-9), and everyone over B by one vote.
    groups = (("ADC", 7), ("DCA", 3), ("BC", 9))
    assert tally("schulze", "ABCD", *groups).winners == ["C"]
    assert tally("schulze", "ABCD", *groups, strength="winning_votes").winners == ["D"]


def test_a_condorcet_winner_wins_both_methods() -> None:
    for method in ("schulze", "ranked_pairs"):
        r = tally(method, "MNCK", *TENNESSEE)
        assert r.winners == ["N"] and r.condorcet_winner == "N"
        assert "N beats every other option head to head" in r.rounds[0].sentence


def test_a_condorcet_winner_is_never_a_tie_even_with_too_many_lock_orders_to_try() -> None:
    # Three ballots ranking 3 of 5 options (found by the property test): so many pairs of
    # equal strength that the count cannot try every order of locking them. A wins whatever
    # the order (both methods always elect a Condorcet winner): nothing was left to a draw.
    for method in ("ranked_pairs", "schulze"):
        for strength in ("margin", "winning_votes"):
            r = tally(method, "ABCDE", ("ABC", 1), ("ADB", 1), ("CDB", 1),
                      strength=strength, seed="p")
            assert r.winners == ["A"] and r.condorcet_winner == "A"
            assert not r.tied
            assert all(t.material is False for t in r.tie_breaks)


def test_ranked_pairs_locks_the_strongest_pairs_and_skips_a_cycle() -> None:
    # A>B by 6, B>C by 4, C>A by 2: the weakest link closes the cycle and is skipped.
    r = tally("ranked_pairs", "ABC", ("ABC", 4), ("BCA", 3), ("CAB", 2))
    rnd = r.rounds[0]
    assert rnd.locked == ["B > C", "A > B"] or rnd.locked == ["A > B", "B > C"]
    assert rnd.skipped == ["C > A"]
    assert r.winners == ["A"]


def test_a_perfect_cycle_is_a_tie_broken_by_a_draw_or_reported() -> None:
    cycle = (("ABC", 1), ("BCA", 1), ("CAB", 1))
    r = tally("schulze", "ABC", *cycle, seed="s")
    assert r.tied and len(r.winners) == 1 and r.tie_breaks[0].purpose == "seat"
    reported = tally("ranked_pairs", "ABC", *cycle, tie_break="report")
    assert reported.tied and reported.winners == ["A", "B", "C"]
    assert reported.tie_breaks[-1].how == "reported"


def test_several_seats_fill_one_round_at_a_time() -> None:
    r = tally("schulze", "MNCK", *TENNESSEE, seats=2)
    assert r.winners == ["N", "C"]
    assert [x.candidates for x in r.rounds] == [list("MNCK"), list("MCK")]
    assert r.rounds[0].sentence.startswith("Round 1:")


def test_the_result_json_carries_the_matrix_and_the_paths() -> None:
    r = count(election("schulze", "AB", ("A", 2), ("B", 1)))
    data = r.json()
    assert set(data) == {"winners", "tied", "rounds", "condorcet_winner", "tie_breaks"}
    assert data["rounds"][0]["pairwise"] == {"A > B": 2, "B > A": 1}
    assert data["rounds"][0]["paths"] == {"A > B": 1, "B > A": 0}
