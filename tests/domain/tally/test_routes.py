"""The fast routes (numpy piles, the short Condorcet check, the numpy pairwise matrix) give
exactly what the plain Python routes give, on elections with ties, repeats and weights."""

from __future__ import annotations

import random

import pytest

import bot.domain.tally.irv as irv
import bot.domain.tally.stv as stv
from bot.domain.tally import count, from_rankings
from bot.domain.tally.condorcet import _pairwise_exact, condorcet_index, condorcet_winner, pairwise
from bot.domain.tally.election import Election, build


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
