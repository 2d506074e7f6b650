"""Terms of reference: the document, its sections with every version, drafts kept from stale
saves, comments, consent answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Terms,
    TermsComment,
    TermsDraft,
    TermsResponse,
    TermsRevision,
    TermsSection,
)
from storage.repositories.helpers import fits


class TermsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, terms_id: int) -> Terms | None:
        return await self.session.get(Terms, terms_id) if fits(terms_id) else None

    async def latest(self, lab_id: int) -> Terms | None:
        stmt = select(Terms).where(Terms.lab_id == lab_id).order_by(Terms.number.desc())
        return (await self.session.scalars(stmt.limit(1))).first()

    async def of_lab(self, lab_id: int) -> Sequence[Terms]:
        stmt = select(Terms).where(Terms.lab_id == lab_id).order_by(Terms.number)
        return (await self.session.scalars(stmt)).all()

    async def next_number(self, lab_id: int) -> int:
        stmt = select(func.max(Terms.number)).where(Terms.lab_id == lab_id)
        return int((await self.session.scalar(stmt)) or 0) + 1

    async def add(self, terms: Terms) -> Terms:
        self.session.add(terms)
        await self.session.flush()
        return terms

    async def save_section(self, section: TermsSection, text: str, base_version: int,
                           by: int, now: datetime) -> bool:
        """Save `text` as the next version if the section is still at `base_version`: one
        conditional update, so of two saves against the same version exactly one wins."""
        done = await self.session.execute(
            update(TermsSection)
            .where(TermsSection.id == section.id, TermsSection.version == base_version)
            .values(text=text, version=base_version + 1, updated_at=now, updated_by_id=by)
            .execution_options(synchronize_session=False))
        if not getattr(done, "rowcount", 0):
            await self.session.refresh(section)
            return False
        await self.session.refresh(section)
        return True

    async def add_revision(self, revision: TermsRevision) -> None:
        self.session.add(revision)
        await self.session.flush()

    async def revisions(self, section_id: int) -> Sequence[TermsRevision]:
        stmt = (select(TermsRevision).where(TermsRevision.section_id == section_id)
                .order_by(TermsRevision.version))
        return (await self.session.scalars(stmt)).all()

    async def revision(self, section_id: int, version: int) -> TermsRevision | None:
        stmt = select(TermsRevision).where(TermsRevision.section_id == section_id,
                                           TermsRevision.version == version)
        return (await self.session.scalars(stmt)).one_or_none()

    async def add_draft(self, draft: TermsDraft) -> TermsDraft:
        self.session.add(draft)
        await self.session.flush()
        return draft

    async def draft(self, draft_id: int) -> TermsDraft | None:
        return await self.session.get(TermsDraft, draft_id) if fits(draft_id) else None

    async def add_comment(self, comment: TermsComment) -> None:
        self.session.add(comment)
        await self.session.flush()

    async def comments(self, section_id: int) -> Sequence[TermsComment]:
        stmt = (select(TermsComment).where(TermsComment.section_id == section_id)
                .order_by(TermsComment.id))
        return (await self.session.scalars(stmt)).all()

    async def responses(self, terms_id: int, round_: int) -> Sequence[TermsResponse]:
        stmt = (select(TermsResponse)
                .where(TermsResponse.terms_id == terms_id, TermsResponse.round == round_)
                .order_by(TermsResponse.id))
        return (await self.session.scalars(stmt)).all()

    async def response_of(self, terms_id: int, round_: int, person_id: int
                          ) -> TermsResponse | None:
        stmt = select(TermsResponse).where(
            TermsResponse.terms_id == terms_id, TermsResponse.round == round_,
            TermsResponse.person_id == person_id)
        return (await self.session.scalars(stmt)).one_or_none()

    async def add_response(self, response: TermsResponse) -> None:
        self.session.add(response)
        await self.session.flush()

