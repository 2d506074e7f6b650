"""Engines: SQLite (aiosqlite, WAL, foreign keys on) by default, PostgreSQL (asyncpg) by URL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


class DatabaseUrlError(ValueError):
    pass


def normalize_url(url: str) -> str:
    """Accept the URLs operators paste and return one SQLAlchemy's async drivers take.

    `postgres://` and `postgresql://` (as platforms set DATABASE_URL) become
    `postgresql+asyncpg://`; `sqlite:///` becomes `sqlite+aiosqlite:///`.
    """
    url = url.strip()
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            url = driver + url[len(plain):]
            break
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError; keep the message ours
        raise DatabaseUrlError(f"cannot read DATABASE_URL ({exc.__class__.__name__})") from None
    if parsed.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise DatabaseUrlError(
            f"DATABASE_URL uses {parsed.drivername!r}; use sqlite+aiosqlite:///path.db or "
            "postgresql+asyncpg://user:password@host/db (postgres:// is accepted too)"
        )
    return url


def is_sqlite(url: str) -> bool:
    return normalize_url(url).startswith("sqlite")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while a writer commits; busy_timeout makes a second process
    # sharing the file wait for the lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An engine for `url`. Unless SQL echo is on (debugging, on purpose), statement
    parameters stay out of error messages: they hold ballots, notes and names, and an error
    is logged."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, hide_parameters=not echo)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, echo=echo, hide_parameters=not echo, pool_pre_ping=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
