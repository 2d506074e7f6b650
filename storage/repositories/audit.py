"""The audit log: append-only, written and read, never changed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


class AuditRepository:
    """Append-only by design: there is `record` and there are reads, nothing else."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self, *, lab_id: int | None, actor_id: int | None, action: str, at: datetime,
        **detail: Any,
    ) -> None:
        self.session.add(
            AuditEntry(lab_id=lab_id, actor_id=actor_id, action=action, detail=detail, at=at)
        )
        await self.session.flush()

    async def for_lab(self, lab_id: int, *, action: str | None = None) -> Sequence[AuditEntry]:
        stmt = select(AuditEntry).where(AuditEntry.lab_id == lab_id)
        if action is not None:
            stmt = stmt.where(AuditEntry.action == action)
        return (await self.session.scalars(stmt.order_by(AuditEntry.id))).all()

    async def page(
        self, lab_id: int, *, offset: int, limit: int
    ) -> tuple[Sequence[AuditEntry], int]:
        """Newest first, `limit` entries from `offset`, and how many there are in all."""
        total = await self.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.lab_id == lab_id)
        )
        stmt = (select(AuditEntry).where(AuditEntry.lab_id == lab_id)
                .order_by(AuditEntry.id.desc()).offset(offset).limit(limit))
        return (await self.session.scalars(stmt)).all(), int(total or 0)
