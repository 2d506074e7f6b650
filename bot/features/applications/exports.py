"""The call's applications with their scores, for the programme team: CSV, or any of the
minutes' formats (Markdown, HTML, PDF, DOCX, JSON), rendered after the commit."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime
from typing import Annotated, Literal

from bot.arguments import Args, Pos
from bot.domain import applications as rules
from bot.domain.minutes import DocEntry, EntryKind, EntrySource, MinutesDocument, slug
from bot.exports import FORMATS, LABEL, MIME, render
from bot.features.applications.service import current_call
from bot.i18n import N_, _
from bot.messages import File, Reply
from bot.router import Call, Router
from storage.models import Application, ApplicationReview, Lab, LabCall
from storage.uow import UnitOfWork

router = Router()

ExportFormat = Literal["csv", "md", "html", "pdf", "docx", "json"]


class ExportArgs(Args):
    format: Annotated[ExportFormat, Pos()] = "csv"


async def _load(uow: UnitOfWork, lab_call: LabCall) -> tuple[
        list[Application], list[ApplicationReview], dict[int, str], dict[int, str | None]]:
    rows = [a for a in await uow.applications.of_call(lab_call.id) if a.complete]
    reviews = list(await uow.applications.reviews([a.id for a in rows]))
    ids = [a.person_id for a in rows] + [r.reviewer_id for r in reviews if r.reviewer_id]
    names = await uow.people.names(ids)
    zones: dict[int, str | None] = {}
    for a in rows:
        p = await uow.people.get(a.person_id)
        zones[a.person_id] = p.timezone if p is not None else None
    return rows, reviews, names, zones


def to_csv(lab_call: LabCall, rows: list[Application], reviews: list[ApplicationReview],
           names: dict[int, str], zones: dict[int, str | None]) -> bytes:
    qs = rules.questions_from_json(lab_call.questions)
    ranked = {r.application_id: r for r in rules.rank(
        [(a.id, a.number) for a in rows],
        [(r.application_id, r.reviewer_id or 0, str(k), int(v))
         for r in reviews for k, v in r.scores.items()])}
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["number", "name", "zone", _("meeting window (their zone)"), "status",
                _("submitted (UTC)"), *[q.label for q in qs],
                *[_("score: {key} (mean)").format(
                    key=q.key) for q in qs], _("average"), _("reviewers"),
                _("scores and notes by reviewer")])
    for a in rows:
        r = ranked[a.id]
        zone = zones.get(a.person_id) or "UTC"
        by = "; ".join(
            f"{names.get(v.reviewer_id or 0) or _('a former member')}: "
            + " ".join(f"{k}={s}" for k, s in v.scores.items())
            + (f" (note: {v.note})" if v.note else "")
            for v in reviews if v.application_id == a.id)
        w.writerow([a.number, names.get(a.person_id, ""), zone,
                    rules.meeting_window_in(zone, lab_call.closes_at.date()), a.status.value,
                    f"{a.submitted_at:%Y-%m-%d %H:%M}",
                    *[a.answers.get(q.key, "") for q in qs],
                    *[r.by_criterion.get(q.key, "") for q in qs],
                    "" if r.average is None else r.average, r.reviewers, by])
    return out.getvalue().encode("utf-8")


def to_document(lab: Lab, lab_call: LabCall, rows: list[Application],
                reviews: list[ApplicationReview], names: dict[int, str],
                zones: dict[int, str | None], now: datetime) -> MinutesDocument:
    """The applications as a document the minutes' renderers can show: one entry per
    applicant (answers, window, scores and notes), in the order they applied."""
    qs = rules.questions_from_json(lab_call.questions)
    entries = []
    for a in rows:
        zone = zones.get(a.person_id) or "UTC"
        parts = [_("#{number} {get} ({value}); zone {zone}; "
                 "meetings {meeting_window_in}").format(
            number=a.number, get=names.get(a.person_id, ''), value=rules.status_word(a.status),
            zone=zone,
            meeting_window_in=rules.meeting_window_in(zone, lab_call.closes_at.date()))]
        parts += [f"{q.label}: {a.answers.get(q.key, '')}" for q in qs]
        for v in reviews:
            if v.application_id == a.id:
                who = names.get(v.reviewer_id or 0) or _("a former member")
                scored = ", ".join(f"{k} {s}" for k, s in v.scores.items())
                parts.append(_("Scores by {who}: {scored}").format(
                    who=who, scored=scored) + (_("; note: {note}").format(
                    note=v.note) if v.note
                                                              else ""))
        entries.append(DocEntry(a.number, EntryKind.NOTE, "\n".join(parts),
                                names.get(a.person_id), a.submitted_at, EntrySource.TYPED,
                                None, False))
    return MinutesDocument(
        lab=lab.name, title=_("Applications, call {number}").format(
            number=lab_call.number), meeting_number=None,
        zone=lab.timezone, started_at=lab_call.created_at, ended_at=lab_call.decided_at,
        secretary=None, present=(), apologies=(), notes=tuple(entries), decisions=(),
        actions=(), dropped=(), confidentiality=lab.commitment, generated_at=now)


@router.command(
    "membership export", args=ExportArgs, aliases=("call export",),
    access="facilitator", topic="applications",
    summary=N_("The applications with their scores as a file: csv, md, html, pdf, docx, json."),
    examples=("/lab call export csv", "/lab call export pdf"),
)
async def export(call: Call[ExportArgs]) -> Reply:
    lab = call.the_lab
    lab_call = await current_call(call, lab)
    rows, reviews, names, zones = await _load(call.uow, lab_call)
    fmt = call.args.format
    await call.uow.commit()  # hold no row while a PDF is drawn
    base = f"applications-{slug(lab.name)}-call-{lab_call.number}"
    if fmt == "csv":
        file = File(f"{base}.csv", to_csv(lab_call, rows, reviews, names, zones),
                    "text/csv; charset=utf-8",
                    alt=_("Applications to {name} (CSV)").format(name=lab.name))
    else:
        assert fmt in FORMATS
        doc = to_document(lab, lab_call, rows, reviews, names, zones, call.now)
        data = await asyncio.to_thread(render, doc, fmt)
        file = File(f"{base}.{fmt}", data, MIME[fmt],
                    alt=_("Applications to {name} ({format})").format(name=lab.name,
                                                                      format=LABEL[fmt]))
    await call.audit("call.export", call=lab_call.id, format=fmt)
    return Reply(text=_("{count} applications to {name} with their scores, for you "
                      "only. They are personal data: keep them within the programme team.").format(
        count=len(rows), name=lab.name),
                 files=(file,))
