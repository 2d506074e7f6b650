"""The unit of work: one session, its repositories, and what to do once it has committed."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import (
    ActionItemRepository,
    ApplicationRepository,
    AuditRepository,
    BallotRepository,
    DeliveryRepository,
    DraftRepository,
    InstallationRepository,
    LabRepository,
    MeetingRepository,
    MembershipRepository,
    MinutesRepository,
    OAuthStateRepository,
    PersonRepository,
    PollRepository,
    PostedCardRepository,
    ReminderRepository,
    TermsRepository,
    VoteRepository,
)

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None] | None]


class UnitOfWork:
    """`async with uow_factory() as uow: ...; await uow.commit()`.

    Leaving the block without a commit rolls everything back. Callbacks given to
    `after_commit` run only once the commit has succeeded: timers and announcements must
    never get ahead of the database.
    """

    session: AsyncSession

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._after_commit: list[AfterCommit] = []

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        self.labs = LabRepository(self.session)
        self.people = PersonRepository(self.session)
        self.members = MembershipRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.polls = PollRepository(self.session)
        self.meetings = MeetingRepository(self.session)
        self.minutes = MinutesRepository(self.session)
        self.action_items = ActionItemRepository(self.session)
        self.installations = InstallationRepository(self.session)
        self.oauth_states = OAuthStateRepository(self.session)
        self.deliveries = DeliveryRepository(self.session)
        self.votes = VoteRepository(self.session)
        self.ballots = BallotRepository(self.session)
        self.reminders = ReminderRepository(self.session)
        self.cards = PostedCardRepository(self.session)
        self.terms = TermsRepository(self.session)
        self.applications = ApplicationRepository(self.session)
        self.drafts = DraftRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() ends any transaction still open (rolling back what was not committed)
        # without expiring loaded objects, so values read inside the block stay readable.
        self._after_commit.clear()
        await self.session.close()

    def after_commit(self, callback: AfterCommit) -> None:
        self._after_commit.append(callback)

    async def commit(self) -> None:
        await self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            try:
                result = callback()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                # The data is committed; a failed follow-up (a timer, a post) is logged,
                # and the start-up rebuild or the next action picks up from the database.
                log.exception("after-commit callback failed")

    async def flush(self) -> None:
        await self.session.flush()


UnitOfWorkFactory = Callable[[], UnitOfWork]


def unit_of_work_factory(sessions: async_sessionmaker[AsyncSession]) -> UnitOfWorkFactory:
    return lambda: UnitOfWork(sessions)
