"""Single transferable vote for N seats, with the weighted inclusive Gregory method.

- The quota is the integer Droop quota, floor(valid ballots / (N + 1)) + 1, fixed for the
  count.
- At the start of each round everyone at or above the quota is elected (if more reach it
  than seats are open, the highest take them).
- An elected candidate's surplus moves by the weighted inclusive Gregory method: every ballot
  in their pile moves on to its next continuing choice at its weight times surplus / total;
  the candidate keeps exactly the quota. The largest surplus moves first, one per round.
- With no surplus to move, the lowest continuing candidate is excluded and their ballots
  move on at the weight they carry.
- When the continuing candidates are no more than the open seats, they are elected.

Values are fractions.Fraction throughout: nothing is rounded. Ballots travel in parcels
that share a weight, so a transfer costs one multiplication per parcel and destination. A
large parcel finds its ballots' next choices with numpy over the election's positions (the
counts it adds are whole numbers, exact while below 2**53), a small one in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from bot.domain.tally.election import Election
from bot.domain.tally.rounds import Count, Round, Transfer, names, plural
from bot.domain.tally.ties import Tiebreaker, TieReported, Value, show
from bot.i18n import _, ngettext

Members = Sequence[int] | np.ndarray  # group numbers: a list, or an array of them
Parcel = tuple[Fraction, Members]  # a weight, and the groups that carry it
ARRAY_PARCEL = 512  # from how many groups a parcel is moved with numpy


def droop_quota(ballots: int, seats: int) -> int:
    """floor(ballots / (seats + 1)) + 1."""
    return ballots // (seats + 1) + 1


def count_stv(election: Election, ties: Tiebreaker) -> Count:
    """Count `election` by STV, breaking ties with `ties`."""
    return _Stv(election, ties).run()


class _Stv:
    def __init__(self, election: Election, ties: Tiebreaker) -> None:
        self.e = election
        self.ties = ties
        self.labels = election.candidates
        n = len(self.labels)
        self.quota = droop_quota(election.ballots, election.seats)
        self.continuing = [True] * n
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.pending: list[int] = []  # elected, surplus not yet moved
        self.piles: list[list[Parcel]] = [[] for _x in range(n)]
        self.at = [0] * len(election.groups)
        self.tally: list[Value] = [Fraction(0)] * n
        self.exhausted: Value = Fraction(election.blank)  # blank: from the start
        self.history: list[list[Value]] = []
        self.rounds: list[Round] = []
        self.arrays = election.ballots < 2**53 and n <= 255
        first: dict[int, Members] = {}
        firsts = [0] * n
        if self.arrays and len(election.groups) >= ARRAY_PARCEL:
            top = election.positions.argmin(axis=0)
            order = np.argsort(top, kind="stable")
            edges = np.searchsorted(top[order], np.arange(n + 1))
            sums = np.bincount(top, weights=election.counts, minlength=n)
            for c in range(n):
                if edges[c + 1] > edges[c]:
                    first[c] = order[edges[c]:edges[c + 1]]
                    firsts[c] = int(sums[c])
        else:
            listed: dict[int, list[int]] = {}
            for g, (ranking, count) in enumerate(election.groups):
                listed.setdefault(ranking[0], []).append(g)
                firsts[ranking[0]] += count
            first.update(listed)
        self.tally = [Fraction(v) for v in firsts]  # one Fraction each, not one per group
        for c, gs in first.items():
            self.piles[c].append((Fraction(1), gs))

    @property
    def open_seats(self) -> int:
        return self.e.seats - len(self.elected)

    def run(self) -> Count:
        try:
            while True:
                if self._round():
                    break
        except TieReported:
            return Count(self.rounds, [], stopped=True)
        return Count(self.rounds, [self.labels[c] for c in self.elected])

    def _shown(self) -> dict[str, Value]:
        keep = [c for c in range(len(self.labels)) if c not in self.excluded]
        return {self.labels[c]: self.tally[c] for c in keep}

    def _round(self) -> bool:
        """One round; True when the count is over."""
        rnd = Round(len(self.rounds) + 1, tallies=self._shown(), exhausted=self.exhausted,
                    quota=self.quota)
        self.rounds.append(rnd)
        words: list[str] = []
        reached = [c for c in self._active() if self.tally[c] >= self.quota]
        if reached:
            newly = self._highest(rnd.number, reached, min(len(reached), self.open_seats))
            for c in newly:
                self._elect(c)
            rnd.elected = [self.labels[c] for c in newly]
            words.append(ngettext("{names} reached the quota of {show} and was elected",
                                  "{names} reached the quota of {show} and were elected",
                                  len(newly)).format(names=names(rnd.elected),
                                                     show=show(self.quota)))
        if self.open_seats == 0:
            rnd.sentence = _sentence(rnd.number, [*words, _("every seat is filled")])
            return True
        rest = self._active()
        if len(rest) <= self.open_seats:
            for c in rest:
                self._elect(c, surplus=False)
            rnd.elected += [self.labels[c] for c in rest]
            if self.open_seats + len(rest) == 1:
                only = ngettext("{names} is elected as the only option left for the open seat",
                                "{names} are elected as the only options left for the open "
                                "seat", len(rest))
            else:
                only = ngettext("{names} is elected as the only option left for the open "
                                "seats",
                                "{names} are elected as the only options left for the open "
                                "seats", len(rest))
            words.append(only.format(names=names([self.labels[c] for c in rest])))
            rnd.sentence = _sentence(rnd.number, words)
            return True
        self.history.append(self.tally[:])
        if self.pending:
            words.append(self._move_surplus(rnd))
        elif not reached:
            words.append(self._exclude(rnd))
        rnd.sentence = _sentence(rnd.number, words)
        return False

    def _active(self) -> list[int]:
        return [c for c in range(len(self.labels)) if self.continuing[c]]

    def _elect(self, c: int, surplus: bool = True) -> None:
        self.continuing[c] = False
        self.elected.append(c)
        if surplus and self.tally[c] > self.quota:
            self.pending.append(c)

    def _highest(self, number: int, reached: list[int], k: int) -> list[int]:
        """The `k` of `reached` with the most votes, most first; ties by earlier rounds."""
        ordered = sorted(reached, key=lambda c: (-self.tally[c], c))
        chosen: list[int] = []
        while len(chosen) < k:
            left = [c for c in ordered if c not in chosen]
            top = self.tally[left[0]]
            level = [c for c in left if self.tally[c] == top]
            if len(level) > 1 and len(level) > k - len(chosen):
                chosen.append(self.ties.candidates(number, "elect", level, self.history,
                                                   lowest=False))
            else:
                chosen += level
        return chosen

    def _move_surplus(self, rnd: Round) -> str:
        biggest = max(self.tally[c] - self.quota for c in self.pending)
        level = [c for c in self.pending if self.tally[c] - self.quota == biggest]
        source = level[0] if len(level) == 1 else self.ties.candidates(
            rnd.number, "surplus", level, self.history, lowest=False)
        self.pending.remove(source)
        total = self.tally[source]
        surplus = total - self.quota
        weight = Fraction(surplus) / Fraction(total)
        transfer = self._move(source, weight, "surplus", surplus)
        self.tally[source] = Fraction(self.quota)
        rnd.transfer = transfer
        who = self.labels[source]
        text = (_("{who}'s surplus of {show} moved on: each of the "
                "{count} they held now counts "
                "{show2} of its weight ({numerator}/{denominator})").format(
            who=who, show=show(surplus), count=plural(transfer.ballots, 'ballot'),
            show2=show(weight), numerator=weight.numerator, denominator=weight.denominator))
        return text + _where(transfer)

    def _exclude(self, rnd: Round) -> str:
        active = self._active()
        low = min(self.tally[c] for c in active)
        lowest = [c for c in active if self.tally[c] == low]
        if len(lowest) == 1:
            loser = lowest[0]
        else:
            # Candidates with no votes move nothing when excluded, and the others with none
            # go next; while enough candidates have votes to fill the seats, their order
            # cannot change who is elected.
            harmless = low == 0 and len(active) - len(lowest) >= self.open_seats
            loser = self.ties.candidates(rnd.number, "exclude", lowest, self.history,
                                         lowest=True, immaterial=harmless)
        self.continuing[loser] = False
        self.excluded.append(loser)
        transfer = self._move(loser, Fraction(1), "exclusion", self.tally[loser])
        self.tally[loser] = Fraction(0)
        rnd.eliminated = [self.labels[loser]]
        rnd.transfer = transfer
        text = (_("Nobody else reached the quota; {option} had the fewest ({show}) and was "
                  "excluded") if self.elected else
                _("nobody reached the quota; {option} had the fewest ({show}) and was "
                  "excluded")).format(option=self.labels[loser], show=show(low))
        if transfer.value == 0:
            return text + _(", with no votes to pass on")
        return text + _where(transfer)

    def _move(self, source: int, factor: Fraction, kind: str, value: Value) -> Transfer:
        gained: dict[int, Value] = {}
        lost: Value = Fraction(0)
        papers = 0
        # Parcels of one weight move together: after a few transfers a pile holds many
        # small parcels, but only a few different weights.
        by_weight: dict[Fraction, list[Members]] = {}
        for weight, members in self.piles[source]:
            by_weight.setdefault(weight, []).append(members)
        for weight, parts in by_weight.items():
            members = parts[0] if len(parts) == 1 else _joined(parts)
            new_weight = weight * factor
            if self.arrays and len(members) >= ARRAY_PARCEL:
                bound, counts, gone, count_papers = self._next_arrays(members)
                papers += count_papers
            else:
                bound, counts, gone, count_papers = self._next_lists(members)
                papers += count_papers
            lost += new_weight * gone
            if new_weight == 0:
                continue
            for dest, moved in bound.items():
                self.piles[dest].append((new_weight, moved))
                share = new_weight * counts[dest]
                self.tally[dest] += share
                gained[dest] = gained.get(dest, Fraction(0)) + share
        self.piles[source] = []
        self.exhausted += lost
        return Transfer(
            self.labels[source], "surplus" if kind == "surplus" else "exclusion", value, papers,
            {self.labels[c]: v for c, v in sorted(gained.items(), key=_biggest)},
            lost, factor if kind == "surplus" else None,
        )

    def _next_lists(
        self, members: Members
    ) -> tuple[dict[int, Members], dict[int, int], int, int]:
        """Each group's next continuing choice, in Python: (groups by destination, counts
        by destination, ballots with none, ballot papers)."""
        groups = self.e.groups
        bound: dict[int, list[int]] = {}
        counts: dict[int, int] = {}
        gone = papers = 0
        for g in members:
            ranking, count = groups[g]
            papers += count
            p = self.at[g] + 1
            while p < len(ranking) and not self.continuing[ranking[p]]:
                p += 1
            if p == len(ranking):
                gone += count
                continue
            self.at[g] = p  # a group moved by arrays keeps an older place: still correct,
            dest = ranking[p]  # since everyone it skips is out of the count for good
            bound.setdefault(dest, []).append(g)
            counts[dest] = counts.get(dest, 0) + count
        return dict(bound), counts, gone, papers

    def _next_arrays(
        self, members: Members
    ) -> tuple[dict[int, Members], dict[int, int], int, int]:
        """As `_next_lists`, with numpy over the election's positions."""
        n = len(self.labels)
        rows = np.asarray(members, dtype=np.intp)
        part = self.e.positions[:, rows]
        part[~np.array(self.continuing)] = 255  # out of the count: never the next choice
        after = part.argmin(axis=0)
        gone_mask = part[after, np.arange(len(rows))] >= n
        weights = self.e.counts[rows]
        papers = int(weights.sum())
        gone = int(weights[gone_mask].sum())
        stay = ~gone_mask
        dests, rows, weights = after[stay], rows[stay], weights[stay]
        order = np.argsort(dests, kind="stable")
        dests, rows, weights = dests[order], rows[order], weights[order]
        sums = np.bincount(dests, weights=weights, minlength=n)
        bound: dict[int, Members] = {}
        counts: dict[int, int] = {}
        edges = np.searchsorted(dests, np.arange(n + 1))
        for dest in range(n):
            lo, hi = edges[dest], edges[dest + 1]
            if hi > lo:
                bound[dest] = rows[lo:hi]
                counts[dest] = int(sums[dest])
        return bound, counts, gone, papers


def _joined(parts: list[Members]) -> Members:
    if any(isinstance(p, np.ndarray) for p in parts):
        return np.concatenate([np.asarray(p, dtype=np.intp) for p in parts])
    return [g for p in parts for g in p]


def _biggest(item: tuple[int, Value]) -> tuple[Value, int]:
    return -item[1], item[0]


def _where(t: Transfer) -> str:
    parts = [f"{show(v)} to {d}" for d, v in t.to.items()]
    if t.exhausted:
        parts.append(_("{show} exhausted (no further choice still in the count)").format(
            show=show(t.exhausted)))
    return ": " + names(parts) if parts else ""


def _sentence(number: int, words: list[str]) -> str:
    text = "; ".join(w for w in words if w)
    return _("Round {number}: {upper}{value}.").format(
        number=number, upper=text[:1].upper(), value=text[1:])
