"""The home tab's section of the person's next meetings, across their labs."""

from __future__ import annotations

from typing import Any

from bot.features.meetings.cards import meeting_line
from bot.i18n import _
from bot.messages import Block, Text, shorten
from bot.router import Call, Router

router = Router()


@router.home_section(40)
async def next_meetings(call: Call[Any]) -> list[Block]:
    memberships = await call.uow.members.labs_of(call.person.id)
    upcoming = await call.uow.meetings.upcoming([m.lab_id for m in memberships], call.now,
                                                limit=5)
    if not upcoming:
        return []
    names = {}
    for m in memberships:
        lab = await call.uow.labs.get(m.lab_id)
        names[m.lab_id] = lab.name if lab else _("a lab")
    lines = [meeting_line(m, call.zone, call.now, names.get(m.lab_id)) for m in upcoming]
    return [Text(shorten(_("*Your next meetings*\n") + "\n".join(lines), 3000))]
