"""The vote's result chart (matplotlib, in a worker thread), with its alt text.

Round by round, each option's line has its own colour, marker and line style, and lines
that run together are drawn a point or two apart, so none hides another. Each line ends in
a label (the option, shortened, and its last count) placed by the labels' measured extents
so that no two touch; the legend, below the plot, has the names wrapped; the alt text has
them whole."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from bot.charts import box, lettering, new_figure, png, settle, wrapped
from bot.domain.tally import METHOD_NAMES, Result, show
from bot.domain.tally.rounds import Round, plural
from bot.features.votes.cards import name
from bot.i18n import _
from bot.messages import File, Limits, shorten
from storage.models import Vote

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation, Text
    from matplotlib.transforms import Bbox

    from bot.charts import Lettering

END_LABEL = "vote-end-label"  # the gid of each line's end label
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p")
LINES = ("-", "--", "-.", ":")
END_CHARS = 20  # an end label's name, at most
LEGEND_CHARS = 26  # a legend line, at most (two lines a name)
_GAP = 2.0  # pixels between two end labels


async def drawn_chart(vote: Vote, result: Result) -> File | None:
    """`results_chart` in a worker thread, so the event loop goes on acknowledging requests
    while matplotlib draws."""
    return await asyncio.to_thread(results_chart, vote.number, vote.question, result)


def chart_later(vote: Vote, result: Result) -> Callable[[], Awaitable[tuple[File, ...]]]:
    """The chart as attachments to make later (after the commit, when the vote's row is no
    longer held): what it needs of the vote is taken now, while the row is loaded."""
    number, question = vote.number, vote.question

    async def files() -> tuple[File, ...]:
        chart = await asyncio.to_thread(results_chart, number, question, result)
        return (chart,) if chart else ()

    return files


def results_chart(number: int, question: str, result: Result) -> File | None:
    """A PNG of the count, with alt text that says what it shows."""
    drawn = results_figure(number, question, result)
    if drawn is None:
        return None
    fig, alt = drawn
    return File(f"vote-{number}-result.png", png(fig), "image/png", alt=alt)


def results_figure(number: int, question: str, result: Result) -> tuple[Figure, str] | None:
    """The chart's figure, laid out, and its alt text; None when nobody won."""
    e = result.election
    if not result.winners:
        return None
    title = shorten(question, 70)
    letters = lettering([title, *e.candidates])
    gaps = " " + shorten(letters.alt().strip(), 400) if letters.missing else ""
    budget = Limits.ALT_TEXT - len(gaps)
    if any(r.tallies for r in result.rounds):
        fig, alt = _rounds_chart(number, title, result, letters, budget)
    else:
        fig, alt = _wins_chart(number, title, result, letters)
    return fig, shorten(alt, budget) + gaps


def _rounds_chart(number: int, title: str, result: Result, letters: Lettering,
                  budget: int) -> tuple[Figure, str]:
    """Instant-runoff and STV: votes per round, a line per option."""
    from matplotlib.transforms import offset_copy

    e = result.election
    rounds = [r for r in result.rounds if r.tallies]
    fig = new_figure(7.5, 4.2)
    ax = fig.add_subplot()
    xs = [r.number for r in rounds]
    drawn = [o for o in e.candidates if any(o in r.tallies for r in rounds)]
    ends: list[tuple[Annotation, float]] = []
    for k, option in enumerate(drawn):
        points = [(x, float(r.tallies[option])) for x, r in zip(xs, rounds, strict=True)
                  if option in r.tallies]
        won = option in result.winners
        # Lines that run together stay apart: each is nudged by a point or two, in turn.
        dx, dy = _nudge(k, len(drawn))
        at = offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points")
        colour = COLOURS[k % len(COLOURS)]
        ax.plot([p[0] for p in points], [p[1] for p in points], transform=at, color=colour,
                marker=MARKERS[k % len(MARKERS)], linestyle=LINES[k % len(LINES)],
                linewidth=2.6 if won else 1.3, markersize=6 if won else 4.5,
                label=wrapped(option, LEGEND_CHARS))
        last_x, last_y = points[-1]
        label = ax.annotate(
            f"{shorten(option, END_CHARS)} {show(rounds[xs.index(last_x)].tallies[option])}",
            xy=(last_x, last_y), xycoords=at, xytext=(7, 0), textcoords="offset points",
            ha="left", va="center", fontsize=7, color=colour, fontfamily=letters.family,
            fontweight="bold" if won else "normal", annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.6, "shrinkA": 0,
                        "shrinkB": 1})
        label.set_gid(END_LABEL)
        ends.append((label, last_y))
    if result.quota is not None:
        ax.axhline(result.quota, color="grey", linestyle=":", label=f"quota {result.quota}")
    ax.set_xlabel(_("Round"))
    ax.set_ylabel(_("Votes"))
    if e.method == "irv":
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xticks(xs)
    # Set by hand: matplotlib leaves nudged lines (not in plain data coordinates) out of
    # its autoscaling.
    ax.set_xlim(xs[0] - 0.3, xs[-1] + 0.3)
    top = max([float(v) for r in rounds for v in r.tallies.values()]
              + [float(result.quota or 0), 1.0])
    ax.set_ylim(0, top * 1.1)
    ax.set_title(title, fontsize=10, fontfamily=letters.family)
    fig.legend(loc="outside lower center", ncols=4 if len(drawn) > 6 else 3,
               prop={"family": letters.family, "size": 7}, frameon=False)
    _place_ends(fig, ax, [label for label, _y in ends], settle(fig))
    return fig, _rounds_alt(number, result, rounds, budget)


def _rounds_alt(number: int, result: Result, rounds: Sequence[Round], budget: int) -> str:
    """Every option's votes round by round, full names, best first, and the outcome, in at
    most `budget` characters: each round's count when they fit, else the first and the last
    of each option's counts (the outcome is never cut)."""
    e = result.election
    head = _("Line chart of votes per round in {name} ({value}, {count}).").format(
        name=name(number), value=METHOD_NAMES[e.method], count=plural(len(rounds), "round"))
    tail = f" {result.outcome()}."
    order = sorted((o for o in e.candidates if any(o in r.tallies for r in rounds)),
                   key=lambda o: _standing(o, rounds), reverse=True)

    def entry(option: str, every: bool) -> str:
        counts = [show(r.tallies[option]) for r in rounds if option in r.tallies]
        shown = ", ".join(counts) if every or len(counts) < 3 else \
            f"{counts[0]} → {counts[-1]}"
        if option in result.winners:
            return option + " " + shown + _(" (won)")
        out = max(r.number for r in rounds if option in r.tallies)
        if out < rounds[-1].number:
            return option + " " + shown + _(" (out after round {number})").format(number=out)
        return option + " " + shown

    body = _(" Votes in each round: {lines}.").format(
        lines="; ".join(entry(o, True) for o in order))
    if len(head) + len(body) + len(tail) > budget:
        body = _(" Votes in the first and the last round each option was in: {lines}.").format(
            lines="; ".join(entry(o, False) for o in order))
    return head + shorten(body, max(0, budget - len(head) - len(tail))) + tail


def _standing(option: str, rounds: Sequence[Round]) -> tuple[int, float]:
    """How far `option` got (its last round) and its count there, to order the alt text."""
    last = max(r.number for r in rounds if option in r.tallies)
    return last, float(next(r.tallies[option] for r in rounds if r.number == last))


def _nudge(k: int, n: int) -> tuple[float, float]:
    """How far (in points) line `k` of `n` is drawn from its true place: spread over at
    most ±5 points across and ±1.5 up and down, so that equal counts sit side by side."""
    if n <= 1:
        return 0.0, 0.0
    share = k / (n - 1) - 0.5
    return 10.0 * share, 3.0 * share * (-1 if k % 2 else 1)


def _place_ends(fig: Figure, ax: Axes, labels: Sequence[Annotation],
                renderer: RendererBase) -> None:
    """Move the end labels up or down from their lines' ends, by their measured extents,
    until no two touch and none touches the title, the axes' labels, the legend or (where
    there is room) a line; a label moved off its line's end gets a thin leader to it. The
    labels of one column (a round) are spread together first, the last round's first."""
    obstacles = [t.get_window_extent(renderer) for t in _fixed_texts(ax)
                 if t.get_visible() and t.get_text()]
    obstacles += [legend.get_window_extent(renderer) for legend in fig.legends]
    low = max([b.y1 for b in obstacles if b.y1 <= ax.bbox.y0 + 1] + [fig.bbox.y0])
    high = min([b.y0 for b in obstacles if b.y0 >= ax.bbox.y1 - 1] + [fig.bbox.y1])
    lines = _line_points(ax)
    columns: dict[float, list[Annotation]] = {}
    for label in labels:
        columns.setdefault(round(box(label, renderer).x0), []).append(label)
    placed: list[Bbox] = list(obstacles)
    for x0 in sorted(columns, reverse=True):
        group = columns[x0]
        boxes = [box(label, renderer) for label in group]
        for label, was, centre in zip(group, boxes, _free_centres(boxes, placed, lines, low,
                                                                  high), strict=True):
            shift = centre - (was.y0 + was.y1) / 2
            _move(label, shift)
            if label.arrow_patch is not None:
                label.arrow_patch.set_visible(abs(shift) > was.height / 2)
            placed.append(box(label, renderer))


def _fixed_texts(ax: Axes) -> list[Text]:
    return [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(),
            *ax.get_yticklabels()]


def _line_points(ax: Axes) -> np.ndarray:
    """Points every two pixels along each line of `ax`, in pixels (an N x 2 array)."""
    import numpy as np

    out = [np.empty((0, 2))]
    for line in ax.get_lines():
        vertices = line.get_transform().transform(line.get_xydata())
        for a, b in pairwise(vertices):
            steps = max(2, int(np.hypot(*(b - a)) / 2) + 1)
            out.append(np.linspace(a, b, steps))
        out.append(vertices)
    return np.concatenate(out)


def _crosses(box: Bbox, points: np.ndarray) -> bool:
    inside = ((points[:, 0] >= box.x0) & (points[:, 0] <= box.x1)
              & (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1))
    return bool(inside.any())


def _free_centres(boxes: Sequence[Bbox], placed: Sequence[Bbox], lines: np.ndarray,
                  low: float, high: float) -> list[float]:
    """Centres for a column of label `boxes`: spread apart near their own heights, then each
    moved to the nearest height where it touches nothing already placed, and no line if
    any such height is free."""
    from bot.charts import spread, touch

    centres = spread([(b.y0 + b.y1) / 2 for b in boxes], [b.height for b in boxes], low,
                     high, _GAP)
    taken: list[Bbox] = list(placed)
    chosen: dict[int, float] = {}
    for i in sorted(range(len(boxes)), key=lambda i: centres[i]):
        box = boxes[i]
        moved = box.translated(0, centres[i] - (box.y0 + box.y1) / 2)
        step = (box.height + _GAP) / 2
        tries = [moved.translated(0, d * step * sign) for d in range(0, 60)
                 for sign in ((1,) if d == 0 else (1, -1))]
        fits = [b for b in tries if low <= b.y0 and b.y1 <= high
                and not any(touch(b, t, _GAP) for t in taken)]
        best = next((b for b in fits if not _crosses(b, lines)), fits[0] if fits else moved)
        taken.append(best)
        chosen[i] = (best.y0 + best.y1) / 2
    return [chosen[i] for i in range(len(boxes))]


def _move(label: Annotation, pixels: float) -> None:
    """Shift an annotation's text up by `pixels` (its offset is in points)."""
    x, y = label.get_position()
    dpi = label.figure.dpi if label.figure is not None else 100.0
    label.set_position((x, y + pixels * 72.0 / dpi))


def _wins_chart(number: int, title: str, result: Result, letters: Lettering
                ) -> tuple[Figure, str]:
    """Condorcet methods: head-to-head wins per option, a bar each, long names wrapped."""
    e = result.election
    labels = e.candidates
    n = len(labels)
    wins = [sum(result.pairwise[i][j] > result.pairwise[j][i] for j in range(n))
            for i in range(n)]
    fig = new_figure(7.5, 0.9 + 0.32 * n)
    ax = fig.add_subplot()
    ranked = sorted(range(n), key=lambda i: wins[i])
    ax.barh(range(n), [wins[i] for i in ranked],
            color=["#2a7" if labels[i] in result.winners else "#89a" for i in ranked])
    ax.set_yticks(range(n), [wrapped(labels[i], 30) for i in ranked],
                  fontsize=7.5 if n > 8 else 8, fontfamily=letters.family)
    ax.set_xlabel(_("Head-to-head wins (of {value})").format(value=n - 1))
    ax.set_title(title, fontsize=10, fontfamily=letters.family)
    settle(fig)
    alt = (_("Bar chart of head-to-head wins in {name} "
           "({value}): ").format(
        name=name(number), value=METHOD_NAMES[e.method]) + ", ".join(
               f"{labels[i]} {wins[i]}" for i in reversed(ranked))
           + f". {result.outcome()}.")
    return fig, alt
