"""Calendar invites, pure: one meeting as an iCalendar (.ics) file, built with icalendar.

A meeting keeps one UID for its whole life; each change re-sends the invite with a higher
SEQUENCE (RFC 5546), so calendar apps update the event they already hold instead of adding
a second one. A cancellation is the same event with METHOD:CANCEL and STATUS:CANCELLED.

RFC 5546 also wants an ORGANIZER and at least one ATTENDEE in a REQUEST and in a CANCEL;
calendar apps drop or refuse an update or a cancellation without them, or from another
organizer than the one they hold. The lab is the organizer (at an address the operator
configures, non-deliverable by default) and the lab's members, as one group, the attendee:
the bot knows no member's e-mail address, and a list of names would carry the lab's
membership into calendars outside it. RSVP=FALSE: nobody could receive a reply.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from icalendar import Calendar, Event, vCalAddress

Method = Literal["REQUEST", "CANCEL"]
PRODID = "-//actionlab//Action Lab meetings//EN"
# `.invalid` is reserved (RFC 2606): mail to it can never be delivered to anyone.
DEFAULT_ORGANIZER = "mailto:noreply@actionlab.invalid"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


@dataclass(frozen=True, slots=True)
class Party:
    """A calendar user: its address (a URI, usually `mailto:`) and the name apps show;
    `group` for an attendee that stands for several people (the lab's members)."""

    address: str
    name: str
    group: bool = False


def _address(party: Party) -> vCalAddress:
    if not _URI.match(party.address):
        raise ValueError(f"a calendar address is a URI such as mailto:lab@example.org, "
                         f"not {party.address!r}")
    return vCalAddress(party.address)


def invite(
    *, uid: str, title: str, description: str, starts_at: datetime, duration: timedelta,
    sequence: int, method: Method, stamp: datetime, organizer: Party,
    attendees: Sequence[Party], location: str | None = None, url: str | None = None,
) -> bytes:
    """The .ics bytes for one meeting: DTSTART in UTC, a DURATION, and `stamp` (now) as
    DTSTAMP; `method` REQUEST schedules or updates it, CANCEL withdraws it. `organizer` and
    `attendees` (at least one) must be the same in every message about the meeting."""
    if starts_at.tzinfo is None or stamp.tzinfo is None:
        raise ValueError("invite() needs aware datetimes")
    if duration <= timedelta(0):
        raise ValueError("a meeting needs a positive duration")
    if sequence < 0:
        raise ValueError("SEQUENCE starts at 0")
    if not attendees:
        raise ValueError("RFC 5546 needs at least one ATTENDEE in a REQUEST or a CANCEL")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("duration", duration)
    event.add("summary", title)
    event.add("description", description)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    boss = _address(organizer)
    boss.params["CN"] = organizer.name
    event.add("organizer", boss)
    for party in attendees:
        guest = _address(party)
        guest.params.update({
            "CN": party.name, "CUTYPE": "GROUP" if party.group else "INDIVIDUAL",
            "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE",
        })
        event.add("attendee", guest)
    cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
