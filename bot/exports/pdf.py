"""Minutes as PDF with fpdf2: DejaVu Sans (shipped inside matplotlib, so no system package
and no download) covers Latin with every Vietnamese mark and Arabic; HarfBuzz (uharfbuzz)
shapes the Arabic letters and the Unicode bidi algorithm orders them right to left. What
DejaVu lacks (Chinese, Japanese, Korean, Devanagari, emoji, ...) comes from fallback fonts
(`bot.fonts`: the Noto fonts the project installs, then the machine's), each character from
the first font that has it; what no font has is listed at the top of the PDF (and in the
bot's reply), with the formats that keep it. The confidentiality notice heads every page."""

from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.domain.minutes import DocEntry, MinutesDocument
from bot.exports.coverage import document_text, lost, pdf_notice
from bot.exports.text import (
    direction,
    dropped_sentence,
    due_text,
    entry_byline,
    generated_line,
    isolate,
    meta_rows,
    status_text,
)
from bot.fonts import FontChain, chain, dejavu_sans, static_copy
from bot.i18n import _

FONT = "DejaVu"
# A table row taller than a page cannot be drawn; longer action texts are cut in the table
# and printed in full under it, so nothing is lost.
TABLE_CELL = 600
RED = (155, 28, 28)
GREY = (85, 85, 85)


def needs_shaping(text: str) -> bool:
    """Whether `text` needs HarfBuzz: right-to-left or complex scripts, or combining marks.

    Latin (Vietnamese included, whose letters come precomposed), Greek, Cyrillic and common
    punctuation draw correctly glyph by glyph, and shaping them costs most of a PDF's
    rendering time; Arabic cannot be drawn without it.
    """
    for ch in text:
        o = ord(ch)
        simple = o < 0x0590 or 0x1E00 <= o <= 0x1EFF or 0x2000 <= o <= 0x2BFF
        if not simple or unicodedata.combining(ch):
            return True
    return False


def add_fonts(pdf: FPDF, fonts: FontChain, text: str) -> None:
    """DejaVu Sans (regular, bold, italic) as `FONT`, then the faces `text` also needs."""
    folder = dejavu_sans().parent
    pdf.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))
    pdf.add_font(FONT, "I", str(folder / "DejaVuSans-Oblique.ttf"))
    add_fallbacks(pdf, fonts, text)


def add_fallbacks(pdf: FPDF, fonts: FontChain, text: str) -> None:
    """The faces after DejaVu Sans that `text` needs, in the chain's order, as fpdf2's
    fallback fonts: a character DejaVu lacks comes from the first of them that has it, in
    bold and italic lines too (from the regular face)."""
    names = []
    for i, face in enumerate(f for f in fonts.faces_for(text) if f is not fonts.primary):
        path = face.path if face.direct else static_copy(face, text)[0]
        names.append(f"fallback{i}")
        pdf.add_font(names[-1], "", str(path))
    if names:
        pdf.set_fallback_fonts(names, exact_match=False)


class _MinutesPDF(FPDF):
    def __init__(self, doc: MinutesDocument, fonts: FontChain) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.doc = doc
        add_fonts(self, fonts, document_text(doc))
        self.set_margins(18, 26, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages()
        self.set_title(doc.heading)
        self.set_subject(_("Minutes of {lab}").format(lab=doc.lab))
        self.set_author(doc.secretary or doc.lab)
        self.set_creator("actionlab")
        self.set_keywords(_("confidential minutes"))
        self.set_creation_date(doc.generated_at)

    def shape(self, text: str, *, ltr: bool = False) -> None:
        """Shape what follows when `text` needs it; `ltr` fixes the paragraph's direction."""
        if needs_shaping(text):
            self.set_text_shaping(use_shaping_engine=True, direction="ltr" if ltr else None)
        else:
            self.set_text_shaping(use_shaping_engine=False)

    def header(self) -> None:
        # A page break can fall inside a paragraph: leave its shaping as it was.
        saved = self.text_shaping
        self.set_y(8)
        self.set_font(FONT, "B", 8)
        self.set_text_color(*RED)
        self.set_draw_color(*RED)
        self.shape(self.doc.confidentiality)
        self.multi_cell(0, 4, self.doc.confidentiality, border=1, align="C", padding=1,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.set_y(max(self.get_y() + 4, 26))
        self.text_shaping = saved

    def footer(self) -> None:
        saved = self.text_shaping
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        text = _("{text} · page {page_no} of {{nb}}").format(
            text=isolate(self.doc.heading), page_no=self.page_no())
        self.shape(text, ltr=True)
        self.cell(0, 5, text, align="C")
        self.set_text_color(0)
        self.text_shaping = saved

    # --- blocks ---------------------------------------------------------------------------

    def para(self, text: str, *, size: float = 10, style: str = "", h: float = 5.2,
             color: tuple[int, int, int] | None = None, ltr: bool = False) -> None:
        """A paragraph whose direction is its first strong character's, unless `ltr`: an
        English line that merely starts with a right-to-left name stays left to right."""
        self.set_font(FONT, style, size)
        if color:
            self.set_text_color(*color)
        rtl = not ltr and direction(text) == "rtl"
        if ltr:
            text = isolate(text)
        self.shape(text, ltr=ltr)
        self.multi_cell(0, h, text, align="R" if rtl else "L", new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.set_text_color(0)

    def heading2(self, text: str) -> None:
        self.ln(3)
        if self.will_page_break(20):
            self.add_page()
        self.set_font(FONT, "B", 13)
        self.shape(text)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.get_y()
        self.set_draw_color(180)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.ln(2)

    def entries(self, title: str, entries: tuple[DocEntry, ...]) -> None:
        self.heading2(title)
        if not entries:
            self.para(_("No {lower}.").format(lower=title.lower()), style="I", color=GREY)
        for e in entries:
            self.para(f"{e.number}. {e.text}")
            byline = entry_byline(e, self.doc.zone)
            if e.link:
                byline += f" · {e.link}"
            self.para(byline, size=8, h=4.4, color=GREY, ltr=True)
            self.ln(1.5)


def render(doc: MinutesDocument, fonts: FontChain | None = None) -> bytes:
    """The PDF of `doc`, drawn with `fonts` (default: the fonts found, `bot.fonts.chain`)."""
    fonts = fonts or chain()
    pdf = _MinutesPDF(doc, fonts)
    pdf.add_page()
    pdf.para(doc.heading, size=17, style="B", h=9)
    pdf.ln(1)
    for label, value in meta_rows(doc):
        pdf.para(f"{label}: {value}", size=10, ltr=True)
    notice = pdf_notice(lost(doc, fonts))
    if notice:
        pdf.ln(1)
        pdf.para(notice, size=9, style="B", color=RED)
    pdf.heading2(_("Attendance"))
    present = ", ".join(doc.present) or _("nobody recorded")
    pdf.para(_("Present ({count}): {present}").format(
        count=len(doc.present), present=present), ltr=True)
    pdf.para(_("Apologies ({count}): {value}").format(
        count=len(doc.apologies), value=', '.join(doc.apologies) or _('none')),
             ltr=True)
    pdf.entries(_("Notes"), doc.notes)
    pdf.entries(_("Decisions"), doc.decisions)
    pdf.heading2(_("Action items"))
    if not doc.actions:
        pdf.para(_("No action items."), style="I", color=GREY)
    else:
        pdf.set_font(FONT, "", 9)
        # The table is drawn as a whole when the block ends, with one shaping setting.
        pdf.shape(" ".join(f"{a.text} {a.owner}" for a in doc.actions))
        with pdf.table(col_widths=(8, 78, 40, 22, 26), text_align="LEFT",
                       line_height=5, padding=1, first_row_as_headings=True) as table:
            head = table.row()
            for label in ("#", _("Action"), _("Owner"), _("Due"), _("Status")):
                head.cell(label)
            for a in doc.actions:
                row = table.row()
                row.cell(str(a.number), align="R")
                text = a.text if len(a.text) <= TABLE_CELL else \
                    a.text[:TABLE_CELL].rstrip() + _("… (in full below)")
                row.cell(text, align="R" if direction(a.text) == "rtl" else "L")
                row.cell(a.owner, align="R" if direction(a.owner) == "rtl" else "L")
                row.cell(due_text(a))
                row.cell(status_text(a, doc.zone))
        for a in doc.actions:
            if len(a.text) > TABLE_CELL:
                pdf.ln(2)
                pdf.para(_("Action {number} in full:").format(number=a.number), style="B")
                pdf.para(a.text)
    dropped = dropped_sentence(doc)
    if dropped:
        pdf.ln(2)
        pdf.para(dropped, style="I", color=GREY)
    pdf.ln(4)
    pdf.para(generated_line(doc), size=8, color=GREY)
    return bytes(pdf.output())
