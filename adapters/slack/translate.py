"""Pure translation of Slack payloads into the neutral Command, Action, Submission and
Reaction the core understands.

Nothing here calls Slack: who the person is (their name and zone from `users.info`) and the
text of a reacted-to message are looked up by the app and handed in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack.render import Origin
from bot.messages import (
    Action,
    Actor,
    Command,
    MessageRef,
    Place,
    Platform,
    Reaction,
    Submission,
)

PLATFORM: Platform = "slack"

# Slack has several names for some emoji; the core knows one ("memo" for 📝).
EMOJI_ALIASES = {"pencil": "memo", "+1": "thumbsup", "-1": "thumbsdown"}
_SKIN_TONE = re.compile(r"::skin-tone-\d$")


@dataclass(frozen=True, slots=True)
class Profile:
    """What Slack's users.info says about someone: their name and time zone."""

    user_id: str
    name: str
    tz: str | None = None
    locale: str | None = None  # users.info with include_locale: "es-ES"


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def team_of(body: Mapping[str, Any]) -> str:
    """The workspace a payload comes from (the enterprise for an org-wide install)."""
    team = body.get("team_id") or _dict(body.get("team")).get("id") or \
        _dict(body.get("user")).get("team_id") or _dict(body.get("view")).get("team_id") or \
        body.get("enterprise_id") or _dict(body.get("enterprise")).get("id")
    return str(team or "")


def user_of(body: Mapping[str, Any]) -> tuple[str, str]:
    """The acting user's id and the name the payload gives (the profile's name is better)."""
    if "user_id" in body:  # slash command
        return str(body["user_id"]), str(body.get("user_name") or body["user_id"])
    event = _dict(body.get("event"))
    if event:
        who = str(event.get("user") or "")
        return who, who
    user = _dict(body.get("user"))
    uid = str(user.get("id") or "")
    return uid, str(user.get("name") or user.get("username") or uid)


def actor(team: str, profile: Profile) -> Actor:
    return Actor(PLATFORM, team, profile.user_id, profile.name, profile.tz, profile.locale)


def place(team: str, channel: str) -> Place:
    # Slack's direct-message channels are the ones whose ids start with D.
    return Place(PLATFORM, team, channel, direct=channel.startswith("D"))


def unescape(text: str) -> str:
    """Undo Slack's escaping of `&`, `<` and `>` in typed text; mentions stay `<@U1|name>`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def emoji(name: str) -> str:
    """Slack's emoji name as the core's neutral name (skin tones and aliases folded)."""
    base = _SKIN_TONE.sub("", name.strip(":").lower())
    return EMOJI_ALIASES.get(base, base)


# --- inbound -------------------------------------------------------------------------------


def command(body: Mapping[str, Any], profile: Profile) -> Command:
    """A `/lab ...` slash command; mentions arrive escaped as `<@U123|name>`."""
    team = team_of(body)
    return Command(actor(team, profile), place(team, str(body.get("channel_id") or "")),
                   text=unescape(str(body.get("text") or "")).strip())


def home(body: Mapping[str, Any], profile: Profile) -> Command:
    """Opening the App Home asks for the same card as `/lab home`."""
    team = team_of(body)
    channel = str(_dict(body.get("event")).get("channel") or profile.user_id)
    return Command(actor(team, profile), Place(PLATFORM, team, channel, direct=True),
                   text="home")


def container(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return _dict(body.get("container"))


def from_view(body: Mapping[str, Any]) -> bool:
    """True when a control was used on a view (the App Home), not on a message."""
    return container(body).get("type") == "view"


def on_ephemeral(body: Mapping[str, Any]) -> bool | None:
    """Whether the control was on a message only this person sees; None if not a message."""
    box = container(body)
    if box.get("type") != "message":
        return None
    return bool(box.get("is_ephemeral"))


def action(body: Mapping[str, Any], profile: Profile) -> Action | None:
    """A button press or a menu choice (block_actions); None when the payload has none."""
    actions = body.get("actions") or []
    if not actions or not isinstance(actions[0], Mapping):
        return None
    first = actions[0]
    values: tuple[str, ...] = ()
    if isinstance(first.get("selected_option"), Mapping):
        values = (str(first["selected_option"].get("value")),)
    elif isinstance(first.get("selected_options"), list):
        values = tuple(str(o.get("value")) for o in first["selected_options"]
                       if isinstance(o, Mapping))
    elif first.get("value") is not None and first.get("type") != "button":
        values = (str(first["value"]),)
    team = team_of(body)
    box = container(body)
    if from_view(body):
        # The App Home has no channel of its own; its replies go to the person directly.
        where = Place(PLATFORM, team, profile.user_id, direct=True)
        ref = None
    else:
        channel = str(box.get("channel_id") or _dict(body.get("channel")).get("id") or "")
        where = place(team, channel)
        ts = str(box.get("message_ts") or _dict(body.get("message")).get("ts") or "")
        ref = MessageRef(PLATFORM, team, channel, ts) if ts else None
    return Action(actor(team, profile), where, str(first.get("action_id") or ""), values, ref)


def submission(body: Mapping[str, Any], profile: Profile) -> Submission:
    """A submitted modal: one value per input, keyed by the input's name."""
    view = _dict(body.get("view"))
    values: dict[str, str] = {}
    for block_id, inputs in _dict(_dict(view.get("state")).get("values")).items():
        for element in _dict(inputs).values():
            element = _dict(element)
            value = element.get("value")
            if value is None and isinstance(element.get("selected_option"), Mapping):
                value = element["selected_option"].get("value")
            elif value is None and isinstance(element.get("selected_options"), list):
                value = "\n".join(str(o.get("value")) for o in element["selected_options"])
            values[str(block_id)] = "" if value is None else str(value)
    team = team_of(body)
    origin = Origin.decode(view.get("private_metadata"))
    channel = origin.channel or profile.user_id
    where = Place(PLATFORM, team, channel, direct=origin.direct or channel.startswith(("D", "U")))
    return Submission(actor(team, profile), where, str(view.get("callback_id") or ""), values)


def reaction(body: Mapping[str, Any], profile: Profile, author: Profile | None,
             text: str, link: str | None = None) -> Reaction | None:
    """An emoji added to a message (reaction_added); None for reactions to files.
    `link` is the message's permalink, so the minutes can point back to it."""
    event = _dict(body.get("event"))
    item = _dict(event.get("item"))
    if item.get("type") != "message":
        return None
    team = team_of(body)
    channel = str(item.get("channel") or "")
    ref = MessageRef(PLATFORM, team, channel, str(item.get("ts") or ""), link=link)
    return Reaction(
        actor(team, profile), place(team, channel), emoji(str(event.get("reaction") or "")),
        ref, actor(team, author) if author is not None else None, text,
    )


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sent a payload, and where a private answer reaches them."""

    user_id: str
    place: Place
    response_url: str | None = None


def sender(body: Mapping[str, Any]) -> Sender:
    """The sender of any payload, read without the profile or the core: enough to tell them
    privately that the work on it failed. Without a channel, the place is their own id (a
    direct message)."""
    team = team_of(body)
    user_id, _ = user_of(body)
    response_url = body.get("response_url")
    if "user_id" in body:  # slash command
        channel = str(body.get("channel_id") or "")
    elif body.get("type") == "view_submission":
        origin = Origin.decode(_dict(body.get("view")).get("private_metadata"))
        channel, response_url = origin.channel or "", origin.response_url
    elif body.get("type") == "block_actions" and not from_view(body):
        channel = str(container(body).get("channel_id") or
                      _dict(body.get("channel")).get("id") or "")
    else:  # the App Home, or an event (a reaction's message, the App Home's own channel)
        event = _dict(body.get("event"))
        channel = str(_dict(event.get("item")).get("channel") or event.get("channel") or "")
    where = place(team, channel) if channel else Place(PLATFORM, team, user_id, direct=True)
    return Sender(user_id, where, str(response_url) if response_url else None)


def profile_from_users_info(user: Mapping[str, Any]) -> Profile:
    """A Profile from a users.info `user` object: display name, else real name, else handle."""
    info = _dict(user.get("profile"))
    name = (info.get("display_name") or info.get("real_name") or user.get("real_name")
            or user.get("name") or user.get("id") or "someone")
    tz = user.get("tz")
    locale = user.get("locale")
    return Profile(str(user.get("id") or ""), str(name),
                   str(tz) if isinstance(tz, str) and tz else None,
                   str(locale) if isinstance(locale, str) and locale else None)
