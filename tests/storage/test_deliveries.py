"""Claiming inbound deliveries (retries, double clicks) and OAuth rows, on SQLite and
PostgreSQL: the same atomic statements on both."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import migrations
from storage.db import create_engine, session_factory
from storage.models import Installation
from storage.uow import unit_of_work_factory

T0 = datetime(2027, 3, 28, 0, 59, 59, tzinfo=UTC)  # a second before BST begins


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'd.db'}"
    return str(request.getfixturevalue("pg_url"))


async def test_a_key_is_claimed_once_within_its_window(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrations.upgrade(engine)
        uow = unit_of_work_factory(session_factory(engine))

        async def claim(key: str, at: datetime, window: timedelta) -> bool:
            async with uow() as u:
                won = await u.deliveries.claim(key, at, window=window)
                await u.commit()
                return won

        two = timedelta(seconds=2)
        assert await claim("press:a", T0, two) is True
        assert await claim("press:a", T0 + timedelta(seconds=1), two) is False
        assert await claim("press:b", T0 + timedelta(seconds=1), two) is True
        assert await claim("press:a", T0 + timedelta(seconds=3), two) is True  # a new press
        # Two instances receiving the same event at once: exactly one wins.
        results = await asyncio.gather(*(claim("event:Ev1", T0, timedelta(days=1))
                                         for _ in range(5)))
        assert sorted(results) == [False, False, False, False, True]
        async with uow() as u:
            assert await u.deliveries.prune(T0 + timedelta(seconds=2)) == 2
            await u.commit()
    finally:
        await engine.dispose()


async def test_installations_are_found_newest_first_and_removed_by_kind(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrations.upgrade(engine)
        uow = unit_of_work_factory(session_factory(engine))
        async with uow() as u:
            for n, kind in enumerate(("bot", "bot", "installation")):
                await u.installations.add(Installation(
                    platform="slack", kind=kind, enterprise_id=None, team_id="T1",
                    user_id="U1" if kind == "installation" else None,
                    installed_at=T0 + timedelta(minutes=n), data={"n": n}))
            await u.commit()
        async with uow() as u:
            bot = await u.installations.latest("slack", "bot", enterprise_id=None,
                                               team_id="T1")
            assert bot is not None and bot.data == {"n": 1}
            assert await u.installations.latest("slack", "bot", enterprise_id="E1",
                                                team_id="T1") is None
            assert await u.installations.remove("slack", "bot", enterprise_id=None,
                                                team_id="T1") == 2
            await u.commit()
        async with uow() as u:
            assert await u.installations.latest("slack", "bot", enterprise_id=None,
                                                team_id="T1") is None
            kept = await u.installations.latest("slack", "installation", enterprise_id=None,
                                                team_id="T1", user_id="U1")
            assert kept is not None
    finally:
        await engine.dispose()
