"""The cards of a call: the call itself (with Apply), an applicant's own application, the
application as reviewers read it, the ranked shortlist, the invitation and the kind no."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot import action_ids
from bot.domain import applications as rules
from bot.domain.applications import ApplicationStatus, Question, Ranked
from bot.domain.zones import format_local
from bot.i18n import _
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Context,
    Fields,
    Form,
    Header,
    Input,
    Limits,
    Text,
    shorten,
)
from storage.models import Application, ApplicationReview, Lab, LabCall

_ANSWER_BUDGET = 4200  # of a card's 6000 characters, for the answers together


def hear_by_text(lab_call: LabCall) -> str:
    return f"{lab_call.hear_by:%A %d %B %Y}"


def closes_text(lab_call: LabCall, zone: str) -> str:
    return format_local(lab_call.closes_at, zone)


def window_for(zone: str, lab_call: LabCall) -> str:
    return rules.meeting_window_in(zone, lab_call.closes_at.date())


def _answer(application: Application, key: str, budget: int) -> str:
    return shorten(str(application.answers.get(key, "")) or _("(no answer)"), budget)


def call_card(lab: Lab, lab_call: LabCall, zone: str) -> Card:
    qs = rules.questions_from_json(lab_call.questions)
    asks = "\n".join(f"• {q.text}" for q in qs)
    return Card((
        Header(shorten(_("Apply to join {name}").format(name=lab.name), Limits.HEADER)),
        Text(shorten(_("We are looking for up to {member_limit} people. The form asks:\n"
                     "{asks}").format(member_limit=lab.member_limit, asks=asks), Limits.TEXT)),
        Fields((
            (_("Applications close"), closes_text(lab_call, zone)),
            (_("You will hear by"), hear_by_text(lab_call)),
        )),
        Context(_("Type `/lab apply` or press Apply. Only the programme team and the "
                "steering group read applications.")),
        Buttons((Button(_("Apply"), action_ids.encode("app.apply", lab_call.id),
                        style="primary"),)),
    ), fallback=_("Apply to join {name}, until {closes_text}").format(
        name=lab.name, closes_text=closes_text(lab_call, zone)))


def label_for(q: Question, zone: str, lab_call: LabCall) -> str:
    if not q.availability:
        return q.label
    local = rules.meeting_window_in(zone, lab_call.closes_at.date()).split(" (")[0]
    return shorten(_("2 meetings 09-18 GMT = {local}?").format(local=local), Limits.INPUT_LABEL)


def apply_form(lab: Lab, lab_call: LabCall, page: int, zone: str,
               answers: Mapping[str, str], mode: str) -> Form:
    """One page (five questions at most) of the application form. `mode` "n": a new
    application, "c": a change to one."""
    pages = rules.pages(rules.questions_from_json(lab_call.questions))
    inputs = []
    for q in pages[page - 1]:
        hint = (_("Your zone, {zone}: {window_for}").format(
            zone=zone, window_for=window_for(zone, lab_call)) if q.availability
                else q.text)
        inputs.append(Input(name=q.key, label=label_for(q, zone, lab_call),
                            placeholder=shorten(hint, Limits.PLACEHOLDER),
                            default=shorten(str(answers.get(q.key, "")), rules.ANSWER_MAX),
                            multiline=True, max_length=rules.ANSWER_MAX))
    title = _("Apply") if len(pages) == 1 else _("Apply ({page} of {count})").format(
        page=page, count=len(pages))
    return Form(action_ids.encode("app.form", lab_call.id, f"{mode}{page}"), title,
                tuple(inputs), submit_label=_("Send") if page == len(pages) else _("Next"))


def next_page_card(lab_call: LabCall, page: int, pages: int, mode: str) -> Card:
    return Card((
        Text(_("Page {value} of {pages} is saved. Press Continue for the next questions.").format(
            value=page - 1, pages=pages)),
        Buttons((Button(_("Continue ({page} of {pages})").format(page=page, pages=pages),
                        action_ids.encode("app.page", lab_call.id, f"{mode}{page}"),
                        style="primary"),)),
    ), fallback=_("Continue your application"))


def mine_card(lab: Lab, lab_call: LabCall, application: Application, zone: str,
              *, now: datetime, saved: bool = False) -> Card:
    """What an applicant sees of their own application (never anything of anyone else)."""
    qs = rules.questions_from_json(lab_call.questions)
    budget = max(200, _ANSWER_BUDGET // max(1, len(qs)))
    answers = "\n".join(
        f"*{q.label}*\n{_answer(application, q.key, budget)}"
        for q in qs)
    status = {
        ApplicationStatus.SUBMITTED: _("Received; waiting for the decision."),
        ApplicationStatus.ACCEPTED: _("Accepted: your invitation is in your direct messages."),
        ApplicationStatus.DECLINED: _("Not chosen this time."),
        ApplicationStatus.JOINED: _("Accepted, and you are a member."),
    }[application.status]
    open_now = now < lab_call.closes_at and application.status is ApplicationStatus.SUBMITTED
    blocks: list[Block] = [
        Header(shorten(_("Your application to {name}").format(name=lab.name), Limits.HEADER)),
        Text(shorten(answers, Limits.TEXT)),
        Fields(((_("Status"), status), (_("You will hear by"), hear_by_text(lab_call)),
                (_("Changes possible until"), closes_text(lab_call, zone)))),
    ]
    if saved:
        blocks.insert(1, Context(_("Saved. Thank you for applying.")))
    if open_now:
        blocks.append(Buttons((Button(_("Change my application"),
                                      action_ids.encode("app.change", application.id)),)))
    return Card(tuple(blocks), fallback=_("Your application to {name}").format(name=lab.name))


def _scores_line(qs: Sequence[Question], scores: Mapping[str, object]) -> str:
    return ", ".join(f"{q.key} {scores[q.key]}" for q in qs if q.key in scores) or _("none yet")


def review_card(lab: Lab, lab_call: LabCall, application: Application, name: str,
                zone: str | None, reviews: Sequence[ApplicationReview], me: int,
                names: Mapping[int, str], *, facilitator: bool) -> Card:
    """One application as reviewers read it: the answers, the applicant's meeting window in
    their zone, each reviewer's scores (notes are private: only your own is shown)."""
    qs = rules.questions_from_json(lab_call.questions)
    budget = max(200, (_ANSWER_BUDGET - 800) // max(1, len(qs)))
    answers = "\n".join(
        f"*{q.label}*\n{_answer(application, q.key, budget)}"
        for q in qs)
    shown_zone = zone or "UTC"
    window = rules.meeting_window_in(shown_zone, lab_call.closes_at.date())
    lines = []
    for r in reviews:
        who = _("you") if r.reviewer_id == me else (names.get(r.reviewer_id or 0)
                                                    or _("a former member"))
        lines.append(_("{who}: {scores}").format(who=who, scores=_scores_line(qs, r.scores)))
        if r.reviewer_id == me and r.note:
            lines.append(_("your note: {note}").format(note=r.note))
    buttons = [Button(_("Score"), action_ids.encode("app.score", application.id),
                      style="primary")]
    if facilitator and application.status is ApplicationStatus.SUBMITTED:
        buttons += [Button(_("Accept"), action_ids.encode("app.accept", application.id)),
                    Button(_("Decline"), action_ids.encode("app.decline", application.id),
                           style="danger")]
    return Card((
        Header(shorten(_("Application #{number}: {name}").format(
            number=application.number, name=name), Limits.HEADER)),
        Fields(((_("Status"), rules.status_word(application.status)),
                (_("Zone"), shown_zone if zone else _("not given (shown in UTC)")),
                (_("Meetings 09:00-18:00 GMT are"), window))),
        Text(shorten(answers, Limits.TEXT)),
        Text(shorten(_("*Scores* (1 to 5)\n") + ("\n".join(lines) or _("No scores yet.")),
                     Limits.TEXT)),
        Context(_("Score with `/lab score {number} 4 3 5 2 4 note ...` "
                "(criteria: {names}).").format(
            number=application.number, names=', '.join(q.key for q in qs))),
        Buttons(tuple(buttons)),
    ), fallback=_("Application #{number}: {name}").format(
        number=application.number, name=name))


def shortlist_card(lab: Lab, lab_call: LabCall, ranked: Sequence[Ranked],
                   rows: Mapping[int, Application], names: Mapping[int, str],
                   zones: Mapping[int, str | None], counted: int, holding: int) -> Card:
    qs = rules.questions_from_json(lab_call.questions)
    lines = []
    for r in ranked[:40]:
        a = rows[r.application_id]
        zone = zones.get(a.person_id) or "UTC"
        window = rules.meeting_window_in(zone, lab_call.closes_at.date())
        crit = " · ".join(f"{q.key} {r.by_criterion[q.key]:g}" for q in qs
                          if q.key in r.by_criterion)
        avg = f"{r.average:g}" if r.average is not None else _("not scored")
        lines.append(_("*#{number} {name}* ({status}): average {average} from {reviewers} "
                       "reviewer(s)").format(
            number=a.number, name=names.get(a.person_id, '?'), status=rules.status_word(a.status),
            average=avg, reviewers=r.reviewers)
                     + (f"\n{crit}" if crit else "")
                     + "\n" + _("meetings: {window}").format(window=window))
    more = _("\n…and {value} more: export them all.").format(
        value=len(ranked) - 40) if len(ranked) > 40 else ""
    return Card((
        Header(shorten(_("Applications to {name} (call {number})").format(
            name=lab.name, number=lab_call.number), Limits.HEADER)),
        Text(shorten("\n\n".join(lines) + more if lines else _("No applications yet."),
                     Limits.TEXT)),
        Fields(((_("Members"), _("{counted} of {limit}").format(counted=counted,
                                                                 limit=lab.member_limit)),
                (_("Accepted, not joined yet"), str(holding)),
                (_("Answer promised by"), hear_by_text(lab_call)))),
        Context(_("`/lab application <n>` to read and score one; facilitators: `/lab accept "
                "<n>`, `/lab decline <n>`, `/lab call export csv`.")),
    ), fallback=_("Applications to {name}").format(name=lab.name))


def invitation_card(lab: Lab, application: Application) -> Card:
    return Card((
        Header(shorten(_("You are invited to join {name}").format(
            name=lab.name), Limits.HEADER)),
        Text(_("Thank you for applying: we would like you to join. Membership counts once you "
             "accept the confidentiality commitment:")),
        Text(shorten(lab.commitment, Limits.TEXT)),
        Buttons((Button(_("I accept and join"), action_ids.encode("app.join", application.id),
                        style="primary"),)),
    ), fallback=_("You are invited to join {name}").format(name=lab.name))


def declined_card(lab: Lab) -> Card:
    return Card((
        Text(shorten(
            _("Thank you for applying to {name}, and for the time and thought you put into "
            "it. We had more applications than places, and this time we have not been able to "
            "offer you one. We hope you will stay involved and apply to a future lab.").format(
                name=lab.name),
            Limits.TEXT)),
    ), fallback=_("About your application to {name}").format(name=lab.name))
