"""Everything the bot holds about one person, as one JSON document (`/lab mydata`).

Only their own data: their identities, memberships and roles, answers, ballots in open
votes (theirs to change), applications (their answers, the decision and the scores given,
without who gave them or the reviewers' private notes), action items, reminders for them
or set by them, minutes entries they wrote and audit entries about them. A closed vote's
ballots are anonymised at the close, so it appears only as "you voted in vote 3"."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from bot.domain.votes import VoteStatus
from bot.i18n import _
from storage.models import (
    ActionItem,
    AuditEntry,
    Ballot,
    Membership,
    MinuteEntry,
    Poll,
    PollAnswer,
    PollSlot,
    Reminder,
    Vote,
)
from storage.uow import UnitOfWork


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def collect(uow: UnitOfWork, person_id: int, now: datetime) -> dict[str, Any]:
    s = uow.session
    person = await uow.people.get(person_id)
    assert person is not None
    labs: dict[int, str] = {}

    async def lab_name(lab_id: int | None) -> str | None:
        if lab_id is None:
            return None
        if lab_id not in labs:
            lab = await uow.labs.get(lab_id)
            labs[lab_id] = lab.name if lab else f"lab {lab_id}"
        return labs[lab_id]

    memberships = []
    for m in (await s.scalars(select(Membership).where(Membership.person_id == person_id)
                              .order_by(Membership.id))).unique().all():
        memberships.append({"lab": await lab_name(m.lab_id), "role": m.role.value,
                            "active": m.active, "accepted_at": _when(m.accepted_at),
                            "left_at": _when(m.left_at)})
    answers = []
    rows = (await s.execute(
        select(PollAnswer, PollSlot, Poll).join(PollSlot, PollSlot.id == PollAnswer.slot_id)
        .join(Poll, Poll.id == PollAnswer.poll_id).where(PollAnswer.person_id == person_id)
        .order_by(PollAnswer.id))).all()
    for answer, slot, poll in rows:
        answers.append({"lab": await lab_name(poll.lab_id), "poll": poll.number,
                        "poll_title": poll.title, "slot": slot.number,
                        "slot_starts_at": _when(slot.starts_at), "answer": str(answer.answer)})
    ballots = []
    for ballot, vote in (await s.execute(
            select(Ballot, Vote).join(Vote, Vote.id == Ballot.vote_id)
            .where(Ballot.person_id == person_id).order_by(Ballot.id))).all():
        ballots.append({"lab": await lab_name(vote.lab_id), "vote": vote.number,
                        "question": vote.question, "ranking": list(ballot.ranking),
                        "cast_at": _when(ballot.cast_at)})
    audit = (await s.scalars(select(AuditEntry).where(AuditEntry.actor_id == person_id)
                             .order_by(AuditEntry.id))).all()
    # A closed vote's ballots no longer say whose they are: only that they voted.
    voted: list[str] = []
    for e in audit:
        if e.action not in ("vote.ballot", "vote.voted") or e.lab_id is None:
            continue
        number = e.detail.get("vote")
        found = (await s.scalars(select(Vote).where(Vote.lab_id == e.lab_id,
                                                    Vote.number == number))).first()
        said = _("you voted in vote {number} of {value}").format(
            number=number, value=await lab_name(e.lab_id))
        if found is not None and found.status is VoteStatus.CLOSED and said not in voted:
            voted.append(said)
    applications = []
    for a in await uow.applications.by_person(person_id):
        lab_call = await uow.applications.call(a.call_id)
        reviews = await uow.applications.reviews([a.id])
        applications.append({
            "lab": await lab_name(a.lab_id), "call": lab_call.number if lab_call else None,
            "number": a.number, "answers": dict(a.answers), "status": a.status.value,
            "applied_from": {"platform": a.platform, "workspace": a.workspace,
                             "user_id": a.user_id},
            "submitted_at": _when(a.submitted_at), "updated_at": _when(a.updated_at),
            "decided_at": _when(a.decided_at), "joined_at": _when(a.joined_at),
            "scores_given": [dict(r.scores) for r in reviews],
        })
    reviewing = [await lab_name(r.lab_id) for r in await uow.applications.reviewing(person_id)]
    items = (await s.scalars(select(ActionItem).where(ActionItem.owner_id == person_id)
                             .order_by(ActionItem.id))).unique().all()
    reminders = (await s.scalars(select(Reminder).where(
        or_(Reminder.recipient_id == person_id, Reminder.author_id == person_id))
        .order_by(Reminder.id))).all()
    entries = (await s.scalars(select(MinuteEntry).where(MinuteEntry.author_id == person_id)
                               .order_by(MinuteEntry.id))).all()
    return {
        "generated_at": _when(now),
        "person": {"name": person.display_name, "time_zone": person.timezone,
                   "time_zone_source": person.timezone_source.value
                   if person.timezone_source else None,
                   "first_seen_at": _when(person.created_at)},
        "identities": [{"platform": i.platform, "workspace": i.workspace,
                        "user_id": i.user_id, "name": i.display_name}
                       for i in await uow.people.identities([person_id])],
        "memberships": memberships,
        "reviewer_of": reviewing,
        "poll_answers": answers,
        "ballots_in_open_votes": ballots,
        "closed_votes": voted,
        "applications": applications,
        "action_items": [{"lab": await lab_name(i.lab_id), "text": i.entry.text,
                          "due": _when(i.due), "status": i.status.value,
                          "done_at": _when(i.done_at)} for i in items],
        "reminders": [{"lab": await lab_name(r.lab_id),
                       "for_you": r.recipient_id == person_id,
                       "set_by_you": r.author_id == person_id, "kind": r.kind.value,
                       "text": r.text, "due_at": _when(r.due_at), "status": r.status.value}
                      for r in reminders],
        "minutes_entries": [{"kind": e.kind.value, "text": e.text, "author_name": e.author_name}
                            for e in entries],
        "audit": [{"lab": await lab_name(e.lab_id), "action": e.action, "at": _when(e.at)}
                  for e in audit],
    }


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
