"""The lab's record: everything it made, read once into plain values (`read_record`), then
rendered and zipped (`bundle`) with no transaction open and no row held.

One zip: every set of minutes (md, html, pdf, docx, json through bot/exports), each poll's
results (CSV, JSON) and heat map (PNG), each closed vote's result (JSON, chart) with its
anonymised ballots (JSON, CSV, BLT), each terms of reference (five formats, its history),
the audit log (CSV, and in sentences), and `index.html` linking every file with the lab's
name, dates, members and the confidentiality notice. `/lab archive` sends it to whoever
archived, `/lab record` to any member, `actionlab export` writes it to a file.
"""

from __future__ import annotations

import csv
import html
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.domain.availability import Answer
from bot.domain.minutes import MinutesDocument, slug
from bot.domain.polls import PollStatus, best_slot
from bot.domain.tally import Election, count
from bot.domain.votes import VoteStatus
from bot.domain.zones import format_local
from bot.exports import FORMATS, LABEL, render
from bot.exports import filename as minutes_filename
from bot.exports.terms import TermsDocument
from bot.exports.terms import filename as terms_filename
from bot.exports.terms import render as render_terms
from bot.features.lab import known_for, sentence
from bot.features.minutes import load_document
from bot.features.polls import Loaded, heat_map, load
from bot.features.terms import document as terms_document
from bot.features.votes import ballot_files, election_of, results_chart
from bot.i18n import _
from bot.messages import File
from storage.models import Lab, Vote
from storage.uow import UnitOfWork

ZIP_MIME = "application/zip"
INDEX = "index.html"
SECTIONS = ("minutes", "polls", "votes", "terms", "audit")


def section_title(key: str) -> str:
    return {
        "minutes": _("Minutes"),
        "polls": _("Availability polls"),
        "votes": _("Votes"),
        "terms": _("Terms of reference"),
        "audit": _("Audit log"),
    }[key]


def record_notice(lab: str) -> str:
    """The notice the index carries (each file carries its own)."""
    return _("Confidential: the record of {lab}. For the lab's members only, under the lab's "
             "confidentiality commitment; do not forward or publish.").format(lab=lab)


@dataclass(frozen=True)
class Part:
    """One file of the bundle: where it goes, what the index calls it, and its bytes, made
    now (`data`) or when the bundle is rendered (`make`: a PDF, a chart)."""

    section: str
    path: str
    title: str
    data: bytes | None = None
    make: Callable[[], bytes | None] | None = None

    def render(self) -> bytes | None:
        return self.data if self.data is not None else self.make() if self.make else None


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    since: datetime


@dataclass
class Record:
    """The lab's record as plain values: nothing here reads the database."""

    lab: str
    zone: str
    created_at: datetime
    archived_at: datetime | None
    archived_by: str | None
    generated_at: datetime
    members: list[Member]
    parts: list[Part] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what is left out, and why

    @property
    def filename(self) -> str:
        day = self.generated_at.astimezone(UTC).date().isoformat()
        return f"{slug(self.lab) or 'lab'}-record-{day}.zip"


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _csv(rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


# --- reading (in a unit of work; cheap) ------------------------------------------------------


async def read_record(uow: UnitOfWork, lab: Lab, now: datetime) -> Record:
    """Everything the bundle needs, read in one unit of work; the renders (PDF, DOCX,
    charts) are left to `bundle`, which runs once this unit of work is closed."""
    zone = lab.timezone
    who = None
    if lab.archived_by_id is not None:
        person = await uow.people.get(lab.archived_by_id)
        who = person.display_name if person is not None else _("a former member")
    members = [Member(m.person.display_name, str(m.role), m.accepted_at)
               for m in await uow.members.active(lab.id)]
    record = Record(lab.name, zone, lab.created_at, lab.archived_at, who, now, members)
    await _minutes(uow, lab, now, record)
    await _polls(uow, lab, record)
    await _votes(uow, lab, record)
    await _terms(uow, lab, now, record)
    await _audit(uow, lab, record)
    return record


async def _minutes(uow: UnitOfWork, lab: Lab, now: datetime, record: Record) -> None:
    for n, minutes in enumerate(await uow.minutes.of_lab(lab.id), start=1):
        doc = await load_document(uow, minutes, now)
        for fmt in FORMATS:
            record.parts.append(Part(
                "minutes", f"minutes/{n:02d}-{minutes_filename(doc, fmt)}",
                _("{title} · {format}").format(title=doc.title, format=_(LABEL[fmt])),
                make=_minutes_render(doc, fmt)))


def _minutes_render(doc: MinutesDocument, fmt: Any) -> Callable[[], bytes]:
    return lambda: render(doc, fmt)


async def _polls(uow: UnitOfWork, lab: Lab, record: Record) -> None:
    for poll in await uow.polls.of_lab(lab.id):
        if poll.status == PollStatus.DELETED:
            continue
        loaded = await load(uow, poll)
        stem = f"polls/poll-{poll.number}"
        title = _("Poll #{number}: {title}").format(number=poll.number, title=poll.title)
        record.parts += [
            Part("polls", f"{stem}-results.csv", _("{title}: results (CSV)").format(title=title),
                 data=_csv(_poll_rows(loaded))),
            Part("polls", f"{stem}-results.json",
                 _("{title}: results (JSON)").format(title=title),
                 data=_json(_poll_data(loaded))),
            Part("polls", f"{stem}-heat-map.png",
                 _("{title}: heat map (PNG)").format(title=title),
                 make=_heat_map(loaded)),
        ]


def _heat_map(loaded: Loaded) -> Callable[[], bytes]:
    return lambda: heat_map(loaded).data


def _poll_rows(loaded: Loaded) -> list[list[Any]]:
    people = list(loaded.grid)
    rows: list[list[Any]] = [["slot", "starts_at_utc", f"starts_local ({loaded.poll.timezone})",
                              "yes", "if_need_be", "no", *[loaded.name(p) for p in people]]]
    for i, (slot, score) in enumerate(zip(loaded.slots, loaded.scores(), strict=True)):
        rows.append([slot.number, _utc(slot.starts_at),
                     format_local(slot.starts_at, loaded.poll.timezone, name=False),
                     score.yes, score.maybe, score.no,
                     *[_answer(loaded.grid[p][i]) for p in people]])
    return rows


def _answer(answer: Answer | None) -> str:
    return str(answer) if answer is not None else ""


def _poll_data(loaded: Loaded) -> dict[str, Any]:
    poll = loaded.poll
    scores = loaded.scores()
    best = best_slot(scores)
    people = list(loaded.grid)
    return {
        "poll": poll.number, "title": poll.title, "status": str(poll.status),
        "timezone": poll.timezone, "length_minutes": poll.length_minutes,
        "created_at": _utc(poll.created_at), "closes_at": _utc(poll.closes_at),
        "closed_at": _utc(poll.closed_at), "outcome": poll.outcome,
        "members": [loaded.name(p) for p in people],
        "required": [loaded.name(p) for p in loaded.required],
        "best_slot": loaded.slots[best.index].number if best is not None else None,
        "slots": [{
            "number": slot.number, "starts_at": _utc(slot.starts_at),
            "yes": score.yes, "if_need_be": score.maybe, "no": score.no,
            "answers": {loaded.name(p): _answer(loaded.grid[p][i]) or None for p in people},
        } for i, (slot, score) in enumerate(zip(loaded.slots, scores, strict=True))],
    }


async def _votes(uow: UnitOfWork, lab: Lab, record: Record) -> None:
    for vote in await uow.votes.for_lab(lab.id):
        title = _("Vote #{number}: {question}").format(number=vote.number,
                                                        question=vote.question)
        if vote.status != VoteStatus.CLOSED:
            if vote.status == VoteStatus.OPEN:
                record.notes.append(_("{title} is still open: its ballots are published only "
                                      "after the close.").format(title=title))
            continue
        stem = f"votes/vote-{vote.number}"
        record.parts.append(Part("votes", f"{stem}-result.json",
                                 _("{title}: result (JSON)").format(title=title),
                                 data=_json(_vote_data(vote))))
        if vote.withdrawn_at is None:
            election = election_of(vote, await uow.ballots.rankings(vote.id))
            record.parts.append(Part("votes", f"{stem}-result.png",
                                     _("{title}: result chart (PNG)").format(title=title),
                                     make=_vote_chart(vote.number, vote.question, election)))
        files, _count = await ballot_files(uow, vote)
        for file in files:
            kind = file.name.rsplit(".", 1)[-1].upper()
            record.parts.append(Part(
                "votes", f"votes/{file.name}",
                _("{title}: anonymised ballots ({kind})").format(title=title, kind=kind),
                data=file.data))


def _vote_chart(number: int, question: str, election: Election) -> Callable[[], bytes | None]:
    def make() -> bytes | None:
        chart = results_chart(number, question, count(election))
        return chart.data if chart is not None else None

    return make


def _vote_data(vote: Vote) -> dict[str, Any]:
    return {
        "vote": vote.number, "question": vote.question, "method": str(vote.method),
        "seats": vote.seats, "tie_break": str(vote.tie_break), "strength": str(vote.strength),
        "seed": vote.seed, "created_at": _utc(vote.created_at), "closed_at": _utc(vote.closed_at),
        "options": [{"position": o.position, "label": o.label, "description": o.description}
                    for o in vote.options],
        "withdrawn_at": _utc(vote.withdrawn_at), "withdrawn_reason": vote.withdrawn_reason,
        "result": vote.result,
    }


async def _terms(uow: UnitOfWork, lab: Lab, now: datetime, record: Record) -> None:
    for terms in await uow.terms.of_lab(lab.id):
        doc = await terms_document(uow, terms, now)
        for fmt in FORMATS:
            record.parts.append(Part(
                "terms", f"terms/{terms_filename(doc, fmt)}",
                _("{title} · {format}").format(title=doc.heading, format=_(LABEL[fmt])),
                make=_terms_render(doc, fmt)))
        record.parts.append(Part(
            "terms", f"terms/terms-of-reference-{doc.number}-history.md",
            _("{title}: every version of every section (Markdown)").format(title=doc.heading),
            data=_history(doc, record.zone)))


def _terms_render(doc: TermsDocument, fmt: Any) -> Callable[[], bytes]:
    return lambda: render_terms(doc, fmt)


def _history(doc: TermsDocument, zone: str) -> bytes:
    """Who changed what in each section, oldest first, each version's text in full."""
    out = [f"# {doc.heading}: " + _("history"), ""]
    if doc.notice:
        out += [f"> **{doc.notice}**", ""]
    out += [_("Times in {zone}.").format(zone=zone), ""]
    for n, section in enumerate(doc.sections, start=1):
        out += [f"## {n}. {section.heading}", ""]
        for rev in section.history:
            author = rev.author or _("a former member")
            note = f" ({rev.note})" if rev.note else ""
            out += [f"### v{rev.version}: {author}, {format_local(rev.at, zone, name=False)}"
                    f"{note}", "", rev.text or _("(empty)"), ""]
    return "\n".join(out).encode("utf-8")


async def _audit(uow: UnitOfWork, lab: Lab, record: Record) -> None:
    entries = await uow.audit.for_lab(lab.id)
    known = await known_for(uow, record.zone, entries)
    rows: list[list[Any]] = [["at_utc", f"at_local ({record.zone})", "who", "action", "detail",
                              "sentence"]]
    heading = _("Audit log of {name}").format(name=lab.name)
    lines = [f"# {heading}", "",
             _("Oldest first; times in {zone}. Entries are never changed or deleted.").format(
                 zone=record.zone), ""]
    for e in entries:
        who = known.people.get(e.actor_id, _("a former member")) if e.actor_id else None
        words = sentence(e.action, who, e.detail, known)
        when = format_local(e.at, record.zone, name=False)
        rows.append([_utc(e.at), when, who or "", e.action,
                     json.dumps(e.detail, ensure_ascii=False, sort_keys=True), words])
        lines.append(f"- {when} · {words}")
    record.parts += [
        Part("audit", "audit/audit-log.csv", _("Audit log (CSV)"), data=_csv(rows)),
        Part("audit", "audit/audit-log.md", _("Audit log in sentences (Markdown)"),
             data="\n".join(lines).encode("utf-8") + b"\n"),
    ]


# --- rendering (no database; run in a worker thread) ------------------------------------------


def bundle(record: Record) -> File:
    """The record as one zip, `index.html` first. Pure: renders every part, skips a part
    that has nothing to show (a chart of a vote nobody voted in) and names it in the index."""
    made: list[tuple[Part, bytes]] = []
    for part in record.parts:
        data = part.render()
        if data is None:
            record.notes.append(_("{title}: nothing to draw.").format(title=part.title))
            continue
        made.append((part, data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry(INDEX, record.generated_at), index_page(record, made))
        for part, data in made:
            archive.writestr(_entry(part.path, record.generated_at), data)
    return File(record.filename, buffer.getvalue(), ZIP_MIME,
                alt=_("The record of {lab}, as a zip").format(lab=record.lab)[:200])


def _entry(path: str, moment: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=moment.astimezone(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # confidential: readable by its owner only
    return info


def index_page(record: Record, made: Sequence[tuple[Part, bytes]]) -> bytes:
    """One self-contained page linking every file of the bundle."""
    e = html.escape
    zone = record.zone
    title = _("The record of {lab}").format(lab=record.lab)
    dates = [_("Set up on {when}.").format(when=format_local(record.created_at, zone))]
    if record.archived_at is not None:
        dates.append(_("Archived on {when} by {who}.").format(
            when=format_local(record.archived_at, zone),
            who=record.archived_by or _("a former member")))
    else:
        dates.append(_("Not archived: this is the record as it stood."))
    dates.append(_("This record was made on {when}.").format(
        when=format_local(record.generated_at, zone)))
    members, none, left_out = _("Members"), _("None."), _("Left out")
    body = [f"<h1>{e(title)}</h1>",
            f'<p class="notice"><strong>{e(record_notice(record.lab))}</strong></p>',
            "<p>" + "<br>".join(e(d) for d in dates) + "</p>",
            f"<h2>{e(members)}</h2>", "<ul>"]
    for m in record.members:
        since = _("{role}, since {when}").format(
            role=m.role, when=format_local(m.since, zone, name=False))
        body.append(f"<li>{e(m.name)} ({e(since)})</li>")
    body.append("</ul>")
    for key in SECTIONS:
        parts = [p for p, _data in made if p.section == key]
        body.append(f"<h2>{e(section_title(key))}</h2>")
        if not parts:
            body.append(f"<p>{e(none)}</p>")
            continue
        body.append("<ul>")
        body += [f'<li><a href="{e(p.path, quote=True)}">{e(p.title)}</a> '
                 f"<small>({e(p.path)})</small></li>" for p in parts]
        body.append("</ul>")
    if record.notes:
        body += [f"<h2>{e(left_out)}</h2>", "<ul>"]
        body += [f"<li>{e(n)}</li>" for n in record.notes]
        body.append("</ul>")
    times = _("Times in {zone}.").format(zone=zone)
    body.append(f"<p><small>{e(times)}</small></p>")
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>{e(title)}</title><style>body{{font-family:sans-serif;max-width:50em;"
            "margin:2em auto;line-height:1.4}.notice{border:1px solid #b00;padding:.5em}"
            "</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
    return page.encode("utf-8")
