"""What a count leaves behind: its rounds (numbers and one plain sentence each) and its
result, and how both are written as JSON (exact: a fraction is written "p/q")."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from bot.domain import wording
from bot.domain.tally.election import Election
from bot.domain.tally.pairwise import pairwise
from bot.domain.tally.ties import TieRecord, Value, show
from bot.i18n import _

TransferKind = Literal["exclusion", "surplus"]


def exact(value: Value) -> int | str:
    """A count for JSON: a whole number, or an exact fraction as the string "p/q"."""
    if isinstance(value, int):
        return value
    return int(value) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def names(items: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return wording.and_list(items)


def plural(n: Value, word: str, many: str | None = None) -> str:
    """As `bot.domain.wording.plural`, with counts written as the tally writes them."""
    return wording.plural(n, word, many, shown=show(n))


@dataclass(slots=True)
class Transfer:
    """Ballots leaving a candidate at the end of a round, and where their value went."""

    source: str
    kind: TransferKind
    value: Value  # the value that left
    ballots: int  # how many ballot papers moved
    to: dict[str, Value]
    exhausted: Value
    weight: Fraction | None = None  # surplus / total, for a surplus

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "from": self.source, "kind": self.kind, "value": exact(self.value),
            "to": {k: exact(v) for k, v in self.to.items()}, "exhausted": exact(self.exhausted),
        }
        if self.weight is not None:
            out["weight"] = exact(self.weight)
        return out


@dataclass(slots=True)
class Round:
    """One round. Instant-runoff and STV fill `tallies`; Condorcet methods the matrix parts."""

    number: int
    tallies: dict[str, Value] = field(default_factory=dict)
    exhausted: Value = 0
    elected: list[str] = field(default_factory=list)
    eliminated: list[str] = field(default_factory=list)
    transfer: Transfer | None = None
    quota: int | None = None
    threshold: Value | None = None  # IRV: votes needed for a majority of continuing ballots
    candidates: list[str] = field(default_factory=list)  # Condorcet: who was still in
    pairwise: dict[str, int] | None = None
    paths: dict[str, int] | None = None
    locked: list[str] | None = None
    skipped: list[str] | None = None
    best: list[str] | None = None  # Condorcet: candidates the method ranks first
    sentence: str = ""

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"round": self.number}
        if self.tallies:
            out["tallies"] = {k: exact(v) for k, v in self.tallies.items()}
            out["exhausted"] = exact(self.exhausted)
        if self.quota is not None:
            out["quota"] = self.quota
        if self.threshold is not None:
            out["threshold"] = exact(self.threshold)
        if self.candidates:
            out["candidates"] = list(self.candidates)
        if self.pairwise is not None:
            out["pairwise"] = dict(self.pairwise)
        if self.paths is not None:
            out["paths"] = dict(self.paths)
        if self.locked is not None:
            out["locked"] = list(self.locked)
        if self.skipped is not None:
            out["skipped"] = list(self.skipped)
        if self.best is not None:
            out["best"] = list(self.best)
        out["elected"] = list(self.elected)
        out["eliminated"] = list(self.eliminated)
        if self.transfer is not None:
            out["transfer"] = self.transfer.json()
        out["sentence"] = self.sentence
        return out


@dataclass(slots=True)
class Count:
    """What one run of a counter produced, before ties are explored."""

    rounds: list[Round]
    winners: list[str]
    stopped: bool = False  # a reported tie stopped the count


@dataclass(slots=True)
class Result:
    """The outcome of an election, with everything needed to check it."""

    election: Election
    winners: list[str]
    tied: bool
    rounds: list[Round]
    condorcet_winner: str | None
    tie_breaks: list[TieRecord]
    matrix: list[list[int]] | None  # the pairwise matrix, when the count needed it
    seed: str | None  # the draw's seed, when a draw was made or a seed was given
    quota: int | None = None
    explored: bool = True  # every way of breaking open ties was tried

    @property
    def pairwise(self) -> list[list[int]]:
        """[i][j]: ballots ranking candidate i above candidate j (counted when first read)."""
        if self.matrix is None:
            self.matrix = pairwise(self.election)
        return self.matrix

    def json(self) -> dict[str, Any]:
        """The result as the tally protocol writes it."""
        return {
            "winners": list(self.winners),
            "tied": self.tied,
            "rounds": [r.json() for r in self.rounds],
            "condorcet_winner": self.condorcet_winner,
            "tie_breaks": [tie_json(t, self.seed or "") for t in self.tie_breaks],
        }

    def outcome(self) -> str:
        """One line: "Research won (IRV, 3 rounds, 6 ballots)"."""
        method = {"irv": "IRV", "stv": "STV", "schulze": "Schulze",
                  "ranked_pairs": _("ranked pairs")}[self.election.method]
        ballots = plural(self.election.cast, "ballot")
        if self.election.blank:
            ballots += _(" ({show} blank)").format(
                show=show(self.election.blank))
        rounds = plural(len(self.rounds), "round")
        how = f"{method}, {rounds}, {ballots}"
        if not self.winners and not self.election.ballots:
            if self.election.blank:
                blank = plural(self.election.blank, "blank ballot")
                return _("No winner: no ballot ranked any option ({method}, {blank})").format(
                    method=method, blank=blank)
            return _("No winner: no ballots were cast ({method})").format(method=method)
        if self.tied and self.election.tie_break == "report":
            return _("Tied: {names} ({how}); the lab decides how to break it").format(
                names=names(self.winners), how=how)
        if len(self.winners) == 1:
            text = (_("{names} won after a tie-break draw ({how})") if self.tied
                    else _("{names} won ({how})"))
        else:
            text = (_("{names} won the seats after a tie-break draw ({how})") if self.tied
                    else _("{names} won the seats ({how})"))
        return text.format(names=names(self.winners), how=how)


def tie_json(tie: TieRecord, seed: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "round": tie.round, "purpose": tie.purpose, "tied": list(tie.tied),
        "chosen": tie.chosen or None, "how": tie.how, "detail": tie.detail,
    }
    if tie.how == "draw":
        out["seed"] = seed
        out["draw"] = tie.draw
        out["detail"] = _("{detail}; draw {draw} with seed {seed!r} picked {chosen}").format(
            detail=tie.detail, draw=tie.draw, seed=seed, chosen=tie.chosen)
    if tie.material is not None:
        out["material"] = tie.material
    return out
