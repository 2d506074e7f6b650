"""Reminder subject kinds live on the Router, registered by each feature beside its own
code: a fresh composition has exactly the four, no module-level registry carries state
between apps, and a stored row of a kind nobody registered fails cleanly."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.bootstrap import App, build_router
from bot.clock import SettableClock
from bot.domain.reminders import ReminderKind, ReminderStatus
from bot.features.reminders import deliver, rebuild
from bot.router import Router
from bot.scheduling import ManualJobs
from bot.subjects import SubjectInfo, SubjectKind
from storage.models import Reminder
from storage.uow import UnitOfWork
from tests.conftest import Console
from tests.reminders_support import AMARA, IDS, Recorder, rows


async def _nothing(uow: UnitOfWork, subject_id: int) -> SubjectInfo | None:
    return None


def test_a_fresh_router_has_exactly_its_kinds_each_from_its_feature() -> None:
    router = build_router()
    assert router.subjects.names == {"poll", "vote", "meeting", "action_item", "terms",
                                     "call"}
    kinds = {name: router.subjects.get(name) for name in router.subjects.names}
    hooks = {name: (k.describe.__module__, k.pending is not None, k.close is not None,
                    k.attachments is not None, k.upcoming is not None)
             for name, k in kinds.items() if k is not None}
    assert hooks == {
        "poll": ("bot.features.polls", True, True, False, False),
        "vote": ("bot.features.votes", True, True, False, False),
        "meeting": ("bot.features.meetings", False, False, True, True),
        # Pending: its owner while open (the desk's Remind of an overdue item).
        "action_item": ("bot.features.minutes.subjects", True, False, False, True),
        "terms": ("bot.features.terms", True, True, False, False),
        # The facilitators' nudge before applicants' "hear by" date, while any is undecided.
        "call": ("bot.features.applications.subjects", True, False, False, False),
    }


def test_each_router_has_its_own_kinds() -> None:
    assert Router().subjects.names == frozenset()
    first, second = build_router(), build_router()
    with first.subjects.swapped(SubjectKind("poll", _nothing)) as swapped:
        assert first.subjects.get("poll") is swapped
        assert second.subjects.get("poll") is not swapped
    assert first.subjects.get("poll") is not swapped


def test_a_kind_registered_twice_is_a_wiring_mistake() -> None:
    one, two = Router(), Router()
    one.subject("poll")(_nothing)
    two.subject("poll")(_nothing)
    combined = Router()
    combined.include(one)
    with pytest.raises(ValueError, match="subject kinds registered twice: \\['poll'\\]"):
        combined.include(two)
    with pytest.raises(ValueError, match="registered twice"):
        one.subject("poll")(_nothing)


async def test_a_stored_row_of_an_unknown_kind_fails_and_is_logged_not_a_crash(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder(clock)
    app.ctx.messengers.register(recorder)
    due = clock.now() + timedelta(hours=1)
    async with app.ctx.uow() as uow:  # written by a release that had petitions, say
        row = await uow.reminders.add(Reminder(
            lab_id=1, kind=ReminderKind.CUSTOM, recipient_id=AMARA, subject_kind="petition",
            subject_id=7, text="Sign the petition", due_at=due, next_at=due,
            status=ReminderStatus.PENDING, created_at=clock.now(),
        ))
        await uow.commit()
    jobs.clear()
    await rebuild(app.ctx)  # start-up arms it like any other row
    assert f"reminder:{row.id}" in jobs.pending()
    with caplog.at_level(logging.WARNING, logger="bot.features.reminders"):
        await jobs.run_until(clock, due + timedelta(minutes=1))
    [stored] = [r for r in await rows(app) if r.id == row.id]
    assert stored.status is ReminderStatus.FAILED
    assert "nothing is registered to describe for a petition" in (stored.last_error or "")
    assert "'petition'" in caplog.text
    assert recorder.to(IDS[AMARA]) == []  # not sent without knowing what it is about
    assert await deliver(app.ctx, row.id) == "gone"  # and a second fire does nothing

