"""The database holds the minutes' rules on SQLite and PostgreSQL alike: one open set per
lab, and short numbers that two writers never share."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from bot.domain.minutes import MinutesStatus
from storage import migrations
from storage.db import create_engine, session_factory
from storage.models import Lab, Minutes
from storage.uow import UnitOfWork

T = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


async def _check(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrations.upgrade(engine)
        sessions = session_factory(engine)
        async with UnitOfWork(sessions) as uow:
            lab = await uow.labs.add(Lab(
                name="L", timezone="Europe/London", window_start=time(9), window_end=time(18),
                days="mon-fri", member_limit=6, commitment="c", created_at=T))
            first = await uow.minutes.add(Minutes(lab_id=lab.id, title="A", started_at=T,
                                                  status=MinutesStatus.OPEN, next_number=1))
            assert [await uow.minutes.take_number(first.id) for _ in range(3)] == [1, 2, 3]
            await uow.commit()
            lab_id, first_id = lab.id, first.id
        # A second open set in the same lab breaks the partial unique index ...
        async with UnitOfWork(sessions) as uow:
            with pytest.raises(IntegrityError):
                await uow.minutes.add(Minutes(lab_id=lab_id, title="B", started_at=T,
                                              status=MinutesStatus.OPEN, next_number=1))
        # ... while closed sets are as many as there were meetings.
        async with UnitOfWork(sessions) as uow:
            found = await uow.minutes.get(first_id)
            assert found is not None
            found.status = MinutesStatus.CLOSED
            for title in ("B", "C"):
                m = await uow.minutes.add(Minutes(lab_id=lab_id, title=title, started_at=T,
                                                  status=MinutesStatus.OPEN, next_number=1))
                m.status = MinutesStatus.CLOSED
                await uow.flush()
            await uow.commit()
        async with UnitOfWork(sessions) as uow:
            assert [m.title for m in await uow.minutes.of_lab(lab_id)] == ["A", "B", "C"]
            assert await uow.minutes.take_number(first_id) == 4  # numbers go on, never reused
    finally:
        await engine.dispose()


async def test_minutes_rules_on_sqlite(tmp_path: Path) -> None:
    await _check(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


async def test_minutes_rules_on_postgresql(pg_url: str) -> None:
    await _check(pg_url)
