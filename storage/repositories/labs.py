"""Labs, the channels bound to them and the link codes that bind more."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelLink, Lab, LabChannel
from storage.repositories.helpers import fits


class LabRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, lab_id: int) -> Lab | None:
        if not fits(lab_id):
            return None
        return await self.session.get(Lab, lab_id)

    async def by_channel(self, platform: str, workspace: str, channel: str) -> Lab | None:
        stmt = (
            select(Lab)
            .join(LabChannel)
            .where(
                LabChannel.platform == platform,
                LabChannel.workspace == workspace,
                LabChannel.channel == channel,
            )
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def by_name(self, name: str) -> Sequence[Lab]:
        stmt = select(Lab).where(func.lower(Lab.name) == name.strip().lower()).order_by(Lab.id)
        return (await self.session.scalars(stmt)).all()

    async def add(self, lab: Lab) -> Lab:
        self.session.add(lab)
        await self.session.flush()
        return lab

    async def bind(
        self, lab_id: int, platform: str, workspace: str, channel: str, at: datetime
    ) -> LabChannel:
        bound = LabChannel(lab_id=lab_id, platform=platform, workspace=workspace,
                           channel=channel, bound_at=at)
        self.session.add(bound)
        await self.session.flush()
        return bound

    async def channels(self, lab_id: int) -> Sequence[LabChannel]:
        stmt = select(LabChannel).where(LabChannel.lab_id == lab_id).order_by(LabChannel.id)
        return (await self.session.scalars(stmt)).all()

    async def all(self) -> Sequence[Lab]:
        return (await self.session.scalars(select(Lab).order_by(Lab.id))).all()

    async def add_link(self, link: ChannelLink) -> ChannelLink:
        self.session.add(link)
        await self.session.flush()
        return link

    async def links_since(self, since: datetime) -> Sequence[ChannelLink]:
        """Every link code made since `since`, used or not: the few a typed code is compared
        with (in constant time, by the caller), so that a used or an expired code can be
        told apart from one that never was."""
        stmt = select(ChannelLink).where(ChannelLink.created_at >= since).order_by(
            ChannelLink.id)
        return (await self.session.scalars(stmt)).all()

    async def prune_links(self, before: datetime) -> None:
        """Forget link codes made before `before`: long expired, they only cost lookups."""
        await self.session.execute(delete(ChannelLink).where(ChannelLink.created_at < before))

    async def archive(self, lab_id: int, now: datetime, by: int | None) -> bool:
        """Mark the lab archived if it is not yet, in one conditional UPDATE; whether this
        session was the one that archived it (two facilitators pressing at once archive it
        once). A copy of the row read earlier is refreshed."""
        stmt = (
            update(Lab)
            .where(Lab.id == lab_id, Lab.archived_at.is_(None))
            .values(archived_at=now, archived_by_id=by)
            .execution_options(synchronize_session=False)
        )
        done = await self.session.execute(stmt)
        claimed = bool(getattr(done, "rowcount", 0))
        if claimed:
            row = await self.session.get(Lab, lab_id)
            if row is not None:
                await self.session.refresh(row)
        return claimed
