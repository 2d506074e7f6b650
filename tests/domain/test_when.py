from __future__ import annotations

from datetime import time, timedelta

import pytest

from bot.domain.when import parse_clock, parse_days, parse_duration, parse_window


def test_windows() -> None:
    assert parse_window("09:00-18:00") == (time(9), time(18))
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_window("18:00-09:00")
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock("25:00")


def test_durations() -> None:
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration("24h") == timedelta(hours=24)
    assert parse_duration("14d") == timedelta(days=14)
    assert parse_duration("60") == timedelta(minutes=60)
    with pytest.raises(ValueError, match="15m"):
        parse_duration("soon")


def test_days() -> None:
    assert parse_days("mon-fri") == frozenset(range(5))
    assert parse_days("mon,wed,fri") == frozenset({0, 2, 4})
    assert parse_days("fri-mon") == frozenset({4, 5, 6, 0})
    with pytest.raises(ValueError, match="not a day"):
        parse_days("funday")


def test_an_empty_window_says_so() -> None:
    with pytest.raises(ValueError, match="is empty: it starts and ends at 09:00"):
        parse_window("09:00-09:00")


def test_absurd_durations_are_refused_not_overflowed() -> None:
    for typed in ("99999999999d", "99999999999999999999m", "999999999999999"):
        with pytest.raises(ValueError, match="longer than ten years"):
            parse_duration(typed)
    assert parse_duration("3650d") == timedelta(days=3650)
