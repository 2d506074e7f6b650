"""The terms of reference commands: start (pre-filled from the vote's winner and the
minutes), show, read a section, edit one (a form with its current text; a stale save is
merged, never lost), comment, history and diff, the consent round (agree, stand aside,
object), approve, mark public, export."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from pydantic import Field

from bot import action_ids
from bot.arguments import Args, Kw, Pos
from bot.domain.tally.rules import RankingProblem, parse_close
from bot.domain.terms import (
    COMMENT_LENGTH,
    REASON_LENGTH,
    SECTION_LENGTH,
    Answer,
    TermsProblem,
    TermsStatus,
    check_text,
    diff,
    merge,
)
from bot.errors import Conflict, NotFound, UserError
from bot.events import ConsentOpened
from bot.exports import MIME, Format
from bot.exports.terms import filename, render
from bot.features.terms.service import (
    approve,
    document,
    find_section,
    find_terms,
    first_revisions,
    new_terms,
    refuse_unless_editable,
    section_line,
    source_of,
    standing_of,
    standing_words,
    winning_vote,
)
from bot.i18n import N_, _
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Context,
    File,
    Form,
    Header,
    Input,
    Limits,
    Option,
    Reply,
    Select,
    Text,
    at,
    shorten,
)
from bot.router import FORM_ROUTE, Call, Router
from storage.models import (
    Terms,
    TermsComment,
    TermsDraft,
    TermsResponse,
    TermsRevision,
    TermsSection,
)

router = Router()


# --- cards -----------------------------------------------------------------------------------


def terms_card(terms: Terms) -> Card:
    blocks: list[Block] = [Header(shorten(_("Terms of reference: {title}").format(
        title=terms.title), Limits.HEADER))]
    lines = "\n".join(section_line(s) for s in terms.sections)
    blocks.append(Text(shorten(lines, Limits.TEXT)))
    state = {TermsStatus.DRAFT: _("a draft: members edit and comment"),
             TermsStatus.CONSENT: _("in a consent round"),
             TermsStatus.APPROVED: _("approved")}[terms.status]
    closes = (_(", closes {when}").format(when=at(terms.consent_closes_at))
              if terms.status == TermsStatus.CONSENT and terms.consent_closes_at else "")
    blocks.append(Context(shorten(
        _("Status: {state}{closes}. `/lab terms section <n>` reads a section, "
        "`/lab terms edit <n>` edits it, `/lab terms comment <n> <text>` comments, "
        "`/lab terms history <n>` shows who changed what.").format(state=state, closes=closes)
        + ("" if terms.public else _(" Confidential until the lab marks it public.")),
        Limits.CONTEXT)))
    if terms.status != TermsStatus.APPROVED:
        blocks.append(Select(
            action_ids.encode("terms.edit", terms.lab_id, str(terms.id)), _("Edit a section"),
            tuple(Option(shorten(f"{s.position}. {s.heading}", Limits.OPTION_LABEL),
                         str(s.position)) for s in terms.sections)))
    if terms.status == TermsStatus.CONSENT:
        blocks.append(_consent_buttons(terms))
    return Card(tuple(blocks), fallback=_("Terms of reference: {title}").format(
        title=terms.title))


def _consent_buttons(terms: Terms) -> Buttons:
    lab, ref = terms.lab_id, str(terms.id)
    return Buttons((
        Button(_("Agree"), action_ids.encode("terms.agree", lab, ref), style="primary"),
        Button(_("Stand aside"), action_ids.encode("terms.aside", lab, ref)),
        Button(_("Object"), action_ids.encode("terms.object", lab, ref), style="danger"),
    ))


def edit_form(section: TermsSection, text: str | None = None) -> Form:
    return Form(
        action_ids.encode(FORM_ROUTE, "terms.edit"),
        shorten(_("Edit: {heading}").format(heading=section.heading), Limits.FORM_TITLE),
        (
            Input("section", _("Section"), default=str(section.position), max_length=2),
            Input("version", _("Version you are editing"), default=str(section.version),
                  max_length=6),
            Input("text", shorten(section.heading, Limits.INPUT_LABEL),
                  default=shorten(text if text is not None else section.text, SECTION_LENGTH),
                  multiline=True, max_length=SECTION_LENGTH),
        ),
        submit_label=_("Save the section"),
    )


def object_form(terms: Terms) -> Form:
    return Form(
        action_ids.encode(FORM_ROUTE, "terms.answer"), _("Object"),
        (
            Input("answer", _("Answer"), default="object", max_length=12),
            Input("section", _("Section (number) it is about"), max_length=2),
            Input("reason", _("Your reason"), multiline=True, max_length=REASON_LENGTH,
                  placeholder=_("What must change for you to consent?")),
        ),
        submit_label=_("Object"),
    )


# --- start, show, read ------------------------------------------------------------------------


class StartArgs(Args):
    vote: Annotated[int | None, Kw("N", words=1)] = None


@router.command(
    "terms start", args=StartArgs, access="facilitator", topic="terms",
    summary=(N_("Start the terms of reference for the option the last closed vote chose, "
             "pre-filled from its description, the minutes' decisions and action items, and "
             "the lab's settings.")),
    usage_line="/lab terms start [vote N]",
    examples=("/lab terms start", "/lab terms start vote 2"),
)
async def start(call: Call[StartArgs]) -> Reply:
    lab = call.the_lab
    vote, winner = await winning_vote(call.uow, lab.id, call.args.vote)
    current = await call.uow.terms.latest(lab.id)
    if current is not None and current.status != TermsStatus.APPROVED:
        raise Conflict(_("{name} already has a draft of its terms of reference "
                       "({title}). See it with `/lab terms show`.").format(
            name=lab.name, title=current.title))
    src = await source_of(call.uow, lab.id, vote, winner)
    terms = await call.uow.terms.add(new_terms(
        lab.id, await call.uow.terms.next_number(lab.id), vote, shorten(winner, 300), src,
        call.person.id, call.now))
    await first_revisions(call.uow, terms, call.person.id, call.now)
    await call.audit("terms.started", terms=terms.number, vote=vote.number, option=winner)
    return call.publish(lambda: terms_card(terms))


@router.command("terms show", topic="terms",
                summary=N_("The lab's terms of reference: its sections, status and controls."))
async def show(call: Call[Any]) -> Reply:
    return Reply(card=terms_card(await find_terms(call)))


class SectionRef(Args):
    section: Annotated[str, Pos("section")]


@router.command("terms section", args=SectionRef, topic="terms",
                summary=N_("Read one section of the terms of reference, with its comments."),
                examples=("/lab terms section 2",))
async def read_section(call: Call[SectionRef]) -> Reply:
    terms = await find_terms(call)
    section = find_section(terms, call.args.section)
    blocks: list[Block] = [
        Header(shorten(f"{section.position}. {section.heading}", Limits.HEADER)),
        Text(shorten(section.text, Limits.TEXT))]
    comments = await call.uow.terms.comments(section.id)
    if comments:
        lines = "\n".join(f"• *{c.author.display_name if c.author else _('a former member')}* "
                          f"({at(c.created_at, 'f')}): {c.text}" for c in comments[-10:])
        blocks.append(Text(shorten(_("*Comments*\n{lines}").format(lines=lines), Limits.TEXT)))
    blocks.append(Context(_("Version {version}, changed {when}. "
                          "`/lab terms edit {position}` edits it.").format(
        version=section.version, when=at(section.updated_at), position=section.position)))
    return Reply(card=Card(tuple(blocks), fallback=section.heading))


# --- editing -----------------------------------------------------------------------------------


class EditArgs(Args):
    section: Annotated[str, Pos("section")]
    version: Annotated[int | None, Kw("N", words=1)] = None
    text: Annotated[str | None, Pos("text", greedy=True)] = None


@router.command(
    "terms edit", args=EditArgs, topic="terms",
    summary=(N_("Edit a section: alone, a form opens with its current text. A save names the "
             "version it was written against; if someone saved meanwhile, you are shown what "
             "changed and asked to merge, and nothing you wrote is lost.")),
    usage_line="/lab terms edit <section> [version N] [<text>]",
    examples=("/lab terms edit 3", '/lab terms edit objectives version 2 "Reach ten councils."'),
)
async def edit(call: Call[EditArgs]) -> Reply:
    terms = await find_terms(call)
    refuse_unless_editable(terms)
    section = find_section(terms, call.args.section)
    if call.args.text is None:
        return Reply(form=edit_form(section))
    try:
        text = check_text(call.args.text, _("Section {position}").format(
            position=section.position))
    except TermsProblem as exc:
        raise UserError(_("{exc} The section was not changed.").format(exc=exc)) from None
    base = call.args.version if call.args.version is not None else section.version
    return await save(call, terms, section, text, base)


async def save(call: Call[Any], terms: Terms, section: TermsSection, text: str, base: int,
               *, note: str | None = None) -> Reply:
    if base > section.version or base < 1:
        raise UserError(_("Section {position} has no version {base}; it is at version "
                        "{version}.").format(
            position=section.position, base=base, version=section.version))
    if text == section.text:
        return Reply.say(_("Section {position} already reads so; nothing changed.").format(
            position=section.position))
    if await call.uow.terms.save_section(section, text, base, call.person.id, call.now):
        await call.uow.terms.add_revision(TermsRevision(
            section_id=section.id, version=section.version, text=text,
            author_id=call.person.id, created_at=call.now, note=note))
        await call.audit("terms.section_saved", terms=terms.number, section=section.key,
                         version=section.version)
        reopened = await _objections_on(call, terms, section.key)
        tail = (_(" Objections to it are open ({reopened}): those members can now answer "
                "again.").format(reopened=reopened) if reopened else "")
        return call.publish(lambda: Card((
            Text(shorten(_("*{display_name}* saved section {position}, "
                         "{heading}, as version {version}.{tail}").format(
                display_name=call.person.display_name, position=section.position,
                heading=section.heading, version=section.version, tail=tail),
                         Limits.TEXT)),
            Context(_("`/lab terms diff {position}` shows what changed.").format(
                position=section.position)),
        ), fallback=_("Section {position} saved").format(position=section.position)))
    return await _stale(call, terms, section, text, base)


async def _objections_on(call: Call[Any], terms: Terms, key: str) -> int:
    if terms.status != TermsStatus.CONSENT:
        return 0
    return sum(1 for o in (await standing_of(call.uow, terms)).objections if o.section == key)


async def _stale(call: Call[Any], terms: Terms, section: TermsSection, text: str, base: int
                 ) -> Reply:
    """Someone saved the section after `base` was read: keep this text as a draft, show what
    changed meanwhile, and offer the merge."""
    draft = await call.uow.terms.add_draft(TermsDraft(
        section_id=section.id, person_id=call.person.id, base_version=base, text=text,
        created_at=call.now))
    before = await call.uow.terms.revision(section.id, base)
    base_text = before.text if before is not None else ""
    changed = diff(base_text, section.text, old_name=f"version {base}",
                   new_name=f"version {section.version}")
    await call.audit("terms.section_stale", terms=terms.number, section=section.key,
                     base=base, current=section.version)
    merged = merge(base_text, text, section.text)
    how = (_("Your changes and theirs touch different lines: the merge combines them.") if
           merged.clean else _("You both changed the same lines: the merge keeps both, "
           "between <<<<<<< and >>>>>>> marks, for you to settle."))
    return Reply(card=Card((
        Header(shorten(_("Section {position} changed while you edited it").format(
            position=section.position),
                       Limits.HEADER)),
        Text(shorten(_("You edited version {base}; it is now at version {version}. "
                     "What changed meanwhile:\n```\n{changed}\n```").format(
            base=base, version=section.version, changed=changed), Limits.TEXT)),
        Text(shorten(_("*Your text (kept, not lost)*\n{text}").format(text=text), Limits.TEXT)),
        Context(shorten(_("{how} Press Merge to open it in a form, check it, and save.").format(
            how=how),
                        Limits.CONTEXT)),
        Buttons((Button(_("Merge"), action_ids.encode("terms.merge", terms.lab_id,
                                                   str(draft.id)), style="primary"),)),
    ), fallback=_("Section {position} changed while you edited it").format(
        position=section.position)),
        files=(File(f"terms-section-{section.position}-yours.txt", text.encode(),
                    "text/plain"),))


class CommentArgs(Args):
    section: Annotated[str, Pos("section")]
    text: Annotated[str, Pos("comment", greedy=True), Field(min_length=1, max_length=2000)]


@router.command("terms comment", args=CommentArgs, topic="terms",
                summary=N_("Comment on a section of the terms of reference."),
                examples=('/lab terms comment 6 "Is the grant in GBP or USD?"',))
async def comment(call: Call[CommentArgs]) -> Reply:
    terms = await find_terms(call)
    section = find_section(terms, call.args.section)
    try:
        text = check_text(call.args.text, _("A comment"), COMMENT_LENGTH)
    except TermsProblem as exc:
        raise UserError(str(exc)) from None
    await call.uow.terms.add_comment(TermsComment(
        section_id=section.id, author_id=call.person.id, text=text, created_at=call.now))
    await call.audit("terms.comment", terms=terms.number, section=section.key)
    return call.publish(lambda: Card((Text(shorten(
        _("*{display_name}* on section {position}, {heading}: "
        "{text}").format(
            display_name=call.person.display_name, position=section.position,
            heading=section.heading,
            text=text), Limits.TEXT)),), fallback=_("A comment on the terms of reference")))


@router.command("terms history", args=SectionRef, topic="terms",
                summary=N_("Who changed a section, and when: every version kept."),
                examples=("/lab terms history 2",))
async def history(call: Call[SectionRef]) -> Reply:
    terms = await find_terms(call)
    section = find_section(terms, call.args.section)
    lines = [f"v{r.version}: {r.author.display_name if r.author else _('a former member')}, "
             f"{at(r.created_at, 'f')}" + (f" ({r.note})" if r.note else "")
             for r in await call.uow.terms.revisions(section.id)]
    return Reply(card=Card((
        Header(shorten(_("History of {position}. {heading}").format(
            position=section.position, heading=section.heading), Limits.HEADER)),
        Text(shorten("\n".join(reversed(lines)), Limits.TEXT)),
        Context(_("`/lab terms diff {position} <version>` compares a version with "
                "the latest.").format(position=section.position)),
    ), fallback=_("History of {heading}").format(heading=section.heading)))


class DiffArgs(Args):
    section: Annotated[str, Pos("section")]
    version: Annotated[int | None, Pos("version")] = None


@router.command("terms diff", args=DiffArgs, topic="terms",
                summary=N_("Compare a version of a section (the one before, if none is given) "
                        "with the latest."),
                examples=("/lab terms diff 2", "/lab terms diff 2 1"))
async def compare(call: Call[DiffArgs]) -> Reply:
    terms = await find_terms(call)
    section = find_section(terms, call.args.section)
    version = call.args.version or max(1, section.version - 1)
    old = await call.uow.terms.revision(section.id, version)
    if old is None:
        raise NotFound(_("Section {position} has versions 1 to {version}.").format(
            position=section.position, version=section.version))
    changes = diff(old.text, section.text, old_name=f"version {version}",
                   new_name=f"version {section.version}") or _("(no change)")
    return Reply(card=Card((
        Header(shorten(f"{section.heading}: v{version} → v{section.version}", Limits.HEADER)),
        Text(shorten(f"```\n{changes}\n```", Limits.TEXT)),
    ), fallback=_("Changes to {heading}").format(heading=section.heading)))


# --- consent ------------------------------------------------------------------------------------


class ConsentArgs(Args):
    closes: Annotated[str | None, Kw("YYYY-MM-DD HH:MM", words=2)] = None


@router.command(
    "terms consent", args=ConsentArgs, topic="terms",
    summary=(N_("A facilitator opens a consent round on the draft (each member answers agree, "
             "stand aside or object, with the usual nudges before the close); anyone sees "
             "where it stands.")),
    usage_line="/lab terms consent [closes YYYY-MM-DD HH:MM]",
    examples=("/lab terms consent closes 2027-02-01 17:00", "/lab terms consent"),
)
async def consent(call: Call[ConsentArgs]) -> Reply:
    terms = await find_terms(call)
    if terms.status == TermsStatus.CONSENT and call.args.closes is None:
        return Reply(card=Card((
            Header(shorten(_("Consent round {round}: {title}").format(
                round=terms.round, title=terms.title), Limits.HEADER)),
            Text(shorten(await standing_words(call.uow, terms), Limits.TEXT)),
            _consent_buttons(terms)), fallback=_("Where the consent round stands")))
    from bot.domain.lab import Role, has_role
    if call.member is None or not has_role(call.member.role, Role.FACILITATOR):
        raise UserError(_("Only facilitators open a consent round. "
                        "`/lab terms show` shows the draft."))
    refuse_unless_editable(terms)
    closes_at = None
    if call.args.closes:
        try:
            closes_at = parse_close(call.args.closes, call.zone, call.now)
        except RankingProblem as exc:
            raise UserError(str(exc)) from None
    terms.status, terms.round, terms.consent_closes_at = (
        TermsStatus.CONSENT, terms.round + 1, closes_at)
    await call.audit("terms.consent_opened", terms=terms.number, round=terms.round,
                     closes=closes_at.isoformat() if closes_at else None)
    await call.emit(ConsentOpened(lab_id=terms.lab_id, terms_id=terms.id, closes_at=closes_at))
    closes = _(" It closes {when}.").format(when=at(closes_at)) if closes_at else ""
    return call.publish(lambda: Card((
        Header(shorten(_("Consent round on the terms of reference: {title}").format(
            title=terms.title),
                       Limits.HEADER)),
        Text(_("Each member answers: *agree*, *stand aside* (you will not block it), or "
             "*object* (with the section and a reason: it reopens that section).{closes}").format(
            closes=closes)),
        _consent_buttons(terms),
    ), fallback=_("A consent round on the terms of reference is open")))


class AnswerArgs(Args):
    answer: Annotated[Literal["agree", "stand-aside", "object"], Pos("answer")]
    section: Annotated[str | None, Kw("section")] = None
    reason: Annotated[str | None, Kw("reason")] = None


@router.command(
    "terms answer", args=AnswerArgs, topic="terms",
    summary=N_("Answer the consent round: agree, stand-aside, or object (section and reason)."),
    usage_line="/lab terms answer agree|stand-aside|object [section <n>] [reason <text>]",
    examples=("/lab terms answer agree",
              "/lab terms answer object section 6 reason The budget has no figure yet."),
)
async def answer(call: Call[AnswerArgs]) -> Reply:
    terms = await find_terms(call)
    return await _answer(call, terms, Answer(call.args.answer.replace("-", "_")),
                         call.args.section, call.args.reason)


async def _answer(call: Call[Any], terms: Terms, choice: Answer, section_ref: str | None,
                  reason: str | None) -> Reply:
    if terms.status != TermsStatus.CONSENT:
        raise Conflict(_("No consent round is open on the terms of reference. A facilitator "
                       "opens one with `/lab terms consent`."))
    key = None
    if choice == Answer.OBJECT:
        if not section_ref or not (reason or "").strip():
            raise UserError(_("An objection needs the section it is about and a reason: "
                            "`/lab terms answer object section 6 reason <what must change>`."))
        key = find_section(terms, section_ref).key
        try:
            reason = check_text(reason or "", _("A reason"), REASON_LENGTH)
        except TermsProblem as exc:
            raise UserError(str(exc)) from None
    else:
        reason = None
    found = await call.uow.terms.response_of(terms.id, terms.round, call.person.id)
    if found is None:
        await call.uow.terms.add_response(TermsResponse(
            terms_id=terms.id, round=terms.round, person_id=call.person.id, answer=choice,
            section_key=key, reason=reason, answered_at=call.now))
    else:
        found.answer, found.section_key, found.reason, found.answered_at = (
            choice, key, reason, call.now)
    await call.audit("terms.answer", terms=terms.number, round=terms.round, answer=choice)
    if choice == Answer.OBJECT:
        section = find_section(terms, key or "")
        return call.publish(lambda: Card((
            Text(shorten(_("*{display_name}* objects to section "
                         "{position}, {heading}: {reason}").format(
                display_name=call.person.display_name, position=section.position,
                heading=section.heading, reason=reason), Limits.TEXT)),
            Context(_("The section is open again: edit it with `/lab terms edit "
                    "{position}`. The draft cannot be approved until "
                    "{display_name} answers again.").format(
                position=section.position, display_name=call.person.display_name)),
        ), fallback=_("An objection to the terms of reference")))
    return Reply.say(_("Recorded: you agree")
                     if choice == Answer.AGREE else
                     _("Recorded: you stand aside (you will not block the terms of reference)."))


@router.command("terms approve", access="facilitator", topic="terms",
                summary=N_("Approve the terms of reference: only with no open objection."))
async def approve_command(call: Call[Any]) -> Reply:
    terms = await find_terms(call)
    if terms.status != TermsStatus.CONSENT:
        raise Conflict(_("The lab approves by consent: open a round with `/lab terms consent` "
                       "first.") if terms.status == TermsStatus.DRAFT else
                       _("The terms of reference are approved already."))
    await approve(call.ctx, call.uow, terms, call.now, call.person.id)
    return Reply.say(_("Approved; the lab's channels are told."))


@router.command("terms public", access="facilitator", topic="terms",
                summary=N_("Mark the terms of reference public: exports drop the confidentiality "
                        "notice."))
async def make_public(call: Call[Any]) -> Reply:
    terms = await find_terms(call)
    if terms.status != TermsStatus.APPROVED:
        raise Conflict(_("Only approved terms of reference can be made public."))
    terms.public = True
    await call.audit("terms.public", terms=terms.number)
    return Reply.say(_("The terms of reference are public: exports no longer carry the "
                     "confidentiality notice."))


class ExportArgs(Args):
    format: Annotated[Format, Pos("format")] = "pdf"


@router.command("terms export", args=ExportArgs, topic="terms",
                summary=N_("The terms of reference as a file (md, html, pdf, docx, json), with "
                           "every version of every section in the JSON."),
                examples=("/lab terms export pdf", "/lab terms export json"))
async def export(call: Call[ExportArgs]) -> Reply:
    terms = await find_terms(call)
    doc = await document(call.uow, terms, call.now)
    fmt = call.args.format
    data = await asyncio.to_thread(render, doc, fmt)
    await call.audit("terms.export", terms=terms.number, format=fmt)
    return Reply(text=_("The terms of reference ({fmt}).").format(fmt=fmt)
                      + ("" if terms.public else _(" Confidential: for the lab only.")),
                 files=(File(filename(doc, fmt), data, MIME[fmt]),))


__all__ = ["edit_form", "object_form", "save", "terms_card"]
