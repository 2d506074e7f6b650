"""What reminders need of a call: the facilitators' nudge before the promised date goes
only while someone is still undecided."""

from __future__ import annotations

from collections.abc import Collection

from bot import action_ids
from bot.domain.applications import UNDECIDED
from bot.domain.lab import Role
from bot.i18n import _
from bot.messages import Button
from bot.router import Router
from bot.subjects import SubjectInfo
from storage.uow import UnitOfWork

router = Router()


async def _undecided(uow: UnitOfWork, call_id: int) -> int:
    return sum(1 for a in await uow.applications.of_call(call_id)
               if a.complete and a.status in UNDECIDED)


async def pending(uow: UnitOfWork, call_id: int) -> Collection[int]:
    lab_call = await uow.applications.call(call_id)
    if lab_call is None or not await _undecided(uow, call_id):
        return []
    return [m.person_id for m in await uow.members.active(lab_call.lab_id)
            if m.role is Role.FACILITATOR]


@router.subject("call", pending=pending)
async def describe(uow: UnitOfWork, call_id: int) -> SubjectInfo | None:
    lab_call = await uow.applications.call(call_id)
    if lab_call is None:
        return None
    lab = await uow.labs.get(lab_call.lab_id)
    undecided = await _undecided(uow, call_id)
    return SubjectInfo(
        title=_("Applications to {value}: {undecided} still undecided; "
              "applicants were promised an answer by {hear_by:%A %d %B %Y}").format(
            value=lab.name if lab else _('the lab'), undecided=undecided, hear_by=lab_call.hear_by),
        button=Button(_("See the shortlist"), action_ids.encode("app.list", lab_call.id)),
        lines=(_("Accept or decline with `/lab accept <n>` and `/lab decline <n>`."),),
    )
