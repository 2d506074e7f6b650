"""What a handler is: the `Call` it gets, how it is reached (`CommandSpec`, `ActionSpec`), and
the access it may require (`Access`, `Scope`, `require_role`).

The registry (bot/router.py) and the dispatcher (bot/dispatch.py) both build on this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from bot.action_ids import ActionId
from bot.arguments import Args
from bot.context import Context
from bot.domain.lab import Role, has_role
from bot.errors import NoLabHere, NotAMember, PermissionDenied, StaleControl
from bot.events import Event, publish
from bot.i18n import _, use_locale
from bot.messages import Actor, Block, Card, File, Form, MessageRef, Place, Reaction, Reply
from storage.models import Lab, Membership, Person
from storage.uow import UnitOfWork

A = TypeVar("A", bound=Args)
Access = Literal["anyone", "lab", "member", "secretary", "facilitator", "reviewer"]
# "reviewer": a facilitator of the lab, or one of its reviewers (bot/features/applications/),
# who are not members and may do nothing else in it.
# What the ref of a control's id names, and so which lab it belongs to: a lab ("lab"), a
# poll, a vote, a set of minutes, an action item, a reminder; or "none" for a control that
# belongs to no lab (a time-zone picker). Every `@router.action` says which.
# "call" and "application" (a call for applications and one application to it) are the
# lab's too, but may also be used in the direct messages of people who are not members
# (applicants, reviewers): the handler checks whose they are.
Scope = Literal["lab", "poll", "vote", "minutes", "item", "reminder", "none", "call",
                "application"]
SCOPES: tuple[Scope, ...] = ("lab", "poll", "vote", "minutes", "item", "reminder", "none",
                             "call", "application")
OPEN_SCOPES: frozenset[Scope] = frozenset({"call", "application"})
# Refs are row ids: positive and within the database's integer column (PostgreSQL's
# `integer`), so that a forged id is refused before it reaches a query.
MAX_REF = 2**31 - 1
_DIGITS = frozenset("0123456789")


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
        await require_role(self, needs, what=_("do that"))
        return self.the_member

    async def emit(self, event: Event) -> None:
        """Publish a domain event to its subscribers, in this unit of work."""
        await publish(self.ctx, self.uow, self.now, event)

    async def audit(self, action: str, **detail: Any) -> None:
        await self.uow.audit.record(
            lab_id=self.lab.id if self.lab else None, actor_id=self.person.id, action=action,
            at=self.now, **detail,
        )

    def in_lab_language(self) -> AbstractContextManager[str]:
        """Build what is inside in the lab's language (a channel post), not the reader's:
        `with call.in_lab_language(): card = ...`."""
        return use_locale(self.lab.language if self.lab is not None else None)

    def channel_card(self, card: CardOrBuilder) -> Card:
        """`card` itself, or what a builder makes in the lab's language."""
        if isinstance(card, Card):
            return card
        with self.in_lab_language():
            return card()

    def announce(self, card: CardOrBuilder, files: tuple[File, ...] = (), *,
                 here: bool = True) -> None:
        """Post `card` in the lab's channels (`here=False`: all but this one) after commit.
        Given a builder (`lambda: Card(...)`), the card is made in the lab's language."""
        self.ctx.announce(self.uow, self.the_lab.id, self.channel_card(card), files,
                          skip=None if here else self.place)

    def publish(self, card: CardOrBuilder) -> Reply:
        """Show `card` to everyone here, and mirror it to the lab's other channels. Given a
        builder, everyone reads it in the lab's language, whoever typed the command."""
        built = self.channel_card(card)
        self.announce(built, here=False)
        return Reply(card=built, private=False)


# A channel post, or what builds it (in the lab's language: `Call.channel_card`).
CardOrBuilder = Card | Callable[[], Card]


Handler = Callable[[Call[Any]], Awaitable[Reply]]
FormBuilder = Callable[[Call[Any]], Awaitable[Form]]
# A command's own checks of its arguments, with no writes (a form's values checked before a
# Slack modal is answered, within its 3 seconds): raises the UserError the command would,
# with `field` set to the argument at fault where there is one.
FormCheck = Callable[[Call[Any]], Awaitable[None]]


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
    # Whether it still works in an archived lab (`/lab help`, `/lab members`, `/lab record`,
    # and each person's own data); every other command is refused there (bot/dispatch.py).
    open_when_archived: bool = False
    check: FormCheck | None = None


@dataclass(frozen=True)
class ActionSpec:
    route: str
    handler: Handler
    access: Access
    scope: Scope
    open_when_archived: bool = False  # as CommandSpec's: still works in an archived lab


ReactionHandler = Handler
# Autocomplete: (call, what was typed so far) -> up to 25 (label, value) pairs.
Completer = Callable[[Call[Any], str], Awaitable[list[tuple[str, str]]]]
# A section of someone's home card ("my polls to answer", "my action items", ...).
HomeSection = Callable[[Call[Any]], Awaitable[list[Block]]]


def parse_ref(text: str) -> int:
    """A row id carried in a control's id: 1 to MAX_REF in plain digits, else StaleControl
    (`abc`, `1.5`, `-3`, `٣`, a 25-digit number are all ids the bot never wrote)."""
    if not text or len(text) > 10 or not set(text) <= _DIGITS:
        raise StaleControl()
    value = int(text)
    if not 1 <= value <= MAX_REF:
        raise StaleControl()
    return value


def own_direct_message(actor: Actor, place: Place) -> bool:
    """Whether `place` is a direct message on the actor's own platform and workspace."""
    return place.direct and place.platform == actor.platform and \
        place.workspace == actor.workspace


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
    plural = "facilitators" if needed is Role.FACILITATOR else _("the secretary and facilitators")
    raise PermissionDenied(
        _("Only {plural} can {what}. Ask a facilitator{who} if it needs doing.").format(
            plural=plural, what=what, who=who)
    )
