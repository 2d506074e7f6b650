"""Dates, clocks and ordinals in the reader's language, English exactly as before."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.domain.minutes import format_due
from bot.domain.tally.rules import choice, ordinal
from bot.domain.zones import format_local
from bot.i18n import localized, use_locale

MOMENT = datetime(2027, 3, 29, 13, 0, tzinfo=UTC)


def test_english_dates_keep_their_strftime_form() -> None:
    for locale in ("en", "en_XA"):
        with use_locale(locale):
            assert format_local(MOMENT, "Asia/Kolkata") == (
                "Mon 29 Mar 2027, 18:30 IST (Asia/Kolkata)")
            assert f"{localized(date(2027, 1, 4)):%a %d %b}" == "Mon 04 Jan"
            assert f"{localized(time(9)):%H:%M}" == "09:00"
            assert [ordinal(n) for n in (1, 2, 3, 11, 22)] == ["1st", "2nd", "3rd", "11th", "22nd"]
    with use_locale("en"):
        assert choice(2) == "2nd choice"
        assert format_due(date(2027, 1, 5), date(2027, 1, 4)) == "Tue 05 Jan 2027 (tomorrow)"


@pytest.mark.parametrize(("locale", "day", "clock", "first"), [
    ("fr", "lun. 29 mars 2027", "18:30", "1er choix"),
    ("es", "lun, 29 mar 2027", "18:30", "1.º lugar"),
    ("pt_BR", "seg., 29 de mar. de 2027", "18:30", "1ª escolha"),
    ("ar", "الاثنين، 29 مارس 2027", "6:30 م", "الخيار الأول"),
])
def test_other_languages_through_babel_still_naming_the_zone(
        locale: str, day: str, clock: str, first: str) -> None:
    with use_locale(locale):
        text = format_local(MOMENT, "Asia/Kolkata")
        assert text.startswith(day) and clock in text and text.endswith("IST (Asia/Kolkata)")
        assert f"{localized(MOMENT):%Y-%m-%d}" == "2027-03-29"  # what people type stays ISO
        assert choice(1) == first
