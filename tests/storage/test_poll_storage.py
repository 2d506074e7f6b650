"""Poll and meeting repositories on SQLite and PostgreSQL: numbering, answers changed in
place, counts, forgetting a deleted poll's answers, upcoming meetings."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.domain.availability import Answer
from bot.domain.lab import Role
from storage import migrations
from storage.db import create_engine, session_factory
from storage.models import Identity, Lab, Meeting, Membership, Person, Poll
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 10, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    return str(request.getfixturevalue("pg_url"))


async def test_poll_and_meeting_storage(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrations.upgrade(engine)
        sessions = session_factory(engine)
        async with UnitOfWork(sessions) as uow:
            person = await uow.people.add(
                Person(display_name="Gemma", timezone="Europe/London", created_at=NOW),
                Identity(platform="console", workspace="w", user_id="g", display_name="Gemma"))
            lab = await uow.labs.add(Lab(name="L", timezone="Europe/London",
                                         window_start=time(9), window_end=time(18),
                                         days="mon-fri", member_limit=6, commitment="c",
                                         created_at=NOW))
            await uow.members.add(Membership(lab_id=lab.id, person_id=person.id,
                                             role=Role.FACILITATOR, active=True,
                                             accepted_at=NOW))
            starts = [NOW + timedelta(days=7, hours=h) for h in range(3)]
            assert await uow.polls.next_number(lab.id) == 1
            poll = await uow.polls.add(
                Poll(lab_id=lab.id, number=1, title="M", status="open",
                     timezone="Europe/London", window_start=time(9), window_end=time(18),
                     length_minutes=60, closes_at=starts[0] - timedelta(days=1),
                     created_at=NOW), starts, [person.id])
            slots = await uow.polls.slots(poll.id)
            assert [s.starts_at for s in slots] == starts
            assert await uow.polls.required(poll.id) == [person.id]
            ids = [s.id for s in slots]
            assert await uow.polls.set_answers(poll.id, person.id, ids, Answer.NO, NOW) == 3
            assert await uow.polls.set_answers(poll.id, person.id, ids[:2], Answer.YES,
                                               NOW) == 2
            assert await uow.polls.set_answers(poll.id, person.id, ids[:1], Answer.YES,
                                               NOW) == 0
            mine = await uow.polls.answers_of(poll.id, person.id)
            assert [mine[i] for i in ids] == [Answer.YES, Answer.YES, Answer.NO]
            assert await uow.polls.answer_counts([poll.id], person.id) == {poll.id: 3}
            assert await uow.polls.slot_counts([poll.id]) == {poll.id: 3}
            assert [p.id for p in await uow.polls.open_in([lab.id])] == [poll.id]
            await uow.meetings.add(Meeting(
                lab_id=lab.id, number=1, title="M", starts_at=starts[0], duration_minutes=60,
                status="scheduled", uid="u1@actionlab", sequence=0, poll_id=poll.id,
                slot_number=1, created_at=NOW, updated_at=NOW))
            await uow.commit()
        async with UnitOfWork(sessions) as uow:
            poll2 = await uow.polls.get(poll.id)
            assert poll2 is not None and poll2.closes_at == starts[0] - timedelta(days=1)
            poll2.status = "deleted"
            await uow.polls.clear(poll.id)
            await uow.commit()
        async with UnitOfWork(sessions) as uow:
            assert await uow.polls.slots(poll.id) == []
            assert await uow.polls.answers(poll.id) == []
            assert await uow.polls.by_number(lab.id, 1) is None
            assert await uow.polls.next_number(lab.id) == 2  # never reused
            upcoming = await uow.meetings.upcoming([lab.id], NOW)
            assert [m.uid for m in upcoming] == ["u1@actionlab"]
            assert upcoming[0].poll_id == poll.id
            assert await uow.meetings.under_way(lab.id, NOW) is None
            soon = await uow.meetings.under_way(lab.id, starts[0] - timedelta(minutes=20))
            assert soon is not None and soon.uid == "u1@actionlab"
            going = await uow.meetings.under_way(lab.id, starts[0] + timedelta(minutes=59))
            assert going is not None
            later = starts[0] + timedelta(minutes=61)
            assert await uow.meetings.upcoming([lab.id], later) == []
            assert await uow.meetings.next_number(lab.id) == 2
    finally:
        await engine.dispose()
