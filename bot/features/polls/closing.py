"""Ending a poll: the best pair of meetings (`/lab poll pairs`), `/lab poll close` and
`/lab poll pick` (a slot becomes a meeting)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.arguments import Args, Complete, Kw, Pos
from bot.domain import availability as av
from bot.domain.polls import PickProblem, PickRefused, can_close, pick_slot
from bot.domain.wording import plural
from bot.domain.zones import format_local
from bot.errors import Conflict, NotFound, UserError
from bot.features.common import times_in
from bot.features.meetings import meeting_name, schedule_meeting
from bot.features.polls.cards import (
    gap_text,
    pair_line,
)
from bot.features.polls.commands import DEFAULT_GAP, PollRefArgs, checked
from bot.features.polls.loaded import load
from bot.features.polls.service import close_poll, find_poll
from bot.i18n import N_, _
from bot.messages import (
    Card,
    Context,
    Header,
    Reply,
    Text,
    shorten,
)
from bot.router import Call, Router

router = Router()


# --- the two meetings: pairs -----------------------------------------------------------------


class PollPairsArgs(Args):
    poll: Annotated[str, Pos("poll"), Complete("poll")]
    gap: Annotated[str | None, Kw("1d", words=1)] = None  # the metavar is the default


@router.command(
    "poll pairs", args=PollPairsArgs, topic="poll",
    summary=N_("The best pairs of slots for the lab's two meetings, at least `gap` apart start "
            "to start: 1 day unless you say, e.g. `gap 14d`."),
    usage_line="/lab poll pairs <poll> [gap 1d]",
    examples=("/lab poll pairs 1", "/lab poll pairs 1 gap 14d"),
)
async def poll_pairs(call: Call[PollPairsArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    gap = DEFAULT_GAP
    if call.args.gap is not None:  # no wider than a poll can span
        gap = checked(lambda: av.bounded_duration(call.args.gap or "", word="gap", low="0d",
                                                   high=f"{av.MAX_RANGE_DAYS}d",
                                                   example="14d"))
    loaded = await load(call.uow, poll)
    scores = loaded.scores()
    pairs = av.best_pairs(scores, av.availability_masks(loaded.grid, len(loaded.slots)),
                          loaded.starts, gap=gap, limit=5)
    if not pairs:
        usable = [loaded.starts[s.index] for s in scores if not s.excluded]
        why = _("No two usable slots of poll #{number} are {gap_text} apart: ").format(
            number=poll.number, gap_text=gap_text(gap))
        if len(usable) < 2:  # no gap would help
            dropped = len(scores) - len(usable)
            why += _("only 1 slot is usable") if usable else _("no slot is usable")
            if dropped:
                why += _(" ({count} dropped: a required attendee said no)").format(
                    count=plural(dropped, 'slot'))
            raise UserError(why + ".")
        raise UserError(why + _("{count} slots are usable and they span "
                        "{gap_text}. Try a smaller gap, "
                        "e.g. `gap 1d`.").format(
            count=len(usable), gap_text=gap_text(max(usable) - min(usable))))
    zone = call.zone
    lines = [pair_line(loaded, p, zone, n) for n, p in enumerate(pairs, 1)]
    card = Card((
        Header(shorten(_("Best pairs for poll #{number}: {title}").format(
            number=poll.number, title=poll.title), 150)),
        Text("\n".join(lines)),
        Context(_("{times_in}. Pairs at least "
                "{gap_text} apart (start to "
                "start; `gap 14d` to change), ranked by who can attend at least one, then "
                "both, then yes answers. A facilitator picks each with "
                "`/lab poll pick {number} <slot>`.").format(
            times_in=times_in(zone, call.person.timezone is not None), gap_text=gap_text(gap),
            number=poll.number)),
    ), fallback=_("Best pairs for poll #{number}").format(number=poll.number))
    return Reply(card=card)


@router.command("poll close", args=PollRefArgs, access="facilitator", topic="poll",
                summary=N_("Close a poll now: answers stop, the lab sees the best slots."))
async def poll_close(call: Call[PollRefArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    # The status read here may be stale by the time we close (the deadline timer, another
    # process): close_poll's claim has the last word.
    if not can_close(poll.status) or not await close_poll(call.ctx, call.uow, poll.id, call.now,
                                                     closed_by=call.person.id):
        raise Conflict(_("Poll #{number} is already closed. See "
                       "`/lab poll results {number}`.").format(number=poll.number))
    return Reply.say(_("Poll #{number} is closed; I told the lab. "
                     "{rstrip}.").format(
        number=poll.number, rstrip=(poll.outcome or '').rstrip('.')))


# --- pick -----------------------------------------------------------------------------------


_PICK_REFUSALS: dict[PickProblem, type[UserError]] = {
    PickProblem.UNCLEAR: UserError, PickProblem.NO_SUCH_SLOT: NotFound,
    PickProblem.BEGUN: Conflict, PickProblem.TAKEN: Conflict,
}


class PollPickArgs(Args):
    poll: Annotated[str, Pos("poll"), Complete("poll")]
    slot: Annotated[str, Pos("slot")]
    title: Annotated[str | None, Kw("title"), Field(min_length=1, max_length=200)] = None


@router.command(
    "poll pick", args=PollPickArgs, access="facilitator", topic="poll",
    summary=N_("Schedule a meeting at a slot: it is announced with a calendar invite."),
    examples=("/lab poll pick 1 14", '/lab poll pick 1 52 title "Meeting 2"'),
)
async def poll_pick(call: Call[PollPickArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    starts = [s.starts_at for s in await call.uow.polls.slots(poll.id)]
    taken = [m.slot_number for m in await call.uow.meetings.of_poll(poll.id)]
    try:
        pick = pick_slot(call.args.slot, starts, taken, poll_number=poll.number,
                         meeting_number=await call.uow.meetings.next_number(poll.lab_id),
                         title=call.args.title, now=call.now)
    except PickRefused as refused:
        raise _PICK_REFUSALS[refused.problem](refused.message) from None
    await close_poll(call.ctx, call.uow, poll.id, call.now, closed_by=call.person.id)
    meeting = await schedule_meeting(call, title=pick.title, starts_at=pick.starts_at,
                                     duration_minutes=poll.length_minutes, poll=poll,
                                     slot_number=pick.number)
    return Reply.say(_("Scheduled {meeting_name} at "
                     "{format_local}; I announced it with the "
                     "invite in the lab's channels.").format(
        meeting_name=meeting_name(meeting),
        format_local=format_local(meeting.starts_at, call.zone)))
