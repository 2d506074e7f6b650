"""The election to count: method, seats, candidates and ballots, checked and aggregated.

Identical rankings are counted once with their number (a "group"), which is both how the
published formats write ballots and what makes a million-ballot count fast. Candidates are
held by index inside the count; names appear only in what a person reads.

A blank ballot (an empty ranking) is one rule in every format: it is kept as `blank`,
counted as exhausted from the first round, reported, and never stops the count; it does not
count towards the STV quota or the pairwise matrix, since it ranks nobody.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, Literal, get_args

import numpy as np
import orjson

from bot.i18n import N_, _

Method = Literal["irv", "stv", "schulze", "ranked_pairs"]
TieBreak = Literal["backward-then-random", "report"]
Strength = Literal["margin", "winning_votes"]

METHODS: tuple[Method, ...] = get_args(Method)
TIE_BREAKS: tuple[TieBreak, ...] = get_args(TieBreak)
STRENGTHS: tuple[Strength, ...] = get_args(Strength)
MAX_CANDIDATES = 20  # what a vote may offer; the counters themselves take any number

METHOD_NAMES: dict[Method, str] = {
    "irv": N_("instant-runoff (IRV)"),
    "stv": N_("single transferable vote (STV)"),
    "schulze": N_("Schulze"),
    "ranked_pairs": N_("ranked pairs"),
}


Ranking = Sequence[int]  # candidate indices, best first: bytes up to 255 candidates


def _positions(flat: np.ndarray, lengths: np.ndarray, n: int) -> np.ndarray:
    """`Election.positions` from every ranking's candidate indices one after another
    (`flat`, bytes) and each ranking's length. Each candidate's place is written into a
    row per ranking (neighbouring writes, which caches like), then the table is turned
    to a row per candidate, the layout the counts compare. A ranking that names someone
    twice leaves fewer than `len(flat)` places written: callers check that."""
    k, total = len(lengths), len(flat)
    if not k:
        return np.full((n, 0), n, dtype=np.uint8)
    starts = np.cumsum(lengths[:-1])
    if not lengths.all():  # an empty ranking: blank, kept apart
        raise ValueError("positions are for rankings of at least one candidate")
    # The place of each name in its ranking and the row of its ranking, each a running
    # sum that steps back to 0 (places, in bytes: places past 255 wrap, and only a ranking
    # that names someone twice has them) or on by a row at every ranking's first name.
    step = np.ones(total, dtype=np.uint8)
    step[0] = 0
    step[starts] = (1 - lengths[:-1]) % 256
    places = np.cumsum(step, dtype=np.uint8)
    rows = np.zeros(total, dtype=np.intp)
    rows[starts] = n
    cells = np.cumsum(rows, out=rows)
    cells += flat
    table = np.full((k, n), n, dtype=np.uint8)
    table.ravel()[cells] = places
    return np.ascontiguousarray(table.T)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector while a million ballots' lists and dicts are made: they
    hold no cycles, and each collection would walk all of them again (orjson's read of a
    million ballots takes five times as long with it running)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class ElectionError(ValueError):
    """An election that cannot be counted; the message names the ballot and the problem."""


@dataclass(frozen=True)
class Election:
    """One election, ready to count. `groups` holds (ranking as candidate indices, count);
    `build` writes each ranking as bytes (one byte per candidate index) when there are at
    most 255 candidates, which hashes, groups and turns into arrays fastest."""

    method: Method
    seats: int
    candidates: tuple[str, ...]
    groups: tuple[tuple[Ranking, int], ...]
    tie_break: TieBreak = "backward-then-random"
    seed: str | None = None
    strength: Strength = "margin"
    blank: int = 0  # ballots that rank nobody: exhausted from the start

    @cached_property
    def ballots(self) -> int:
        """How many ballots rank at least one candidate (blank ones are in `blank`)."""
        return sum(map(itemgetter(1), self.groups))

    @cached_property
    def counts(self) -> np.ndarray:
        """Each group's count as int64 (for counts that fit; see `ballots`)."""
        return np.array(list(map(itemgetter(1), self.groups)), dtype=np.int64)

    @property
    def cast(self) -> int:
        """Every ballot, blank ones included."""
        return self.ballots + self.blank

    @cached_property
    def positions(self) -> np.ndarray:
        """`p[c, g]`: where group g ranks candidate c (0 = first); an unranked candidate
        gets the number of candidates. One byte each: for up to 255 candidates."""
        n = len(self.candidates)
        if n > 255:
            raise ValueError("positions are kept in bytes, for up to 255 candidates")
        rankings = list(map(itemgetter(0), self.groups))
        lengths = np.array(list(map(len, rankings)), dtype=np.intp)
        if set(map(type, rankings)) == {bytes}:
            flat = np.frombuffer(b"".join(rankings), dtype=np.uint8)
        else:
            flat = np.fromiter(chain.from_iterable(rankings), dtype=np.uint8,
                               count=int(lengths.sum()))
        return _positions(flat, lengths, n)

    def draw_seed(self) -> str:
        """The seed of the tie-break draw: the one given, else one from the content."""
        return self.seed if self.seed is not None else self._content_seed

    @cached_property
    def _content_seed(self) -> str:
        return content_seed(self)

    def rankings(self) -> list[tuple[list[str], int]]:
        """The groups with candidate names, in a stable order."""
        return [([self.candidates[i] for i in r], n) for r, n in self.groups]


def build(
    *, method: str, seats: int, candidates: Sequence[str],
    ballots: Iterable[tuple[Sequence[str], int]], tie_break: str = "backward-then-random",
    seed: str | None = None, strength: str = "margin",
) -> Election:
    """An Election from names, checking everything; raises ElectionError (ballots 1-based).
    A ranking that is empty is a blank ballot (see the module's docstring)."""
    with paused_gc():
        return _build(method=method, seats=seats, candidates=candidates, ballots=ballots,
                      tie_break=tie_break, seed=seed, strength=strength)


def _build(
    *, method: str, seats: int, candidates: Sequence[str],
    ballots: Iterable[tuple[Sequence[str], int]], tie_break: str = "backward-then-random",
    seed: str | None = None, strength: str = "margin",
) -> Election:
    if method not in METHODS:
        raise ElectionError(
            _("method: {method!r} is not a method; use one of {names}").format(
                method=method, names=', '.join(METHODS))
        )
    if tie_break not in TIE_BREAKS:
        raise ElectionError(
            _("tie_break: {tie_break!r} is not a rule; use one of {names}").format(
                tie_break=tie_break, names=', '.join(TIE_BREAKS))
        )
    if strength not in STRENGTHS:
        raise ElectionError(
            _("strength: {strength!r} is not a link strength; use one of {names}").format(
                strength=strength, names=', '.join(STRENGTHS))
        )
    names = tuple(candidates)
    if len(names) < 2:
        raise ElectionError(_("candidates: an election needs at least 2 candidates"))
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ElectionError(_("candidates: {name!r} is not a candidate name").format(
                name=name))
    seen_names: set[str] = set()
    for name in names:
        if name in seen_names:
            raise ElectionError(_("candidates: {name!r} is listed twice").format(name=name))
        seen_names.add(name)
    check_seats(method, seats, len(names))
    index = {name: i for i, name in enumerate(names)}
    lookup = index.__getitem__
    small = len(names) <= 255
    key = bytes if small else tuple
    pairs = ballots if isinstance(ballots, list) else list(ballots)
    counted = _grouped_fast(pairs, index.get) if small else None
    if counted is None:
        counted = {}
        get = counted.get
        for number, (ranking, count) in enumerate(pairs, 1):
            try:
                # The common case, fast: known names, a positive whole count. Up to 255
                # candidates a name given twice is found below, for all rankings at once.
                found: Ranking = key(map(lookup, ranking))
                ok = (type(count) is int and count > 0 and type(ranking) in (list, tuple)
                      and (small or len(set(found)) == len(found)))
            except (KeyError, TypeError):
                ok = False
            if not ok:  # the careful path says what is wrong
                found = key(_ranking(number, ranking, count, index))
            counted[found] = get(found, 0) + count
    blank = counted.pop(key(), 0)
    election = Election(
        method=method, seats=seats, candidates=names,
        groups=tuple(counted.items()), tie_break=tie_break, seed=seed,
        strength=strength, blank=blank,
    )
    if small and election.groups:
        ranked = int(np.count_nonzero(election.positions != len(names)))
        if ranked != sum(map(len, counted)):  # a ranking named someone twice
            for number, (ranking, count) in enumerate(pairs, 1):
                _ranking(number, ranking, count, index)
            twice = next(r for r in counted if len(set(r)) != len(r))
            raise ElectionError(
                _("a ballot ranks a candidate twice: {value!r}").format(
                    value=[names[i] for i in twice]))
    return election


def _grouped_fast(
    pairs: list[tuple[Sequence[str], int]], lookup: Callable[[str], int | None],
) -> dict[Ranking, int] | None:
    """Rankings as bytes with their counts, every step in C; None when anything is off
    (an unknown name, a count that is not a positive int, a ranking that is not a list or
    tuple), for the careful path to name it."""
    try:
        rankings = [r for r, _x in pairs]
        counts = [c for _x, c in pairs]
        if not set(map(type, rankings)) <= {list, tuple} or set(map(type, counts)) != {int}:
            return None
        if min(counts) < 1:
            return None
        # An unknown name gives None, which bytes() refuses with a TypeError.
        keys: list[Ranking] = list(map(bytes, map(map, repeat(lookup), rankings)))  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return None
    counted = dict(zip(keys, counts, strict=True))
    if len(counted) != len(keys):  # the same ranking twice: add its counts up
        counted = {}
        for found, count in zip(keys, counts, strict=True):
            counted[found] = counted.get(found, 0) + count
    return counted


def check_seats(method: Method, seats: object, candidates: int) -> None:
    """Seats must be a whole number from 1 to one fewer than the candidates (1 for IRV)."""
    if isinstance(seats, bool) or not isinstance(seats, int):
        raise ElectionError(_("seats: {seats!r} is not a whole number").format(seats=seats))
    if method == "irv" and seats != 1:
        raise ElectionError(_("seats: IRV fills 1 seat, not {seats}; use method stv for "
                              "more").format(
            seats=seats))
    if not 1 <= seats < candidates:
        raise ElectionError(
            _("seats: {seats} is out of range; with {candidates} candidates seats must be "
            "1 to {value}").format(
                seats=seats, candidates=candidates, value=candidates - 1)
        )


def _ranking(
    number: int, ranking: Sequence[str], count: object, index: Mapping[str, int]
) -> tuple[int, ...]:
    where = f"ballot {number}"
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ElectionError(_("{where}: count must be a positive integer, not {count!r}").format(
            where=where, count=count))
    if isinstance(ranking, Mapping):
        raise ElectionError(
            _("{where}: ranking must be a list of candidate names, best first, not an object "
            'of ranks (write ["B", "A"] for {{"A": 2, "B": 1}})').format(where=where))
    if isinstance(ranking, str) or not isinstance(ranking, Sequence):
        raise ElectionError(_("{where}: ranking must be a list of candidate names").format(
            where=where))
    out: list[int] = []
    seen: set[int] = set()
    for name in ranking:
        if not isinstance(name, str) or name not in index:
            raise ElectionError(_("{where}: unknown candidate {name!r}").format(
                where=where, name=name))
        i = index[name]
        if i in seen:
            raise ElectionError(_("{where}: {name!r} is ranked twice").format(
                where=where, name=name))
        seen.add(i)
        out.append(i)
    return tuple(out)


def from_rankings(
    method: str, seats: int, candidates: Sequence[str], rankings: Iterable[Sequence[str]],
    **options: Any,
) -> Election:
    """An Election from one ranking per ballot: identical rankings are counted together first."""
    with paused_gc():
        if not isinstance(rankings, Collection):
            rankings = list(rankings)
        try:
            grouped = Counter(rankings)  # tuples, as a rule: hashable as they are
        except TypeError:
            try:
                grouped = Counter(map(tuple, rankings))
            except TypeError:  # a name that cannot be a name (a list): the careful path
                return build(method=method, seats=seats, candidates=candidates,
                             ballots=[(r, 1) for r in rankings], **options)
        quick = _from_distinct(method, seats, candidates, grouped, options)
        if quick is not None:
            return quick
        items = list(grouped.items())
    return build(method=method, seats=seats, candidates=candidates,
                 ballots=items, **options)


_END = object()  # the end of a ranking, in `_from_distinct`


def _from_distinct(
    method: str, seats: int, candidates: Sequence[str], grouped: Counter[Any],
    options: dict[str, Any],
) -> Election | None:
    """The Election of rankings already grouped (distinct tuples of known names, positive
    counts by construction), with only what could still be wrong checked; None sends the
    careful path to name the problem."""
    names = tuple(candidates)
    if len(names) > 255 or not grouped or set(map(type, grouped)) != {tuple}:
        return None
    empty = build(method=method, seats=seats, candidates=names, ballots=[], **options)
    n = len(names)
    # 255 is no candidate's index: it ends each ranking, so that one split cuts them apart.
    index: dict[object, int] = {name: i for i, name in enumerate(names)}
    index[_END] = 255
    try:
        # Every name of every ranking turned into its index in one pass, in C; an unknown
        # name gives None (and a name that is not a string, a TypeError), which bytes()
        # refuses.
        ended = chain.from_iterable(zip(grouped, repeat((_END,))))
        flat = bytes(map(index.get, chain.from_iterable(ended)))  # type: ignore[arg-type]
    except TypeError:
        return None
    keys: list[Ranking] = flat.split(b"\xff")  # type: ignore[assignment]
    keys.pop()  # (after the last end)
    flat = flat.replace(b"\xff", b"")
    blank = grouped.get((), 0)
    if not flat:
        return replace(empty, blank=blank)
    lengths = np.fromiter(map(len, keys), dtype=np.intp, count=len(keys))
    counts = np.fromiter(grouped.values(), dtype=np.int64, count=len(grouped))
    groups = tuple(zip(keys, grouped.values(), strict=True))
    if blank:
        ranked = lengths > 0
        lengths, counts = lengths[ranked], counts[ranked]
        groups = tuple(g for g in groups if g[0])
    positions = _positions(np.frombuffer(flat, dtype=np.uint8), lengths, n)
    if int(np.count_nonzero(positions != n)) != len(flat):
        return None  # a ranking names someone twice
    election = replace(empty, groups=groups, blank=blank)
    # Known already (counts of a Counter fit in int64): kept for the count to use.
    election.__dict__.update(positions=positions, counts=counts, ballots=int(counts.sum()))
    return election


def parse(data: object) -> Election:
    """Read the tally protocol's election object (unknown keys, such as metadata, are ignored)."""
    if not isinstance(data, Mapping):
        raise ElectionError(_("the election must be a JSON object"))
    for key in ("method", "candidates", "ballots"):
        if key not in data:
            raise ElectionError(_("{key}: missing").format(key=key))
    candidates = data["candidates"]
    if not isinstance(candidates, list):
        raise ElectionError(_("candidates: must be a list of names"))
    raw_ballots = data["ballots"]
    if not isinstance(raw_ballots, list):
        raise ElectionError(_("ballots: must be a list of {\"ranking\": [...], \"count\": n}"))
    seed = data.get("seed")
    if seed is not None and not isinstance(seed, str):
        raise ElectionError(_("seed: must be a string"))

    def ballots() -> Iterable[tuple[Sequence[str], int]]:
        # Identical ballots are checked once: a million are often a few thousand kinds.
        # Candidates are checked by `build` before the first ballot is asked for.
        index = {name: i for i, name in enumerate(candidates)}
        try:
            # Each ballot written back as JSON, in C: equal text is an equal ballot (a
            # string is not a list, true is not 1), and each kind is read and checked once.
            kinds = Counter(map(orjson.dumps, raw_ballots))
        except TypeError:  # something JSON cannot hold: the checks below name it
            kinds = None
        if kinds is not None:
            checked: list[tuple[Sequence[str], int]] = []
            ok = True
            for text, times in kinds.items():
                ballot = orjson.loads(text)
                if not (isinstance(ballot, Mapping) and "ranking" in ballot
                        and type(ballot["ranking"]) is list
                        and type(ballot.get("count", 1)) is int):
                    ok = False  # the careful loop below names the first wrong ballot
                    break
                ranking, n = ballot["ranking"], ballot.get("count", 1)
                try:
                    _ranking(0, ranking, n, index)
                except ElectionError:
                    ok = False
                    break
                checked.append((ranking, n * times))
            if ok:
                yield from checked
                return
        same: dict[tuple[Any, ...], int] = {}
        for number, ballot in enumerate(raw_ballots, 1):
            try:
                ranking = ballot["ranking"]
                n = ballot.get("count", 1)
                if type(ranking) is not list or type(n) is not int:
                    raise TypeError
                key = (*ranking, n)  # unhashable names fail here
            except (TypeError, KeyError, AttributeError):
                if not isinstance(ballot, Mapping) or "ranking" not in ballot:
                    raise ElectionError(
                        _("ballot {number}: must be an object with a ranking").format(
                            number=number)) from None
                ranking, n = ballot["ranking"], ballot.get("count", 1)
                _ranking(number, ranking, n, index)  # raises, unless e.g. a tuple
                key = (*ranking, n)
            if key in same:
                same[key] += 1
            else:
                _ranking(number, ranking, n, index)  # names this ballot if it is wrong
                same[key] = 1
        for key, times in same.items():
            yield list(key[:-1]), key[-1] * times

    return build(
        method=str(data["method"]), seats=data.get("seats", 1), candidates=candidates,
        ballots=ballots(), tie_break=str(data.get("tie_break", "backward-then-random")),
        seed=seed, strength=str(data.get("strength", "margin")),
    )


def to_json(election: Election) -> dict[str, Any]:
    """The election as the tally protocol writes it (what `parse` reads back)."""
    out: dict[str, Any] = {
        "method": election.method,
        "seats": election.seats,
        "candidates": list(election.candidates),
        "ballots": [{"ranking": r, "count": n} for r, n in election.rankings()],
        "tie_break": election.tie_break,
    }
    if election.blank:
        out["ballots"].append({"ranking": [], "count": election.blank})
    if election.strength != "margin":
        out["strength"] = election.strength
    if election.seed is not None:
        out["seed"] = election.seed
    return out


def content_seed(election: Election) -> str:
    """A seed from what is counted, independent of the order ballots and candidates were
    listed in (rankings are written by name), so the drawn winner is too."""
    labels = election.candidates
    canonical: dict[str, Any] = {
        "method": election.method, "seats": election.seats,
        "candidates": sorted(labels),
        "ballots": sorted([[labels[i] for i in r], n] for r, n in election.groups),
        "tie_break": election.tie_break, "strength": election.strength,
    }
    if election.blank:
        canonical["blank"] = election.blank
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return "content-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
