"""Routing: `@command` and `@action` registration, argument validation, access, errors.

Each feature module owns a `Router`; the composition root merges them with `include`. One
`dispatch` turns any inbound event into a `Reply`, inside one unit of work: a handler that
raises leaves nothing recorded, a `UserError` becomes a private message, and anything else
is logged with a short reference that is all the person sees.

Access is decided here, once, by place as well as by person. A lab acts only through the
channels bound to it, or through a direct message of one of its active members (on the
platform and workspace that member's identity belongs to). A command finds its lab from the
channel it was typed in; a control (button, menu, form, see `Scope`) carries an id that
names a lab, poll, vote, ... and the router resolves that to its lab and refuses, with the
words of a stale control and nothing written, a control pressed anywhere that lab does not
act through.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from bot import action_ids
from bot.action_ids import ActionId, StaleActionId
from bot.arguments import (
    Args,
    NoArgs,
    build,
    command_line,
    fields_of,
    normalize_options,
    parse_text,
    usage,
)
from bot.context import Context
from bot.domain.lab import Role, has_role
from bot.errors import (
    BadArguments,
    NoLabHere,
    NotAMember,
    PermissionDenied,
    StaleControl,
    UnknownCommand,
    UserError,
    new_reference,
    something_went_wrong,
)
from bot.events import Event, Happening, publish
from bot.identity import ensure_person
from bot.messages import (
    NOTHING,
    Action,
    Actor,
    Block,
    Card,
    Command,
    File,
    Form,
    Inbound,
    Limits,
    MessageRef,
    Place,
    Reaction,
    Reply,
    Submission,
    shorten,
)
from bot.subjects import (
    Attachments,
    CloseSubject,
    Describe,
    PendingPeople,
    SubjectKind,
    Subjects,
    UpcomingFor,
)
from bot.zone_prompt import ask_zone_once
from storage.models import ActionItem, Lab, Membership, Minutes, Person, Poll, Reminder, Vote
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

A = TypeVar("A", bound=Args)
Access = Literal["anyone", "lab", "member", "secretary", "facilitator"]
# What the ref of a control's id names, and so which lab it belongs to: a lab ("lab"), a
# poll, a vote, a set of minutes, an action item, a reminder; or "none" for a control that
# belongs to no lab (a time-zone picker). Every `@router.action` says which.
Scope = Literal["lab", "poll", "vote", "minutes", "item", "reminder", "none"]
SCOPES: tuple[Scope, ...] = ("lab", "poll", "vote", "minutes", "item", "reminder", "none")
# Refs are row ids: positive and within the database's integer column (PostgreSQL's
# `integer`), so that a forged id is refused before it reaches a query.
MAX_REF = 2**31 - 1
_DIGITS = frozenset("0123456789")
_NEEDS: dict[Access, Role] = {
    "member": Role.MEMBER, "secretary": Role.SECRETARY, "facilitator": Role.FACILITATOR,
}
ATTACHED = "What you entered is attached, as one line to correct and send."
FORM_ROUTE = "form"  # a form whose submission runs a command: al1:form:<poll.new>


@dataclass
class Call(Generic[A]):
    """Everything a handler needs about one inbound event, and the unit of work it runs in."""

    ctx: Context
    uow: UnitOfWork
    actor: Actor
    place: Place
    person: Person
    now: datetime
    args: A
    lab: Lab | None = None
    member: Membership | None = None
    action: ActionId | None = None
    values: tuple[str, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)
    message: MessageRef | None = None
    reaction: Reaction | None = None

    @property
    def the_lab(self) -> Lab:
        if self.lab is None:
            raise NoLabHere()
        return self.lab

    @property
    def the_member(self) -> Membership:
        if self.lab is None:
            raise NoLabHere()
        if self.member is None:
            raise NotAMember()
        return self.member

    @property
    def ref(self) -> int:
        """The row id the control names; the router has checked it and its place."""
        if self.action is None:
            raise StaleControl()
        return parse_ref(self.action.ref)

    @property
    def page(self) -> int:
        """The page a pager control asks for (its arg, up to a ':'), 1 by default."""
        arg = (self.action.arg if self.action is not None else None) or "1"
        return parse_ref(arg.partition(":")[0])

    @property
    def zone(self) -> str:
        """The zone to show times in for this person: theirs, else the lab's, else UTC."""
        if self.person.timezone:
            return self.person.timezone
        return self.lab.timezone if self.lab is not None else "UTC"

    async def enter(self, needs: Role = Role.MEMBER) -> Membership:
        """Require `needs` of the caller in the lab the control belongs to (the router has
        already found that lab and checked the place) and return their membership."""
        await require_role(self, needs, what="do that")
        return self.the_member

    async def emit(self, event: Event) -> None:
        """Publish a domain event to its subscribers, in this unit of work."""
        await publish(self.ctx, self.uow, self.now, event)

    async def audit(self, action: str, **detail: Any) -> None:
        await self.uow.audit.record(
            lab_id=self.lab.id if self.lab else None, actor_id=self.person.id, action=action,
            at=self.now, **detail,
        )

    def announce(self, card: Card, files: tuple[File, ...] = (), *, here: bool = True) -> None:
        """Post `card` in the lab's channels (`here=False`: all but this one) after commit."""
        self.ctx.announce(self.uow, self.the_lab.id, card, files,
                          skip=None if here else self.place)

    def publish(self, card: Card) -> Reply:
        """Show `card` to everyone here, and mirror it to the lab's other channels."""
        self.announce(card, here=False)
        return Reply(card=card, private=False)


Handler = Callable[[Call[Any]], Awaitable[Reply]]
FormBuilder = Callable[[Call[Any]], Awaitable[Form]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: Handler
    args: type[Args]
    summary: str
    access: Access
    usage: str
    topic: str
    form: FormBuilder | None = None
    examples: tuple[str, ...] = ()
    in_direct: bool = True  # whether it makes sense in a direct message (when access allows)


@dataclass(frozen=True)
class ActionSpec:
    route: str
    handler: Handler
    access: Access
    scope: Scope


ReactionHandler = Handler
E = TypeVar("E", bound=Event)
Subscriber = Callable[[Any, Happening], Awaitable[None]]
# Autocomplete: (call, what was typed so far) -> up to 25 (label, value) pairs.
Completer = Callable[[Call[Any], str], Awaitable[list[tuple[str, str]]]]
# A section of someone's home card ("my polls to answer", "my action items", ...).
HomeSection = Callable[[Call[Any]], Awaitable[list[Block]]]


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, ActionSpec] = {}
        self.reactions: dict[str, ReactionHandler] = {}
        self.subscribers: dict[type[Event], list[Subscriber]] = {}
        self.completers: dict[str, Completer] = {}
        self.home_sections: list[tuple[int, HomeSection]] = []
        self.subjects = Subjects()  # what reminders can be about (bot/subjects.py)
        # Other words that name a command where people type (`/lab remind` for
        # `/lab reminders add`); adapters that build a command tree (Discord, with its 25
        # entries under /lab) show only the command itself.
        self.aliases: dict[str, str] = {}

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
                topic or key.split()[0], form, examples, in_direct,
            )
            return fn

        return register

    def action(
        self, route: str, *, scope: Scope, access: Access | None = None,
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
            self.actions[route] = ActionSpec(route, fn, needs, scope)
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
            self.subscribers.setdefault(event_type, []).append(fn)
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
        upcoming: UpcomingFor | None = None,
    ) -> Callable[[Describe], Describe]:
        """Register the function below as how reminders describe a `name` ("poll"), with
        the other things reminders may need of it (see `SubjectKind`)."""

        def register(describe: Describe) -> Describe:
            self.subjects.register(SubjectKind(name, describe, pending, close, attachments,
                                               upcoming))
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
        for event_type, subs in other.subscribers.items():
            self.subscribers.setdefault(event_type, []).extend(subs)
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
        raise UnknownCommand(self._unknown(words))

    def _unknown(self, words: list[str]) -> str:
        typed = " ".join(words[:2]).lower()
        first = words[0].lower()
        groups = {n.split()[0] for n in self.commands if " " in n}
        if first in groups:
            subs = sorted(n for n in self.commands if n.startswith(first + " "))
            close = difflib.get_close_matches(typed, subs, n=1, cutoff=0.5)
            hint = f" Did you mean `/lab {close[0]}`?" if close else ""
            listing = ", ".join(f"`/lab {s}`" for s in subs)
            return f"`/lab {typed}` is not a command.{hint} The {first} commands: {listing}."
        names = sorted(self.commands)
        candidates = names + sorted(groups)
        close = difflib.get_close_matches(typed, candidates, n=1, cutoff=0.5) or \
            difflib.get_close_matches(first, candidates, n=1, cutoff=0.5)
        if close and close[0] in groups:  # `/lab votes`: a group is no command on its own
            subs = sorted(n for n in self.commands if n.startswith(close[0] + " "))
            listing = ", ".join(f"`/lab {s}`" for s in subs)
            return f"`/lab {first}` is not a command. The {close[0]} commands: {listing}."
        hint = f" Did you mean `/lab {close[0]}`?" if close else ""
        return f"`/lab {first}` is not a command.{hint} Type `/lab help` for the list."

    # --- dispatch ------------------------------------------------------------------------

    async def dispatch(self, ctx: Context, event: Inbound) -> Reply:
        """Handle one inbound event; never raises."""
        return await ask_zone_once(ctx, event, await self._answer(ctx, event))

    async def _answer(self, ctx: Context, event: Inbound) -> Reply:
        try:
            match event:
                case Command():
                    return await self._command(ctx, event)
                case Action():
                    return await self._action(ctx, event)
                case Submission():
                    return await self._submission(ctx, event)
                case Reaction():
                    return await self._reaction(ctx, event)
        except UserError as exc:
            return Reply.say(exc.message)
        except Exception:
            ref = new_reference()
            log.exception("unhandled error ref=%s event=%s", ref, type(event).__name__)
            return Reply.say(something_went_wrong(ref))
        return NOTHING

    async def complete(
        self, ctx: Context, actor: Actor, place: Place, kind: str, typed: str
    ) -> list[tuple[str, str]]:
        """Autocomplete choices for an argument of `kind`; never raises (an empty list)."""
        completer = self.completers.get(kind)
        if completer is None:
            return []

        async def run(call: Call[Any]) -> Reply:
            found.extend((await completer(call, typed))[:25])
            return NOTHING

        found: list[tuple[str, str]] = []
        try:
            await self._run(ctx, actor, place, "anyone", f"complete:{kind}", run, NoArgs(),
                            completing=True)
        except Exception:
            log.exception("completer %s failed", kind)
            return []
        return found

    async def _command(self, ctx: Context, cmd: Command) -> Reply:
        if cmd.name is not None:
            spec = self.commands.get(cmd.name.lower())
            if spec is None:
                raise UnknownCommand(self._unknown(cmd.name.split()))
            raw = normalize_options(spec.args, dict(cmd.options or {}))
            return await self._run_command(ctx, cmd.actor, cmd.place, spec, raw)
        spec, rest = self.resolve(cmd.text)
        if not rest and spec.form is not None and _has_required(spec.args):
            build_form = spec.form

            async def open_form(call: Call[Any]) -> Reply:
                return Reply(form=await build_form(call))

            return await self._run(
                ctx, cmd.actor, cmd.place, spec.access, spec.name, open_form, NoArgs()
            )
        try:
            raw = parse_text(spec.args, rest) if rest else {}
        except BadArguments as exc:
            if "Usage:" in exc.message:
                raise
            raise BadArguments(f"{exc.message}\nUsage: `{spec.usage}`") from None
        return await self._run_command(ctx, cmd.actor, cmd.place, spec, raw)

    async def _run_command(
        self, ctx: Context, actor: Actor, place: Place, spec: CommandSpec,
        raw: dict[str, Any],
    ) -> Reply:
        args = build(spec.args, raw, spec.usage)
        return await self._run(ctx, actor, place, spec.access, spec.name, spec.handler, args)

    def _control(self, raw: str) -> tuple[ActionSpec, ActionId]:
        """The registered control an id names, with its ref checked; else StaleControl."""
        try:
            aid = action_ids.decode(raw)
        except StaleActionId:
            raise StaleControl() from None
        spec = self.actions.get(aid.route)
        if spec is None:
            raise StaleControl()
        if spec.scope != "none":
            parse_ref(aid.ref)
        return spec, aid

    async def _action(self, ctx: Context, event: Action) -> Reply:
        spec, aid = self._control(event.action_id)
        return await self._run(
            ctx, event.actor, event.place, spec.access, spec.route, spec.handler, NoArgs(),
            scope=spec.scope, action=aid, values=event.values, message=event.message,
        )

    async def _submission(self, ctx: Context, event: Submission) -> Reply:
        try:
            aid = action_ids.decode(event.form_id)
        except StaleActionId:
            raise StaleControl() from None
        if aid.route == FORM_ROUTE:
            name = aid.ref.replace(".", " ")
            if name not in self.commands:
                raise StaleControl()
            try:
                return await self._command(
                    ctx, Command(event.actor, event.place, name=name, options=dict(event.values))
                )
            except StaleControl:
                raise
            except UserError as exc:
                return self._refused_form(name, event.values, exc.message)
        spec, aid = self._control(event.form_id)
        return await self._run(
            ctx, event.actor, event.place, spec.access, spec.route, spec.handler, NoArgs(),
            scope=spec.scope, action=aid, fields=event.values,
        )

    def _refused_form(self, name: str, values: Mapping[str, str], problem: str) -> Reply:
        """Why a form was refused, and everything typed into it as the one line that does the
        same, to correct and send: Slack and Discord close a form when it is sent, so
        otherwise the typing would be lost. A line too long for a message comes as a file."""
        spec = self.commands[name]
        line = command_line(name, spec.args, normalize_options(spec.args, dict(values)))
        text = f"{problem}\nWhat you entered, as one line to correct and send: `{line}`"
        if len(text) <= Limits.PLAIN_TEXT:
            return Reply.say(text)
        return Reply(
            text=shorten(problem, Limits.PLAIN_TEXT - len(ATTACHED) - 1) + "\n" + ATTACHED,
            files=(File(f"{name.replace(' ', '-')}.txt", line.encode(), "text/plain"),),
        )

    async def _reaction(self, ctx: Context, event: Reaction) -> Reply:
        handler = self.reactions.get(event.emoji)
        if handler is None:
            return NOTHING  # most reactions are just people reacting
        return await self._run(
            ctx, event.actor, event.place, "member", f"reaction:{event.emoji}", handler,
            NoArgs(), message=event.message, reaction=event,
        )

    async def _run(
        self, ctx: Context, actor: Actor, place: Place, access: Access, name: str,
        handler: Handler, args: Args, *, scope: Scope | None = None, completing: bool = False,
        **extra: Any,
    ) -> Reply:
        """Run `handler` in one unit of work, after the one access check every route passes:
        the lab is the channel's (a command, a reaction, autocomplete) or the one the
        control's id names (`scope`), and the place must be one that lab acts through.
        Anything refused here rolls back, the person row made on first contact included."""
        now = ctx.clock.now()
        async with ctx.uow() as uow:
            person = await ensure_person(ctx, uow, actor, now)
            if scope is not None and scope != "none":
                aid = extra.get("action")
                assert isinstance(aid, ActionId)
                lab, member = await _lab_of_control(uow, actor, place, person, scope, aid)
            else:
                lab = None
                if not place.direct:
                    lab = await uow.labs.by_channel(place.platform, place.workspace,
                                                    place.channel)
                member = await _active_member(uow, lab, person)
                if completing and member is None:
                    lab = None  # suggestions from a lab are for its members only
            call: Call[Any] = Call(
                ctx=ctx, uow=uow, actor=actor, place=place, person=person, now=now, args=args,
                lab=lab, member=member, **extra,
            )
            if access != "anyone":
                if lab is None and place.direct:
                    raise UserError(self._direct_message_hint(name))
                if lab is None:
                    raise NoLabHere()
                if access != "lab":
                    what = "do that" if scope is not None else f"use `/lab {name}`"
                    await require_role(call, _NEEDS[access], what=what)
            reply = await handler(call)
            await uow.commit()
            return reply


    def _direct_message_hint(self, name: str) -> str:
        here = sorted(n for n, spec in self.commands.items()
                      if spec.access == "anyone" and spec.in_direct)
        listing = ", ".join(f"`/lab {n}`" for n in here)
        return (f"`/lab {name}` works in the lab's channel, where the lab's members are. In a "
                f"direct message you can use {listing}.")


def parse_ref(text: str) -> int:
    """A row id carried in a control's id: 1 to MAX_REF in plain digits, else StaleControl
    (`abc`, `1.5`, `-3`, `٣`, a 25-digit number are all ids the bot never wrote)."""
    if not text or len(text) > 10 or not set(text) <= _DIGITS:
        raise StaleControl()
    value = int(text)
    if not 1 <= value <= MAX_REF:
        raise StaleControl()
    return value


async def _active_member(uow: UnitOfWork, lab: Lab | None, person: Person) -> Membership | None:
    if lab is None:
        return None
    member = await uow.members.get(lab.id, person.id)
    return member if member is not None and member.active else None


async def _lab_id_of(uow: UnitOfWork, scope: Scope, ref: int) -> int | None:
    """The lab that the row a control names belongs to, or None if there is no such row."""
    if scope == "lab":
        lab = await uow.labs.get(ref)
        return lab.id if lab is not None else None
    owner: Poll | Vote | Minutes | ActionItem | Reminder | None
    if scope == "poll":
        owner = await uow.polls.get(ref)
    elif scope == "vote":
        owner = await uow.votes.get(ref)
    elif scope == "minutes":
        owner = await uow.minutes.get(ref)
    elif scope == "item":
        owner = await uow.action_items.get(ref)
    elif scope == "reminder":
        owner = await uow.reminders.get(ref)
    else:  # pragma: no cover - registration refuses any other scope
        raise AssertionError(scope)
    return owner.lab_id if owner is not None else None


def own_direct_message(actor: Actor, place: Place) -> bool:
    """Whether `place` is a direct message on the actor's own platform and workspace."""
    return place.direct and place.platform == actor.platform and \
        place.workspace == actor.workspace


async def _lab_of_control(
    uow: UnitOfWork, actor: Actor, place: Place, person: Person, scope: Scope, aid: ActionId,
) -> tuple[Lab, Membership | None]:
    """The lab a control acts in, and the caller's active membership of it, if the place it
    was pressed in is one that lab acts through: one of its bound channels, or a direct
    message of an active member. Anything else is refused exactly like an unknown id."""
    lab_id = await _lab_id_of(uow, scope, parse_ref(aid.ref))
    lab = await uow.labs.get(lab_id) if lab_id is not None else None
    if lab is None:
        raise StaleControl()
    member = await _active_member(uow, lab, person)
    if place.direct:
        if member is None or not own_direct_message(actor, place):
            raise StaleControl()
    else:
        here = await uow.labs.by_channel(place.platform, place.workspace, place.channel)
        if here is None or here.id != lab.id:
            raise StaleControl()
    return lab, member


async def require_role(call: Call[Any], needed: Role, *, what: str) -> None:
    """Raise the right UserError unless the caller is an active member with `needed`."""
    lab = call.the_lab
    if call.member is None:
        raise NotAMember()
    if has_role(call.member.role, needed):
        return
    members = await call.uow.members.active(lab.id)
    names = [m.person.display_name for m in members if m.role is Role.FACILITATOR]
    who = f" ({', '.join(names)})" if names else ""
    plural = "facilitators" if needed is Role.FACILITATOR else "the secretary and facilitators"
    raise PermissionDenied(
        f"Only {plural} can {what}. Ask a facilitator{who} if it needs doing."
    )


def _has_required(model: type[Args]) -> bool:
    return any(f.required for f in fields_of(model))
