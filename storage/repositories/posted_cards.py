"""Posted cards: the public messages to redraw when their poll, vote or meeting changes.

Every change of a row's state is a conditional update whose row count says whether this
process won it, as reminders' are: that is what lets several processes share the work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PostedCard


class PostedCardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *, lab_id: int, kind: str, subject_id: int, platform: str,
                  workspace: str, channel: str, message_id: str, now: datetime) -> PostedCard:
        card = PostedCard(lab_id=lab_id, kind=kind, subject_id=subject_id, platform=platform,
                          workspace=workspace, channel=channel, message_id=message_id,
                          version=0, drawn_version=0, attempts=0, created_at=now, drawn_at=now)
        self.session.add(card)
        await self.session.flush()
        return card

    async def get(self, card_id: int) -> PostedCard | None:
        return await self.session.get(PostedCard, card_id, populate_existing=True)

    async def of_subject(self, kind: str, subject_id: int) -> list[PostedCard]:
        rows = await self.session.scalars(
            select(PostedCard).where(PostedCard.kind == kind, PostedCard.subject_id == subject_id)
            .order_by(PostedCard.id))
        return list(rows)

    async def mark_dirty(self, kind: str, subject_id: int, now: datetime, gap: timedelta
                         ) -> datetime | None:
        """Ask for the subject's cards to be redrawn: no sooner than `gap` after each one's
        last edit; a card already waiting keeps its moment (the latest state is drawn then).
        Returns the earliest moment one of them is due, None if it has no cards."""
        earliest: datetime | None = None
        for card in await self.of_subject(kind, subject_id):
            due = card.due_at
            if due is None:
                due = max(now, card.drawn_at + gap) if card.drawn_at is not None else now
            await self.session.execute(
                update(PostedCard).where(PostedCard.id == card.id)
                .values(version=PostedCard.version + 1,
                        due_at=func.coalesce(PostedCard.due_at, due))
                .execution_options(synchronize_session=False))
            earliest = due if earliest is None else min(earliest, due)
        return earliest

    def _free(self, now: datetime) -> Any:
        return or_(PostedCard.claimed_until.is_(None), PostedCard.claimed_until < now)

    async def due(self, now: datetime, platforms: Sequence[str], limit: int = 100
                  ) -> list[PostedCard]:
        """Cards due for a redraw on these platforms that nobody holds."""
        rows = await self.session.scalars(
            select(PostedCard).where(PostedCard.due_at <= now, self._free(now),
                                     PostedCard.platform.in_(list(platforms)))
            .order_by(PostedCard.due_at).limit(limit))
        return list(rows)

    async def next_due(self, platforms: Sequence[str]) -> datetime | None:
        """The earliest moment a card of these platforms is due (claimed or not)."""
        value: datetime | None = await self.session.scalar(
            select(func.min(PostedCard.due_at)).where(PostedCard.platform.in_(list(platforms))))
        return value

    async def _change(self, card_id: int, where: Sequence[Any], **values: Any) -> bool:
        result = await self.session.execute(
            update(PostedCard).where(PostedCard.id == card_id, *where).values(**values)
            .execution_options(synchronize_session=False))
        return cast(CursorResult[Any], result).rowcount == 1

    async def claim(self, card_id: int, now: datetime, lease: timedelta) -> bool:
        """Hold a due card for `lease` while this process redraws it, if nobody else does."""
        return await self._change(card_id, [PostedCard.due_at <= now, self._free(now)],
                                  claimed_until=now + lease)

    async def drawn(self, card_id: int, version: int, now: datetime, gap: timedelta) -> None:
        """The card shows `version`: clean, unless a change came while it was being drawn,
        in which case it is due again `gap` from now."""
        if not await self._change(card_id, [PostedCard.version == version], due_at=None,
                                  drawn_at=now, drawn_version=version, claimed_until=None,
                                  attempts=0):
            await self._change(card_id, [], due_at=now + gap, drawn_at=now,
                               drawn_version=version, claimed_until=None, attempts=0)

    async def later(self, card_id: int, until: datetime, *, failed: bool = False) -> None:
        """Let go of a card to be tried again at `until` (a rate limit, a failure)."""
        await self._change(card_id, [], due_at=until, claimed_until=None,
                           **({"attempts": PostedCard.attempts + 1} if failed else {}))

    async def forget(self, card_id: int) -> None:
        await self.session.execute(delete(PostedCard).where(PostedCard.id == card_id))

    async def forget_subject(self, kind: str, subject_id: int) -> None:
        await self.session.execute(delete(PostedCard).where(
            and_(PostedCard.kind == kind, PostedCard.subject_id == subject_id)))
