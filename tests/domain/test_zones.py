from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.zones import (
    canonical_zone,
    format_local,
    require_zone,
    suggest_zones,
    zone_abbreviation,
)


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
