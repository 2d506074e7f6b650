"""Memberships: who belongs to which lab, in which role."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lab import Role
from storage.models import Membership
from storage.repositories.helpers import dialect_insert


class MembershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, lab_id: int, person_id: int) -> Membership | None:
        stmt = select(Membership).where(
            Membership.lab_id == lab_id, Membership.person_id == person_id
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def active(self, lab_id: int) -> Sequence[Membership]:
        """Active members, facilitators first, then by when they joined."""
        stmt = (
            select(Membership)
            .where(Membership.lab_id == lab_id, Membership.active.is_(True))
            .order_by(Membership.accepted_at, Membership.id)
        )
        rows = (await self.session.scalars(stmt)).unique().all()
        order = {Role.FACILITATOR: 0, Role.SECRETARY: 1, Role.MEMBER: 2}
        return sorted(rows, key=lambda m: order[m.role])

    async def labs_of(self, person_id: int) -> Sequence[Membership]:
        stmt = select(Membership).where(
            Membership.person_id == person_id, Membership.active.is_(True)
        )
        return (await self.session.scalars(stmt)).unique().all()

    async def add(self, membership: Membership) -> Membership:
        """Record a membership; one recorded a moment ago for the same lab and person (two
        accepts at once) is returned instead of failing on the unique key."""
        values = {c.key: getattr(membership, c.key) for c in Membership.__table__.columns
                  if c.key != "id" and getattr(membership, c.key) is not None}
        stmt = dialect_insert(self.session, Membership).values(**values).on_conflict_do_nothing(
            index_elements=[Membership.lab_id, Membership.person_id],
        ).returning(Membership.id)
        await self.session.execute(stmt)
        found = await self.get(membership.lab_id, membership.person_id)
        assert found is not None  # inserted now, or by whoever won the race
        return found
