"""Routing: where features register what they handle, and the one place that lists it.

Each feature module owns a `Router` and registers on it with decorators: `@command`,
`@action` (a control: button, menu, form), `@reaction`, `@completer`, `@home_section`,
`@subject` (what reminders may be about: held in a `Subjects`, bot/subjects.py) and `@on`
(a domain event's listener: held in a `Listeners`, bot/listeners.py, which the Context hands
to the bus). The composition root merges them with `include`. Running a handler is
bot/dispatch.py's job; `Router.dispatch` is the entry point the adapters call.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot import action_ids
from bot.arguments import Args, NoArgs, usage
from bot.context import Context
from bot.dispatch import FORM_ROUTE, Dispatcher
from bot.errors import UnknownCommand
from bot.events import Event, Happening
from bot.handlers import (
    MAX_REF,
    SCOPES,
    Access,
    ActionSpec,
    Call,
    CommandSpec,
    Completer,
    FormBuilder,
    FormCheck,
    Handler,
    HomeSection,
    ReactionHandler,
    Scope,
    own_direct_message,
    parse_ref,
    require_role,
)
from bot.i18n import _
from bot.listeners import Listeners
from bot.messages import Actor, Inbound, Place, Reply, Submission
from bot.subjects import (
    Attachments,
    CloseSubject,
    Describe,
    LiveCard,
    PendingPeople,
    SubjectKind,
    Subjects,
    UpcomingFor,
)

# Re-exported: features and tests import these from here.
__all__ = [
    "FORM_ROUTE", "MAX_REF", "Access", "ActionSpec", "Call", "CommandSpec", "Completer",
    "Handler", "HomeSection", "Router", "Scope", "own_direct_message", "parse_ref",
    "require_role",
]

E = TypeVar("E", bound=Event)


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, ActionSpec] = {}
        self.reactions: dict[str, ReactionHandler] = {}
        self.listeners = Listeners()  # who listens to which domain event (bot/listeners.py)
        self.completers: dict[str, Completer] = {}
        self.home_sections: list[tuple[int, HomeSection]] = []
        self.subjects = Subjects()  # what reminders can be about (bot/subjects.py)
        # Other words that name a command where people type (`/lab remind` for
        # `/lab reminders add`); adapters that build a command tree (Discord, with its 25
        # entries under /lab) show only the command itself.
        self.aliases: dict[str, str] = {}
        self._dispatcher = Dispatcher(self)

    # --- registration ------------------------------------------------------------------

    def command(
        self,
        name: str,
        *,
        summary: str,
        args: type[Args] = NoArgs,
        access: Access = "member",
        usage_line: str | None = None,
        topic: str | None = None,
        form: FormBuilder | None = None,
        examples: tuple[str, ...] = (),
        in_direct: bool = True,
        aliases: tuple[str, ...] = (),
        open_when_archived: bool = False,
        check: FormCheck | None = None,
    ) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            key = name.lower()
            if key in self.commands or key in self.aliases:
                raise ValueError(f"command {key!r} registered twice")
            for alias in aliases:
                if alias.lower() in self.commands or alias.lower() in self.aliases:
                    raise ValueError(f"alias {alias!r} names another command")
                self.aliases[alias.lower()] = key
            self.commands[key] = CommandSpec(
                key, fn, args, summary, access, usage_line or usage(key, args),
                topic or key.split()[0], form, examples, in_direct, open_when_archived,
                check,
            )
            return fn

        return register

    def action(
        self, route: str, *, scope: Scope, access: Access | None = None,
        open_when_archived: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Register a control's handler. `scope` says what the id's ref names (see `Scope`);
        the router resolves it to its lab, checks the place and the caller's role (`access`:
        by default "member" for a control of a lab, "anyone" for one of no lab) and sets
        `call.lab` and `call.member` before the handler runs."""
        if scope not in SCOPES:
            raise ValueError(f"action {route!r}: scope {scope!r} is not one of {SCOPES}")
        needs: Access = access or ("anyone" if scope == "none" else "member")
        if scope == "none" and needs != "anyone":
            raise ValueError(f"action {route!r} belongs to no lab, so it cannot need {needs!r}")
        if scope != "none" and needs == "anyone":
            raise ValueError(f"action {route!r} acts in a lab: its access cannot be 'anyone'")

        def register(fn: Handler) -> Handler:
            if route in self.actions:
                raise ValueError(f"action {route!r} registered twice")
            action_ids.encode(route, "0")  # fail at import on a malformed route
            self.actions[route] = ActionSpec(route, fn, needs, scope, open_when_archived)
            return fn

        return register

    def reaction(self, emoji: str) -> Callable[[ReactionHandler], ReactionHandler]:
        def register(fn: ReactionHandler) -> ReactionHandler:
            self.reactions[emoji] = fn
            return fn

        return register

    def on(self, event_type: type[E]) -> Callable[
        [Callable[[E, Happening], Awaitable[None]]], Callable[[E, Happening], Awaitable[None]]
    ]:
        """Subscribe to a domain event; subscribers run inside the publisher's transaction."""

        def register(
            fn: Callable[[E, Happening], Awaitable[None]],
        ) -> Callable[[E, Happening], Awaitable[None]]:
            self.listeners.add(event_type, fn)
            return fn

        return register

    def completer(self, kind: str) -> Callable[[Completer], Completer]:
        """Offer autocomplete for arguments marked `Complete(kind)`."""

        def register(fn: Completer) -> Completer:
            if kind in self.completers:
                raise ValueError(f"completer {kind!r} registered twice")
            self.completers[kind] = fn
            return fn

        return register

    def home_section(self, order: int) -> Callable[[HomeSection], HomeSection]:
        """Contribute blocks to a person's home card (Slack's App Home, `/lab home`)."""

        def register(fn: HomeSection) -> HomeSection:
            self.home_sections.append((order, fn))
            self.home_sections.sort(key=lambda pair: pair[0])
            return fn

        return register

    def subject(
        self, name: str, *, pending: PendingPeople | None = None,
        close: CloseSubject | None = None, attachments: Attachments | None = None,
        upcoming: UpcomingFor | None = None, card: LiveCard | None = None,
    ) -> Callable[[Describe], Describe]:
        """Register the function below as how reminders describe a `name` ("poll"), with
        the other things reminders may need of it (see `SubjectKind`)."""

        def register(describe: Describe) -> Describe:
            self.subjects.register(SubjectKind(name, describe, pending, close, attachments,
                                               upcoming, card))
            return describe

        return register

    def include(self, other: Router) -> None:
        clash = (set(self.commands) & set(other.commands)) | (
            set(self.actions) & set(other.actions)) | (set(self.reactions) & set(other.reactions))
        if clash:
            raise ValueError(f"registered twice: {sorted(clash)}")
        clash = set(self.completers) & set(other.completers)
        if clash:
            raise ValueError(f"completers registered twice: {sorted(clash)}")
        clash = (set(self.aliases) | set(self.commands)) & (set(other.aliases) |
                                                            set(other.commands))
        if clash:
            raise ValueError(f"registered twice: {sorted(clash)}")
        self.subjects.include(other.subjects)  # refuses a clash before taking any
        self.aliases.update(other.aliases)
        self.commands.update(other.commands)
        self.actions.update(other.actions)
        self.reactions.update(other.reactions)
        self.completers.update(other.completers)
        self.listeners.include(other.listeners)
        self.home_sections = sorted(self.home_sections + other.home_sections,
                                    key=lambda pair: pair[0])

    # --- lookup --------------------------------------------------------------------------

    def resolve(self, text: str) -> tuple[CommandSpec, str]:
        """Find the command a line names (the longest match) and the text after it."""
        words = text.split()
        if not words:
            return self.commands["help"], ""
        for n in (3, 2, 1):
            if len(words) >= n:
                key = " ".join(w.lower() for w in words[:n])
                name = key if key in self.commands else self.aliases.get(key)
                if name is not None:
                    parts = text.strip().split(maxsplit=n)
                    return self.commands[name], parts[n] if len(parts) > n else ""
        raise UnknownCommand(self.unknown(words))

    def unknown(self, words: list[str]) -> str:
        typed = " ".join(words[:2]).lower()
        first = words[0].lower()
        groups = {n.split()[0] for n in self.commands if " " in n}
        if first in groups:
            subs = sorted(n for n in self.commands if n.startswith(first + " "))
            close = difflib.get_close_matches(typed, subs, n=1, cutoff=0.5)
            hint = _(" Did you mean `/lab {value}`?").format(value=close[0]) if close else ""
            listing = ", ".join(f"`/lab {s}`" for s in subs)
            return _("`/lab {typed}` is not a command.{hint} The {first} commands: "
                     "{listing}.").format(
                typed=typed, hint=hint, first=first, listing=listing)
        names = sorted(self.commands)
        candidates = names + sorted(groups)
        close = difflib.get_close_matches(typed, candidates, n=1, cutoff=0.5) or \
            difflib.get_close_matches(first, candidates, n=1, cutoff=0.5)
        if close and close[0] in groups:  # `/lab votes`: a group is no command on its own
            subs = sorted(n for n in self.commands if n.startswith(close[0] + " "))
            listing = ", ".join(f"`/lab {s}`" for s in subs)
            return _("`/lab {first}` is not a command. The {value} commands: {listing}.").format(
                first=first, value=close[0], listing=listing)
        hint = _(" Did you mean `/lab {value}`?").format(value=close[0]) if close else ""
        return _("`/lab {first}` is not a command.{hint} Type `/lab help` for the list.").format(
            first=first, hint=hint)

    # --- running (bot/dispatch.py) --------------------------------------------------------

    async def dispatch(self, ctx: Context, event: Inbound) -> Reply:
        """Handle one inbound event; never raises."""
        return await self._dispatcher.dispatch(ctx, event)

    async def complete(
        self, ctx: Context, actor: Actor, place: Place, kind: str, typed: str
    ) -> list[tuple[str, str]]:
        """Autocomplete choices for an argument of `kind`; never raises (an empty list)."""
        return await self._dispatcher.complete(ctx, actor, place, kind, typed)

    async def check_form(self, ctx: Context, event: Submission) -> dict[str, str]:
        """A command form's mistakes, field by field, found with no writes; {} if none
        (or if it is no command form); never raises."""
        return await self._dispatcher.check_form(ctx, event)
