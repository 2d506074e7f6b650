"""Votes' slash commands: new, show, list, rank, close, ballots; completion, home (delete,
restore and withdraw are in `removal`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos
from bot.domain.lab import Role, has_role
from bot.domain.options import (
    DESCRIPTION_LENGTH,
    SEPARATOR,
    DescriptionProblem,
    check_description,
    split_option,
    summary,
)
from bot.domain.tally import METHOD_NAMES, count
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
from bot.domain.zones import format_local
from bot.errors import Conflict, NotFound, UserError
from bot.events import VoteOpened
from bot.features.forms import filled
from bot.features.live import post_live
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
    ballot_files,
    ballots_stem,
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
    Button,
    Buttons,
    Card,
    Context,
    Fields,
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
from storage.models import FormDraft, Vote

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
            name=name, known=known), field="template")
    return found.question, list(found.options)


def _cases(raw: list[tuple[str, str | None]]) -> tuple[list[str], list[str | None]]:
    """The options' names, checked, and their descriptions, each within the limit."""
    try:
        labels = check_options([label for label, _ in raw])
        return labels, [check_description(label, d)
                        for label, (_, d) in zip(labels, raw, strict=True)]
    except (RankingProblem, DescriptionProblem) as exc:
        raise UserError(str(exc), field="options") from None


@dataclass(frozen=True, slots=True)
class _NewVote:
    """A vote as typed, checked: what `/lab vote new` would open."""

    question: str
    labels: list[str]
    descriptions: list[str | None]
    method: VoteMethod
    seats: int
    closes_at: datetime | None
    strength: Strength = Strength.MARGIN
    ties: TieRule = TieRule.BACKWARD_THEN_RANDOM
    results: ResultsMode = ResultsMode.HIDDEN

    def payload(self) -> dict[str, Any]:
        """As kept in a draft (JSON)."""
        return {"question": self.question, "labels": self.labels,
                "descriptions": self.descriptions, "method": self.method.value,
                "seats": self.seats, "strength": self.strength.value, "ties": self.ties.value,
                "results": self.results.value,
                "closes_at": self.closes_at.isoformat() if self.closes_at else None}

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> _NewVote:
        closes = data.get("closes_at")
        return cls(str(data["question"]), [str(x) for x in data["labels"]],
                   [None if d is None else str(d) for d in data["descriptions"]],
                   VoteMethod(data["method"]), int(data["seats"]),
                   datetime.fromisoformat(closes) if closes else None,
                   Strength(data["strength"]), TieRule(data["ties"]),
                   ResultsMode(data["results"]))


def _new(call: Call[NewVoteArgs]) -> _NewVote:
    """Check the vote `call.args` describes, writing nothing; each mistake names its
    argument."""
    a = call.args
    question, options = _template(call)
    question = " ".join((a.question or question or "").split()).strip('"“”')
    if not question:
        raise UserError(_('Give the question in quotes: `/lab vote new "Which solution?" '
                        'options "A" "B"`, or use `template <name>`.'), field="question")
    raw = [split_option(o) for o in a.options] if a.options is not None else options
    if raw is None:
        raise UserError(_('List the options after `options`, each in quotes: '
                        '`options "Research" "Case studies"`, or use `template <name>`.'),
                        field="options")
    # The words typed ("ranked-pairs", "winning-votes") become the typed values stored.
    method = VoteMethod((a.method or VoteMethod.IRV).replace("-", "_"))
    seats = a.seats if a.seats is not None else 1
    labels, descriptions = _cases(raw)
    try:
        check_seats_for(seats, len(labels), method.tally)
    except RankingProblem as exc:
        raise UserError(str(exc), field="seats") from None
    try:
        closes_at = parse_close(a.closes, call.zone, call.now) if a.closes else None
    except RankingProblem as exc:
        raise UserError(str(exc), field="closes") from None
    return _NewVote(question, labels, descriptions, method, seats, closes_at,
                    Strength((a.strength or Strength.MARGIN).replace("-", "_")),
                    TieRule(a.ties or TieRule.BACKWARD_THEN_RANDOM),
                    ResultsMode(a.results or ResultsMode.HIDDEN))


async def _check_new(call: Call[NewVoteArgs]) -> None:
    """`/lab vote new`'s checks, with no writes (a form is checked before Slack's answer)."""
    if any(v is not None for v in call.args.model_dump().values()):
        _new(call)


async def _vote_form(call: Call[Any]) -> Form:
    return _new_vote_form(call)


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
    form=_vote_form, check=_check_new,
)
async def new_vote(call: Call[NewVoteArgs]) -> Reply:
    a = call.args
    if all(v is None for v in a.model_dump().values()):
        return Reply(form=_new_vote_form(call))
    return await _preview(call, _new(call))


# --- the preview: nothing is posted or counted until Open ------------------------------------

PREVIEW_KEPT = timedelta(days=1)  # how long a previewed vote waits for Open


def _typed(call: Call[NewVoteArgs], new: _NewVote) -> dict[str, str]:
    """The vote as the form's fields hold it (for Change), plus the arguments the form has
    no field for (kept by the draft when the form comes back)."""
    a = call.args
    options = [f"{label}{SEPARATOR}{d}" if d else label
               for label, d in zip(new.labels, new.descriptions, strict=True)]
    typed = {"question": new.question, "options": "\n".join(options),
             "method": a.method or "irv", "seats": str(new.seats), "closes": a.closes or ""}
    for word in ("results", "ties", "strength"):
        value = getattr(a, word)
        if value is not None:
            typed[word] = value
    return typed


async def _preview(call: Call[NewVoteArgs], new: _NewVote) -> Reply:
    """The vote as it would open, privately, with Open the vote / Change / Cancel; kept as
    a draft until Open (nothing is posted or counted before)."""
    lab = call.the_lab
    draft = await call.uow.drafts.add(
        kind="vote", lab_id=lab.id, person_id=call.person.id, now=call.now,
        expires_at=call.now + PREVIEW_KEPT,
        payload={"vote": new.payload(), "values": _typed(call, new)})
    return Reply(card=preview_card(new, call.zone, lab.id, draft.id))


def preview_card(new: _NewVote, zone: str, lab_id: int, draft_id: int) -> Card:
    lines = []
    for n, (label, description) in enumerate(zip(new.labels, new.descriptions, strict=True),
                                             1):
        brief = summary(description)
        lines.append(f"*{n}.* {label}" + (f" — {brief}" if brief else ""))
    method = _(METHOD_NAMES[new.method.tally])
    closes = (_("{when} ({zone})").format(when=format_local(new.closes_at, zone), zone=zone)
              if new.closes_at else _("when a facilitator closes it"))
    results = (_("a running count, refreshed every {count} ballots").format(count=LIVE_BATCH)
               if new.results == ResultsMode.LIVE else _("hidden until the close"))
    return Card((
        Header(shorten(_("Preview: {question}").format(question=new.question),
                       Limits.HEADER)),
        Text(shorten("\n".join(lines), Limits.TEXT)),
        Fields((
            (_("Method"), f"{method[:1].upper()}{method[1:]}"),
            (_("Seats"), str(new.seats)),
            (_("Results"), results),
            (_("Closes"), closes),
        )),
        Context(_("Only you see this. Nothing is posted or counted until you press Open "
                  "the vote.")),
        Buttons((
            Button(_("Open the vote"), action_ids.encode("vote.draft_open", lab_id, draft_id),
                   style="primary"),
            Button(_("Change"), action_ids.encode("vote.draft_change", lab_id, draft_id)),
            Button(_("Cancel"), action_ids.encode("vote.draft_cancel", lab_id, draft_id)),
        )),
    ), fallback=_("Preview: {question}").format(question=shorten(new.question, 150)))


async def _draft(call: Call[Any]) -> FormDraft:
    assert call.action is not None
    arg = call.action.arg or ""
    draft = await call.uow.drafts.live(int(arg), call.person.id, call.now, kind="vote") \
        if arg.isdigit() else None
    if draft is None or draft.lab_id != call.the_lab.id:
        raise NotFound(_("That preview is no longer there (it was opened, cancelled, or "
                         "kept longer than a day). `/lab vote new` makes a new one."))
    return draft


@router.action("vote.draft_open", scope="lab", access="facilitator")
async def open_previewed(call: Call[Any]) -> Reply:
    """Open the vote the preview shows: posted in every channel of the lab, counted from
    now; the preview says what became of it."""
    draft = await _draft(call)
    new = _NewVote.from_payload(dict(draft.payload["vote"]))
    if new.closes_at is not None and new.closes_at <= call.now:
        raise Conflict(_("Its closing time, {when} ({zone}), has passed since the preview. "
                         "Press Change to choose a later one.").format(
            when=format_local(new.closes_at, call.zone), zone=call.zone))
    lab = call.the_lab
    vote = await call.uow.votes.add(Vote(
        lab_id=lab.id, number=await call.uow.votes.next_number(lab.id), question=new.question,
        method=new.method, seats=new.seats, strength=new.strength, tie_break=new.ties,
        results=new.results, status=VoteStatus.OPEN, seed="", created_at=call.now,
        created_by_id=call.person.id, closes_at=new.closes_at,
    ), new.labels, new.descriptions)
    vote.seed = vote_seed(vote.id)
    await call.uow.drafts.remove(draft)
    await call.audit("vote.opened", vote=vote.number, question=new.question, method=new.method,
                     seats=new.seats, options=len(new.labels), results=vote.results,
                     ties=vote.tie_break,
                     closes=new.closes_at.isoformat() if new.closes_at else None)
    await call.emit(VoteOpened(lab_id=lab.id, vote_id=vote.id, closes_at=new.closes_at))
    post_live(call.ctx, call.uow, lab.id, "vote", vote.id,
              call.channel_card(lambda: vote_card(vote, None)))
    text = _("{name} is open: {question}. It is in the lab's channels.").format(
        name=name(vote, start=True), question=new.question)
    return Reply(card=Card((Text(shorten(text, Limits.TEXT)),), fallback=shorten(text, 150)),
                 replace=True)


@router.action("vote.draft_change", scope="lab", access="facilitator")
async def change_previewed(call: Call[Any]) -> Reply:
    """The form again, filled with the previewed vote; sent, it previews again (keeping
    what the form has no field for, such as `results live`)."""
    draft = await _draft(call)
    values = draft.payload.get("values")
    return Reply(form=filled(_new_vote_form(call), values if isinstance(values, dict) else {},
                             action_ids.encode(FORM_ROUTE, "vote.new", draft.id)))


@router.action("vote.draft_cancel", scope="lab", access="facilitator")
async def cancel_previewed(call: Call[Any]) -> Reply:
    draft = await _draft(call)
    await call.uow.drafts.remove(draft)
    text = _("Cancelled: no vote was opened, and nothing was posted.")
    return Reply(card=Card((Text(text),), fallback=text), replace=True)


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
    files, ballots = await ballot_files(call.uow, vote)
    stem = ballots_stem(vote)
    await call.audit("vote.ballots", vote=vote.number, ballots=ballots)
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
            count=plural(ballots, 'anonymised ballot'), stem=stem, flags=flags)),
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


