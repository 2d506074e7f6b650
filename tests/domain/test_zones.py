from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.reminders import Weekly
from bot.domain.zones import (
    Occurs,
    canonical_zone,
    format_local,
    format_span,
    require_zone,
    suggest_zones,
    wall_time,
    zone_abbreviation,
)
from bot.scheduling import cron_trigger


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Europe/Berln", "Europe/Berlin"),
        ("America/Sao_Paolo", "America/Sao_Paulo"),
        ("Asia/Kolkatta", "Asia/Kolkata"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("lagos", "Africa/Lagos"),
        ("Torontoo", "America/Toronto"),
    ],
)
def test_close_matches_are_suggested(typed: str, expected: str) -> None:
    assert expected in suggest_zones(typed)


def test_case_is_forgiven() -> None:
    assert canonical_zone("europe/london") == "Europe/London"
    assert canonical_zone("Mars/Olympus") is None


def test_require_zone_explains_and_suggests() -> None:
    with pytest.raises(ValueError) as err:
        require_zone("Europe/Berln")
    assert "`Europe/Berlin`" in str(err.value)
    assert "IANA" in str(err.value)


def test_nothing_close_gets_no_wild_guess() -> None:
    assert suggest_zones("qqqqqqqq") == []


def test_local_time_names_the_zone_and_follows_daylight_saving() -> None:
    winter = datetime(2027, 3, 27, 9, 0, tzinfo=UTC)  # Saturday before the change
    summer = datetime(2027, 3, 29, 9, 0, tzinfo=UTC)  # Monday after (clocks went forward)
    assert format_local(winter, "Europe/London") == "Sat 27 Mar 2027, 09:00 GMT (Europe/London)"
    assert format_local(summer, "Europe/London") == "Mon 29 Mar 2027, 10:00 BST (Europe/London)"
    assert zone_abbreviation(summer, "America/Sao_Paulo") == "UTC-3"
    assert zone_abbreviation(summer, "Asia/Kolkata") == "IST"
    assert format_local(summer, "Asia/Kolkata", date=False, name=False) == "14:30 IST"


# --- wall-clock times -------------------------------------------------------------------------


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "clock", "moment", "occurs", "local"),
    [
        # An ordinary day: the time happens once.
        ("Europe/London", date(2027, 7, 1), time(9, 0), utc(2027, 7, 1, 8, 0), Occurs.ONCE,
         "09:00"),
        # London's spring gap, 01:00-02:00 GMT on 28 March 2027: forward by the hour.
        ("Europe/London", date(2027, 3, 28), time(1, 30), utc(2027, 3, 28, 1, 30),
         Occurs.NEVER, "02:30"),
        # The edges of the gap: 01:00 does not exist, 02:00 does (it is the first BST minute).
        ("Europe/London", date(2027, 3, 28), time(1, 0), utc(2027, 3, 28, 1, 0),
         Occurs.NEVER, "02:00"),
        ("Europe/London", date(2027, 3, 28), time(2, 0), utc(2027, 3, 28, 1, 0),
         Occurs.ONCE, "02:00"),
        # London's autumn fold, 01:00-02:00 twice on 31 October 2027: the first, on BST.
        ("Europe/London", date(2027, 10, 31), time(1, 30), utc(2027, 10, 31, 0, 30),
         Occurs.TWICE, "01:30"),
        ("Europe/London", date(2027, 10, 31), time(2, 0), utc(2027, 10, 31, 2, 0),
         Occurs.ONCE, "02:00"),
        # Toronto springs forward at 02:00 on 14 March 2027.
        ("America/Toronto", date(2027, 3, 14), time(2, 30), utc(2027, 3, 14, 7, 30),
         Occurs.NEVER, "03:30"),
        ("America/Toronto", date(2027, 11, 7), time(1, 30), utc(2027, 11, 7, 5, 30),
         Occurs.TWICE, "01:30"),
        # São Paulo has kept UTC-3 all year since 2019: its old change dates are ordinary.
        ("America/Sao_Paulo", date(2027, 11, 7), time(0, 30), utc(2027, 11, 7, 3, 30),
         Occurs.ONCE, "00:30"),
        ("America/Sao_Paulo", date(2027, 2, 21), time(23, 30), utc(2027, 2, 22, 2, 30),
         Occurs.ONCE, "23:30"),
        # Lord Howe Island moves by half an hour: 02:00 -> 02:30 on 3 October 2027, and
        # 02:00 -> 01:30 on 4 April 2027.
        ("Australia/Lord_Howe", date(2027, 10, 3), time(2, 15), utc(2027, 10, 2, 15, 45),
         Occurs.NEVER, "02:45"),
        ("Australia/Lord_Howe", date(2027, 4, 4), time(1, 45), utc(2027, 4, 3, 14, 45),
         Occurs.TWICE, "01:45"),
    ],
)
def test_wall_times_around_real_transitions(
    zone: str, day: date, clock: time, moment: datetime, occurs: Occurs, local: str
) -> None:
    wall = wall_time(day, clock, zone)
    assert (wall.moment, wall.occurs, f"{wall.local:%H:%M}") == (moment, occurs, local)
    assert wall.moment.tzinfo is UTC
    assert (wall.note() is None) == (occurs is Occurs.ONCE)


def test_a_skipped_time_moves_by_the_gap_and_says_so() -> None:
    london = wall_time(date(2027, 3, 28), time(1, 30), "Europe/London")
    assert london.shift == timedelta(hours=1) and format_span(london.shift) == "an hour"
    assert london.note() == ("01:30 does not exist on Sun 28 Mar 2027 in Europe/London (the "
                             "clocks go forward), so I used 02:30 BST")
    lord_howe = wall_time(date(2027, 10, 3), time(2, 15), "Australia/Lord_Howe")
    assert lord_howe.shift == timedelta(minutes=30)
    assert format_span(lord_howe.shift) == "30 minutes"


def test_a_repeated_time_is_the_first_and_says_so() -> None:
    wall = wall_time(date(2027, 10, 31), time(1, 30), "Europe/London")
    assert wall.shift == timedelta(0)
    assert wall.note() == ("01:30 happens twice on Sun 31 Oct 2027 in Europe/London (the "
                           "clocks go back), so I used the first, 01:30 BST")


def test_the_reading_matches_apschedulers_cron_trigger() -> None:
    """The timers of repeating reminders come from APScheduler's cron trigger: it must land
    where `wall_time` does in the gap and in the fold."""
    for zone, day, clock in (("Europe/London", date(2027, 3, 28), time(1, 30)),
                             ("Europe/London", date(2027, 10, 31), time(1, 30)),
                             ("Australia/Lord_Howe", date(2027, 10, 3), time(2, 15))):
        rule = Weekly(frozenset({day.weekday()}), clock, zone)
        before = wall_time(day, time(0, 0), zone).moment
        fired = cron_trigger(rule).get_next_fire_time(None, before)
        assert fired is not None
        assert fired.astimezone(UTC) == wall_time(day, clock, zone).moment, (zone, clock)
