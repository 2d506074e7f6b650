"""Slot generation across the clock changes, display in members' zones, ranking, required
attendees, and the pair search checked against brute force."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import availability as av
from bot.domain.availability import Answer, SlotError
from bot.domain.zones import format_local

NOW = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
LONDON = "Europe/London"
WEEKDAYS = frozenset(range(5))
HOUR = timedelta(minutes=60)
NINE_TO_SIX = (time(9), time(18))
Y, M, N = Answer.YES, Answer.MAYBE, Answer.NO


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots(first: date, last: date, **kw: object) -> list[datetime]:
    options: dict[str, object] = dict(days=WEEKDAYS, window=NINE_TO_SIX, zone=LONDON,
                                      length=HOUR, step=HOUR, now=NOW)
    options.update(kw)
    return av.generate_slots(first, last, **options)  # type: ignore[arg-type]


# --- generation across daylight saving -----------------------------------------------------


def test_spring_forward_keeps_the_london_wall_clock() -> None:
    # Friday 26 March 2027 is on GMT; Monday 29 March, after the last Sunday of March, on BST.
    starts = slots(date(2027, 3, 26), date(2027, 3, 29))
    assert len(starts) == 18  # 9 on Friday, none at the weekend, 9 on Monday
    assert starts[0] == utc(2027, 3, 26, 9) and starts[8] == utc(2027, 3, 26, 17)
    assert starts[9] == utc(2027, 3, 29, 8) and starts[17] == utc(2027, 3, 29, 16)
    assert [format_local(s, LONDON, date=False, name=False) for s in (starts[0], starts[9])] == [
        "09:00 GMT", "09:00 BST"]


def test_fall_back_keeps_the_london_wall_clock() -> None:
    starts = slots(date(2027, 10, 29), date(2027, 11, 1))  # last Sunday of October: 31st
    assert starts[0] == utc(2027, 10, 29, 8)  # 09:00 BST
    assert starts[9] == utc(2027, 11, 1, 9)  # 09:00 GMT


@pytest.mark.parametrize(("zone", "friday", "monday"), [
    # Slot 09:00 London on Fri 26 Mar (GMT) and Mon 29 Mar (BST), seen elsewhere: zones
    # without daylight saving see the meeting an hour earlier after London's change.
    ("America/Sao_Paulo", "Fri 26 Mar 2027, 06:00 UTC-3", "Mon 29 Mar 2027, 05:00 UTC-3"),
    ("Africa/Lagos", "Fri 26 Mar 2027, 10:00 WAT", "Mon 29 Mar 2027, 09:00 WAT"),
    ("Asia/Kolkata", "Fri 26 Mar 2027, 14:30 IST", "Mon 29 Mar 2027, 13:30 IST"),
])
def test_members_see_the_spring_change_in_their_own_zone(zone: str, friday: str,
                                                         monday: str) -> None:
    starts = slots(date(2027, 3, 26), date(2027, 3, 29))
    assert format_local(starts[0], zone, name=False) == friday
    assert format_local(starts[9], zone, name=False) == monday


@pytest.mark.parametrize(("zone", "friday", "monday"), [
    ("America/Sao_Paulo", "Fri 29 Oct 2027, 05:00 UTC-3", "Mon 01 Nov 2027, 06:00 UTC-3"),
    ("Africa/Lagos", "Fri 29 Oct 2027, 09:00 WAT", "Mon 01 Nov 2027, 10:00 WAT"),
    ("Asia/Kolkata", "Fri 29 Oct 2027, 13:30 IST", "Mon 01 Nov 2027, 14:30 IST"),
])
def test_members_see_the_autumn_change_in_their_own_zone(zone: str, friday: str,
                                                         monday: str) -> None:
    starts = slots(date(2027, 10, 29), date(2027, 11, 1))
    assert format_local(starts[0], zone, name=False) == friday
    assert format_local(starts[9], zone, name=False) == monday


def test_early_and_late_marks_follow_each_zone_across_the_change() -> None:
    starts = slots(date(2027, 3, 26), date(2027, 3, 29))
    marks = {zone: [av.comfort_mark(s, HOUR, zone) for s in starts]
             for zone in ("America/Sao_Paulo", "Africa/Lagos", "Asia/Kolkata")}
    # São Paulo: 09:00 and 10:00 London are 06:00 and 07:00 there on Friday; on Monday
    # (London on BST) 11:00 London is 07:00 there too.
    assert marks["America/Sao_Paulo"][:3] == ["early for you", "early for you", None]
    assert marks["America/Sao_Paulo"][9:12] == ["early for you"] * 3
    assert set(marks["Africa/Lagos"]) == {None}
    # Kolkata: 15:00 London on Friday ends at 21:30 IST; on Monday 16:00 London does.
    assert marks["Asia/Kolkata"][:9] == [None] * 5 + ["late for you"] * 4
    assert marks["Asia/Kolkata"][9:] == [None] * 6 + ["late for you"] * 3


def test_marks_on_a_card_for_everyone_speak_of_the_member() -> None:
    sao_paulo_six, kolkata_half_seven = utc(2027, 1, 11, 9), utc(2027, 1, 11, 14)
    assert av.comfort_mark(sao_paulo_six, HOUR, "America/Sao_Paulo", reader="them") == \
        "early for them: starts before 08:00 their time"
    assert av.comfort_mark(kolkata_half_seven, HOUR, "Asia/Kolkata", reader="them") == \
        "late for them: ends after 20:00 their time"
    assert av.comfort_mark(kolkata_half_seven, HOUR, "Asia/Kolkata") == "late for you"
    assert av.comfort_mark(sao_paulo_six, HOUR, "Africa/Lagos", reader="them") is None


def test_a_start_the_clocks_skip_is_left_out_and_a_repeated_hour_counted_once() -> None:
    night = (time(0), time(4))
    every_day = frozenset(range(7))
    spring = slots(date(2027, 3, 28), date(2027, 3, 28), days=every_day, window=night)
    assert spring == [utc(2027, 3, 28, 0), utc(2027, 3, 28, 1), utc(2027, 3, 28, 2)]
    autumn = slots(date(2027, 10, 31), date(2027, 10, 31), days=every_day, window=night)
    assert autumn == [utc(2027, 10, 30, 23), utc(2027, 10, 31, 0), utc(2027, 10, 31, 2),
                      utc(2027, 10, 31, 3)]


def test_days_length_and_step_shape_the_slots() -> None:
    starts = slots(date(2027, 1, 11), date(2027, 1, 22), days=frozenset({0, 2}),
                   length=timedelta(minutes=90), step=timedelta(minutes=30))
    # 09:00 to 16:30 every 30 minutes: 16 starts a day, on 4 days (two Mondays, Wednesdays).
    assert len(starts) == 64
    assert {s.weekday() for s in starts} == {0, 2}
    assert starts[15] == utc(2027, 1, 11, 16, 30)


def test_the_issue_example_makes_ninety_slots() -> None:
    assert len(slots(date(2027, 1, 11), date(2027, 1, 22))) == 90


def test_slots_already_past_today_are_left_out() -> None:
    starts = slots(date(2027, 1, 4), date(2027, 1, 4))  # now is 10:00 on Monday 4 January
    assert starts[0] == utc(2027, 1, 4, 11) and len(starts) == 7


def test_explicit_slots_are_read_in_the_zone_and_sorted() -> None:
    starts = av.explicit_slots(["2027-01-12T14:30", "2027-04-01 09:00", "2027-01-11T09:00"],
                               zone=LONDON, window=NINE_TO_SIX, length=HOUR, now=NOW)
    assert starts == [utc(2027, 1, 11, 9), utc(2027, 1, 12, 14, 30), utc(2027, 4, 1, 8)]


# --- bad definitions: one message each ------------------------------------------------------


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(SlotError, match=r"ends .* before it starts"):
        av.parse_date_range("2027-01-22..2027-01-11")


@pytest.mark.parametrize("text", ["2027-13-01..2027-01-22", "next week", "2027-01-11..",
                                  "2027-02-30"])
def test_unreadable_dates_say_how_to_write_them(text: str) -> None:
    with pytest.raises(SlotError, match=r"YYYY-MM-DD|from\.\.to"):
        av.parse_date_range(text)


def test_an_empty_window_is_refused_with_the_window_named() -> None:
    with pytest.raises(SlotError, match=r"window 09:00-09:30 Europe/London is too short"):
        slots(date(2027, 1, 11), date(2027, 1, 12), window=(time(9), time(9, 30)))


def test_no_meeting_day_in_the_range_is_refused() -> None:
    with pytest.raises(SlotError, match="No slot fits"):
        slots(date(2027, 1, 9), date(2027, 1, 10))  # a weekend, weekdays only


def test_a_date_in_the_past_is_refused() -> None:
    with pytest.raises(SlotError, match="Sat 02 Jan 2027 is in the past"):
        slots(date(2027, 1, 2), date(2027, 1, 8))


def test_more_than_200_slots_are_refused() -> None:
    with pytest.raises(SlotError, match=r"That makes 207 slots; a poll holds at most 200"):
        slots(date(2027, 1, 11), date(2027, 2, 10))  # 23 weekdays x 9
    with pytest.raises(SlotError, match="at most 200"):
        slots(date(2027, 1, 11), date(2027, 12, 31), days=frozenset(range(7)),
              window=(time(0), time(23, 59)), step=timedelta(minutes=5))


@pytest.mark.parametrize(("first", "zone"), [
    (date(2029, 1, 5), LONDON),  # a year typed wrong: more than two years ahead
    (date(9999, 12, 31), "America/Los_Angeles"),  # 17:00 there is after 9999 in UTC
])
def test_dates_too_far_ahead_are_refused(first: date, zone: str) -> None:
    with pytest.raises(SlotError, match=f"{first:%a %d %b %Y} is more than two years ahead "
                                        r"\(it is Mon 04 Jan 2027 in"):
        slots(first, first, zone=zone)
    with pytest.raises(SlotError, match="is more than two years ahead"):
        av.explicit_slots([f"{first.isoformat()}T09:00"], zone=zone, window=NINE_TO_SIX,
                          length=HOUR, now=NOW)


def test_a_moment_beyond_the_calendar_is_refused_not_crashed() -> None:
    with pytest.raises(SlotError, match="9999-12-31T23:00 is too far ahead; check the year"):
        av.parse_moment("9999-12-31T23:00", "America/Los_Angeles")
    assert av.parse_moment("2028-12-31T09:00", LONDON) == utc(2028, 12, 31, 9)


@pytest.mark.parametrize(("text", "expected"), [
    ("60m", timedelta(minutes=60)), ("1m", timedelta(minutes=1)), ("24h", timedelta(hours=24)),
])
def test_bounded_durations_within_their_range(text: str, expected: timedelta) -> None:
    assert av.bounded_duration(text, word="length", low="1m", high="24h",
                               example="60m") == expected


@pytest.mark.parametrize("text", ["0m", "25h", "99999999999999999999m", "99999999999d",
                                  "99999999999h"])
def test_bounded_durations_out_of_range_say_the_range(text: str) -> None:
    with pytest.raises(SlotError) as caught:
        av.bounded_duration(text, word="length", low="1m", high="24h", example="60m")
    assert caught.value.message == (f"`length {text}` is out of range; use 1m to 24h, "
                                    "e.g. `length 60m`.")


@pytest.mark.parametrize("text", ["soon", "5x", "99999999999x"])
def test_bounded_durations_that_are_no_duration_say_so(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        av.bounded_duration(text, word="gap", low="0d", high="366d", example="14d")


def test_explicit_slots_outside_the_window_are_refused_with_the_window_named() -> None:
    for text in ("2027-01-11T08:30", "2027-01-11T17:30"):  # before, and ending after
        with pytest.raises(SlotError, match=r"outside the window 09:00-18:00 Europe/London"):
            av.explicit_slots([text], zone=LONDON, window=NINE_TO_SIX, length=HOUR, now=NOW)


def test_explicit_slots_in_the_past_twice_or_skipped_are_refused() -> None:
    with pytest.raises(SlotError, match="in the past"):
        av.explicit_slots(["2027-01-01T09:00"], zone=LONDON, window=NINE_TO_SIX,
                          length=HOUR, now=NOW)
    with pytest.raises(SlotError, match="listed twice"):
        av.explicit_slots(["2027-01-11T09:00", "2027-01-11 09:00"], zone=LONDON,
                          window=NINE_TO_SIX, length=HOUR, now=NOW)
    with pytest.raises(SlotError, match="clocks skip"):
        av.explicit_slots(["2027-03-28T01:30"], zone=LONDON, window=(time(0), time(4)),
                          length=timedelta(minutes=30), now=NOW)


def test_the_default_close_is_a_day_before_the_first_slot() -> None:
    assert av.default_close(utc(2027, 1, 11, 9), NOW) == utc(2027, 1, 10, 9)
    assert av.default_close(utc(2027, 1, 5, 9), NOW) == utc(2027, 1, 5, 9)


# --- slot numbers and pages ------------------------------------------------------------------


def test_slot_numbers_take_lists_ranges_and_all() -> None:
    assert av.parse_slot_numbers("3,5-7", 10) == [3, 5, 6, 7]
    assert av.parse_slot_numbers(" 3, 5 - 7 ,3", 10) == [3, 5, 6, 7]
    assert av.parse_slot_numbers("all", 4) == [1, 2, 3, 4]


@pytest.mark.parametrize(("text", "message"), [
    ("95", "There is no slot 95: this poll has slots 1 to 90"),
    ("0", "There is no slot 0"),
    ("88-91", "There is no slot 91"),
    ("88-99999999999999999", "There is no slot 91"),  # said at once, without counting to it
    ("0-3", "There is no slot 0"),
    ("7-5", "runs backwards"),
    ("three", "not a slot number"),
    (",", "Say which slots"),
])
def test_bad_slot_numbers_are_explained(text: str, message: str) -> None:
    with pytest.raises(SlotError, match=message):
        av.parse_slot_numbers(text, 90)


def test_pages_follow_the_readers_own_days() -> None:
    starts = slots(date(2027, 1, 11), date(2027, 1, 12))
    assert [(d, len(i)) for d, i in av.day_pages(starts, LONDON)] == [
        (date(2027, 1, 11), 9), (date(2027, 1, 12), 9)]
    # In Auckland (UTC+13) London's working day straddles two local days.
    auckland = av.day_pages(starts, "Pacific/Auckland")
    assert [(d, len(i)) for d, i in auckland] == [
        (date(2027, 1, 11), 2), (date(2027, 1, 12), 9), (date(2027, 1, 13), 7)]
    long_day = slots(date(2027, 1, 11), date(2027, 1, 11), step=timedelta(minutes=15))
    assert [len(i) for _, i in av.day_pages(long_day, LONDON, per_page=25)] == [25, 8]


# --- ranking -----------------------------------------------------------------------------------


def test_ranking_by_available_then_yes_then_earliest() -> None:
    grid = {
        "ann": [Y, M, Y, N, Y],
        "ben": [M, M, Y, N, Y],
        "cat": [N, Y, M, Y, M],
    }
    ranked = av.rank_slots(av.score_slots(grid, 5))
    # Slots 2 and 4 both have 3 available with 2 yes: the earlier (2) first. Slot 1 also has
    # 3 available but 1 yes; slot 0 has 2 available; slot 3 has 1.
    assert [s.index for s in ranked] == [2, 4, 1, 0, 3]
    assert (ranked[0].yes, ranked[0].maybe, ranked[0].no) == (2, 1, 0)


def test_a_complete_tie_goes_to_the_earliest_slot() -> None:
    grid = {"a": [Y, Y, Y], "b": [M, M, M]}
    assert [s.index for s in av.rank_slots(av.score_slots(grid, 3))] == [0, 1, 2]


def test_unanswered_slots_count_as_unavailable() -> None:
    grid = {"a": [Y, None], "b": [None, None]}
    scores = av.score_slots(grid, 2)
    assert [(s.yes, s.maybe, s.no, s.available) for s in scores] == [(1, 0, 0, 1), (0, 0, 0, 0)]


def test_a_required_attendees_no_drops_the_slot() -> None:
    grid = {"boss": [N, Y, M], "a": [Y, M, Y], "b": [Y, M, Y], "c": [Y, N, N]}
    scores = av.score_slots(grid, 3, frozenset({"boss"}))
    ranked = av.rank_slots(scores)
    assert [s.index for s in ranked] == [2, 1, 0]  # slot 0 had the most yes, but boss said no
    assert ranked[-1].excluded and ranked[-1].blocked_by == ("boss",)
    masks = av.availability_masks(grid, 3)
    starts = [utc(2027, 1, 11 + i, 9) for i in range(3)]
    pairs = av.best_pairs(scores, masks, starts, gap=timedelta(0))
    assert [(p.first, p.second) for p in pairs] == [(1, 2)]


def test_an_unanswered_required_attendee_blocks_nothing() -> None:
    scores = av.score_slots({"boss": [None], "a": [Y]}, 1, frozenset({"boss"}))
    assert not scores[0].excluded


def test_the_grid_must_be_square() -> None:
    with pytest.raises(ValueError):
        av.score_slots({"a": [Y, N]}, 3)


# --- the pair search ----------------------------------------------------------------------------


def test_pairs_maximise_either_then_both_then_yes() -> None:
    grid = {
        "a": [Y, N, Y, N],
        "b": [Y, N, N, Y],
        "c": [N, Y, N, Y],
        "d": [N, Y, Y, N],
    }
    starts = [utc(2027, 1, 11 + i, 9) for i in range(4)]
    scores = av.score_slots(grid, 4)
    pairs = av.best_pairs(scores, av.availability_masks(grid, 4), starts, gap=timedelta(0))
    # (0, 1) and (2, 3) both cover everyone with nobody at both: the earlier first.
    assert [(p.first, p.second, p.either, p.both) for p in pairs[:2]] == [
        (0, 1, 4, 0), (2, 3, 4, 0)]


def test_pairs_respect_the_gap_start_to_start() -> None:
    grid = {"a": [Y, Y, Y]}
    starts = [utc(2027, 1, 11, 9), utc(2027, 1, 18, 8), utc(2027, 1, 25, 9)]
    scores = av.score_slots(grid, 3)
    masks = av.availability_masks(grid, 3)
    pairs = av.best_pairs(scores, masks, starts, gap=timedelta(days=7))
    assert {(p.first, p.second) for p in pairs} == {(0, 2), (1, 2)}
    assert av.best_pairs(scores, masks, starts, gap=timedelta(days=15)) == []


def brute_force(grid: dict[int, list[Answer | None]], starts: list[datetime], gap: timedelta,
                required: frozenset[int], limit: int) -> list[tuple[int, ...]]:
    """The definition, written the slow and obvious way."""
    n = len(starts)
    blocked = {i for i in range(n) for p in required if grid[p][i] is N}
    out = []
    for i, j in itertools.combinations(range(n), 2):
        if i in blocked or j in blocked or starts[j] - starts[i] < gap:
            continue
        can_i = {p for p, row in grid.items() if row[i] in (Y, M)}
        can_j = {p for p, row in grid.items() if row[j] in (Y, M)}
        yes = sum(row[i] is Y for row in grid.values()) + sum(row[j] is Y for row in grid.values())
        out.append((len(can_i | can_j), len(can_i & can_j), yes, -i, -j))
    out.sort(reverse=True)
    return out[:limit]


answers = st.sampled_from([Y, M, N, None])


@st.composite
def polls(draw: st.DrawFn) -> tuple[dict[int, list[Answer | None]], list[datetime],
                                    frozenset[int], timedelta]:
    n_slots = draw(st.integers(1, 9))
    n_people = draw(st.integers(0, 7))
    grid = {p: draw(st.lists(answers, min_size=n_slots, max_size=n_slots))
            for p in range(n_people)}
    hours = sorted(draw(st.lists(st.integers(0, 24 * 20), min_size=n_slots,
                                 max_size=n_slots, unique=True)))
    starts = [utc(2027, 1, 11) + timedelta(hours=h) for h in hours]
    required = frozenset(draw(st.sets(st.sampled_from(range(n_people)))) if n_people else ())
    gap = timedelta(hours=draw(st.integers(0, 24 * 10)))
    return grid, starts, required, gap


@settings(max_examples=300, deadline=None)
@given(polls(), st.integers(1, 6))
def test_pair_search_matches_brute_force(poll: tuple[dict[int, list[Answer | None]],
                                                     list[datetime], frozenset[int], timedelta],
                                         limit: int) -> None:
    grid, starts, required, gap = poll
    scores = av.score_slots(grid, len(starts), required)
    found = av.best_pairs(scores, av.availability_masks(grid, len(starts)), starts, gap=gap,
                          limit=limit)
    assert [p.key() for p in found] == brute_force(grid, starts, gap, required, limit)
    for p in found:
        assert starts[p.second] - starts[p.first] >= gap


@settings(max_examples=200, deadline=None)
@given(polls())
def test_ranking_matches_its_definition(poll: tuple[dict[int, list[Answer | None]],
                                                    list[datetime], frozenset[int],
                                                    timedelta]) -> None:
    grid, starts, required, _ = poll
    n = len(starts)
    ranked = av.rank_slots(av.score_slots(grid, n, required))

    def key(i: int) -> tuple[bool, int, int, int]:
        col = [row[i] for row in grid.values()]
        dropped = any(grid[p][i] is N for p in required)
        return (dropped, -(col.count(Y) + col.count(M)), -col.count(Y), i)

    assert [s.index for s in ranked] == sorted(range(n), key=key)
