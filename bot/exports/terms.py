"""Terms of reference as files: Markdown, HTML, PDF, DOCX and JSON (with the JSON Schema it
follows, `terms.schema.json`), pure renderers of one `TermsDocument`, as the minutes' are of
a `MinutesDocument`. The PDF and DOCX reuse the minutes' font, shaping and bidi helpers.
The confidentiality notice heads each file until the lab marks the document public."""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from bot.exports import MIME, Format
from bot.i18n import NP_, _, current_locale, pgettext

_STATUS_WORDS = {"draft": NP_("terms status", "draft"),
                 "consent": NP_("terms status", "consent"),
                 "approved": NP_("terms status", "approved")}
_ANSWER_WORDS = {"agree": NP_("consent answer", "agree"),
                 "stand_aside": NP_("consent answer", "stand aside"),
                 "object": NP_("consent answer", "object")}


def _status(status: str) -> str:
    word = _STATUS_WORDS.get(status)
    return pgettext("terms status", word) if word else status


def _answer(answer: str) -> str:
    word = _ANSWER_WORDS.get(answer)
    return pgettext("consent answer", word) if word else answer.replace("_", " ")

SCHEMA_ID = "https://actionlab.invalid/schemas/terms-of-reference-1.json"


@dataclass(frozen=True, slots=True)
class DocRevision:
    version: int
    author: str | None
    at: datetime
    note: str | None
    text: str


@dataclass(frozen=True, slots=True)
class DocSection:
    key: str
    heading: str
    text: str
    version: int
    updated_by: str | None
    updated_at: datetime
    history: tuple[DocRevision, ...] = ()


@dataclass(frozen=True, slots=True)
class DocAnswer:
    person: str
    answer: str  # agree, stand_aside, object
    section: str | None
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class TermsDocument:
    lab: str
    number: int
    title: str
    status: str
    public: bool
    notice: str | None  # the confidentiality notice, None once public
    sections: tuple[DocSection, ...]
    answers: tuple[DocAnswer, ...]
    round: int
    approved_at: datetime | None
    generated_at: datetime

    @property
    def heading(self) -> str:
        return _("Terms of reference: {title}").format(title=self.title)


def filename(doc: TermsDocument, fmt: Format) -> str:
    return f"terms-of-reference-{doc.number}.{fmt}"


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


def to_data(doc: TermsDocument, *, history: bool = True) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_ID, "lab": doc.lab, "number": doc.number, "title": doc.title,
        "status": doc.status, "public": doc.public, "confidentiality": doc.notice,
        "approved_at": _utc(doc.approved_at), "generated_at": _utc(doc.generated_at),
        "consent": {"round": doc.round, "answers": [
            {"person": a.person, "answer": a.answer, "section": a.section, "reason": a.reason,
             "at": _utc(a.at)} for a in doc.answers]},
        "sections": [{
            "key": s.key, "heading": s.heading, "text": s.text, "version": s.version,
            "updated_by": s.updated_by, "updated_at": _utc(s.updated_at),
            "history": [{"version": r.version, "author": r.author, "at": _utc(r.at),
                         "note": r.note, "text": r.text} for r in s.history] if history else [],
        } for s in doc.sections],
    }


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("bot.exports").joinpath("terms.schema.json").read_text("utf-8"))
    return data


def _markdown(doc: TermsDocument) -> bytes:
    out = [f"# {doc.heading}", ""]
    if doc.notice:
        out += [f"> **{doc.notice}**", ""]
    out += [_("{lab} · status: {status}").format(lab=doc.lab, status=_status(doc.status))
            + (_(", approved {day}").format(
                day=_day(doc.approved_at)) if doc.approved_at else ""), ""]
    for n, s in enumerate(doc.sections, 1):
        out += [f"## {n}. {s.heading}", "", s.text, "",
                _("_Version {version}, {value}, "
                "{day}_").format(
                    version=s.version, value=s.updated_by or _('pre-filled'),
                    day=_day(s.updated_at)), ""]
    if doc.answers:
        out += [_("## Consent"), ""]
        out += [f"- {a.person}: {_answer(a.answer)}"
                + (_(" (section {section}: {reason})").format(
                    section=a.section, reason=a.reason) if a.reason else "")
                for a in doc.answers]
        out.append("")
    out.append(_("Generated {day} by actionlab.").format(
        day=_day(doc.generated_at)))
    return ("\n".join(out) + "\n").encode()


def _html(doc: TermsDocument) -> bytes:
    e = html.escape
    lang = current_locale().replace("_", "-")
    parts = ["<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
             f"<title>{e(doc.heading)}</title>",
             "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;"
             "line-height:1.5}.notice{border:2px solid #9b1c1c;color:#9b1c1c;padding:.5em;"
             "font-weight:bold}.meta{color:#555;font-size:.9em}"
             "section p{white-space:pre-wrap}</style></head><body>",
             f"<h1>{e(doc.heading)}</h1>"]
    if doc.notice:
        parts.append(f'<p class="notice">{e(doc.notice)}</p>')
    parts.append('<p class="meta">' + e(_("{lab} · status: {status}").format(
        lab=doc.lab, status=_status(doc.status))) + "</p>")
    for n, s in enumerate(doc.sections, 1):
        version = _("Version {version}, {value}, {day}").format(
            version=s.version, value=s.updated_by or _("pre-filled"), day=_day(s.updated_at))
        parts.append(f'<section id="{e(s.key)}"><h2>{n}. {e(s.heading)}</h2>'
                     f'<p>{e(s.text)}</p><p class="meta">{e(version)}</p></section>')
    if doc.answers:
        items = "".join(f"<li>{e(a.person)}: {e(_answer(a.answer))}"
                        + (f" ({e(a.section or '')}: {e(a.reason)})" if a.reason else "")
                        + "</li>" for a in doc.answers)
        parts.append(f"<h2>{e(_('Consent'))}</h2><ul>{items}</ul>")
    parts.append('<p class="meta">' + e(_("Generated {day} by actionlab.").format(
        day=_day(doc.generated_at))) + "</p>")
    parts.append("</body></html>")
    return "\n".join(parts).encode()


def _pdf(doc: TermsDocument) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    from bot.exports.pdf import FONT, RED, add_fonts, needs_shaping
    from bot.fonts import chain

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    everything = " ".join([doc.heading, doc.notice or "", doc.lab,
                           *(f"{s.heading} {s.text} {s.updated_by or ''}" for s in doc.sections),
                           *(f"{a.person} {a.section or ''} {a.reason or ''}"
                             for a in doc.answers)])
    add_fonts(pdf, chain(), everything)  # each character from the first font that has it
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(doc.heading)
    pdf.set_creator("actionlab")
    pdf.set_creation_date(doc.generated_at)
    pdf.add_page()

    def para(text: str, size: float = 10, style: str = "", color: tuple[int, ...] = (0,),
             boxed: bool = False) -> None:
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*color)
        pdf.set_text_shaping(use_shaping_engine=needs_shaping(text))
        pdf.multi_cell(0, size * 0.5, text, border="LTRB" if boxed else "",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    para(doc.heading, 16, "B")
    if doc.notice:
        para(doc.notice, 9, "B", RED, boxed=True)
    para(_("{lab} · status: {status}").format(lab=doc.lab, status=_status(doc.status)), 9)
    for n, s in enumerate(doc.sections, 1):
        para(f"{n}. {s.heading}", 12, "B")
        para(s.text)
        para(_("Version {version}, {value}, {day}").format(
            version=s.version, value=s.updated_by or _('pre-filled'), day=_day(s.updated_at)), 8,
             color=(85, 85, 85))
    if doc.answers:
        para(_("Consent"), 12, "B")
        for a in doc.answers:
            para(f"{a.person}: {_answer(a.answer)}"
                 + (f" ({a.section}: {a.reason})" if a.reason else ""))
    return bytes(pdf.output())


def _docx(doc: TermsDocument) -> bytes:
    from docx import Document

    from bot.exports.docx import GREY, RED, para

    document = Document()
    document.core_properties.title = doc.heading
    document.add_heading(doc.heading, level=0)
    if doc.notice:
        para(document, doc.notice, bold=True, color=RED)
        for section in document.sections:
            para(section.header, doc.notice, size=8, color=RED)  # type: ignore[arg-type]
    para(document, _("{lab} · status: {status}").format(
        lab=doc.lab, status=_status(doc.status)), color=GREY)
    for n, s in enumerate(doc.sections, 1):
        document.add_heading(f"{n}. {s.heading}", level=1)
        for line in s.text.split("\n"):
            para(document, line)
        para(document, _("Version {version}, {value}, "
                       "{day}").format(
            version=s.version, value=s.updated_by or _('pre-filled'),
            day=_day(s.updated_at)), size=8, color=GREY)
    if doc.answers:
        document.add_heading(_("Consent"), level=1)
        for a in doc.answers:
            para(document, f"{a.person}: {_answer(a.answer)}"
                           + (f" ({a.section}: {a.reason})" if a.reason else ""))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(doc: TermsDocument, fmt: Format) -> bytes:
    if fmt == "md":
        return _markdown(doc)
    if fmt == "html":
        return _html(doc)
    if fmt == "pdf":
        return _pdf(doc)
    if fmt == "docx":
        return _docx(doc)
    if fmt == "json":
        return json.dumps(to_data(doc), ensure_ascii=False, indent=2).encode()
    raise ValueError(f"unknown export format {fmt!r}")


__all__ = ["MIME", "DocAnswer", "DocRevision", "DocSection", "TermsDocument", "filename",
           "render", "schema", "to_data"]
