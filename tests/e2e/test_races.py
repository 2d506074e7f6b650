"""Concurrent writes to one row, through the real dispatch on SQLite and on PostgreSQL: none
surfaces as an internal error, and a member's later action is the one kept."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.bootstrap import App, create_app
from bot.config import Settings
from bot.scheduling import ManualJobs
from fakes.races import (
    ErrorLog,
    RaceLab,
    TickingClock,
    attendance,
    ballots,
    burst,
    first_answers,
    memos,
    newcomers,
    race_lab,
)
from tests.conftest import T0

PAIRS = 40


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "sqlite":
        return settings
    url: str = request.getfixturevalue("pg_url")
    return settings.model_copy(update={"database_url": SecretStr(url)})


@pytest.fixture
async def racing(database: Settings, tmp_path: Path) -> AsyncIterator[RaceLab]:
    clock = TickingClock(T0)
    app: App = await create_app(database, clock=clock, jobs=ManualJobs(), migrate=True)
    try:
        yield await race_lab(app, clock, tmp_path, slots="2027-01-11..2027-01-22")
    finally:
        await app.close()


@pytest.fixture
def errors() -> AsyncIterator[ErrorLog]:
    handler = ErrorLog()
    logging.getLogger().addHandler(handler)
    yield handler  # type: ignore[misc]
    logging.getLogger().removeHandler(handler)


async def test_forty_pairs_of_simultaneous_first_answers_to_one_slot(
    racing: RaceLab, errors: ErrorLog,
) -> None:
    outcome = await first_answers(racing, PAIRS)
    assert (outcome.pairs, outcome.errors, outcome.wrong_final) == (PAIRS, 0, 0), outcome.notes
    assert errors.records == []


async def test_two_ballots_saved_at_once_keep_the_later(racing: RaceLab, errors: ErrorLog,
                                                        ) -> None:
    outcome = await ballots(racing, 12)
    assert (outcome.errors, outcome.wrong_final) == (0, 0), outcome.notes
    assert errors.records == []


async def test_present_twice_at_once_and_one_message_memoed_twice_at_once(
    racing: RaceLab, errors: ErrorLog,
) -> None:
    for outcome in (await attendance(racing), await memos(racing, 8)):
        assert (outcome.errors, outcome.wrong_final) == (0, 0), outcome.notes
    assert errors.records == []


async def test_a_newcomers_two_first_commands_at_once_make_one_person(
    racing: RaceLab, errors: ErrorLog,
) -> None:
    outcome = await newcomers(racing, 8)
    assert (outcome.errors, outcome.wrong_final) == (0, 0), outcome.notes
    assert errors.records == []


async def test_a_burst_of_notes_at_one_moment_all_land_without_a_locked_database(
    racing: RaceLab, errors: ErrorLog,
) -> None:
    """SQLite has one write lock: each writer waits for it (busy_timeout) instead of failing
    with "database is locked"; PostgreSQL takes the same burst."""
    outcome = await burst(racing, 60)
    assert (outcome.errors, outcome.wrong_final) == (0, 0), outcome.notes
    assert errors.records == []


async def test_an_older_ballot_arriving_last_never_overwrites_a_newer_one(
    racing: RaceLab,
) -> None:
    """The later ranking commits first, then the earlier one arrives: it is not kept."""
    ctx = racing.app.ctx
    later = T0 + timedelta(minutes=5)
    async with ctx.uow() as uow:
        vote = await uow.votes.by_number(1, 1)
        assert vote is not None
        await uow.ballots.cast(vote.id, 2, [3, 2, 1], later)
        await uow.commit()
    async with ctx.uow() as uow:
        ballot, replaced = await uow.ballots.cast(vote.id, 2, [1, 2, 3],
                                                  later - timedelta(seconds=1))
        await uow.commit()
    assert replaced and list(ballot.ranking) == [3, 2, 1]
    async with ctx.uow() as uow:
        kept = await uow.ballots.of(vote.id, 2)
    assert kept is not None and list(kept.ranking) == [3, 2, 1] and kept.cast_at == later


async def test_an_older_poll_answer_arriving_last_never_overwrites_a_newer_one(
    racing: RaceLab,
) -> None:
    ctx = racing.app.ctx
    later = T0 + timedelta(minutes=5)
    async with ctx.uow() as uow:
        poll = await uow.polls.by_number(1, 1)
        assert poll is not None
        slot = (await uow.polls.slots(poll.id))[0]
        from bot.domain.availability import Answer

        assert await uow.polls.set_answers(poll.id, 3, [slot.id], Answer.NO, later) == 1
        await uow.commit()
    async with ctx.uow() as uow:
        changed = await uow.polls.set_answers(poll.id, 3, [slot.id], Answer.YES,
                                              later - timedelta(seconds=1))
        await uow.commit()
        assert changed == 0
        assert (await uow.polls.answers_of(poll.id, 3)) == {slot.id: Answer.NO}
