"""A poll or vote that closes while a lab's minutes are open is recorded in them as a decision
(handlers of `PollClosed` and `VoteClosed`)."""

from __future__ import annotations

from bot.domain.minutes import EntryKind, EntrySource
from bot.events import Happening, PollClosed, VoteClosed, VoteResultWithdrawn
from bot.features.minutes.service import add_entry
from bot.i18n import _
from bot.router import Router

router = Router()


async def _auto_decision(happening: Happening, lab_id: int, source: EntrySource,
                         source_ref: str, text: str) -> None:
    uow = happening.uow
    minutes = await uow.minutes.open_in(lab_id)
    if minutes is None or await uow.minutes.entry_from(minutes.id, source_ref) is not None:
        return
    entry = await add_entry(uow, minutes, kind=EntryKind.DECISION, text=text,
                            now=happening.now, source=source, source_ref=source_ref)
    await uow.audit.record(lab_id=lab_id, actor_id=None, action="minutes.decision",
                           at=happening.now, minutes=minutes.id, number=entry.number,
                           source=source_ref)


async def poll_closed(event: PollClosed, happening: Happening) -> None:
    await _auto_decision(happening, event.lab_id, EntrySource.POLL, f"poll:{event.poll_id}",
                         _("Poll “{title}” closed. {outcome}").format(
                             title=event.title, outcome=event.outcome))


async def vote_closed(event: VoteClosed, happening: Happening) -> None:
    await _auto_decision(happening, event.lab_id, EntrySource.VOTE, f"vote:{event.vote_id}",
                         _("Vote “{question}” closed. {outcome}").format(
                             question=event.question, outcome=event.outcome)
                         + (f"\n\n{event.case}" if event.case else ""))


async def vote_result_withdrawn(event: VoteResultWithdrawn, happening: Happening) -> None:
    await _auto_decision(happening, event.lab_id, EntrySource.VOTE,
                         f"vote:{event.vote_id}:withdrawn",
                         _("Result of vote {number} withdrawn: {reason}").format(
                             number=event.number, reason=event.reason))
