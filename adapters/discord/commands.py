"""The `/lab` command tree, built from the core's registered commands and argument models.

One `/lab` group; a one-word command is a subcommand (`/lab help`), a two-word command a
subcommand of a group (`/lab poll new`), a three-word command joins its last two words
(`/lab minutes action-done`). Each argument field becomes a typed option: its word (a keyword's
word, else the field name), `scalar_type` for its type, `choices_of` for its choices,
`completion_of` for autocomplete through `router.complete`, and the model's bounds for
min/max. A command with a form takes every option as optional: given none, the core opens
the form as a modal. Whatever features are registered appear; nothing here names one.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import annotated_types
import discord
from discord import app_commands

from adapters.discord.translate import CommandMap, actor_of, interaction_place
from bot.arguments import ArgField, choices_of, completion_of, fields_of, scalar_type
from bot.i18n import N_, SOURCE, _, normalize, use_locale
from bot.messages import shorten
from bot.ports import Routes
from bot.router import CommandSpec

if TYPE_CHECKING:
    from bot.context import Context

log = logging.getLogger(__name__)

ROOT = "lab"
ROOT_DESCRIPTION = N_("actionlab: polls, votes, minutes and reminders for your lab.")
# Discord's limits for application commands.
NAME = re.compile(r"^[-_\w]{1,32}$")
DESCRIPTION = 100
SUBCOMMANDS = 25
OPTIONS = 25
CHOICES = 25
PAYLOAD = 8000  # characters of names, descriptions and choices in one top-level command
STRING_MAX = 6000
# When a one-word command is also the first word of others (`minutes`, `minutes export`),
# Discord cannot have both a subcommand and a group of that name: the bare one moves into
# the group under the first of these names that is free.
BARE_NAMES = ("show", "view", "open")
FORM_HINT = N_(" No options: fill in a form.")
# Groups whose first word is not a topic of its own ("The me commands." says nothing).
GROUP_DESCRIPTIONS = {"me": N_("Your own settings: your time zone and your language.")}

CommandHandler = Callable[[discord.Interaction[Any]], Awaitable[None]]


class TreeError(ValueError):
    """The registered commands cannot be expressed as a Discord command tree (a bug)."""


def discord_name(text: str) -> str:
    name = re.sub(r"[^-_\w]+", "-", text.strip().lower()).strip("-")[:32]
    if not NAME.match(name):
        raise TreeError(_("{text!r} cannot be a Discord command or option name").format(text=text))
    return name


def option_name(f: ArgField) -> str:
    return discord_name(f.word)


def option_required(spec: CommandSpec, f: ArgField) -> bool:
    """Required on Discord only where the core requires it and no form could fill it."""
    return f.required and spec.form is None


def option_description(f: ArgField) -> str:
    text = _(f.help) if f.help else f"<{_(f.metavar)}>"
    if f.is_list:
        text += _(" (several: separate with spaces, quote those with spaces)")
    return shorten(text, DESCRIPTION)


def bounds(f: ArgField) -> tuple[float | None, float | None]:
    """The model's own limits: ge/le (or gt/lt for whole numbers) and min/max length."""
    low: float | None = None
    high: float | None = None
    for m in f.info.metadata:
        if isinstance(m, annotated_types.Ge | annotated_types.MinLen):
            low = m.ge if isinstance(m, annotated_types.Ge) else m.min_length  # type: ignore[assignment]
        elif isinstance(m, annotated_types.Le | annotated_types.MaxLen):
            high = m.le if isinstance(m, annotated_types.Le) else m.max_length  # type: ignore[assignment]
        elif isinstance(m, annotated_types.Gt) and scalar_type(f.info.annotation) is int:
            low = int(m.gt) + 1  # type: ignore[call-overload]
        elif isinstance(m, annotated_types.Lt) and scalar_type(f.info.annotation) is int:
            high = int(m.lt) - 1  # type: ignore[call-overload]
    return low, high


def _annotation(f: ArgField) -> Any:
    kind = scalar_type(f.info.annotation)
    low, high = bounds(f)
    if f.is_list:
        return str  # several values in one string; the core splits them
    if kind is str:
        if low is None and high is None:
            return str
        return app_commands.Range[str, int(low or 0) or None, min(int(high or STRING_MAX),
                                                                   STRING_MAX)]
    if kind in (int, float) and (low is not None or high is not None):
        return app_commands.Range[kind, low, high]
    return kind


def _choices(f: ArgField) -> list[str]:
    return choices_of(f.info.annotation)


# --- descriptions in the member's client language ---------------------------------------------

# Discord's client languages that have a catalog here (Arabic is not one of Discord's).
DISCORD_LOCALES = tuple(loc for loc in discord.Locale
                        if normalize(loc.value) not in (None, SOURCE))


# Of a command's 8000 characters, what the English tree leaves for the other languages (it
# takes the longest descriptions that leave this much), and how long a translated
# description may be: with four client languages (es-ES, es-419, fr, pt-BR) this covers most
# entries directly under /lab; deeper ones show in English. Only splitting /lab into several
# top-level commands would give every description room in every language.
LOCALIZED_RESERVE = 1600
LOCALIZED_LIMIT = 24
# English descriptions are never cut below this to make room for translations: a reader of
# any language must be able to tell the commands apart; translations take what is left.
READABLE = 40


@dataclass
class Describe:
    """One translatable description of the tree: what builds it in the current language,
    how long the English one may be, and how soon it is seen (0 first: /lab itself, then
    the entries under /lab, then those inside a group)."""

    key: str
    build: Callable[[], str]
    limit: int
    depth: int


def described(key: str, text: str, build: Callable[[], str], limit: int, depth: int,
              found: list[Describe]) -> app_commands.locale_str:
    """`text` (the English description) as a locale_str the translator knows by `key`."""
    found.append(Describe(key, build, limit, depth))
    return app_commands.locale_str(text, key=key)


class LabTranslator(app_commands.Translator):
    """Descriptions of /lab and its options in the client's language
    (`description_localizations`); names and choices stay as they are, so `/lab poll answer`
    is typed the same everywhere. Discord counts every localization against a command's
    8000 characters, and /lab holds every feature: `allocate` fills what the English tree
    leaves, the first-seen descriptions first; the rest fall back to English."""

    def __init__(self) -> None:
        super().__init__()
        self.table: dict[tuple[str, str], str] = {}

    def allocate(self, wanted: list[Describe], room: int) -> int:
        """Translate `wanted` into every client language that has a catalog, as long as
        `room` characters last; returns the characters used."""
        used = 0
        self.table.clear()
        for item in sorted(wanted, key=lambda d: d.depth):
            texts = {}
            for loc in DISCORD_LOCALES:
                with use_locale(normalize(loc.value)):
                    text = shorten(item.build(), min(item.limit, LOCALIZED_LIMIT))
                if text:
                    texts[loc.value] = text
            cost = sum(len(t) for t in texts.values())
            if used + cost > room:
                continue  # a shorter one further on may still fit
            used += cost
            for locale, text in texts.items():
                self.table[(item.key, locale)] = text
        return used

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        key = string.extras.get("key")
        if key is None or "description" not in context.location.name:
            return None
        return self.table.get((str(key), locale.value))


class LabTree(app_commands.CommandTree[discord.Client]):
    """A CommandTree whose errors become a private message, never silence."""

    lab_translator: LabTranslator | None = None
    description_budget: int = DESCRIPTION  # the length the English descriptions were given

    async def on_error(self, interaction: discord.Interaction[Any],
                       error: app_commands.AppCommandError, /) -> None:
        client = interaction.client
        handler = getattr(client, "on_tree_error", None)
        if handler is not None:
            await handler(interaction, error)
        else:  # pragma: no cover - LabClient always has one
            await super().on_error(interaction, error)


def build_tree(
    client: discord.Client, router: Routes, ctx: Context, on_command: CommandHandler,
) -> tuple[LabTree, CommandMap]:
    """The tree with the one `/lab` group, and the map translate.py reads it back with."""
    tree = LabTree(client)
    for budget in DESCRIPTION_BUDGETS:
        # Within Discord's 8000 characters a command, translations included: shorter
        # descriptions if need be, leaving LOCALIZED_RESERVE for the other languages.
        wanted: list[Describe] = []
        group, cmap = build_group(router, ctx, on_command, describe_in=budget, found=wanted)
        size = payload_size(group.to_dict(tree))
        last = budget == DESCRIPTION_BUDGETS[-1]
        if size <= PAYLOAD - LOCALIZED_RESERVE or (
                (budget == READABLE or last) and size <= PAYLOAD):
            tree.add_command(group)
            tree.description_budget = budget
            translator = LabTranslator()
            translator.allocate(wanted, PAYLOAD - size)
            tree.lab_translator = translator
            return tree, cmap
    raise TreeError(f"/lab needs {size} characters even with short descriptions; Discord "
                    f"allows {PAYLOAD}")


def build_group(
    router: Routes, ctx: Context, on_command: CommandHandler, *,
    describe_in: int = DESCRIPTION, found: list[Describe] | None = None,
) -> tuple[app_commands.Group, CommandMap]:
    found = [] if found is None else found
    root = app_commands.Group(name=ROOT, description=described(
        "/lab", ROOT_DESCRIPTION, lambda: _(ROOT_DESCRIPTION), DESCRIPTION, 0, found))
    cmap = CommandMap()
    paths = command_paths(router)
    top = {path[0] for path in paths.values()}
    if len(top) > SUBCOMMANDS:
        raise TreeError(f"/lab would have {len(top)} subcommands and groups; Discord "
                        f"allows {SUBCOMMANDS}")
    for group in top:
        inside = sum(1 for path in paths.values() if len(path) == 2 and path[0] == group)
        if inside > SUBCOMMANDS:
            raise TreeError(f"/lab {group} would have {inside} subcommands; Discord "
                            f"allows {SUBCOMMANDS}")
    groups: dict[str, app_commands.Group] = {}
    for name, path in sorted(paths.items(), key=lambda kv: kv[1]):
        spec = router.commands[name]
        parent = root
        if len(path) == 2:
            if path[0] not in groups:
                topic = path[0]

                def group_text(topic: str = topic) -> str:
                    return (_(GROUP_DESCRIPTIONS[topic]) if topic in GROUP_DESCRIPTIONS
                            else _("The {topic} commands.").format(topic=topic))

                groups[topic] = app_commands.Group(
                    name=topic, description=described(
                        f"group /lab {topic}", shorten(group_text(), DESCRIPTION), group_text,
                        DESCRIPTION, 1, found),
                    parent=root,
                )
            parent = groups[path[0]]
        command, renames = build_command(spec, path[-1], parent, router, ctx, on_command,
                                         describe_in, found)
        parent.add_command(command)
        cmap.paths[path] = name
        cmap.options[name] = renames
    return root, cmap


def command_paths(router: Routes) -> dict[str, tuple[str, ...]]:
    """Each core command's path under /lab."""
    names = list(router.commands)
    groups = {n.split()[0] for n in names if len(n.split()) > 1}
    out: dict[str, tuple[str, ...]] = {}
    for name in names:
        words = name.split()
        if len(words) == 1 and words[0] in groups:
            taken = {" ".join(n.split()[1:]) for n in names if n.split()[0] == words[0]}
            bare = next((b for b in BARE_NAMES if b not in taken), None)
            if bare is None:
                raise TreeError(_("no free subcommand name for `/lab {name}`").format(name=name))
            out[name] = (discord_name(words[0]), bare)
        elif len(words) <= 2:
            out[name] = tuple(discord_name(w) for w in words)
        else:
            out[name] = (discord_name(words[0]), discord_name("-".join(words[1:])))
    seen: dict[tuple[str, ...], str] = {}
    for name, path in out.items():
        if path in seen:
            raise TreeError(_("`/lab {name}` and `/lab {value}` would share one name").format(
                name=name, value=seen[path]))
        seen[path] = name
    return out


def build_command(
    spec: CommandSpec, leaf: str, parent: app_commands.Group, router: Routes, ctx: Context,
    on_command: CommandHandler, describe_in: int = DESCRIPTION,
    found: list[Describe] | None = None,
) -> tuple[app_commands.Command[Any, ..., None], dict[str, str]]:
    found = [] if found is None else found
    depth = 1 if parent.parent is None else 2  # an entry under /lab, or inside a group
    fields = fields_of(spec.args)
    if len(fields) > OPTIONS:
        raise TreeError(_("`/lab {name}` has {count} arguments; Discord allows 25").format(
            name=spec.name, count=len(fields)))
    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=discord.Interaction)]
    describe: dict[str, str | app_commands.locale_str] = {}
    rename: dict[str, str] = {}
    choices: dict[str, list[app_commands.Choice[str]]] = {}
    autocomplete: dict[str, Any] = {}
    renames: dict[str, str] = {}
    for f in sorted(fields, key=lambda f: not option_required(spec, f)):
        shown = option_name(f)
        if shown in renames:
            raise TreeError(_("`/lab {name}` has two options called {shown!r}").format(
                name=spec.name, shown=shown))
        renames[shown] = f.name
        parameters.append(inspect.Parameter(
            f.name, inspect.Parameter.KEYWORD_ONLY, annotation=_annotation(f),
            default=inspect.Parameter.empty if option_required(spec, f) else None,
        ))
        describe[f.name] = described(
            f"option /lab {spec.name} {f.name}", shorten(option_description(f), describe_in),
            functools.partial(option_description, f), describe_in, depth + 1, found)
        if shown != f.name:
            rename[f.name] = shown
        words = _choices(f)
        kind = completion_of(f)
        if words and len(words) <= CHOICES and not f.is_list:
            choices[f.name] = [app_commands.Choice(name=w, value=w) for w in words]
        elif words:
            autocomplete[f.name] = _choice_completer(words)
        elif kind is not None and scalar_type(f.info.annotation) is str:
            autocomplete[f.name] = _router_completer(router, ctx, kind)

    async def callback(interaction: discord.Interaction[Any], **_: Any) -> None:
        # The options are read from the raw payload by translate.py, the one place that
        # turns Discord data into the core's arguments.
        await on_command(interaction)

    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__qualname__ = callback.__name__ = f"lab_{spec.name.replace(' ', '_')}"
    fn: Any = callback
    if describe:
        fn = app_commands.describe(**describe)(fn)
    if rename:
        fn = app_commands.rename(**rename)(fn)
    if choices:
        fn = app_commands.choices(**choices)(fn)
    if autocomplete:
        fn = app_commands.autocomplete(**autocomplete)(fn)
    def summary() -> str:
        text = _(spec.summary)
        room = describe_in - len(_(FORM_HINT))
        if spec.form is not None and room >= 10:
            # The hint is what makes the bare command useful: cut the summary, not the hint.
            text = shorten(text, room) + _(FORM_HINT)
        return text

    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=leaf, callback=fn, parent=parent, description=described(
            f"command /lab {spec.name}", shorten(summary(), describe_in), summary, describe_in,
            depth,
            found),
    )
    return command, renames


def _router_completer(router: Routes, ctx: Context, kind: str) -> Any:
    async def complete(interaction: discord.Interaction[Any], current: str
                       ) -> list[app_commands.Choice[str]]:
        found = await router.complete(ctx, actor_of(interaction.user, interaction),
                                      interaction_place(interaction), kind, current)
        return [app_commands.Choice(name=shorten(label, 100), value=value[:100])
                for label, value in found[:25]]

    return complete


def _choice_completer(words: list[str]) -> Any:
    async def complete(interaction: discord.Interaction[Any], current: str
                       ) -> list[app_commands.Choice[str]]:
        typed = current.strip().casefold()
        return [app_commands.Choice(name=w, value=w) for w in words
                if typed in w.casefold()][:25]

    return complete


# --- Discord's 8000-character budget ----------------------------------------------------------


def payload_size(data: dict[str, Any]) -> int:
    """Characters Discord counts against a command: names, descriptions, choice names/values."""
    size = len(str(data.get("name", ""))) + len(str(data.get("description", "")))
    for choice in data.get("choices") or ():
        size += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
    return size + sum(payload_size(o) for o in data.get("options") or ())


DESCRIPTION_BUDGETS = (DESCRIPTION, 60, 40, 24, 12)
