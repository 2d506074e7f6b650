"""Vote templates: ready-made questions and options, each option with its case.

Built-in templates ship with the package (`bot/templates/*.toml`, the file `action_lab_1.toml`
is the template `action-lab-1`), so a fresh clone has the first lab's five solutions with no
configuration; an operator's `[vote_templates.<name>]` in config.toml adds templates or
replaces a built-in one of the same name. In config an option is a line, `"Name"` or
`"Name | its description"`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.config import Settings
from bot.domain.options import split_option


@dataclass(frozen=True, slots=True)
class Template:
    question: str
    options: tuple[tuple[str, str | None], ...]  # (name, description)
    builtin: bool = False


@cache
def builtin_templates() -> dict[str, Template]:
    """The templates shipped in `bot/templates/`, by name (file stem, `_` read as `-`)."""
    found: dict[str, Template] = {}
    for entry in sorted(resources.files("bot.templates").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        options = tuple((str(o["label"]), (str(o.get("description") or "").strip() or None))
                        for o in data["options"])
        found[entry.name.removesuffix(".toml").replace("_", "-")] = Template(
            str(data["question"]), options, builtin=True)
    return found


def templates(settings: Settings) -> dict[str, Template]:
    """Every template this instance offers: the built-in ones, then config's (which win)."""
    every = dict(builtin_templates())
    for name, t in settings.vote_templates.items():
        every[name] = Template(t.question, tuple(split_option(o) for o in t.options))
    return every


def find_template(settings: Settings, name: str) -> Template | None:
    every = templates(settings)
    return every.get(name) or next(
        (t for k, t in every.items() if k.casefold() == name.casefold()), None)
