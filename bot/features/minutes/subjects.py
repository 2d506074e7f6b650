"""What reminders need of an action item (the `action_item` subject kind)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.minutes import ActionStatus
from bot.router import Router
from bot.subjects import SubjectInfo, Upcoming
from storage.uow import UnitOfWork

router = Router()


async def _own_open_items(uow: UnitOfWork, lab_id: int, person_id: int, now: datetime
                          ) -> list[Upcoming]:
    """A member coming back still owns the open items they had: remind them again."""
    return [Upcoming(item.id, item.entry.text, due=item.due)
            for item in await uow.action_items.open_for(person_id)
            if item.lab_id == lab_id and item.due is not None]


async def _owner_if_open(uow: UnitOfWork, item_id: int) -> list[int]:
    """Who has not answered an action item: its owner, while it is open (a facilitator's
    Remind now from the desk nudges them; see minutes/action_items.py)."""
    item = await uow.action_items.get(item_id)
    return [item.owner_id] if item is not None and item.status is ActionStatus.OPEN else []


@router.subject("action_item", upcoming=_own_open_items, pending=_owner_if_open)
async def reminder_info(uow: UnitOfWork, item_id: int) -> SubjectInfo | None:
    """The item's text; None once it is done or dropped, so its reminders are cancelled
    instead of sent."""
    item = await uow.action_items.get(item_id)
    if item is None or item.status is not ActionStatus.OPEN:
        return None
    return SubjectInfo(item.entry.text)
