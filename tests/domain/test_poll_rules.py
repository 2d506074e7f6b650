"""The poll's and meeting's rules in bot/domain: answers, close outcome, pick, changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.availability import SlotScore
from bot.domain.meetings import MeetingStatus, why_unchangeable
from bot.domain.polls import (
    PickProblem,
    PickRefused,
    PollStatus,
    best_slot,
    can_close,
    pick_slot,
    takes_answers,
)

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
STARTS = [NOW + timedelta(days=d) for d in (-1, 1, 2)]


def test_statuses_are_stored_as_todays_strings() -> None:
    assert [s.value for s in PollStatus] == ["open", "closed", "deleted"]
    assert [s.value for s in MeetingStatus] == ["scheduled", "cancelled"]
    assert PollStatus("open") == "open"


def test_a_poll_takes_answers_while_open_and_before_its_deadline() -> None:
    assert takes_answers(PollStatus.OPEN, None, NOW)
    assert takes_answers(PollStatus.OPEN, NOW + timedelta(seconds=1), NOW)
    assert not takes_answers(PollStatus.OPEN, NOW, NOW)
    assert not takes_answers(PollStatus.CLOSED, None, NOW)
    assert can_close(PollStatus.OPEN) and not can_close(PollStatus.DELETED)


def test_the_close_records_the_best_usable_slot_or_none() -> None:
    assert best_slot([]) is None
    assert best_slot([SlotScore(0, 0, 0, 3)]) is None  # nobody can come
    assert best_slot([SlotScore(0, 3, 0, 0, blocked_by=(7,)), SlotScore(1, 0, 0, 2)]) is None
    best = best_slot([SlotScore(0, 1, 1, 1), SlotScore(1, 2, 0, 1), SlotScore(2, 1, 0, 2)])
    assert best is not None and best.index == 1


def _pick(text: str, taken: list[int | None], title: str | None = None) -> object:
    return pick_slot(text, STARTS, taken, poll_number=3, meeting_number=1, title=title,
                     now=NOW)


def test_a_pick_names_a_future_free_slot_and_an_untitled_meeting_by_its_number() -> None:
    first = pick_slot("#2", STARTS, [], poll_number=3, meeting_number=1, title=None,
                      now=NOW)
    assert (first.number, first.starts_at, first.title) == (2, STARTS[1], "Meeting 1")
    second = pick_slot("3", STARTS, [2, None], poll_number=3, meeting_number=2,
                       title=None, now=NOW)
    assert second.title == "Meeting 2"
    named = pick_slot("3", STARTS, [2], poll_number=3, meeting_number=2, title="Retro",
                      now=NOW)
    assert named.title == "Retro"


@pytest.mark.parametrize(("text", "taken", "problem", "says"), [
    ("two", [], PickProblem.UNCLEAR, "`/lab poll pick 3 14`"),
    ("4", [], PickProblem.NO_SUCH_SLOT, "4"),
    ("99999999999999999999", [], PickProblem.NO_SUCH_SLOT, "99999999999999999999"),
    ("1", [], PickProblem.BEGUN, "Slot #1 has already begun"),
    ("2", [2], PickProblem.TAKEN, "Slot #2 of poll #3 is already a meeting"),
])
def test_a_pick_is_refused_with_its_reason(text: str, taken: list[int | None],
                                           problem: PickProblem, says: str) -> None:
    with pytest.raises(PickRefused) as refused:
        _pick(text, taken)
    assert refused.value.problem is problem and says in refused.value.message


def test_a_meeting_changes_only_while_scheduled_and_ahead() -> None:
    later = NOW + timedelta(hours=1)
    assert why_unchangeable(2, "Retro", MeetingStatus.SCHEDULED, later, NOW) is None
    assert why_unchangeable(2, "Retro", MeetingStatus.CANCELLED, later, NOW) == (
        "Meeting #2 (Retro) is cancelled already.")
    assert "has already begun" in (why_unchangeable(2, "Retro", MeetingStatus.SCHEDULED, NOW,
                                                    NOW) or "")
