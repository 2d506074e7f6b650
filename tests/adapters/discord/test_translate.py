"""Interactions, built from raw payload dicts as discord.py's own tests build them, as the
core's neutral Command, Action, Submission and Reaction."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from adapters.discord.translate import (
    CommandMap,
    action_from,
    command_from,
    emoji_name,
    focused_option,
    reaction_from,
    submission_from,
)
from bot.messages import Actor, Command, Place
from fakes import discord_payloads as p
from fakes.discord_api import CHANNEL_ID, GUILD_ID, FakeDiscord

COMMANDS = CommandMap(
    paths={("help",): "help", ("poll", "new"): "poll new", ("minutes", "show"): "minutes",
           ("settings",): "settings"},
    options={"help": {"topic": "topic"}, "poll new": {"title": "title", "option": "options"},
             "minutes": {}, "settings": {"tz": "tz", "limit": "limit"}},
)


@pytest.fixture
def state() -> Any:
    """A client's connection state, no network: what discord.py's own tests hand to models."""
    client = discord.Client(intents=discord.Intents.none())
    client._connection.user = discord.ClientUser(state=client._connection,
                                                 data=FakeDiscord().bot_user())  # type: ignore[arg-type]
    return client._connection


def interaction(state: Any, payload: dict[str, Any]) -> discord.Interaction[Any]:
    return discord.Interaction(data=payload, state=state)  # type: ignore[arg-type]


AMARA = Actor("discord", "discord", str(p.AMARA[0]), "Amara Okafor", locale="en-GB")
AMARA_REACTING = Actor("discord", "discord", str(p.AMARA[0]), "Amara Okafor")  # no interaction
HERE = Place("discord", str(GUILD_ID), str(CHANNEL_ID))


def test_a_command_with_options_names_the_command_and_its_fields(state: Any) -> None:
    i = interaction(state, p.slash(p.AMARA, "poll", "new", title="First call",
                                   option="Mon 10:00 Tue 14:00"))
    assert command_from(i, COMMANDS) == Command(AMARA, HERE, name="poll new", options={
        "title": "First call", "options": "Mon 10:00 Tue 14:00"})


def test_a_command_without_options_is_text_so_a_form_can_open(state: Any) -> None:
    assert command_from(interaction(state, p.slash(p.AMARA, "poll", "new")), COMMANDS) == \
        Command(AMARA, HERE, text="poll new")
    # the bare command that lives in its group as `show`
    assert command_from(interaction(state, p.slash(p.AMARA, "minutes", "show")),
                        COMMANDS).text == "minutes"


def test_typed_values_arrive_as_discord_typed_them(state: Any) -> None:
    cmd = command_from(interaction(state, p.slash(p.GEMMA, "settings", limit=8,
                                                  tz="Europe/London")), COMMANDS)
    assert cmd.options == {"limit": 8, "tz": "Europe/London"}


def test_an_unknown_path_is_left_for_the_core_to_refuse(state: Any) -> None:
    cmd = command_from(interaction(state, p.slash(p.AMARA, "gone", topic="x")), COMMANDS)
    assert cmd.name == "gone" and cmd.options == {"topic": "x"}


def test_a_direct_message_is_a_direct_place_and_the_same_person(state: Any) -> None:
    cmd = command_from(interaction(state, p.slash(p.AMARA, "help", guild=False)), COMMANDS)
    # The direct message is in the writer's own space (their identity's workspace), which
    # is where the core lets a lab act in a direct message.
    assert cmd.place == Place("discord", "discord", str(p.AMARA[0] + 1), direct=True)
    assert cmd.actor == AMARA  # one Discord account, one person, wherever it writes from
    assert cmd.place.workspace == cmd.actor.workspace


def test_the_focused_option_of_an_autocomplete(state: Any) -> None:
    payload = p.autocomplete(p.AMARA, ("settings",), "tz", tz="Lon", limit=3)
    assert focused_option(payload["data"]) == ("tz", "Lon")


def test_a_button_press_carries_its_id_and_message(state: Any) -> None:
    message = {"id": "42", "channel_id": str(CHANNEL_ID), "author": p.user(p.GEMMA),
               "content": "", "timestamp": "2027-01-04T10:00:00+00:00",
               "edited_timestamp": None, "tts": False, "mention_everyone": False,
               "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
               "pinned": False, "type": 0, "flags": 64, "components": []}
    action = action_from(interaction(state, p.component(p.AMARA, message,
                                                        "al1:lab.accept:1")))
    assert (action.actor, action.place, action.action_id, action.values) == (
        AMARA, HERE, "al1:lab.accept:1", ())
    assert action.message is not None and action.message.message_id == "42"
    assert action.message.link is not None and action.message.link.endswith(
        f"/{GUILD_ID}/{CHANNEL_ID}/42")
    choice = action_from(interaction(state, p.component(p.AMARA, message, "al1:lab.tz:",
                                                        ["Africa/Lagos", "UTC"])))
    assert choice.values == ("Africa/Lagos", "UTC")


def test_a_modal_submit_is_a_submission_keyed_by_input(state: Any) -> None:
    payload = p.modal_submit(p.AMARA, "al1:form:poll.new", {"title": "First", "options": "a\nb"})
    # Discord's newer modals wrap an input in a label instead of an action row.
    payload["data"]["components"].append(
        {"type": 18, "component": {"type": 4, "custom_id": "note", "value": "hi"}})
    sub = submission_from(interaction(state, payload))
    assert (sub.form_id, dict(sub.values)) == (
        "al1:form:poll.new", {"title": "First", "options": "a\nb", "note": "hi"})


@pytest.mark.parametrize(("raw", "name"), [
    ("📝", "memo"), ("✅", "white_check_mark"), ("✏️", "pencil2"), ("🦄", "🦄"),
])
def test_emoji_get_their_neutral_names(raw: str, name: str) -> None:
    assert emoji_name(discord.PartialEmoji(name=raw)) == name
    assert emoji_name(discord.PartialEmoji(name="lab_decision", id=123)) == "lab_decision"


def test_a_reaction_carries_the_message_text_and_author(state: Any) -> None:
    raw = p.reaction(p.GEMMA, 42, "📝")
    event = discord.RawReactionActionEvent(raw, discord.PartialEmoji(name="📝"), "REACTION_ADD")
    channel = discord.PartialMessageable(state=state, id=CHANNEL_ID, guild_id=GUILD_ID)
    data = {"id": "42", "channel_id": str(CHANNEL_ID), "author": p.user(p.AMARA),
            "content": "We agree.", "timestamp": "2027-01-04T10:00:00+00:00",
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": False, "type": 0}
    message = discord.Message(state=state, channel=channel, data=data)  # type: ignore[arg-type]
    gemma = discord.User(state=state, data=p.user(p.GEMMA))  # type: ignore[arg-type]
    reaction = reaction_from(event, gemma, message)
    assert reaction.emoji == "memo" and reaction.text == "We agree."
    assert reaction.author == AMARA_REACTING and reaction.actor.display_name == "Gemma Rhodes"
    assert reaction.place == HERE and reaction.message.message_id == "42"
