"""People and their platform identities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Identity, Person
from storage.repositories.helpers import dialect_insert, fits


class PersonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int) -> Person | None:
        if not fits(person_id):
            return None
        return await self.session.get(Person, person_id)

    async def by_identity(self, platform: str, workspace: str, user_id: str) -> Person | None:
        stmt = (
            select(Person)
            .join(Identity)
            .where(
                Identity.platform == platform,
                Identity.workspace == workspace,
                Identity.user_id == user_id,
            )
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def identity(self, platform: str, workspace: str, user_id: str) -> Identity | None:
        stmt = select(Identity).where(
            Identity.platform == platform,
            Identity.workspace == workspace,
            Identity.user_id == user_id,
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def identities(self, person_ids: Sequence[int]) -> Sequence[Identity]:
        if not person_ids:
            return []
        stmt = select(Identity).where(Identity.person_id.in_(person_ids)).order_by(Identity.id)
        return (await self.session.scalars(stmt)).all()

    async def names(self, person_ids: Sequence[int]) -> dict[int, str]:
        if not person_ids:
            return {}
        stmt = select(Person.id, Person.display_name).where(Person.id.in_(set(person_ids)))
        return {pid: name for pid, name in (await self.session.execute(stmt)).all()}

    async def add(self, person: Person, identity: Identity) -> Person:
        """Record a person met for the first time. If the same identity was recorded a
        moment ago (two first commands at once), that person is the one: `person` is
        dropped and the existing one returned."""
        self.session.add(person)
        await self.session.flush()
        stmt = dialect_insert(self.session, Identity).values(
            person_id=person.id, platform=identity.platform, workspace=identity.workspace,
            user_id=identity.user_id, display_name=identity.display_name,
        ).on_conflict_do_nothing(
            index_elements=[Identity.platform, Identity.workspace, Identity.user_id],
        ).returning(Identity.id)
        if (await self.session.execute(stmt)).first() is None:
            await self.session.delete(person)
            await self.session.flush()
            found = await self.by_identity(identity.platform, identity.workspace,
                                           identity.user_id)
            assert found is not None  # the row that won the race is committed
            return found
        return person

    async def claim_zone_question(self, person_id: int, now: datetime) -> bool:
        """Record that the person is being asked for their zone; False if they were already
        asked (by another process too) or have a zone by now."""
        stmt = (
            update(Person)
            .where(Person.id == person_id, Person.timezone.is_(None),
                   Person.timezone_asked_at.is_(None))
            .values(timezone_asked_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return cast(CursorResult[Any], result).rowcount == 1
