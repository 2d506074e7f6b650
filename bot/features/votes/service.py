"""Votes' service: find a vote, check it takes ballots, cast, count, turnout and close."""

from __future__ import annotations

import difflib
import logging
import random
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.context import Context as AppContext
from bot.domain.ballots import BallotFile, write_blt, write_csv, write_json
from bot.domain.tally import Election, Result, count
from bot.domain.votes import (
    Refusal,
    ResultsMode,
    Turnout,
    VoteStatus,
    election,
    live_count_due,
    refusal,
)
from bot.domain.votes import close as decide_close
from bot.domain.zones import format_local
from bot.errors import Conflict, NotFound, UserError
from bot.events import BallotCast, VoteClosed, publish
from bot.features.votes.cards import (
    SUBCOMMANDS,
    _labels,
    name,
    readback_card,
    results_card,
    vote_card,
    winners_case,
)
from bot.features.votes.charts import chart_later
from bot.i18n import _, use_locale
from bot.messages import Buttons, Card, File, Limits, Reply, Text, at, shorten
from bot.router import Call
from storage.models import Lab, Vote
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


async def _vote_list(call: Call[Any], lab: Lab) -> str:
    votes = await call.uow.votes.for_lab(lab.id)
    if not votes:
        return _("{name} has no votes yet.").format(name=lab.name)
    return _("Votes: ") + "; ".join(
        f"#{v.number} ({shorten(v.question, 40)}, {v.status})" for v in votes) + "."


async def find_vote(call: Call[Any], ref: str | None) -> Vote:
    """The lab's vote `ref` names ("2" or "#2"), or the one open vote if `ref` is empty."""
    lab = call.the_lab
    text = (ref or "").strip().removeprefix("#")
    if not text:
        open_votes = await call.uow.votes.for_lab(lab.id, status=VoteStatus.OPEN)
        if len(open_votes) == 1:
            return open_votes[0]
        raise UserError(
            _("Which vote? Give its number. {value}").format(
                value=await _vote_list(call, lab))
        )
    if not text.isdigit():
        close = difflib.get_close_matches(text.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
        if close:
            raise UserError(_("`{text}` is not a vote number. Did you mean "
                            "`/lab vote {value}`?").format(text=text, value=close[0]))
        raise UserError(
            _("`{text}` is not a vote number; votes are numbered 1, 2, 3... "
            "{value}").format(text=text, value=await _vote_list(call, lab))
        )
    vote = await call.uow.votes.by_number(lab.id, int(text))
    if vote is None:
        raise NotFound(_("There is no {name} in {name2}. "
                       "{value}").format(
            name=name(int(text)), name2=lab.name, value=await _vote_list(call, lab)))
    return vote


async def _vote_of_control(call: Call[Any]) -> Vote:
    """The vote a button, menu or form belongs to (the router has checked its lab, the
    place and that the caller is a member)."""
    vote = await call.uow.votes.get(call.ref)
    if vote is None or vote.status == VoteStatus.DELETED:
        raise NotFound(_("That vote has been deleted."))
    return vote


def _accepting(vote: Vote, now: datetime, zone: str) -> None:
    """Refuse a ballot on a closed vote, or one whose close time has passed."""
    why = refusal(vote.status, vote.closes_at, now)
    if why == Refusal.CLOSED:
        raise Conflict(
            _("{name} is closed: it no longer takes ballots. See the result with "
            "`/lab vote show {number}`.").format(
                name=name(vote, start=True), number=vote.number)
        )
    if why == Refusal.PAST_CLOSE and vote.closes_at is not None:
        raise Conflict(
            _("{name} stopped taking ballots at "
            "{format_local}; the result follows when it is closed.").format(
                name=name(vote, start=True), format_local=format_local(vote.closes_at, zone))
        )


# --- counting -------------------------------------------------------------------------------


def election_of(vote: Vote, rankings: Sequence[Sequence[int]]) -> Election:
    """The election a vote's ballots make (option positions -> option names)."""
    return election(_labels(vote), rankings, method=vote.method, seats=vote.seats,
                    tie_break=vote.tie_break, seed=vote.seed, strength=vote.strength)


async def count_vote(uow: UnitOfWork, vote: Vote) -> Result:
    return count(election_of(vote, await uow.ballots.rankings(vote.id)))


async def not_voted(uow: UnitOfWork, vote_id: int) -> list[int]:
    """Person ids of the lab's active members with no ballot yet (none once it is closed)."""
    vote = await uow.votes.get(vote_id)
    if vote is None or vote.status != VoteStatus.OPEN:
        return []
    voted = await uow.ballots.voters(vote_id)
    return [m.person_id for m in await uow.members.active(vote.lab_id)
            if m.person_id not in voted]


async def turnout_of(uow: UnitOfWork, vote: Vote) -> Turnout:
    """While open: the ballots in, of the members (and any former member whose ballot stays).
    Once closed: as it stood at the close."""
    if vote.status != VoteStatus.OPEN:
        stored = (vote.result or {}).get("turnout")
        if isinstance(stored, dict):
            return Turnout(int(stored["ballots"]), int(stored["members"]),
                           int(stored.get("former", 0)))
        # Closed before turnout was stored with the result: the ballots are all that is sure.
        ballots = await uow.ballots.count(vote.id)
        return Turnout(ballots, max(ballots, len(await uow.members.active(vote.lab_id))))
    return await _ballots_in(uow, vote)


async def _ballots_in(uow: UnitOfWork, vote: Vote) -> Turnout:
    """Turnout from the ballots as they stand (still linked to their voters)."""
    active = {m.person_id for m in await uow.members.active(vote.lab_id)}
    ballots = await uow.ballots.count(vote.id)
    former = ballots - len(await uow.ballots.voters(vote.id) & active)
    return Turnout(ballots, len(active) + former, former)


async def ballot_files(uow: UnitOfWork, vote: Vote) -> tuple[tuple[File, ...], int]:
    """A closed vote's anonymised ballots as JSON, CSV and BLT (`/lab vote ballots`, the
    lab's record), and how many there are. The ballots are put in a fresh random order from
    the operating system: nothing of the order people voted in (or of the database's row
    order) survives into the files."""
    rankings = await uow.ballots.rankings(vote.id)
    random.SystemRandom().shuffle(rankings)
    labels = _labels(vote)
    file = BallotFile(vote.question, vote.method, vote.seats, tuple(labels),
                      tuple(tuple(labels[p - 1] for p in r) for r in rankings),
                      vote.tie_break, vote.seed, vote.strength)
    stem = ballots_stem(vote)
    return (
        File(f"{stem}.json", write_json(file).encode(), "application/json"),
        File(f"{stem}.csv", write_csv(file).encode(), "text/csv"),
        File(f"{stem}.blt", write_blt(file).encode(), "text/plain"),
    ), len(rankings)


def ballots_stem(vote: Vote) -> str:
    return f"vote-{vote.number}-ballots"


# --- casting -------------------------------------------------------------------------------


async def _hold_open(uow: UnitOfWork, vote: Vote, now: datetime, zone: str) -> None:
    """Make sure the vote takes ballots now, at write time, and keep it so until commit.

    Checking `vote.status` alone is not enough: a close can commit between that check and
    the ballot's write, which would then be saved after the count, uncounted and still
    linked to its voter. The conditional update sees the latest committed state and holds
    the row, so a close that comes after this waits for the ballot and counts it."""
    _accepting(vote, now, zone)  # the common case, with the clearest message
    if await uow.votes.hold_open(vote.id, now):
        return
    if not await uow.votes.reload(vote):
        raise NotFound(_("That vote has been deleted."))
    _accepting(vote, now, zone)
    raise Conflict(_("{name} no longer takes ballots.").format(
        name=name(vote, start=True)))


async def _refresh_live(uow: UnitOfWork, vote: Vote, now: datetime) -> bool:
    """Take a new live count if at least LIVE_BATCH ballots were cast or changed since the
    last one (for the first: once LIVE_BATCH ballots are in); otherwise leave it as it is.
    True when a new count was taken."""
    if not live_count_due(await uow.ballots.fresh(vote.id)):
        return False
    rankings = sorted(await uow.ballots.rankings(vote.id))
    vote.live_ballots, vote.live_at = rankings, now
    await uow.ballots.mark_shown(vote.id)
    await uow.audit.record(lab_id=vote.lab_id, actor_id=None, action="vote.live_count",
                           at=now, vote=vote.number, ballots=len(rankings))
    return True


async def _cast(call: Call[Any], vote: Vote, ranking: list[int]) -> Reply:
    await _hold_open(call.uow, vote, call.now, call.zone)
    _x, changed = await call.uow.ballots.cast(vote.id, call.person.id, ranking, call.now)
    if vote.results == ResultsMode.LIVE:
        # No entry per ballot while a live vote is open: its time would tell whose ballot
        # moved the count. Who voted is recorded at the close. Its public card changes
        # only with a new count, in batches, as the count itself does.
        if await _refresh_live(call.uow, vote, call.now):
            await call.emit(BallotCast(lab_id=vote.lab_id, vote_id=vote.id))
    else:
        # The audit log says that a ballot was cast, never what it says.
        await call.audit("vote.ballot", vote=vote.number, changed=changed)
        if not changed:  # a new ballot: the turnout on the public card moves
            await call.emit(BallotCast(lab_id=vote.lab_id, vote_id=vote.id))
    return Reply(card=readback_card(vote, ranking, changed=changed))


# --- closing -----------------------------------------------------------------------------------


async def close_vote(
    ctx: AppContext, uow: UnitOfWork, vote_id: int, now: datetime,
    closed_by: int | None = None,
) -> Result | None:
    """Close a vote, count it and post the result in every channel of its lab.

    Safe to call twice or from a timer: only the call that claims the open vote does
    anything; the others get None. Runs in the caller's unit of work (commit it after).
    """
    # The claim holds the vote's row: a ballot being cast either committed before it (and is
    # counted here) or finds the vote closed (see `VoteRepository.hold_open`).
    if not await uow.votes.claim_close(vote_id, now, closed_by):
        return None
    vote = await uow.votes.get(vote_id)
    assert vote is not None
    turnout = await _ballots_in(uow, vote)
    closing = decide_close(election_of(vote, await uow.ballots.rankings(vote.id)),
                           seed=vote.seed, turnout=turnout, results=vote.results)
    result = closing.result
    vote.result = closing.declared
    if closing.record_voters:
        # Who voted goes on record only now, all at once and in no order that says when.
        for person_id in sorted(await uow.ballots.voters(vote.id)):
            await uow.audit.record(lab_id=vote.lab_id, actor_id=person_id, action="vote.voted",
                                   at=now, vote=vote.number)
        vote.live_ballots, vote.live_at = None, None
    # From here no stored ballot leads back to its voter, by its row or by its id.
    ballots = await uow.ballots.anonymise(vote.id)
    await uow.audit.record(lab_id=vote.lab_id, actor_id=closed_by, action="vote.closed",
                           at=now, vote=vote.number, ballots=ballots,
                           outcome=result.outcome())
    await publish(ctx, uow, now, VoteClosed(lab_id=vote.lab_id, vote_id=vote.id,
                                           question=vote.question, outcome=result.outcome(),
                                           case=winners_case(vote, result.winners)))
    # The chart is drawn once the commit has released the vote's row (matplotlib takes a
    # while, and ballots and other closes wait on that row), just before it is posted.
    with use_locale(await ctx.lab_language(uow, vote.lab_id)):  # posted in the channels
        ctx.announce(uow, vote.lab_id, results_card(vote, result, turnout),
                     chart_later(vote, result))
    log.info("vote %s closed: %s ballots", vote.id, ballots)
    return result


# --- the public card, as it stands ---------------------------------------------------------


async def public_card(uow: UnitOfWork, vote_id: int, now: datetime) -> Card | None:
    """The vote's public card as it stands now, redrawn in place where it was posted (live
    cards): while open, a hidden vote shows its turnout and never a count, nor who has
    voted; a live vote its live count; once closed, the result."""
    vote = await uow.votes.get(vote_id)
    if vote is None:
        return None
    if vote.status == VoteStatus.DELETED:
        text = _("{name} ({question}) was deleted.").format(
            name=name(vote, start=True), question=vote.question)
        return Card((Text(shorten(text, Limits.TEXT)),), fallback=shorten(text, 2000))
    turnout = await turnout_of(uow, vote)
    if vote.status == VoteStatus.CLOSED:
        card = results_card(vote, await count_vote(uow, vote), turnout)
        if vote.withdrawn_at is not None:
            note = _("*Result withdrawn* on {when}: {withdrawn_reason}").format(
                when=at(vote.withdrawn_at, 'f'), withdrawn_reason=vote.withdrawn_reason)
            card = Card((Text(shorten(note, Limits.TEXT)), *card.blocks),
                        fallback=card.fallback)
        return card
    card = vote_card(vote, turnout)
    if vote.results == ResultsMode.LIVE and vote.live_ballots and vote.live_at is not None:
        live = results_card(vote, count(election_of(vote, vote.live_ballots)), turnout,
                            live_at=vote.live_at)
        controls = [b for b in card.blocks if isinstance(b, Buttons)]
        return Card(live.blocks + tuple(controls), fallback=live.fallback)
    return card
