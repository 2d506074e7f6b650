"""STV with weighted inclusive Gregory transfers and the integer Droop quota, by hand, in
exact fractions."""

from __future__ import annotations

from fractions import Fraction

from bot.domain.tally import droop_quota
from bot.domain.tally.rounds import exact
from tests.domain.tally.helpers import tally


def test_the_droop_quota_is_an_integer_fixed_for_the_count() -> None:
    assert droop_quota(59463, 3) == 14866
    assert droop_quota(12, 2) == 5
    assert droop_quota(11, 2) == 4


def test_a_fractional_surplus_moves_exactly_and_every_value_is_accounted_for() -> None:
    # 11 ballots, 2 seats, quota 4. A has 7: surplus 3 moves at 3/7 a ballot:
    # 4 "A B" ballots give B 12/7, 3 "A C" give C 9/7.
    # R2: nobody at 4 (B 19/7, C 23/7, D 1): D goes, its ballot exhausts.
    # R3: B (19/7) goes: its own ballot and the four at 3/7 have nothing left: exhausted.
    # R4: C alone for one seat: elected.
    r = tally("stv", "ABCD", ("AB", 4), ("AC", 3), ("B", 1), ("C", 2), ("D", 1), seats=2)
    assert r.quota == 4
    assert r.winners == ["A", "C"]
    one, two, three, four = r.rounds
    assert one.elected == ["A"]
    assert one.transfer is not None and one.transfer.weight == Fraction(3, 7)
    assert one.transfer.to == {"B": Fraction(12, 7), "C": Fraction(9, 7)}
    assert two.tallies == {"A": 4, "B": Fraction(19, 7), "C": Fraction(23, 7), "D": 1}
    assert two.eliminated == ["D"] and two.transfer is not None
    assert two.transfer.exhausted == 1
    assert three.eliminated == ["B"] and three.transfer is not None
    assert three.transfer.exhausted == 1 + Fraction(12, 7)
    assert four.elected == ["C"]
    assert four.exhausted == Fraction(26, 7)
    assert sum(four.tallies.values()) + four.exhausted == 11
    assert "only option left" in four.sentence
    # JSON keeps fractions exact.
    assert r.json()["rounds"][1]["tallies"]["B"] == "19/7"
    assert exact(Fraction(8, 2)) == 4


def test_election_at_exactly_the_quota_moves_nothing_then_exclusion_follows() -> None:
    # Quota 5 of 12 for 2 seats: A has exactly 5 and is elected; the next round has the same
    # tallies and excludes the lowest (as the published Minneapolis count does).
    r = tally("stv", "ABCD", ("A", 5), ("B", 3), ("CB", 3), ("DB", 1), seats=2)
    assert r.rounds[0].elected == ["A"] and r.rounds[0].transfer is None
    assert r.rounds[1].tallies == r.rounds[0].tallies
    assert r.rounds[1].eliminated == ["D"]
    assert r.winners == ["A", "B"]


def test_more_reach_the_quota_than_seats_are_left_the_highest_take_them() -> None:
    # 2 seats, quota 4 of 9 ballots... three candidates at 3 would need an exclusion; here A
    # and B both pass the quota in round 1 and both are elected, most votes first.
    r = tally("stv", "ABC", ("A", 5), ("B", 4), ("C", 1), seats=2)
    assert r.rounds[0].elected == ["A", "B"]
    assert r.winners == ["A", "B"]


def test_a_tie_for_the_last_seat_is_broken_by_earlier_rounds_then_drawn() -> None:
    # 1 seat, 8 ballots, quota 5. R1: A 3, B 3, C 2 -> C out; its ballots split 1-1.
    # R2: A 4, B 4 -> tie for exclusion, equal in round 1 too -> a draw decides the seat.
    r = tally("stv", "ABC", ("A", 3), ("B", 3), ("CA", 1), ("CB", 1), seed="x")
    assert r.tied
    assert r.tie_breaks[-1].how == "draw"
    assert r.winners in (["A"], ["B"])


def test_surpluses_move_largest_first_one_per_round() -> None:
    # 3 seats, 20 ballots, quota 6. A 9 and B 7 pass at once: A's surplus (3) moves first,
    # then B's (1).
    r = tally("stv", "ABCDE", ("AC", 9), ("BD", 7), ("C", 2), ("D", 1), ("E", 1), seats=3)
    assert r.rounds[0].elected == ["A", "B"]
    assert r.rounds[0].transfer is not None and r.rounds[0].transfer.source == "A"
    assert r.rounds[1].transfer is not None and r.rounds[1].transfer.source == "B"
    assert r.rounds[1].transfer.kind == "surplus"
    assert r.rounds[1].transfer.weight == Fraction(1, 7)


def test_equal_surpluses_are_ordered_by_a_tie_break() -> None:
    r = tally("stv", "ABCD", ("AC", 7), ("BD", 7), ("C", 1), ("D", 1), seats=3, seed="q")
    # quota 5: A and B both have surplus 2.
    assert r.tie_breaks[0].purpose == "surplus"
    assert r.tie_breaks[0].tied == ("A", "B")
