"""Archiving a lab and sending its record.

`archive` closes what is still open through each feature's own close (`close_poll`,
`close_vote`: counted, recorded, announced, as a facilitator's close), marks the lab archived
with one conditional update (two facilitators pressing at once archive it once), cancels its
pending reminders and records it. From then on the dispatcher answers every command and
control in the lab, but those open when archived, with how to get the record.

`send_record` makes the bundle after the commit: it reads the record in a fresh unit of work,
closes it, renders and zips in a worker thread, and sends the zip privately.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from bot.context import Context
from bot.domain.minutes import MinutesStatus
from bot.domain.polls import PollStatus
from bot.domain.terms import TermsStatus
from bot.domain.votes import VoteStatus
from bot.errors import NotFound
from bot.features.archive.record import bundle, read_record
from bot.features.polls import close_poll
from bot.features.reminders import disarm_after_commit
from bot.features.votes import close_vote
from bot.i18n import _
from bot.messages import Card, File, Header, Recipient, Text
from bot.messages import Context as Small
from storage.models import Lab, Poll, Vote
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Open:
    """What is still going on in a lab when someone asks to archive it."""

    polls: list[Poll]
    votes: list[Vote]
    minutes: list[str]  # titles of minutes not ended (kept as they are)
    consent: list[str]  # terms of reference in a consent round (kept as they are)

    @property
    def closable(self) -> bool:
        return bool(self.polls or self.votes)

    @property
    def token(self) -> str:
        """A short fingerprint of the open polls and votes, carried by the confirm button:
        if the set changed since the card was shown, the press asks again."""
        ids = ",".join([f"p{p.id}" for p in self.polls] + [f"v{v.id}" for v in self.votes])
        return hashlib.sha256(ids.encode()).hexdigest()[:10]


async def still_open(uow: UnitOfWork, lab: Lab) -> Open:
    polls = list(await uow.polls.of_lab(lab.id, status=PollStatus.OPEN))
    votes = list(await uow.votes.for_lab(lab.id, status=VoteStatus.OPEN))
    minutes = [m.title for m in await uow.minutes.of_lab(lab.id)
               if m.status == MinutesStatus.OPEN]
    consent = [t.title for t in await uow.terms.of_lab(lab.id)
               if t.status == TermsStatus.CONSENT]
    return Open(polls, votes, minutes, consent)


async def archive(ctx: Context, uow: UnitOfWork, lab: Lab, by: int, now: datetime
                  ) -> tuple[list[int], list[int]] | None:
    """Archive `lab` in the caller's unit of work (commit it after); the numbers of the polls
    and votes it closed, or None if the lab was archived meanwhile (by someone else)."""
    if not await uow.labs.archive(lab.id, now, by):
        return None
    # Read after the claim: whatever opened before it is closed here, and anything that
    # starts later finds the lab archived.
    found = await still_open(uow, lab)
    closed_polls, closed_votes = [], []
    for poll in found.polls:  # closed as a facilitator's close would: counted, announced
        if await close_poll(ctx, uow, poll.id, now, closed_by=by):
            closed_polls.append(poll.number)
    for vote in found.votes:
        if await close_vote(ctx, uow, vote.id, now, closed_by=by) is not None:
            closed_votes.append(vote.number)
    cancelled = await uow.reminders.cancel_lab(lab.id, "the lab is archived")
    disarm_after_commit(ctx, uow, cancelled)
    await uow.audit.record(lab_id=lab.id, actor_id=by, action="lab.archived", at=now,
                           polls_closed=closed_polls, votes_closed=closed_votes,
                           reminders_cancelled=len(cancelled))
    return closed_polls, closed_votes


async def make_bundle(ctx: Context, lab_id: int) -> File:
    """The lab's record as a zip: read in a unit of work of its own, which is closed before
    anything is rendered (PDFs and charts take a while; no row is held meanwhile)."""
    async with ctx.uow() as uow:
        lab = await uow.labs.get(lab_id)
        if lab is None:
            raise NotFound(_("That lab no longer exists."))
        record = await read_record(uow, lab, ctx.clock.now())
    return await asyncio.to_thread(bundle, record)


def record_card(lab: str, why: str) -> Card:
    return Card((
        Header(_("The record of {lab}").format(lab=lab)),
        Text(why),
        Small(_("Open index.html in the zip: it links every file. It is confidential: keep it "
                "within the lab.")),
    ), fallback=_("The record of {lab}").format(lab=lab))


def send_record(ctx: Context, uow: UnitOfWork, lab_id: int, lab: str, to: Recipient,
                why: str) -> None:
    """Once `uow` has committed, make the record and send it to `to` privately."""

    async def send() -> None:
        try:
            file = await make_bundle(ctx, lab_id)
            await ctx.messengers.notify(to, record_card(lab, why), (file,))
        except Exception:
            log.exception("could not send the record of lab %s", lab_id)

    uow.after_commit(send)
