"""The vote's result chart (matplotlib, in a worker thread), with its alt text."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.charts import lettering, new_figure, png
from bot.domain.tally import METHOD_NAMES, Result, show
from bot.domain.tally.rounds import plural
from bot.features.votes.cards import name
from bot.i18n import _
from bot.messages import File, Limits, shorten
from storage.models import Vote


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
    e = result.election
    if not result.winners:
        return None
    title = shorten(question, 70)
    letters = lettering([title, *(shorten(c, 30) for c in e.candidates)])
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
        ax.set_xlabel(_("Round"))
        ax.set_ylabel(_("Votes"))
        if e.method == "irv":
            from matplotlib.ticker import MaxNLocator

            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xticks(xs)
        ax.set_title(title, fontsize=10, fontfamily=letters.family)
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5),
                  prop={"family": letters.family, "size": 7})
        first, last = rounds[0], rounds[-1]
        alt = (_("Line chart of votes per round in {name} ({value}"
               ", {count}). Round 1: ").format(
            name=name(number), value=METHOD_NAMES[e.method],
            count=plural(len(rounds), 'round')) + ", ".join(
                   f"{k} {show(v)}" for k, v in first.tallies.items()))
        if last is not first:
            alt += _(". Round {number}: ").format(number=last.number) + ", ".join(
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
        for tick in ax.get_yticklabels():
            tick.set_fontfamily(letters.family)
        ax.set_xlabel(_("Head-to-head wins (of {value})").format(value=n - 1))
        ax.set_title(title, fontsize=10, fontfamily=letters.family)
        alt = (_("Bar chart of head-to-head wins in {name} "
               "({value}): ").format(
            name=name(number), value=METHOD_NAMES[e.method]) + ", ".join(
                   f"{labels[i]} {wins[i]}" for i in reversed(ranked))
               + f". {result.outcome()}.")
    gaps = " " + shorten(letters.alt().strip(), 400) if letters.missing else ""
    return File(f"vote-{number}-result.png", png(fig), "image/png",
                alt=shorten(alt, Limits.ALT_TEXT - len(gaps)) + gaps)


