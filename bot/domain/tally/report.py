"""A result as plain text: the round table, the pairwise matrix, the sentences and the
tie-breaks. `actionlab tally` prints it; result cards show parts of it."""

from __future__ import annotations

from bot.domain.tally.election import METHOD_NAMES
from bot.domain.tally.rounds import Result, names
from bot.domain.tally.ties import show
from bot.i18n import _

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
    order = standing(result)
    rows: list[list[str]] = []
    for name in order:
        cells = []
        for r in rounds:
            value = r.tallies.get(name)
            mark = ""
            if name in r.elected:
                mark = "*"
            elif name in r.eliminated:
                mark = "x"
            cells.append((show(value) if value is not None else "-") + mark)
        rows.append(cells)
    spent = [show(r.exhausted) for r in rounds]
    # Each column as wide as its widest figure, so large counts never run together.
    widths = [max(CELL, len(f"R{r.number}") + 1, len(spent[k]) + 2,
                  *(len(row[k]) + 2 for row in rows)) for k, r in enumerate(rounds)]
    head = " " * NAME_WIDTH + "".join(f"{'R' + str(r.number):>{w}}"
                                      for r, w in zip(rounds, widths, strict=True))
    lines = [head]
    for name, cells in zip(order, rows, strict=True):
        lines.append(f"{_name(name):<{NAME_WIDTH}}" + "".join(
            f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    lines.append(f"{'Exhausted':<{NAME_WIDTH}}" + "".join(
        f"{c:>{w}}" for c, w in zip(spent, widths, strict=True)))
    return lines


def matrix_table(result: Result) -> list[str]:
    """The pairwise matrix: row i, column j holds the ballots ranking i above j."""
    labels = result.election.candidates
    order = standing(result)
    index = {c: k for k, c in enumerate(labels)}
    biggest = max((v for row in result.pairwise for v in row), default=0)
    width = max(5, len(str(biggest)) + 2)
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
    method = _(METHOD_NAMES[e.method])
    ballots = f"{e.cast:,} ballot{'s' if e.cast != 1 else ''}"
    if e.blank:
        ballots += (_(" ({blank:,} blank, counted as exhausted from the start)").format(
            blank=e.blank)
                    if e.ballots else _(" ({blank:,} blank)").format(blank=e.blank))
    line = f"{method[:1].upper()}{method[1:]}, {seats}, {ballots}"
    if e.method == "stv" and result.quota is not None:
        line += _(", quota {quota:,}").format(quota=result.quota)
    if e.method in ("schulze", "ranked_pairs"):
        line += _(", links by ") + ("margin" if e.strength == "margin" else _("winning votes"))
    return line


def condorcet_line(result: Result) -> str:
    cw = result.condorcet_winner
    if cw is None:
        return _("Condorcet check: no option beats every other head to head.")
    if cw in result.winners:
        return _("Condorcet check: {cw} beats every other option head to head, and won.").format(
            cw=cw)
    return _("Condorcet check: {cw} beats every other option head to head, but did not "
             "win.").format(
        cw=cw)


def text_report(result: Result, title: str | None = None) -> str:
    """Everything about a result, for a terminal."""
    out: list[str] = []
    if title:
        out += [title, "=" * min(len(title), 78)]
    out.append(method_line(result))
    if result.winners:
        verb = _("Tied") if result.tied and result.election.tie_break == "report" else _("Winners")
        out.append(f"{verb}: {names(result.winners)}")
    else:
        out.append(_("Winners: none"))
    out.append(result.outcome())
    out.append(condorcet_line(result))
    out.append("")
    if any(r.tallies for r in result.rounds):
        out += [_("Votes per round (* elected, x eliminated):"), *round_table(result), ""]
    else:
        out += [_("Pairwise: row beats column on this many ballots:"), *matrix_table(result), ""]
    out += [r.sentence for r in result.rounds]
    if result.tie_breaks:
        out += ["", _("Ties:")]
        for tie in result.tie_breaks:
            how = tie.how if tie.how != "draw" else _("draw {draw}, seed {seed!r}").format(
                draw=tie.draw, seed=result.seed)
            chosen = f" -> {tie.chosen}" if tie.chosen else ""
            out.append(_("  round {round}: {names} ({purpose}; "
                       "{how}){chosen}").format(
                round=tie.round, names=names(list(tie.tied)), purpose=tie.purpose, how=how,
                chosen=chosen))
    return "\n".join(out) + "\n"
