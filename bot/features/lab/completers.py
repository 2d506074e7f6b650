"""Autocomplete for the lab's arguments: time zones and member names."""

from __future__ import annotations

from typing import Any

from bot.domain.zones import complete_zones
from bot.router import Call, Router

router = Router()


# --- autocomplete ------------------------------------------------------------------------------


@router.completer("zone")
async def complete_zone(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    return [(z, z) for z in complete_zones(typed)]


@router.completer("member")
async def complete_member(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    text = typed.strip().casefold()
    names = [m.person.display_name for m in await call.uow.members.active(call.lab.id)]
    return [(n, n) for n in names
            if not text or any(w.startswith(text) for w in n.casefold().split())][:25]
