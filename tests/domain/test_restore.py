"""When a deleted poll or vote can still be restored, and when a cancelled meeting can."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.meetings import MeetingStatus, why_not_restorable
from bot.domain.restore import can_restore, restorable_until

T = datetime(2027, 1, 4, 10, tzinfo=UTC)
WEEK = timedelta(days=7)


def test_a_delete_can_be_undone_up_to_the_end_of_the_period_and_not_after() -> None:
    assert restorable_until(T, WEEK) == T + WEEK
    assert can_restore(T, WEEK, T)
    assert can_restore(T, WEEK, T + WEEK)
    assert not can_restore(T, WEEK, T + WEEK + timedelta(seconds=1))


def test_a_delete_of_unknown_time_cannot_be_undone() -> None:
    # Polls deleted before deletes were restorable lost their answers: nothing to bring back.
    assert restorable_until(None, WEEK) is None
    assert not can_restore(None, WEEK, T)


def test_a_cancelled_meeting_can_be_restored_only_before_its_time() -> None:
    later = T + timedelta(days=1)
    assert why_not_restorable(2, "Kick-off", MeetingStatus.CANCELLED, later, T) is None
    assert "is not cancelled" in str(
        why_not_restorable(2, "Kick-off", MeetingStatus.SCHEDULED, later, T))
    assert "cannot be restored" in str(
        why_not_restorable(2, "Kick-off", MeetingStatus.CANCELLED, T, T))
