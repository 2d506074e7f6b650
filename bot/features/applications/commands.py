"""The call's commands: open a call, show it, apply, add reviewers, read, score, shortlist,
accept and decline."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field

from bot.arguments import Args, Kw, Pos, Rest
from bot.domain import applications as rules
from bot.domain.applications import ApplicationRefused, ApplicationStatus, CallStatus
from bot.domain.reminders import ReminderKind, ReminderStatus
from bot.errors import BadArguments, Conflict, NoLabHere, NotFound, UserError
from bot.features import reminders
from bot.features.applications.cards import (
    apply_form,
    call_card,
    closes_text,
    declined_card,
    invitation_card,
    mine_card,
    review_card,
    shortlist_card,
)
from bot.features.applications.service import (
    by_number,
    current_call,
    decide,
    notify_after_commit,
    places,
    questions,
    recipient,
    score,
)
from bot.i18n import N_, _
from bot.messages import Reply
from bot.router import Call, Router
from storage.models import Application, Lab, LabCall, Person, Reminder

router = Router()


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadArguments(_("`{text}` is not a date for {what}; write it as YYYY-MM-DD, e.g. "
                           "`2027-02-24`.").format(text=text, what=what)) from None


# --- opening a call ------------------------------------------------------------------------


class OpenArgs(Args):
    closes: Annotated[str, Kw("YYYY-MM-DD", words=1)]
    hear: Annotated[str, Kw("YYYY-MM-DD", words=1)]
    questions: Annotated[str | None, Kw("label: question | ..."),
                         Field(min_length=1, max_length=4000)] = None


@router.command(
    "membership open", args=OpenArgs, aliases=("call open",),
    access="facilitator", topic="applications", in_direct=False,
    summary=N_("Open a call for applications: when it closes and when applicants hear back."),
    examples=("/lab call open closes 2027-02-24 hear 2027-03-10",),
)
async def open_call(call: Call[OpenArgs]) -> Reply:
    lab = call.the_lab
    zone = ZoneInfo(lab.timezone)
    closes_day, hear_by = _day(call.args.closes, _("the close")), _day(call.args.hear, _("hear by"))
    # "by the end of 24 November": the close is the end of that day in the lab's zone.
    closes_at = datetime.combine(closes_day + timedelta(days=1), time(0, 0), tzinfo=zone) \
        .astimezone(UTC)
    if closes_at <= call.now:
        raise UserError(_("{closes_day:%d %B %Y} has passed in {timezone}; choose a closing "
                        "date to come.").format(closes_day=closes_day, timezone=lab.timezone))
    if hear_by < closes_day:
        raise UserError(_("Applicants cannot hear back before applications close: choose a "
                        "\"hear\" date on or after {closes_day:%d %B %Y}.").format(
            closes_day=closes_day))
    latest = await call.uow.applications.latest_call(lab.id)
    if latest is not None and latest.status is CallStatus.OPEN and call.now < latest.closes_at:
        raise Conflict(_("Call {number} is still open (it closes "
                       "{closes_text}). Open a new one after it closes.").format(
            number=latest.number, closes_text=closes_text(latest, call.zone)))
    try:
        qs = rules.parse_questions(call.args.questions) if call.args.questions else \
            rules.DEFAULT_QUESTIONS
    except ApplicationRefused as exc:
        raise UserError(exc.message) from None
    lab_call = await call.uow.applications.add_call(LabCall(
        lab_id=lab.id, status=CallStatus.OPEN, questions=rules.questions_to_json(qs),
        closes_at=closes_at, hear_by=hear_by, created_at=call.now,
        created_by_id=call.person.id,
    ))
    await call.audit("call.opened", call=lab_call.id, closes=closes_day.isoformat(),
                     hear_by=hear_by.isoformat())
    await _remind_facilitators(call, lab, lab_call)
    return call.publish(lambda: call_card(lab, lab_call, call.zone))


async def _remind_facilitators(call: Call[Any], lab: Lab, lab_call: LabCall) -> None:
    """A nudge to each facilitator before the promised date, sent only if someone is still
    undecided then (the "call" subject's `pending`)."""
    moment = rules.reminder_moment(lab_call.hear_by, lab.timezone, call.now)
    if moment is None:
        return
    rows = []
    for m in await call.uow.members.active(lab.id):
        if m.role.value != "facilitator":
            continue
        rows.append(await call.uow.reminders.add(Reminder(
            lab_id=lab.id, kind=ReminderKind.NUDGE, recipient_id=m.person_id,
            subject_kind="call", subject_id=lab_call.id,
            subject_at=rules.hear_by_end(lab_call.hear_by, lab.timezone), text="",
            due_at=moment, next_at=moment, status=ReminderStatus.PENDING,
            created_at=call.now)))
    reminders.arm_after_commit(call.ctx, call.uow, rows)


@router.command("membership call", aliases=("call",),
                access="lab", topic="applications", in_direct=False,
                summary=N_("Show the lab's call for applications, with its Apply button."))
async def show_call(call: Call[Any]) -> Reply:
    lab = call.the_lab
    return Reply(card=call_card(lab, await current_call(call, lab), call.zone))


# --- applying ------------------------------------------------------------------------------


async def _reachable_call(call: Call[Any]) -> tuple[Lab, LabCall]:
    """The call `/lab apply` means: the lab's of this channel; in a direct message, the one
    open call of a lab that has a channel in this workspace."""
    if call.lab is not None:
        return call.lab, await current_call(call, call.lab)
    if not call.place.direct:
        raise NoLabHere()
    found: list[tuple[Lab, LabCall]] = []
    for lab_call in await call.uow.applications.open_calls():
        if call.now >= lab_call.closes_at:
            continue
        lab = await call.uow.labs.get(lab_call.lab_id)
        if lab is None:
            continue
        channels = await call.uow.labs.channels(lab.id)
        if any(c.platform == call.place.platform and c.workspace == call.place.workspace
               for c in channels):
            found.append((lab, lab_call))
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(_("No lab here is taking applications now."))
    raise UserError(_("Several labs are taking applications: type `/lab apply` in the channel "
                    "of the one you want to join, or press Apply on its call."))


async def open_application(call: Call[Any], lab: Lab, lab_call: LabCall) -> Reply:
    """Your application if you have made one (to see and change), else the form."""
    mine = await call.uow.applications.of_person(lab_call.id, call.person.id)
    if mine is not None and mine.complete:
        card = mine_card(lab, lab_call, mine, call.zone, now=call.now)
        refusal = rules.apply_refusal(now=call.now, closes_at=lab_call.closes_at,
                                      status=lab_call.status, already=True, changing=False)
        if refusal and call.now < lab_call.closes_at:
            return Reply(text=refusal).then(Reply(card=card))
        return Reply(card=card)
    refusal = rules.apply_refusal(now=call.now, closes_at=lab_call.closes_at,
                                  status=lab_call.status, already=False, changing=False)
    if refusal:
        raise Conflict(refusal)
    if call.member is not None:
        raise Conflict(_("You are already a member of {name}; there is nothing to apply "
                       "for.").format(name=lab.name))
    answers = dict(mine.answers) if mine is not None else {}
    return Reply(form=apply_form(lab, lab_call, 1, call.zone, answers,
                                 "n" if mine is None else "c"))


@router.command("membership apply", aliases=("apply",), access="anyone", topic="applications",
                summary=N_("Apply to join the lab, or see and change your application."))
async def apply(call: Call[Any]) -> Reply:
    lab, lab_call = await _reachable_call(call)
    return await open_application(call, lab, lab_call)


# --- reviewers -----------------------------------------------------------------------------

_MENTION = re.compile(r"^<@!?([A-Z0-9a-z_.-]+)(?:\|[^>]*)?>$")


class ReviewerArgs(Args):
    change: Annotated[Literal["add", "remove"], Pos("add|remove")]
    who: Annotated[str, Rest("name"), Field(min_length=1, max_length=200)]


async def _find_person(call: Call[ReviewerArgs]) -> Person:
    text = call.args.who.strip()
    mention = _MENTION.match(text)
    if mention:
        person = await call.uow.people.by_identity(call.actor.platform, call.actor.workspace,
                                                   mention.group(1))
        if person is None:
            raise NotFound(_("I have not met that person yet. Ask them to send me any "
                           "command (`/lab help`), then add them again."))
        return person
    found = await call.uow.applications.people_named(text.removeprefix("@"))
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(_("I know nobody called `{text}`. Ask them to send me any command "
                       "(`/lab help`) first, or name them with an @mention.").format(text=text))
    raise UserError(_("Several people are called `{text}`: name them with an @mention.").format(
        text=text))


@router.command("membership reviewer", aliases=("reviewer",), args=ReviewerArgs,
                access="facilitator", topic="applications",
                usage_line="reviewer add|remove <name>",
                summary=N_("Let someone of the steering group read and score applications, or "
                        "stop them."),
                examples=("/lab reviewer add Rosa Steer",))
async def reviewer(call: Call[ReviewerArgs]) -> Reply:
    lab = call.the_lab
    person = await _find_person(call)
    if call.args.change == "remove":
        if not await call.uow.applications.remove_reviewer(lab.id, person.id):
            raise NotFound(_("{display_name} does not review {name}'s "
                           "applications.").format(display_name=person.display_name, name=lab.name))
        await call.audit("reviewer.removed", person=person.id)
        return Reply.say(_("{display_name} no longer reviews {name}'s "
                         "applications; their scores stay.").format(
            display_name=person.display_name, name=lab.name))
    member = await call.uow.members.get(lab.id, person.id)
    if member is not None and member.active:
        raise Conflict(_("{display_name} is a member of {name}; reviewers are the "
                       "steering group, from outside the lab. Facilitators review already.").format(
            display_name=person.display_name, name=lab.name))
    if not await call.uow.applications.add_reviewer(lab.id, person.id, call.person.id,
                                                    call.now):
        raise Conflict(_("{display_name} already reviews {name}'s applications.").format(
            display_name=person.display_name, name=lab.name))
    await call.audit("reviewer.added", person=person.id)
    return Reply.say(_("{display_name} can now read and score {name}'s applications "
                     "(`/lab applications`), and nothing else of the lab.").format(
        display_name=person.display_name, name=lab.name))


# --- review ------------------------------------------------------------------------------


async def review_reply(call: Call[Any], lab: Lab, lab_call: LabCall, a: Application) -> Reply:
    reviews = await call.uow.applications.reviews([a.id])
    names = await call.uow.people.names([r.reviewer_id for r in reviews if r.reviewer_id]
                                        + [a.person_id])
    person = await call.uow.people.get(a.person_id)
    facilitator = call.member is not None and call.member.role.value == "facilitator"
    return Reply(card=review_card(lab, lab_call, a, names.get(a.person_id, "?"),
                                  person.timezone if person else None, reviews,
                                  call.person.id, names, facilitator=facilitator))


@router.command("membership list", aliases=("applications",),
                access="reviewer", topic="applications",
                summary=N_("The ranked shortlist: scores side by side, each applicant's window."))
async def applications(call: Call[Any]) -> Reply:
    lab = call.the_lab
    return await shortlist_reply(call, lab, await current_call(call, lab))


async def shortlist_reply(call: Call[Any], lab: Lab, lab_call: LabCall) -> Reply:
    rows = [a for a in await call.uow.applications.of_call(lab_call.id) if a.complete]
    reviews = await call.uow.applications.reviews([a.id for a in rows])
    scores = [(r.application_id, r.reviewer_id or 0, str(k), int(v))
              for r in reviews for k, v in r.scores.items()]
    ranked = rules.rank([(a.id, a.number) for a in rows], scores)
    people = {a.person_id: await call.uow.people.get(a.person_id) for a in rows}
    names = {pid: p.display_name for pid, p in people.items() if p is not None}
    zones = {pid: p.timezone for pid, p in people.items() if p is not None}
    p = await places(call.uow, lab)
    return Reply(card=shortlist_card(lab, lab_call, ranked, {a.id: a for a in rows}, names,
                                     zones, p.counted, p.holding))


class NumberArgs(Args):
    number: Annotated[int, Pos("n")]


@router.command("membership read", aliases=("application",), args=NumberArgs,
                access="reviewer", topic="applications",
                summary=N_("Read one application, with the scores so far."))
async def application(call: Call[NumberArgs]) -> Reply:
    lab = call.the_lab
    lab_call = await current_call(call, lab)
    return await review_reply(call, lab, lab_call, await by_number(call, lab_call,
                                                                   call.args.number))


class ScoreArgs(Args):
    number: Annotated[int, Pos("n")]
    scores: Annotated[str, Rest(N_("scores [note ...]")), Field(min_length=1, max_length=800)]


def read_scores(text: str, lab_call: LabCall) -> tuple[dict[str, int], str | None]:
    """`4 3 5 2 4 note ...` (every criterion in order) or `interest 4 note ...` (one)."""
    body, sep, note = text.partition(" note ")
    if not sep and text.strip().startswith("note "):
        body, note, sep = "", text.strip()[5:], " note "
    qs = questions(lab_call)
    words = body.split()
    if words and not words[0].isdigit() and not words[0].lstrip("-").isdigit():
        key = words[0].casefold()
        value = words[1] if len(words) > 1 else ""
        refusal = rules.score_refusal(value, qs, key) if len(words) == 2 else (
            _("Give one criterion and one score, e.g. `interest 4`. The criteria: "
            "{names}.").format(names=', '.join(q.key for q in qs)))
        if refusal:
            raise UserError(refusal)
        return {key: int(value)}, (note.strip() if sep else None)
    try:
        values = rules.parse_scores(body, qs) if words else []
    except ApplicationRefused as exc:
        raise UserError(exc.message) from None
    if not values and not sep:
        raise UserError(_("Give the scores, e.g. `/lab score 2 4 3 5 2 4 note Strong on "
                        "procurement`."))
    return {q.key: v for q, v in zip(qs, values, strict=False)}, (note.strip() if sep else None)


@router.command("membership score", aliases=("score",), args=ScoreArgs,
                access="reviewer", topic="applications",
                summary=N_("Score an application against each criterion, 1 to 5, with a note."),
                examples=("/lab score 2 4 3 5 2 4 note Strong on procurement",
                          "/lab score 2 interest 5"))
async def score_command(call: Call[ScoreArgs]) -> Reply:
    lab = call.the_lab
    lab_call = await current_call(call, lab)
    a = await by_number(call, lab_call, call.args.number)
    scores, note = read_scores(call.args.scores, lab_call)
    await score(call, a, scores, note)
    return await review_reply(call, lab, lab_call, a)


# --- decisions -----------------------------------------------------------------------------


async def accept_application(call: Call[Any], lab: Lab, a: Application) -> str:
    await decide(call, lab, a, ApplicationStatus.ACCEPTED)
    notify_after_commit(call, recipient(a), invitation_card(lab, a))
    names = await call.uow.people.names([a.person_id])
    return (_("Accepted #{number} ({get}): their invitation is on "
            "its way; they become a member when they accept it.").format(
        number=a.number, get=names.get(a.person_id, '?')))


async def decline_application(call: Call[Any], lab: Lab, a: Application) -> str:
    await decide(call, lab, a, ApplicationStatus.DECLINED)
    notify_after_commit(call, recipient(a), declined_card(lab))
    names = await call.uow.people.names([a.person_id])
    return (_("Declined #{number} ({get}); they have been told, "
            "kindly.").format(number=a.number, get=names.get(a.person_id, '?')))


@router.command("membership accept", aliases=("accept",), args=NumberArgs,
                access="facilitator", topic="applications",
                summary=N_("Accept an application: the applicant is invited to join."))
async def accept(call: Call[NumberArgs]) -> Reply:
    lab = call.the_lab
    lab_call = await current_call(call, lab)
    a = await by_number(call, lab_call, call.args.number)
    return Reply.say(await accept_application(call, lab, a))


@router.command("membership decline", aliases=("decline",), args=NumberArgs,
                access="facilitator", topic="applications",
                summary=N_("Decline an application: the applicant gets a kind message."))
async def decline(call: Call[NumberArgs]) -> Reply:
    lab = call.the_lab
    lab_call = await current_call(call, lab)
    a = await by_number(call, lab_call, call.args.number)
    return Reply.say(await decline_application(call, lab, a))


