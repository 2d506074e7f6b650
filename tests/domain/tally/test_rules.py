"""Reading what people type: rankings by number or name, option lists, close times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.tally.rules import (
    RankingProblem,
    check_options,
    check_seats_for,
    ordinal,
    parse_close,
    resolve_ranking,
)

OPTIONS = ["Micro-contracting in procurement", "Clever contracts",
           "Nurturing government staff", "Case studies", "Research"]
NOW = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("words, expected", [
    (["2", "4", "1", "5"], [1, 3, 0, 4]),
    (["research", "case", "studies"], [4, 3]),
    (["Research", "Case studies"], [4, 3]),  # a quoted name arrives as one word
    (["research,", "case", "studies,", "clever"], [4, 3, 1]),
    (["RES", "micro"], [4, 0]),
    (["5", "nurturing", "1"], [4, 2, 0]),
])
def test_rankings_by_number_or_name(words: list[str], expected: list[int]) -> None:
    assert resolve_ranking(words, OPTIONS) == expected


@pytest.mark.parametrize("words, message", [
    (["7"], "There is no option 7: the options are numbered 1 to 5"),
    (["0"], "There is no option 0"),
    (["banana"], "No option is called `banana`"),
    (["c"], "`c` could be 2 Clever contracts or 4 Case studies"),
    (["5", "research"], "You ranked Research twice (1st and 2nd choice)"),
    ([], "Rank at least one option"),
])
def test_each_mistake_has_its_own_message(words: list[str], message: str) -> None:
    with pytest.raises(RankingProblem) as caught:
        resolve_ranking(words, OPTIONS)
    assert message in str(caught.value)


def test_ordinals() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 20)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "20th"]


def test_option_lists() -> None:
    assert check_options(["  Research ", "Case   studies"]) == ["Research", "Case studies"]
    with pytest.raises(RankingProblem, match="at least 2 options; you gave 1"):
        check_options(["Only"])
    with pytest.raises(RankingProblem, match="at most 20 options; you gave 21"):
        check_options([f"Option {i}" for i in range(21)])
    with pytest.raises(RankingProblem, match="listed twice"):
        check_options(["Research", "research"])
    with pytest.raises(RankingProblem, match="cannot be just a number"):
        check_options(["Research", "2"])


def test_seats() -> None:
    check_seats_for(2, 5, "stv")
    with pytest.raises(RankingProblem, match="seats must be at most 4 \\(you asked for 5\\)"):
        check_seats_for(5, 5, "stv")
    with pytest.raises(RankingProblem, match="IRV fills one seat"):
        check_seats_for(2, 5, "irv")


def test_close_times_are_read_in_the_readers_zone_across_daylight_saving() -> None:
    # London is on GMT in January and on BST after the last Sunday of March.
    assert parse_close("2027-01-11 17:00", "Europe/London", NOW) == datetime(
        2027, 1, 11, 17, 0, tzinfo=UTC)
    assert parse_close("2027-03-29 17:00", "Europe/London", NOW) == datetime(
        2027, 3, 29, 16, 0, tzinfo=UTC)
    assert parse_close("2027-01-11 17:00", "Asia/Kolkata", NOW) == datetime(
        2027, 1, 11, 11, 30, tzinfo=UTC)
    # The hour that does not exist when the clocks go forward (28 March 2027, 01:00-02:00).
    with pytest.raises(RankingProblem, match="does not happen in Europe/London"):
        parse_close("2027-03-28 01:30", "Europe/London", NOW)
    # The hour that happens twice (31 October 2027): the first one, on BST.
    assert parse_close("2027-10-31 01:30", "Europe/London", NOW) == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC)
    with pytest.raises(RankingProblem, match="is in the past"):
        parse_close("2027-01-01 09:00", "Europe/London", NOW)
    with pytest.raises(RankingProblem, match="Use `closes YYYY-MM-DD HH:MM`"):
        parse_close("next friday", "Europe/London", NOW)
    with pytest.raises(RankingProblem, match="not a date and time that exists"):
        parse_close("2027-02-30 10:00", "Europe/London", NOW)
