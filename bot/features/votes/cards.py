"""Votes' cards: how a vote is named, the open vote, the ranking menus, a ballot, the result."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot import action_ids
from bot.domain.options import summary
from bot.domain.tally import METHOD_NAMES, Result, names
from bot.domain.tally.report import condorcet_line, matrix_table, method_line, round_table
from bot.domain.tally.rounds import plural
from bot.domain.tally.rules import choice, numbered
from bot.domain.votes import LIVE_BATCH, ResultsMode, Strength, TieRule, Turnout, VoteStatus
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
    Option,
    Select,
    Text,
    at,
    shorten,
)
from bot.router import FORM_ROUTE
from storage.models import Vote

SUBCOMMANDS = ("new", "show", "close", "ballots", "delete", "describe")
TIE_WORDS = {
    TieRule.BACKWARD_THEN_RANDOM: N_("earlier rounds, then a seeded draw"),
    TieRule.REPORT: N_("reported to the lab, never drawn"),
}
NO_DRAFT = "-"
LIVE_RULE = (
    f"The live count is refreshed only once at least {LIVE_BATCH} ballots have been cast or "
    "changed since the last refresh, and while the vote is open nobody, facilitators "
    "included, is shown who has voted: so no refresh can show how one member ranked. The "
    "reminder before the close time still goes, privately, only to those who have not ranked."
)


def _labels(vote: Vote) -> list[str]:
    return [o.label for o in vote.options]


def name(vote: Vote | int, *, start: bool = False) -> str:
    """How a vote is named everywhere, as polls are: "vote #2" ("Vote #2" at the `start` of
    a sentence or a title)."""
    number = vote if isinstance(vote, int) else vote.number
    if start:
        return _("Vote #{number}").format(number=number)
    return _("vote #{number}").format(number=number)


def _title(vote: Vote) -> str:
    return f"{name(vote, start=True)}: {vote.question}"


# --- options and their case ------------------------------------------------------------------


def _option_lines(vote: Vote) -> str:
    """One line per option: its number, name and, if it has a case, the case's summary."""
    lines = []
    for i, o in enumerate(vote.options, 1):
        line = f"*{i}.* {o.label}"
        brief = summary(o.description, 120)
        lines.append(f"{line} — {brief}" if brief else line)
    return "\n".join(lines)


def _about_button(vote: Vote) -> list[Button]:
    if not any(o.description for o in vote.options):
        return []
    return [Button(_("Read the options"), action_ids.encode("vote.about", vote.id, "1"))]


def winners_case(vote: Vote, winners: Sequence[str]) -> str:
    """The winning options' descriptions, for the result and the minutes' decision."""
    parts = []
    for o in vote.options:
        if o.label in winners and o.description:
            parts.append(f"*{o.label}*: {o.description}")
    return "\n\n".join(parts)


ABOUT_BUDGET = 5400  # of a card's 6000 characters, the rest for the header and small print


def about_card(vote: Vote, first: int = 1) -> Card:
    """Each option's full case, from option `first` on, as many as fit; "More" for the rest."""
    blocks: list[Block] = [Header(shorten(_("The options of {name}: {question}").format(
        name=name(vote), question=vote.question), Limits.HEADER))]
    used, last = 0, first - 1
    for position in range(max(1, first), len(vote.options) + 1):
        o = vote.options[position - 1]
        text = shorten(f"*{position}. {o.label}*\n{o.description or _('(no description)')}",
                       Limits.TEXT)
        if used + len(text) > ABOUT_BUDGET and last >= first:
            break
        blocks.append(Text(text))
        used, last = used + len(text), position
    controls: list[Button] = []
    if last < len(vote.options):
        controls.append(Button(_("Options {first} to {last}").format(
                                   first=last + 1, last=len(vote.options)),
                               action_ids.encode("vote.about", vote.id, str(last + 1))))
    if vote.status == VoteStatus.OPEN:
        controls.append(Button(_("Rank with menus"), action_ids.encode("vote.menu", vote.id),
                               style="primary"))
    if controls:
        blocks.append(Buttons(tuple(controls)))
    return Card(tuple(blocks), fallback=shorten(_("The options of {name}").format(
        name=name(vote)), Limits.PLAIN_TEXT))


# --- cards -----------------------------------------------------------------------------------


def _method_words(vote: Vote) -> str:
    method = _(METHOD_NAMES[vote.method.tally])
    seats = f"{vote.seats} seat{'s' if vote.seats != 1 else ''}"
    text = f"{method[:1].upper()}{method[1:]}, {seats}"
    if vote.method.condorcet:
        text += _(", links by ") + ("margin" if vote.strength == Strength.MARGIN
                                 else _("winning votes"))
    return text


def vote_card(vote: Vote, turnout: Turnout | None, *, waiting: Sequence[str] = ()) -> Card:
    """The vote as members see it while it is open: options, rules, turnout, controls.
    `turnout` is None on the card posted when the vote opens, which is not redrawn as ballots
    come in: it points to `/lab vote show` rather than show a count that would go stale.
    `waiting` (who has not voted) is for facilitators, and never given for a live vote."""
    blocks: list[Block] = [Header(shorten(_title(vote), Limits.HEADER))]
    blocks.append(Text(shorten(_option_lines(vote), Limits.TEXT)))
    closes = at(vote.closes_at) if vote.closes_at else _("when a facilitator closes it")
    blocks.append(Fields((
        (_("Method"), _method_words(vote)),
        (_("Closes"), closes),
        (_("Results"), _("a live count, refreshed after every {LIVE_BATCH} ballots cast or "
         "changed").format(
            LIVE_BATCH=LIVE_BATCH) if vote.results == ResultsMode.LIVE
         else _("hidden until the close")),
        (_("Ties"), _(TIE_WORDS.get(vote.tie_break, vote.tie_break))),
        (_("Turnout"), turnout.words("open" if vote.status == VoteStatus.OPEN else "final")
         if turnout is not None else _("`/lab vote show {number}` shows it as it stands").format(
             number=vote.number)),
    )))
    if vote.results == ResultsMode.LIVE and vote.status == VoteStatus.OPEN:
        blocks.append(Context(LIVE_RULE))
    elif waiting:
        blocks.append(Context(shorten(_("Not voted yet (only facilitators see this): ")
                                      + ", ".join(waiting), Limits.CONTEXT)))
    if vote.status == VoteStatus.OPEN:
        blocks.append(Context(
            _("Rank with the menus, or type `/lab rank {number} <option numbers or names, "
            "best first>`, e.g. `/lab rank {number} "
            "{names}`. Rank as "
            "many as you like; a ballot is secret, and you can change it until the close.").format(
                number=vote.number,
                names=' '.join(str(i) for i in range(min(3, len(vote.options)), 0, -1)))
        ))
        blocks.append(Buttons((
            Button(_("Rank with menus"), action_ids.encode("vote.menu", vote.id),
                   style="primary"),
            Button(_("Type my ranking"), action_ids.encode("vote.type", vote.id)),
            Button(_("My ballot"), action_ids.encode("vote.mine", vote.id)),
            *_about_button(vote),
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
    return "\n".join(f"{choice(k)}: {labels[p - 1]}" for k, p in enumerate(ranking, 1))


def ranking_card(vote: Vote, draft: Sequence[int], current: Sequence[int] | None) -> Card:
    """A private card that builds a ranking one menu at a time; the draft rides in the ids."""
    labels = _labels(vote)
    blocks: list[Block] = [Header(shorten(_("Rank: {question}").format(
        question=vote.question), Limits.HEADER))]
    if draft:
        blocks.append(Text(_("*Your ranking so far*\n") + _ranking_lines(labels, draft)))
    else:
        blocks.append(Text(_("Choose your 1st choice, then your 2nd, and so on. Stop whenever "
                           "you like: options you leave out count below the ones you rank.")))
    left = [p for p in range(1, len(labels) + 1) if p not in draft]
    if left:
        blocks.append(Select(
            action_ids.encode("vote.pick", vote.id, _draft_text(draft)),
            choice(len(draft) + 1),
            tuple(Option(shorten(f"{p}. {labels[p - 1]}", Limits.OPTION_LABEL), str(p),
                         description=summary(vote.options[p - 1].description))
                  for p in left),
        ))
    buttons = []
    if draft:
        buttons.append(Button(_("Save my ranking"),
                              action_ids.encode("vote.save", vote.id, _draft_text(draft)),
                              style="primary"))
        if len(draft) > 1:
            buttons.append(Button(_("Undo last"), action_ids.encode(
                "vote.draft", vote.id, _draft_text(draft[:-1]))))
        buttons.append(Button(_("Start over"), action_ids.encode("vote.draft", vote.id, NO_DRAFT)))
    buttons.append(Button(_("Type it instead"), action_ids.encode("vote.type", vote.id)))
    if len(buttons) < Limits.BUTTONS_PER_ROW:
        buttons.extend(_about_button(vote))
    blocks.append(Buttons(tuple(buttons)))
    if current:
        blocks.append(Context(shorten(_("Your saved ballot: ") + ", ".join(
            labels[p - 1] for p in current) + _(". Saving replaces it."), Limits.CONTEXT)))
    return Card(tuple(blocks), fallback=_("Rank the options of {name}").format(
        name=name(vote)))


def rank_form(vote: Vote) -> Form:
    hint = shorten(_("e.g. 2 4 1, or names: ") + numbered(_labels(vote)), Limits.PLACEHOLDER)
    return Form(
        action_ids.encode(FORM_ROUTE, "rank"), shorten(_("Rank: {name}").format(
            name=name(vote)),
                                                       Limits.FORM_TITLE),
        (
            Input("vote", _("Vote number"), default=str(vote.number), max_length=6),
            Input("options", _("Your ranking, best first"), placeholder=hint, max_length=1000),
        ),
        submit_label=_("Save my ranking"),
    )


def _closing_words(vote: Vote) -> str:
    if vote.closes_at is not None:
        text = _("You can change it until the vote closes, {when}.").format(
            when=at(vote.closes_at))
    else:
        text = _("You can change it until a facilitator closes the vote.")
    text += _(" If you leave the lab before the close, your ballot is withdrawn")
    if vote.results == ResultsMode.LIVE:
        return text + (_(" unless the live count already includes it (withdrawing it then "
                       "would show how you ranked)."))
    return text + "."


def readback_card(vote: Vote, ranking: Sequence[int], *, changed: bool | None) -> Card:
    """What a member sees, and only they: their own ballot."""
    labels = _labels(vote)
    if changed is None:
        head = _("Your ballot in {name}").format(name=name(vote))
    else:
        head = (_("Ballot changed: {name}") if changed
                else _("Ballot saved: {name}")).format(name=name(vote))
    unranked = len(labels) - len(ranking)
    note = (_("You ranked all {count} options.").format(
        count=len(labels)) if not unranked else
            _("You ranked {count} of {count2}; the {unranked} you left out count "
            "below all you ranked.").format(
                count=len(ranking), count2=len(labels), unranked=unranked))
    return Card((
        Header(head),
        Text(f"*{vote.question}*\n" + _ranking_lines(labels, ranking)),
        Context(_("{note} Only you can see this. {closing_words}").format(
            note=note, closing_words=_closing_words(vote))),
    ), fallback=_("Your ballot in {name} is recorded.").format(name=name(vote)))


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
        headline = _("no ballots were cast")
    elif result.tied and e.tie_break == "report":
        headline = _("a tie between {names}").format(names=names(result.winners))
    else:
        headline = (_("{names} won") if final else _("{names} ahead")).format(
            names=names(result.winners))
    title = (_("{name} result: {headline}") if final
             else _("{name} live count: {headline}")).format(
        name=name(vote, start=True), headline=headline)
    blocks: list[Block] = [Header(shorten(title, Limits.HEADER))]
    outcome = result.outcome() if final else _("If it closed now: {outcome}").format(
        outcome=result.outcome())
    blocks.append(Text(shorten(f"*{vote.question}*\n{outcome}.", Limits.TEXT)))
    fields = [(_("Method"), method_line(result)),
              (_("Turnout"), turnout.words("final" if final else "live"))]
    if result.winners:
        label = _("Tied for the seat") if result.tied and e.tie_break == "report" else (
            _("Winner") if len(result.winners) == 1 else _("Winners"))
        fields.append((label, shorten(names(result.winners), Limits.FIELD_VALUE)))
    blocks.append(Fields(tuple(fields)))
    if final and result.winners:
        case = winners_case(vote, result.winners)
        if case:
            blocks.append(Text(shorten(case, 1500)))
    used = sum(len(b.text) for b in blocks if isinstance(b, Text | Header)) + sum(
        len(a) + len(b) for a, b in fields) + 900  # room for the small print
    budget = Limits.CARD_TEXT - used
    table = None
    if any(r.tallies for r in result.rounds):
        shown = result.rounds
        while shown and table is None:
            lines = round_table(result, first=shown[0].number)
            caption = _("Votes per round (* elected, x eliminated)")
            if shown is not result.rounds:
                caption += _(", from round {number}").format(number=shown[0].number)
            table = _table_block([caption, *lines], budget // 2)
            shown = shown[1:]
    elif result.winners:
        table = _table_block([_("Pairwise: ballots ranking row above column"),
                              *matrix_table(result)], budget // 2)
    if table is not None:
        blocks.append(table)
        budget -= len(table.text)
    sentences = [r.sentence for r in result.rounds if r.sentence]
    text = ""
    for k, sentence in enumerate(sentences):
        if len(text) + len(sentence) + 1 > min(budget - 200, Limits.TEXT):
            text += (_("\n…and {count}: see "
                     "`actionlab tally`.").format(count=plural(len(sentences) - k, 'more round')))
            break
        text = f"{text}\n{sentence}" if text else sentence
    if text:
        blocks.append(Text(text))
    small = [condorcet_line(result)]
    if result.seed and any(t.how == "draw" for t in result.tie_breaks):
        small.append(_("Tie-break draws used the seed `{seed}`.").format(seed=result.seed))
    if live_at is None:
        small.append(_("Anyone can re-count: `/lab vote ballots {number}` gives the "
                     "anonymised ballots, `actionlab tally <file>` counts them.").format(
            number=vote.number))
    else:
        small.insert(0, _("Live count of the {count} in at "
                        "{when}. {LIVE_RULE}").format(
            count=plural(e.ballots, 'ballot'), when=at(live_at), LIVE_RULE=LIVE_RULE))
    blocks.append(Context(shorten(" ".join(small), Limits.CONTEXT)))
    about = _about_button(vote) if final else []
    if about:
        blocks.append(Buttons(tuple(about)))
    return Card(tuple(blocks), fallback=shorten(f"{_title(vote)}: {result.outcome()}",
                                                Limits.PLAIN_TEXT))


