"""The inbox's queries: record an acknowledged event once, claim it, finish it, take over
what an instance left unfinished. Every state change is one conditional statement, so two
instances can never both run the same row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundDelivery, InboxEntry

QUEUED, RUNNING, DONE, TOLD = "queued", "running", "done", "told"
UNFINISHED = (QUEUED, RUNNING)


def _insert(session: AsyncSession, table: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, values: dict[str, Any]) -> int | None:
        """Insert a row; its id, or None when a row with the same key exists (a
        re-delivery). One statement, so it holds across instances."""
        stmt = _insert(self.session, InboxEntry).values(**values).on_conflict_do_nothing(
            index_elements=[InboxEntry.key]).returning(InboxEntry.id)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else int(row[0])

    async def record_many(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Insert rows in one statement; {key: id} of those inserted (a key already
        recorded, a re-delivery, is left out)."""
        stmt = _insert(self.session, InboxEntry).values(rows).on_conflict_do_nothing(
            index_elements=[InboxEntry.key]).returning(InboxEntry.id, InboxEntry.key)
        return {str(key): int(entry_id) for entry_id, key in
                (await self.session.execute(stmt)).all()}

    async def exists(self, key: str) -> bool:
        return (await self.session.scalar(
            select(InboxEntry.id).where(InboxEntry.key == key))) is not None

    async def press(self, key: str, now: datetime, window: timedelta) -> bool:
        """The same control pressed again within `window`: False. Kept in the deliveries
        table, since a press is remembered for seconds, not as long as a delivery."""
        stmt = _insert(self.session, InboundDelivery).values(
            key=key, received_at=now).on_conflict_do_update(
            index_elements=[InboundDelivery.key], set_={"received_at": now},
            where=InboundDelivery.received_at <= now - window,
        ).returning(InboundDelivery.key)
        return (await self.session.execute(stmt)).first() is not None

    async def start(self, entry_id: int, owner: str, now: datetime, lease: timedelta) -> bool:
        """queued -> running, by its owner: False if someone else has it, or it is over."""
        result = await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.id == entry_id, InboxEntry.status == QUEUED,
                   InboxEntry.owner == owner)
            .values(status=RUNNING, attempts=InboxEntry.attempts + 1,
                    lease_until=now + lease)
        )
        return bool(getattr(result, "rowcount", 0))

    async def finish(self, entry_id: int, now: datetime, status: str = DONE) -> None:
        await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.id == entry_id, InboxEntry.status.in_(UNFINISHED))
            .values(status=status, finished_at=now, lease_until=None)
        )

    async def renew(self, owner: str, until: datetime) -> None:
        await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.owner == owner, InboxEntry.status.in_(UNFINISHED))
            .values(lease_until=until)
        )

    async def release(self, owner: str, now: datetime) -> None:
        """Leave this owner's unfinished rows to whichever instance looks next (a
        shutdown): a `running` one committed nothing, since `done` rides on its commit."""
        await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.owner == owner, InboxEntry.status.in_(UNFINISHED))
            .values(lease_until=now)
        )

    async def abandoned(self, platforms: Sequence[str], now: datetime,
                        limit: int = 200) -> list[InboxEntry]:
        """Unfinished rows whose owner's lease ran out, oldest first."""
        rows = await self.session.scalars(
            select(InboxEntry)
            .where(InboxEntry.status.in_(UNFINISHED), InboxEntry.lease_until < now,
                   InboxEntry.platform.in_(list(platforms)))
            .order_by(InboxEntry.id).limit(limit)
        )
        return list(rows)

    async def take_over(self, entry_id: int, owner: str, now: datetime,
                        lease: timedelta) -> bool:
        """Claim an abandoned row (its lease ran out): exactly one instance wins."""
        result = await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.id == entry_id, InboxEntry.status.in_(UNFINISHED),
                   InboxEntry.lease_until < now)
            .values(owner=owner, status=QUEUED, lease_until=now + lease)
        )
        return bool(getattr(result, "rowcount", 0))

    async def prune(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(InboxEntry).where(InboxEntry.received_at < before,
                                     InboxEntry.status.not_in(UNFINISHED))
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def get(self, entry_id: int) -> InboxEntry | None:
        return await self.session.get(InboxEntry, entry_id)
