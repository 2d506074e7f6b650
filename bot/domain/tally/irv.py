"""Instant-runoff voting: each ballot counts for its highest continuing choice; until someone
has a majority of the continuing ballots, the lowest is eliminated, one at a time.

Every ballot is one whole vote, so the count is in integers (exact, and fast). Ballots sit in
piles by the candidate they count for; an elimination moves only that candidate's pile. With
many different rankings the piles are arrays (numpy, integer counts: exact while the total
stays below 2**53); otherwise, and for larger totals, Python lists and integers.
"""

from __future__ import annotations

import numpy as np

from bot.domain.tally.election import Election
from bot.domain.tally.rounds import Count, Round, Transfer, names, plural
from bot.domain.tally.ties import Tiebreaker, TieReported, show
from bot.i18n import _, ngettext


def count_irv(election: Election, ties: Tiebreaker) -> Count:
    """Count `election` by IRV, breaking ties with `ties`."""
    labels = election.candidates
    n = len(labels)
    continuing = [True] * n
    piles = (_ArrayPiles(election) if len(election.groups) >= ARRAY_GROUPS
             and election.ballots < 2**53 and n <= 255 else _ListPiles(election))
    tally = piles.first()
    exhausted = election.blank  # blank ballots are exhausted from the start
    history: list[list[int]] = []
    rounds: list[Round] = []
    winners: list[str] = []
    try:
        while True:
            active = [c for c in range(n) if continuing[c]]
            total = sum(tally[c] for c in active)
            needed = total // 2 + 1
            rnd = Round(len(rounds) + 1, tallies={labels[c]: tally[c] for c in active},
                        exhausted=exhausted, threshold=needed)
            rounds.append(rnd)
            top = max(tally[c] for c in active)
            leaders = [c for c in active if tally[c] == top]
            if len(active) == 1 or (len(leaders) == 1 and top >= needed):
                winner = leaders[0]
                winners = [labels[winner]]
                rnd.elected = winners[:]
                rnd.sentence = _won(rnd.number, labels[winner], top, total, len(active))
                break
            low = min(tally[c] for c in active)
            lowest = [c for c in active if tally[c] == low]
            if len(lowest) == 1:
                loser = lowest[0]
            else:
                # Eliminating candidates with no votes moves nothing, and the others with
                # none go next: the order among them cannot change the outcome.
                harmless = low == 0 and len(lowest) < len(active)
                loser = ties.candidates(rnd.number, "exclude", lowest, history, lowest=True,
                                        immaterial=harmless)
            history.append(tally[:])
            continuing[loser] = False
            moved, lost = piles.move(loser, continuing)
            for c, value in moved.items():
                tally[c] += value
            exhausted += lost
            rnd.eliminated = [labels[loser]]
            rnd.transfer = Transfer(
                labels[loser], "exclusion", tally[loser], tally[loser],
                {labels[c]: v for c, v in sorted(moved.items(), key=_biggest)}, lost,
            )
            rnd.sentence = _eliminated(rnd, needed, total, low, [labels[c] for c in lowest])
            tally[loser] = 0
    except TieReported:
        return Count(rounds, [], stopped=True)
    return Count(rounds, winners)


# From how many different rankings the piles are kept as arrays.
ARRAY_GROUPS = 2000


class _ListPiles:
    """Piles as lists of group numbers; each group remembers how far its ranking has got."""

    def __init__(self, election: Election) -> None:
        self.groups = election.groups
        self.piles: list[list[int]] = [[] for _x in election.candidates]
        self.at = [0] * len(self.groups)

    def first(self) -> list[int]:
        tally = [0] * len(self.piles)
        for g, (ranking, count) in enumerate(self.groups):
            self.piles[ranking[0]].append(g)
            tally[ranking[0]] += count
        return tally

    def move(self, loser: int, continuing: list[bool]) -> tuple[dict[int, int], int]:
        """Move `loser`'s pile on to each ballot's next continuing choice: (moved, lost)."""
        moved: dict[int, int] = {}
        lost = 0
        groups, at, piles = self.groups, self.at, self.piles
        for g in piles[loser]:
            ranking, count = groups[g]
            p = at[g] + 1
            while p < len(ranking) and not continuing[ranking[p]]:
                p += 1
            if p == len(ranking):
                lost += count
                continue
            at[g] = p
            piles[ranking[p]].append(g)
            moved[ranking[p]] = moved.get(ranking[p], 0) + count
        piles[loser] = []
        return moved, lost


class _ArrayPiles:
    """Piles as one array: `top[g]` is the candidate group g counts for (n: exhausted)."""

    def __init__(self, election: Election) -> None:
        self.n = len(election.candidates)
        self.where = election.positions
        self.counts = election.counts
        self.top = np.argmin(self.where, axis=0)

    def first(self) -> list[int]:
        return self._sum(self.top, self.counts)

    def _sum(self, who: np.ndarray, counts: np.ndarray) -> list[int]:
        # float64 sums of whole numbers below 2**53 are exact
        return [int(v) for v in np.bincount(who, weights=counts, minlength=self.n)[:self.n]]

    def move(self, loser: int, continuing: list[bool]) -> tuple[dict[int, int], int]:
        rows = np.flatnonzero(self.top == loser)
        if not len(rows):
            return {}, 0
        part = self.where[:, rows]
        part[~np.array(continuing)] = 255  # out of the count: never the next choice
        after = part.argmin(axis=0)
        gone = part[after, np.arange(len(rows))] >= self.n
        counts = self.counts[rows]
        lost = int(counts[gone].sum())
        stay = ~gone
        self.top[rows[stay]] = after[stay]
        self.top[rows[gone]] = self.n
        totals = self._sum(after[stay], counts[stay])
        return {c: v for c, v in enumerate(totals) if v}, lost


def _biggest(item: tuple[int, int]) -> tuple[int, int]:
    return -item[1], item[0]


def _won(number: int, winner: str, votes: int, total: int, active: int) -> str:
    if active == 1:
        return _("Round {number}: {winner} was the only option left, and won.").format(
            number=number, winner=winner)
    return (_("Round {number}: {winner} had {show} of the "
            "{count}"
            ", a majority, and won.").format(
        number=number, winner=winner, show=show(votes), count=plural(total, 'continuing ballot')))


def _eliminated(rnd: Round, needed: int, total: int, low: int, lowest: list[str]) -> str:
    assert rnd.transfer is not None
    t = rnd.transfer
    loser = t.source
    fewest = (_("{loser} had the fewest ({show}) and was eliminated").format(
        loser=loser, show=show(low)) if len(lowest) == 1
              else _("{names} had the fewest ({show} each) and {loser} was "
              "eliminated").format(names=names(lowest), show=show(low), loser=loser))
    head = (_("Round {number}: nobody had a majority of the "
            "{count} ({show} needed); {fewest}").format(
        number=rnd.number, count=plural(total, 'continuing ballot'), show=show(needed),
        fewest=fewest))
    if t.value == 0:
        return head + _("; it had no ballots to pass on.")
    moved = sum(t.to.values())
    parts = []
    share = (_("its only ballot") if t.value == 1 else _("all {show} of its ballots").format(
        show=show(t.value))
             if moved == t.value else _("{show} of its {count}").format(
                 show=show(moved), count=plural(t.value, 'ballot')))
    if len(t.to) == 1:
        (dest, _value), = t.to.items()
        parts.append(_("{share} moved to {dest}").format(share=share, dest=dest))
    elif t.to:
        parts.append(_("{share} moved on (").format(share=share)
                     + names([f"{show(v)} to {d}" for d, v in t.to.items()]) + ")")
    if t.exhausted:
        ranked = _("ranked no option still in the count")
        if t.to:
            parts.append(ngettext("{show} was exhausted ({ranked})",
                                  "{show} were exhausted ({ranked})", t.exhausted).format(
                show=show(t.exhausted), ranked=ranked))
        elif t.value == 1:
            parts.append(_("its only ballot was exhausted ({ranked})").format(ranked=ranked))
        else:
            parts.append(ngettext("all {show} ballots were exhausted ({ranked})",
                                  "all {show} ballots were exhausted ({ranked})",
                                  t.value).format(show=show(t.value), ranked=ranked))
    return head + "; " + _(", and ").join(parts) + "."
