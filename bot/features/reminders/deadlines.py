"""Closing polls and votes at their deadline: what a `close` reminder does when it falls due.

The poll or vote feature registers how to close its own kind (`@router.subject(...,
close=...)`, bot/subjects.py); the reminder row only says when.
"""

from __future__ import annotations

from datetime import datetime

from bot.context import Context
from bot.subjects import SubjectKind
from storage.uow import UnitOfWork


async def close_at_deadline(ctx: Context, uow: UnitOfWork, kind: SubjectKind | None,
                            subject_id: int, now: datetime) -> bool:
    """Close the poll or vote `subject_id` of `kind` at its deadline, in the caller's unit of
    work; False when no feature registered how to close that kind."""
    if kind is None or kind.close is None:
        return False
    await kind.close(ctx, uow, subject_id, now)
    return True
