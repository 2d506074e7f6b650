"""The cards of a call: the call itself (with Apply), an applicant's own application, the
application as reviewers read it, the ranked shortlist, the invitation and the kind no."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot import action_ids
from bot.domain import applications as rules
from bot.domain.applications import ApplicationStatus, Question, Ranked
from bot.domain.zones import format_local
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


def call_card(lab: Lab, lab_call: LabCall, zone: str) -> Card:
    qs = rules.questions_from_json(lab_call.questions)
    asks = "\n".join(f"• {q.text}" for q in qs)
    return Card((
        Header(shorten(f"Apply to join {lab.name}", Limits.HEADER)),
        Text(shorten(f"We are looking for up to {lab.member_limit} people. The form asks:\n"
                     f"{asks}", Limits.TEXT)),
        Fields((
            ("Applications close", closes_text(lab_call, zone)),
            ("You will hear by", hear_by_text(lab_call)),
        )),
        Context("Type `/lab apply` or press Apply. Only the programme team and the "
                "steering group read applications."),
        Buttons((Button("Apply", action_ids.encode("app.apply", lab_call.id),
                        style="primary"),)),
    ), fallback=f"Apply to join {lab.name}, until {closes_text(lab_call, zone)}")


def label_for(q: Question, zone: str, lab_call: LabCall) -> str:
    if not q.availability:
        return q.label
    local = rules.meeting_window_in(zone, lab_call.closes_at.date()).split(" (")[0]
    return shorten(f"2 meetings 09-18 GMT = {local}?", Limits.INPUT_LABEL)


def apply_form(lab: Lab, lab_call: LabCall, page: int, zone: str,
               answers: Mapping[str, str], mode: str) -> Form:
    """One page (five questions at most) of the application form. `mode` "n": a new
    application, "c": a change to one."""
    pages = rules.pages(rules.questions_from_json(lab_call.questions))
    inputs = []
    for q in pages[page - 1]:
        hint = (f"Your zone, {zone}: {window_for(zone, lab_call)}" if q.availability
                else q.text)
        inputs.append(Input(name=q.key, label=label_for(q, zone, lab_call),
                            placeholder=shorten(hint, Limits.PLACEHOLDER),
                            default=shorten(str(answers.get(q.key, "")), rules.ANSWER_MAX),
                            multiline=True, max_length=rules.ANSWER_MAX))
    title = "Apply" if len(pages) == 1 else f"Apply ({page} of {len(pages)})"
    return Form(action_ids.encode("app.form", lab_call.id, f"{mode}{page}"), title,
                tuple(inputs), submit_label="Send" if page == len(pages) else "Next")


def next_page_card(lab_call: LabCall, page: int, pages: int, mode: str) -> Card:
    return Card((
        Text(f"Page {page - 1} of {pages} is saved. Press Continue for the next questions."),
        Buttons((Button(f"Continue ({page} of {pages})",
                        action_ids.encode("app.page", lab_call.id, f"{mode}{page}"),
                        style="primary"),)),
    ), fallback="Continue your application")


def mine_card(lab: Lab, lab_call: LabCall, application: Application, zone: str,
              *, now: datetime, saved: bool = False) -> Card:
    """What an applicant sees of their own application (never anything of anyone else)."""
    qs = rules.questions_from_json(lab_call.questions)
    budget = max(200, _ANSWER_BUDGET // max(1, len(qs)))
    answers = "\n".join(
        f"*{q.label}*\n{shorten(str(application.answers.get(q.key, '')) or '(no answer)', budget)}"
        for q in qs)
    status = {
        ApplicationStatus.SUBMITTED: "Received; waiting for the decision.",
        ApplicationStatus.ACCEPTED: "Accepted: your invitation is in your direct messages.",
        ApplicationStatus.DECLINED: "Not chosen this time.",
        ApplicationStatus.JOINED: "Accepted, and you are a member.",
    }[application.status]
    open_now = now < lab_call.closes_at and application.status is ApplicationStatus.SUBMITTED
    blocks: list[Block] = [
        Header(shorten(f"Your application to {lab.name}", Limits.HEADER)),
        Text(shorten(answers, Limits.TEXT)),
        Fields((("Status", status), ("You will hear by", hear_by_text(lab_call)),
                ("Changes possible until", closes_text(lab_call, zone)))),
    ]
    if saved:
        blocks.insert(1, Context("Saved. Thank you for applying."))
    if open_now:
        blocks.append(Buttons((Button("Change my application",
                                      action_ids.encode("app.change", application.id)),)))
    return Card(tuple(blocks), fallback=f"Your application to {lab.name}")


def _scores_line(qs: Sequence[Question], scores: Mapping[str, object]) -> str:
    return ", ".join(f"{q.key} {scores[q.key]}" for q in qs if q.key in scores) or "none yet"


def review_card(lab: Lab, lab_call: LabCall, application: Application, name: str,
                zone: str | None, reviews: Sequence[ApplicationReview], me: int,
                names: Mapping[int, str], *, facilitator: bool) -> Card:
    """One application as reviewers read it: the answers, the applicant's meeting window in
    their zone, each reviewer's scores (notes are private: only your own is shown)."""
    qs = rules.questions_from_json(lab_call.questions)
    budget = max(200, (_ANSWER_BUDGET - 800) // max(1, len(qs)))
    answers = "\n".join(
        f"*{q.label}*\n{shorten(str(application.answers.get(q.key, '')) or '(no answer)', budget)}"
        for q in qs)
    shown_zone = zone or "UTC"
    window = rules.meeting_window_in(shown_zone, lab_call.closes_at.date())
    lines = []
    for r in reviews:
        who = "you" if r.reviewer_id == me else names.get(r.reviewer_id or 0, "a former member")
        lines.append(f"{who}: {_scores_line(qs, r.scores)}")
        if r.reviewer_id == me and r.note:
            lines.append(f"your note: {r.note}")
    buttons = [Button("Score", action_ids.encode("app.score", application.id),
                      style="primary")]
    if facilitator and application.status is ApplicationStatus.SUBMITTED:
        buttons += [Button("Accept", action_ids.encode("app.accept", application.id)),
                    Button("Decline", action_ids.encode("app.decline", application.id),
                           style="danger")]
    return Card((
        Header(shorten(f"Application #{application.number}: {name}", Limits.HEADER)),
        Fields((("Status", application.status.value),
                ("Zone", shown_zone if zone else "not given (shown in UTC)"),
                ("Meetings 09:00-18:00 GMT are", window))),
        Text(shorten(answers, Limits.TEXT)),
        Text(shorten("*Scores* (1 to 5)\n" + ("\n".join(lines) or "No scores yet."),
                     Limits.TEXT)),
        Context(f"Score with `/lab score {application.number} 4 3 5 2 4 note ...` "
                f"(criteria: {', '.join(q.key for q in qs)})."),
        Buttons(tuple(buttons)),
    ), fallback=f"Application #{application.number}: {name}")


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
        avg = f"{r.average:g}" if r.average is not None else "not scored"
        lines.append(f"*#{a.number} {names.get(a.person_id, '?')}* ({a.status.value}): "
                     f"average {avg} from {r.reviewers} reviewer(s)"
                     + (f"\n{crit}" if crit else "") + f"\nmeetings: {window}")
    more = f"\n…and {len(ranked) - 40} more: export them all." if len(ranked) > 40 else ""
    return Card((
        Header(shorten(f"Applications to {lab.name} (call {lab_call.number})", Limits.HEADER)),
        Text(shorten("\n\n".join(lines) + more if lines else "No applications yet.",
                     Limits.TEXT)),
        Fields((("Members", f"{counted} of {lab.member_limit}"),
                ("Accepted, not joined yet", str(holding)),
                ("Answer promised by", hear_by_text(lab_call)))),
        Context("`/lab application <n>` to read and score one; facilitators: `/lab accept "
                "<n>`, `/lab decline <n>`, `/lab call export csv`."),
    ), fallback=f"Applications to {lab.name}")


def invitation_card(lab: Lab, application: Application) -> Card:
    return Card((
        Header(shorten(f"You are invited to join {lab.name}", Limits.HEADER)),
        Text("Thank you for applying: we would like you to join. Membership counts once you "
             "accept the confidentiality commitment:"),
        Text(shorten(lab.commitment, Limits.TEXT)),
        Buttons((Button("I accept and join", action_ids.encode("app.join", application.id),
                        style="primary"),)),
    ), fallback=f"You are invited to join {lab.name}")


def declined_card(lab: Lab) -> Card:
    return Card((
        Text(shorten(
            f"Thank you for applying to {lab.name}, and for the time and thought you put into "
            "it. We had more applications than places, and this time we have not been able to "
            "offer you one. We hope you will stay involved and apply to a future lab.",
            Limits.TEXT)),
    ), fallback=f"About your application to {lab.name}")
