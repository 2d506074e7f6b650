"""The .ics invite, parsed back with icalendar and checked field by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.domain.calendar import DEFAULT_ORGANIZER, Party, invite

START = datetime(2027, 3, 29, 9, 0, tzinfo=ZoneInfo("Europe/London"))  # BST: 08:00 UTC
STAMP = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
LAB = Party(DEFAULT_ORGANIZER, "Action Lab 1")
MEMBERS = Party(DEFAULT_ORGANIZER, "Action Lab 1", group=True)
PARTIES: dict[str, object] = dict(organizer=LAB, attendees=(MEMBERS,))


def parse(data: bytes) -> tuple[Calendar, object]:
    cal = Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


def check_parties(event: object) -> None:
    """RFC 5546 wants an ORGANIZER and at least one ATTENDEE in a REQUEST and a CANCEL."""
    organizer = event["organizer"]  # type: ignore[index]
    assert str(organizer) == "mailto:noreply@actionlab.invalid"
    assert dict(organizer.params) == {"CN": "Action Lab 1"}
    attendee = event["attendee"]  # type: ignore[index]
    assert not isinstance(attendee, list)  # exactly one: the lab, as a group
    assert str(attendee) == "mailto:noreply@actionlab.invalid"
    assert dict(attendee.params) == {"CN": "Action Lab 1", "CUTYPE": "GROUP",
                                     "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION",
                                     "RSVP": "FALSE"}  # nobody can receive a reply


def test_a_request_has_every_field() -> None:
    data = invite(uid="abc-123@actionlab", title="Action Lab 1: Meeting 1",
                  description="First meeting; bring ideas, please.", starts_at=START,
                  duration=timedelta(minutes=60), sequence=0, method="REQUEST", stamp=STAMP,
                  **PARTIES)  # type: ignore[arg-type]
    cal, event = parse(data)
    assert str(cal["method"]) == "REQUEST"
    assert str(cal["version"]) == "2.0"
    assert "actionlab" in str(cal["prodid"])
    assert str(event["uid"]) == "abc-123@actionlab"  # type: ignore[index]
    assert event["dtstamp"].dt == STAMP  # type: ignore[index]
    dtstart = event["dtstart"].dt  # type: ignore[index]
    assert dtstart == datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
    assert dtstart.utcoffset() == timedelta(0)  # written in UTC ("Z"), not in London time
    assert b"DTSTART:20270329T080000Z" in data
    assert event["duration"].dt == timedelta(hours=1)  # type: ignore[index]
    assert "DTEND" not in event  # type: ignore[operator]
    assert str(event["summary"]) == "Action Lab 1: Meeting 1"  # type: ignore[index]
    assert str(event["description"]) == "First meeting; bring ideas, please."  # type: ignore[index]
    assert int(event["sequence"]) == 0  # type: ignore[index]
    assert str(event["status"]) == "CONFIRMED"  # type: ignore[index]
    check_parties(event)


def test_a_cancellation_keeps_the_uid_and_raises_the_sequence() -> None:
    data = invite(uid="abc-123@actionlab", title="Meeting 1", description="Cancelled.",
                  starts_at=START, duration=timedelta(minutes=90), sequence=2,
                  method="CANCEL", stamp=STAMP + timedelta(days=1),
                  **PARTIES)  # type: ignore[arg-type]
    cal, event = parse(data)
    assert str(cal["method"]) == "CANCEL"
    assert str(event["uid"]) == "abc-123@actionlab"  # type: ignore[index]
    assert int(event["sequence"]) == 2  # type: ignore[index]
    assert str(event["status"]) == "CANCELLED"  # type: ignore[index]
    assert event["duration"].dt == timedelta(minutes=90)  # type: ignore[index]
    assert event["dtstamp"].dt == STAMP + timedelta(days=1)  # type: ignore[index]
    check_parties(event)  # a CANCEL from anyone but the organizer is ignored by clients


def test_names_with_quotes_commas_and_accents_survive_in_parameters() -> None:
    name = 'Zoë\'s "Lab", São Paulo; 1'
    _, event = parse(invite(uid="u@x", title="t", description="d", starts_at=START,
                            duration=timedelta(minutes=30), sequence=0, method="REQUEST",
                            stamp=STAMP, organizer=Party("mailto:lab@example.org", name),
                            attendees=(Party("mailto:lab@example.org", name, group=True),)))
    assert event["organizer"].params["CN"] == name  # type: ignore[index]
    assert event["attendee"].params["CN"] == name  # type: ignore[index]


def test_text_with_commas_semicolons_and_accents_round_trips() -> None:
    title = "Zoë's meeting, part 2; ñ"
    _, event = parse(invite(uid="u@x", title=title, description="a\nb", starts_at=START,
                            duration=timedelta(minutes=30), sequence=1, method="REQUEST",
                            stamp=STAMP, **PARTIES))  # type: ignore[arg-type]
    assert str(event["summary"]) == title  # type: ignore[index]
    assert str(event["description"]) == "a\nb"  # type: ignore[index]


@pytest.mark.parametrize("bad", [
    dict(starts_at=datetime(2027, 1, 1, 9)),  # naive
    dict(duration=timedelta(0)),
    dict(sequence=-1),
    dict(attendees=()),  # RFC 5546: at least one ATTENDEE
    dict(organizer=Party("noreply@actionlab.invalid", "Lab")),  # not a URI
])
def test_impossible_invites_are_refused(bad: dict[str, object]) -> None:
    args: dict[str, object] = dict(uid="u", title="t", description="d", starts_at=START,
                                   duration=timedelta(minutes=60), sequence=0,
                                   method="REQUEST", stamp=STAMP, **PARTIES)
    args.update(bad)
    with pytest.raises(ValueError):
        invite(**args)  # type: ignore[arg-type]
