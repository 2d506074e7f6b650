"""Meetings through the console: picked from a poll, announced in every channel of the lab
with local times and an invite, moved and cancelled with a higher SEQUENCE, listed."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from adapters.console.app import ConsoleAdapter
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import CalendarSettings, Settings
from bot.events import Event, MeetingCancelled, MeetingMoved, MeetingScheduled
from bot.features.meetings import invite_file
from bot.scheduling import ManualJobs
from storage.models import AuditEntry, Meeting
from tests.conftest import T0, Console
from tests.e2e.test_polls import FlatConsole, recorder
from tests.reminders_support import make_lab

SLOTS = ('/lab poll new "Meeting 1" slots 2027-01-11T09:00,2027-01-12T14:00,'
         '2027-01-26T09:00,2027-03-29T09:00')


@pytest.fixture
def lab(lab: Console) -> FlatConsole:
    return FlatConsole(lab)


def check_parties(event: object) -> None:
    """RFC 5546: a REQUEST and a CANCEL name their ORGANIZER (the lab) and an ATTENDEE (the
    lab's members, as a group) that cannot be asked to reply."""
    organizer = event["organizer"]  # type: ignore[index]
    assert str(organizer) == "mailto:noreply@actionlab.invalid"
    assert organizer.params["CN"] == "Action Lab 1"
    attendee = event["attendee"]  # type: ignore[index]
    assert str(attendee) == "mailto:noreply@actionlab.invalid"
    assert attendee.params["CN"] == "Action Lab 1" and attendee.params["CUTYPE"] == "GROUP"
    assert attendee.params["RSVP"] == "FALSE"


def invites(out: str) -> list[Path]:
    return [Path(p) for p in re.findall(r"\[file\] (\S+\.ics)", out)]


def event_of(path: Path) -> tuple[str, object]:
    cal = Calendar.from_ical(path.read_bytes())
    return str(cal["method"]), cal.walk("VEVENT")[0]


async def meeting_count(app: App) -> tuple[int, int]:
    async with app.ctx.uow() as uow:
        meetings = int(await uow.session.scalar(select(func.count(Meeting.id))) or 0)
        audit = int(await uow.session.scalar(select(func.count(AuditEntry.id))) or 0)
        return meetings, audit


async def second_channel(app: App) -> None:
    async with app.ctx.uow() as uow:
        await uow.labs.bind(1, "console", "local", "lab-2", T0)
        await uow.commit()


async def test_pick_schedules_and_announces_everywhere_with_an_invite(
    lab: FlatConsole, app: App
) -> None:
    seen = recorder(app, MeetingScheduled)
    await second_channel(app)
    await lab("Gemma Rhodes", SLOTS)
    out = await lab("Gemma Rhodes", "/lab poll pick 1 2")
    # Announced in both channels bound to the lab, each with the invite.
    assert out.count("== Meeting scheduled: Meeting 1 ==") == 2
    assert "#lab · actionlab" in out and "#lab-2 · actionlab" in out
    assert "*Meeting 1* of Action Lab 1: Tue 12 Jan 2027, 14:00 GMT (Europe/London) " \
           "(in 8 days), 60 minutes." in out
    assert "From poll #1, slot #2." in out
    for line in ("Gemma Rhodes: Tue 12 Jan 2027, 14:00 GMT (Europe/London)",
                 "Amara Okafor: Tue 12 Jan 2027, 15:00 WAT (Africa/Lagos)",
                 "Zoë Núñez: Tue 12 Jan 2027, 11:00 UTC-3 (America/Sao_Paulo)",
                 "Priya Raman: Tue 12 Jan 2027, 19:30 IST (Asia/Kolkata) · _late for them: "
                 "ends after 20:00 their time_"):
        assert line in out
    assert "for you" not in out  # the card speaks to everyone, about each member
    # The title already says which meeting it is: no "meeting #1, Meeting 1".
    assert "Scheduled Meeting 1 at Tue 12 Jan 2027, 14:00 GMT" in out
    assert "meeting #1" not in out.lower().replace("meeting #1 closed", "")
    assert "== Poll #1 closed: Meeting 1 ==" in out  # picking decides the poll
    files = invites(out)
    assert len(files) == 2
    method, event = event_of(files[0])
    assert method == "REQUEST"
    assert event["dtstart"].dt == datetime(2027, 1, 12, 14, tzinfo=UTC)  # type: ignore[index]
    assert event["duration"].dt == timedelta(hours=1)  # type: ignore[index]
    assert int(event["sequence"]) == 0  # type: ignore[index]
    assert str(event["summary"]) == "Action Lab 1: Meeting 1"  # type: ignore[index]
    assert str(event["description"]).startswith(  # type: ignore[index]
        "Action Lab 1: Meeting 1, scheduled with actionlab.")
    assert event["dtstamp"].dt == T0  # type: ignore[index]
    assert str(event["uid"]).endswith("@actionlab")  # type: ignore[index]
    check_parties(event)
    assert seen == [MeetingScheduled(lab_id=1, meeting_id=1, starts_at=datetime(
        2027, 1, 12, 14, tzinfo=UTC), title="Meeting 1", duration_minutes=60)]


async def test_a_pair_of_meetings_from_one_poll(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", SLOTS)
    await lab("Gemma Rhodes", "/lab poll pick 1 1")
    out = await lab("Gemma Rhodes", "/lab poll pick 1 3")
    assert "== Meeting scheduled: Meeting 2 ==" in out  # named by its number in the lab
    out = await lab("Gemma Rhodes", '/lab poll pick 1 4 title "Final meeting"')
    assert "== Meeting scheduled: Final meeting ==" in out
    assert "Scheduled meeting #3 (Final meeting) at Mon 29 Mar 2027" in out
    assert "60 minutes." in out
    # 29 March is after London's clocks change: 09:00 BST.
    assert "Final meeting* of Action Lab 1: Mon 29 Mar 2027, 09:00 BST (Europe/London)" in out
    assert "Zoë Núñez: Mon 29 Mar 2027, 05:00 UTC-3 (America/Sao_Paulo) · _early for them: " \
           "starts before 08:00 their time_" in out
    out = await lab("Amara Okafor", "/lab meetings")
    assert "only Amara Okafor sees this" in out
    assert re.search(r"`#1` \*Meeting 1\* — Mon 11 Jan 2027, 10:00 WAT \(Africa/Lagos\), "
                     r"60 min · in 6 days • `#2` \*Meeting 2\* — Tue 26 Jan 2027, "
                     r"10:00 WAT .* • `#3` \*Final meeting\* — Mon 29 Mar 2027, 09:00 WAT", out)
    assert "Times in your zone, Africa/Lagos." in out


async def test_move_and_cancel_resend_the_invite_with_a_higher_sequence(
    lab: FlatConsole, app: App
) -> None:
    seen = recorder(app, MeetingMoved, MeetingCancelled)
    await lab("Gemma Rhodes", SLOTS)
    await lab("Gemma Rhodes", "/lab poll pick 1 2")
    async with app.ctx.uow() as uow:
        uid = (await uow.meetings.get(1)).uid  # type: ignore[union-attr]
    out = await lab("Gemma Rhodes", "/lab meeting move 1 3")  # slot 3 of its poll
    assert "== Meeting moved: Meeting 1 ==" in out
    assert "Tue 26 Jan 2027, 09:00 GMT (Europe/London)" in out
    assert "It was planned for Tue 12 Jan 2027, 14:00 GMT (Europe/London)." in out
    method, event = event_of(invites(out)[0])
    assert method == "REQUEST" and int(event["sequence"]) == 1  # type: ignore[index]
    assert str(event["uid"]) == uid  # type: ignore[index]
    assert event["dtstart"].dt == datetime(2027, 1, 26, 9, tzinfo=UTC)  # type: ignore[index]
    # A time, read in the mover's zone unless `tz` says otherwise.
    out = await lab("Gemma Rhodes", "/lab meeting move 1 2027-01-27 15:30 tz Africa/Lagos")
    assert "Wed 27 Jan 2027, 14:30 GMT (Europe/London)" in out
    method, event = event_of(invites(out)[0])
    assert int(event["sequence"]) == 2  # type: ignore[index]
    await lab("Gemma Rhodes", "/lab meeting cancel 1")
    out = await lab("Gemma Rhodes", ":press Cancel meeting #1")
    assert "== Meeting cancelled: Meeting 1 ==" in out
    assert "planned for Wed 27 Jan 2027, 14:30 GMT (Europe/London), is cancelled" in out
    assert "remove the meeting from your calendar" in out
    method, event = event_of(invites(out)[0])
    assert method == "CANCEL" and int(event["sequence"]) == 3  # type: ignore[index]
    assert str(event["status"]) == "CANCELLED"  # type: ignore[index]
    assert str(event["uid"]) == uid  # type: ignore[index]
    check_parties(event)  # the same organizer and attendee as the request
    assert [type(e) for e in seen] == [MeetingMoved, MeetingMoved, MeetingCancelled]
    moved = seen[1]
    assert isinstance(moved, MeetingMoved)
    assert moved.starts_at == datetime(2027, 1, 27, 14, 30, tzinfo=UTC)
    assert moved.title == "Meeting 1" and moved.duration_minutes == 60
    out = await lab("Amara Okafor", "/lab meetings")
    assert "No meetings are scheduled." in out


@pytest.mark.parametrize(("who", "line", "message"), [
    ("Gemma Rhodes", "/lab poll pick 1 9", "There is no slot 9: this poll has slots 1 to 4."),
    ("Gemma Rhodes", "/lab poll pick 1 soon", "Give the slot's number, e.g. "
                                              "`/lab poll pick 1 14`."),
    ("Gemma Rhodes", "/lab poll pick 5 1", "Action Lab 1 has no poll #5."),
    ("Gemma Rhodes", "/lab poll pick 1 2", "Slot #2 of poll #1 is already a meeting"),
    ("Amara Okafor", "/lab poll pick 1 3", "Only facilitators can use `/lab poll pick`"),
    ("Gemma Rhodes", "/lab meeting move 4 3", "Action Lab 1 has no meeting `4`. Its meetings: "
                                              "#1 Meeting 1."),
    ("Gemma Rhodes", "/lab meeting move 1 9", "There is no slot 9"),
    ("Gemma Rhodes", "/lab meeting move 1 2027-01-02 09:00", "is in the past"),
    ("Gemma Rhodes", "/lab meeting move 1 2", "Meeting #1 is already at that time."),
    ("Gemma Rhodes", "/lab meeting move 1 tomorrow", "`tomorrow` is not a date and time"),
    ("Gemma Rhodes", "/lab meeting move 1 9999-12-31 23:00 tz America/Los_Angeles",
     "9999-12-31T23:00 is too far ahead; check the year."),
    ("Gemma Rhodes", "/lab meeting move 1 2029-01-10 09:00",
     "Wed 10 Jan 2029, 09:00 GMT (Europe/London) is more than two years ahead; check the "
     "year."),
    ("Gemma Rhodes", "/lab meeting move 1 99999999999999999999", "There is no slot "
                                                                 "99999999999999999999"),
    ("Gemma Rhodes", "/lab meeting move 99999999999999999999 3",
     "<meeting> must be at most 1000000 (you gave `99999999999999999999`)."),
    ("Gemma Rhodes", "/lab meeting move 1 2027-01-20 14:00 tz Mars/Olympus",
     "`Mars/Olympus` is not a time zone I know"),
    ("Amara Okafor", "/lab meeting cancel 1", "Only facilitators can use `/lab meeting cancel`"),
    ("Stranger", "/lab meetings", "You are not a member of the lab here yet"),
])
async def test_bad_meeting_commands_change_nothing(lab: FlatConsole, app: App, who: str,
                                                   line: str, message: str) -> None:
    await lab("Gemma Rhodes", SLOTS)
    await lab("Gemma Rhodes", "/lab poll pick 1 2")
    before = await meeting_count(app)
    out = await lab(who, line)
    assert f"only {who} sees this" in out
    assert message in out
    assert await meeting_count(app) == before
    async with app.ctx.uow() as uow:
        meeting = await uow.meetings.get(1)
        assert meeting is not None and meeting.sequence == 0 and meeting.status == "scheduled"


async def test_a_meeting_under_way_or_cancelled_cannot_change(
    lab: FlatConsole, app: App, clock: SettableClock
) -> None:
    await lab("Gemma Rhodes", SLOTS)
    await lab("Gemma Rhodes", "/lab poll pick 1 1")
    await lab("Gemma Rhodes", "/lab poll pick 1 2")
    await lab("Gemma Rhodes", "/lab meeting cancel 2")
    await lab("Gemma Rhodes", ":press Cancel meeting #2")
    out = await lab("Gemma Rhodes", "/lab meeting cancel 2")
    assert "Meeting 2 is cancelled already." in out
    clock.set(datetime(2027, 1, 11, 9, 30, tzinfo=UTC))
    out = await lab("Gemma Rhodes", "/lab meeting move 1 3")
    assert "has already begun" in out
    out = await lab("Gemma Rhodes", "/lab poll pick 1 1")
    assert "Slot #1 has already begun" in out
    out = await lab("Amara Okafor", "/lab meetings")  # still under way: still listed
    assert "`#1` *Meeting 1*" in out
    out = await lab("Gemma Rhodes", "/lab meeting cancel 1")
    assert "Meeting 1 has already begun; it can no longer be moved or cancelled." in out


async def test_a_one_minute_meeting_is_singular(lab: FlatConsole) -> None:
    await lab("Gemma Rhodes", '/lab poll new "Check-in" slots 2027-01-11T09:00 length 1m')
    out = await lab("Gemma Rhodes", "/lab poll pick 1 1")
    assert "*Meeting 1* of Action Lab 1: Mon 11 Jan 2027, 09:00 GMT (Europe/London) " \
           "(in 6 days), 1 minute." in out


async def test_meeting_autocomplete_home_and_invite_file(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", SLOTS)
    await lab("Gemma Rhodes", "/lab poll pick 1 2")
    ctx, actor, place = app.ctx, lab.adapter.actor, lab.adapter.place
    assert await ctx.router.complete(ctx, actor, place, "meeting", "") == [
        ("#1 Meeting 1 (scheduled, 12 Jan 2027 14:00 UTC)", "1")]
    out = await lab("Priya Raman", "/lab home")
    assert "Your next meetings" in out
    assert "`#1` *Meeting 1* (Action Lab 1) — Tue 12 Jan 2027, 19:30 IST (Asia/Kolkata)" in out
    async with app.ctx.uow() as uow:
        meeting = await uow.meetings.get(1)
        assert meeting is not None
        file = invite_file(meeting, "Action Lab 1", "REQUEST", T0)
    assert file.mime == "text/calendar" and file.name == "meeting-1.ics"
    assert b"UID:" + meeting.uid.encode() in file.data.replace(b"\r\n ", b"")


async def test_a_configured_organizer_stays_with_each_meeting(
    settings: Settings, tmp_path: Path
) -> None:
    """Updates and the cancellation carry the organizer the meeting was scheduled with,
    even after the operator changes the setting: calendar apps ignore any other."""
    def configured(organizer: str) -> Settings:
        return settings.model_copy(update={
            "calendar": CalendarSettings(organizer=organizer),
            "console": settings.console.model_copy(update={"files_dir": str(tmp_path)})})

    app = await create_app(configured("Lab-One@Example.org"), clock=SettableClock(T0),
                           jobs=ManualJobs(), migrate=True)
    try:
        lab = FlatConsole(await make_lab(app, tmp_path))
        await lab("Gemma Rhodes", SLOTS)
        out = await lab("Gemma Rhodes", "/lab poll pick 1 2")
        _, event = event_of(invites(out)[0])
        assert str(event["organizer"]) == "mailto:Lab-One@Example.org"  # type: ignore[index]
        assert str(event["attendee"]) == "mailto:Lab-One@Example.org"  # type: ignore[index]
    finally:
        await app.close()
    app = await create_app(configured("mailto:other@example.org"), clock=SettableClock(T0),
                           jobs=ManualJobs(), migrate=False)
    try:
        buffer = io.StringIO()  # the same lab, in the same database: no setup this time
        lab = FlatConsole(Console(ConsoleAdapter(app.ctx, out=buffer, user="Gemma Rhodes",
                                                 files_dir=tmp_path), buffer))
        await lab("Gemma Rhodes", SLOTS.replace("Meeting 1", "Meeting 2"))
        await lab("Gemma Rhodes", "/lab meeting cancel 1")
        out = await lab("Gemma Rhodes", ":press Cancel meeting #1")
        _, event = event_of(invites(out)[0])
        assert str(event["organizer"]) == "mailto:Lab-One@Example.org"  # type: ignore[index]
        out = await lab("Gemma Rhodes", "/lab poll pick 2 2")  # a new meeting: the new one
        _, event = event_of(invites(out)[0])
        assert str(event["organizer"]) == "mailto:other@example.org"  # type: ignore[index]
    finally:
        await app.close()


def test_events_carry_what_reminders_need() -> None:
    event: Event = MeetingScheduled(lab_id=1, meeting_id=2, starts_at=T0)
    assert isinstance(event, MeetingScheduled) and event.duration_minutes == 60


def test_features_announce_through_the_one_shared_helper() -> None:
    """Posting to a lab's channels lives in one place (Context.announce): polls, meetings
    and votes queue their announcements through it, for after the commit."""
    import inspect

    from bot import context
    from bot.features import meetings, polls, votes

    for feature in (polls, meetings, votes):
        assert "messengers.broadcast" not in inspect.getsource(feature)
    assert inspect.getsource(context).count("messengers.broadcast(") == 1
    assert not inspect.iscoroutinefunction(context.Context.announce)
