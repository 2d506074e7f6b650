"""Minutes rules, pure: the document model, spans of time across the clock changes, due
dates as people type them, references to meetings, and who may close an action item."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.lab import Role
from bot.domain.minutes import (
    ActionStatus,
    EntryFacts,
    EntryKind,
    EntrySource,
    build_document,
    choose_minutes,
    clean_title,
    confidentiality_notice,
    export_filename,
    format_due,
    format_span,
    local_today,
    may_close_action,
    meeting_number,
    parse_due,
    rest_after_name,
    slug,
)

T = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


def _doc(entries: list[EntryFacts], **kw: object) -> object:
    args: dict[str, object] = dict(
        lab="Action Lab 1", title="Kick-off call", meeting_number=None, zone="Europe/London",
        started_at=T, ended_at=T + timedelta(hours=1), secretary="Priya Raman",
        present=["Zoë Núñez", "محمد الأمين", "Amara Okafor"], apologies=["Gemma Rhodes"],
        entries=entries, generated_at=T)
    args.update(kw)
    return build_document(**args)  # type: ignore[arg-type]


# --- the document ---------------------------------------------------------------------------

def test_the_document_sorts_entries_by_kind_and_number_and_explains_gaps() -> None:
    entries = [
        EntryFacts(3, EntryKind.ACTION, "Draft", "Amara Okafor", T, owner="محمد الأمين",
                   due=date(2027, 1, 8), status=ActionStatus.OPEN),
        EntryFacts(1, EntryKind.NOTE, "First", "Zoë Núñez", T),
        EntryFacts(4, EntryKind.NOTE, "Dropped", "Zoë Núñez", T, dropped=True),
        EntryFacts(2, EntryKind.DECISION, "Research", None, T, EntrySource.VOTE),
        EntryFacts(5, EntryKind.NOTE, "Later", "Nguyễn Thị Minh Khai", T, edited=True),
    ]
    doc = build_document(
        lab="Action Lab 1", title="Kick-off call", meeting_number=None, zone="Europe/London",
        started_at=T, ended_at=T + timedelta(hours=1), secretary="Priya Raman",
        present=["Zoë Núñez", "محمد الأمين", "Amara Okafor", "Zoë Núñez"],
        apologies=["Gemma Rhodes", "Amara Okafor"], entries=entries, generated_at=T)
    assert [e.number for e in doc.notes] == [1, 5]
    assert [e.number for e in doc.decisions] == [2]
    assert [(a.number, a.owner, a.due) for a in doc.actions] == [
        (3, "محمد الأمين", date(2027, 1, 8))]
    assert doc.dropped == (4,)
    assert doc.notes[1].edited
    # Present once each, by name; someone present is not also listed as apologising.
    assert doc.present == ("Amara Okafor", "Zoë Núñez", "محمد الأمين")
    assert doc.apologies == ("Gemma Rhodes",)
    assert doc.status.value == "closed"
    assert doc.confidentiality == confidentiality_notice("Action Lab 1")
    assert "Nguyễn Thị Minh Khai" in doc.names() and "محمد الأمين" in doc.names()


def test_an_unconfirmed_action_is_not_in_the_minutes() -> None:
    doc = build_document(
        lab="L", title="T", meeting_number=3, zone="UTC", started_at=T, ended_at=None,
        secretary=None, present=[], apologies=[], generated_at=T, entries=[
            EntryFacts(1, EntryKind.ACTION, "Pending", "A", T, owner="B",
                       status=ActionStatus.PENDING),
            EntryFacts(2, EntryKind.ACTION, "Done", "A", T, owner="B", status=ActionStatus.DONE,
                       done_at=T)])
    assert [a.text for a in doc.actions] == ["Done"]
    assert doc.status.value == "open"
    assert doc.heading == "Minutes: T (meeting #3)"
    assert doc.when_utc == "Mon 04 Jan 2027, 10:00 UTC (still open)"


# --- times ------------------------------------------------------------------------------------

def test_a_span_names_the_zone_in_winter_and_summer() -> None:
    assert format_span(T, T + timedelta(minutes=65), "Europe/London") == \
        "Mon 04 Jan 2027, 10:00–11:05 GMT (Europe/London)"
    summer = datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
    assert format_span(summer, summer + timedelta(hours=1), "Europe/London") == \
        "Mon 29 Mar 2027, 10:00–11:00 BST (Europe/London)"
    assert format_span(summer, summer + timedelta(hours=1), "UTC", name=False) == \
        "Mon 29 Mar 2027, 09:00–10:00 UTC"


def test_a_meeting_across_the_clock_change_shows_both_abbreviations() -> None:
    # London goes forward at 01:00 UTC on Sunday 28 March 2027 ...
    start = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert format_span(start, start + timedelta(hours=1), "Europe/London") == \
        "Sun 28 Mar 2027, 00:30 GMT–02:30 BST (Europe/London)"
    # ... and back at 01:00 UTC on Sunday 31 October 2027.
    start = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert format_span(start, start + timedelta(hours=1), "Europe/London") == \
        "Sun 31 Oct 2027, 01:30 BST–01:30 GMT (Europe/London)"


def test_a_meeting_past_local_midnight_dates_its_end() -> None:
    start = datetime(2027, 1, 4, 18, 0, tzinfo=UTC)
    assert format_span(start, start + timedelta(hours=1), "Asia/Kolkata") == \
        "Mon 04 Jan 2027, 23:30 IST – Tue 05 Jan 2027, 00:30 IST (Asia/Kolkata)"


def test_the_lab_day_follows_the_lab_zone_across_daylight_saving() -> None:
    late = datetime(2027, 3, 28, 23, 30, tzinfo=UTC)  # 00:30 BST on Monday 29 March
    assert local_today(late, "Europe/London") == date(2027, 3, 29)
    winter = datetime(2027, 1, 4, 23, 30, tzinfo=UTC)  # still Monday in GMT
    assert local_today(winter, "Europe/London") == date(2027, 1, 4)
    assert local_today(winter, "America/Sao_Paulo") == date(2027, 1, 4)
    assert local_today(winter, "Asia/Kolkata") == date(2027, 1, 5)


def test_due_dates_read_relative_to_today() -> None:
    today = date(2027, 1, 4)  # a Monday
    assert format_due(date(2027, 1, 11), today) == "Mon 11 Jan 2027 (in 7 days)"
    assert format_due(today, today) == "Mon 04 Jan 2027 (today)"
    assert format_due(date(2027, 1, 5), today) == "Tue 05 Jan 2027 (tomorrow)"
    assert format_due(date(2027, 1, 3), today) == "Sun 03 Jan 2027 (1 day overdue)"
    assert format_due(date(2027, 1, 1), today) == "Fri 01 Jan 2027 (3 days overdue)"


# --- due dates as typed --------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ("2027-01-15", date(2027, 1, 15)),
    ("today", date(2027, 1, 4)),
    ("Tomorrow", date(2027, 1, 5)),
    ("fri", date(2027, 1, 8)),
    ("friday", date(2027, 1, 8)),
    ("mon", date(2027, 1, 4)),  # today counts: "by Monday" said on a Monday
    ("3d", date(2027, 1, 7)),
    ("2w", date(2027, 1, 18)),
    ("in 10 days", date(2027, 1, 14)),
    ("15 Jan", date(2027, 1, 15)),
    ("15-jan", date(2027, 1, 15)),
    ("15jan", date(2027, 1, 15)),
    ("Jan 15", date(2027, 1, 15)),
    ("15 January 2028", date(2028, 1, 15)),
    ("1 jan", date(2028, 1, 1)),  # already past this year: the next one
    ("29 feb", date(2028, 2, 29)),  # 2027 has none
])
def test_due_dates_people_type(typed: str, expected: date) -> None:
    assert parse_due(typed, date(2027, 1, 4)) == expected


@pytest.mark.parametrize(("typed", "message"), [
    ("", "empty"),
    ("someday", "not a date I can read"),
    ("2027-02-30", "not a day of the calendar"),
    ("31 feb 2027", "not a day of the calendar"),
    ("15 smarch", "`smarch` is not a month"),
    ("fr", "not a date I can read"),
])
def test_bad_due_dates_say_what_works(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        parse_due(typed, date(2027, 1, 4))
    assert "2027-01-15" in str(err.value)  # every message shows a form that works


def test_a_past_date_parses_so_the_feature_can_ask_to_confirm() -> None:
    assert parse_due("2026-12-01", date(2027, 1, 4)) == date(2026, 12, 1)


# --- references, owners, permissions ---------------------------------------------------------

@pytest.mark.parametrize(("ref", "number"), [
    ("#3", 3), ("3", 3), ("meeting 3", 3), ("Meeting #12", 12), ("Kick-off call", None),
    ("3 things", None),
])
def test_meeting_numbers(ref: str, number: int | None) -> None:
    assert meeting_number(ref) == number


def test_titles_lose_their_quotes() -> None:
    assert clean_title(' "Kick-off   call" ') == "Kick-off call"
    assert clean_title("“Second call”") == "Second call"


def test_choosing_minutes_by_number_or_title() -> None:
    sets = [(1, "Kick-off call", None), (2, "Second call", 7), (3, "Kick-off call", None),
            (4, "Wrap-up", None), (5, "Kickstart", None)]
    assert choose_minutes(sets, "#7") == 2
    assert choose_minutes(sets, "#8") is None
    assert choose_minutes(sets, '"kick-off call"') == 3  # the latest with that title
    assert choose_minutes(sets, "wrap") == 4
    assert choose_minutes(sets, "kick-off") == 3  # two sets share the title: the latest
    assert choose_minutes(sets, "kick") is None  # Kick-off call or Kickstart?
    assert choose_minutes(sets, "sec") == 2
    assert choose_minutes(sets, '""') is None
    assert choose_minutes(sets, "nothing") is None


def test_the_rest_of_an_unquoted_name_is_not_the_action() -> None:
    assert rest_after_name("Zoë Núñez", "Zoë", "Núñez Share the survey") == "Share the survey"
    assert rest_after_name("Zoë Núñez", "zoë", "núñez share") == "share"
    assert rest_after_name("Nguyễn Thị Minh Khai", "Nguyễn", "Thị Minh Khai Send notes") == \
        "Send notes"
    assert rest_after_name("Zoë Núñez", "Zoë", "Share the survey") == "Share the survey"
    # Typed a start of the name, not its first word: nothing to take away.
    assert rest_after_name("Zoë Núñez", "Zo", "Núñez Share") == "Núñez Share"
    # An action that is only the rest of the name stays as typed.
    assert rest_after_name("Zoë Núñez", "Zoë", "Núñez") == "Núñez"


def test_who_may_close_an_action_item() -> None:
    assert may_close_action(owner_id=1, person_id=1, role=Role.MEMBER)
    assert not may_close_action(owner_id=1, person_id=2, role=Role.MEMBER)
    assert may_close_action(owner_id=1, person_id=2, role=Role.SECRETARY)
    assert may_close_action(owner_id=1, person_id=2, role=Role.FACILITATOR)


def test_file_names_are_ascii_and_dated_in_the_lab_zone() -> None:
    assert slug("Zoë's Kick-off call!") == "zoe-s-kick-off-call"
    assert slug("محمد") == ""
    late = datetime(2027, 1, 4, 23, 30, tzinfo=UTC)
    doc = build_document(lab="Action Lab 1", title="محمد", meeting_number=None, zone="Asia/Kolkata",
                         started_at=late, ended_at=None, secretary=None, present=[],
                         apologies=[], entries=[], generated_at=late)
    assert export_filename(doc, "pdf") == "minutes-action-lab-1-2027-01-05.pdf"
