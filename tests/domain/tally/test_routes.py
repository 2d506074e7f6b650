"""The fast routes (numpy piles, the short Condorcet check, the numpy pairwise matrix) give
exactly what the plain Python routes give, on elections with ties, repeats and weights."""

from __future__ import annotations

import random

import pytest

import bot.domain.tally.irv as irv
import bot.domain.tally.stv as stv
from bot.domain.tally import count, from_rankings
from bot.domain.tally.election import Election, build
from bot.domain.tally.pairwise import _pairwise_exact, condorcet_index, condorcet_winner, pairwise


def random_election(seed: int, method: str, seats: int) -> Election:
    rng = random.Random(seed)
    k = rng.randint(seats + 2, 9)
    names = [f"C{i}" for i in range(k)]
    # Few candidates and short rankings: many repeats, so counts above 1 and close races.
    rankings = [tuple(rng.sample(names, rng.randint(1, min(k, 4))))
                for _ in range(rng.randint(50, 3000))]
    if seed % 3 == 0:  # a few heavy groups too
        extra = [(list(r), rng.randint(2, 50)) for r in rankings[:20]]
        return build(method=method, seats=seats, candidates=names,
                     ballots=[(list(r), 1) for r in rankings] + extra, seed=f"s{seed}")
    return from_rankings(method, seats, names, rankings, seed=f"s{seed}")


@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("method, seats", [("irv", 1), ("stv", 2), ("stv", 3)])
def test_array_piles_count_exactly_as_list_piles(
    seed: int, method: str, seats: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    election = random_election(seed, method, seats)
    monkeypatch.setattr(irv, "ARRAY_GROUPS", 10**9)
    monkeypatch.setattr(stv, "ARRAY_PARCEL", 10**9)
    lists = count(election).json()
    monkeypatch.setattr(irv, "ARRAY_GROUPS", 1)
    monkeypatch.setattr(stv, "ARRAY_PARCEL", 1)
    arrays = count(election).json()
    assert arrays == lists


@pytest.mark.parametrize("seed", range(40))
def test_the_short_condorcet_check_and_the_numpy_matrix_agree_with_python(seed: int) -> None:
    election = random_election(seed, "schulze", 1)
    exact = _pairwise_exact(election)
    assert pairwise(election) == exact
    found = condorcet_index(election)
    expected = condorcet_winner(exact, election.candidates)
    assert (None if found is None else election.candidates[found]) == expected


def _reference_positions(election: Election) -> list[list[int]]:
    n = len(election.candidates)
    table = [[n] * len(election.groups) for _ in range(n)]
    for g, (ranking, _count) in enumerate(election.groups):
        for place, c in enumerate(ranking):
            table[c][g] = place
    return table


@pytest.mark.parametrize("seed", range(12))
def test_rankings_grouped_in_one_pass_make_the_election_the_careful_route_makes(
    seed: int,
) -> None:
    rng = random.Random(seed)
    k = rng.randint(2, 22)
    names = [f"C{i}" for i in range(k)]
    rankings = [tuple(rng.sample(names, rng.randint(0 if seed % 2 else 1, k)))
                for _ in range(rng.randint(1, 800))]
    fast = from_rankings("schulze", 1, names, rankings, seed="s")
    careful = build(method="schulze", seats=1, candidates=names,
                    ballots=[(list(r), 1) for r in rankings], seed="s")
    assert sorted(fast.rankings()) == sorted(careful.rankings())
    assert (fast.blank, fast.ballots) == (careful.blank, careful.ballots)
    assert [len(r) for r, _ in fast.groups] == [len(r) for r, _ in fast.rankings()]
    if fast.groups:
        assert fast.positions.tolist() == _reference_positions(fast)
        assert fast.counts.tolist() == [c for _, c in fast.groups]
        assert pairwise(fast) == _pairwise_exact(careful) == _pairwise_exact(fast)
    assert count(fast).json() == count(careful).json()


def test_only_blank_rankings_and_bad_rankings_on_the_one_pass_route() -> None:
    names = ["A", "B", "C"]
    blank = from_rankings("irv", 1, names, [(), ()])
    assert (blank.groups, blank.blank, count(blank).winners) == ((), 2, [])
    with pytest.raises(ValueError, match="twice"):
        from_rankings("irv", 1, names, [("A", "B"), ("B", "A", "B")])
    with pytest.raises(ValueError, match="unknown candidate 'D'"):
        from_rankings("irv", 1, names, [("A",), ("D", "A")])
    with pytest.raises(ValueError, match="unknown candidate"):
        from_rankings("irv", 1, names, [("A",), (["A"], "B")])
    # a ranking longer than 255 (a name given again and again) is refused, not wrapped
    with pytest.raises(ValueError, match="twice"):
        from_rankings("irv", 1, names, [("A", "B", "C") * 100])
