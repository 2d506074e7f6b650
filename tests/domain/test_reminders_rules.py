"""The pure rules deliver and zone_changed follow: what a fired timer does, how a move re-plans."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.domain.reminders import (
    Decision,
    Drop,
    ReminderKind,
    Replan,
    Step,
    decide,
    needs_recipient_zone,
    parse_quiet_hours,
    replan_for_zone,
)

NOW = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)  # Monday
GRACE = timedelta(hours=1)
QUIET = parse_quiet_hours("21:00-08:00")
ME, OTHER = 1, 2


@dataclass(frozen=True)
class Row:
    kind: ReminderKind = ReminderKind.CUSTOM
    recipient_id: int | None = ME
    author_id: int | None = ME
    due_at: datetime = NOW + timedelta(days=2)
    next_at: datetime = NOW + timedelta(days=2)
    subject_at: datetime | None = None
    repeat: str | None = None
    repeat_zone: str | None = None
    quiet_exempt: bool = False
    attempts: int = 0


def test_a_refused_reminder_is_cancelled_before_anything_else() -> None:
    assert decide(NOW - 2 * GRACE, NOW, GRACE, refused=True, held_until=None, here=True) \
        == Decision(Step.CANCEL)


def test_one_due_longer_ago_than_the_grace_is_missed_even_if_quiet_or_elsewhere() -> None:
    later = NOW + timedelta(hours=5)
    assert decide(NOW - 2 * GRACE, NOW, GRACE, refused=False, held_until=later,
                  here=False).step is Step.MISS


def test_quiet_hours_hold_it_then_another_process_then_it_is_claimed() -> None:
    until = NOW + timedelta(hours=5)
    assert decide(NOW, NOW, GRACE, refused=False, held_until=until, here=True) \
        == Decision(Step.DEFER, at=until)
    assert decide(NOW, NOW, GRACE, refused=False, held_until=None, here=False) \
        == Decision(Step.ELSEWHERE, at=NOW + GRACE + timedelta(minutes=1))
    assert decide(NOW, NOW, GRACE, refused=False, held_until=None, here=True) \
        == Decision(Step.CLAIM, late=False)
    assert decide(NOW - timedelta(minutes=30), NOW, GRACE, refused=False, held_until=None,
                  here=True) == Decision(Step.CLAIM, late=True)


def test_an_action_item_reminder_keeps_its_wall_clock_time_after_a_move() -> None:
    due = datetime(2027, 1, 7, 9, 0, tzinfo=UTC)  # 09:00 in London
    row = Row(kind=ReminderKind.ACTION_ITEM, due_at=due, next_at=due, subject_at=due)
    plan = replan_for_zone(row, ME, "Europe/London", "Asia/Kolkata", now=NOW, window=QUIET)
    at_nine_in_kolkata = datetime(2027, 1, 7, 3, 30, tzinfo=UTC)
    assert plan == Replan(at_nine_in_kolkata, at_nine_in_kolkata, None, at_nine_in_kolkata)


def test_one_off_reminders_and_rows_already_being_retried_stay() -> None:
    assert replan_for_zone(Row(), ME, "Europe/London", "Asia/Kolkata", now=NOW,
                           window=QUIET) is None
    retried = Row(kind=ReminderKind.ACTION_ITEM, attempts=1)
    assert replan_for_zone(retried, ME, "Europe/London", "Asia/Kolkata", now=NOW,
                           window=QUIET) is None


def test_a_nudge_with_no_time_left_outside_the_new_night_is_dropped() -> None:
    closes = datetime(2027, 1, 4, 23, 0, tzinfo=UTC)  # 04:30 in Kolkata, before the morning
    nudge = Row(kind=ReminderKind.NUDGE, due_at=closes - timedelta(hours=1),
                next_at=closes - timedelta(hours=1), subject_at=closes)
    late_now = datetime(2027, 1, 4, 17, 0, tzinfo=UTC)  # 22:30 in Kolkata: the night began
    plan = replan_for_zone(nudge, ME, "Europe/London", "Asia/Kolkata", now=late_now,
                           window=QUIET)
    assert isinstance(plan, Drop)
    assert "Asia/Kolkata" in plan.note


def test_a_repeating_reminder_set_for_someone_else_is_held_by_their_night() -> None:
    due = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # Monday 09:00 London
    row = Row(recipient_id=OTHER, repeat="09:00 mon", repeat_zone="Europe/London", due_at=due,
              next_at=due)
    assert needs_recipient_zone(row, ME, "Europe/London", now=NOW)
    assert not needs_recipient_zone(replace(row, author_id=OTHER), ME, "Europe/London",
                                    now=NOW)
    plan = replan_for_zone(row, ME, "Europe/London", "Asia/Kolkata", now=NOW, window=QUIET,
                           recipient_zone="America/New_York")
    assert isinstance(plan, Replan)
    moved = datetime(2027, 1, 11, 3, 30, tzinfo=UTC)  # 09:00 in Kolkata, 22:30 in New York
    assert (plan.due_at, plan.repeat_zone) == (moved, "Asia/Kolkata")
    assert plan.next_at == datetime(2027, 1, 11, 13, 0, tzinfo=UTC)  # 08:00 in New York
