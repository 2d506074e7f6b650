"""The home tab's section of polls still waiting for the person's answers."""

from __future__ import annotations

from typing import Any

from bot import action_ids
from bot.domain.lab import Role, has_role
from bot.domain.polls import PollStatus
from bot.features.polls.loaded import is_open, load
from bot.i18n import _
from bot.messages import Block, Button, Buttons, Text, at, shorten
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


DESK_ITEMS = 5  # polls shown on a facilitator's desk, each with its buttons


@router.home_section(12)
async def desk_polls(call: Call[Any]) -> list[Block]:
    """A facilitator's desk, polls: the open ones with how many have answered and who has
    not (Close, Remind now), and the closed ones no meeting has been picked from yet."""
    labs = [m.lab_id for m in await call.uow.members.labs_of(call.person.id)
            if has_role(m.role, Role.FACILITATOR)]
    if not labs:
        return []
    blocks: list[Block] = []
    for p in (await call.uow.polls.open_in(labs))[:DESK_ITEMS]:
        loaded = await load(call.uow, p)
        total = len(loaded.slots)
        waiting = [loaded.name(m.person_id) for m in loaded.members
                   if loaded.answered(m.person_id) < total]
        done = len(loaded.members) - len(waiting)
        closes = _(", closes {when}").format(when=at(p.closes_at, 'R')) if p.closes_at else ""
        text = (_("🗂 *Poll #{number}: {title}* — {done} of {count} answered{closes}.").format(
            number=p.number, title=p.title, done=done, count=len(loaded.members),
            closes=closes)
                + (_(" Not yet: {names}.").format(names=', '.join(waiting)) if waiting else ""))
        buttons = [Button(_("Close the poll"), action_ids.encode("poll.close_now", p.id))]
        if waiting:
            buttons.append(Button(_("Remind now"), action_ids.encode("poll.remind", p.id)))
        blocks += [Text(shorten(text, 2900)), Buttons(tuple(buttons))]
    for lab_id in labs:
        for p in await call.uow.polls.of_lab(lab_id):
            if p.status != PollStatus.CLOSED or await call.uow.meetings.of_poll(p.id):
                continue
            blocks.append(Text(shorten(
                _("🗂 *Poll #{number}: {title}* is closed and no meeting is picked yet: "
                  "`/lab poll pairs {number}` shows the best pairs, "
                  "`/lab poll pick {number} <slot>` schedules one.").format(
                    number=p.number, title=p.title), 2900)))
            if len(blocks) >= DESK_ITEMS * 2:
                break
    if blocks:
        blocks.insert(0, Text(_("*Your desk* (facilitator)")))
    return blocks
