"""Interaction payloads as Discord sends them (gateway INTERACTION_CREATE `d`), by type."""

from __future__ import annotations

import itertools
from typing import Any

from fakes.discord_api import APP_ID, CHANNEL_ID, GUILD_ID

COMMAND_ID = 600000000000000001
_ids = itertools.count(500000000000000001)

# People in the tests, by Discord user id.
GEMMA = (100000000000000001, "Gemma Rhodes")
AMARA = (100000000000000002, "Amara Okafor")
ZOE = (100000000000000003, "Zoë Núñez")
TOM = (100000000000000004, "Tom Fletcher")


def user(who: tuple[int, str]) -> dict[str, Any]:
    uid, name = who
    return {"id": str(uid), "username": name.split()[0].lower(), "global_name": name,
            "discriminator": "0", "avatar": None, "public_flags": 0}


def member(who: tuple[int, str]) -> dict[str, Any]:
    return {"user": user(who), "nick": None, "roles": [], "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False, "mute": False, "flags": 0, "pending": False,
            "permissions": "2248473465835073"}


def base(kind: int, who: tuple[int, str], *, guild: bool = True,
         channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    iid = next(_ids)
    payload: dict[str, Any] = {
        "id": str(iid), "application_id": str(APP_ID), "type": kind, "token": f"token-{iid}",
        "version": 1, "locale": "en-GB", "app_permissions": "2248473465835073",
        "entitlements": [], "attachment_size_limit": 10 * 1024 * 1024,
    }
    if guild:
        payload.update(
            guild_id=str(GUILD_ID), channel_id=str(channel_id), member=member(who),
            guild_locale="en-GB", context=0, authorizing_integration_owners={"0": str(GUILD_ID)},
            guild={"id": str(GUILD_ID), "locale": "en-GB", "features": []},
            channel={"id": str(channel_id), "type": 0, "guild_id": str(GUILD_ID), "name": "lab",
                     "position": 0, "permission_overwrites": [], "nsfw": False,
                     "parent_id": None, "flags": 0, "rate_limit_per_user": 0, "topic": None,
                     "last_message_id": None, "permissions": "2248473465835073"},
        )
    else:
        dm = int(who[0]) + 1
        payload.update(
            channel_id=str(dm), user=user(who), context=1,
            authorizing_integration_owners={"0": str(who[0])},
            channel={"id": str(dm), "type": 1, "last_message_id": None, "flags": 0,
                     "recipients": [user(who)]},
        )
    return payload


def _options(path: tuple[str, ...], options: dict[str, Any],
             focused: str | None = None) -> list[dict[str, Any]]:
    leaf = []
    for name, value in options.items():
        kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else \
            10 if isinstance(value, float) else 3
        option: dict[str, Any] = {"name": name, "type": kind, "value": value}
        if name == focused:
            option["focused"] = True
        leaf.append(option)
    if len(path) == 1:
        return [{"name": path[0], "type": 1, "options": leaf}]
    return [{"name": path[0], "type": 2,
             "options": [{"name": path[1], "type": 1, "options": leaf}]}]


def slash(who: tuple[int, str], /, *path: str, guild: bool = True, **options: Any
          ) -> dict[str, Any]:
    """`/lab <path> <options>`: an APPLICATION_COMMAND interaction."""
    payload = base(2, who, guild=guild)
    payload["data"] = {"id": str(COMMAND_ID), "name": "lab", "type": 1,
                       "options": _options(path, options)}
    if guild:
        payload["data"]["guild_id"] = str(GUILD_ID)
    return payload


def autocomplete(who: tuple[int, str], path: tuple[str, ...], focused: str, /, *,
                 guild: bool = True, **options: Any) -> dict[str, Any]:
    payload = base(4, who, guild=guild)
    payload["data"] = {"id": str(COMMAND_ID), "name": "lab", "type": 1,
                       "options": _options(path, options, focused)}
    return payload


def component(who: tuple[int, str], message: dict[str, Any], custom_id: str,
              values: list[str] | None = None, *, guild: bool = True) -> dict[str, Any]:
    """A click on a button (or a choice in a select) of `message`, as the bot sent it."""
    payload = base(3, who, guild=guild)
    kind = 2 if values is None else 3
    payload["message"] = message
    payload["data"] = {"custom_id": custom_id, "component_type": kind}
    if values is not None:
        payload["data"]["values"] = values
    return payload


def modal_submit(who: tuple[int, str], custom_id: str, fields: dict[str, str],
                 message: dict[str, Any] | None = None) -> dict[str, Any]:
    payload = base(5, who)
    payload["data"] = {"custom_id": custom_id, "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
        for k, v in fields.items()
    ]}
    if message is not None:
        payload["message"] = message
    return payload


def reaction(who: tuple[int, str], message_id: int, emoji: str,
             channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    """A MESSAGE_REACTION_ADD dispatch."""
    return {"user_id": str(who[0]), "channel_id": str(channel_id),
            "message_id": str(message_id), "guild_id": str(GUILD_ID),
            "member": member(who), "emoji": {"id": None, "name": emoji}, "burst": False,
            "type": 0, "message_author_id": None}


def find_control(message: dict[str, Any], label_or_route: str) -> dict[str, Any]:
    """The button or select of `message` whose label or custom id contains the text."""
    for row in message.get("components") or []:
        for c in row.get("components") or []:
            if label_or_route in (c.get("label") or "") or label_or_route in c.get(
                    "custom_id", ""):
                return c
    raise AssertionError(f"no control {label_or_route!r} in {message.get('components')}")
