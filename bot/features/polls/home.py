"""The home tab's section of polls still waiting for the person's answers."""

from __future__ import annotations

from typing import Any

from bot.features.polls.loaded import is_open
from bot.i18n import _
from bot.messages import Block, Text, at, shorten
from bot.router import Call, Router

router = Router()


@router.home_section(20)
async def polls_to_answer(call: Call[Any]) -> list[Block]:
    memberships = await call.uow.members.labs_of(call.person.id)
    polls = [p for p in await call.uow.polls.open_in([m.lab_id for m in memberships])
             if is_open(p, call.now)]
    if not polls:
        return []
    ids = [p.id for p in polls]
    done = await call.uow.polls.answer_counts(ids, call.person.id)
    total = await call.uow.polls.slot_counts(ids)
    labs = {m.lab_id: await call.uow.labs.get(m.lab_id) for m in memberships}
    lines = []
    for p in polls:
        if done.get(p.id, 0) >= total.get(p.id, 0):
            continue
        lab = labs.get(p.lab_id)
        closes = _(", closes {when}").format(
            when=at(p.closes_at, 'R')) if p.closes_at else ""
        lines.append(_("• *Poll #{number}: {title}* ({value}) — "
                     "{get} of {get2} answered{closes}. "
                     "`/lab poll answer {number}`").format(
            number=p.number, title=p.title, value=lab.name if lab else 'a lab',
            get=done.get(p.id, 0), get2=total.get(p.id, 0), closes=closes))
    if not lines:
        return []
    return [Text(shorten(_("*Polls waiting for your answers*\n") + "\n".join(lines[:10]), 3000))]
