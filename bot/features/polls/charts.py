"""The poll's heat map: members by slots coloured by answer, as a PNG with its alt text."""

from __future__ import annotations

import asyncio

from bot.domain.availability import ANSWER_LABELS, Answer
from bot.domain.polls import best_slot
from bot.domain.wording import plural
from bot.domain.zones import format_local, local_time
from bot.features.polls.loaded import Loaded
from bot.i18n import _
from bot.messages import File, shorten
from storage.uow import UnitOfWork

HEAT_COLOURS = {None: "#d9d9d9", Answer.NO: "#d7301f", Answer.MAYBE: "#fdae61",
                Answer.YES: "#1a9850"}


async def drawn_heat_map(loaded: Loaded) -> File:
    """`heat_map` in a worker thread: drawing a big poll takes a while, and meanwhile the
    event loop goes on acknowledging requests (Slack and Discord allow 3 seconds)."""
    return await asyncio.to_thread(heat_map, loaded)


async def heat_map_after_commit(uow: UnitOfWork, loaded: Loaded) -> File:
    """Commit the call's unit of work, then draw: no transaction stays open (and no row is
    held) while matplotlib runs. `loaded` has all the picture needs, and loaded rows stay
    readable after a commit; the router's own commit after the handler then has nothing
    left to do."""
    await uow.commit()
    return await drawn_heat_map(loaded)


def heat_map(loaded: Loaded) -> File:
    """A PNG of members (rows) by slots (columns), coloured by answer, with alt text."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from bot.charts import lettering, new_figure, png

    order: list[Answer | None] = [None, Answer.NO, Answer.MAYBE, Answer.YES]
    people = list(loaded.grid)
    n_slots = len(loaded.slots)
    data = [[order.index(a) for a in loaded.grid[p]] for p in people] or [[0] * n_slots]
    width = min(18.0, 3.0 + 0.12 * n_slots)
    height = min(12.0, 1.6 + 0.35 * max(1, len(people)))
    names = [loaded.name(p) for p in people]
    title = _("Poll #{number}: {title}").format(
        number=loaded.poll.number, title=loaded.poll.title)
    xlabel = _("slot number (white lines separate days in {timezone})").format(
        timezone=loaded.poll.timezone)
    labels = [_(ANSWER_LABELS[a]) if a else _("not answered") for a in reversed(order)]
    letters = lettering([*names, title, xlabel, *labels])
    fig = new_figure(width, height)
    ax = fig.add_subplot()
    ax.imshow(data, aspect="auto", interpolation="nearest", vmin=0, vmax=3,
              cmap=ListedColormap([HEAT_COLOURS[a] for a in order]))
    step = max(1, n_slots // 40)
    ticks = list(range(0, n_slots, step))
    ax.set_xticks(ticks, [str(loaded.slots[i].number) for i in ticks], fontsize=7)
    ax.set_yticks(range(len(people)), names, fontsize=8, fontfamily=letters.family)
    days = [local_time(s.starts_at, loaded.poll.timezone).date() for s in loaded.slots]
    for i in range(1, n_slots):
        if days[i] != days[i - 1]:  # a white line between days reads like a calendar
            ax.axvline(i - 0.5, color="white", linewidth=1.5)
    ax.set_xlabel(xlabel, fontfamily=letters.family)
    ax.set_title(title, fontsize=10, fontfamily=letters.family)
    ax.legend(handles=[Patch(color=HEAT_COLOURS[a], label=label)
                       for a, label in zip(reversed(order), labels, strict=True)],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
              prop={"family": letters.family, "size": 7})
    return File(f"poll-{loaded.poll.number}-heat-map.png", png(fig), "image/png",
                alt=heat_map_alt(loaded, letters.alt()))


def heat_map_alt(loaded: Loaded, gaps: str = "") -> str:
    """What the heat map shows, in words; `gaps` names the labels it could not draw (kept
    whole when the rest is shortened)."""
    poll = loaded.poll
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
            format_local=format_local(loaded.slots[best.index].starts_at, poll.timezone),
            yes=best.yes, maybe=best.maybe))
    none = [loaded.name(m.person_id) for m in loaded.members
            if loaded.answered(m.person_id) == 0]
    if none:
        text += _(" Not answered: {names}.").format(names=', '.join(none))
    tail = " " + shorten(gaps.strip(), 400) if gaps else ""
    return shorten(text, 1000 - len(tail)) + tail
