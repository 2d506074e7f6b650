"""Ranked-choice votes: open one on the lab's options, rank in secret, close, count in the
open (round by round, with a chart), and publish anonymised ballots anyone can re-count.

Secret ballot: a ranking is shown only to the member who cast it. Everyone else, the
facilitator included, sees turnout, never how anyone ranked; audit entries and log lines name
the vote, never a ranking. With results `hidden` (the default) nobody sees a tally before the
close, and the facilitator sees who has not voted yet. With results `live` a running count is
on show, so two more rules keep it from giving a ballot away: the count is refreshed only
once at least LIVE_BATCH ballots have been cast or changed since the last refresh, and while
the vote is open nobody is shown who has voted or when (no list, no audit entry per ballot;
the audit records who voted at the close, in no particular order).

Casting is conditional on the vote being open when the ballot is written (a conditional
update on the vote row in the same transaction), so no ballot can slip in after the count.
At the close the ballots are stored again in a random order with fresh ids and no voter or
time. A member who leaves the lab takes their ballot out of the lab's open votes (unless a
live count already shown holds it: taking it out then would let anyone read it off the
difference); turnout counts the ballots counted, so it always agrees with the result.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos
from bot.charts import new_figure, png
from bot.context import Context as AppContext
from bot.domain.ballots import BallotFile, write_blt, write_csv, write_json
from bot.domain.lab import Role, has_role
from bot.domain.tally import METHOD_NAMES, Election, Method, Result, build, count, names, show
from bot.domain.tally.report import condorcet_line, matrix_table, method_line, round_table
from bot.domain.tally.rounds import plural
from bot.domain.tally.rules import (
    RankingProblem,
    check_options,
    check_seats_for,
    numbered,
    ordinal,
    parse_close,
    resolve_ranking,
    vote_seed,
)
from bot.domain.zones import format_local
from bot.errors import Conflict, NotFound, UserError
from bot.events import Happening, MemberLeft, VoteClosed, VoteDeleted, VoteOpened, publish
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Context,
    Fields,
    File,
    Form,
    Header,
    Input,
    Limits,
    Option,
    Reply,
    Select,
    Text,
    at,
    shorten,
)
from bot.router import FORM_ROUTE, Call, Router
from bot.subjects import SubjectInfo
from storage.models import Lab, Vote
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
router = Router()

SUBCOMMANDS = ("new", "show", "close", "ballots", "delete")
TIE_WORDS = {
    "backward-then-random": "earlier rounds, then a seeded draw",
    "report": "reported to the lab, never drawn",
}
NO_DRAFT = "-"
# With results `live`, the count on show is refreshed only once at least this many members
# have cast or changed a ballot since the last refresh (the first refresh: once this many
# ballots are in). Any two counts on show then differ by the ballots of at least this many
# people, and since nobody is shown who has voted while a live vote is open, no difference
# between two counts can be pinned on one member.
LIVE_BATCH = 3
LIVE_RULE = (
    f"The live count is refreshed only once at least {LIVE_BATCH} ballots have been cast or "
    "changed since the last refresh, and while the vote is open nobody, facilitators "
    "included, is shown who has voted: so no refresh can show how one member ranked. The "
    "reminder before the close time still goes, privately, only to those who have not ranked."
)

# --- finding votes ------------------------------------------------------------------------


def _labels(vote: Vote) -> list[str]:
    return [o.label for o in vote.options]


def name(vote: Vote | int, *, start: bool = False) -> str:
    """How a vote is named everywhere, as polls are: "vote #2" ("Vote #2" at the `start` of
    a sentence or a title)."""
    return f"{'V' if start else 'v'}ote #{vote if isinstance(vote, int) else vote.number}"


def _title(vote: Vote) -> str:
    return f"{name(vote, start=True)}: {vote.question}"


async def _vote_list(call: Call[Any], lab: Lab) -> str:
    votes = await call.uow.votes.for_lab(lab.id)
    if not votes:
        return f"{lab.name} has no votes yet."
    return "Votes: " + "; ".join(
        f"#{v.number} ({shorten(v.question, 40)}, {v.status})" for v in votes) + "."


async def find_vote(call: Call[Any], ref: str | None) -> Vote:
    """The lab's vote `ref` names ("2" or "#2"), or the one open vote if `ref` is empty."""
    lab = call.the_lab
    text = (ref or "").strip().removeprefix("#")
    if not text:
        open_votes = await call.uow.votes.for_lab(lab.id, status="open")
        if len(open_votes) == 1:
            return open_votes[0]
        raise UserError(
            f"Which vote? Give its number. {await _vote_list(call, lab)}"
        )
    if not text.isdigit():
        close = difflib.get_close_matches(text.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
        if close:
            raise UserError(f"`{text}` is not a vote number. Did you mean "
                            f"`/lab vote {close[0]}`?")
        raise UserError(
            f"`{text}` is not a vote number; votes are numbered 1, 2, 3... "
            f"{await _vote_list(call, lab)}"
        )
    vote = await call.uow.votes.by_number(lab.id, int(text))
    if vote is None:
        raise NotFound(f"There is no {name(int(text))} in {lab.name}. "
                       f"{await _vote_list(call, lab)}")
    return vote


async def _vote_of_control(call: Call[Any]) -> Vote:
    """The vote a button, menu or form belongs to (the router has checked its lab, the
    place and that the caller is a member)."""
    vote = await call.uow.votes.get(call.ref)
    if vote is None:
        raise NotFound("That vote has been deleted.")
    return vote


def _accepting(vote: Vote, now: datetime, zone: str) -> None:
    """Refuse a ballot on a closed vote, or one whose close time has passed."""
    if vote.status != "open":
        raise Conflict(
            f"{name(vote, start=True)} is closed: it no longer takes ballots. See the result with "
            f"`/lab vote show {vote.number}`."
        )
    if vote.closes_at is not None and now >= vote.closes_at:
        raise Conflict(
            f"{name(vote, start=True)} stopped taking ballots at "
            f"{format_local(vote.closes_at, zone)}; the result follows when it is closed."
        )


# --- counting -------------------------------------------------------------------------------


def election_of(vote: Vote, rankings: Sequence[Sequence[int]]) -> Election:
    """The election a vote's ballots make (option positions -> option names)."""
    labels = _labels(vote)
    grouped: dict[tuple[str, ...], int] = {}
    for ranking in rankings:
        key = tuple(labels[p - 1] for p in ranking)
        grouped[key] = grouped.get(key, 0) + 1
    return build(method=vote.method, seats=vote.seats, candidates=labels,
                 ballots=grouped.items(), tie_break=vote.tie_break, seed=vote.seed,
                 strength=vote.strength)


async def count_vote(uow: UnitOfWork, vote: Vote) -> Result:
    return count(election_of(vote, await uow.ballots.rankings(vote.id)))


async def not_voted(uow: UnitOfWork, vote_id: int) -> list[int]:
    """Person ids of the lab's active members with no ballot yet (none once it is closed)."""
    vote = await uow.votes.get(vote_id)
    if vote is None or vote.status != "open":
        return []
    voted = await uow.ballots.voters(vote_id)
    return [m.person_id for m in await uow.members.active(vote.lab_id)
            if m.person_id not in voted]


@dataclass(frozen=True, slots=True)
class Turnout:
    """Ballots counted, of how many could vote: the lab's members, plus anyone who left
    after a live count took in their ballot (it stays). Counted from the ballots, so it
    always agrees with the result."""

    voted: int
    members: int
    former: int = 0  # ballots that stayed when their voters left the lab

    def words(self, tense: Literal["open", "live", "final"]) -> str:
        """ "2 of 4 members have voted", "4 of 4 members voted", "3 of 4 members so far"."""
        members = plural(self.members, "member")
        if tense == "open":
            text = f"{self.voted} of {members} {'has' if self.voted == 1 else 'have'} voted"
        elif tense == "live":
            text = f"{self.voted} of {members} so far"
        else:
            text = f"{self.voted} of {members} voted"
        if self.former:
            text += (f" (counting {plural(self.former, 'member')} who left the lab after the "
                     "live count took in their ballot)")
        return text

    def json(self) -> dict[str, int]:
        return {"ballots": self.voted, "members": self.members, "former": self.former}


async def turnout_of(uow: UnitOfWork, vote: Vote) -> Turnout:
    """While open: the ballots in, of the members (and any former member whose ballot stays).
    Once closed: as it stood at the close."""
    if vote.status != "open":
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


# --- cards -----------------------------------------------------------------------------------


def _method_words(vote: Vote) -> str:
    method = METHOD_NAMES[vote.method]  # type: ignore[index]
    seats = f"{vote.seats} seat{'s' if vote.seats != 1 else ''}"
    text = f"{method[:1].upper()}{method[1:]}, {seats}"
    if vote.method in ("schulze", "ranked_pairs"):
        text += ", links by " + ("margin" if vote.strength == "margin" else "winning votes")
    return text


def vote_card(vote: Vote, turnout: Turnout | None, *, waiting: Sequence[str] = ()) -> Card:
    """The vote as members see it while it is open: options, rules, turnout, controls.
    `turnout` is None on the card posted when the vote opens, which is not redrawn as ballots
    come in: it points to `/lab vote show` rather than show a count that would go stale.
    `waiting` (who has not voted) is for facilitators, and never given for a live vote."""
    blocks: list[Block] = [Header(shorten(_title(vote), Limits.HEADER))]
    blocks.append(Text("\n".join(f"*{i}.* {o}" for i, o in enumerate(_labels(vote), 1))))
    closes = at(vote.closes_at) if vote.closes_at else "when a facilitator closes it"
    blocks.append(Fields((
        ("Method", _method_words(vote)),
        ("Closes", closes),
        ("Results", f"a live count, refreshed after every {LIVE_BATCH} ballots cast or "
         "changed" if vote.results == "live" else "hidden until the close"),
        ("Ties", TIE_WORDS.get(vote.tie_break, vote.tie_break)),
        ("Turnout", turnout.words("open" if vote.status == "open" else "final")
         if turnout is not None else f"`/lab vote show {vote.number}` shows it as it stands"),
    )))
    if vote.results == "live" and vote.status == "open":
        blocks.append(Context(LIVE_RULE))
    elif waiting:
        blocks.append(Context(shorten("Not voted yet (only facilitators see this): "
                                      + ", ".join(waiting), Limits.CONTEXT)))
    if vote.status == "open":
        blocks.append(Context(
            f"Rank with the menus, or type `/lab rank {vote.number} <option numbers or names, "
            f"best first>`, e.g. `/lab rank {vote.number} "
            f"{' '.join(str(i) for i in range(min(3, len(vote.options)), 0, -1))}`. Rank as "
            "many as you like; a ballot is secret, and you can change it until the close."
        ))
        blocks.append(Buttons((
            Button("Rank with menus", action_ids.encode("vote.menu", vote.id),
                   style="primary"),
            Button("Type my ranking", action_ids.encode("vote.type", vote.id)),
            Button("My ballot", action_ids.encode("vote.mine", vote.id)),
        )))
    return Card(tuple(blocks), fallback=shorten(f"{_title(vote)} ({vote.status})",
                                                Limits.PLAIN_TEXT))


def _draft_text(draft: Sequence[int]) -> str:
    return "-".join(str(p) for p in draft) if draft else NO_DRAFT


def _read_draft(arg: str | None, options: int) -> list[int]:
    if not arg or arg == NO_DRAFT:
        return []
    try:
        draft = [int(p) for p in arg.split("-")]
    except ValueError:
        return []
    if any(not 1 <= p <= options for p in draft) or len(set(draft)) != len(draft):
        return []
    return draft


def _ranking_lines(labels: Sequence[str], ranking: Sequence[int]) -> str:
    return "\n".join(f"{ordinal(k)} choice: {labels[p - 1]}" for k, p in enumerate(ranking, 1))


def ranking_card(vote: Vote, draft: Sequence[int], current: Sequence[int] | None) -> Card:
    """A private card that builds a ranking one menu at a time; the draft rides in the ids."""
    labels = _labels(vote)
    blocks: list[Block] = [Header(shorten(f"Rank: {vote.question}", Limits.HEADER))]
    if draft:
        blocks.append(Text("*Your ranking so far*\n" + _ranking_lines(labels, draft)))
    else:
        blocks.append(Text("Choose your 1st choice, then your 2nd, and so on. Stop whenever "
                           "you like: options you leave out count below the ones you rank."))
    left = [p for p in range(1, len(labels) + 1) if p not in draft]
    if left:
        blocks.append(Select(
            action_ids.encode("vote.pick", vote.id, _draft_text(draft)),
            f"{ordinal(len(draft) + 1)} choice",
            tuple(Option(shorten(f"{p}. {labels[p - 1]}", Limits.OPTION_LABEL), str(p))
                  for p in left),
        ))
    buttons = []
    if draft:
        buttons.append(Button("Save my ranking",
                              action_ids.encode("vote.save", vote.id, _draft_text(draft)),
                              style="primary"))
        if len(draft) > 1:
            buttons.append(Button("Undo last", action_ids.encode(
                "vote.draft", vote.id, _draft_text(draft[:-1]))))
        buttons.append(Button("Start over", action_ids.encode("vote.draft", vote.id, NO_DRAFT)))
    buttons.append(Button("Type it instead", action_ids.encode("vote.type", vote.id)))
    blocks.append(Buttons(tuple(buttons)))
    if current:
        blocks.append(Context(shorten("Your saved ballot: " + ", ".join(
            labels[p - 1] for p in current) + ". Saving replaces it.", Limits.CONTEXT)))
    return Card(tuple(blocks), fallback=f"Rank the options of {name(vote)}")


def _closing_words(vote: Vote) -> str:
    if vote.closes_at is not None:
        text = f"You can change it until the vote closes, {at(vote.closes_at)}."
    else:
        text = "You can change it until a facilitator closes the vote."
    text += " If you leave the lab before the close, your ballot is withdrawn"
    if vote.results == "live":
        return text + (" unless the live count already includes it (withdrawing it then "
                       "would show how you ranked).")
    return text + "."


def readback_card(vote: Vote, ranking: Sequence[int], *, changed: bool | None) -> Card:
    """What a member sees, and only they: their own ballot."""
    labels = _labels(vote)
    if changed is None:
        head = f"Your ballot in {name(vote)}"
    else:
        head = f"Ballot {'changed' if changed else 'saved'}: {name(vote)}"
    unranked = len(labels) - len(ranking)
    note = (f"You ranked all {len(labels)} options." if not unranked else
            f"You ranked {len(ranking)} of {len(labels)}; the {unranked} you left out count "
            "below all you ranked.")
    return Card((
        Header(head),
        Text(f"*{vote.question}*\n" + _ranking_lines(labels, ranking)),
        Context(f"{note} Only you can see this. {_closing_words(vote)}"),
    ), fallback=f"Your ballot in {name(vote)} is recorded.")


def _table_block(lines: list[str], budget: int) -> Text | None:
    text = "```\n" + "\n".join(lines) + "\n```"
    return Text(text) if len(text) <= min(budget, Limits.TEXT) else None


def results_card(vote: Vote, result: Result, turnout: Turnout, *,
                 live_at: datetime | None = None) -> Card:
    """The result: winners, method, the round table or matrix, one sentence per round.
    With `live_at`, a live count instead: the ballots in at that moment, the vote open."""
    e = result.election
    final = live_at is None
    if not result.winners:
        headline = "no ballots were cast"
    elif result.tied and e.tie_break == "report":
        headline = f"a tie between {names(result.winners)}"
    else:
        headline = f"{names(result.winners)} {'won' if final else 'ahead'}"
    prefix = "result" if final else "live count"
    blocks: list[Block] = [Header(shorten(f"{name(vote, start=True)} {prefix}: {headline}",
                                          Limits.HEADER))]
    outcome = result.outcome() if final else f"If it closed now: {result.outcome()}"
    blocks.append(Text(shorten(f"*{vote.question}*\n{outcome}.", Limits.TEXT)))
    fields = [("Method", method_line(result)),
              ("Turnout", turnout.words("final" if final else "live"))]
    if result.winners:
        label = "Tied for the seat" if result.tied and e.tie_break == "report" else (
            "Winner" if len(result.winners) == 1 else "Winners")
        fields.append((label, shorten(names(result.winners), Limits.FIELD_VALUE)))
    blocks.append(Fields(tuple(fields)))
    used = sum(len(b.text) for b in blocks if isinstance(b, Text | Header)) + sum(
        len(a) + len(b) for a, b in fields) + 900  # room for the small print
    budget = Limits.CARD_TEXT - used
    table = None
    if any(r.tallies for r in result.rounds):
        shown = result.rounds
        while shown and table is None:
            lines = round_table(result, first=shown[0].number)
            caption = "Votes per round (* elected, x eliminated)"
            if shown is not result.rounds:
                caption += f", from round {shown[0].number}"
            table = _table_block([caption, *lines], budget // 2)
            shown = shown[1:]
    elif result.winners:
        table = _table_block(["Pairwise: ballots ranking row above column",
                              *matrix_table(result)], budget // 2)
    if table is not None:
        blocks.append(table)
        budget -= len(table.text)
    sentences = [r.sentence for r in result.rounds if r.sentence]
    text = ""
    for k, sentence in enumerate(sentences):
        if len(text) + len(sentence) + 1 > min(budget - 200, Limits.TEXT):
            text += (f"\n…and {plural(len(sentences) - k, 'more round')}: see "
                     "`actionlab tally`.")
            break
        text = f"{text}\n{sentence}" if text else sentence
    if text:
        blocks.append(Text(text))
    small = [condorcet_line(result)]
    if result.seed and any(t.how == "draw" for t in result.tie_breaks):
        small.append(f"Tie-break draws used the seed `{result.seed}`.")
    if live_at is None:
        small.append(f"Anyone can re-count: `/lab vote ballots {vote.number}` gives the "
                     "anonymised ballots, `actionlab tally <file>` counts them.")
    else:
        small.insert(0, f"Live count of the {plural(e.ballots, 'ballot')} in at "
                        f"{at(live_at)}. {LIVE_RULE}")
    blocks.append(Context(shorten(" ".join(small), Limits.CONTEXT)))
    return Card(tuple(blocks), fallback=shorten(f"{_title(vote)}: {result.outcome()}",
                                                Limits.PLAIN_TEXT))


async def drawn_chart(vote: Vote, result: Result) -> File | None:
    """`results_chart` in a worker thread, so the event loop goes on acknowledging requests
    while matplotlib draws."""
    return await asyncio.to_thread(results_chart, vote, result)


def results_chart(vote: Vote, result: Result) -> File | None:
    """A PNG of the count, with alt text that says what it shows."""
    e = result.election
    if not result.winners:
        return None
    if any(r.tallies for r in result.rounds):
        rounds = [r for r in result.rounds if r.tallies]
        fig = new_figure(7.5, 4.2)
        ax = fig.add_subplot()
        xs = [r.number for r in rounds]
        for option in e.candidates:
            ys = [float(r.tallies[option]) if option in r.tallies else None for r in rounds]
            points = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
            if not points:
                continue
            won = option in result.winners
            ax.plot([p[0] for p in points], [p[1] for p in points], "-o" if won else "--o",
                    label=shorten(option, 30), linewidth=2.4 if won else 1.2)
        if result.quota is not None:
            ax.axhline(result.quota, color="grey", linestyle=":", label=f"quota {result.quota}")
        ax.set_xlabel("Round")
        ax.set_ylabel("Votes")
        if e.method == "irv":
            from matplotlib.ticker import MaxNLocator

            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xticks(xs)
        ax.set_title(shorten(vote.question, 70), fontsize=10)
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
        first, last = rounds[0], rounds[-1]
        alt = (f"Line chart of votes per round in {name(vote)} ({METHOD_NAMES[e.method]}"
               f", {plural(len(rounds), 'round')}). Round 1: " + ", ".join(
                   f"{k} {show(v)}" for k, v in first.tallies.items()))
        if last is not first:
            alt += f". Round {last.number}: " + ", ".join(
                f"{k} {show(v)}" for k, v in last.tallies.items())
        alt += f". {result.outcome()}."
    else:
        labels = e.candidates
        n = len(labels)
        wins = [sum(result.pairwise[i][j] > result.pairwise[j][i] for j in range(n))
                for i in range(n)]
        fig = new_figure(7.5, 0.9 + 0.32 * n)
        ax = fig.add_subplot()
        ranked = sorted(range(n), key=lambda i: wins[i])
        ax.barh([shorten(labels[i], 30) for i in ranked], [wins[i] for i in ranked],
                color=["#2a7" if labels[i] in result.winners else "#89a" for i in ranked])
        ax.set_xlabel(f"Head-to-head wins (of {n - 1})")
        ax.set_title(shorten(vote.question, 70), fontsize=10)
        alt = (f"Bar chart of head-to-head wins in {name(vote)} "
               f"({METHOD_NAMES[e.method]}): " + ", ".join(
                   f"{labels[i]} {wins[i]}" for i in reversed(ranked))
               + f". {result.outcome()}.")
    return File(f"vote-{vote.number}-result.png", png(fig), "image/png",
                alt=shorten(alt, Limits.ALT_TEXT))


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
    result = await count_vote(uow, vote)
    vote.result = {**result.json(), "outcome": result.outcome(), "seed": vote.seed,
                   "turnout": turnout.json()}
    if vote.results == "live":
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
                                           question=vote.question, outcome=result.outcome()))
    chart = await drawn_chart(vote, result)
    card = results_card(vote, result, turnout)
    ctx.announce(uow, vote.lab_id, card, (chart,) if chart else ())
    log.info("vote %s closed: %s ballots", vote.id, ballots)
    return result


# --- /lab vote new -----------------------------------------------------------------------------

MethodWord = Literal["irv", "stv", "schulze", "ranked-pairs"]


class NewVoteArgs(Args):
    question: Annotated[str | None, Pos("question", greedy=True),
                        Field(min_length=1, max_length=200)] = None
    options: Annotated[list[str] | None, Kw("option")] = None
    method: Annotated[MethodWord | None, Kw(words=1)] = None
    seats: Annotated[int | None, Kw("N", words=1)] = None
    closes: Annotated[str | None, Kw("YYYY-MM-DD HH:MM", words=2)] = None
    results: Annotated[Literal["hidden", "live"] | None, Kw(words=1)] = None
    ties: Annotated[Literal["backward-then-random", "report"] | None, Kw(words=1)] = None
    strength: Annotated[Literal["margin", "winning-votes"] | None, Kw(words=1)] = None
    template: Annotated[str | None, Kw("name", words=1)] = None


def _new_vote_form(call: Call[Any]) -> Form:
    # A long zone name (Australia/Melbourne) is cut to fit Discord's 45-character label.
    closes = "Closes (YYYY-MM-DD HH:MM, "
    zone = shorten(call.zone, Limits.INPUT_LABEL - len(closes) - 1)
    return Form(
        action_ids.encode(FORM_ROUTE, "vote.new"), "New ranked-choice vote",
        (
            Input("question", "Question", placeholder="Which solution should we take on?",
                  max_length=200),
            Input("options", "Options, one a line (2 to 20)", multiline=True,
                  max_length=3000),
            Input("method", "Method: irv, stv, schulze, ranked-pairs", default="irv",
                  max_length=16),
            Input("seats", "Seats", default="1", max_length=2),
            Input("closes", f"{closes}{zone})",
                  required=False, placeholder="empty: a facilitator closes it",
                  max_length=16),
        ),
        submit_label="Open the vote",
    )


def _template(call: Call[NewVoteArgs]) -> tuple[str | None, list[str] | None]:
    name = call.args.template
    if name is None:
        return None, None
    templates = call.ctx.settings.vote_templates
    found = templates.get(name) or next(
        (t for k, t in templates.items() if k.casefold() == name.casefold()), None)
    if found is None:
        known = ", ".join(f"`{k}`" for k in templates) or "none are configured"
        raise NotFound(f"There is no vote template `{name}`. Templates: {known}.")
    return found.question, list(found.options)


@router.command(
    "vote new", args=NewVoteArgs, access="facilitator", topic="vote",
    summary=("Open a ranked-choice vote on the lab's options. Results stay hidden until the "
             f"close; with `results live` a running count is shown, refreshed only after "
             f"every {LIVE_BATCH} ballots cast or changed, and nobody is shown who has voted "
             "until the close, so no refresh gives a ballot away."),
    usage_line='/lab vote new "<question>" options "<a>" "<b>" ... [method irv|stv|schulze|'
               "ranked-pairs] [seats N] [closes YYYY-MM-DD HH:MM] [results hidden|live] "
               "[ties backward-then-random|report] [strength margin|winning-votes] "
               "[template <name>]",
    examples=('/lab vote new "Which solution?" options "Research" "Case studies" '
              '"Clever contracts"', "/lab vote new template action-lab-1 closes "
              "2027-01-11 17:00"),
)
async def new_vote(call: Call[NewVoteArgs]) -> Reply:
    a = call.args
    if all(v is None for v in a.model_dump().values()):
        return Reply(form=_new_vote_form(call))
    lab = call.the_lab
    question, options = _template(call)
    question = " ".join((a.question or question or "").split()).strip('"“”')
    if not question:
        raise UserError('Give the question in quotes: `/lab vote new "Which solution?" '
                        'options "A" "B"`, or use `template <name>`.')
    raw = a.options if a.options is not None else options
    if raw is None:
        raise UserError('List the options after `options`, each in quotes: '
                        '`options "Research" "Case studies"`, or use `template <name>`.')
    method: Method = "ranked_pairs" if a.method == "ranked-pairs" else (a.method or "irv")
    seats = a.seats if a.seats is not None else 1
    try:
        labels = check_options(raw)
        check_seats_for(seats, len(labels), method)
        closes_at = parse_close(a.closes, call.zone, call.now) if a.closes else None
    except RankingProblem as exc:
        raise UserError(str(exc)) from None
    vote = await call.uow.votes.add(Vote(
        lab_id=lab.id, number=await call.uow.votes.next_number(lab.id), question=question,
        method=method, seats=seats,
        strength="winning_votes" if a.strength == "winning-votes" else "margin",
        tie_break=a.ties or "backward-then-random", results=a.results or "hidden",
        status="open", seed="", created_at=call.now, created_by_id=call.person.id,
        closes_at=closes_at,
    ), labels)
    vote.seed = vote_seed(vote.id)
    await call.audit("vote.opened", vote=vote.number, question=question, method=method,
                     seats=seats, options=len(labels), results=vote.results,
                     ties=vote.tie_break,
                     closes=closes_at.isoformat() if closes_at else None)
    await call.emit(VoteOpened(lab_id=lab.id, vote_id=vote.id, closes_at=closes_at))
    return call.publish(vote_card(vote, None))


# --- /lab vote [<vote>] ---------------------------------------------------------------------


class VoteRef(Args):
    vote: Annotated[str | None, Pos("vote"), Complete("vote")] = None


class RequiredVoteRef(Args):
    vote: Annotated[str, Pos("vote"), Complete("vote")]


async def _show(call: Call[Any], vote: Vote) -> Reply:
    turnout = await turnout_of(call.uow, vote)
    if vote.status == "closed":
        result = await count_vote(call.uow, vote)
        chart = await drawn_chart(vote, result)
        return Reply(card=results_card(vote, result, turnout),
                     files=(chart,) if chart else ())
    waiting: list[str] = []
    # Who has not voted helps a facilitator nudge; in a live vote it would also tell who is
    # behind each change of the count, so it is not shown there (see LIVE_RULE).
    if (vote.results != "live" and call.member is not None
            and has_role(call.member.role, Role.FACILITATOR)):
        missing = set(await not_voted(call.uow, vote.id))
        waiting = [m.person.display_name for m in await call.uow.members.active(vote.lab_id)
                   if m.person_id in missing]
    card = vote_card(vote, turnout, waiting=waiting)
    if vote.results == "live" and vote.live_ballots and vote.live_at is not None:
        result = count(election_of(vote, vote.live_ballots))
        live = results_card(vote, result, turnout, live_at=vote.live_at)
        controls = [b for b in card.blocks if isinstance(b, Buttons)]
        return Reply(card=Card(live.blocks + tuple(controls), fallback=live.fallback))
    return Reply(card=card)


@router.command("vote show", args=VoteRef, topic="vote",
                summary="See a vote: its options, turnout, and the result once closed.",
                examples=("/lab vote show 2",))
async def show_vote(call: Call[VoteRef]) -> Reply:
    return await _show(call, await find_vote(call, call.args.vote))


@router.command("vote list", topic="vote", summary="The lab's votes, open and closed.")
async def list_votes(call: Call[Any]) -> Reply:
    lab = call.the_lab
    votes = await call.uow.votes.for_lab(lab.id)
    if not votes:
        return Reply.say(f"{lab.name} has no votes yet. A facilitator opens one with "
                         '`/lab vote new "<question>" options "<a>" "<b>"`.')
    mine = await call.uow.ballots.cast_by(call.person.id, [v.id for v in votes])
    lines = []
    for v in votes:
        if v.status == "open":
            turnout = await turnout_of(call.uow, v)
            closes = f", closes {at(v.closes_at)}" if v.closes_at else ""
            you = "you have voted" if v.id in mine else "you have not voted"
            state = f"open{closes}; {turnout.voted} of {turnout.members} voted, {you}"
        else:
            outcome = (v.result or {}).get("outcome", "closed")
            state = f"closed: {outcome}"
        lines.append(f"*{name(v, start=True)}:* {v.question} — {state}")
    return Reply(card=Card((Header(f"Votes in {lab.name}"), Text("\n".join(lines)[:3000]),
                            Context("`/lab vote show <number>` shows one vote.")),
                           fallback=f"Votes in {lab.name}"))


# --- ranking -------------------------------------------------------------------------------


class RankArgs(Args):
    vote: Annotated[str, Pos("vote"), Complete("vote")]
    options: Annotated[list[str] | None, Pos("options")] = None


def rank_form(vote: Vote) -> Form:
    hint = shorten("e.g. 2 4 1, or names: " + numbered(_labels(vote)), Limits.PLACEHOLDER)
    return Form(
        action_ids.encode(FORM_ROUTE, "rank"), shorten(f"Rank: {name(vote)}",
                                                       Limits.FORM_TITLE),
        (
            Input("vote", "Vote number", default=str(vote.number), max_length=6),
            Input("options", "Your ranking, best first", placeholder=hint, max_length=1000),
        ),
        submit_label="Save my ranking",
    )


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
        raise NotFound("That vote has been deleted.")
    _accepting(vote, now, zone)
    raise Conflict(f"{name(vote, start=True)} no longer takes ballots.")


async def _refresh_live(uow: UnitOfWork, vote: Vote, now: datetime) -> None:
    """Take a new live count if at least LIVE_BATCH ballots were cast or changed since the
    last one (for the first: once LIVE_BATCH ballots are in); otherwise leave it as it is."""
    if await uow.ballots.fresh(vote.id) < LIVE_BATCH:
        return
    rankings = sorted(await uow.ballots.rankings(vote.id))
    vote.live_ballots, vote.live_at = rankings, now
    await uow.ballots.mark_shown(vote.id)
    await uow.audit.record(lab_id=vote.lab_id, actor_id=None, action="vote.live_count",
                           at=now, vote=vote.number, ballots=len(rankings))


async def _cast(call: Call[Any], vote: Vote, ranking: list[int]) -> Reply:
    await _hold_open(call.uow, vote, call.now, call.zone)
    _, changed = await call.uow.ballots.cast(vote.id, call.person.id, ranking, call.now)
    if vote.results == "live":
        # No entry per ballot while a live vote is open: its time would tell whose ballot
        # moved the count. Who voted is recorded at the close.
        await _refresh_live(call.uow, vote, call.now)
    else:
        # The audit log says that a ballot was cast, never what it says.
        await call.audit("vote.ballot", vote=vote.number, changed=changed)
    return Reply(card=readback_card(vote, ranking, changed=changed))


@router.command(
    "rank", args=RankArgs, topic="vote",
    summary="Rank a vote's options, best first, by number or name; alone, see your ballot.",
    usage_line="/lab rank <vote> <option numbers or names, best first>",
    examples=("/lab rank 2 4 1 5", '/lab rank 2 research "case studies"', "/lab rank 2"),
)
async def rank(call: Call[RankArgs]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    if not call.args.options:
        _accepting(vote, call.now, call.zone)
        ballot = await call.uow.ballots.of(vote.id, call.person.id)
        current = list(ballot.ranking) if ballot else None
        return Reply(card=ranking_card(vote, [], current))
    try:
        ranking = [i + 1 for i in resolve_ranking(call.args.options, _labels(vote))]
    except RankingProblem as exc:
        raise UserError(f"{exc} Your ballot was not changed.") from None
    return await _cast(call, vote, ranking)


async def _draft(call: Call[Any]) -> tuple[Vote, list[int]]:
    """The vote a ranking control belongs to (still taking ballots) and the draft it carries."""
    vote = await _vote_of_control(call)
    _accepting(vote, call.now, call.zone)
    assert call.action is not None
    return vote, _read_draft(call.action.arg, len(vote.options))


async def _ranking_reply(call: Call[Any], vote: Vote, draft: list[int], *, replace: bool
                         ) -> Reply:
    ballot = await call.uow.ballots.of(vote.id, call.person.id)
    return Reply(card=ranking_card(vote, draft, list(ballot.ranking) if ballot else None),
                 replace=replace)


@router.action("vote.menu", scope="vote")
async def menu(call: Call[Any]) -> Reply:
    vote, _ = await _draft(call)
    return await _ranking_reply(call, vote, [], replace=False)


@router.action("vote.pick", scope="vote")
async def pick(call: Call[Any]) -> Reply:
    vote, draft = await _draft(call)
    if not call.values or not call.values[0].isdigit():
        raise UserError("Choose an option from the menu.")
    choice = int(call.values[0])
    if 1 <= choice <= len(vote.options) and choice not in draft:
        draft.append(choice)
    return await _ranking_reply(call, vote, draft, replace=True)


@router.action("vote.draft", scope="vote")
async def redraft(call: Call[Any]) -> Reply:
    vote, draft = await _draft(call)
    return await _ranking_reply(call, vote, draft, replace=True)


@router.action("vote.save", scope="vote")
async def save(call: Call[Any]) -> Reply:
    vote, draft = await _draft(call)
    if not draft:
        raise UserError("Choose at least your 1st choice before saving.")
    reply = await _cast(call, vote, draft)
    return Reply(card=reply.card, replace=True)


@router.action("vote.type", scope="vote")
async def type_ranking(call: Call[Any]) -> Reply:
    vote = await _vote_of_control(call)
    _accepting(vote, call.now, call.zone)
    return Reply(form=rank_form(vote))


@router.action("vote.mine", scope="vote")
async def mine(call: Call[Any]) -> Reply:
    vote = await _vote_of_control(call)
    ballot = await call.uow.ballots.of(vote.id, call.person.id)
    if ballot is None:
        if vote.status != "open":
            raise UserError(f"{name(vote, start=True)} is closed; ballots are no longer "
                            "linked to anyone, so there is nothing to show you.")
        raise UserError(f"You have not ranked {name(vote)} yet. Press *Rank with "
                        f"menus*, or type `/lab rank {vote.number} <options, best first>`.")
    return Reply(card=readback_card(vote, list(ballot.ranking), changed=None))


# --- close, ballots, delete ----------------------------------------------------------------


@router.command("vote close", args=RequiredVoteRef, access="facilitator", topic="vote",
                summary="Close a vote now; the result is posted in every channel of the lab.",
                examples=("/lab vote close 2",))
async def close(call: Call[RequiredVoteRef]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    if vote.status != "open":
        raise Conflict(f"{name(vote, start=True)} is already closed. See the result with "
                       f"`/lab vote show {vote.number}`.")
    result = await close_vote(call.ctx, call.uow, vote.id, call.now, closed_by=call.person.id)
    if result is None:
        raise Conflict(f"{name(vote, start=True)} was closed a moment ago by someone else.")
    return Reply.say(f"{name(vote, start=True)} is closed: {result.outcome()}. The result is "
                     "posted in the lab's channels.")


@router.command("vote ballots", args=RequiredVoteRef, topic="vote",
                summary="After the close: the anonymised ballots as JSON, CSV and BLT.",
                examples=("/lab vote ballots 2",))
async def export_ballots(call: Call[RequiredVoteRef]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    if vote.status != "closed":
        raise Conflict(
            f"{name(vote, start=True)} is still open. Ballots are published only after the "
            "close, so that nobody can see them while voting goes on."
        )
    rankings = await call.uow.ballots.rankings(vote.id)
    # A fresh random order from the operating system: nothing of the order people voted in
    # (or of the database's row order) survives into the file.
    random.SystemRandom().shuffle(rankings)
    labels = _labels(vote)
    file = BallotFile(vote.question, vote.method, vote.seats, tuple(labels),
                      tuple(tuple(labels[p - 1] for p in r) for r in rankings),
                      vote.tie_break, vote.seed, vote.strength)
    stem = f"vote-{vote.number}-ballots"
    files = (
        File(f"{stem}.json", write_json(file).encode(), "application/json"),
        File(f"{stem}.csv", write_csv(file).encode(), "text/csv"),
        File(f"{stem}.blt", write_blt(file).encode(), "text/plain"),
    )
    await call.audit("vote.ballots", vote=vote.number, ballots=len(rankings))
    flags = f"--method {vote.method} --seats {vote.seats} --tie-break {vote.tie_break} " \
            f"--seed {vote.seed}"
    if vote.strength != "margin":
        flags += f" --strength {vote.strength}"
    return Reply(card=Card((
        Header(f"Ballots of {name(vote)}"),
        Text(f"{plural(len(rankings), 'anonymised ballot')} in a random order: no names, "
             "no times.\n"
             f"Re-count: `actionlab tally {stem}.json`\n"
             f"or `actionlab tally {stem}.csv {flags}` (the same for the .blt file)."),
        Context("CSV: one row per ballot, one column per option, holding its rank. BLT: the "
                "ballot format of OpenSTV and OpaVote."),
    ), fallback=f"Ballots of {name(vote)}"), files=files)


@router.command("vote delete", args=RequiredVoteRef, access="facilitator", topic="vote",
                summary="Delete a vote and its ballots.", examples=("/lab vote delete 2",))
async def delete(call: Call[RequiredVoteRef]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    number, question, vote_id = vote.number, vote.question, vote.id
    await call.uow.votes.delete(vote)
    await call.audit("vote.deleted", vote=number, question=question)
    await call.emit(VoteDeleted(lab_id=call.the_lab.id, vote_id=vote_id))
    text = f"{call.person.display_name} deleted {name(number)} ({question}) and its ballots."
    return call.publish(Card((Text(shorten(text, Limits.TEXT)),), fallback=shorten(
        text, Limits.PLAIN_TEXT)))


# --- autocomplete and home ---------------------------------------------------------------------


@router.completer("vote")
async def complete_vote(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    text = typed.strip().removeprefix("#").casefold()
    votes = sorted(await call.uow.votes.for_lab(call.lab.id),
                   key=lambda v: (v.status != "open", -v.number))
    return [(shorten(f"#{v.number} {v.question} ({v.status})", 100), str(v.number))
            for v in votes
            if not text or str(v.number).startswith(text) or text in v.question.casefold()]


@router.home_section(30)
async def votes_to_rank(call: Call[Any]) -> list[Block]:
    lines = []
    for membership in await call.uow.members.labs_of(call.person.id):
        lab = await call.uow.labs.get(membership.lab_id)
        if lab is None:
            continue
        open_votes = await call.uow.votes.for_lab(lab.id, status="open")
        done = await call.uow.ballots.cast_by(call.person.id, [v.id for v in open_votes])
        for v in open_votes:
            if v.id in done:
                continue
            closes = f", closes {at(v.closes_at)}" if v.closes_at else ""
            lines.append(f"• *{_title(v)}* ({lab.name}){closes} — "
                         f"`/lab rank {v.number} ...`")
    if not lines:
        return []
    return [Text(shorten("*Votes to rank*\n" + "\n".join(lines), Limits.TEXT))]


# --- members who leave ---------------------------------------------------------------------------


@router.on(MemberLeft)
async def withdraw_ballots(event: MemberLeft, h: Happening) -> None:
    """A vote decides among the lab's members: whoever leaves takes their ballot out of the
    lab's open votes (closed votes are counted and stay as they are).

    One exception keeps the secret: in a live vote whose count on show already holds the
    ballot, it stays, and counts; taking it out would let anyone who compares the live count
    with the result read it off the difference."""
    for vote in await h.uow.votes.for_lab(event.lab_id, status="open"):
        # Serialised against the close like a ballot's write: either the close counts the
        # ballot as it stood, or the ballot is out before the count.
        if not await h.uow.votes.hold_open(vote.id, None):
            continue
        live = vote.results == "live"
        done = await h.uow.ballots.withdraw(vote.id, event.person_id, keep_shown=live)
        if done == "withdrawn" and not live:
            await h.uow.audit.record(lab_id=vote.lab_id, actor_id=event.person_id,
                                     action="vote.ballot_withdrawn", at=h.now,
                                     vote=vote.number, why="left the lab")


# --- what reminders need of a vote ------------------------------------------------------------


async def _close_at_deadline(ctx: AppContext, uow: UnitOfWork, vote_id: int, now: datetime
                             ) -> None:
    # Claims the open vote itself: a vote a facilitator already closed stays as it is.
    await close_vote(ctx, uow, vote_id, now)


@router.subject("vote", pending=not_voted, close=_close_at_deadline)
async def reminder_info(uow: UnitOfWork, vote_id: int) -> SubjectInfo | None:
    """How a reminder names the vote, with the ranking button while it is open."""
    vote = await uow.votes.get(vote_id)
    if vote is None:
        return None
    button = None
    if vote.status == "open":
        button = Button("Rank the options", action_ids.encode("vote.menu", vote.id),
                        style="primary")
    return SubjectInfo(f"Vote #{vote.number}: {vote.question}", button=button,
                       moment=vote.closes_at)
