"""Finding, answering, closing and counting a poll: the work behind its commands, actions and
deadline timer (`close_poll`, `unanswered`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.context import Context as AppContext
from bot.domain import availability as av
from bot.domain.availability import Answer
from bot.domain.polls import PollStatus, best_slot
from bot.domain.zones import format_local
from bot.errors import Conflict, NotFound, UserError
from bot.events import PollAnswered, PollClosed, publish
from bot.features.polls.cards import closed_card
from bot.features.polls.loaded import Loaded, is_open, load
from bot.i18n import _, use_locale
from bot.messages import at
from bot.router import Call
from storage.models import Poll
from storage.uow import UnitOfWork

MAX_NUMBER = 2**31 - 1  # the largest poll number an Integer column holds everywhere


def poll_name(poll: Poll) -> str:
    return _("poll #{number} ({title})").format(number=poll.number, title=poll.title)


async def find_poll(call: Call[Any], ref: str) -> Poll:
    """The lab's poll that `ref` names: "#3", "3", or its title."""
    lab = call.the_lab
    text = ref.strip().removeprefix("#").strip()
    if text.isdigit():
        # A number wider than the column is no poll's; the database would refuse the query.
        poll = (await call.uow.polls.by_number(lab.id, int(text))
                if int(text) <= MAX_NUMBER else None)
        if poll is not None:
            return poll
        raise NotFound(_("{name} has no poll #{text}. {value}").format(
            name=lab.name, text=text, value=await _poll_listing(call)))
    polls = await call.uow.polls.of_lab(lab.id)
    found = [p for p in polls if p.title.casefold() == text.casefold()]
    if len(found) == 1:
        return found[0]
    if found:
        numbers = ", ".join(f"#{p.number}" for p in found)
        raise UserError(_("Several polls are called `{text}` ({numbers}); give the number.").format(
            text=text, numbers=numbers))
    raise NotFound(_("{name} has no poll `{ref}`. {value}").format(
        name=lab.name, ref=ref, value=await _poll_listing(call)))


async def _poll_listing(call: Call[Any]) -> str:
    polls = await call.uow.polls.of_lab(call.the_lab.id)
    if not polls:
        return _("It has no polls yet; a facilitator can open one with `/lab poll new`.")
    listed = ", ".join(f"#{p.number} {p.title} ({p.status})" for p in polls[:10])
    return _("Its polls: {listed}.").format(listed=listed)


async def poll_of_action(call: Call[Any]) -> Poll:
    """The poll a control names (the router has checked its lab, place and the role)."""
    poll = await call.uow.polls.get(call.ref)
    if poll is None or poll.status == PollStatus.DELETED:
        raise NotFound(_("That poll has been deleted."))
    return poll


def refuse_if_closed(poll: Poll, now: datetime) -> None:
    if is_open(poll, now):
        return
    when = poll.closed_at or poll.closes_at
    since = f" on {at(when, 'f')}" if when else ""
    raise Conflict(
        _("Poll #{number} ({title}) closed{since}; answers can no longer change. "
        "See the outcome with `/lab poll results {number}`, or ask a facilitator to "
        "open a new poll.").format(number=poll.number, title=poll.title, since=since)
    )


async def record(call: Call[Any], poll: Poll, numbers: Sequence[int], answer: Answer) -> int:
    refuse_if_closed(poll, call.now)
    slots = {s.number: s for s in await call.uow.polls.slots(poll.id)}
    missing = [n for n in numbers if n not in slots]
    if missing:
        raise NotFound(av.no_such_slot(missing[0], len(slots)))
    changed = await call.uow.polls.set_answers(
        poll.id, call.person.id, [slots[n].id for n in numbers], answer, call.now)
    await call.audit("poll.answered", poll=poll.id, slots=len(numbers), answer=answer.value)
    if changed:
        await call.emit(PollAnswered(lab_id=poll.lab_id, poll_id=poll.id))
    return changed


def outcome_of(loaded: Loaded) -> str:
    """One line for the record: the best slot in the poll's own zone, with its counts."""
    best = best_slot(loaded.scores())
    if best is None:
        return _("No slot suits anyone yet: nobody answered yes or if need be.")
    slot = loaded.slots[best.index]
    return (_("Best slot: #{number}, {format_local} "
            "({yes} yes, {maybe} if need be, {no} no)").format(
        number=slot.number, format_local=format_local(slot.starts_at, loaded.poll.timezone),
        yes=best.yes, maybe=best.maybe, no=best.no))


async def close_poll(ctx: AppContext, uow: UnitOfWork, poll_id: int, now: datetime,
                     closed_by: int | None = None) -> bool:
    """Close a poll as `/lab poll close` does: record it, tell the lab, publish PollClosed.

    Idempotent: a poll already closed (or deleted) stays as it is and this returns False.
    Usable from a timer: it needs no Call and no actor (`closed_by` None means the deadline).
    The close is claimed with a conditional update, so a facilitator's close and the
    deadline timer (perhaps in another process) never both announce it; the one that loses
    gets False. The caller commits the unit of work.
    """
    if not await uow.polls.claim_close(poll_id, now, closed_by):
        return False
    poll = await uow.polls.get(poll_id)
    assert poll is not None
    loaded = await load(uow, poll)
    poll.outcome = outcome_of(loaded)
    await uow.audit.record(lab_id=poll.lab_id, actor_id=closed_by, action="poll.closed",
                           at=now, poll=poll.id, outcome=poll.outcome,
                           by="deadline" if closed_by is None else "facilitator")
    await publish(ctx, uow, now, PollClosed(lab_id=poll.lab_id, poll_id=poll.id,
                                            title=poll.title, outcome=poll.outcome))
    with use_locale(await ctx.lab_language(uow, poll.lab_id)):  # posted in the channels
        ctx.announce(uow, poll.lab_id, closed_card(loaded))
    return True


async def unanswered(uow: UnitOfWork, poll_id: int) -> list[int]:
    """Person ids of the active members who have not answered every slot of the poll.

    "Every slot", not "any": a slot left blank counts as unavailable in the ranking, so a
    member who answered half the poll still has something to do and is worth a nudge.
    """
    poll = await uow.polls.get(poll_id)
    if poll is None or poll.status == PollStatus.DELETED:
        return []
    loaded = await load(uow, poll)
    total = len(loaded.slots)
    return [m.person_id for m in loaded.members if loaded.answered(m.person_id) < total]


async def close_at_deadline(ctx: AppContext, uow: UnitOfWork, poll_id: int, now: datetime
                             ) -> None:
    # Idempotent here: a poll a facilitator already closed stays as it is.
    await close_poll(ctx, uow, poll_id, now)
