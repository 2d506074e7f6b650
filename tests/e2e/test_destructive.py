"""Destructive commands through the console: each asks first and says what will be lost, Keep
changes nothing, Confirm does it, and what can be undone is undone for a while (a deleted poll
or vote within `[lab] restore_within`, a cancelled meeting until its time, with the invite
sent again). A closed vote's result is never deleted: it is withdrawn, with a reason the audit
log and the minutes keep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from bot.bootstrap import App
from bot.clock import SettableClock
from storage.models import AuditEntry, Ballot, Meeting, Poll, PollAnswer, PollSlot, Vote
from tests.conftest import Console, open_vote
from tests.e2e.test_meetings import SLOTS, event_of, invites
from tests.e2e.test_polls import FlatConsole, answer_small_poll

NEW_VOTE = '/lab vote new "Which solution?" options "Research" "Case studies" "Clever contracts"'


@pytest.fixture
def lab(lab: Console) -> FlatConsole:
    return FlatConsole(lab)


async def rows(app: App, model: Any) -> int:
    async with app.ctx.uow() as uow:
        return int(await uow.session.scalar(select(func.count(model.id))) or 0)


async def audit(app: App, action: str) -> list[AuditEntry]:
    async with app.ctx.uow() as uow:
        return list(await uow.audit.for_lab(1, action=action))


async def vote_row(app: App, number: int) -> Vote:
    async with app.ctx.uow() as uow:
        vote = (await uow.session.scalars(select(Vote).where(Vote.number == number))).one()
        return vote


async def meeting_row(app: App, number: int) -> Meeting:
    async with app.ctx.uow() as uow:
        return (await uow.session.scalars(
            select(Meeting).where(Meeting.number == number))).one()


async def ballot_vote(lab: FlatConsole) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW_VOTE)
    for who, ranking in (("Amara Okafor", "1 2"), ("Zoë Núñez", "2 1"),
                         ("Priya Raman", "3"), ("Gemma Rhodes", "1")):
        out = await lab(who, f"/lab rank 1 {ranking}")
        assert "Your ballot" in out or "ballot" in out.lower()


# --- polls -----------------------------------------------------------------------------------


async def test_poll_delete_asks_keep_keeps_confirm_deletes_and_restore_brings_it_back(
    lab: FlatConsole, app: App, clock: SettableClock
) -> None:
    await answer_small_poll(lab)
    before = (await rows(app, PollSlot), await rows(app, PollAnswer))
    out = await lab("Gemma Rhodes", "/lab poll delete 1")
    assert "Delete poll #1 (M)?" in out
    assert "Its 11 answers and its results will be out of everyone's sight" in out
    assert "restore it, answers and all, within 7d with `/lab poll restore 1`" in out
    assert "[Keep]" in out or "Keep" in out
    out = await lab("Gemma Rhodes", ":press Keep")
    assert "Kept: poll #1 (M) is as it was; nothing changed." in out
    assert "poll #1" in await lab("Amara Okafor", "/lab poll results 1")
    assert not await audit(app, "poll.deleted")

    await lab("Gemma Rhodes", "/lab poll delete 1")
    out = await lab("Gemma Rhodes", ":press Delete poll #1")
    assert "Gemma Rhodes deleted poll #1 (M)." in out
    assert "Poll #1 is deleted. A facilitator can restore it within 7d" in out
    assert "has no poll #1" in await lab("Amara Okafor", "/lab poll results 1")
    # Nothing was lost: the slots and answers are all still there.
    assert (await rows(app, PollSlot), await rows(app, PollAnswer)) == before

    out = await lab("Amara Okafor", "/lab poll restore 1")
    assert "Only facilitators can use `/lab poll restore`" in out
    out = await lab("Gemma Rhodes", "/lab poll restore 1")
    assert "Poll #1 is back, with its 11 answers." in out
    assert "Gemma Rhodes restored poll #1 (M) with its 11 answers." in out
    out = await lab("Amara Okafor", "/lab poll results 1")
    assert "== Results of poll #1: M ==" in out
    assert (await rows(app, PollSlot), await rows(app, PollAnswer)) == before
    assert len(await audit(app, "poll.restored")) == 1
    out = await lab("Gemma Rhodes", "/lab poll restore 1")
    assert "Poll #1 is not deleted; there is nothing to restore." in out
    out = await lab("Gemma Rhodes", "/lab poll restore 9")
    assert "Action Lab 1 has no deleted poll #9." in out

    # After the period, a restore is refused and nothing changes.
    await lab("Gemma Rhodes", "/lab poll delete 1")
    await lab("Gemma Rhodes", ":press Delete poll #1")
    clock.advance(timedelta(days=7, minutes=1))
    out = await lab("Gemma Rhodes", "/lab poll restore 1")
    assert "deleted polls can be restored for 7d, so it can no longer come back" in out
    async with app.ctx.uow() as uow:
        poll = (await uow.session.scalars(select(Poll))).one()
        assert poll.status == "deleted"


# --- votes -----------------------------------------------------------------------------------


async def test_open_vote_delete_asks_keeps_deletes_softly_and_restores_with_its_ballots(
    lab: FlatConsole, app: App, clock: SettableClock
) -> None:
    await ballot_vote(lab)
    assert await rows(app, Ballot) == 4
    out = await lab("Gemma Rhodes", "/lab vote delete 1")
    assert "Delete vote #1 (Which solution?)?" in out
    assert "It stops taking ballots at once and leaves the lab's lists; its 4 ballots" in out
    assert "restore it with its ballots within 7d with `/lab vote restore 1`" in out
    out = await lab("Gemma Rhodes", ":press Keep")
    assert "Kept: vote #1 is as it was; nothing changed." in out
    assert "*Vote #1:* Which solution? — open" in await lab("Gemma Rhodes", "/lab vote list")

    await lab("Gemma Rhodes", "/lab vote delete 1")
    out = await lab("Gemma Rhodes", ":press Delete vote #1")
    assert "Gemma Rhodes deleted vote #1 (Which solution?)." in out
    assert "Vote #1 is deleted; its 4 ballots are kept." in out
    assert "has no votes yet" in await lab("Amara Okafor", "/lab vote list")
    assert "There is no vote #1" in await lab("Amara Okafor", "/lab rank 1 1")
    assert await rows(app, Ballot) == 4  # nothing lost

    out = await lab("Gemma Rhodes", "/lab vote restore 1")
    assert "Vote #1 is back and open, with its 4 ballots." in out
    out = await lab("Amara Okafor", "/lab vote list")
    assert "*Vote #1:* Which solution? — open" in out and "4 of 4 voted" in out
    out = await lab("Amara Okafor", "/lab rank 1")
    assert "Research" in out  # her ballot is still hers
    assert await rows(app, Ballot) == 4
    out = await lab("Gemma Rhodes", "/lab vote restore 1")
    assert "Vote #1 is not deleted; there is nothing to restore." in out

    await lab("Gemma Rhodes", "/lab vote delete 1")
    await lab("Gemma Rhodes", ":press Delete vote #1")
    clock.advance(timedelta(days=8))
    out = await lab("Gemma Rhodes", "/lab vote restore 1")
    assert "deleted votes can be restored for 7d, so it can no longer come back" in out
    assert (await vote_row(app, 1)).status == "deleted"
    assert await rows(app, Ballot) == 4


async def test_a_closed_vote_is_never_deleted_and_its_result_is_withdrawn_with_a_reason(
    lab: FlatConsole, app: App
) -> None:
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    out = await lab("Priya Raman", '/lab minutes start "Kick-off call"')
    assert "Minutes: Kick-off call" in out
    await ballot_vote(lab)
    await lab("Gemma Rhodes", "/lab vote close 1")
    result = (await vote_row(app, 1)).result
    out = await lab("Gemma Rhodes", "/lab vote delete 1")
    assert "Vote #1 is closed: its result is a record of the lab and is never deleted." in out
    assert "`/lab vote withdraw 1 <reason>`" in out
    assert "Delete vote #1" not in out  # no confirmation offered
    assert "*Vote #1:* Which solution? — closed:" in await lab("Amara Okafor", "/lab vote list")

    out = await lab("Gemma Rhodes", "/lab vote withdraw 1")
    assert "Say why the result is withdrawn" in out
    out = await lab("Gemma Rhodes", "/lab vote withdraw 1 " + "x" * 90)
    assert "Keep the reason to 80 characters (this one has 90)" in out
    out = await lab("Amara Okafor", "/lab vote withdraw 1 no reason")
    assert "Only facilitators can use `/lab vote withdraw`" in out
    out = await lab("Gemma Rhodes", "/lab vote withdraw 1 two members had not been told")
    assert "Withdraw the result of vote #1 (Which solution?)?" in out
    assert "will be marked withdrawn: “two members had not been told”" in out
    assert "It stays on record with its ballots" in out
    out = await lab("Gemma Rhodes", ":press Keep")
    assert "Kept: vote #1 is as it was" in out
    assert (await vote_row(app, 1)).withdrawn_at is None

    await lab("Gemma Rhodes", "/lab vote withdraw 1 two members had not been told")
    out = await lab("Gemma Rhodes", ":press Withdraw the result")
    assert "The result of vote #1 is withdrawn: two members had not been told" in out
    assert ("Gemma Rhodes withdrew the result of vote #1 (Which solution?): two members had "
            "not been told") in out
    vote = await vote_row(app, 1)
    assert vote.status == "closed" and vote.result == result  # kept, not deleted
    assert vote.withdrawn_reason == "two members had not been told"
    assert await rows(app, Ballot) == 4
    [entry] = await audit(app, "vote.result_withdrawn")
    assert entry.detail["reason"] == "two members had not been told"
    out = await lab("Priya Raman", "/lab minutes show")
    assert "Result of vote 1 withdrawn: two members had not been told" in out
    out = await lab("Amara Okafor", "/lab vote show 1")
    assert "Result withdrawn" in out and "two members had not been told" in out
    assert "(result withdrawn: two members had not been told)" in await lab(
        "Amara Okafor", "/lab vote list")
    out = await lab("Gemma Rhodes", "/lab vote withdraw 1 again")
    assert "The result of vote #1 was withdrawn already" in out


async def test_an_open_vote_has_no_result_to_withdraw(lab: FlatConsole) -> None:
    await open_vote(lab, "Gemma Rhodes", NEW_VOTE)
    out = await lab("Gemma Rhodes", "/lab vote withdraw 1 changed our minds")
    assert "Vote #1 is still open, so it has no result to withdraw." in out


# --- meetings --------------------------------------------------------------------------------


async def test_meeting_cancel_asks_keep_keeps_confirm_cancels_and_restore_resends_the_invite(
    lab: FlatConsole, app: App, clock: SettableClock
) -> None:
    await lab("Gemma Rhodes", SLOTS)
    await lab("Gemma Rhodes", "/lab poll pick 1 2")
    out = await lab("Gemma Rhodes", "/lab meeting cancel 1")
    assert "Cancel Meeting 1, Tue 12 Jan 2027, 14:00 GMT" in out
    assert "Everyone in the lab gets the cancellation for their calendar" in out
    assert "restore it with `/lab meeting restore 1`, which sends the invite again" in out
    assert not invites(out)  # nothing sent yet
    out = await lab("Gemma Rhodes", ":press Keep")
    assert "Kept: Meeting 1 stays at" in out and "nothing was changed" in out
    assert (await meeting_row(app, 1)).status == "scheduled"
    assert "*Meeting 1*" in await lab("Amara Okafor", "/lab meetings")

    await lab("Gemma Rhodes", "/lab meeting cancel 1")
    out = await lab("Gemma Rhodes", ":press Cancel meeting #1")
    assert "== Meeting cancelled: Meeting 1 ==" in out
    method, event = event_of(invites(out)[0])
    assert method == "CANCEL" and int(event["sequence"]) == 1  # type: ignore[index]
    assert "Restore it with `/lab meeting restore 1`" in out

    out = await lab("Amara Okafor", "/lab meeting restore 1")
    assert "Only facilitators can use `/lab meeting restore`" in out
    out = await lab("Gemma Rhodes", "/lab meeting restore 1")
    assert "== Meeting restored: Meeting 1 ==" in out
    assert "Restored Meeting 1 at Tue 12 Jan 2027, 14:00 GMT" in out
    [path] = invites(out)[:1]
    cal = Calendar.from_ical(path.read_bytes())
    assert str(cal["method"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert int(event["sequence"]) == 2  # higher than the cancellation's
    meeting = await meeting_row(app, 1)
    assert meeting.status == "scheduled" and meeting.uid == str(event["uid"])
    assert "*Meeting 1*" in await lab("Amara Okafor", "/lab meetings")
    assert len(await audit(app, "meeting.restored")) == 1
    out = await lab("Gemma Rhodes", "/lab meeting restore 1")
    assert "Meeting 1 is not cancelled; nothing to restore." in out

    # Once its time has passed, a cancelled meeting stays cancelled.
    await lab("Gemma Rhodes", "/lab meeting cancel 1")
    await lab("Gemma Rhodes", ":press Cancel meeting #1")
    clock.set(datetime(2027, 1, 12, 15, tzinfo=UTC))
    out = await lab("Gemma Rhodes", "/lab meeting restore 1")
    assert "was due to start before now, so it cannot be restored" in out
    assert (await meeting_row(app, 1)).status == "cancelled"
