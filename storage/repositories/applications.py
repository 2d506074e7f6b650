"""Calls for applications, applications, their reviews, reviewers and how a lab admits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.applications import ApplicationStatus, CallStatus
from storage.models import (
    Application,
    ApplicationReview,
    LabAdmission,
    LabCall,
    LabReviewer,
    Person,
)
from storage.repositories.helpers import dialect_insert, fits


class ApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- calls ---------------------------------------------------------------------------

    async def add_call(self, call: LabCall) -> LabCall:
        stmt = select(func.coalesce(func.max(LabCall.number), 0)).where(
            LabCall.lab_id == call.lab_id)
        call.number = int((await self.session.execute(stmt)).scalar_one()) + 1
        self.session.add(call)
        await self.session.flush()
        return call

    async def call(self, call_id: int) -> LabCall | None:
        if not fits(call_id):
            return None
        return await self.session.get(LabCall, call_id)

    async def latest_call(self, lab_id: int) -> LabCall | None:
        stmt = (select(LabCall).where(LabCall.lab_id == lab_id)
                .order_by(LabCall.number.desc()).limit(1))
        return (await self.session.scalars(stmt)).first()

    async def open_calls(self) -> Sequence[LabCall]:
        stmt = select(LabCall).where(LabCall.status == CallStatus.OPEN).order_by(LabCall.id)
        return (await self.session.scalars(stmt)).all()

    async def calls_with_decisions(self) -> Sequence[LabCall]:
        stmt = select(LabCall).order_by(LabCall.id)
        return (await self.session.scalars(stmt)).all()

    # --- applications --------------------------------------------------------------------

    async def get(self, application_id: int) -> Application | None:
        if not fits(application_id):
            return None
        return await self.session.get(Application, application_id)

    async def by_number(self, call_id: int, number: int) -> Application | None:
        if not fits(number):
            return None
        stmt = select(Application).where(Application.call_id == call_id,
                                         Application.number == number)
        return (await self.session.scalars(stmt)).one_or_none()

    async def of_person(self, call_id: int, person_id: int) -> Application | None:
        stmt = select(Application).where(Application.call_id == call_id,
                                         Application.person_id == person_id)
        return (await self.session.scalars(stmt)).one_or_none()

    async def by_person(self, person_id: int) -> Sequence[Application]:
        stmt = select(Application).where(Application.person_id == person_id) \
            .order_by(Application.id)
        return (await self.session.scalars(stmt)).all()

    async def of_call(self, call_id: int) -> Sequence[Application]:
        stmt = select(Application).where(Application.call_id == call_id) \
            .order_by(Application.number)
        return (await self.session.scalars(stmt)).all()

    async def add(self, application: Application) -> Application | None:
        """Record a new application with the next number; None if this person's application
        to the call was recorded a moment ago (two sends at once)."""
        stmt = select(func.coalesce(func.max(Application.number), 0)).where(
            Application.call_id == application.call_id)
        number = int((await self.session.execute(stmt)).scalar_one()) + 1
        values = {c.key: getattr(application, c.key) for c in Application.__table__.columns
                  if c.key not in ("id", "number") and getattr(application, c.key) is not None}
        insert = dialect_insert(self.session, Application).values(
            number=number, **values).on_conflict_do_nothing(
            index_elements=[Application.call_id, Application.person_id]
        ).returning(Application.id)
        row = (await self.session.execute(insert)).first()
        if row is None:
            return None
        return await self.get(int(row[0]))

    async def holding(self, lab_id: int) -> int:
        """Accepted applicants of the lab who have not joined yet (they hold a place)."""
        stmt = select(func.count()).select_from(Application).where(
            Application.lab_id == lab_id, Application.status == ApplicationStatus.ACCEPTED)
        return int((await self.session.execute(stmt)).scalar_one())

    async def declined_before(self, moment: datetime) -> Sequence[Application]:
        stmt = select(Application).where(Application.status == ApplicationStatus.DECLINED,
                                         Application.decided_at <= moment)
        return (await self.session.scalars(stmt)).all()

    async def delete(self, ids: Sequence[int]) -> None:
        if ids:
            await self.session.execute(delete(ApplicationReview).where(
                ApplicationReview.application_id.in_(ids)))
            await self.session.execute(delete(Application).where(Application.id.in_(ids)))

    # --- reviews -------------------------------------------------------------------------

    async def reviews(self, application_ids: Sequence[int]) -> Sequence[ApplicationReview]:
        if not application_ids:
            return []
        stmt = select(ApplicationReview).where(
            ApplicationReview.application_id.in_(application_ids)).order_by(ApplicationReview.id)
        return (await self.session.scalars(stmt)).all()

    async def review(self, application_id: int, reviewer_id: int) -> ApplicationReview | None:
        stmt = select(ApplicationReview).where(
            ApplicationReview.application_id == application_id,
            ApplicationReview.reviewer_id == reviewer_id)
        return (await self.session.scalars(stmt)).one_or_none()

    async def reviews_by(self, reviewer_id: int) -> Sequence[ApplicationReview]:
        stmt = select(ApplicationReview).where(ApplicationReview.reviewer_id == reviewer_id)
        return (await self.session.scalars(stmt)).all()

    async def add_review(self, review: ApplicationReview) -> ApplicationReview:
        self.session.add(review)
        await self.session.flush()
        return review

    # --- reviewers -----------------------------------------------------------------------

    async def is_reviewer(self, lab_id: int, person_id: int) -> bool:
        stmt = select(LabReviewer.id).where(LabReviewer.lab_id == lab_id,
                                            LabReviewer.person_id == person_id)
        return (await self.session.execute(stmt)).first() is not None

    async def reviewers(self, lab_id: int) -> Sequence[LabReviewer]:
        stmt = select(LabReviewer).where(LabReviewer.lab_id == lab_id).order_by(LabReviewer.id)
        return (await self.session.scalars(stmt)).unique().all()

    async def reviewing(self, person_id: int) -> Sequence[LabReviewer]:
        stmt = select(LabReviewer).where(LabReviewer.person_id == person_id) \
            .order_by(LabReviewer.id)
        return (await self.session.scalars(stmt)).unique().all()

    async def add_reviewer(self, lab_id: int, person_id: int, by: int, now: datetime) -> bool:
        """Make someone a reviewer; False if they already were."""
        stmt = dialect_insert(self.session, LabReviewer).values(
            lab_id=lab_id, person_id=person_id, added_at=now, added_by_id=by,
        ).on_conflict_do_nothing(index_elements=[LabReviewer.lab_id, LabReviewer.person_id]) \
            .returning(LabReviewer.id)
        return (await self.session.execute(stmt)).first() is not None

    async def remove_reviewer(self, lab_id: int, person_id: int) -> bool:
        stmt = delete(LabReviewer).where(LabReviewer.lab_id == lab_id,
                                         LabReviewer.person_id == person_id) \
            .returning(LabReviewer.id)
        return (await self.session.execute(stmt)).first() is not None

    async def remove_reviewer_everywhere(self, person_id: int) -> None:
        await self.session.execute(delete(LabReviewer).where(LabReviewer.person_id == person_id))

    async def people_named(self, name: str) -> Sequence[Person]:
        """People whose name is `name` (any case): a facilitator names a reviewer so."""
        stmt = select(Person).where(func.lower(Person.display_name) == name.strip().lower())
        return (await self.session.scalars(stmt)).all()

    # --- admission -----------------------------------------------------------------------

    async def join_open(self, lab_id: int) -> bool:
        row = await self.session.get(LabAdmission, lab_id)
        return True if row is None else row.join_open

    async def set_join_open(self, lab_id: int, value: bool, now: datetime) -> None:
        row = await self.session.get(LabAdmission, lab_id)
        if row is None:
            self.session.add(LabAdmission(lab_id=lab_id, join_open=value, updated_at=now))
        else:
            row.join_open, row.updated_at = value, now
        await self.session.flush()
