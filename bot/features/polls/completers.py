"""The poll autocomplete: the lab's polls by number or title."""

from __future__ import annotations

from typing import Any

from bot.features.common import numbered_choices
from bot.router import Call, Router

router = Router()


@router.completer("poll")
async def complete_poll(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    polls = await call.uow.polls.of_lab(call.lab.id)
    return numbered_choices([(p.number, p.title, f"#{p.number} {p.title} ({p.status})")
                             for p in polls], typed)
