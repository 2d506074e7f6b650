"""Migration link_purpose: a code made before it is kept only as its hash afterwards, as a
channel code; and the migration goes down again cleanly."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time
from pathlib import Path

from alembic import command
from sqlalchemy import DateTime, Time, bindparam, text

from storage import migrations
from storage.db import create_engine, normalize_url

NOW = datetime(2027, 1, 4, 10, tzinfo=UTC)


async def _check(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrations.upgrade(engine, "zone_asked")
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO people (display_name, created_at) VALUES ('Gemma', :now)"),
                {"now": NOW})
            await conn.execute(text(
                "INSERT INTO labs (name, timezone, window_start, window_end, days, "
                "member_limit, commitment, created_at, created_by_id) VALUES ('Lab', 'UTC', "
                ":start, :end, 'mon-fri', 6, 'c', :now, 1)").bindparams(
                bindparam("start", type_=Time()), bindparam("end", type_=Time()),
                bindparam("now", type_=DateTime(timezone=True))),
                {"now": NOW, "start": time(9), "end": time(17)})
            await conn.execute(text(
                "INSERT INTO channel_links (code, lab_id, person_id, created_at, expires_at) "
                "VALUES ('K7Q2XM', 1, 1, :now, :now)"), {"now": NOW})
        await migrations.upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT code_hash, purpose, lab_id FROM channel_links"))).all()
        assert rows == [(hashlib.sha256(b"K7Q2XM").hexdigest(), "channel", 1)]
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: command.downgrade(
                migrations.alembic_config(sync), "zone_asked"))
        assert await migrations.current_revision(engine) == "zone_asked"
    finally:
        await engine.dispose()


async def test_old_codes_are_hashed_on_sqlite(tmp_path: Path) -> None:
    await _check(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


async def test_old_codes_are_hashed_on_postgresql(pg_url: str) -> None:
    await _check(normalize_url(pg_url))
