"""The pure rules of a vote: when it takes a ballot, when a live count is refreshed, what
closing it declares, and its typed states stored as the strings they always were."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.votes import (
    LIVE_BATCH,
    Refusal,
    ResultsMode,
    Strength,
    TieRule,
    Turnout,
    VoteMethod,
    VoteStatus,
    close,
    election,
    live_count_due,
    refusal,
)

NOW = datetime(2027, 1, 11, 17, 0, tzinfo=UTC)
LABELS = ["Research", "Case studies", "Clever contracts"]


def test_an_open_vote_takes_ballots_until_its_close_time() -> None:
    assert refusal(VoteStatus.OPEN, None, NOW) is None
    assert refusal(VoteStatus.OPEN, NOW + timedelta(seconds=1), NOW) is None
    assert refusal(VoteStatus.OPEN, NOW, NOW) is Refusal.PAST_CLOSE
    assert refusal(VoteStatus.CLOSED, NOW + timedelta(days=1), NOW) is Refusal.CLOSED


def test_a_live_count_is_refreshed_only_in_batches() -> None:
    assert not live_count_due(LIVE_BATCH - 1)
    assert live_count_due(LIVE_BATCH)


def test_the_states_are_the_strings_stored_before_they_were_typed() -> None:
    assert [m.value for m in VoteMethod] == ["irv", "stv", "schulze", "ranked_pairs"]
    assert VoteMethod("ranked_pairs").tally == "ranked_pairs"
    assert [VoteMethod.SCHULZE.condorcet, VoteMethod.IRV.condorcet] == [True, False]
    assert {s.value for s in Strength} == {"margin", "winning_votes"}
    assert {t.value for t in TieRule} == {"backward-then-random", "report"}
    assert {r.value for r in ResultsMode} == {"hidden", "live"}
    # "deleted" came later (a deleted vote keeps its row to be restored), stored the same way.
    assert {s.value for s in VoteStatus} == {"open", "closed", "deleted"}


def test_closing_declares_the_count_with_its_seed_and_turnout() -> None:
    ballots = [[1, 2], [1, 3], [2, 1], [3, 2, 1]]
    e = election(LABELS, ballots, method=VoteMethod.IRV, seats=1,
                 tie_break=TieRule.BACKWARD_THEN_RANDOM, seed="s33d", strength=Strength.MARGIN)
    closing = close(e, seed="s33d", turnout=Turnout(4, 5), results=ResultsMode.HIDDEN)
    assert closing.result.winners == ["Research"]
    assert closing.declared["outcome"] == closing.result.outcome()
    assert closing.declared["seed"] == "s33d"
    assert closing.declared["turnout"] == {"ballots": 4, "members": 5, "former": 0}
    assert not closing.record_voters
    live = close(e, seed="s33d", turnout=Turnout(4, 5), results=ResultsMode.LIVE)
    assert live.record_voters  # who voted goes on record only at the close
