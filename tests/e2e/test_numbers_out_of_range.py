"""Numbers past any sensible bound, typed anywhere a number is read: each gets a message of
its own naming what was typed, privately, never "Something went wrong", and nothing is
written."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.arguments import MAX_NUMBER
from bot.bootstrap import App
from storage.models import AuditEntry, Ballot, MinuteEntry, PollAnswer, Reminder, Vote
from tests.conftest import Console, open_vote

HUGE = "99999999999999999999"  # 20 digits: past 64 bits
HUGER = "9" * 25


async def written(app: App) -> tuple[int, ...]:
    async with app.ctx.uow() as uow:
        async def n(model: Any) -> int:
            return int(await uow.session.scalar(select(func.count(model.id))) or 0)
        return tuple([await n(m) for m in (AuditEntry, Ballot, MinuteEntry, PollAnswer,
                                           Reminder, Vote)])


@pytest.mark.parametrize(("line", "message"), [
    (f"/lab rank {HUGER} 1", f"<vote> must be at most {MAX_NUMBER} (you gave `{HUGER}`)."),
    (f"/lab vote show {HUGE}", f"<vote> must be at most {MAX_NUMBER} (you gave `{HUGE}`)."),
    (f"/lab vote close {HUGE}", f"<vote> must be at most {MAX_NUMBER}"),
    (f"/lab minutes drop {HUGE}", f"<n> must be at most {MAX_NUMBER} (you gave `{HUGE}`)."),
    (f"/lab minutes edit {HUGE} new words", f"<n> must be at most {MAX_NUMBER}"),
    (f"/lab minutes drop {'9' * 5000}", f"<n> must be at most {MAX_NUMBER}"),
    (f"/lab poll results {HUGE}", f"<poll> must be at most {MAX_NUMBER}"),
    (f"/lab poll answer {HUGE} 1 yes", f"<poll> must be at most {MAX_NUMBER}"),
    (f"/lab members {HUGE}", "I did not expect"),
    ("/lab remind me in 99999999 days x",
     "I read `in 99999999 days`, but that is too far ahead: I keep reminders for up to a year"),
    (f"/lab remind me in {HUGER} minutes x", "that is too far ahead"),
    ("/lab remind me in 99999999999.9999 hours x", "that is too far ahead"),
    ("/lab remind me in 300 days and 100 days x", "that is too far ahead"),
    (f"/lab remind me in 1h{HUGE}m x", "not how long"),
    (f"/lab remind me at {HUGE} x", f"`{HUGE}` is not an hour of the day"),
    ("/lab remind me at ²² x", "needs a time after it"),
])
async def test_a_number_out_of_range_gets_its_own_message_and_writes_nothing(
    lab: Console, app: App, caplog: pytest.LogCaptureFixture, line: str, message: str,
) -> None:
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Pick" options "A" "B" "C"')
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    await lab("Gemma Rhodes", '/lab poll new "M" 2027-01-11..2027-01-12')
    await lab("Priya Raman", "/lab minutes start")
    await lab("Priya Raman", "/lab note first")
    before = await written(app)
    with caplog.at_level(logging.WARNING):
        out = await lab("Priya Raman", line)
    shown = " ".join(out.split())
    assert "only Priya Raman sees this" in shown
    assert message in shown
    assert "Something went wrong" not in shown
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert await written(app) == before


async def test_numbers_within_range_still_work(lab: Console) -> None:
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Pick" options "A" "B" "C"')
    out = await lab("Amara Okafor", f"/lab vote show {MAX_NUMBER}")
    assert f"no vote #{MAX_NUMBER}" in " ".join(out.split())
    out = await lab("Amara Okafor", "/lab remind me in 300 days stretch")
    assert "too far ahead" not in out
