"""The home tab's section of polls still waiting for the person's answers."""

from __future__ import annotations

from typing import Any

from bot.features.polls.loaded import is_open
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
        closes = f", closes {at(p.closes_at, 'R')}" if p.closes_at else ""
        lines.append(f"• *Poll #{p.number}: {p.title}* ({lab.name if lab else 'a lab'}) — "
                     f"{done.get(p.id, 0)} of {total.get(p.id, 0)} answered{closes}. "
                     f"`/lab poll answer {p.number}`")
    if not lines:
        return []
    return [Text(shorten("*Polls waiting for your answers*\n" + "\n".join(lines[:10]), 3000))]
