"""The meeting autocomplete: the lab's meetings by number or title, the newest first."""

from __future__ import annotations

from typing import Any

from bot.features.common import numbered_choices
from bot.i18n import _
from bot.router import Call, Router

router = Router()


@router.completer("meeting")
async def complete_meeting(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    meetings = reversed(await call.uow.meetings.of_lab(call.lab.id))  # the newest first
    return numbered_choices(
        [(m.number, m.title, _("#{number} {title} ({status}, "
                             "{starts_at:%d %b %Y %H:%M} UTC)").format(
            number=m.number, title=m.title, status=m.status,
            starts_at=m.starts_at)) for m in meetings], typed)
