"""Properties every count must have, on elections hypothesis makes up."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.tally import count, from_rankings
from bot.domain.tally.pairwise import condorcet_winner, pairwise

NAMES = ["A", "B", "C", "D", "E"]


@st.composite
def ballots(draw: st.DrawFn, min_size: int = 1) -> tuple[list[str], list[tuple[str, ...]]]:
    n = draw(st.integers(2, 5))
    candidates = NAMES[:n]
    ranking = st.permutations(candidates).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda k: tuple(p[:k])))
    return candidates, draw(st.lists(ranking, min_size=min_size, max_size=30))


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(ballots(), st.data())
def test_a_majority_winner_always_wins_irv(
    election: tuple[list[str], list[tuple[str, ...]]], data: st.DataObject
) -> None:
    candidates, rankings = election
    favourite = data.draw(st.sampled_from(candidates))
    # Add first choices for the favourite until they hold a strict majority.
    others = [r for r in rankings if r[0] != favourite]
    mine = [r for r in rankings if r[0] == favourite]
    while len(mine) <= len(others):
        mine.append((favourite,))
    result = count(from_rankings("irv", 1, candidates, mine + others, seed="p"))
    assert result.winners == [favourite]
    assert not result.tied


@SETTINGS
@given(ballots(), st.sampled_from(["schulze", "ranked_pairs"]),
       st.sampled_from(["margin", "winning_votes"]))
def test_a_condorcet_winner_always_wins_schulze_and_ranked_pairs(
    election: tuple[list[str], list[tuple[str, ...]]], method: str, strength: str
) -> None:
    candidates, rankings = election
    e = from_rankings(method, 1, candidates, rankings, seed="p", strength=strength)
    winner = condorcet_winner(pairwise(e), candidates)
    result = count(e)
    if winner is not None:
        assert result.winners == [winner] and not result.tied
        assert result.condorcet_winner == winner


@SETTINGS
@given(ballots(), st.sampled_from(["irv", "stv", "schulze", "ranked_pairs"]),
       st.sampled_from(["backward-then-random", "report"]), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_ballot_order(
    election: tuple[list[str], list[tuple[str, ...]]], method: str, ties: str,
    rng: random.Random,
) -> None:
    candidates, rankings = election
    seats = 1 if method == "irv" or len(candidates) < 3 else 2
    shuffled = list(rankings)
    rng.shuffle(shuffled)
    one = count(from_rankings(method, seats, candidates, rankings, tie_break=ties))
    two = count(from_rankings(method, seats, candidates, shuffled, tie_break=ties))
    assert one.json() == two.json()


@SETTINGS
@given(ballots(), st.integers(1, 3))
def test_every_stv_transfer_preserves_the_total_value_of_the_votes(
    election: tuple[list[str], list[tuple[str, ...]]], seats: int
) -> None:
    candidates, rankings = election
    seats = min(seats, len(candidates) - 1)
    result = count(from_rankings("stv", seats, candidates, rankings, seed="p"))
    for rnd in result.rounds:
        # Every ballot's value is with a candidate or exhausted, in every round.
        assert sum(rnd.tallies.values()) + rnd.exhausted == len(rankings)
        t = rnd.transfer
        if t is not None:
            assert sum(t.to.values()) + t.exhausted == t.value
    if not result.tied or result.election.tie_break != "report":
        assert len(result.winners) == seats


@SETTINGS
@given(ballots())
def test_irv_rounds_account_for_every_ballot(
    election: tuple[list[str], list[tuple[str, ...]]]
) -> None:
    candidates, rankings = election
    result = count(from_rankings("irv", 1, candidates, rankings, seed="p"))
    for rnd in result.rounds:
        assert sum(rnd.tallies.values()) + rnd.exhausted == len(rankings)
    assert len(result.winners) == 1
