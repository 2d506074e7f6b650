"""The call's controls: Apply on the call's card, the form's pages, change, score, accept,
decline, and the invitation's "I accept and join".

Their scope is "call" or "application": usable in the lab's channels and in the direct
messages of whoever they concern (applicants and reviewers are not members). Each handler
checks it is theirs; anything else is refused like a stale control."""

from __future__ import annotations

from typing import Any

from bot import action_ids
from bot.domain import applications as rules
from bot.domain.applications import ApplicationStatus
from bot.domain.lab import Role, counted_members
from bot.errors import Conflict, StaleControl, UserError
from bot.events import MemberJoined
from bot.features.applications.cards import (
    apply_form,
    mine_card,
    next_page_card,
)
from bot.features.applications.commands import (
    accept_application,
    decline_application,
    open_application,
    read_scores,
    review_reply,
    shortlist_reply,
)
from bot.features.applications.service import (
    application_of_action,
    call_of_action,
    keep_answers,
    own_application,
    questions,
    require_review,
    score,
)
from bot.i18n import _
from bot.messages import Card, Form, Header, Input, Reply, Text, shorten
from bot.router import Call, Router
from storage.models import Application, Membership

router = Router()


def _mode_page(call: Call[Any]) -> tuple[str, int]:
    arg = (call.action.arg if call.action is not None else None) or "n1"
    mode, digits = arg[:1], arg[1:]
    if mode not in ("n", "c") or not digits.isdigit():
        raise StaleControl()
    return mode, int(digits)


@router.action("app.apply", scope="call", access="lab")
async def apply_pressed(call: Call[Any]) -> Reply:
    lab_call = await call_of_action(call)
    return await open_application(call, call.the_lab, lab_call)


@router.action("app.page", scope="call", access="lab")
async def next_page(call: Call[Any]) -> Reply:
    lab_call = await call_of_action(call)
    mode, page = _mode_page(call)
    pages = rules.pages(questions(lab_call))
    if not 1 <= page <= len(pages):
        raise StaleControl()
    mine = await call.uow.applications.of_person(lab_call.id, call.person.id)
    answers = dict(mine.answers) if mine is not None else {}
    return Reply(form=apply_form(call.the_lab, lab_call, page, call.zone, answers, mode))


@router.action("app.change", scope="application", access="lab")
async def change(call: Call[Any]) -> Reply:
    mine = await own_application(call)
    lab_call = await call.uow.applications.call(mine.call_id)
    if lab_call is None:
        raise StaleControl()
    refusal = rules.apply_refusal(now=call.now, closes_at=lab_call.closes_at,
                                  status=lab_call.status, already=True, changing=True)
    if refusal or mine.status is not ApplicationStatus.SUBMITTED:
        raise Conflict(refusal or _("Your application has been decided; it can no longer "
                       "change."))
    return Reply(form=apply_form(call.the_lab, lab_call, 1, call.zone, dict(mine.answers),
                                 "c"))


@router.action("app.form", scope="call", access="lab")
async def form_sent(call: Call[Any]) -> Reply:
    """A page of the application form: kept, then the next page or the finished card."""
    lab, lab_call = call.the_lab, await call_of_action(call)
    mode, page = _mode_page(call)
    qs = questions(lab_call)
    pages = rules.pages(qs)
    if not 1 <= page <= len(pages):
        raise StaleControl()
    mine = await call.uow.applications.of_person(lab_call.id, call.person.id)
    already = mine is not None and (mine.complete or (page == 1 and mode == "n"))
    refusal = rules.apply_refusal(now=call.now, closes_at=lab_call.closes_at,
                                  status=lab_call.status, already=already,
                                  changing=mode == "c" or (mine is not None and page > 1))
    if refusal:
        raise Conflict(refusal)
    if call.member is not None:
        raise Conflict(_("You are already a member of {name}; there is nothing to apply "
                       "for.").format(name=lab.name))
    wanted = {q.key for q in pages[page - 1]}
    answers = {k: v.strip() for k, v in call.fields.items() if k in wanted}
    last = page == len(pages)
    refusal = rules.answer_refusal(pages[page - 1], answers, complete=True)
    if refusal:
        raise UserError(refusal + _(" Nothing was sent; press Apply to fill it in again."))
    if mine is None:
        mine = await call.uow.applications.add(Application(
            call_id=lab_call.id, lab_id=lab.id, person_id=call.person.id,
            platform=call.actor.platform, workspace=call.actor.workspace,
            user_id=call.actor.user_id, answers=answers, complete=last,
            status=ApplicationStatus.SUBMITTED, submitted_at=call.now, updated_at=call.now))
        if mine is None:
            raise Conflict(_("You have already applied to this lab. Type `/lab apply` to see "
                           "and change your application until the close."))
        await call.audit("application.sent", application=mine.id, number=mine.number)
    else:
        if mine.status is not ApplicationStatus.SUBMITTED:
            raise Conflict(_("Your application has been decided; it can no longer change."))
        keep_answers(mine, answers, call.now)
        mine.complete = mine.complete or last
        await call.audit("application.changed", application=mine.id, number=mine.number)
    if not last:
        return Reply(card=next_page_card(lab_call, page + 1, len(pages), mode))
    return Reply(card=mine_card(lab, lab_call, mine, call.zone, now=call.now, saved=True))


# --- review --------------------------------------------------------------------------------


@router.action("app.score", scope="application", access="lab")
async def score_pressed(call: Call[Any]) -> Reply:
    a = await application_of_action(call)
    await require_review(call, a.lab_id)
    lab_call = await call.uow.applications.call(a.call_id)
    if lab_call is None:
        raise StaleControl()
    qs = questions(lab_call)
    review = await call.uow.applications.review(a.id, call.person.id)
    given = review.scores if review is not None else {}
    default = " ".join(str(given[q.key]) for q in qs) if all(q.key in given for q in qs) \
        else ""
    return Reply(form=Form(
        action_ids.encode("app.scored", a.id), _("Score #{number}").format(number=a.number)[:24], (
            Input("scores", _("Scores 1-5, in the criteria's order"),
                  placeholder=shorten(" ".join(q.key for q in qs), 100), default=default,
                  max_length=100),
            Input("note", _("Private note"), placeholder=_("Only you see it"), required=False,
                  multiline=True, max_length=rules.NOTE_MAX,
                  default=(review.note or "") if review is not None else ""),
        ), submit_label=_("Save")))


@router.action("app.scored", scope="application", access="lab")
async def score_sent(call: Call[Any]) -> Reply:
    a = await application_of_action(call)
    await require_review(call, a.lab_id)
    lab_call = await call.uow.applications.call(a.call_id)
    if lab_call is None:
        raise StaleControl()
    text = call.fields.get("scores", "").strip()
    note = call.fields.get("note", "")
    scores, _x = read_scores(text, lab_call)
    await score(call, a, scores, note.strip())
    return await review_reply(call, call.the_lab, lab_call, a)


@router.action("app.list", scope="call", access="reviewer")
async def list_pressed(call: Call[Any]) -> Reply:
    return await shortlist_reply(call, call.the_lab, await call_of_action(call))


@router.action("app.accept", scope="application", access="facilitator")
async def accept_pressed(call: Call[Any]) -> Reply:
    a = await application_of_action(call)
    return Reply.say(await accept_application(call, call.the_lab, a))


@router.action("app.decline", scope="application", access="facilitator")
async def decline_pressed(call: Call[Any]) -> Reply:
    a = await application_of_action(call)
    return Reply.say(await decline_application(call, call.the_lab, a))


# --- the invitation ----------------------------------------------------------------------


@router.action("app.join", scope="application", access="lab")
async def join(call: Call[Any]) -> Reply:
    """The invitation's button: the accepted applicant becomes a member."""
    lab = call.the_lab
    a = await own_application(call)
    if a.status is ApplicationStatus.JOINED:
        raise Conflict(_("You are already a member of {name}.").format(name=lab.name))
    if a.status is not ApplicationStatus.ACCEPTED:
        raise StaleControl()
    members = await call.uow.members.active(lab.id)
    counted = counted_members(m.role for m in members)
    if counted >= lab.member_limit:  # the limit was lowered since the invitation
        raise Conflict(_("{name} is full ({member_limit} members) since you were "
                       "invited. A facilitator can raise the limit; your invitation stays.").format(
            name=lab.name, member_limit=lab.member_limit))
    existing = await call.uow.members.get(lab.id, call.person.id)
    if existing is None:
        existing = await call.uow.members.add(Membership(
            lab_id=lab.id, person_id=call.person.id, role=Role.MEMBER, active=True,
            accepted_at=call.now))
    else:
        existing.active, existing.role = True, Role.MEMBER
        existing.accepted_at, existing.left_at = call.now, None
    call.member = existing
    a.status, a.joined_at = ApplicationStatus.JOINED, call.now
    await call.audit("member.joined", application=a.id)
    await call.emit(MemberJoined(lab_id=lab.id, person_id=call.person.id))
    text = (_("*{display_name}* joined {name} ({value} of "
            "{member_limit} members).").format(
        display_name=call.person.display_name, name=lab.name, value=counted + 1,
        member_limit=lab.member_limit))
    call.announce(lambda: Card((Text(text),), fallback=_("{display_name} joined {name}.").format(
        display_name=call.person.display_name, name=lab.name)))
    return Reply(card=Card((Header(shorten(_("Welcome to {name}").format(name=lab.name), 150)),
                            Text(_("Type `/lab help` in the lab's channel to see what you can "
                                 "do."))), fallback=_("Welcome to {name}").format(
                                     name=lab.name)), replace=True)

