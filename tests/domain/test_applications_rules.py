"""The pure rules of a call: the meeting window in the reader's zone (across DST), scores,
ranking, the limit, questions, and when facilitators are reminded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain import applications as rules
from bot.domain.applications import ApplicationRefused


@pytest.mark.parametrize(("zone", "on", "shown"), [
    ("Africa/Lagos", date(2027, 1, 20), "10:00-19:00 WAT (Africa/Lagos)"),
    ("Europe/London", date(2027, 1, 20), "09:00-18:00 GMT (Europe/London)"),
    ("Europe/London", date(2027, 4, 1), "10:00-19:00 BST (Europe/London)"),  # after the change
    ("America/New_York", date(2027, 3, 13), "04:00-13:00 EST (America/New_York)"),
    ("America/New_York", date(2027, 3, 15), "05:00-14:00 EDT (America/New_York)"),
    ("Pacific/Auckland", date(2027, 1, 20), "22:00-07:00 next day NZDT (Pacific/Auckland)"),
])
def test_the_meeting_window_in_the_readers_zone(zone: str, on: date, shown: str) -> None:
    assert rules.meeting_window_in(zone, on) == shown


def test_scores_are_whole_numbers_from_1_to_5() -> None:
    qs = rules.DEFAULT_QUESTIONS
    assert rules.parse_scores("4 3 5 2 4", qs) == [4, 3, 5, 2, 4]
    for bad in ("6 3 5 2 4", "0 3 5 2 4", "4 3", "4.5 3 5 2 4"):
        with pytest.raises(ApplicationRefused):
            rules.parse_scores(bad, qs)
    assert rules.score_refusal("3", qs, "nope") is not None
    assert rules.score_refusal("3", qs, "interest") is None


def test_ranking_puts_the_best_average_first_and_the_unscored_last() -> None:
    ranked = rules.rank([(1, 1), (2, 2), (3, 3)],
                        [(1, 10, "interest", 3), (2, 10, "interest", 5), (2, 11, "interest", 4)])
    assert [r.number for r in ranked] == [2, 1, 3]
    assert ranked[0].average == 4.5 and ranked[0].reviewers == 2 and ranked[2].average is None


def test_the_limit_counts_members_and_accepted_applicants_waiting() -> None:
    assert rules.accept_refusal(counted=1, holding=0, limit=2) is None
    assert rules.accept_refusal(counted=1, holding=1, limit=2) is not None


def test_questions_typed_by_a_facilitator() -> None:
    qs = rules.parse_questions("Experience: What have you done? | Availability: Can you meet?")
    assert [(q.key, q.availability) for q in qs] == [("experience", False),
                                                     ("availability", True)]
    with pytest.raises(ApplicationRefused):
        rules.parse_questions("no colon here")
    assert len(rules.pages(list(rules.DEFAULT_QUESTIONS) * 2)) == 2


def test_the_reminder_comes_two_days_before_the_promised_date() -> None:
    now = datetime(2027, 1, 4, 10, tzinfo=UTC)
    assert rules.reminder_moment(date(2027, 2, 1), "Europe/London", now) == \
        datetime(2027, 1, 30, 9, tzinfo=UTC)
    assert rules.reminder_moment(date(2027, 1, 5), "Europe/London", now) is None
