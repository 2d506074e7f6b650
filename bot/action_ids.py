"""Encode and decode the state carried in button, select and form ids.

Shape: ``al1:<route>:<ref>[:<arg>]``. The version prefix lets a later release read (or
politely refuse) ids on old messages; the whole id stays within Discord's 100 characters,
so buttons keep working after a restart and nothing lives in per-message memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.messages import Limits

VERSION = "al1"
_ROUTE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_REF = re.compile(r"^[A-Za-z0-9_\-.]*$")


class StaleActionId(ValueError):
    """An id from another version or another app; the message is older than the bot."""


@dataclass(frozen=True, slots=True)
class ActionId:
    route: str  # "poll.answer"
    ref: str  # what it acts on, e.g. a poll id
    arg: str | None = None  # extra state, may contain ":"

    def encode(self) -> str:
        return encode(self.route, self.ref, self.arg)


def encode(route: str, ref: str | int = "", arg: str | int | None = None) -> str:
    """Build an id; raises ValueError if it would not fit or is malformed."""
    ref = str(ref)
    if not _ROUTE.match(route):
        raise ValueError(f"bad route {route!r}")
    if not _REF.match(ref):
        raise ValueError(f"bad ref {ref!r}")
    out = f"{VERSION}:{route}:{ref}"
    if arg is not None:
        out += f":{arg}"
    if len(out) > Limits.ID:
        raise ValueError(f"action id longer than {Limits.ID}: {out}")
    return out


def decode(raw: str) -> ActionId:
    """Read an id back; raises StaleActionId for anything we did not write."""
    parts = raw.split(":", 3)
    if len(parts) < 3 or parts[0] != VERSION or not _ROUTE.match(parts[1]):
        raise StaleActionId(raw)
    if not _REF.match(parts[2]):
        raise StaleActionId(raw)
    return ActionId(parts[1], parts[2], parts[3] if len(parts) == 4 else None)
