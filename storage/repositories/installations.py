"""Slack app installations and the one-time OAuth states that make them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Installation, OAuthState


class InstallationRepository:
    """OAuth installations of a platform app, newest first; see storage.models.Installation."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: Installation) -> Installation:
        self.session.add(row)
        await self.session.flush()
        return row

    async def latest(
        self, platform: str, kind: str, *, enterprise_id: str | None, team_id: str | None,
        user_id: str | None = None,
    ) -> Installation | None:
        stmt = select(Installation).where(
            Installation.platform == platform, Installation.kind == kind,
            Installation.enterprise_id.is_(None) if enterprise_id is None
            else Installation.enterprise_id == enterprise_id,
            Installation.team_id.is_(None) if team_id is None
            else Installation.team_id == team_id,
        )
        if user_id is not None:
            stmt = stmt.where(Installation.user_id == user_id)
        stmt = stmt.order_by(Installation.installed_at.desc(), Installation.id.desc()).limit(1)
        return (await self.session.scalars(stmt)).first()

    async def remove(
        self, platform: str, kind: str, *, enterprise_id: str | None, team_id: str | None,
        user_id: str | None = None,
    ) -> int:
        stmt = delete(Installation).where(
            Installation.platform == platform, Installation.kind == kind,
            Installation.enterprise_id.is_(None) if enterprise_id is None
            else Installation.enterprise_id == enterprise_id,
            Installation.team_id.is_(None) if team_id is None
            else Installation.team_id == team_id,
        )
        if user_id is not None:
            stmt = stmt.where(Installation.user_id == user_id)
        result = await self.session.execute(stmt)
        return int(getattr(result, "rowcount", 0) or 0)


class OAuthStateRepository:
    """One-time OAuth states: issued once, consumed once, useless after they expire."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue(self, state: str, expires_at: datetime) -> None:
        self.session.add(OAuthState(state=state, expires_at=expires_at))
        await self.session.flush()

    async def consume(self, state: str, now: datetime) -> bool:
        """True once for a state issued here and not yet expired; it is gone afterwards."""
        row = await self.session.get(OAuthState, state)
        if row is None:
            return False
        await self.session.delete(row)
        await self.session.flush()
        return row.expires_at > now
