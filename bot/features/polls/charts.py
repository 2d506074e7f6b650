"""The poll's heat map: members by slots coloured by answer, as a PNG with its alt text.

The columns read by day and local start time in the reader's zone (named in the axis title):
each day's label once, the start times under it and each slot's number under its time, thinned
to every Nth slot when the columns are too narrow, by the labels' measured extents, so that no
two labels overlap whether the poll has one slot or ninety."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.domain.availability import ANSWER_LABELS, Answer
from bot.domain.polls import best_slot
from bot.domain.wording import plural
from bot.domain.zones import format_local, local_time, zone_abbreviation
from bot.features.polls.loaded import Loaded
from bot.i18n import _, format_day
from bot.messages import File, shorten
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

    from bot.charts import Lettering

HEAT_COLOURS = {None: "#d9d9d9", Answer.NO: "#d7301f", Answer.MAYBE: "#fdae61",
                Answer.YES: "#1a9850"}

# Each row of the x-axis labels: its gid (tests and the layout find the labels by it), its
# distance below the plot in points, and its font size.
DAY_ROW, TIME_ROW, NUMBER_ROW = "heat-day", "heat-time", "heat-number"
_ROWS = {DAY_ROW: (4.0, 7.5), TIME_ROW: (15.0, 7.0), NUMBER_ROW: (24.5, 6.0)}
_PAD = 3.0  # pixels kept clear between two labels of a row
_DAY_SKELETONS = ("MMMEd", "MMMd")  # "Mon, Jan 11", then "Jan 11" when days are narrow


async def drawn_heat_map(loaded: Loaded, zone: str | None = None) -> File:
    """`heat_map` in a worker thread: drawing a big poll takes a while, and meanwhile the
    event loop goes on acknowledging requests (Slack and Discord allow 3 seconds)."""
    return await asyncio.to_thread(heat_map, loaded, zone)


async def heat_map_after_commit(uow: UnitOfWork, loaded: Loaded, zone: str | None = None
                                ) -> File:
    """Commit the call's unit of work, then draw: no transaction stays open (and no row is
    held) while matplotlib runs. `loaded` has all the picture needs, and loaded rows stay
    readable after a commit; the router's own commit after the handler then has nothing
    left to do. `zone` is the reader's (the poll's own if not given)."""
    await uow.commit()
    return await drawn_heat_map(loaded, zone)


def heat_map(loaded: Loaded, zone: str | None = None) -> File:
    """A PNG of members (rows) by slots (columns), coloured by answer, with alt text; times
    in `zone` (the reader's; the poll's own if not given)."""
    from bot.charts import png

    zone = zone or loaded.poll.timezone
    figure, letters = heat_map_figure(loaded, zone)
    return File(f"poll-{loaded.poll.number}-heat-map.png", png(figure), "image/png",
                alt=heat_map_alt(loaded, letters.alt(), zone))


def zone_title(starts: Sequence[datetime], zone: str) -> str:
    """The x-axis title: "Start, Africa/Lagos (WAT)"; both abbreviations when the slots
    span a daylight-saving change ("Start, Europe/London (GMT/BST)")."""
    if not starts:
        return _("Start, {zone}").format(zone=zone)
    abbreviations = dict.fromkeys(zone_abbreviation(s, zone) for s in starts)
    return _("Start, {zone} ({abbreviations})").format(
        zone=zone, abbreviations="/".join(abbreviations))


def heat_map_figure(loaded: Loaded, zone: str) -> tuple[Figure, Lettering]:
    """The heat map's figure, laid out, and the fonts of its labels."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from bot.charts import lettering, new_figure, settle

    order: list[Answer | None] = [None, Answer.NO, Answer.MAYBE, Answer.YES]
    people = list(loaded.grid)
    n_slots = len(loaded.slots)
    data = [[order.index(a) for a in loaded.grid[p]] for p in people] or [[0] * n_slots]
    width = min(18.0, max(4.5, 3.0 + 0.12 * n_slots))
    height = min(12.0, 2.0 + 0.35 * max(1, len(people)))
    names = [loaded.name(p) for p in people]
    title = _("Poll #{number}: {title}").format(
        number=loaded.poll.number, title=loaded.poll.title)
    xlabel = zone_title(loaded.starts, zone)
    labels = [_(ANSWER_LABELS[a]) if a else _("not answered") for a in reversed(order)]
    local = [local_time(s, zone) for s in loaded.starts]
    days = [format_day(t) for t in local]
    letters = lettering([*names, title, xlabel, *labels, *dict.fromkeys(days)])
    fig = new_figure(width, height)
    ax = fig.add_subplot()
    ax.imshow(data, aspect="auto", interpolation="nearest", vmin=0, vmax=3,
              cmap=ListedColormap([HEAT_COLOURS[a] for a in order]))
    ax.set_yticks(range(len(people)), names, fontsize=8, fontfamily=letters.family)
    groups = _days(local)
    for first, _last in groups[1:]:  # a white line between days reads like a calendar
        ax.axvline(first - 0.5, color="white", linewidth=1.5)
    day_labels = [_below(ax, first - 0.5, format_day(local[first]), DAY_ROW, letters,
                         ha="left") for first, _last in groups]
    times = [_below(ax, i, f"{t:%H:%M}", TIME_ROW, letters) for i, t in enumerate(local)]
    numbers = [_below(ax, i, f"#{s.number}", NUMBER_ROW, letters, colour="#555555")
               for i, s in enumerate(loaded.slots)]
    for label in [*times[1:-1], *numbers[1:-1]]:  # within the plot's width: the layout
        label.set_in_layout(False)  # needs only the ends (and runs much faster without)
    ax.set_xticks([0], [""])  # ticks (set once thinned) push the axis title down: lay out with one
    ax.set_xlabel(xlabel, fontfamily=letters.family, labelpad=_ROWS[NUMBER_ROW][0] + 6)
    ax.set_title(title, fontsize=10, fontfamily=letters.family)
    ax.legend(handles=[Patch(color=HEAT_COLOURS[a], label=label)
                       for a, label in zip(reversed(order), labels, strict=True)],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
              prop={"family": letters.family, "size": 7})
    renderer = settle(fig)
    _place_days(day_labels, groups, [local[first] for first, _last in groups], renderer)
    kept = _thin_slots(times, numbers, groups, renderer)
    ax.set_xticks(kept, [""] * len(kept))  # a tick to each labelled column
    return fig, letters


def _days(local: Sequence[datetime]) -> list[tuple[int, int]]:
    """(first, last) slot index of each local day, in order."""
    groups: list[tuple[int, int]] = []
    previous: date | None = None
    for i, t in enumerate(local):
        if t.date() != previous:
            groups.append((i, i))
            previous = t.date()
        else:
            groups[-1] = (groups[-1][0], i)
    return groups


def _below(ax: Axes, x: float, text: str, row: str, letters: Lettering, *,
           ha: str = "center", colour: str = "black") -> Annotation:
    """A label `row`'s distance under the plot, at column `x` (data units)."""
    offset, size = _ROWS[row]
    label = ax.annotate(text, xy=(x, 0), xycoords=("data", "axes fraction"),
                        xytext=(2 if ha == "left" else 0, -offset), textcoords="offset points",
                        ha=ha, va="top", fontsize=size, fontfamily=letters.family,
                        color=colour, annotation_clip=False)
    label.set_gid(row)
    return label


def _place_days(labels: Sequence[Annotation], groups: Sequence[tuple[int, int]],
                starts: Sequence[datetime], renderer: RendererBase) -> None:
    """Each day's label once: centred over its columns when it fits there, else from the
    day's left edge; in a shorter form, or only every few days, when days are narrow."""
    for skeleton in _DAY_SKELETONS:
        for label, start in zip(labels, starts, strict=True):
            label.set_text(format_day(start) if skeleton == "MMMEd" else _short_day(start))
            label.set_visible(True)
        for label, (first, last) in zip(labels, groups, strict=True):
            span = _span(label, first, last)
            box = label.get_window_extent(renderer)
            if box.width + 2 * _PAD <= span:  # fits over its own columns: centre it
                label.set_horizontalalignment("center")
                label.xy = ((first + last) / 2, 0)
                label.set_position((0, label.get_position()[1]))
        if _keep_apart(labels, renderer) == len(labels):
            return


def _short_day(moment: datetime) -> str:
    from babel import dates as babel_dates

    from bot.i18n import babel_locale

    return babel_dates.format_skeleton("MMMd", moment, locale=babel_locale())


def _span(label: Annotation, first: int, last: int) -> float:
    """The pixel width of columns `first`..`last`."""
    transform = label.axes.transData  # type: ignore[union-attr]
    left = transform.transform((first - 0.5, 0))[0]
    right = transform.transform((last + 0.5, 0))[0]
    return float(right - left)


def _keep_apart(labels: Sequence[Annotation], renderer: RendererBase) -> int:
    """Hide each label that would touch the last one kept, left to right; how many stay."""
    kept = 0
    right = -math.inf
    for label in labels:
        box = label.get_window_extent(renderer)
        if box.x0 >= right + _PAD:
            label.set_visible(True)
            right = box.x1
            kept += 1
        else:
            label.set_visible(False)
    return kept


def _thin_slots(times: Sequence[Annotation], numbers: Sequence[Annotation],
                groups: Sequence[tuple[int, int]], renderer: RendererBase) -> list[int]:
    """Label every Nth slot of each day (N from the widest label and the column width), a
    day's first slot before the others, and hide the rest; the slots labelled."""
    if not times:
        return []
    from matplotlib.transforms import Bbox

    boxes = [Bbox.union([t.get_window_extent(renderer), n.get_window_extent(renderer)])
             for t, n in zip(times, numbers, strict=True)]
    column = _span(times[0], 0, 0)
    step = max(1, math.ceil((max(b.width for b in boxes) + _PAD) / max(column, 1e-6)))
    starts = {first for first, _last in groups}
    day_of = {i: first for first, last in groups for i in range(first, last + 1)}
    kept: list[int] = []
    for i in range(len(times)):
        if (i - day_of[i]) % step:
            continue
        while kept and boxes[i].x0 < boxes[kept[-1]].x1 + _PAD:
            if i in starts and kept[-1] not in starts:
                kept.pop()  # a day's first slot wins over the last one of the day before
            else:
                break
        if not kept or boxes[i].x0 >= boxes[kept[-1]].x1 + _PAD:
            kept.append(i)
    shown = set(kept)
    for i, (t, n) in enumerate(zip(times, numbers, strict=True)):
        t.set_visible(i in shown)
        n.set_visible(i in shown)
    return kept


def heat_map_alt(loaded: Loaded, gaps: str = "", zone: str | None = None) -> str:
    """What the heat map shows, in words, times in `zone` (the poll's if not given); `gaps`
    names the labels it could not draw (kept whole when the rest is shortened)."""
    poll = loaded.poll
    zone = zone or poll.timezone
    best = best_slot(loaded.scores())
    text = (_("Heat map of poll #{number} ({title}): "
            "{count} (rows) by {count2}"
            " (columns); green yes, amber if need be, red no, grey not answered.").format(
        number=poll.number, title=poll.title, count=plural(len(loaded.grid), 'member'),
        count2=plural(len(loaded.slots), 'slot')))
    if best is not None:
        text += (_(" Best slot: #{number}, "
                 "{format_local}, with "
                 "{yes} yes and {maybe} if need be.").format(
            number=loaded.slots[best.index].number,
            format_local=format_local(loaded.slots[best.index].starts_at, zone),
            yes=best.yes, maybe=best.maybe))
    none = [loaded.name(m.person_id) for m in loaded.members
            if loaded.answered(m.person_id) == 0]
    if none:
        text += _(" Not answered: {names}.").format(names=', '.join(none))
    text += _columns_by_day(loaded, zone)
    tail = " " + shorten(gaps.strip(), 400) if gaps else ""
    return shorten(text, 1000 - len(tail)) + tail


def _columns_by_day(loaded: Loaded, zone: str) -> str:
    """" Columns by day, in Europe/London: Mon, Jan 11 #1–#9 (09:00–17:00); …"."""
    if not loaded.slots:
        return ""
    local = [local_time(s, zone) for s in loaded.starts]
    parts = []
    for first, last in _days(local):
        a, b = loaded.slots[first].number, loaded.slots[last].number
        numbers = f"#{a}" if first == last else f"#{a}–#{b}"
        clock = (f"{local[first]:%H:%M}" if first == last
                 else f"{local[first]:%H:%M}–{local[last]:%H:%M}")
        parts.append(f"{format_day(local[first])} {numbers} ({clock})")
    return _(" Columns by day, in {zone}: {days}.").format(zone=zone, days="; ".join(parts))
