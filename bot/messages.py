"""Neutral I/O types: who acts where (Actor, Place), what comes in (Command, Action,
Submission, Reaction) and what goes out (Card and its blocks, Form, File, Reply).

Nothing here knows a platform. Cards check the stricter of Slack's and Discord's limits
when they are built, so an overflowing card fails in a unit test, never in production.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from bot.i18n import N_, is_rtl

Platform = Literal["console", "slack", "discord"]


class CardLimitError(ValueError):
    """A card, form or control exceeds a limit of Slack or Discord (a programming error)."""


class Limits:
    """The stricter of Slack's and Discord's limits, in one place."""

    ID = 100  # Discord custom_id; Slack allows 255
    BLOCKS = 50  # Slack blocks per message
    CONTROL_ROWS = 5  # Discord action rows
    BUTTONS_PER_ROW = 5  # Discord buttons per row
    SELECT_OPTIONS = 25  # Discord select options
    BUTTON_LABEL = 75  # Slack button text; Discord allows 80
    OPTION_LABEL = 75  # Slack option text; Discord allows 100
    OPTION_DESCRIPTION = 75  # Slack option description
    PLACEHOLDER = 100  # Discord placeholder; Slack allows 150
    HEADER = 150  # Slack header block
    TEXT = 3000  # Slack section text
    FIELDS_PER_BLOCK = 10  # Slack section fields
    FIELD_LABEL = 256  # Discord embed field name
    FIELD_VALUE = 1024  # Discord embed field value
    FIELDS_TOTAL = 25  # Discord embed fields
    CARD_TEXT = 6000  # Discord embed total
    CONTEXT = 2000  # Slack context text element
    ALT_TEXT = 1000  # Discord attachment description; Slack allows 2000
    PLAIN_TEXT = 2000  # Discord message content (a text-only reply)
    FORM_TITLE = 24  # Slack modal title; Discord allows 45
    FORM_INPUTS = 5  # Discord modal components
    INPUT_LABEL = 45  # Discord text input label
    INPUT_VALUE = 3000  # Slack plain_text_input max_length; Discord allows 4000
    FIELD_ERROR = 300  # a form field's error shown under it (Slack `response_action: errors`)


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise CardLimitError(what)


# --- who and where ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actor:
    """A person as one platform knows them."""

    platform: Platform
    workspace: str
    user_id: str
    display_name: str
    tz: str | None = None  # the zone the platform reports (Slack users.info), a hint only
    locale: str | None = None  # the language the platform reports (Slack, Discord), a hint


@dataclass(frozen=True, slots=True)
class Place:
    """A conversation on one platform: a channel, or a direct-message channel."""

    platform: Platform
    workspace: str
    channel: str
    direct: bool = False


class Audience(StrEnum):
    """Who, beyond the people invited, can read a channel: what a platform says of it."""

    RESTRICTED = "restricted"  # only those invited (a private channel, a direct message)
    PUBLIC = "public"  # anyone in the workspace or server can find and read it
    SHARED = "shared"  # private, but shared with another organisation (Slack Connect)
    UNKNOWN = "unknown"  # the platform would not say (a missing scope, an error, a timeout)


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone to reach by direct message, by their platform identity."""

    platform: Platform
    workspace: str
    user_id: str


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message already posted, so that it can be updated or linked to."""

    platform: Platform
    workspace: str
    channel: str
    message_id: str
    link: str | None = None


# --- what comes in -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    """A `/lab ...` command.

    Either `text` (everything after `/lab`, as typed) or, when the platform has typed options
    (Discord) or a form was submitted, `name` plus `options` keyed by argument field name.
    """

    actor: Actor
    place: Place
    text: str = ""
    name: str | None = None
    options: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """A button press or a select choice; `action_id` carries the state (see action_ids)."""

    actor: Actor
    place: Place
    action_id: str
    values: tuple[str, ...] = ()
    message: MessageRef | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    """A submitted form (Slack modal, Discord modal, console prompts)."""

    actor: Actor
    place: Place
    form_id: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reaction:
    """An emoji reaction added to a message in a channel."""

    actor: Actor
    place: Place
    emoji: str  # a neutral name: "memo" for 📝
    message: MessageRef
    author: Actor | None
    text: str


Inbound = Command | Action | Submission | Reaction


# --- times inside text -----------------------------------------------------------------------

TimeStyle = Literal["F", "f", "D", "d", "T", "t", "R"]
_TIME_TOKEN = re.compile(r"<time:(-?\d+):([FfDdTtR])>")


def at(moment: datetime, style: TimeStyle = "F") -> str:
    """Mark a UTC moment inside card text so each adapter shows it in the reader's zone.

    Slack renders it as `<!date^...>`, Discord as `<t:...:F>`, the console in the zone of the
    person reading, with the zone named.
    """
    if moment.tzinfo is None:
        raise ValueError("at() needs an aware datetime")
    return f"<time:{int(moment.timestamp())}:{style}>"


def render_times(text: str, render: Callable[[datetime, TimeStyle], str]) -> str:
    """Replace every `at()` token in `text` with `render(moment, style)`."""

    def sub(match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match.group(1)), tz=UTC)
        style: TimeStyle = match.group(2)  # type: ignore[assignment]
        return render(moment, style)

    return _TIME_TOKEN.sub(sub, text)


# --- cards -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Header:
    text: str

    def __post_init__(self) -> None:
        _check(0 < len(self.text) <= Limits.HEADER, f"header longer than {Limits.HEADER}")


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph of light markdown: *bold*, _italic_, `code`, and `at()` time tokens."""

    text: str

    def __post_init__(self) -> None:
        _check(0 < len(self.text) <= Limits.TEXT, f"text block longer than {Limits.TEXT}")


@dataclass(frozen=True, slots=True)
class Fields:
    items: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        _check(0 < len(self.items) <= Limits.FIELDS_PER_BLOCK, "1 to 10 fields a block")
        for label, value in self.items:
            _check(0 < len(label) <= Limits.FIELD_LABEL, f"field label too long: {label[:40]}")
            _check(0 < len(value) <= Limits.FIELD_VALUE, f"field value too long: {label[:40]}")


ButtonStyle = Literal["primary", "danger"]


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str
    style: ButtonStyle | None = None

    def __post_init__(self) -> None:
        _check(0 < len(self.label) <= Limits.BUTTON_LABEL, f"button label too long: {self.label}")
        _check(0 < len(self.action_id) <= Limits.ID, f"action id too long: {self.action_id}")


@dataclass(frozen=True, slots=True)
class Buttons:
    """One row of buttons."""

    buttons: tuple[Button, ...]

    def __post_init__(self) -> None:
        n = len(self.buttons)
        _check(0 < n <= Limits.BUTTONS_PER_ROW, f"{n} buttons in a row (at most 5)")
        ids = [b.action_id for b in self.buttons]
        _check(len(set(ids)) == len(ids), "two buttons in a row share an action id")


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    value: str
    description: str | None = None

    def __post_init__(self) -> None:
        _check(0 < len(self.label) <= Limits.OPTION_LABEL, f"option label too long: {self.label}")
        _check(0 < len(self.value) <= Limits.ID, "option value too long")
        if self.description is not None:
            _check(len(self.description) <= Limits.OPTION_DESCRIPTION, "option description")


@dataclass(frozen=True, slots=True)
class Select:
    """A menu, one control row of its own; `max_values` > 1 makes it a multi-select.

    A choice arrives as an Action whose `values` are the chosen options' values.
    """

    action_id: str
    placeholder: str
    options: tuple[Option, ...]
    initial: str | None = None
    max_values: int = 1

    def __post_init__(self) -> None:
        n = len(self.options)
        _check(0 < n <= Limits.SELECT_OPTIONS, f"{n} options in a select (at most 25)")
        _check(1 <= self.max_values <= n, "max_values must be between 1 and the options")
        _check(0 < len(self.action_id) <= Limits.ID, f"action id too long: {self.action_id}")
        _check(len(self.placeholder) <= Limits.PLACEHOLDER, "placeholder too long")
        values = [o.value for o in self.options]
        _check(len(set(values)) == len(values), "two options share a value")
        _check(self.initial is None or self.initial in values, "initial is not an option")


@dataclass(frozen=True, slots=True)
class Context:
    """Small print under a card."""

    text: str

    def __post_init__(self) -> None:
        _check(0 < len(self.text) <= Limits.CONTEXT, f"context longer than {Limits.CONTEXT}")


@dataclass(frozen=True, slots=True)
class File:
    """A file to upload: a picture, an export, an invite."""

    name: str
    data: bytes
    mime: str
    alt: str | None = None

    def __post_init__(self) -> None:
        if self.alt is not None:
            _check(len(self.alt) <= Limits.ALT_TEXT, "alt text too long")


@dataclass(frozen=True, slots=True)
class Image:
    """A picture shown in the card, with its alt text."""

    file: File

    def __post_init__(self) -> None:
        _check(bool(self.file.alt), "an image needs alt text")
        _check(self.file.mime.startswith("image/"), "an image needs an image type")


@dataclass(frozen=True, slots=True)
class Divider:
    pass


Block = Header | Text | Fields | Buttons | Select | Context | Image | Divider
CONTROL_BLOCKS = (Buttons, Select)


def _block_text(block: Block) -> int:
    match block:
        case Header(text=t) | Text(text=t) | Context(text=t):
            return len(t)
        case Fields(items=items):
            return sum(len(a) + len(b) for a, b in items)
        case _:
            return 0


@dataclass(frozen=True, slots=True)
class Card:
    """A message: blocks of text and controls, neutral across platforms."""

    blocks: tuple[Block, ...]
    fallback: str = ""  # a one-line summary for notifications and plain-text clients
    # Written in a right-to-left language (the locale it was built in): adapters whose
    # clients honour Unicode bidi isolate each sentence as right-to-left.
    rtl: bool = field(default_factory=is_rtl, compare=False)

    def __post_init__(self) -> None:
        _check(0 < len(self.blocks) <= Limits.BLOCKS, f"{len(self.blocks)} blocks (at most 50)")
        rows = sum(isinstance(b, CONTROL_BLOCKS) for b in self.blocks)
        _check(rows <= Limits.CONTROL_ROWS, f"{rows} control rows (at most 5)")
        fields = sum(len(b.items) for b in self.blocks if isinstance(b, Fields))
        _check(fields <= Limits.FIELDS_TOTAL, f"{fields} fields (at most 25)")
        chars = sum(_block_text(b) for b in self.blocks)
        _check(chars <= Limits.CARD_TEXT, f"{chars} characters of text (at most 6000)")
        ids = [b.action_id for row in self.controls() for b in _row_ids(row)]
        _check(len(set(ids)) == len(ids), "two controls on one card share an action id")
        _check(len(self.fallback) <= Limits.PLAIN_TEXT, "fallback longer than 2000")

    def controls(self) -> tuple[Buttons | Select, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Buttons | Select))

    @property
    def title(self) -> str | None:
        first = self.blocks[0]
        return first.text if isinstance(first, Header) else None


def _row_ids(row: Buttons | Select) -> tuple[Button | Select, ...]:
    return row.buttons if isinstance(row, Buttons) else (row,)


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


# --- forms -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Input:
    """One field of a form; `name` is the argument name the form's command expects."""

    name: str
    label: str
    placeholder: str = ""
    default: str = ""
    required: bool = True
    multiline: bool = False
    max_length: int = 200

    def __post_init__(self) -> None:
        _check(0 < len(self.label) <= Limits.INPUT_LABEL, f"input label too long: {self.label}")
        _check(len(self.placeholder) <= Limits.PLACEHOLDER, "placeholder too long")
        _check(0 < self.max_length <= Limits.INPUT_VALUE, "input max_length out of range")
        _check(len(self.default) <= self.max_length, "default longer than max_length")


@dataclass(frozen=True, slots=True)
class Form:
    """A guided form: a Slack modal, a Discord modal, console prompts."""

    form_id: str
    title: str
    inputs: tuple[Input, ...]
    submit_label: str = N_("Submit")

    def __post_init__(self) -> None:
        _check(0 < len(self.title) <= Limits.FORM_TITLE, f"form title too long: {self.title}")
        _check(0 < len(self.inputs) <= Limits.FORM_INPUTS, "1 to 5 inputs a form")
        _check(0 < len(self.form_id) <= Limits.ID, "form id too long")
        names = [i.name for i in self.inputs]
        _check(len(set(names)) == len(names), "two inputs share a name")


# --- what goes out -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer to one inbound event, shown where it came from.

    `private` replies are seen only by the actor (Slack ephemeral, Discord ephemeral, console
    "only you"). `replace` updates the message whose control was used instead of adding one.
    A reply with a `form` opens that form; `files` are uploaded with it. `followups` are
    further private replies the core adds (asking for a time zone, say), each shown as a
    message of its own after this one, whether or not this one is empty.
    """

    card: Card | None = None
    text: str | None = None
    private: bool = True
    files: tuple[File, ...] = ()
    form: Form | None = None
    replace: bool = False
    followups: tuple[Reply, ...] = ()
    rtl: bool = field(default_factory=is_rtl, compare=False)  # `text` reads right to left

    def __post_init__(self) -> None:
        if self.text is not None:
            _check(len(self.text) <= Limits.PLAIN_TEXT, "reply text longer than 2000")
        for followup in self.followups:
            _check(followup.private and followup.form is None and not followup.replace,
                   "a followup is a private message of its own")

    @classmethod
    def say(cls, text: str, *, private: bool = True) -> Reply:
        return cls(text=shorten(text, Limits.PLAIN_TEXT), private=private)

    @property
    def empty(self) -> bool:
        """Nothing to show in answer (its `followups` aside)."""
        return self.card is None and self.text is None and not self.files and self.form is None

    def then(self, followup: Reply) -> Reply:
        """This reply, with `followup` shown privately after it."""
        return dataclasses.replace(self, followups=(*self.followups, followup))


NOTHING = Reply()
