"""The rule of when a meeting's time is outside the lab's rules: its window and days read on
the lab's wall clock (across daylight-saving changes), and overlaps with other meetings."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain.meetings import (
    Concern,
    ConcernKind,
    LabHours,
    OtherMeeting,
    concerns,
    explain,
)

LONDON = LabHours("Europe/London", (time(9), time(18)), frozenset(range(5)))
HOUR = timedelta(hours=1)


def kinds(found: list[Concern]) -> list[ConcernKind]:
    return [c.kind for c in found]


@pytest.mark.parametrize(("starts_at", "expected"), [
    # Summer (BST, UTC+1): 08:30 UTC is 09:30 local, inside; 08:00 UTC is 09:00, inside.
    (datetime(2027, 7, 14, 8, 30, tzinfo=UTC), []),
    (datetime(2027, 7, 14, 8, 0, tzinfo=UTC), []),
    # 17:00 UTC is 18:00 BST: a one-hour meeting would end at 19:00, outside.
    (datetime(2027, 7, 14, 17, 0, tzinfo=UTC), [ConcernKind.HOURS]),
    (datetime(2027, 7, 14, 16, 0, tzinfo=UTC), []),  # 17:00-18:00 BST, ends on the edge
    # Winter (GMT): 08:30 UTC is 08:30 local, before the window.
    (datetime(2027, 1, 13, 8, 30, tzinfo=UTC), [ConcernKind.HOURS]),
    (datetime(2027, 1, 13, 17, 0, tzinfo=UTC), []),
    # The Monday after the clocks go forward (28 March 2027): 08:30 UTC is 09:30 BST.
    (datetime(2027, 3, 29, 8, 30, tzinfo=UTC), []),
    # The Friday before they go back (31 October 2027) and the Monday after.
    (datetime(2027, 10, 29, 8, 0, tzinfo=UTC), []),
    (datetime(2027, 11, 1, 8, 0, tzinfo=UTC), [ConcernKind.HOURS]),
    # The Sunday of the change itself: not a meeting day, and 01:30 UTC is outside too.
    (datetime(2027, 10, 31, 1, 30, tzinfo=UTC), [ConcernKind.HOURS, ConcernKind.DAY]),
    (datetime(2027, 3, 28, 10, 0, tzinfo=UTC), [ConcernKind.DAY]),
    # 22:00 GMT, and a Saturday at a good hour.
    (datetime(2027, 1, 13, 22, 0, tzinfo=UTC), [ConcernKind.HOURS]),
    (datetime(2027, 1, 16, 10, 0, tzinfo=UTC), [ConcernKind.DAY]),
    # 23:30 UTC on a Friday in summer is 00:30 BST on Saturday: both, read in London.
    (datetime(2027, 7, 16, 23, 30, tzinfo=UTC), [ConcernKind.HOURS, ConcernKind.DAY]),
])
def test_window_and_days_on_the_labs_wall_clock(starts_at: datetime,
                                                expected: list[ConcernKind]) -> None:
    assert kinds(concerns(starts_at, HOUR, LONDON)) == expected


def test_a_meeting_past_midnight_is_outside_even_a_window_to_midnight() -> None:
    late = LabHours("Europe/London", (time(20), time(23, 59)), frozenset(range(7)))
    assert kinds(concerns(datetime(2027, 1, 13, 23, 30, tzinfo=UTC), HOUR, late)) == [
        ConcernKind.HOURS]
    assert concerns(datetime(2027, 1, 13, 20, 0, tzinfo=UTC), HOUR, late) == []


def test_clashes_are_overlaps_of_the_meetings_times() -> None:
    first = OtherMeeting(1, "Meeting 1", datetime(2027, 1, 13, 10, tzinfo=UTC), HOUR)
    second = OtherMeeting(2, "Meeting 2", datetime(2027, 1, 13, 14, tzinfo=UTC), 2 * HOUR)
    others = [first, second]
    at = datetime(2027, 1, 13, 10, tzinfo=UTC)
    assert concerns(at, HOUR, LONDON, others) == [Concern(ConcernKind.CLASH, first)]
    # Half an hour into it, or starting half an hour before it: overlapping.
    assert kinds(concerns(at + HOUR / 2, HOUR, LONDON, others)) == [ConcernKind.CLASH]
    assert kinds(concerns(at - HOUR / 2, HOUR, LONDON, others)) == [ConcernKind.CLASH]
    # Back to back is no clash.
    assert concerns(at + HOUR, HOUR, LONDON, others) == []
    assert concerns(at - HOUR, HOUR, LONDON, others) == []
    # Inside the longer second meeting.
    assert concerns(datetime(2027, 1, 13, 15, tzinfo=UTC), HOUR, LONDON, others) == [
        Concern(ConcernKind.CLASH, second)]
    assert Concern(ConcernKind.CLASH, first).mark == "same time as Meeting 1"
    assert Concern(ConcernKind.HOURS).mark == "outside the lab's hours"


def test_explained_in_the_readers_zone_and_the_labs_naming_both() -> None:
    at = datetime(2027, 1, 13, 5, tzinfo=UTC)
    (hours,) = concerns(at, HOUR, LONDON)
    text = explain(hours, at, HOUR, LONDON, "Asia/Tokyo")
    assert text == ("60 minutes from Wed 13 Jan 2027, 14:00 JST (Asia/Tokyo), which is "
                    "Wed 13 Jan 2027, 05:00 GMT (Europe/London) for the lab, is outside the "
                    "lab's hours (09:00-18:00 Europe/London).")
    # The same zone is named once.
    assert explain(hours, at, HOUR, LONDON, "Europe/London") == (
        "60 minutes from Wed 13 Jan 2027, 05:00 GMT (Europe/London), is outside the lab's "
        "hours (09:00-18:00 Europe/London).")
    saturday = datetime(2027, 1, 16, 10, tzinfo=UTC)
    (day,) = concerns(saturday, HOUR, LONDON)
    assert explain(day, saturday, HOUR, LONDON, "Asia/Tokyo") == (
        "Saturday (in Europe/London) is not one of the lab's meeting days (mon-fri).")
    other = OtherMeeting(1, "Meeting 1", datetime(2027, 1, 13, 10, tzinfo=UTC), HOUR)
    (clash,) = concerns(other.starts_at, HOUR, LONDON, [other])
    assert explain(clash, other.starts_at, HOUR, LONDON, "America/New_York") == (
        "It overlaps Meeting 1 (60 minutes from Wed 13 Jan 2027, 05:00 EST (America/New_York), "
        "which is Wed 13 Jan 2027, 10:00 GMT (Europe/London) for the lab).")
