"""Command arguments: pydantic models plus one small grammar, the same on every adapter.

A command's arguments are a pydantic model. Its fields are, in declaration order:

- positional (the default): `<member>`; a list field takes every remaining positional word;
- keyword (`Kw()`): `window 09:00-18:00`; the value runs to the next keyword (or for
  `Kw(words=1)`, one word); a list keyword (`options "a" "b"`) collects the words;
- rest (`Rest()`): the remaining text, verbatim, quotes and all (notes, minutes entries).

Double quotes (straight or curly) group words; a quoted word is never read as a keyword.
The same model validates Discord's typed options and form submissions, so every adapter
accepts the same arguments, and the Discord command tree is built from these models.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from bot.errors import BadArguments
from bot.i18n import _


class Args(BaseModel):
    """Base for argument models; no fields means the command takes no arguments."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class NoArgs(Args):
    pass


@dataclass(frozen=True, slots=True)
class Pos:
    """A positional argument, shown as `<metavar>` in the usage line.

    `greedy`: takes several words, leaving one for each positional field after it, so
    `/lab role Priya Raman secretary` needs no quotes.
    """

    metavar: str | None = None
    help: str = ""
    greedy: bool = False


@dataclass(frozen=True, slots=True)
class Kw:
    """A keyword argument: the word, then its value."""

    metavar: str | None = None
    help: str = ""
    word: str | None = None  # what is typed; the field name by default
    words: int | None = None  # at most this many value words; None: up to the next keyword


@dataclass(frozen=True, slots=True)
class Rest:
    """The remaining text, verbatim."""

    metavar: str | None = None
    help: str = ""


ArgKind = Pos | Kw | Rest


@dataclass(frozen=True, slots=True)
class Complete:
    """What an argument names, so adapters can offer autocomplete: "zone", "member",
    "poll", "vote", "meeting"."""

    kind: str


@dataclass(frozen=True, slots=True)
class Token:
    value: str
    start: int
    end: int
    quoted: bool


_TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')


def tokenize(text: str) -> list[Token]:
    """Split on spaces; double quotes (" or “ ”) group words. Single quotes do not (O'Brien)."""
    out = []
    for m in _TOKEN.finditer(text):
        if m.group(3) is not None:
            out.append(Token(m.group(3), m.start(), m.end(), quoted=False))
        else:
            value = m.group(1) if m.group(1) is not None else m.group(2)
            out.append(Token(value, m.start(), m.end(), quoted=True))
    return out


def list_items(tokens: list[Token]) -> list[str]:
    """The items of a list value: each quoted word is one item; unquoted words are one item
    each, unless a comma is typed among them, then commas separate the items (`A, B, C` or
    `Micro-contracting in procurement, Research`)."""
    items: list[str] = []
    run: list[Token] = []

    def flush() -> None:
        if not run:
            return
        if any("," in t.value for t in run):
            joined = " ".join(t.value for t in run)
            items.extend(part.strip() for part in joined.split(",") if part.strip())
        else:
            items.extend(t.value for t in run)
        run.clear()

    for tok in tokens:
        if tok.quoted:
            flush()
            items.append(tok.value)
        else:
            run.append(tok)
    flush()
    return items


@dataclass(frozen=True, slots=True)
class ArgField:
    name: str
    kind: ArgKind
    info: FieldInfo

    @property
    def required(self) -> bool:
        return self.info.is_required()

    @property
    def is_list(self) -> bool:
        return is_list_type(self.info.annotation)

    @property
    def metavar(self) -> str:
        if self.kind.metavar:
            return self.kind.metavar
        choices = choices_of(self.info.annotation)
        return "|".join(choices) if choices else self.name.replace("_", " ")

    @property
    def word(self) -> str:
        if isinstance(self.kind, Kw) and self.kind.word:
            return self.kind.word
        return self.name

    @property
    def help(self) -> str:
        return self.kind.help or (self.info.description or "")


def completion_of(f: ArgField) -> str | None:
    return next((m.kind for m in f.info.metadata if isinstance(m, Complete)), None)


def fields_of(model: type[Args]) -> list[ArgField]:
    out = []
    for name, info in model.model_fields.items():
        kind: ArgKind = next(
            (m for m in info.metadata if isinstance(m, Pos | Kw | Rest)), Pos()
        )
        out.append(ArgField(name, kind, info))
    return out


def _unwrap_optional(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return inner[0]
    if origin is typing.Annotated:
        return _unwrap_optional(get_args(annotation)[0])
    return annotation


def is_list_type(annotation: Any) -> bool:
    return get_origin(_unwrap_optional(annotation)) in (list, tuple)


def choices_of(annotation: Any) -> list[str]:
    """The allowed words of a Literal or Enum field, for usage lines and Discord choices."""
    inner = _unwrap_optional(annotation)
    if get_origin(inner) is Literal:
        return [str(a) for a in get_args(inner)]
    if isinstance(inner, type) and issubclass(inner, Enum):
        return [str(m.value) for m in inner]
    return []


def scalar_type(annotation: Any) -> type:
    """int, float, bool or str: what a Discord option of this field should be."""
    inner = _unwrap_optional(annotation)
    if is_list_type(inner):
        return str
    if inner in (int, float, bool):
        return typing.cast(type, inner)
    return str


def usage(name: str, model: type[Args]) -> str:
    """`/lab role <member> <facilitator|secretary|member>`, built from the model."""
    parts = [f"/lab {name}"]
    for f in fields_of(model):
        if isinstance(f.kind, Kw):
            value = f"<{f.metavar}>" + ("..." if f.is_list else "")
            text = f"{f.word} {value}"
            parts.append(f"[{text}]" if not f.required else text)
        elif isinstance(f.kind, Rest):
            text = f"<{f.metavar}>"
            parts.append(text if f.required else f"[{text}]")
        else:
            text = f"<{f.metavar}>" + ("..." if f.is_list else "")
            parts.append(text if f.required else f"[{text}]")
    return " ".join(parts)


def parse_text(model: type[Args], text: str) -> dict[str, Any]:
    """Read typed text into a dict of raw values for `model` (validation comes after)."""
    fields = fields_of(model)
    keywords = {f.word.lower(): f for f in fields if isinstance(f.kind, Kw)}
    positional = [f for f in fields if not isinstance(f.kind, Kw)]
    values: dict[str, Any] = {}
    tokens = tokenize(text)
    i = 0
    slot = 0
    while i < len(tokens):
        tok = tokens[i]
        key = tok.value.lower()
        if not tok.quoted and key in keywords and keywords[key].name not in values:
            f = keywords[key]
            limit = f.kind.words if isinstance(f.kind, Kw) else None
            j = i + 1
            taken: list[Token] = []
            while j < len(tokens) and (limit is None or len(taken) < limit):
                nxt = tokens[j]
                if not nxt.quoted and nxt.value.lower() in keywords:
                    break
                taken.append(nxt)
                j += 1
            if not taken:
                raise _missing_value(f)
            values[f.name] = (
                list_items(taken) if f.is_list else " ".join(t.value for t in taken)
            )
            i = j
            continue
        if slot >= len(positional):
            raise BadArguments(_("I did not expect `{value}` there.").format(value=tok.value))
        f = positional[slot]
        if isinstance(f.kind, Rest):
            values[f.name] = text[tok.start:].strip()
            return values
        if f.is_list:
            words = [tok]
            i += 1
            while i < len(tokens) and not (
                    _is_keyword(tokens[i], keywords)
                    and keywords[tokens[i].value.lower()].name not in values):
                words.append(tokens[i])
                i += 1
            values.setdefault(f.name, []).extend(list_items(words))
            continue
        if isinstance(f.kind, Pos) and f.kind.greedy:
            run = 0
            while i + run < len(tokens) and not _is_keyword(tokens[i + run], keywords):
                run += 1
            take = max(1, run - (len(positional) - slot - 1))
            values[f.name] = " ".join(t.value for t in tokens[i:i + take])
            slot += 1
            i += take
            continue
        values[f.name] = tok.value
        slot += 1
        i += 1
    return values


def command_line(name: str, model: type[Args], values: Mapping[str, Any]) -> str:
    """The line that `parse_text` reads back as `values`: what a form's fields say, typed.

    Positional values first in their order, then keywords, then the verbatim rest; a value
    with spaces, a keyword's spelling or nothing at all is quoted.
    """
    fields = fields_of(model)
    keywords = {f.word.lower() for f in fields if isinstance(f.kind, Kw)}

    def word(value: Any) -> str:
        text = str(value)
        if text and not any(c.isspace() for c in text) and text.lower() not in keywords \
                and not any(c in text for c in '",“”'):
            return text
        return f"“{text}”" if '"' in text else f'"{text}"'

    def words(f: ArgField) -> str:
        value = values[f.name]
        items = value if isinstance(value, list | tuple) else [value]
        return " ".join(word(v) for v in items)

    parts = [f"/lab {name}"]
    parts += [words(f) for f in fields if isinstance(f.kind, Pos) and f.name in values]
    parts += [f"{f.word} {words(f)}" for f in fields
              if isinstance(f.kind, Kw) and f.name in values]
    parts += [str(values[f.name]) for f in fields
              if isinstance(f.kind, Rest) and f.name in values]
    return " ".join(parts)


def _is_keyword(tok: Token, keywords: dict[str, ArgField]) -> bool:
    return not tok.quoted and tok.value.lower() in keywords


def _missing_value(f: ArgField) -> BadArguments:
    return BadArguments(_("`{word}` needs a value after it: `{word} <{metavar}>`.").format(
        word=f.word, metavar=f.metavar))


def normalize_options(model: type[Args], options: dict[str, Any]) -> dict[str, Any]:
    """Typed options or form values: split list fields given as one string; drop blanks."""
    fields = {f.name: f for f in fields_of(model)}
    out: dict[str, Any] = {}
    for key, value in options.items():
        if value is None or (isinstance(value, str) and value.strip() == ""):
            continue
        f = fields.get(key)
        if f is not None and f.is_list and isinstance(value, str):
            # A form's field says "one a line": each line is one item. One line is read as
            # typed: quoted words, or commas between items, or single words.
            lines = [line.strip() for line in value.splitlines() if line.strip()]
            value = lines if len(lines) > 1 else list_items(tokenize(value))
        out[key] = value
    return out


# Every whole number typed into a command (an entry's number, a count, a page) and every
# poll, vote or meeting named by its number stays at or below this: nothing in a lab comes
# near it, and a 25-digit slip gets a message instead of overflowing the database's integer.
MAX_NUMBER = 1_000_000
NUMBERED = frozenset({"poll", "vote", "meeting"})  # Complete kinds that name a thing by number
_DIGITS = re.compile(r"#?(\d+)", re.ASCII)


def _too_big(f: ArgField, value: Any) -> bool:
    """Whether `value` of field `f` is a number past MAX_NUMBER (or below -MAX_NUMBER)."""
    values = value if isinstance(value, list | tuple) else [value]
    for one in values:
        if isinstance(one, int) and not isinstance(one, bool):
            if abs(one) > MAX_NUMBER:
                return True
        elif isinstance(one, str) and completion_of(f) in NUMBERED:
            m = _DIGITS.fullmatch(one.strip())
            if m and (len(m.group(1)) > 12 or int(m.group(1)) > MAX_NUMBER):
                return True
    return False


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:12] + "..." + text[-6:]


def _in_words(named: str, err: Any) -> str:
    """Pydantic's commonest refusals of a typed value, in the words of a command line."""
    bound = err.get("ctx") or {}
    match err["type"]:
        case "int_parsing" | "int_from_float":
            return _("{named} takes a whole number").format(named=named)
        case "int_parsing_size":
            return _("{named} must be at most {MAX_NUMBER}").format(
                named=named, MAX_NUMBER=MAX_NUMBER)
        case "greater_than_equal":
            return _("{named} must be at least {value}").format(
                named=named, value=bound['ge'])
        case "less_than_equal":
            return _("{named} must be at most {value}").format(
                named=named, value=bound['le'])
        case "greater_than":
            return _("{named} must be more than {value}").format(
                named=named, value=bound['gt'])
        case "less_than":
            return _("{named} must be less than {value}").format(
                named=named, value=bound['lt'])
        case "string_too_long":
            return _("{named} takes at most {value} characters").format(
                named=named, value=bound['max_length'])
        case "string_too_short":
            return (_("{named} needs some words").format(
                named=named) if bound.get("min_length", 1) <= 1 else
                    _("{named} needs at least {value} characters").format(
                        named=named, value=bound['min_length']))
        case "too_short":
            return _("{named} needs at least {get}").format(
                named=named, get=bound.get('min_length', 1))
        case "too_long":
            return _("{named} takes at most {get}").format(
                named=named, get=bound.get('max_length'))
        case "literal_error" | "enum":
            expected = str(bound.get("expected", "one of the words shown")).replace("'", "")
            return _("{named} must be {expected}").format(named=named, expected=expected)
        case "bool_parsing" | "bool_type":
            return _("{named} takes yes or no").format(named=named)
        case "float_parsing" | "float_type":
            return _("{named} takes a number").format(named=named)
    return _("{named} is not something I can read").format(named=named)


_QUOTES = '"“”'


def _blank(value: Any) -> bool:
    """Typed text with nothing in it: spaces, or only quote marks (`""`, `"   "`)."""
    return isinstance(value, str) and not value.strip().strip(_QUOTES).strip()


def refuse_blank(model: type[Args], values: Mapping[str, Any], usage_line: str) -> None:
    """The one rule for typed text: a value given as nothing but spaces or quote marks is
    refused in so many words, not stored as `""` (a note, a decision, a lab's name)."""
    for f in fields_of(model):
        value = values.get(f.name)
        items = value if isinstance(value, list | tuple) else [value]
        if any(_blank(v) for v in items):
            named = f"`{f.word}`" if isinstance(f.kind, Kw) else f"<{f.metavar}>"
            raise BadArguments(_("{named} is empty: type some words (quotes with nothing "
                               "inside do not count).\nUsage: `{usage_line}`").format(
                named=named, usage_line=usage_line), field=f.name)


def build(model: type[Args], values: dict[str, Any], usage_line: str) -> Args:
    """Validate; turn the first problem into a BadArguments that ends with the usage line."""
    refuse_blank(model, values, usage_line)
    try:
        args = model.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        field = loc[0] if loc else ""
        meta = {f.name: f for f in fields_of(model)}
        shown = f"<{meta[field].metavar}>" if field in meta else field
        if err["type"] == "missing":
            problem = _("Missing {shown}.").format(shown=shown)
        elif err["type"] == "extra_forbidden":
            problem = _("`{field}` is not an argument of this command.").format(field=field)
        elif err["type"] == "value_error":
            problem = err["msg"].removeprefix(_("Value error, "))  # our own validators' words
        else:
            given = err.get("input")
            named = f"`{meta[field].word}`" if field in meta and isinstance(
                meta[field].kind, Kw) else shown
            problem = _in_words(named, err) + (
                _(" (you gave `{shown}`)").format(
                    shown=_shown(given)) if isinstance(given, str | int) else ""
            )
            if not problem.endswith((".", "?", ")")):
                problem += "."
        raise BadArguments(_("{problem}\nUsage: `{usage_line}`").format(
            problem=problem, usage_line=usage_line),
            field=field if field in meta else None) from None
    for f in fields_of(model):
        given = getattr(args, f.name)
        if _too_big(f, given):
            named = f"`{f.word}`" if isinstance(f.kind, Kw) else f"<{f.metavar}>"
            typed = " ".join(map(str, given)) if isinstance(given, list) else given
            raise BadArguments(_("{named} must be at most {MAX_NUMBER} (you gave "
                               "`{shown}`).\nUsage: `{usage_line}`").format(
                named=named, MAX_NUMBER=MAX_NUMBER, shown=_shown(typed), usage_line=usage_line),
                field=f.name)
    return args
