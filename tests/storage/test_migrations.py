"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from storage import migrations
from storage.db import create_engine, normalize_url
from storage.models import Base


async def _diff(url: str) -> list[Any]:
    engine = create_engine(url)
    try:
        await migrations.upgrade(engine)
        assert await migrations.current_revision(engine) == migrations.head_revision()
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}),
                    Base.metadata,
                )
            )
    finally:
        await engine.dispose()


async def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    assert await _diff(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}") == []


async def test_migrations_match_the_models_on_postgresql(pg_url: str) -> None:
    assert await _diff(pg_url) == []


async def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()


def test_platform_style_urls_are_accepted() -> None:
    assert normalize_url("postgres://u:p@h:5432/db") == "postgresql+asyncpg://u:p@h:5432/db"
    assert normalize_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"


async def test_database_errors_never_carry_the_statements_values(tmp_path: Path) -> None:
    """An error is logged; its text must not hold a ballot, a note or a name."""
    from sqlalchemy.exc import IntegrityError

    engine = create_engine(f"sqlite:///{tmp_path / 'e.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, secret TEXT)"))
            await conn.execute(text("INSERT INTO t VALUES (1, 'Research > Case studies')"))
        try:
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (:id, :secret)"),
                                   {"id": 1, "secret": "Research > Case studies"})
        except IntegrityError as exc:
            assert "Research" not in str(exc)
            assert "hidden" in str(exc)
        else:
            raise AssertionError("the duplicate key should have failed")
    finally:
        await engine.dispose()
