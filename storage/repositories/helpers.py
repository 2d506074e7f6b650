"""What the repository modules share: the bound on stored numbers, the dialect-aware
upsert, refreshing rows an upsert wrote past the session, closing a poll or vote once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.polls import PollStatus
from bot.domain.votes import VoteStatus
from storage.models import Poll, Vote

# Every id and number column is a 32-bit integer on PostgreSQL (and at most 64 bits on
# SQLite): a value past that, typed or carried in a control, names no row. Lookups answer
# "not found" for it instead of letting the driver overflow.
INT_MAX = 2**31 - 1


def fits(*numbers: int) -> bool:
    return all(isinstance(n, int) and -INT_MAX - 1 <= n <= INT_MAX for n in numbers)


def dialect_insert(session: AsyncSession, model: Any) -> Any:
    """An INSERT that can say what to do ON CONFLICT, in this session's dialect.

    Rows with a unique key that two people (or two deliveries) may write at the same moment
    are written with it, in one statement: reading first and inserting after loses the race
    to whoever inserts in between, as a unique violation.
    """
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(model)
    return sqlite_insert(model)


async def refresh_held(session: AsyncSession, model: Any, *where: Any) -> None:
    """Reload the rows of `model` matching `where` that this session already holds: an
    upsert writes past the session, which would otherwise go on showing what it read."""
    await session.execute(select(model).where(*where)
                          .execution_options(populate_existing=True))


async def claim_close(session: AsyncSession, model: type[Poll] | type[Vote], row_id: int,
                      now: datetime, by: int | None) -> bool:
    """Close the poll or vote if it is still open, in one conditional UPDATE; whether this
    session was the one that closed it. A copy of the row read earlier is refreshed, since it
    still says "open"."""
    opened, closed = ((PollStatus.OPEN, PollStatus.CLOSED) if model is Poll
                      else (VoteStatus.OPEN, VoteStatus.CLOSED))
    stmt = (
        update(model)
        .where(model.id == row_id, model.status == opened)
        .values(status=closed, closed_at=now, closed_by_id=by)
        .execution_options(synchronize_session=False)
    )
    done = await session.execute(stmt)
    claimed = bool(getattr(done, "rowcount", 0))
    if claimed:
        row = await session.get(model, row_id)
        if row is not None:
            await session.refresh(row)
    return claimed
