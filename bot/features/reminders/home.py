"""The reminders section of a member's home: their next few reminders.
"""

from __future__ import annotations

from typing import Any

from bot.features.reminders.cards import _what
from bot.features.reminders.routes import router
from bot.i18n import _
from bot.messages import (
    Block,
    Text,
    at,
)
from bot.messages import Context as Small
from bot.router import Call


@router.home_section(60)
async def next_reminders(call: Call[Any]) -> list[Block]:
    rows = await call.uow.reminders.upcoming_for(call.person.id, limit=3)
    if not rows:
        return []
    lines = [f"• {at(r.next_at, 'f')} — {_what(r)}" for r in rows]
    return [Text(_("*Your next reminders*\n") + "\n".join(lines)),
            Small(_("`/lab reminders` lists them all, with Cancel buttons."))]
