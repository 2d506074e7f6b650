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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from bot.domain.tally.election import (
    Election,
    ElectionError,
    build,
    parse,
    paused_gc,
    to_json,
)
from bot.i18n import _

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


def decode(data: bytes) -> str:
    """A ballot file's bytes as text: UTF-8 (a byte-order mark is allowed), else one line
    saying which line is not UTF-8 and what to do."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ElectionError(
            _("line 1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it "
            "as UTF-8 and try again"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ElectionError(
            _("line {line}: byte 0x{value:02x} at column {column} is not UTF-8; "
            "save the file as UTF-8 and try again").format(
                line=line, value=data[exc.start], column=column)) from None


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


def _load_json(text: str) -> object:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:  # orjson's message names a character offset; json's names the line
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ElectionError(_("line {lineno}: the file is not JSON ({msg})").format(
            lineno=exc.lineno, msg=exc.msg)) from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise ElectionError(_("the file is not JSON that can be read ({exc})").format(
            exc=exc)) from None


def read(
    text: str, fmt: Format, *, method: str | None = None, seats: int | None = None,
    tie_break: str | None = None, seed: str | None = None, strength: str | None = None,
) -> tuple[Election, str | None]:
    """An election and its title from a ballot file; flags given here win over the file.

    A blank ballot (a JSON ranking `[]`, a CSV row with no rank, a BLT line `1 0` or one
    ranking only withdrawn options) is counted in every format the same way: as exhausted
    from the start, and reported; it never stops the count.
    """
    if fmt == "json":
        with paused_gc():
            data = _load_json(text)
            if not isinstance(data, dict):
                raise ElectionError(_("the election must be a JSON object"))
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
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise ElectionError(_("line {line_num}: the CSV cannot be read ({exc})").format(
            line_num=reader.line_num, exc=exc)) from None
    if not rows:
        raise ElectionError(_("the CSV file is empty"))
    header = [h.strip() for h in rows[0][1]]
    first = header[0].casefold() if header else ""
    counted = first == "count"
    skip = 1 if first in ("ballot", "count") else 0
    candidates = header[skip:]
    ballots: list[tuple[list[str], int]] = []
    for number, (line, row) in enumerate(rows[1:], 1):
        where = _("line {line} (ballot {number})").format(line=line, number=number)
        count = 1
        if counted:
            cell = row[0].strip()
            if not (cell.isascii() and cell.isdigit()) or int(cell) < 1:
                raise ElectionError(
                    _("{where}: count must be a positive whole number, not {value!r}").format(
                        where=where, value=row[0]))
            count = int(cell)
        cells = [c.strip() for c in row[skip:]]
        if len(cells) > len(candidates):
            raise ElectionError(_("{where}: more cells than options in the header").format(
                where=where))
        ranks: dict[int, str] = {}
        for name, cell in zip(candidates, cells, strict=False):
            if not cell:
                continue
            if not (cell.isascii() and cell.isdigit()) or int(cell) < 1:
                raise ElectionError(
                    _("{where}: rank {cell!r} for {name!r} is not a rank; write 1, 2, 3... "
                    "in plain digits, or leave the cell empty").format(
                        where=where, cell=cell, name=name))
            rank = int(cell)
            if rank in ranks:
                raise ElectionError(
                    _("{where}: rank {rank} is given to both {value!r} and {name!r}").format(
                        where=where, rank=rank, value=ranks[rank], name=name))
            ranks[rank] = name
        ballots.append(([ranks[k] for k in sorted(ranks)], count))  # [] is a blank ballot
    return candidates, ballots


def _blt_text(line: str) -> str:
    """A BLT name or title as written: "quoted" (the rest of the line, such as a
    `# ALTERNATIVE NAME` comment, is ignored) or unquoted (the whole line, up to a ` #`)."""
    line = line.strip()
    if line.startswith('"'):
        out: list[str] = []
        i = 1
        while i < len(line):
            ch = line[i]
            if ch == "\\" and i + 1 < len(line):
                out.append(line[i + 1])
                i += 2
                continue
            if ch == '"':
                return "".join(out).strip()
            out.append(ch)
            i += 1
        return line[1:].strip()  # no closing quote: the rest of the line is the name
    cut = line.find(" #")
    return (line[:cut] if cut >= 0 else line).strip()


def _blt_ints(words: list[str], line: int, what: str) -> list[int]:
    out = []
    for word in words:
        if not (word.isascii() and word.lstrip("-").isdigit()):
            raise ElectionError(_("line {line}: {what} {word!r} is not a whole number").format(
                line=line, what=what, word=word))
        out.append(int(word))
    return out


def _blt_ballot(text: str, n: int) -> tuple[list[int], int]:
    """One BLT ballot line: its preferences (option numbers) and its count."""
    words = text.split()
    if words[0].startswith("(") and words[0].endswith(")"):
        words = words[1:]  # a ballot id, as some writers add
    if not words or words[-1] != "0":
        raise ElectionError(_("a BLT ballot line ends with 0"))
    weight_word = words[0]
    if not (weight_word.isascii() and weight_word.isdigit()) or int(weight_word) < 1:
        raise ElectionError(
            _("the ballot count {weight_word!r} is not a positive whole number; "
            "each line starts with how many ballots it stands for (1, 2, 3...)").format(
                weight_word=weight_word))
    prefs: list[int] = []
    for word in words[1:-1]:
        if word == "-":
            continue
        if "=" in word:
            raise ElectionError(_("{word!r} ranks options equal, which cannot be "
                                  "counted here").format(
                word=word))
        if not (word.isascii() and word.isdigit()):
            raise ElectionError(_("{word!r} is not an option number (1 to {n})").format(
                word=word, n=n))
        p = int(word)
        if not 1 <= p <= n:
            raise ElectionError(_("unknown option {p} (options are 1 to {n})").format(p=p, n=n))
        if p in prefs:
            raise ElectionError(_("option {p} is ranked twice").format(p=p))
        prefs.append(p)
    return prefs, int(weight_word)


def _read_blt(text: str) -> tuple[list[str], list[tuple[list[str], int]], int, str | None]:
    raw_lines = text.splitlines()
    # Numbered lines without comments and blanks; names keep their text as written.
    at = 0
    total = len(raw_lines)

    def next_line(i: int) -> int:
        while i < total:
            body = raw_lines[i].split("#", 1)[0].strip() if not raw_lines[i].lstrip()\
                .startswith('"') else raw_lines[i].strip()
            if body:
                return i
            i += 1
        return i

    at = next_line(0)
    if at == total:
        raise ElectionError(_("the BLT file is empty"))
    head = raw_lines[at].split("#", 1)[0].split()
    if len(head) != 2 or not all(w.isascii() and w.isdigit() for w in head):
        raise ElectionError(_("line {value}: the BLT file must start with '<options> "
                              "<seats>'").format(
            value=at + 1))
    n, seats = int(head[0]), int(head[1])
    if n < 1:
        raise ElectionError(_("line {value}: the BLT file must name at least one option").format(
            value=at + 1))
    at = next_line(at + 1)
    withdrawn: set[int] = set()
    if at < total and raw_lines[at].lstrip().startswith("-"):
        for value in _blt_ints(raw_lines[at].split("#", 1)[0].split(), at + 1,
                               _("withdrawn option")):
            if not 1 <= -value <= n:
                raise ElectionError(
                    _("line {value}: withdrawn option {value2} is not one of -1 to -{n}").format(
                        value=at + 1, value2=value, n=n))
            withdrawn.add(-value)
        at = next_line(at + 1)
    # Ballot lines, identical ones read once: a million ballots are a few hundred lines.
    try:
        end = raw_lines.index("0", at)  # the usual end line, found in C
    except ValueError:
        end = total
    if any(ln.strip() == "0" or ln.split("#", 1)[0].strip() == "0"
           for ln in set(raw_lines[at:end])):  # an end line written with spaces or a note
        end = next(i for i in range(at, end) if raw_lines[i].split("#", 1)[0].strip() == "0")
    if end == total:
        raise ElectionError(_("the BLT file has no '0' line after its ballots"))
    seen: Counter[str] = Counter()
    first: dict[str, str] = {}  # each ballot text's first line as written
    for line, times in Counter(raw_lines[at:end]).items():  # in order of first appearance
        stripped = line.split("#", 1)[0].strip() if "#" in line else line.strip()
        if stripped:
            seen[stripped] += times
            first.setdefault(stripped, line)
    raw: list[tuple[list[int], int]] = []
    for stripped, times in seen.items():
        try:
            prefs, weight = _blt_ballot(stripped, n)
        except ElectionError as exc:  # only now find the line number, to name it
            raise ElectionError(
                _("line {value}: {exc}").format(
                    value=raw_lines.index(first[stripped], at) + 1, exc=exc)) from None
        raw.append(([p for p in prefs if p not in withdrawn], weight * times))
    rest = [i for i in range(end + 1, total) if raw_lines[i].strip()
            and not raw_lines[i].lstrip().startswith("#")]
    if len(rest) < n:
        raise ElectionError(_("the BLT file names {count} options after its ballots, "
                            "not {n}").format(count=len(rest), n=n))
    names = [_blt_text(raw_lines[i]) for i in rest[:n]]
    for i, name in zip(rest[:n], names, strict=True):
        if not name:
            raise ElectionError(_("line {value}: an option's name is empty").format(value=i + 1))
    title = _blt_text(raw_lines[rest[n]]) if len(rest) > n else None
    ballots = [([names[p - 1] for p in prefs], weight) for prefs, weight in raw]
    keep = [c for i, c in enumerate(names, 1) if i not in withdrawn]
    return keep, ballots, seats, title or None


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
