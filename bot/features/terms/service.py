"""Loading terms of reference, pre-filling them from the decision, saving a section against
the version it was read at, the consent round's standing and its close, and the document the
exports render."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.context import Context as AppContext
from bot.domain.minutes import EntryKind
from bot.domain.options import summary
from bot.domain.terms import (
    CONFIDENTIAL,
    SECTIONS,
    Answer,
    Response,
    Source,
    Standing,
    TermsStatus,
    prefill,
    standing,
)
from bot.domain.votes import VoteStatus
from bot.errors import Conflict, NotFound, UserError
from bot.events import ConsentClosed, publish
from bot.exports.terms import DocAnswer, DocRevision, DocSection, TermsDocument
from bot.i18n import _, ngettext, use_locale
from bot.messages import Card, Context, Header, Text, shorten
from bot.router import Call
from storage.models import Terms, TermsRevision, TermsSection, Vote
from storage.uow import UnitOfWork


async def find_terms(call: Call[Any]) -> Terms:
    """The lab's terms of reference (the latest), or how to start them."""
    terms = await call.uow.terms.latest(call.the_lab.id)
    if terms is None:
        raise NotFound(_("{name} has no terms of reference yet. Once a vote has "
                       "closed, a facilitator starts them with `/lab terms start`.").format(
            name=call.the_lab.name))
    return terms


def find_section(terms: Terms, ref: str) -> TermsSection:
    """A section by number (1 to 8), key or the start of its heading."""
    text = ref.strip().casefold()
    if text.isdigit() and 1 <= int(text) <= len(terms.sections):
        return terms.sections[int(text) - 1]
    found = [s for s in terms.sections
             if text and (s.key == text or s.heading.casefold().startswith(text))]
    if len(found) == 1:
        return found[0]
    names = "; ".join(f"{s.position} {s.heading}" for s in terms.sections)
    raise NotFound(_("No section is `{ref}`. The sections: {names}.").format(ref=ref, names=names))


def refuse_unless_editable(terms: Terms) -> None:
    if terms.status == TermsStatus.APPROVED:
        raise Conflict(_("The terms of reference are approved: their text no longer changes. "
                       "Start a new draft with `/lab terms start` if the lab must redo them."))


async def winning_vote(uow: UnitOfWork, lab_id: int, number: int | None) -> tuple[Vote, str]:
    """The closed vote to write from (the latest, or #`number`) and its winning option."""
    closed = [v for v in await uow.votes.for_lab(lab_id, status=VoteStatus.CLOSED)
              if v.withdrawn_at is None and (number is None or v.number == number)]
    if not closed:
        which = _("vote #{number} has not closed").format(
            number=number) if number else _("no vote has closed yet")
        raise Conflict(_("Terms of reference are written for the option a vote chose, and "
                       "{which}. Close the vote first (`/lab vote close <vote>`), then "
                       "start them.").format(which=which))
    vote = closed[-1]
    winners = list((vote.result or {}).get("winners") or [])
    if not winners:
        raise Conflict(_("Vote #{number} chose no option (no ballots, or a tie left to the "
                       "lab). Settle it first, then start the terms of reference.").format(
            number=vote.number))
    return vote, str(winners[0])


async def source_of(uow: UnitOfWork, lab_id: int, vote: Vote, winner: str) -> Source:
    lab = await uow.labs.get(lab_id)
    assert lab is not None
    decisions: list[str] = []
    for minutes in await uow.minutes.of_lab(lab_id):
        for entry in await uow.minutes.entries(minutes.id):
            if entry.kind == EntryKind.DECISION and entry.number is not None:
                decisions.append(shorten(" ".join(entry.text.split()), 300))
    actions = []
    for item in await uow.action_items.open_in(lab_id):
        due = _(" (due {isoformat})").format(
            isoformat=item.due.isoformat()) if item.due else ""
        actions.append(f"{item.owner.display_name}: {shorten(item.entry.text, 200)}{due}")
    option = next((o for o in vote.options if o.label == winner), None)
    return Source(
        lab=lab.name, question=vote.question, option=winner,
        description=option.description if option else None,
        outcome=str((vote.result or {}).get("outcome") or f"{winner} won"),
        decisions=decisions, actions=actions,
        members=len(await uow.members.active(lab_id)), timezone=lab.timezone or "UTC")


def new_terms(lab_id: int, number: int, vote: Vote, title: str, src: Source, by: int,
              now: datetime) -> Terms:
    text = prefill(src)
    return Terms(
        lab_id=lab_id, number=number, vote_id=vote.id, title=title, status=TermsStatus.DRAFT,
        public=False, round=0, created_at=now, created_by_id=by,
        sections=[TermsSection(position=i, key=key, heading=_(heading), text=text[key], version=1,
                               updated_at=now, updated_by_id=None)
                  for i, (key, heading) in enumerate(SECTIONS, 1)])


async def first_revisions(uow: UnitOfWork, terms: Terms, by: int, now: datetime) -> None:
    for section in terms.sections:
        await uow.terms.add_revision(TermsRevision(
            section_id=section.id, version=1, text=section.text, author_id=by,
            created_at=now, note="pre-filled"))


# --- consent ---------------------------------------------------------------------------------


async def standing_of(uow: UnitOfWork, terms: Terms) -> Standing:
    members = [m.person_id for m in await uow.members.active(terms.lab_id)]
    answers = [Response(r.person_id, Answer(r.answer), r.section_key, r.reason)
               for r in await uow.terms.responses(terms.id, terms.round)]
    return standing(answers, members)


async def standing_words(uow: UnitOfWork, terms: Terms) -> str:
    s = await standing_of(uow, terms)
    names = {m.person_id: m.person.display_name for m in await uow.members.active(terms.lab_id)}

    def who(ids: list[int]) -> str:
        return ", ".join(names.get(i, "?") for i in ids) or _("nobody")

    lines = [_("Agree: {who}").format(
        who=who(s.agree)), _("Stand aside: {who}").format(
        who=who(s.stand_aside)),
             _("Not answered yet: {who}").format(who=who(s.waiting))]
    for o in s.objections:
        lines.append(_("Objection from {get} (section {section}): "
                     "{reason}").format(
            get=names.get(o.person_id, '?'), section=o.section, reason=o.reason))
    return "\n".join(lines)


async def not_answered(uow: UnitOfWork, terms_id: int) -> list[int]:
    terms = await uow.terms.get(terms_id)
    if terms is None or terms.status != TermsStatus.CONSENT:
        return []
    return list((await standing_of(uow, terms)).waiting)


async def approve(ctx: AppContext, uow: UnitOfWork, terms: Terms, now: datetime,
                  by: int | None) -> None:
    s = await standing_of(uow, terms)
    if s.objections:
        raise UserError(
            ngettext("The draft has {count} open objection: it cannot be approved until "
                     "each is resolved (the section changed and the member answers again). "
                     "`/lab terms consent` shows who objects and why.",
                     "The draft has {count} open objections: it cannot be approved until "
                     "each is resolved (the section changed and the member answers again). "
                     "`/lab terms consent` shows who objects and why.",
                     len(s.objections)).format(count=len(s.objections)))
    if not s.agree:
        raise UserError(_("Nobody has agreed yet: the lab approves by consent, so at least one "
                        "member must agree (the others may stand aside)."))
    terms.status, terms.approved_at = TermsStatus.APPROVED, now
    await uow.audit.record(lab_id=terms.lab_id, actor_id=by, action="terms.approved", at=now,
                           terms=terms.number, agree=len(s.agree),
                           stand_aside=len(s.stand_aside), waiting=len(s.waiting))
    await publish(ctx, uow, now, ConsentClosed(lab_id=terms.lab_id, terms_id=terms.id,
                                               approved=True))
    with use_locale(await ctx.lab_language(uow, terms.lab_id)):  # the lab's channels
        card = Card((
            Header(shorten(_("Terms of reference approved: {title}").format(
                title=terms.title), 150)),
            Text(shorten(await standing_words(uow, terms), 3000)),
            Context(_("`/lab terms export pdf` (or md, html, docx, json) gives the document.")
                    + ("" if terms.public else _(" It stays confidential until a facilitator "
                       "marks it public with `/lab terms public`."))),
        ), fallback=_("Terms of reference approved: {title}").format(title=terms.title))
    ctx.announce(uow, terms.lab_id, card)


async def close_at_deadline(ctx: AppContext, uow: UnitOfWork, terms_id: int, now: datetime
                            ) -> None:
    """The consent round's deadline: approved if no objection is open, else the lab told."""
    terms = await uow.terms.get(terms_id)
    if terms is None or terms.status != TermsStatus.CONSENT:
        return
    s = await standing_of(uow, terms)
    if s.approvable:
        await approve(ctx, uow, terms, now, None)
        return
    terms.status = TermsStatus.DRAFT
    await uow.audit.record(lab_id=terms.lab_id, actor_id=None, action="terms.consent_lapsed",
                           at=now, terms=terms.number, objections=len(s.objections))
    await publish(ctx, uow, now, ConsentClosed(lab_id=terms.lab_id, terms_id=terms.id,
                                               approved=False))
    with use_locale(await ctx.lab_language(uow, terms.lab_id)):  # the lab's channels
        card = Card((
            Header(shorten(_("Consent round closed without approval: {title}").format(
                title=terms.title), 150)),
            Text(shorten(await standing_words(uow, terms), 3000)),
            Context(_("Resolve the objections, then a facilitator opens another round with "
                    "`/lab terms consent`.")),
        ), fallback=_("The consent round closed without approval."))
    ctx.announce(uow, terms.lab_id, card)


# --- the document ----------------------------------------------------------------------------


async def document(uow: UnitOfWork, terms: Terms, now: datetime) -> TermsDocument:
    lab = await uow.labs.get(terms.lab_id)
    assert lab is not None
    names: dict[int, str] = {}

    async def name_of(person_id: int | None) -> str | None:
        if person_id is None:
            return None
        if person_id not in names:
            person = await uow.people.get(person_id)
            names[person_id] = person.display_name if person else _("a former member")
        return names[person_id]

    sections = []
    for s in terms.sections:
        history = tuple(DocRevision(r.version, r.author.display_name if r.author else None,
                                    r.created_at, r.note, r.text)
                        for r in await uow.terms.revisions(s.id))
        sections.append(DocSection(s.key, s.heading, s.text, s.version,
                                   await name_of(s.updated_by_id), s.updated_at, history))
    answers = tuple([DocAnswer(await name_of(r.person_id) or "", str(r.answer),
                               r.section_key, r.reason, r.answered_at)
                     for r in await uow.terms.responses(terms.id, terms.round)])
    return TermsDocument(
        lab=lab.name, number=terms.number, title=terms.title, status=str(terms.status),
        public=terms.public, notice=None if terms.public else CONFIDENTIAL,
        sections=tuple(sections), answers=answers, round=terms.round,
        approved_at=terms.approved_at, generated_at=now)


def section_line(section: TermsSection) -> str:
    brief = summary(section.text, 90) or ""
    return f"*{section.position}. {section.heading}* (v{section.version}) — {brief}"
