"""A result as plain text: the round table, the pairwise matrix, the sentences and the
tie-breaks. `actionlab tally` prints it; result cards show parts of it."""

from __future__ import annotations

from bot.domain.tally.election import METHOD_NAMES
from bot.domain.tally.rounds import Result, names
from bot.domain.tally.ties import show

NAME_WIDTH = 24
CELL = 8


def _name(text: str, width: int = NAME_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def standing(result: Result) -> list[str]:
    """Candidates in the order the count left them: winners first, then by how long they
    lasted and their last total."""
    labels = result.election.candidates
    wins = {c: sum(result.pairwise[i][j] > result.pairwise[j][i] for j in range(len(labels)))
            for i, c in enumerate(labels)}
    last: dict[str, tuple[int, float]] = {}
    for rnd in result.rounds:
        for name, value in rnd.tallies.items():
            last[name] = (rnd.number, float(value))
    order = sorted(result.election.candidates,
                   key=lambda c: (c not in result.winners,
                                  result.winners.index(c) if c in result.winners else 0,
                                  -last.get(c, (0, 0.0))[0], -last.get(c, (0, 0.0))[1],
                                  -wins[c]))
    return order


def round_table(result: Result, first: int = 1, last: int | None = None) -> list[str]:
    """Rows of votes per round (IRV, STV), from round `first` to `last`."""
    rounds = [r for r in result.rounds if r.tallies and r.number >= first
              and (last is None or r.number <= last)]
    if not rounds:
        return []
    head = " " * NAME_WIDTH + "".join(f"{'R' + str(r.number):>{CELL}}" for r in rounds)
    lines = [head]
    for name in standing(result):
        cells = []
        for r in rounds:
            value = r.tallies.get(name)
            mark = ""
            if name in r.elected:
                mark = "*"
            elif name in r.eliminated:
                mark = "x"
            cells.append(f"{(show(value) if value is not None else '-') + mark:>{CELL}}")
        lines.append(f"{_name(name):<{NAME_WIDTH}}" + "".join(cells))
    lines.append(f"{'Exhausted':<{NAME_WIDTH}}" + "".join(
        f"{show(r.exhausted):>{CELL}}" for r in rounds))
    return lines


def matrix_table(result: Result) -> list[str]:
    """The pairwise matrix: row i, column j holds the ballots ranking i above j."""
    labels = result.election.candidates
    order = standing(result)
    index = {c: k for k, c in enumerate(labels)}
    width = max(5, len(str(result.election.ballots)) + 1)
    head = " " * (NAME_WIDTH + 4) + "".join(f"{k:>{width}}" for k in range(1, len(order) + 1))
    lines = [head]
    for row, name in enumerate(order, 1):
        cells = "".join(
            f"{'-' if other == name else result.pairwise[index[name]][index[other]]:>{width}}"
            for other in order)
        lines.append(f"{row:>2}. {_name(name):<{NAME_WIDTH}}" + cells)
    return lines


def method_line(result: Result) -> str:
    e = result.election
    seats = f"{e.seats} seat{'s' if e.seats != 1 else ''}"
    method = METHOD_NAMES[e.method]
    ballots = f"{e.ballots:,} ballot{'s' if e.ballots != 1 else ''}"
    line = f"{method[:1].upper()}{method[1:]}, {seats}, {ballots}"
    if e.method == "stv" and result.quota is not None:
        line += f", quota {result.quota:,}"
    if e.method in ("schulze", "ranked_pairs"):
        line += ", links by " + ("margin" if e.strength == "margin" else "winning votes")
    return line


def condorcet_line(result: Result) -> str:
    cw = result.condorcet_winner
    if cw is None:
        return "Condorcet check: no option beats every other head to head."
    if cw in result.winners:
        return f"Condorcet check: {cw} beats every other option head to head, and won."
    return f"Condorcet check: {cw} beats every other option head to head, but did not win."


def text_report(result: Result, title: str | None = None) -> str:
    """Everything about a result, for a terminal."""
    out: list[str] = []
    if title:
        out += [title, "=" * min(len(title), 78)]
    out.append(method_line(result))
    if result.winners:
        verb = "Tied" if result.tied and result.election.tie_break == "report" else "Winners"
        out.append(f"{verb}: {names(result.winners)}")
    else:
        out.append("Winners: none")
    out.append(result.outcome())
    out.append(condorcet_line(result))
    out.append("")
    if any(r.tallies for r in result.rounds):
        out += ["Votes per round (* elected, x eliminated):", *round_table(result), ""]
    else:
        out += ["Pairwise: row beats column on this many ballots:", *matrix_table(result), ""]
    out += [r.sentence for r in result.rounds]
    if result.tie_breaks:
        out += ["", "Ties:"]
        for tie in result.tie_breaks:
            how = tie.how if tie.how != "draw" else f"draw {tie.draw}, seed {result.seed!r}"
            chosen = f" -> {tie.chosen}" if tie.chosen else ""
            out.append(f"  round {tie.round}: {names(list(tie.tied))} ({tie.purpose}; "
                       f"{how}){chosen}")
    return "\n".join(out) + "\n"
