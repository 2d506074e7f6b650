"""Every place that reads a person's wall-clock time agrees with `wall_time` on the same
daylight-saving gap or fold: reminders, repeating times, quiet hours, poll slots and closes,
meeting times and vote closes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain import availability as av
from bot.domain.reminders import Weekly, quiet_until, read_when
from bot.domain.tally.rules import RankingProblem, parse_close
from bot.domain.zones import Occurs, WallTime, format_span, wall_time, zone_abbreviation

NOW = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)

GAPS = [
    wall_time(date(2027, 3, 28), time(1, 30), "Europe/London"),
    wall_time(date(2027, 3, 14), time(2, 30), "America/Toronto"),
    wall_time(date(2027, 10, 3), time(2, 15), "Australia/Lord_Howe"),
]
FOLDS = [
    wall_time(date(2027, 10, 31), time(1, 30), "Europe/London"),
    wall_time(date(2027, 11, 7), time(1, 30), "America/Toronto"),
    wall_time(date(2027, 4, 4), time(1, 45), "Australia/Lord_Howe"),
]
EVERY = [pytest.param(w, id=f"{w.zone}-{w.occurs}") for w in GAPS + FOLDS]


def typed(wall: WallTime, sep: str = " ") -> str:
    return f"{wall.day.isoformat()}{sep}{wall.clock:%H:%M}"


def test_the_cases_are_what_they_claim() -> None:
    assert {w.occurs for w in GAPS} == {Occurs.NEVER}
    assert {w.occurs for w in FOLDS} == {Occurs.TWICE}


@pytest.mark.parametrize("wall", EVERY)
def test_a_custom_reminder_takes_the_reading_and_tells_the_reader(wall: WallTime) -> None:
    reading = read_when(f"{typed(wall)} call Amara", now=NOW, zone=wall.zone)
    assert reading.first == wall.moment
    assert reading.notes == (wall.note(),)


@pytest.mark.parametrize("wall", EVERY)
def test_a_repeating_reminder_takes_the_reading(wall: WallTime) -> None:
    rule = Weekly(frozenset({wall.day.weekday()}), wall.clock, wall.zone)
    day_before = wall_time(wall.day - timedelta(days=1), time(12, 0), wall.zone).moment
    assert rule.next_after(day_before) == wall.moment


@pytest.mark.parametrize("wall", EVERY)
def test_quiet_hours_end_at_the_reading(wall: WallTime) -> None:
    evening = wall_time(wall.day - timedelta(days=1), time(23, 0), wall.zone).moment
    assert quiet_until(evening, wall.zone, (time(22, 0), wall.clock)) == wall.moment


@pytest.mark.parametrize("wall", FOLDS)
def test_poll_slots_closes_and_meeting_times_take_the_first_of_a_repeated_time(
    wall: WallTime,
) -> None:
    assert av.parse_moment(typed(wall, "T"), wall.zone) == wall.moment
    night = (time(0, 0), time(4, 0))
    assert wall.moment in av.explicit_slots(
        [typed(wall, "T")], zone=wall.zone, window=night, length=timedelta(minutes=15),
        now=NOW)
    grid = av.generate_slots(wall.day, wall.day, days=frozenset(range(7)), window=night,
                             zone=wall.zone, length=timedelta(minutes=15),
                             step=timedelta(minutes=15), now=NOW)
    assert wall.moment in grid
    assert len(grid) == len(set(grid))  # the repeated quarter hours counted once


@pytest.mark.parametrize("wall", GAPS)
def test_poll_slots_closes_and_meeting_times_refuse_a_skipped_time_naming_the_reading(
    wall: WallTime,
) -> None:
    abbr = zone_abbreviation(wall.moment, wall.zone)
    with pytest.raises(av.SlotError) as refused:
        av.parse_moment(typed(wall, "T"), wall.zone)
    assert f"that moment is {wall.local:%H:%M} {abbr}" in refused.value.message
    suggested = f"{wall.local:%Y-%m-%dT%H:%M}"
    assert f"Write {suggested} if you mean it" in refused.value.message
    assert av.parse_moment(suggested, wall.zone) == wall.moment
    # A generated grid leaves the skipped start out rather than move it onto another.
    grid = av.generate_slots(wall.day, wall.day, days=frozenset(range(7)),
                             window=(time(0, 0), time(4, 0)), zone=wall.zone,
                             length=timedelta(minutes=15), step=timedelta(minutes=15), now=NOW)
    on_the_clock = {f"{g.astimezone(wall.local.tzinfo):%H:%M}" for g in grid}
    assert f"{wall.clock:%H:%M}" not in on_the_clock
    assert len(grid) == len(set(grid))


@pytest.mark.parametrize("wall", FOLDS)
def test_a_vote_close_takes_the_first_of_a_repeated_time(wall: WallTime) -> None:
    assert parse_close(typed(wall), wall.zone, NOW) == wall.moment


@pytest.mark.parametrize("wall", GAPS)
def test_a_vote_close_refuses_a_skipped_time_naming_the_reading(wall: WallTime) -> None:
    with pytest.raises(RankingProblem) as refused:
        parse_close(typed(wall), wall.zone, NOW)
    message = str(refused.value)
    assert f"the clocks go forward {format_span(wall.shift)} then" in message
    assert f"that moment is {wall.local:%H:%M} " in message
    assert f"`closes {wall.local:%Y-%m-%d %H:%M}`" in message
    assert parse_close(f"{wall.local:%Y-%m-%d %H:%M}", wall.zone, NOW) == wall.moment
