"""Instant-runoff, worked by hand: majorities, transfers, exhausted ballots and every kind of
tie, each checked against numbers worked out on paper."""

from __future__ import annotations

from bot.domain.tally import draw_index
from tests.domain.tally.helpers import tally


def test_a_first_round_majority_wins_at_once() -> None:
    r = tally("irv", "ABC", ("A", 4), ("BA", 2), ("C", 1))
    assert r.winners == ["A"] and not r.tied
    assert len(r.rounds) == 1
    assert r.rounds[0].tallies == {"A": 4, "B": 2, "C": 1}
    assert r.rounds[0].threshold == 4
    assert r.rounds[0].sentence == ("Round 1: A had 4 of the 7 continuing ballots, a "
                                    "majority, and won.")


def test_transfers_exhausted_ballots_and_a_tie_broken_by_an_earlier_round() -> None:
    # R1: A 4, B 3, C 2, D 1 -> D out, its ballot goes to C.
    # R2: A 4, B 3, C 3 -> B and C tie; in round 1 C had fewer (2 < 3), so C goes:
    #     its two "C B" ballots move to B, the "D C" ballot has nothing left: exhausted.
    # R3: A 4, B 5 of 9 continuing -> B wins.
    r = tally("irv", "ABCD", ("A", 4), ("B", 3), ("CB", 2), ("DC", 1))
    assert [x.tallies for x in r.rounds] == [
        {"A": 4, "B": 3, "C": 2, "D": 1},
        {"A": 4, "B": 3, "C": 3},
        {"A": 4, "B": 5},
    ]
    assert [x.eliminated for x in r.rounds] == [["D"], ["C"], []]
    assert [x.exhausted for x in r.rounds] == [0, 0, 1]
    assert r.rounds[1].transfer is not None
    assert r.rounds[1].transfer.to == {"B": 2} and r.rounds[1].transfer.exhausted == 1
    assert r.winners == ["B"] and not r.tied
    (tie,) = r.tie_breaks
    assert (tie.round, tie.purpose, tie.tied, tie.chosen, tie.how) == (
        2, "exclude", ("B", "C"), "C", "earlier rounds")
    assert "round 1: B 3, C 2" in tie.detail
    assert "2 of its 3 ballots moved to B, and 1 was exhausted" in r.rounds[1].sentence
    assert "C was chosen to be eliminated" in r.rounds[1].sentence


def test_a_tie_no_round_can_break_is_drawn_reproducibly() -> None:
    groups = (("A", 2), ("B", 2), ("CA", 1), ("CB", 1))
    r = tally("irv", "ABC", *groups, seed="lab-7")
    first = r.tie_breaks[0]
    expected = ["A", "B", "C"][draw_index("lab-7", 1, ["A", "B", "C"])]
    assert (first.how, first.draw, first.chosen) == ("draw", 1, expected)
    assert r.seed == "lab-7"
    # The same election always gives the same draw, and so the same result.
    assert tally("irv", "ABC", *groups, seed="lab-7").json() == r.json()
    # Whoever is drawn out, the other two then tie, so the draws decide the winner: tied.
    assert r.tied
    assert first.material is True
    assert "This draw decided the outcome" in r.rounds[0].sentence


def test_without_a_seed_the_draw_is_seeded_by_the_content_in_any_order() -> None:
    one = tally("irv", "ABC", ("A", 2), ("B", 2), ("CA", 1), ("CB", 1))
    two = tally("irv", "ABC", ("CB", 1), ("B", 2), ("CA", 1), ("A", 2))
    assert one.seed is not None and one.seed.startswith("content-")
    assert one.json() == two.json()


def test_report_stops_at_a_tie_that_decides_the_winner() -> None:
    r = tally("irv", "AB", ("A", 3), ("B", 3), tie_break="report")
    assert r.tied and r.winners == ["A", "B"]
    assert len(r.rounds) == 1
    assert r.tie_breaks[0].how == "reported" and r.tie_breaks[0].chosen == ""
    assert "the count stops here" in r.rounds[0].sentence
    assert r.json()["tie_breaks"][0]["chosen"] is None
    assert r.outcome().startswith("Tied: A and B")


def test_report_uses_earlier_rounds_first_and_does_not_stop_for_them() -> None:
    # Final two tie 4-4, but in round 1 A had 4 and B 3: B goes, A wins, no tie reported.
    r = tally("irv", "ABC", ("A", 4), ("B", 3), ("CB", 1), tie_break="report")
    assert r.winners == ["A"] and not r.tied
    assert r.tie_breaks[-1].how == "earlier rounds"


def test_report_carries_on_past_a_tie_that_changes_nothing() -> None:
    # C and D tie on no votes, then B and E on 2: whichever goes, A wins with 3 of 5.
    r = tally("irv", "ABCDE", ("A", 3), ("B", 2), ("E", 2), tie_break="report", seed="s")
    assert r.winners == ["A"] and not r.tied
    assert [t.tied for t in r.tie_breaks] == [("C", "D"), ("B", "E")]
    assert all(t.how == "draw" and t.material is False for t in r.tie_breaks)
    assert len(r.rounds) == 4


def test_a_draw_that_changes_nothing_leaves_the_result_untied() -> None:
    # B and C tie for last; either way their ballots go to A, who then has a majority.
    r = tally("irv", "ABCD", ("A", 3), ("BA", 2), ("CA", 2), ("D", 4))
    assert r.winners == ["A"] and not r.tied
    assert r.tie_breaks[0].how == "draw" and r.tie_breaks[0].material is False
    assert "The draw did not change who won" in r.rounds[0].sentence


def test_no_ballots_means_no_winner() -> None:
    r = tally("irv", "AB")
    assert r.winners == [] and not r.tied
    assert r.outcome().startswith("No winner")


def test_the_condorcet_cross_check_reports_a_condorcet_loser_of_irv() -> None:
    # Tennessee capital: IRV elects Knoxville; Nashville beats everyone head to head.
    r = tally("irv", "MNCK", ("MNCK", 42), ("NCKM", 26), ("CKNM", 15), ("KCNM", 17))
    assert r.winners == ["K"]
    assert r.condorcet_winner == "N"
