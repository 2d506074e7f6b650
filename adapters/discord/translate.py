"""Discord interactions and reactions as the core's neutral Command, Action, Submission and
Reaction (pure: reads the objects discord.py built from the payload, does no I/O).

Identities: Discord user ids are global, so every Discord account is one person whatever
guild or direct message it writes from (`Actor.workspace` is always `USERS`); places keep
their guild id (or, for a direct message, `USERS`, the user's own space), which is what
links need. Messages keep `@me` for a direct message, as Discord names them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import discord

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


def actor_of(user: discord.User | discord.Member) -> Actor:
    return Actor("discord", USERS, str(user.id), user.display_name)


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
    actor, place = actor_of(interaction.user), interaction_place(interaction)
    path, given = command_path(raw(interaction))
    name = commands.paths.get(path, " ".join(path))
    renames = commands.options.get(name, {})
    options = {renames.get(str(o["name"]), str(o["name"])): o.get("value") for o in given}
    if not options:
        return Command(actor, place, text=name)
    return Command(actor, place, name=name, options=options)


def focused_option(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The option being typed in an autocomplete interaction, and what is typed so far."""
    _, options = command_path(data)
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
    return Action(actor_of(interaction.user), interaction_place(interaction),
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
    return Submission(actor_of(interaction.user), interaction_place(interaction),
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
