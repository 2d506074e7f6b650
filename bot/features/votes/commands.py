"""Votes' slash commands: new, show, list, rank, close, ballots; completion, home (delete,
restore and withdraw are in `removal`)."""

from __future__ import annotations

import random
from typing import Annotated, Any, Literal

from pydantic import Field

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos
from bot.domain.ballots import BallotFile, write_blt, write_csv, write_json
from bot.domain.lab import Role, has_role
from bot.domain.options import (
    DESCRIPTION_LENGTH,
    DescriptionProblem,
    check_description,
    split_option,
    summary,
)
from bot.domain.tally import count
from bot.domain.tally.rounds import plural
from bot.domain.tally.rules import (
    RankingProblem,
    check_options,
    check_seats_for,
    parse_close,
    resolve_ranking,
    vote_seed,
)
from bot.domain.votes import LIVE_BATCH, ResultsMode, Strength, TieRule, VoteMethod, VoteStatus
from bot.errors import Conflict, NotFound, UserError
from bot.events import VoteOpened
from bot.features.live import show_live
from bot.features.votes.cards import (
    _labels,
    _title,
    name,
    ranking_card,
    results_card,
    vote_card,
)
from bot.features.votes.charts import drawn_chart
from bot.features.votes.routes import router
from bot.features.votes.service import (
    _accepting,
    _cast,
    close_vote,
    count_vote,
    election_of,
    find_vote,
    not_voted,
    turnout_of,
)
from bot.features.votes.templates import find_template, templates
from bot.i18n import N_, _
from bot.messages import (
    Block,
    Buttons,
    Card,
    Context,
    File,
    Form,
    Header,
    Input,
    Limits,
    Reply,
    Text,
    at,
    shorten,
)
from bot.router import FORM_ROUTE, Call
from storage.models import Vote

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
    closes = _("Closes (YYYY-MM-DD HH:MM, ")
    zone = shorten(call.zone, Limits.INPUT_LABEL - len(closes) - 1)
    return Form(
        action_ids.encode(FORM_ROUTE, "vote.new"), _("New ranked-choice vote"),
        (
            Input("question", _("Question"), placeholder=_("Which solution should we take on?"),
                  max_length=200),
            Input("options", _("Options, one a line (2 to 20)"), multiline=True,
                  max_length=3000),
            Input("method", _("Method: irv, stv, schulze, ranked-pairs"), default="irv",
                  max_length=16),
            Input("seats", _("Seats"), default="1", max_length=2),
            Input("closes", f"{closes}{zone})",
                  required=False, placeholder=_("empty: a facilitator closes it"),
                  max_length=16),
        ),
        submit_label=_("Open the vote"),
    )


def _template(call: Call[NewVoteArgs]
              ) -> tuple[str | None, list[tuple[str, str | None]] | None]:
    name = call.args.template
    if name is None:
        return None, None
    found = find_template(call.ctx.settings, name)
    if found is None:
        known = ", ".join(f"`{k}`" for k in templates(call.ctx.settings)) or \
            _("none are configured")
        raise NotFound(_("There is no vote template `{name}`. Templates: {known}.").format(
            name=name, known=known))
    return found.question, list(found.options)


def _cases(raw: list[tuple[str, str | None]]) -> tuple[list[str], list[str | None]]:
    """The options' names, checked, and their descriptions, each within the limit."""
    try:
        labels = check_options([label for label, _ in raw])
        return labels, [check_description(label, d)
                        for label, (_, d) in zip(labels, raw, strict=True)]
    except (RankingProblem, DescriptionProblem) as exc:
        raise UserError(str(exc)) from None


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
        raise UserError(_('Give the question in quotes: `/lab vote new "Which solution?" '
                        'options "A" "B"`, or use `template <name>`.'))
    raw = [split_option(o) for o in a.options] if a.options is not None else options
    if raw is None:
        raise UserError(_('List the options after `options`, each in quotes: '
                        '`options "Research" "Case studies"`, or use `template <name>`.'))
    # The words typed ("ranked-pairs", "winning-votes") become the typed values stored.
    method = VoteMethod((a.method or VoteMethod.IRV).replace("-", "_"))
    seats = a.seats if a.seats is not None else 1
    labels, descriptions = _cases(raw)
    try:
        check_seats_for(seats, len(labels), method.tally)
        closes_at = parse_close(a.closes, call.zone, call.now) if a.closes else None
    except RankingProblem as exc:
        raise UserError(str(exc)) from None
    vote = await call.uow.votes.add(Vote(
        lab_id=lab.id, number=await call.uow.votes.next_number(lab.id), question=question,
        method=method, seats=seats,
        strength=Strength((a.strength or Strength.MARGIN).replace("-", "_")),
        tie_break=TieRule(a.ties or TieRule.BACKWARD_THEN_RANDOM),
        results=ResultsMode(a.results or ResultsMode.HIDDEN),
        status=VoteStatus.OPEN, seed="", created_at=call.now, created_by_id=call.person.id,
        closes_at=closes_at,
    ), labels, descriptions)
    vote.seed = vote_seed(vote.id)
    await call.audit("vote.opened", vote=vote.number, question=question, method=method,
                     seats=seats, options=len(labels), results=vote.results,
                     ties=vote.tie_break,
                     closes=closes_at.isoformat() if closes_at else None)
    await call.emit(VoteOpened(lab_id=lab.id, vote_id=vote.id, closes_at=closes_at))
    return await show_live(call, "vote", vote.id, lambda: vote_card(vote, None))


# --- /lab vote describe -------------------------------------------------------------------------


class DescribeArgs(Args):
    vote: Annotated[str, Pos("vote"), Complete("vote")]
    option: Annotated[str, Pos("option")]
    text: Annotated[str | None, Pos("description", greedy=True)] = None


def _describe_form(vote: Vote, position: int) -> Form:
    option = vote.options[position - 1]
    return Form(
        action_ids.encode(FORM_ROUTE, "vote.describe"),
        shorten(_("Describe option {position}").format(position=position), Limits.FORM_TITLE),
        (
            Input("vote", _("Vote number"), default=str(vote.number), max_length=6),
            Input("option", _("Option number"), default=str(position), max_length=2),
            Input("text", shorten(_("The case for {label}").format(label=option.label),
                                  Limits.INPUT_LABEL),
                  default=option.description or "", multiline=True,
                  max_length=DESCRIPTION_LENGTH,
                  placeholder=_("What it is, why it helps, examples")),
        ),
        submit_label=_("Save the description"),
    )


@router.command(
    "vote describe", args=DescribeArgs, access="facilitator", topic="vote",
    summary=("Give an option its case: what it is, why it helps, examples (Markdown-lite, "
             f"at most {DESCRIPTION_LENGTH} characters), shown beside it on every ballot. "
             "Without the text, a form opens with the current one. Only before the first "
             "ballot, so nobody ranks by a text that changes afterwards."),
    usage_line="/lab vote describe <vote> <option number or name> [<description>]",
    examples=('/lab vote describe 1 research "Summaries of existing research."',
              "/lab vote describe 1 3"),
)
async def describe(call: Call[DescribeArgs]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    try:
        position = resolve_ranking([call.args.option], _labels(vote))[0] + 1
    except RankingProblem as exc:
        raise UserError(str(exc)) from None
    if vote.status != VoteStatus.OPEN:
        raise Conflict(_("{name} is closed: its options' descriptions are "
                         "part of its record and no longer change.").format(
            name=name(vote, start=True)))
    if await call.uow.ballots.rankings(vote.id):
        raise Conflict(
            _("Members have started ranking in {name}, so its options' descriptions no "
              "longer change: a ballot was cast on the text as it stands. Open a new vote "
              "(`/lab vote new`) if the case has changed.").format(name=name(vote))
        )
    if call.args.text is None:
        return Reply(form=_describe_form(vote, position))
    option = vote.options[position - 1]
    try:
        option.description = check_description(option.label, call.args.text)
    except DescriptionProblem as exc:
        raise UserError(_("{problem} The description was not changed.").format(
            problem=exc)) from None
    await call.audit("vote.described", vote=vote.number, option=position,
                     chars=len(option.description or ""))
    shown = summary(option.description) or _("(no description)")
    return Reply.say(_("Option {position}, {label}, of {name} now reads, in "
                       "brief: {shown}. Members see it beside the name on their ballot, "
                       "and the whole text with “Read the options”.").format(
        position=position, label=option.label, name=name(vote), shown=shown))


# --- /lab vote [<vote>] ---------------------------------------------------------------------


class VoteRef(Args):
    vote: Annotated[str | None, Pos("vote"), Complete("vote")] = None


class RequiredVoteRef(Args):
    vote: Annotated[str, Pos("vote"), Complete("vote")]


async def _show(call: Call[Any], vote: Vote) -> Reply:
    turnout = await turnout_of(call.uow, vote)
    if vote.status == VoteStatus.CLOSED:
        result = await count_vote(call.uow, vote)
        chart = await drawn_chart(vote, result)
        card = results_card(vote, result, turnout)
        if vote.withdrawn_at is not None:
            note = (_("*Result withdrawn* on {when}: "
                    "{withdrawn_reason}").format(
                when=at(vote.withdrawn_at, 'f'), withdrawn_reason=vote.withdrawn_reason))
            card = Card((Text(shorten(note, Limits.TEXT)), *card.blocks),
                        fallback=card.fallback)
        return Reply(card=card, files=(chart,) if chart else ())
    waiting: list[str] = []
    # Who has not voted helps a facilitator nudge; in a live vote it would also tell who is
    # behind each change of the count, so it is not shown there (see LIVE_RULE).
    if (vote.results != ResultsMode.LIVE and call.member is not None
            and has_role(call.member.role, Role.FACILITATOR)):
        missing = set(await not_voted(call.uow, vote.id))
        waiting = [m.person.display_name for m in await call.uow.members.active(vote.lab_id)
                   if m.person_id in missing]
    card = vote_card(vote, turnout, waiting=waiting)
    if vote.results == ResultsMode.LIVE and vote.live_ballots and vote.live_at is not None:
        result = count(election_of(vote, vote.live_ballots))
        live = results_card(vote, result, turnout, live_at=vote.live_at)
        controls = [b for b in card.blocks if isinstance(b, Buttons)]
        return Reply(card=Card(live.blocks + tuple(controls), fallback=live.fallback))
    return Reply(card=card)


@router.command("vote show", args=VoteRef, topic="vote",
                summary=N_("See a vote: its options, turnout, and the result once closed."),
                examples=("/lab vote show 2",))
async def show_vote(call: Call[VoteRef]) -> Reply:
    return await _show(call, await find_vote(call, call.args.vote))


@router.command("vote list", topic="vote", summary=N_("The lab's votes, open and closed."))
async def list_votes(call: Call[Any]) -> Reply:
    lab = call.the_lab
    votes = await call.uow.votes.for_lab(lab.id)
    if not votes:
        return Reply.say(_("{name} has no votes yet. A facilitator opens one with "
                         '`/lab vote new "<question>" options "<a>" "<b>"`.').format(name=lab.name))
    mine = await call.uow.ballots.cast_by(call.person.id, [v.id for v in votes])
    lines = []
    for v in votes:
        if v.status == VoteStatus.OPEN:
            turnout = await turnout_of(call.uow, v)
            closes = _(", closes {when}").format(
                when=at(v.closes_at)) if v.closes_at else ""
            you = _("you have voted") if v.id in mine else _("you have not voted")
            state = _("open{closes}; {voted} of {members} voted, {you}").format(
                closes=closes, voted=turnout.voted, members=turnout.members, you=you)
        else:
            outcome = (v.result or {}).get("outcome", "closed")
            state = f"closed: {outcome}"
            if v.withdrawn_at is not None:
                state += _(" (result withdrawn: {withdrawn_reason})").format(
                    withdrawn_reason=v.withdrawn_reason)
        lines.append(f"*{name(v, start=True)}:* {v.question} — {state}")
    return Reply(card=Card((Header(_("Votes in {name}").format(
        name=lab.name)), Text("\n".join(lines)[:3000]),
                            Context(_("`/lab vote show <number>` shows one vote."))),
                           fallback=_("Votes in {name}").format(name=lab.name)))


# --- ranking -------------------------------------------------------------------------------


class RankArgs(Args):
    vote: Annotated[str, Pos("vote"), Complete("vote")]
    options: Annotated[list[str] | None, Pos("options")] = None


@router.command(
    "rank", args=RankArgs, topic="vote",
    summary=N_("Rank a vote's options, best first, by number or name; alone, see your ballot."),
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
        raise UserError(_("{exc} Your ballot was not changed.").format(exc=exc)) from None
    return await _cast(call, vote, ranking)


# --- close, ballots, delete ----------------------------------------------------------------


@router.command("vote close", args=RequiredVoteRef, access="facilitator", topic="vote",
                summary=N_("Close a vote now; the result is posted in every channel of the lab."),
                examples=("/lab vote close 2",))
async def close(call: Call[RequiredVoteRef]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    if vote.status != VoteStatus.OPEN:
        raise Conflict(_("{name} is already closed. See the result with "
                       "`/lab vote show {number}`.").format(
            name=name(vote, start=True), number=vote.number))
    result = await close_vote(call.ctx, call.uow, vote.id, call.now, closed_by=call.person.id)
    if result is None:
        raise Conflict(_("{name} was closed a moment ago by someone else.").format(
            name=name(vote, start=True)))
    return Reply.say(_("{name} is closed: {outcome}. The result is "
                     "posted in the lab's channels.").format(
        name=name(vote, start=True), outcome=result.outcome()))


@router.command("vote ballots", args=RequiredVoteRef, topic="vote",
                summary=N_("After the close: the anonymised ballots as JSON, CSV and BLT."),
                examples=("/lab vote ballots 2",))
async def export_ballots(call: Call[RequiredVoteRef]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    if vote.status != VoteStatus.CLOSED:
        raise Conflict(
            _("{name} is still open. Ballots are published only after the "
            "close, so that nobody can see them while voting goes on.").format(
                name=name(vote, start=True))
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
    flags = _("--method {method} --seats {seats} --tie-break {tie_break} " \
            "--seed {seed}").format(
        method=vote.method, seats=vote.seats, tie_break=vote.tie_break, seed=vote.seed)
    if vote.strength != Strength.MARGIN:
        flags += f" --strength {vote.strength}"
    return Reply(card=Card((
        Header(_("Ballots of {name}").format(name=name(vote))),
        Text(_("{count} in a random order: no names, "
             "no times.\n"
             "Re-count: `actionlab tally {stem}.json`\n"
             "or `actionlab tally {stem}.csv {flags}` (the same for the .blt file).").format(
            count=plural(len(rankings), 'anonymised ballot'), stem=stem, flags=flags)),
        Context(_("CSV: one row per ballot, one column per option, holding its rank. BLT: the "
                "ballot format of OpenSTV and OpaVote.")),
    ), fallback=_("Ballots of {name}").format(name=name(vote))), files=files)



# --- autocomplete and home ---------------------------------------------------------------------


@router.completer("vote")
async def complete_vote(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    text = typed.strip().removeprefix("#").casefold()
    votes = sorted(await call.uow.votes.for_lab(call.lab.id),
                   key=lambda v: (v.status != VoteStatus.OPEN, -v.number))
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
        open_votes = await call.uow.votes.for_lab(lab.id, status=VoteStatus.OPEN)
        done = await call.uow.ballots.cast_by(call.person.id, [v.id for v in open_votes])
        for v in open_votes:
            if v.id in done:
                continue
            closes = _(", closes {when}").format(
                when=at(v.closes_at)) if v.closes_at else ""
            lines.append(_("• *{title}* ({name}){closes} — "
                         "`/lab rank {number} ...`").format(
                title=_title(v), name=lab.name, closes=closes, number=v.number))
    if not lines:
        return []
    return [Text(shorten(_("*Votes to rank*\n") + "\n".join(lines), Limits.TEXT))]


