"""Loading a lab's call and its applications, and the state changes the commands and the
controls share: keep answers, score, decide, notify privately."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.domain import applications as rules
from bot.domain.applications import ApplicationStatus, CallStatus, Question
from bot.domain.lab import Role, counted_members
from bot.errors import Conflict, NotFound, StaleControl, UserError
from bot.i18n import _
from bot.messages import Card, Recipient
from bot.router import Call
from storage.models import Application, ApplicationReview, Lab, LabCall
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def questions(lab_call: LabCall) -> tuple[Question, ...]:
    return rules.questions_from_json(lab_call.questions)


async def current_call(call: Call[Any], lab: Lab) -> LabCall:
    found = await call.uow.applications.latest_call(lab.id)
    if found is None:
        raise NotFound(_("{name} has no call for applications. A facilitator can open one "
                       "with `/lab call open closes <YYYY-MM-DD> hear <YYYY-MM-DD>`.").format(
            name=lab.name))
    return found


async def call_of_action(call: Call[Any]) -> LabCall:
    found = await call.uow.applications.call(call.ref)
    if found is None:
        raise StaleControl()
    return found


async def application_of_action(call: Call[Any]) -> Application:
    found = await call.uow.applications.get(call.ref)
    if found is None:
        raise StaleControl()
    return found


async def own_application(call: Call[Any]) -> Application:
    """The application a control names, if it is the caller's; anyone else's is refused
    exactly like an unknown control (nothing about other applicants is ever shown)."""
    found = await application_of_action(call)
    if found.person_id != call.person.id:
        raise StaleControl()
    return found


async def by_number(call: Call[Any], lab_call: LabCall, number: int) -> Application:
    found = await call.uow.applications.by_number(lab_call.id, number)
    if found is None or not found.complete:
        raise NotFound(_("Call {number} has no application #{number2}. Type "
                       "`/lab applications` for the list.").format(
            number=lab_call.number, number2=number))
    return found


async def can_review(uow: UnitOfWork, lab_id: int, person_id: int) -> bool:
    member = await uow.members.get(lab_id, person_id)
    if member is not None and member.active and member.role is Role.FACILITATOR:
        return True
    return await uow.applications.is_reviewer(lab_id, person_id)


async def require_review(call: Call[Any], lab_id: int) -> None:
    if not await can_review(call.uow, lab_id, call.person.id):
        raise StaleControl()


def recipient(application: Application) -> Recipient:
    return Recipient(application.platform, application.workspace,  # type: ignore[arg-type]
                     application.user_id)


def notify_after_commit(call: Call[Any], to: Recipient, card: Card) -> None:
    """Send `card` privately once the decision is committed; a failure is logged (the
    decision stands, and the applicant can ask with `/lab apply`)."""
    ctx = call.ctx

    async def send() -> None:
        try:
            await ctx.messengers.notify(to, card)
        except Exception:
            log.exception("could not send an application message to %s", to.platform)

    call.uow.after_commit(send)


def keep_answers(application: Application, answers: dict[str, str], now: Any) -> None:
    merged = dict(application.answers)
    merged.update(answers)
    application.answers = merged
    application.updated_at = now


async def score(call: Call[Any], application: Application, scores: dict[str, int],
                note: str | None) -> ApplicationReview:
    if note is not None and len(note) > rules.NOTE_MAX:
        raise UserError(_("Your note is {count} characters; keep it to {NOTE_MAX}. "
                        "Nothing was changed.").format(count=len(note), NOTE_MAX=rules.NOTE_MAX))
    review = await call.uow.applications.review(application.id, call.person.id)
    if review is None:
        review = await call.uow.applications.add_review(ApplicationReview(
            application_id=application.id, reviewer_id=call.person.id, scores=dict(scores),
            note=note or None, updated_at=call.now))
    else:
        merged = dict(review.scores)
        merged.update(scores)
        review.scores = merged
        if note is not None:
            review.note = note or None
        review.updated_at = call.now
    await call.audit("application.scored", application=application.id,
                     number=application.number, criteria=sorted(scores))
    return review


@dataclass(frozen=True)
class Places:
    counted: int
    holding: int
    limit: int


async def places(uow: UnitOfWork, lab: Lab) -> Places:
    roles = [m.role for m in await uow.members.active(lab.id)]
    return Places(counted_members(roles), await uow.applications.holding(lab.id),
                  lab.member_limit)


async def decide(call: Call[Any], lab: Lab, application: Application,
                 wanted: ApplicationStatus) -> None:
    """Accept (within the limit) or decline; raises a UserError and changes nothing if
    the rules say no."""
    refusal = rules.decision_refusal(application.status, wanted)
    if refusal:
        raise Conflict(refusal)
    if wanted is ApplicationStatus.ACCEPTED:
        p = await places(call.uow, lab)
        refusal = rules.accept_refusal(counted=p.counted, holding=p.holding, limit=p.limit)
        if refusal:
            raise Conflict(refusal)
    application.status, application.decided_at = wanted, call.now
    application.decided_by_id = call.person.id
    await call.audit(f"application.{wanted.value}", application=application.id,
                     number=application.number)
    lab_call = await call.uow.applications.call(application.call_id)
    if lab_call is not None and lab_call.status is CallStatus.OPEN and call.now >= \
            lab_call.closes_at:
        rest = [a for a in await call.uow.applications.of_call(lab_call.id)
                if a.complete and a.status in rules.UNDECIDED]
        if not rest:
            lab_call.status, lab_call.decided_at = CallStatus.DECIDED, call.now
