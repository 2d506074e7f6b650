"""Erasing a person ("forget me"): what goes, what stays and why (see README, "Your data").

Goes: their platform identities (and so every platform id), their name (wherever it is
written: replaced by "a former member"), their zone, their applications, their answers to
open polls, their ballots in open votes, their pending reminders, their reviewer roles and
memberships. Stays: closed results and anonymised ballots, minutes (attributed to "a
former member"), the audit trail (which holds row ids, not names), all attached to a person
row that no longer says who it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, String, Text, delete, func, or_, select, update

from bot.context import Context
from bot.domain.lab import Role
from bot.domain.polls import PollStatus
from bot.domain.reminders import ReminderStatus
from bot.errors import Conflict, NotFound
from bot.events import MemberLeft, publish
from bot.i18n import N_, _
from storage.models import (
    Ballot,
    Base,
    Identity,
    InboxEntry,
    MinuteEntry,
    Poll,
    PollAnswer,
    PollRequired,
    Reminder,
)
from storage.uow import UnitOfWork

FORMER = N_("a former member")
# Kept as they are (README): the workspace's installation of the Slack app (who installed it
# is the workspace's record, needed to keep the app working) and OAuth states (random).
UNTOUCHED = frozenset({"installations", "oauth_states"})


@dataclass(frozen=True)
class Erased:
    person_id: int
    labs_left: int
    applications: int
    reminders: int
    replaced: int  # values where their name or a platform id was written over


async def refusal(uow: UnitOfWork, person_id: int) -> str | None:
    """Why this person cannot be forgotten yet: they are the last facilitator of a lab."""
    for m in await uow.members.labs_of(person_id):
        if m.role is not Role.FACILITATOR:
            continue
        facilitators = [x for x in await uow.members.active(m.lab_id)
                        if x.role is Role.FACILITATOR]
        if len(facilitators) <= 1:
            lab = await uow.labs.get(m.lab_id)
            name = lab.name if lab else _("a lab")
            return (_("You are the last facilitator of {name}, so you cannot be forgotten yet: "
                    "make someone else facilitator first (`/lab role <member> facilitator`), "
                    "then ask again. Nothing was erased.").format(name=name))
    return None


async def erase_person(ctx: Context, uow: UnitOfWork, person_id: int, now: datetime) -> Erased:
    """Erase the person's personal data in this unit of work (the caller commits)."""
    person = await uow.people.get(person_id)
    if person is None:
        raise NotFound(_("There is no such person."))
    why = await refusal(uow, person_id)
    if why:
        raise Conflict(why)
    old_name = person.display_name
    identities = list(await uow.people.identities([person_id]))
    needles = {old_name, *(i.display_name for i in identities)}
    ids = {i.user_id for i in identities}
    s = uow.session

    # Memberships end as a leaving would: ballots in open votes withdrawn, reminders cancelled.
    memberships = list(await uow.members.labs_of(person_id))
    for m in memberships:
        m.active, m.left_at = False, now
        await publish(ctx, uow, now, MemberLeft(lab_id=m.lab_id, person_id=person_id))
    # Whatever still waits for or from them elsewhere.
    pending = (await s.scalars(select(Reminder.id).where(
        (Reminder.recipient_id == person_id) | (Reminder.author_id == person_id),
        Reminder.status == ReminderStatus.PENDING))).all()
    cancelled = await uow.reminders.cancel(list(pending), _("the person asked to be forgotten"))
    from bot.features import reminders

    reminders.disarm_after_commit(ctx, uow, cancelled)
    # Answers to polls still open; a ballot still tied to them (a live count's) loses its tie.
    open_polls = select(Poll.id).where(Poll.status == PollStatus.OPEN)
    await s.execute(delete(PollAnswer).where(PollAnswer.person_id == person_id,
                                             PollAnswer.poll_id.in_(open_polls)))
    await s.execute(delete(PollRequired).where(PollRequired.person_id == person_id,
                                               PollRequired.poll_id.in_(open_polls)))
    await s.execute(update(Ballot).where(Ballot.person_id == person_id).values(person_id=None))
    # Applications (with the reviews of them) and reviewer roles.
    apps = [a.id for a in await uow.applications.by_person(person_id)]
    await uow.applications.delete(apps)
    await uow.applications.remove_reviewer_everywhere(person_id)
    # Minutes they wrote stay, attributed to a former member.
    await s.execute(update(MinuteEntry).where(MinuteEntry.author_id == person_id)
                    .values(author_name=FORMER))
    # The platform ids: identities, and the finished inbound events that carried them.
    await s.execute(delete(Identity).where(Identity.person_id == person_id))
    if ids:
        await s.execute(delete(InboxEntry).where(InboxEntry.user_id.in_(ids),
                                                 InboxEntry.status.in_(("done", "told"))))
    person.display_name = FORMER
    person.timezone, person.timezone_source = None, None
    person.timezone_checked_at, person.timezone_asked_at = None, None
    await s.flush()
    replaced = await scrub(uow, {n for n in needles if n and n != FORMER}, ids)
    await uow.audit.record(lab_id=None, actor_id=person_id, action="person.forgotten", at=now,
                           labs=len(memberships), applications=len(apps))
    return Erased(person_id, len(memberships), len(apps), len(cancelled), replaced)


def _swap(value: Any, names: set[str], ids: set[str]) -> Any:
    if isinstance(value, str):
        for n in sorted(names, key=len, reverse=True):
            value = value.replace(n, FORMER)
        for i in ids:
            value = value.replace(i, "")
        return value
    if isinstance(value, list):
        return [_swap(v, names, ids) for v in value]
    if isinstance(value, dict):
        return {k: _swap(v, names, ids) for k, v in value.items()}
    return value


async def scrub(uow: UnitOfWork, names: set[str], ids: set[str]) -> int:
    """Write over every other place their name or a platform id of theirs is written: each
    text and JSON column of every table (minutes' text, audit details, payloads), but the
    ones README says are kept."""
    needles = {n for n in names | ids if len(n) >= 3}
    if not needles:
        return 0
    s = uow.session
    count = 0
    for table in Base.metadata.sorted_tables:
        if table.name in UNTOUCHED:
            continue
        keys = list(table.primary_key.columns)
        for column in table.columns:
            if column.primary_key or column.foreign_keys or isinstance(column.type, Enum):
                continue
            if isinstance(column.type, JSON):
                escaped = {json.dumps(n)[1:-1] for n in needles} | needles
                cond = or_(*(func.cast(column, Text).contains(n) for n in escaped))
                rows = (await s.execute(select(*keys, column).where(cond))).all()
                for row in rows:
                    new = _swap(row[-1], names, ids)
                    if new != row[-1]:
                        where = [k == row[n] for n, k in enumerate(keys)]
                        await s.execute(update(table).where(*where).values({column.key: new}))
                        count += 1
            elif isinstance(column.type, String | Text):
                for n in sorted(names, key=len, reverse=True):
                    r = await s.execute(update(table).where(column.contains(n))
                                        .values({column.key: func.replace(column, n, FORMER)}))
                    count += getattr(r, "rowcount", 0) or 0
                for i in ids:
                    if len(i) < 3:
                        continue
                    r = await s.execute(update(table).where(column.contains(i))
                                        .values({column.key: func.replace(column, i, "")}))
                    count += getattr(r, "rowcount", 0) or 0
    return count
