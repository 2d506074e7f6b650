"""Breaking ties: earlier rounds first (latest first), then a draw anyone can repeat.

The draw is not a pseudo-random generator whose algorithm could change between Python
versions: the n-th draw of a count picks, among the tied names sorted by Unicode code point,
the one at position `int(sha256("<seed>|<n>|<name 1>|<name 2>|..."), 16) mod <how many>`.
With the seed published with the result, anyone can repeat every draw by hand.

A tie the earlier rounds cannot break is "open". The counters ask this class to break it;
the explorer in `bot.domain.tally` re-counts with each other choice to learn whether the
choice changed who won (a "material" tie), which is what `tied` reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from bot.domain.tally.election import Election
from bot.i18n import N_, _

Purpose = Literal["exclude", "elect", "surplus", "seat", "lock"]
How = Literal["earlier rounds", "draw", "reported"]
Value = int | Fraction
PURPOSE_WORDS: dict[Purpose, str] = {
    "exclude": N_("to be eliminated"),
    "elect": N_("to take the last seat"),
    "surplus": N_("to have their surplus moved first"),
    "seat": N_("to win the seat"),
    "lock": N_("to be locked first"),
}


class TieReported(Exception):
    """Raised by `report` at the material tie where the count stops."""


@dataclass(slots=True)
class TieRecord:
    """One place where a tie was broken (or, with `report`, where the count stopped)."""

    round: int
    purpose: Purpose
    tied: tuple[str, ...]
    chosen: str
    how: How
    detail: str
    draw: int | None = None
    material: bool | None = None  # known after exploring; None for ties broken by rule


@dataclass(frozen=True, slots=True)
class OpenTie:
    record: int  # index into Tiebreaker.records
    options: tuple[str, ...]  # in draw order (sorted names)
    chosen: int  # index into options


def draw_index(seed: str, number: int, options: Sequence[str]) -> int:
    """The position the `number`-th draw picks among `options` (already sorted)."""
    text = "|".join([seed, str(number), *options])
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % len(options)


def show(value: Value) -> str:
    """A count for people: whole numbers as they are, fractions to two decimals."""
    if isinstance(value, int) or value.denominator == 1:
        return f"{int(value):,}"
    return f"{float(value):,.2f}"


class Tiebreaker:
    """Breaks the ties of one count; `forced` replays chosen options for open ties."""

    def __init__(
        self, election: Election, forced: Sequence[int] = (), stop_at: int | None = None
    ) -> None:
        self.election = election
        self.names = election.candidates
        self.forced = tuple(forced)
        self.stop_at = stop_at
        self.records: list[TieRecord] = []
        self.open: list[OpenTie] = []
        self.draws = 0

    def candidates(
        self, round_: int, purpose: Purpose, tied: Sequence[int],
        history: Sequence[Sequence[Value]], *, lowest: bool, immaterial: bool = False,
    ) -> int:
        """Choose one of `tied` (candidate indices) for `purpose`.

        `history` holds each earlier round's totals by candidate; the latest round in which
        the tied candidates differ decides (`lowest`: the one with the fewest is chosen),
        narrowing to those still level and looking further back.
        """
        pool = sorted(tied)
        steps: list[str] = []
        for back in range(len(history) - 1, -1, -1):
            totals = history[back]
            values = {c: totals[c] for c in pool}
            if len(set(values.values())) == 1:
                continue
            extreme = min(values.values()) if lowest else max(values.values())
            steps.append(_("round {value}: ").format(value=back + 1) + ", ".join(
                f"{self.names[c]} {show(values[c])}" for c in pool))
            pool = [c for c in pool if values[c] == extreme]
            if len(pool) == 1:
                break
        names = tuple(sorted(self.names[c] for c in tied))
        if len(pool) == 1:
            chosen = self.names[pool[0]]
            self.records.append(TieRecord(
                round_, purpose, names, chosen, "earlier rounds",
                _("{value} votes in the latest round where they "
                "differed ({names})").format(
                    value='fewest' if lowest else 'most', names='; '.join(steps)),
            ))
            return pool[0]
        level = tuple(sorted(self.names[c] for c in pool))
        found = self._open(round_, purpose, names, level, steps, immaterial)
        return self.names.index(found)

    def items(self, round_: int, purpose: Purpose, labels: Sequence[str]) -> int:
        """Choose one of `labels` (not candidates: e.g. pairs to lock); no earlier rounds."""
        ordered = tuple(sorted(labels))
        found = self._open(round_, purpose, ordered, ordered, [], False)
        return list(labels).index(found)

    def _open(
        self, round_: int, purpose: Purpose, tied: tuple[str, ...], level: tuple[str, ...],
        steps: list[str], immaterial: bool,
    ) -> str:
        self.draws += 1
        number = self.draws
        if purpose in ("seat", "lock"):
            earlier = _("and no earlier round can separate them")
        elif round_ == 1:
            earlier = _("with no earlier round to compare")
        elif not steps:
            earlier = _("also in every earlier round")
        else:
            earlier = _("even looking back ({names})").format(names='; '.join(steps))
        if not immaterial and self.stop_at is not None and len(self.open) == self.stop_at:
            self.records.append(TieRecord(
                round_, purpose, level, "", "reported", earlier,
            ))
            raise TieReported()
        k = len(self.open)
        if not immaterial and k < len(self.forced):
            index = self.forced[k]
        else:
            index = draw_index(self.election.draw_seed(), number, level)
        chosen = level[index]
        self.records.append(TieRecord(
            round_, purpose, tied, chosen, "draw", earlier, draw=number,
            material=False if immaterial else None,
        ))
        if not immaterial:
            self.open.append(OpenTie(len(self.records) - 1, level, index))
        return chosen
