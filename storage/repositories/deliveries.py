"""Inbound deliveries already handled, so that retries run once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundDelivery
from storage.repositories.helpers import dialect_insert


class DeliveryRepository:
    """Inbound deliveries already handled, so that retries and double clicks run once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, key: str, now: datetime, *, window: timedelta) -> bool:
        """True if `key` was not handled within `window` before `now`; records it either way.

        One atomic statement (insert, or refresh a stale row), so two instances that
        receive the same delivery at once cannot both win.
        """
        stmt = dialect_insert(self.session, InboundDelivery)
        stmt = stmt.values(key=key, received_at=now).on_conflict_do_update(
            index_elements=[InboundDelivery.key],
            set_={"received_at": now},
            where=InboundDelivery.received_at <= now - window,
        ).returning(InboundDelivery.key)
        return (await self.session.execute(stmt)).first() is not None

    async def prune(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(InboundDelivery).where(InboundDelivery.received_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)
