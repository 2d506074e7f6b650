"""Votes and their ballots."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.votes import VoteStatus
from storage.models import Ballot, Vote, VoteOption
from storage.repositories.helpers import claim_close, dialect_insert, fits


class VoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, vote_id: int) -> Vote | None:
        if not fits(vote_id):
            return None
        return await self.session.get(Vote, vote_id)

    async def by_number(self, lab_id: int, number: int) -> Vote | None:
        if not fits(lab_id, number):
            return None
        stmt = select(Vote).where(Vote.lab_id == lab_id, Vote.number == number,
                                  Vote.status != VoteStatus.DELETED)
        return (await self.session.scalars(stmt)).one_or_none()

    async def deleted_by_number(self, lab_id: int, number: int) -> Vote | None:
        """The lab's deleted vote with this number (for a restore), if there is one."""
        if not fits(lab_id, number):
            return None
        stmt = select(Vote).where(Vote.lab_id == lab_id, Vote.number == number,
                                  Vote.status == VoteStatus.DELETED)
        return (await self.session.scalars(stmt)).one_or_none()

    async def for_lab(self, lab_id: int, *, status: VoteStatus | None = None) -> Sequence[Vote]:
        """The lab's votes (never the deleted ones), by number."""
        stmt = select(Vote).where(Vote.lab_id == lab_id, Vote.status != VoteStatus.DELETED)
        if status is not None:
            stmt = stmt.where(Vote.status == status)
        return (await self.session.scalars(stmt.order_by(Vote.number))).all()

    async def next_number(self, lab_id: int) -> int:
        stmt = select(func.max(Vote.number)).where(Vote.lab_id == lab_id)
        return int((await self.session.scalar(stmt)) or 0) + 1

    async def add(self, vote: Vote, options: Sequence[str],
                  descriptions: Sequence[str | None] = ()) -> Vote:
        """Store `vote` with its options (and each option's description, if given)."""
        cases = list(descriptions) + [None] * (len(options) - len(descriptions))
        vote.options = [VoteOption(position=i, label=o, description=d)
                        for i, (o, d) in enumerate(zip(options, cases, strict=True), 1)]
        self.session.add(vote)
        await self.session.flush()
        return vote

    async def claim_close(self, vote_id: int, now: datetime, by: int | None) -> bool:
        """Mark the vote closed if it is still open; False if someone else got there first."""
        return await claim_close(self.session, Vote, vote_id, now, by)

    async def hold_open(self, vote_id: int, now: datetime | None) -> bool:
        """Lock the vote's row for this transaction if it still takes ballots at `now`
        (`None`: if it is still open, whatever its close time).

        A conditional update, made before a ballot is written or withdrawn: it sees the
        latest committed state (a close committed a moment ago makes it match nothing), and
        it holds the row until commit, so a `claim_close` that comes after waits, and then
        counts this transaction's ballot. Check and write are thereby one step, on SQLite and
        on PostgreSQL alike.
        """
        stmt = update(Vote).where(Vote.id == vote_id, Vote.status == VoteStatus.OPEN)
        if now is not None:
            stmt = stmt.where(or_(Vote.closes_at.is_(None), Vote.closes_at > now))
        done = await self.session.execute(
            stmt.values(status=Vote.status).execution_options(synchronize_session=False))
        return bool(getattr(done, "rowcount", 0))

    async def reload(self, vote: Vote) -> bool:
        """Read the vote's row again as committed now; False if it has been deleted."""
        try:
            await self.session.refresh(vote)
        except InvalidRequestError:
            return False
        return True

    async def due(self, now: datetime) -> Sequence[Vote]:
        """Open votes whose close time has come (for the timer that closes them)."""
        stmt = select(Vote).where(Vote.status == VoteStatus.OPEN, Vote.closes_at.is_not(None),
                                  Vote.closes_at <= now).order_by(Vote.closes_at)
        return (await self.session.scalars(stmt)).all()

    async def open_with_deadline(self) -> Sequence[Vote]:
        stmt = select(Vote).where(Vote.status == VoteStatus.OPEN, Vote.closes_at.is_not(None))
        return (await self.session.scalars(stmt.order_by(Vote.closes_at))).all()

    async def mark_deleted(self, vote_id: int, now: datetime) -> bool:
        """Delete an open vote softly (row and ballots kept); False if it is no longer open.
        Conditional like a close, so a delete and a close never both happen."""
        done = await self.session.execute(
            update(Vote).where(Vote.id == vote_id, Vote.status == VoteStatus.OPEN)
            .values(status=VoteStatus.DELETED, deleted_at=now)
            .execution_options(synchronize_session=False))
        if getattr(done, "rowcount", 0):
            vote = await self.get(vote_id)
            if vote is not None:
                await self.session.refresh(vote)
            return True
        return False


class BallotRepository:
    """Ballots. Reads that name a voter serve only that voter; the count reads rankings."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of(self, vote_id: int, person_id: int) -> Ballot | None:
        stmt = select(Ballot).where(Ballot.vote_id == vote_id, Ballot.person_id == person_id)
        return (await self.session.scalars(stmt)).one_or_none()

    async def cast(self, vote_id: int, person_id: int, ranking: list[int], at: datetime
                   ) -> tuple[Ballot, bool]:
        """Record or replace a voter's ballot; True when it replaced an earlier one.

        Call `VoteRepository.hold_open` first, in the same transaction. One upsert, so two
        ballots saved at the same moment never collide on the unique key; the one cast
        later (by `at`) is the one kept, whichever reaches the database first."""
        earlier = await self.session.scalar(select(Ballot.id).where(
            Ballot.vote_id == vote_id, Ballot.person_id == person_id))
        stmt = dialect_insert(self.session, Ballot).values(
            vote_id=vote_id, person_id=person_id, ranking=list(ranking), cast_at=at,
            fresh=True, shown=False)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Ballot.vote_id, Ballot.person_id],
            set_={"ranking": stmt.excluded.ranking, "cast_at": stmt.excluded.cast_at,
                  "fresh": True},
            where=or_(Ballot.cast_at.is_(None), Ballot.cast_at <= stmt.excluded.cast_at),
        )
        await self.session.execute(stmt)
        ballot = (await self.session.scalars(
            select(Ballot).where(Ballot.vote_id == vote_id, Ballot.person_id == person_id)
            .execution_options(populate_existing=True))).one()
        return ballot, earlier is not None

    async def rankings(self, vote_id: int) -> list[list[int]]:
        stmt = select(Ballot.ranking).where(Ballot.vote_id == vote_id)
        return [list(r) for r in (await self.session.scalars(stmt)).all()]

    async def voters(self, vote_id: int) -> set[int]:
        stmt = select(Ballot.person_id).where(Ballot.vote_id == vote_id,
                                              Ballot.person_id.is_not(None))
        return {int(p) for p in (await self.session.scalars(stmt)).all() if p is not None}

    async def count(self, vote_id: int) -> int:
        stmt = select(func.count(Ballot.id)).where(Ballot.vote_id == vote_id)
        return int((await self.session.scalar(stmt)) or 0)

    async def fresh(self, vote_id: int) -> int:
        """How many ballots were cast or changed since the live count was last refreshed."""
        stmt = select(func.count(Ballot.id)).where(Ballot.vote_id == vote_id,
                                                   Ballot.fresh.is_(True))
        return int((await self.session.scalar(stmt)) or 0)

    async def mark_shown(self, vote_id: int) -> None:
        """Every ballot is now in the live count on show."""
        await self.session.execute(
            update(Ballot).where(Ballot.vote_id == vote_id).values(fresh=False, shown=True)
            .execution_options(synchronize_session=False)
        )

    async def withdraw(self, vote_id: int, person_id: int, *, keep_shown: bool) -> str | None:
        """Take a voter's ballot out of an open vote: "withdrawn", "kept" (it is in a live
        count already shown and `keep_shown`), or None if they had no ballot."""
        ballot = await self.of(vote_id, person_id)
        if ballot is None:
            return None
        if keep_shown and ballot.shown:
            return "kept"
        await self.session.delete(ballot)
        await self.session.flush()
        return "withdrawn"

    async def anonymise(self, vote_id: int, rng: random.Random | None = None) -> int:
        """Make the vote's stored ballots unlinkable (done at the close, with the count).

        Erasing the voter and the time is not enough: ids handed out in cast order would
        still line up with the audit log's cast order. So the ballots are deleted and
        inserted again in a random order (the operating system's randomness), each with a
        fresh id and nothing but its ranking. Returns how many there are.
        """
        rankings = await self.rankings(vote_id)
        (rng or random.SystemRandom()).shuffle(rankings)
        await self.session.execute(delete(Ballot).where(Ballot.vote_id == vote_id))
        self.session.add_all([Ballot(vote_id=vote_id, person_id=None, ranking=ranking,
                                     cast_at=None, fresh=False, shown=False)
                              for ranking in rankings])
        await self.session.flush()
        return len(rankings)

    async def cast_by(self, person_id: int, vote_ids: Sequence[int]) -> set[int]:
        """Which of `vote_ids` this person has a ballot in."""
        if not vote_ids:
            return set()
        stmt = select(Ballot.vote_id).where(Ballot.person_id == person_id,
                                            Ballot.vote_id.in_(vote_ids))
        return set((await self.session.scalars(stmt)).all())
