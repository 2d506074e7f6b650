"""Anonymised ballot files, written and read back: JSON, CSV and BLT.

- JSON is the tally protocol's election object (method, seats, candidates, ballots,
  tie_break, seed) plus the question: `actionlab tally` re-counts it with nothing else.
- CSV has one row per ballot and one column per option, holding the rank given to that
  option (1 = first choice, empty = not ranked): it opens in any spreadsheet.
- BLT is the ballot format of OpenSTV and OpaVote: a header "<options> <seats>", one line
  "1 <option numbers, best first> 0" per ballot, "0", the quoted option names, the title.

Files hold rankings only, never who cast them; the caller hands them over in random order.
CSV and BLT carry no method, tie rule or seed: give those to `actionlab tally` as flags.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.domain.tally.election import Election, ElectionError, build, parse, to_json

Format = Literal["json", "csv", "blt"]
FORMATS: tuple[Format, ...] = ("json", "csv", "blt")


@dataclass(frozen=True, slots=True)
class BallotFile:
    """What an export holds: the count's rules, the options and the rankings."""

    question: str
    method: str
    seats: int
    candidates: tuple[str, ...]
    rankings: tuple[tuple[str, ...], ...]  # one per ballot, already in random order
    tie_break: str = "backward-then-random"
    seed: str | None = None
    strength: str = "margin"

    def election(self) -> Election:
        return build(method=self.method, seats=self.seats, candidates=self.candidates,
                     ballots=((r, 1) for r in self.rankings), tie_break=self.tie_break,
                     seed=self.seed, strength=self.strength)


def write_json(ballots: BallotFile) -> str:
    """The tally protocol's election, one entry per ballot (count 1), plus the question."""
    data: dict[str, Any] = {"question": ballots.question}
    election = to_json(ballots.election())
    election["ballots"] = [{"ranking": list(r), "count": 1} for r in ballots.rankings]
    data.update(election)
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_csv(ballots: BallotFile) -> str:
    """One row per ballot: its number, then the rank each option got (empty: unranked)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ballot", *ballots.candidates])
    index = {c: i for i, c in enumerate(ballots.candidates)}
    for number, ranking in enumerate(ballots.rankings, 1):
        row = [""] * len(ballots.candidates)
        for rank, name in enumerate(ranking, 1):
            row[index[name]] = str(rank)
        writer.writerow([str(number), *row])
    return out.getvalue()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_blt(ballots: BallotFile) -> str:
    """OpenSTV / OpaVote BLT: header, ballot lines, 0, names, title."""
    index = {c: i + 1 for i, c in enumerate(ballots.candidates)}
    lines = [f"{len(ballots.candidates)} {ballots.seats}"]
    for ranking in ballots.rankings:
        lines.append(" ".join(["1", *(str(index[c]) for c in ranking), "0"]))
    lines.append("0")
    lines += [_quote(c) for c in ballots.candidates]
    lines.append(_quote(ballots.question))
    return "\n".join(lines) + "\n"


def write(ballots: BallotFile, fmt: Format) -> str:
    return {"json": write_json, "csv": write_csv, "blt": write_blt}[fmt](ballots)


def guess_format(name: str, text: str) -> Format:
    """By the file's extension, else by its first character."""
    lowered = name.lower()
    for fmt in FORMATS:
        if lowered.endswith("." + fmt):
            return fmt
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return "json"
    first = stripped.split("\n", 1)[0]
    return "blt" if first.replace(" ", "").isdigit() else "csv"


def read(
    text: str, fmt: Format, *, method: str | None = None, seats: int | None = None,
    tie_break: str | None = None, seed: str | None = None, strength: str | None = None,
) -> tuple[Election, str | None]:
    """An election and its title from a ballot file; flags given here win over the file."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ElectionError(f"the file is not JSON ({exc.msg}, line {exc.lineno})") from None
        if not isinstance(data, dict):
            raise ElectionError("the election must be a JSON object")
        for key, value in (("method", method), ("seats", seats), ("tie_break", tie_break),
                           ("seed", seed), ("strength", strength)):
            if value is not None:
                data[key] = value
        title = data.get("question") or data.get("title")
        return parse(data), str(title) if title else None
    if fmt == "csv":
        candidates, ballots = _read_csv(text)
        title = None
    else:
        candidates, ballots, file_seats, title = _read_blt(text)
        seats = seats if seats is not None else file_seats
    seats = seats if seats is not None else 1
    chosen = method or ("stv" if seats > 1 else "irv")
    election = build(method=chosen, seats=seats, candidates=candidates, ballots=ballots,
                     tie_break=tie_break or "backward-then-random", seed=seed,
                     strength=strength or "margin")
    return election, title


def _read_csv(text: str) -> tuple[list[str], list[tuple[list[str], int]]]:
    rows = [r for r in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in r)]
    if not rows:
        raise ElectionError("the CSV file is empty")
    header = [h.strip() for h in rows[0]]
    first = header[0].casefold() if header else ""
    counted = first == "count"
    skip = 1 if first in ("ballot", "count") else 0
    candidates = header[skip:]
    ballots: list[tuple[list[str], int]] = []
    for number, row in enumerate(rows[1:], 1):
        where = f"ballot {number}"
        count = 1
        if counted:
            try:
                count = int(row[0])
            except ValueError:
                raise ElectionError(
                    f"{where}: count must be a positive integer, not {row[0]!r}") from None
        cells = [c.strip() for c in row[skip:]]
        if len(cells) > len(candidates):
            raise ElectionError(f"{where}: more cells than options in the header")
        ranks: dict[int, str] = {}
        for name, cell in zip(candidates, cells, strict=False):
            if not cell:
                continue
            if not cell.isdigit() or int(cell) < 1:
                raise ElectionError(f"{where}: rank {cell!r} for {name!r} is not 1, 2, 3...")
            rank = int(cell)
            if rank in ranks:
                raise ElectionError(
                    f"{where}: rank {rank} is given to both {ranks[rank]!r} and {name!r}")
            ranks[rank] = name
        ballots.append(([ranks[k] for k in sorted(ranks)], count))
    return candidates, ballots


def _read_blt(text: str) -> tuple[list[str], list[tuple[list[str], int]], int, str | None]:
    lines = [ln.split("#", 1)[0].strip() if not ln.strip().startswith('"') else ln.strip()
             for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        raise ElectionError("the BLT file is empty")
    try:
        n, seats = (int(x) for x in lines[0].split())
    except ValueError:
        raise ElectionError("the BLT file must start with '<options> <seats>'") from None
    at = 1
    withdrawn: set[int] = set()
    if at < len(lines) and lines[at].startswith("-"):
        withdrawn = {-int(x) for x in lines[at].split()}
        at += 1
    raw: list[tuple[list[int], int]] = []
    number = 0
    while at < len(lines) and lines[at] != "0":
        number += 1
        where = f"ballot {number}"
        words = lines[at].split()
        if words[-1] != "0":
            raise ElectionError(f"{where}: a BLT ballot line ends with 0")
        try:
            weight = int(words[0])
            prefs = [int(w) for w in words[1:-1] if w != "-"]
        except ValueError:
            raise ElectionError(
                f"{where}: only whole option numbers can be read (no '=' for equal ranks)"
            ) from None
        if weight < 1:
            raise ElectionError(f"{where}: count must be a positive integer, not {weight}")
        for p in prefs:
            if not 1 <= p <= n:
                raise ElectionError(f"{where}: unknown candidate {p} (options are 1 to {n})")
        raw.append(([p for p in prefs if p not in withdrawn], weight))
        at += 1
    if at == len(lines):
        raise ElectionError("the BLT file has no '0' line after its ballots")
    names = []
    for line in lines[at + 1: at + 1 + n]:
        parts = shlex.split(line)
        names.append(parts[0] if parts else line)
    if len(names) != n:
        raise ElectionError(f"the BLT file names {len(names)} options, not {n}")
    rest = lines[at + 1 + n:]
    title = shlex.split(rest[0])[0] if rest and shlex.split(rest[0]) else None
    ballots = [([names[p - 1] for p in prefs], weight) for prefs, weight in raw if prefs]
    keep = [c for i, c in enumerate(names, 1) if i not in withdrawn]
    return keep, ballots, seats, title


def rankings_of(election: Election) -> list[tuple[str, ...]]:
    """One ranking per ballot (a group of n identical ballots gives n entries)."""
    out: list[tuple[str, ...]] = []
    for ranking, count in election.rankings():
        out += [tuple(ranking)] * count
    return out


def file_from(election: Election, question: str, order: Sequence[int] | None = None
              ) -> BallotFile:
    """A BallotFile of `election`'s ballots (in `order`, positions of `rankings_of`)."""
    rankings = rankings_of(election)
    if order is not None:
        rankings = [rankings[i] for i in order]
    return BallotFile(question, election.method, election.seats, election.candidates,
                      tuple(rankings), election.tie_break, election.seed, election.strength)
