"""Discord interactions and reactions as the core's neutral Command, Action, Submission and
Reaction (pure: reads the objects discord.py built from the payload, does no I/O).

Identities: Discord user ids are global, so every Discord account is one person whatever
guild or direct message it writes from (`Actor.workspace` is always `USERS`); places keep
their guild id (or, for a direct message, `USERS`, the user's own space), which is what
links need. Messages keep `@me` for a direct message, as Discord names them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, cast

import discord
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.i18n import N_, _
from bot.messages import Action, Actor, Command, MessageRef, Place, Reaction, Submission

USERS = "discord"
DIRECT = "@me"

# Option types of a subcommand and a subcommand group in an interaction payload.
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2


@dataclass
class CommandMap:
    """How the Discord tree names the core's commands and their arguments.

    `paths`: the subcommand path under /lab ("poll", "new") -> the core's command name;
    `options`: the core's command name -> Discord option name -> argument field name.
    """

    paths: dict[tuple[str, ...], str] = field(default_factory=dict)
    options: dict[str, dict[str, str]] = field(default_factory=dict)

    def path_of(self, name: str) -> tuple[str, ...]:
        return next(p for p, n in self.paths.items() if n == name)


def raw(interaction: discord.Interaction[Any]) -> Mapping[str, Any]:
    """The interaction's `data` object as Discord sent it."""
    return cast(Mapping[str, Any], interaction.data or {})


def actor_of(user: discord.User | discord.Member,
             interaction: discord.Interaction[Any] | None = None) -> Actor:
    """The person, with their Discord client's language when an interaction says it."""
    locale = interaction.locale.value if interaction is not None else None
    return Actor("discord", USERS, str(user.id), user.display_name, locale=locale)


def place_of(guild_id: int | None, channel_id: int | None) -> Place:
    if guild_id is None:
        # A direct message belongs to no guild but to the user, whose identity is
        # platform-wide (`USERS`): the core lets a lab act in a direct message only on the
        # platform and workspace of the identity writing there.
        return Place("discord", USERS, str(channel_id or 0), direct=True)
    return Place("discord", str(guild_id), str(channel_id or 0))


def interaction_place(interaction: discord.Interaction[Any]) -> Place:
    return place_of(interaction.guild_id, interaction.channel_id)


def message_ref(message: discord.Message | discord.PartialMessage,
                guild_id: int | None) -> MessageRef:
    workspace = str(guild_id) if guild_id is not None else DIRECT
    return MessageRef("discord", workspace, str(message.channel.id), str(message.id),
                      link=message.jump_url)


# --- slash commands ---------------------------------------------------------------------------


def command_path(data: Mapping[str, Any]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The subcommand path under /lab and the options given to the leaf command."""
    path: list[str] = []
    options: list[dict[str, Any]] = list(data.get("options") or [])
    while options and options[0].get("type") in (SUBCOMMAND, SUBCOMMAND_GROUP):
        path.append(str(options[0]["name"]))
        options = list(options[0].get("options") or [])
    return tuple(path), options


def command_from(interaction: discord.Interaction[Any], commands: CommandMap) -> Command:
    """`/lab poll new title:...` as Command(name="poll new", options={"title": ...}).

    With no options at all it is Command(text="poll new"): the core then opens the
    command's form, if it has one, exactly as for a bare `/lab poll new` typed elsewhere.
    """
    actor, place = actor_of(interaction.user, interaction), interaction_place(interaction)
    path, given = command_path(raw(interaction))
    name = commands.paths.get(path, " ".join(path))
    renames = commands.options.get(name, {})
    options = {renames.get(str(o["name"]), str(o["name"])): o.get("value") for o in given}
    if not options:
        return Command(actor, place, text=name)
    return Command(actor, place, name=name, options=options)


def focused_option(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The option being typed in an autocomplete interaction, and what is typed so far."""
    _x, options = command_path(data)
    for option in options:
        if option.get("focused"):
            return str(option["name"]), str(option.get("value") or "")
    return None


# --- components and modals --------------------------------------------------------------------


def action_from(interaction: discord.Interaction[Any]) -> Action:
    """A button press or select choice; its custom id is our action id, with the state."""
    data = raw(interaction)
    values = tuple(str(v) for v in data.get("values") or ())
    message = interaction.message
    ref = message_ref(message, interaction.guild_id) if message is not None else None
    return Action(actor_of(interaction.user, interaction), interaction_place(interaction),
                  str(data.get("custom_id", "")), values, ref)


def _inputs(components: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for c in components:
        if "components" in c:  # an action row
            values.update(_inputs(c["components"]))
        elif "component" in c:  # a label around one input
            values.update(_inputs([c["component"]]))
        elif "custom_id" in c:
            value = c.get("value")
            if value is None and c.get("values") is not None:
                value = "\n".join(str(v) for v in c["values"])
            values[str(c["custom_id"])] = str(value or "")
    return values


def submission_from(interaction: discord.Interaction[Any]) -> Submission:
    """A submitted modal: its custom id is the form id, each input's custom id a field."""
    data = raw(interaction)
    return Submission(actor_of(interaction.user, interaction), interaction_place(interaction),
                      str(data.get("custom_id", "")), _inputs(data.get("components") or []))


# --- reactions --------------------------------------------------------------------------------

# Unicode emoji by the neutral (Slack-style) names the core registers reactions under.
EMOJI_NAMES = {
    "📝": "memo", "✅": "white_check_mark", "☑": "ballot_box_with_check", "❌": "x",
    "👍": "+1", "👎": "-1", "📌": "pushpin", "⭐": "star", "❗": "exclamation",
    "❓": "question", "🗳": "ballot_box", "📅": "date", "📆": "calendar", "⏰": "alarm_clock",
    "✏": "pencil2", "🙋": "raising_hand", "👀": "eyes", "🎉": "tada", "🔥": "fire",
    "💡": "bulb", "⚠": "warning", "🚩": "triangular_flag_on_post",
}


def emoji_name(emoji: discord.PartialEmoji) -> str:
    """📝 -> "memo"; a guild's own emoji keeps its name."""
    if emoji.is_custom_emoji():
        return emoji.name or ""
    raw = (emoji.name or "").replace("\ufe0f", "")
    return EMOJI_NAMES.get(raw, raw)


def reaction_from(
    event: discord.RawReactionActionEvent, reactor: discord.User | discord.Member,
    message: discord.Message | discord.PartialMessage,
) -> Reaction:
    """A reaction added in a guild channel, with the message it was added to."""
    author = getattr(message, "author", None)
    text = getattr(message, "content", "") or ""
    return Reaction(
        actor=actor_of(reactor),
        place=place_of(event.guild_id, event.channel_id),
        emoji=emoji_name(event.emoji),
        message=message_ref(message, event.guild_id),
        author=actor_of(author) if author is not None else None,
        text=text,
    )


# --- the shape check at the door ----------------------------------------------------------
#
# Discord's gateway hands discord.py an INTERACTION_CREATE, which parses it at once: a
# component without `custom_id` raises inside the gateway's read loop (and ends the client),
# and options of the wrong shape fail in the command tree's own task, where nobody answers.
# So the interaction is checked here against what discord.py and this module read, before
# discord.py sees it; one that fails is refused plainly (see `guard_interactions`).

REFUSAL = (N_("I could not read that request, so nothing was done. Try it again; if it keeps "
           "happening, tell the operator."))
MAX_INT = 2**53  # Discord's own bound on an integer option
_SNOWFLAKE = r"^[0-9]{1,20}$"

Snowflake = Annotated[str, Field(pattern=_SNOWFLAKE)] | Annotated[int, Field(ge=0, lt=2**64)]
CustomId = Annotated[str, Field(min_length=1, max_length=100)]
Value = Annotated[str, Field(max_length=6000)]


class _Shape(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class _User(_Shape):
    id: Snowflake
    username: Annotated[str, Field(max_length=100)]


class _Member(_Shape):
    user: _User


class _Option(_Shape):
    name: Annotated[str, Field(min_length=1, max_length=32)]
    type: Annotated[int, Field(ge=1, le=11)]
    value: Value | Annotated[int, Field(gt=-MAX_INT, lt=MAX_INT)] | float | bool | None = None
    # Absent or a list: discord.py iterates it without a second look.
    options: Annotated[list[_Option], Field(max_length=25)] = []
    focused: bool | None = None

    @model_validator(mode="after")
    def _leaf_or_branch(self) -> _Option:
        if self.type in (SUBCOMMAND, SUBCOMMAND_GROUP):
            if self.value is not None:
                raise ValueError("a subcommand carries a value")
        elif "options" in self.model_fields_set:
            raise ValueError("an option carries options")
        elif self.value is not None and self.type in _OF_TYPE and \
                not _OF_TYPE[self.type](self.value):
            raise ValueError("an option's value is not of its type")
        return self


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_INT < value < MAX_INT


def _number(value: object) -> bool:
    return _whole(value) or (isinstance(value, float) and math.isfinite(value)
                             and abs(value) < MAX_INT)


# Option types Discord gives a value of a fixed kind: string, integer, boolean, number.
_OF_TYPE: dict[int, Callable[[object], bool]] = {
    3: lambda v: isinstance(v, str), 4: _whole, 5: lambda v: isinstance(v, bool),
    10: _number,
}


class _CommandData(_Shape):
    id: Snowflake
    name: Annotated[str, Field(min_length=1, max_length=32)]
    type: int | None = None
    options: Annotated[list[_Option], Field(max_length=25)] = []
    resolved: dict[str, Any] = {}


class _ComponentData(_Shape):
    custom_id: CustomId
    component_type: Annotated[int, Field(ge=1, le=20)]
    values: Annotated[list[Value], Field(max_length=25)] | None = None


class _Input(_Shape):
    type: int
    custom_id: CustomId | None = None
    value: Value | None = None
    values: Annotated[list[Value], Field(max_length=25)] | None = None


class _Row(_Shape):
    type: int
    components: Annotated[list[_Input], Field(max_length=5)] = []
    component: _Input = _Input(type=0)  # absent, or an input: never null


class _ModalData(_Shape):
    custom_id: CustomId
    components: Annotated[list[_Row], Field(max_length=5)]
    resolved: dict[str, Any] = {}


class _Message(_Shape):
    id: Snowflake
    channel_id: Snowflake


class _Interaction(_Shape):
    id: Snowflake
    application_id: Snowflake
    type: Literal[2, 3, 4, 5]
    token: Annotated[str, Field(min_length=1, max_length=500)]
    guild_id: Snowflake | None = None
    channel_id: Snowflake | None = None
    member: _Member | None = None
    user: _User | None = None
    message: _Message | None = None
    data: dict[str, Any]

    @model_validator(mode="after")
    def _who_and_what(self) -> _Interaction:
        if self.member is None and self.user is None:
            raise ValueError("neither member nor user")
        if self.guild_id is not None and self.member is None:
            raise ValueError("a guild interaction without its member")
        if self.channel_id is None:
            raise ValueError("no channel_id")
        _DATA[self.type].model_validate(self.data)
        return self


_DATA: dict[int, type[_Shape]] = {2: _CommandData, 4: _CommandData, 3: _ComponentData,
                                  5: _ModalData}


def malformed(payload: Any) -> str | None:
    """What is wrong with an INTERACTION_CREATE payload, in a few safe words (field names,
    never values); None for one Discord could have sent."""
    if not isinstance(payload, Mapping):
        return _("the interaction is a {name}, not an object").format(
            name=type(payload).__name__)
    try:
        _Interaction.model_validate(payload)
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in err["loc"]) or "interaction"
        return f"{where}: {str(err['msg']).removeprefix('Value error, ')}"[:200]
    except RecursionError:
        return _("nested too deep")
    return None


def answerable(payload: Any) -> tuple[int, str] | None:
    """The id and token a refusal can be sent with, if the payload has usable ones."""
    if not isinstance(payload, Mapping):
        return None
    iid, token = payload.get("id"), payload.get("token")
    if isinstance(iid, str) and iid.isascii() and iid.isdigit() and len(iid) <= 20 and \
            isinstance(token, str) and 0 < len(token) <= 500 and token.isprintable() and \
            "/" not in token:
        return int(iid), token
    return None


def guard_interactions(parsers: dict[str, Callable[[Any], None]],
                       refuse: Callable[[Any, str], None]) -> None:
    """Put the shape check in front of discord.py's INTERACTION_CREATE parser: a malformed
    interaction goes to `refuse` (with what is wrong) and never reaches discord.py; one that
    still fails inside discord.py's parsing is refused the same way, without a traceback."""
    parse = parsers["INTERACTION_CREATE"]

    def guarded(payload: Any) -> None:
        problem = malformed(payload)
        if problem is None:
            try:
                parse(payload)
                return
            except Exception as exc:  # discord.py could not build it: refuse, don't crash
                problem = _("discord.py could not read it ({name})").format(
                    name=type(exc).__name__)
        refuse(payload, problem)

    parsers["INTERACTION_CREATE"] = guarded
