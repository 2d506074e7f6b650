"""Votes' cards: how a vote is named, the open vote, the ranking menus, a ballot, the result."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot import action_ids
from bot.domain.options import summary
from bot.domain.tally import METHOD_NAMES, Result, names
from bot.domain.tally.report import condorcet_line, matrix_table, method_line, round_table
from bot.domain.tally.rounds import plural
from bot.domain.tally.rules import numbered, ordinal
from bot.domain.votes import LIVE_BATCH, ResultsMode, Strength, TieRule, Turnout, VoteStatus
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
    TieRule.BACKWARD_THEN_RANDOM: "earlier rounds, then a seeded draw",
    TieRule.REPORT: "reported to the lab, never drawn",
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
    return f"{'V' if start else 'v'}ote #{vote if isinstance(vote, int) else vote.number}"


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
    return [Button("Read the options", action_ids.encode("vote.about", vote.id, "1"))]


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
    blocks: list[Block] = [Header(shorten(f"The options of {name(vote)}: {vote.question}",
                                          Limits.HEADER))]
    used, last = 0, first - 1
    for position in range(max(1, first), len(vote.options) + 1):
        o = vote.options[position - 1]
        text = shorten(f"*{position}. {o.label}*\n{o.description or '(no description)'}",
                       Limits.TEXT)
        if used + len(text) > ABOUT_BUDGET and last >= first:
            break
        blocks.append(Text(text))
        used, last = used + len(text), position
    controls: list[Button] = []
    if last < len(vote.options):
        controls.append(Button(f"Options {last + 1} to {len(vote.options)}",
                               action_ids.encode("vote.about", vote.id, str(last + 1))))
    if vote.status == VoteStatus.OPEN:
        controls.append(Button("Rank with menus", action_ids.encode("vote.menu", vote.id),
                               style="primary"))
    if controls:
        blocks.append(Buttons(tuple(controls)))
    return Card(tuple(blocks), fallback=shorten(f"The options of {name(vote)}",
                                                Limits.PLAIN_TEXT))


# --- cards -----------------------------------------------------------------------------------


def _method_words(vote: Vote) -> str:
    method = METHOD_NAMES[vote.method.tally]
    seats = f"{vote.seats} seat{'s' if vote.seats != 1 else ''}"
    text = f"{method[:1].upper()}{method[1:]}, {seats}"
    if vote.method.condorcet:
        text += ", links by " + ("margin" if vote.strength == Strength.MARGIN
                                 else "winning votes")
    return text


def vote_card(vote: Vote, turnout: Turnout | None, *, waiting: Sequence[str] = ()) -> Card:
    """The vote as members see it while it is open: options, rules, turnout, controls.
    `turnout` is None on the card posted when the vote opens, which is not redrawn as ballots
    come in: it points to `/lab vote show` rather than show a count that would go stale.
    `waiting` (who has not voted) is for facilitators, and never given for a live vote."""
    blocks: list[Block] = [Header(shorten(_title(vote), Limits.HEADER))]
    blocks.append(Text(shorten(_option_lines(vote), Limits.TEXT)))
    closes = at(vote.closes_at) if vote.closes_at else "when a facilitator closes it"
    blocks.append(Fields((
        ("Method", _method_words(vote)),
        ("Closes", closes),
        ("Results", f"a live count, refreshed after every {LIVE_BATCH} ballots cast or "
         "changed" if vote.results == ResultsMode.LIVE else "hidden until the close"),
        ("Ties", TIE_WORDS.get(vote.tie_break, vote.tie_break)),
        ("Turnout", turnout.words("open" if vote.status == VoteStatus.OPEN else "final")
         if turnout is not None else f"`/lab vote show {vote.number}` shows it as it stands"),
    )))
    if vote.results == ResultsMode.LIVE and vote.status == VoteStatus.OPEN:
        blocks.append(Context(LIVE_RULE))
    elif waiting:
        blocks.append(Context(shorten("Not voted yet (only facilitators see this): "
                                      + ", ".join(waiting), Limits.CONTEXT)))
    if vote.status == VoteStatus.OPEN:
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
            tuple(Option(shorten(f"{p}. {labels[p - 1]}", Limits.OPTION_LABEL), str(p),
                         description=summary(vote.options[p - 1].description))
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
    if len(buttons) < Limits.BUTTONS_PER_ROW:
        buttons.extend(_about_button(vote))
    blocks.append(Buttons(tuple(buttons)))
    if current:
        blocks.append(Context(shorten("Your saved ballot: " + ", ".join(
            labels[p - 1] for p in current) + ". Saving replaces it.", Limits.CONTEXT)))
    return Card(tuple(blocks), fallback=f"Rank the options of {name(vote)}")


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


def _closing_words(vote: Vote) -> str:
    if vote.closes_at is not None:
        text = f"You can change it until the vote closes, {at(vote.closes_at)}."
    else:
        text = "You can change it until a facilitator closes the vote."
    text += " If you leave the lab before the close, your ballot is withdrawn"
    if vote.results == ResultsMode.LIVE:
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
    about = _about_button(vote) if final else []
    if about:
        blocks.append(Buttons(tuple(about)))
    return Card(tuple(blocks), fallback=shorten(f"{_title(vote)}: {result.outcome()}",
                                                Limits.PLAIN_TEXT))


