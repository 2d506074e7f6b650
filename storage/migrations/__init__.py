"""Alembic migrations, run by `actionlab migrate` (and at start-up on the embedded default)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

HERE = Path(__file__).parent


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database up to `revision` (the newest by default)."""
    async with engine.connect() as conn:
        # SQLite alters a table by copying it and dropping the old one (batch mode): with
        # foreign keys enforced, that drop would cascade into every table pointing at it
        # (a lab's memberships, codes, polls ...). Off while migrating, as Alembic advises;
        # the pragma is a no-op inside a transaction, so it is set before one begins.
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.commit()
        try:
            await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
            await conn.commit()
        finally:
            if sqlite:
                await conn.rollback()
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                await conn.commit()


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


class SchemaOutOfDate(Exception):
    """The database needs `actionlab migrate` before this release can use it."""


async def require_current(engine: AsyncEngine) -> None:
    """Raise SchemaOutOfDate unless the database is at this release's newest revision."""
    current = await current_revision(engine)
    head = head_revision()
    if current != head:
        raise SchemaOutOfDate(
            f"the database schema is at revision {current or 'none (an empty database)'}, "
            f"this release needs {head}: run `actionlab migrate` first"
        )


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
