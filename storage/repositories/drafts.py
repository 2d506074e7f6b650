"""Drafts: what someone typed into a form that was refused, and commands waiting for their
confirmation (a vote previewed before it is opened), kept until they expire."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FormDraft
from storage.repositories.helpers import fits


class DraftRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *, kind: str, lab_id: int | None, person_id: int,
                  payload: dict[str, Any], now: datetime, expires_at: datetime) -> FormDraft:
        draft = FormDraft(kind=kind, lab_id=lab_id, person_id=person_id, payload=payload,
                          created_at=now, expires_at=expires_at)
        self.session.add(draft)
        await self.session.flush()
        return draft

    async def live(self, draft_id: int, person_id: int, now: datetime,
                   kind: str | None = None) -> FormDraft | None:
        """The draft, if it is this person's, of `kind` (when given) and not yet expired."""
        if not fits(draft_id):
            return None
        draft = await self.session.get(FormDraft, draft_id)
        if draft is None or draft.person_id != person_id or draft.expires_at <= now or (
                kind is not None and draft.kind != kind):
            return None
        return draft

    async def remove(self, draft: FormDraft) -> None:
        await self.session.delete(draft)
        await self.session.flush()

    async def purge(self, now: datetime) -> int:
        """Forget every expired draft; how many were."""
        result = await self.session.execute(delete(FormDraft).where(FormDraft.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)
