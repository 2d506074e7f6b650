"""Minutes as a Word document (python-docx): the notice in every page's header, right-to-left
runs marked `w:rtl` and right-to-left paragraphs marked `w:bidi`, action items in a table."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from bot.domain.minutes import DocEntry, MinutesDocument
from bot.exports.text import (
    direction,
    dropped_sentence,
    due_text,
    entry_byline,
    generated_line,
    meta_rows,
    split_runs,
    status_text,
)
from bot.i18n import _

LRM = "\u200e"
RED = RGBColor(0x9B, 0x1C, 0x1C)
GREY = RGBColor(0x55, 0x55, 0x55)


def write(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
          size: float | None = None, color: RGBColor | None = None) -> None:
    """Add `text` to `paragraph`, one run per direction, right-to-left runs marked.

    A left-to-right run after a right-to-left one starts with a left-to-right mark, so the
    digits of "محمد الأمين · 10:00" stay with the time and are not read into the name.
    """
    after_rtl = False
    for piece, rtl in split_runs(text):
        run = paragraph.add_run(LRM + piece if after_rtl and not rtl else piece)
        after_rtl = rtl
        run.bold, run.italic = bold or None, italic or None
        if rtl:
            run.font.rtl = True
            # Word styles right-to-left runs with the complex-script properties.
            run.font.cs_bold = bold or None
        if size is not None:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color


def bidi(paragraph: Paragraph, text: str) -> None:
    """Mark a paragraph right-to-left when its text starts in a right-to-left script."""
    if direction(text) == "rtl":
        p_pr = paragraph._p.get_or_add_pPr()
        p_pr.append(OxmlElement("w:bidi"))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def para(container: DocxDocument | _Cell, text: str, *, style: str | None = None,
         ltr: bool = False, **fmt: object) -> Paragraph:
    """A paragraph of `text`; right to left when its text starts so, unless `ltr` (an English
    line that merely starts with a right-to-left name)."""
    paragraph = container.add_paragraph(style=style)
    if not ltr:
        bidi(paragraph, text)
    write(paragraph, text, **fmt)  # type: ignore[arg-type]
    return paragraph


def _page_number(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _entries(document: DocxDocument, title: str, entries: tuple[DocEntry, ...],
             zone: str) -> None:
    document.add_heading(title, level=2)
    if not entries:
        para(document, _("No {lower}.").format(
            lower=title.lower()), italic=True, color=GREY)
    for e in entries:
        p = document.add_paragraph()
        bidi(p, e.text)
        write(p, f"{e.number}. ", bold=True)
        write(p, e.text)
        byline = entry_byline(e, zone) + (f" · {e.link}" if e.link else "")
        para(document, byline, ltr=True, size=8, color=GREY)


def render(doc: MinutesDocument) -> bytes:
    document = Document()
    props = document.core_properties
    props.title, props.subject = doc.heading, _("Minutes of {lab}").format(lab=doc.lab)
    props.author = doc.secretary or doc.lab
    props.keywords, props.comments = _("confidential minutes"), doc.confidentiality
    props.created = doc.generated_at.replace(tzinfo=None)

    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    write(header, doc.confidentiality, bold=True, size=8, color=RED)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    write(footer, _("{heading} · page ").format(heading=doc.heading), size=8, color=GREY)
    _page_number(footer)

    notice = para(document, doc.confidentiality, bold=True, color=RED)
    notice.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = document.add_heading(level=1)
    bidi(heading, doc.heading)
    write(heading, doc.heading)
    for label, value in meta_rows(doc):
        p = document.add_paragraph()
        write(p, f"{label}: ", bold=True)
        write(p, value)

    document.add_heading(_("Attendance"), level=2)
    p = document.add_paragraph()
    write(p, _("Present ({count}): ").format(count=len(doc.present)), bold=True)
    write(p, ", ".join(doc.present) or _("nobody recorded"))
    p = document.add_paragraph()
    write(p, _("Apologies ({count}): ").format(count=len(doc.apologies)), bold=True)
    write(p, ", ".join(doc.apologies) or _("none"))

    _entries(document, _("Notes"), doc.notes, doc.zone)
    _entries(document, _("Decisions"), doc.decisions, doc.zone)

    document.add_heading(_("Action items"), level=2)
    if not doc.actions:
        para(document, _("No action items."), italic=True, color=GREY)
    else:
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells,
                               ("#", _("Action"), _("Owner"), _("Due"), _("Status")),
                               strict=True):
            cell.paragraphs[0].text = ""
            write(cell.paragraphs[0], label, bold=True)
        for a in doc.actions:
            cells = table.add_row().cells
            values = (str(a.number), a.text, a.owner, due_text(a), status_text(a, doc.zone))
            for cell, value in zip(cells, values, strict=True):
                bidi(cell.paragraphs[0], value)
                write(cell.paragraphs[0], value)

    dropped = dropped_sentence(doc)
    if dropped:
        para(document, dropped, italic=True, color=GREY)
    para(document, generated_line(doc), size=8, color=GREY)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
