"""A meeting's agenda and call link through the console: members propose items with an owner
and minutes, a facilitator orders them and sets the call link; the agenda and link are in the
invite (.ics DESCRIPTION, LOCATION, URL), in the meeting's reminders, and `/lab minutes start`
for the meeting opens with one heading per item."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from icalendar import Calendar

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.scheduling import ManualJobs
from tests.conftest import Console

SLOTS = ('/lab poll new "Meeting 1" slots 2027-01-11T09:00,2027-01-12T14:00,'
         '2027-01-26T09:00')
LINK = "https://meet.example.org/action-lab-1"


def flat(text: str) -> str:
    return " ".join(text.replace("\n  · ", " ").split())


def invites(out: str) -> list[Path]:
    return [Path(p) for p in re.findall(r"\[file\] (\S+\.ics)", out)]


async def agenda_meeting(lab: Console) -> None:
    await lab("Gemma Rhodes", SLOTS)
    await lab("Gemma Rhodes", "/lab poll pick 1 2")  # Tue 12 Jan 2027, 14:00 London
    out = await lab("Amara Okafor",
                    '/lab meeting propose 1 "Which solution?" owner Zoë minutes 20')
    assert "== Agenda: Meeting 1 ==" in out
    assert "1. Which solution? (Zoë Núñez, 20 min)" in out
    await lab("Priya Raman", '/lab meeting propose 1 "Welcome and introductions" minutes 10')
    await lab("Gemma Rhodes", '/lab meeting propose 1 "Any other business"')
    out = await lab("Gemma Rhodes", "/lab meeting order 1 2 1")
    assert ("1. Welcome and introductions (10 min)\n  2. Which solution? (Zoë Núñez, 20 min)"
            "\n  3. Any other business\n  (30 minutes allotted)") in out


async def test_the_agenda_and_call_link_reach_the_invite_reminders_and_minutes(
    lab: Console, app: App, clock: SettableClock, jobs: ManualJobs
) -> None:
    await agenda_meeting(lab)
    out = await lab("Gemma Rhodes", f"/lab meeting where 1 {LINK}")
    assert f"Meeting 1 is at {LINK}; the updated invite is posted" in flat(out)
    assert f"*Where:* {LINK}" in out and "Agenda:" in out
    files = invites(out)
    assert files
    event = Calendar.from_ical(files[-1].read_bytes()).walk("VEVENT")[0]
    assert str(event["location"]) == LINK and str(event["url"]) == LINK
    description = str(event["description"])
    assert "Agenda:\n1. Welcome and introductions (10 min)\n2. Which solution? (Zoë Núñez, " \
           "20 min)\n3. Any other business" in description
    assert int(event["sequence"]) > 0  # calendars take the newer description
    # The reminder a day before carries the agenda and the link.
    await jobs.run_until(clock, clock.now() + timedelta(days=8, hours=3))
    reminders = lab.buffer.getvalue()
    assert "2. Which solution? (Zoë Núñez, 20 min)" in reminders
    assert f"Where: {LINK}" in reminders
    # At the meeting, the minutes open with one heading per item.
    clock.set(clock.now().replace(day=12, hour=13, minute=55))
    out = await lab("Gemma Rhodes", "/lab minutes start #1")
    assert "== Minutes: Meeting 1 ==" in out
    out = await lab("Gemma Rhodes", "/lab minutes export md")
    md = next(Path(p) for p in re.findall(r"\[file\] (\S+\.md)", out)).read_text()
    for heading in ("Agenda item 1: Welcome and introductions (10 min)",
                    "Agenda item 2: Which solution? (Zoë Núñez, 20 min)",
                    "Agenda item 3: Any other business"):
        assert heading in md
    assert md.index("Agenda item 1") < md.index("Agenda item 2") < md.index("Agenda item 3")


async def test_bad_agenda_input_is_refused_privately(lab: Console, app: App) -> None:
    await agenda_meeting(lab)
    for who, line, message in (
        ("Amara Okafor", '/lab meeting propose 1 "Long one" minutes 0',
         "Minutes allotted must be between 1 and 240 (you gave 0)."),
        ("Gemma Rhodes", "/lab meeting order 1 2 2", "Item 2 is listed twice."),
        ("Gemma Rhodes", "/lab meeting order 1 4", "There is no item 4: the agenda has items "
                                                   "1 to 3."),
        ("Gemma Rhodes", "/lab meeting where 1 https://", "is not a whole web address"),
        ("Amara Okafor", "/lab meeting order 1 3", "Only facilitators can use"),
        ("Zoë Núñez", "/lab meeting drop 1 1", "Only a facilitator, or whoever proposed it"),
        ("Amara Okafor", "/lab meeting drop 1 9", "There is no item 9"),
    ):
        out = await lab(who, line)
        assert f"only {who} sees this" in out, (line, out)
        assert message in flat(out), (line, out)
    out = await lab("Gemma Rhodes", "/lab meeting agenda 1")
    assert "1. Welcome and introductions (10 min)" in out  # nothing changed
    out = await lab("Priya Raman", "/lab meeting drop 1 1")  # her own item
    assert "1. Which solution?" in out and "Welcome" not in out
