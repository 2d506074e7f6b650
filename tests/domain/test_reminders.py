"""Reminder rules: reading times people type, repeating times across daylight saving, quiet
hours, retries, misfires, and when meeting, deadline and action-item reminders fall due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.reminders import (
    Weekly,
    WhenError,
    action_item_times,
    classify,
    fit_nudge,
    format_offset,
    format_offset_short,
    hold_until,
    is_meeting_start,
    may_retry,
    meeting_times,
    nudge_time,
    parse_offsets,
    parse_quiet_hours,
    quiet_since,
    quiet_until,
    read_when,
    retry_delay,
    same_wall_time,
)

T0 = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)  # Monday 4 January 2027, 10:00 UTC
LONDON = "Europe/London"
QUIET = parse_quiet_hours("21:00-08:00")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- reading times ----------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "zone", "expected", "rest"), [
    ("in 2 hours Send the agenda", LONDON, utc(2027, 1, 4, 12, 0), "Send the agenda"),
    ("in 90m x", LONDON, utc(2027, 1, 4, 11, 30), "x"),
    ("in 1h30m x", LONDON, utc(2027, 1, 4, 11, 30), "x"),
    ("in an hour and 15 minutes x", LONDON, utc(2027, 1, 4, 11, 15), "x"),
    ("in 3 days x", LONDON, utc(2027, 1, 7, 10, 0), "x"),
    ("in 2 weeks x", LONDON, utc(2027, 1, 18, 10, 0), "x"),
    ("tomorrow 10:00 Call Amara", LONDON, utc(2027, 1, 5, 10, 0), "Call Amara"),
    ("tomorrow 10:00 Call Amara", "Asia/Kolkata", utc(2027, 1, 5, 4, 30), "Call Amara"),
    ("tomorrow at 2:30pm x", "Africa/Lagos", utc(2027, 1, 5, 13, 30), "x"),
    ("10:00 tomorrow x", LONDON, utc(2027, 1, 5, 10, 0), "x"),
    ("friday 9am Review", LONDON, utc(2027, 1, 8, 9, 0), "Review"),
    ("fri 9 am Review", "America/Sao_Paulo", utc(2027, 1, 8, 12, 0), "Review"),
    ("on friday at 15:00 x", LONDON, utc(2027, 1, 8, 15, 0), "x"),
    ("2027-01-11 14:00 Meeting prep", LONDON, utc(2027, 1, 11, 14, 0), "Meeting prep"),
    ("2027-01-11 14:00 x", "Asia/Manila", utc(2027, 1, 11, 6, 0), "x"),
    ("11 jan 14:00 x", LONDON, utc(2027, 1, 11, 14, 0), "x"),
    ("jan 11th 2027 noon x", LONDON, utc(2027, 1, 11, 12, 0), "x"),
    ("monday 10:30 x", LONDON, utc(2027, 1, 4, 10, 30), "x"),  # later today
    ("monday 09:00 x", LONDON, utc(2027, 1, 11, 9, 0), "x"),  # today's has gone
    ("next monday 10:30 x", LONDON, utc(2027, 1, 11, 10, 30), "x"),  # never today
    ("today 17:00 x", LONDON, utc(2027, 1, 4, 17, 0), "x"),
    ("tomorrow to call Amara", LONDON, utc(2027, 1, 5, 9, 0), "call Amara"),
    ("tomorrow: call Amara", LONDON, utc(2027, 1, 5, 9, 0), "call Amara"),
])
def test_reads_the_usual_ways_of_saying_when(
    typed: str, zone: str, expected: datetime, rest: str
) -> None:
    reading = read_when(typed, now=T0, zone=zone)
    assert reading.first == expected
    assert reading.rest == rest
    assert reading.repeat is None


def test_a_day_alone_means_nine_and_says_so() -> None:
    reading = read_when("friday Review", now=T0, zone=LONDON)
    assert reading.first == utc(2027, 1, 8, 9, 0)
    assert reading.notes == ("no time was given, so at 09:00",)
    assert reading.said == "friday"


def test_a_clock_alone_is_the_next_time_it_comes_round() -> None:
    assert read_when("17:00 x", now=T0, zone=LONDON).first == utc(2027, 1, 4, 17, 0)
    reading = read_when("09:00 x", now=T0, zone=LONDON)
    assert reading.first == utc(2027, 1, 5, 9, 0)
    assert reading.notes == ("09:00 has passed today, so tomorrow",)


def test_a_date_without_a_year_is_the_next_one() -> None:
    assert read_when("3 jan 10:00 x", now=T0, zone=LONDON).first == utc(2028, 1, 3, 10, 0)


def test_repeating_reminders() -> None:
    reading = read_when("every monday 09:00 Check my action items", now=T0, zone=LONDON)
    assert reading.repeat == Weekly(frozenset({0}), time(9, 0), LONDON)
    assert reading.first == utc(2027, 1, 11, 9, 0)  # today's 09:00 has gone
    assert reading.rest == "Check my action items"
    assert "every Monday at 09:00 (Europe/London)" in reading.describe(LONDON)
    weekdays = read_when("every weekday at 8:30 stand-up", now=T0, zone="Africa/Lagos")
    assert weekdays.repeat is not None and weekdays.repeat.days == frozenset(range(5))
    assert weekdays.first == utc(2027, 1, 5, 7, 30)
    both = read_when("every mon and thu 2pm x", now=T0, zone=LONDON)
    assert both.repeat is not None and both.repeat.days == frozenset({0, 3})
    assert both.first == utc(2027, 1, 4, 14, 0)
    listed = read_when("every mon,wed,fri 10:00 x", now=T0, zone=LONDON)
    assert listed.repeat is not None and listed.repeat.day_names == ("mon", "wed", "fri")


def test_a_weekly_rule_is_stored_and_read_back() -> None:
    rule = Weekly(frozenset({0, 3}), time(9, 5), "Asia/Kolkata")
    assert rule.spec == "09:05 mon,thu"
    assert Weekly.from_spec(rule.spec, rule.zone) == rule
    every = Weekly(frozenset(range(7)), time(8, 0), LONDON)
    assert Weekly.from_spec(every.spec, LONDON) == every
    assert every.describe() == "every day at 08:00 (Europe/London)"


@pytest.mark.parametrize(("typed", "says"), [
    ("tomorow 10:00 x", ["could not read a time at the start of `tomorow 10:00 x`",
                         "Did you mean `tomorrow`?"]),
    ("friday 25:00 x", ["I read `friday` (Fri 08 Jan 2027)", "`25:00` is not a time of day"]),
    ("tomorrow 13pm x", ["I read `tomorrow` (Tue 05 Jan 2027)", "`13pm`", "1 to 12"]),
    ("2026-12-01 10:00 x", ["`2026-12-01 10:00` is in the past",
                            "I read it as Tue 01 Dec 2026, 10:00 GMT (Europe/London)",
                            "it is now Mon 04 Jan 2027, 10:00 GMT"]),
    ("in 2 fortnights x", ["I read `in 2`", "`fortnights` is not a unit I know"]),
    ("in soon x", ["I read `in`", "not how long"]),
    ("every 2 hours x", ["not every few hours or minutes"]),
    ("every x", ["I read `every`", "not which days"]),
    ("2027-02-30 x", ["`2027-02-30` is not a date on the calendar"]),
    ("next week x", ["`next` needs a weekday after it"]),
    ("at lunch x", ["`at` needs a time after it"]),
    ("2029-01-01 x", ["more than a year ahead", "Mon 01 Jan 2029"]),
    ("in 0 minutes x", ["less than a minute away"]),
    ("", ["Say when."]),
])
def test_a_time_that_cannot_be_read_says_what_was_understood(
    typed: str, says: list[str]
) -> None:
    with pytest.raises(WhenError) as caught:
        read_when(typed, now=T0, zone=LONDON)
    for part in says:
        assert part in caught.value.message
    assert "Examples: `in 2 hours`, `tomorrow 10:00`, `friday 9am`" in caught.value.message


# --- daylight saving --------------------------------------------------------------------------


def test_a_time_in_the_spring_gap_moves_forward_and_says_so() -> None:
    reading = read_when("2027-03-28 01:30 x", now=T0, zone=LONDON)
    assert reading.first == utc(2027, 3, 28, 1, 30)  # 02:30 BST
    assert reading.notes == (
        "01:30 does not exist on Sun 28 Mar 2027 in Europe/London (the clocks go forward), "
        "so I used 02:30 BST",
    )


def test_a_time_that_happens_twice_is_the_first() -> None:
    reading = read_when("2027-10-31 01:30 x", now=T0, zone=LONDON)
    assert reading.first == utc(2027, 10, 31, 0, 30)  # 01:30 BST, before the clocks go back
    assert "happens twice" in reading.notes[0]


def test_in_days_keeps_the_wall_clock_across_the_change() -> None:
    saturday = utc(2027, 3, 27, 10, 0)  # 10:00 GMT
    assert read_when("in 1 day x", now=saturday, zone=LONDON).first == utc(2027, 3, 28, 9, 0)
    assert read_when("in 24 hours x", now=saturday, zone=LONDON).first == \
        utc(2027, 3, 28, 10, 0)


def test_weekly_times_follow_the_wall_clock_across_both_changes() -> None:
    rule = Weekly(frozenset({6}), time(9, 0), LONDON)  # Sundays 09:00
    first = rule.next_after(utc(2027, 3, 20, 12, 0))
    second = rule.next_after(first)
    assert (first, second) == (utc(2027, 3, 21, 9, 0), utc(2027, 3, 28, 8, 0))
    autumn = rule.next_after(utc(2027, 10, 30, 12, 0))
    assert (autumn, rule.next_after(autumn)) == (utc(2027, 10, 31, 9, 0),
                                                  utc(2027, 11, 7, 9, 0))


ZONES = ["Europe/London", "America/Sao_Paulo", "America/New_York", "Australia/Sydney",
         "Asia/Kolkata", "Pacific/Auckland"]


@settings(max_examples=80, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hour=st.sampled_from([0, 1, 2, 3, 9, 23]),
    minute=st.sampled_from([0, 30]),
    days=st.frozensets(st.integers(0, 6), min_size=1),
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 1)),
)
def test_weekly_times_never_skip_or_repeat_a_day_across_daylight_saving(
    zone: str, hour: int, minute: int, days: frozenset[int], start: datetime
) -> None:
    """Each chosen weekday, in order, exactly once, at the chosen wall-clock time (or just
    after the spring gap when that time does not exist that day)."""
    rule = Weekly(days, time(hour, minute), zone)
    tz = ZoneInfo(zone)
    moment = start.replace(tzinfo=UTC)
    got = []
    for _ in range(12):
        following = rule.next_after(moment)
        assert following > moment
        got.append(following)
        moment = following
    expected_days = []
    day = start.replace(tzinfo=UTC).astimezone(tz).date()
    while len(expected_days) < 13:
        if day.weekday() in days:
            expected_days.append(day)
        day += timedelta(days=1)
    dates = [g.astimezone(tz).date() for g in got]
    assert dates in (expected_days[:12], expected_days[1:13])
    for occurrence, on in zip(got, dates, strict=True):
        wall = occurrence.astimezone(tz).time()
        exists = datetime.combine(on, rule.at, tzinfo=tz).astimezone(UTC).astimezone(tz)
        if exists.time() == rule.at:
            assert wall == rule.at
            # Where the time happens twice, the first of the two.
            assert occurrence == datetime.combine(on, rule.at, tzinfo=tz).astimezone(UTC)
        else:  # the spring gap: moved forward by the gap
            assert wall == exists.time()


# --- quiet hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(("moment", "zone", "until"), [
    (utc(2027, 1, 4, 22, 0), LONDON, utc(2027, 1, 5, 8, 0)),
    (utc(2027, 1, 5, 7, 59), LONDON, utc(2027, 1, 5, 8, 0)),
    (utc(2027, 1, 5, 8, 0), LONDON, None),
    (utc(2027, 1, 4, 20, 59), LONDON, None),
    (utc(2027, 1, 4, 21, 0), LONDON, utc(2027, 1, 5, 8, 0)),
    (utc(2027, 1, 4, 10, 0), "America/Sao_Paulo", utc(2027, 1, 4, 11, 0)),  # 07:00 there
    (utc(2027, 1, 4, 16, 0), "Asia/Kolkata", utc(2027, 1, 5, 2, 30)),  # 21:30 there
    # The nights the clocks change: 08:00 on the wall clock either way.
    (utc(2027, 3, 27, 22, 0), LONDON, utc(2027, 3, 28, 7, 0)),
    (utc(2027, 10, 30, 21, 0), LONDON, utc(2027, 10, 31, 8, 0)),
])
def test_quiet_hours_end_at_eight_local(
    moment: datetime, zone: str, until: datetime | None
) -> None:
    assert quiet_until(moment, zone, QUIET) == until


def test_quiet_hours_that_do_not_cross_midnight() -> None:
    window = parse_quiet_hours("00:00-07:00")
    assert quiet_until(utc(2027, 1, 4, 3, 0), LONDON, window) == utc(2027, 1, 4, 7, 0)
    assert quiet_until(utc(2027, 1, 4, 23, 0), LONDON, window) is None
    assert quiet_until(utc(2027, 1, 4, 3, 0), LONDON, parse_quiet_hours("00:00-00:00")) is None


def test_what_is_held_back_and_what_is_not() -> None:
    night = utc(2027, 1, 4, 23, 0)
    assert hold_until(night, LONDON, QUIET) == utc(2027, 1, 5, 8, 0)
    assert hold_until(night, LONDON, QUIET, exempt=True) is None
    # A meeting reminder is never held until after the meeting has started.
    assert hold_until(night, LONDON, QUIET, starts_at=utc(2027, 1, 5, 7, 0)) is None
    assert hold_until(night, LONDON, QUIET, starts_at=utc(2027, 1, 5, 9, 0)) == \
        utc(2027, 1, 5, 8, 0)


# --- retries and misfires ---------------------------------------------------------------------


def test_retries_back_off_and_respect_what_the_platform_asks() -> None:
    base = timedelta(seconds=30)
    assert [retry_delay(n, base) for n in (1, 2, 3)] == [
        timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert retry_delay(1, base, retry_after=300) == timedelta(seconds=300)
    assert retry_delay(1, base, retry_after=5) == timedelta(seconds=30)
    assert retry_delay(20, base) == timedelta(hours=1)
    assert [may_retry(n, 3) for n in (1, 2, 3, 4)] == [True, True, True, False]


def test_misfires_are_on_time_late_or_missed() -> None:
    grace = timedelta(hours=1)
    due = utc(2027, 1, 4, 9, 0)
    assert classify(due, due + timedelta(seconds=30), grace) == "on time"
    assert classify(due, due + timedelta(minutes=59), grace) == "late"
    assert classify(due, due + timedelta(hours=1), grace) == "late"
    assert classify(due, due + timedelta(hours=1, seconds=1), grace) == "missed"


# --- other features' reminders ----------------------------------------------------------------


def test_action_items_remind_at_nine_the_day_before_and_on_the_day() -> None:
    assert action_item_times(date(2027, 1, 12), "Africa/Lagos", T0) == [
        ("day before", utc(2027, 1, 11, 8, 0)), ("due day", utc(2027, 1, 12, 8, 0))]
    # Due today after nine: nothing left to send.
    assert action_item_times(date(2027, 1, 4), LONDON, T0) == []
    # Due tomorrow: the day before is today at nine, gone already; on the day remains.
    assert action_item_times(date(2027, 1, 5), LONDON, T0) == [
        ("due day", utc(2027, 1, 5, 9, 0))]
    # Across the spring change: 09:00 GMT on Saturday, 09:00 BST on Sunday.
    assert action_item_times(date(2027, 3, 28), LONDON, T0) == [
        ("day before", utc(2027, 3, 27, 9, 0)), ("due day", utc(2027, 3, 28, 8, 0))]


def test_meeting_reminders_fall_before_the_start() -> None:
    start = utc(2027, 1, 12, 14, 0)
    offsets = (timedelta(hours=24), timedelta(minutes=15))
    assert meeting_times(start, offsets, T0) == [
        (timedelta(hours=24), utc(2027, 1, 11, 14, 0)),
        (timedelta(minutes=15), utc(2027, 1, 12, 13, 45))]
    assert meeting_times(utc(2027, 1, 4, 20, 0), offsets, T0) == [
        (timedelta(minutes=15), utc(2027, 1, 4, 19, 45))]
    assert is_meeting_start(timedelta(minutes=15)) and is_meeting_start(timedelta(hours=1))
    assert not is_meeting_start(timedelta(hours=24))


DAY = timedelta(hours=24)


@pytest.mark.parametrize(("closes", "nudge"), [
    # Open four days: 24 hours before the close.
    (utc(2027, 1, 8, 17, 0), utc(2027, 1, 7, 17, 0)),
    # Open exactly two days: 24 hours before is also halfway.
    (T0 + 2 * DAY, T0 + DAY),
    # Open 30 hours: 24 hours before would be 6 hours after it opened; halfway instead.
    (T0 + timedelta(hours=30), T0 + timedelta(hours=15)),
    # Open 10 hours (shorter than the nudge): halfway, where it used to get none.
    (utc(2027, 1, 4, 20, 0), utc(2027, 1, 4, 15, 0)),
    # Open an hour: halfway, half an hour to answer.
    (T0 + timedelta(hours=1), T0 + timedelta(minutes=30)),
    # Open less than an hour: the announcement was reminder enough.
    (T0 + timedelta(minutes=59), None),
    (T0 + timedelta(minutes=5), None),
])
def test_deadline_nudges(closes: datetime, nudge: datetime | None) -> None:
    assert nudge_time(closes, DAY, T0) == nudge


def test_a_member_who_joins_late_is_nudged_by_the_same_rule_over_the_time_they_have() -> None:
    closes = utc(2027, 1, 8, 17, 0)
    # Joined with more than two days to go: the lab's moment, 24 hours before.
    assert nudge_time(closes, DAY, utc(2027, 1, 6, 9, 0)) == utc(2027, 1, 7, 17, 0)
    # Joined 20 hours before the close (the lab's nudge has gone): halfway through theirs.
    assert nudge_time(closes, DAY, utc(2027, 1, 7, 21, 0)) == utc(2027, 1, 8, 7, 0)
    # Joined 40 minutes before: none.
    assert nudge_time(closes, DAY, utc(2027, 1, 8, 16, 20)) is None


@pytest.mark.parametrize(("moment", "zone", "since"), [
    (utc(2027, 1, 4, 23, 0), LONDON, utc(2027, 1, 4, 21, 0)),  # the same evening
    (utc(2027, 1, 5, 3, 0), LONDON, utc(2027, 1, 4, 21, 0)),  # after midnight: the evening before
    (utc(2027, 1, 4, 12, 0), LONDON, None),
    (utc(2027, 1, 4, 20, 59), LONDON, None),
    (utc(2027, 1, 4, 18, 0), "Asia/Kolkata", utc(2027, 1, 4, 15, 30)),  # 23:30 IST
    # The night the clocks go back: quiet from 21:00 BST (20:00 UTC) on the Saturday.
    (utc(2027, 10, 31, 2, 0), LONDON, utc(2027, 10, 30, 20, 0)),
    # The night they go forward: from 21:00 GMT on the Saturday.
    (utc(2027, 3, 28, 6, 30), LONDON, utc(2027, 3, 27, 21, 0)),
])
def test_quiet_hours_began(moment: datetime, zone: str, since: datetime | None) -> None:
    assert quiet_since(moment, zone, QUIET) == since


def test_quiet_hours_within_a_day_began_that_day() -> None:
    window = parse_quiet_hours("00:00-07:00")
    assert quiet_since(utc(2027, 1, 4, 3, 0), LONDON, window) == utc(2027, 1, 4, 0, 0)
    assert quiet_since(utc(2027, 1, 4, 8, 0), LONDON, window) is None
    assert quiet_since(utc(2027, 1, 4, 3, 0), LONDON, parse_quiet_hours("00:00-00:00")) is None


def test_a_nudge_is_never_sent_at_night_nor_too_late_to_act_on() -> None:
    closes = utc(2027, 1, 5, 7, 0)  # a poll opened at 10:00 that closes at 07:00 tomorrow
    at = nudge_time(closes, DAY, T0)
    assert at == utc(2027, 1, 4, 20, 30)
    # London: 20:30 is not quiet yet.
    assert fit_nudge(at, closes, LONDON, QUIET, now=T0) == at
    # Lagos: 21:30 is quiet and the morning (07:00 UTC) is the close itself: the evening
    # before instead, an hour before quiet hours begin (20:00 WAT).
    assert fit_nudge(at, closes, "Africa/Lagos", QUIET, now=T0) == utc(2027, 1, 4, 19, 0)
    # Kolkata: 02:00 IST is quiet, but 08:00 IST (02:30 UTC) leaves hours before the close:
    # the nudge stays and waits for the morning, as every reminder does.
    assert fit_nudge(at, closes, "Asia/Kolkata", QUIET, now=T0) == at
    # Opened at 20:00 UTC (21:00 in Lagos, already quiet): no evening left, so no nudge.
    late = utc(2027, 1, 4, 20, 0)
    assert fit_nudge(utc(2027, 1, 5, 1, 30), closes, "Africa/Lagos", QUIET, now=late) is None
    # An evening nudge must come at least half an hour after the poll opened.
    assert fit_nudge(at, closes, "Africa/Lagos", QUIET, now=utc(2027, 1, 4, 18, 45)) is None


def test_fitting_a_nudge_across_the_daylight_saving_changes() -> None:
    # Spring: the morning after the change, 08:00 BST is 07:00 UTC; a poll that closes at
    # 07:45 UTC leaves 45 minutes after it, so the night's nudge waits for the morning.
    closes = utc(2027, 3, 28, 7, 45)
    at = utc(2027, 3, 28, 1, 0)
    assert fit_nudge(at, closes, LONDON, QUIET, now=utc(2027, 3, 27, 12, 0)) == at
    # Autumn: the morning after, 08:00 GMT is 08:00 UTC, too late for a close at 08:15; the
    # evening before is 20:00 BST, 19:00 UTC.
    closes = utc(2027, 10, 31, 8, 15)
    at = utc(2027, 10, 31, 1, 0)
    assert fit_nudge(at, closes, LONDON, QUIET, now=utc(2027, 10, 30, 12, 0)) == \
        utc(2027, 10, 30, 19, 0)


def test_meeting_offsets_are_read_and_written() -> None:
    assert parse_offsets(["15m", "24h", "1h"]) == (
        timedelta(hours=24), timedelta(hours=1), timedelta(minutes=15))
    assert parse_offsets(["24h,15m", "24h"]) == (timedelta(hours=24), timedelta(minutes=15))
    with pytest.raises(ValueError, match="`soon` is not a duration"):
        parse_offsets(["soon"])
    with pytest.raises(ValueError, match="between 1 minute and 14 days"):
        parse_offsets(["30d"])
    with pytest.raises(ValueError, match="At most 5"):
        parse_offsets(["1m", "2m", "3m", "4m", "5m", "6m"])
    assert [format_offset(o) for o in parse_offsets(["48h", "24h", "90m", "15m"])] == [
        "2 days", "24 hours", "1 hour 30 minutes", "15 minutes"]
    assert [format_offset_short(o) for o in parse_offsets(["48h", "24h", "90m", "15m"])] == [
        "2d", "24h", "90m", "15m"]


def test_the_same_wall_time_in_another_zone() -> None:
    friday_nine = utc(2027, 1, 8, 9, 0)  # 09:00 GMT
    assert same_wall_time(friday_nine, LONDON, "Asia/Kolkata") == utc(2027, 1, 8, 3, 30)
    assert same_wall_time(friday_nine, LONDON, "America/Sao_Paulo") == utc(2027, 1, 8, 12, 0)
    # Into Toronto's spring gap: 02:30 does not exist there, so 03:30 EDT.
    half_two = utc(2027, 3, 14, 2, 30)  # 02:30 GMT in London
    assert same_wall_time(half_two, LONDON, "America/Toronto") == utc(2027, 3, 14, 7, 30)
    # A weekly rule's own clock wins over the one read off the moment.
    assert same_wall_time(utc(2027, 3, 28, 1, 30), LONDON, "Asia/Kolkata",
                          clock=time(1, 30)) == utc(2027, 3, 27, 20, 0)
