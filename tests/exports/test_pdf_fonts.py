"""No text silently lost in the PDF: Chinese, Japanese, Korean, Devanagari, Arabic and emoji
either come out of the PDF (text extraction with pypdf) or are named, entry by entry, in the
PDF and in the sentence for the bot's reply. Both with the fonts this environment has and
with the font search pointed at DejaVu Sans alone."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from bot.domain.minutes import (
    ActionStatus,
    EntryFacts,
    EntryKind,
    MinutesDocument,
    build_document,
)
from bot.exports.coverage import lost, pieces, reply_notice
from bot.exports.pdf import render
from bot.fonts import ENV, FontChain, chain, codepoints, dejavu_sans, search_path
from tests.exports.conftest import START, squash

CHINESE = "李小龍"
ACTION = "准备案例研究"
LAB = "Procurement Lab 🚀"
HINDI = "नमस्ते दुनिया"
ARABIC = "نحتاج إلى بيانات المشتريات المفتوحة"
KOREAN = "김민준"
JAPANESE = "山田 花子"
MUSIC = "𝄞 clef"  # a character that neither DejaVu nor any Noto font here draws


def the_doc() -> MinutesDocument:
    at = START + timedelta(minutes=5)
    entries = [
        EntryFacts(1, EntryKind.NOTE, f"{HINDI} and {KOREAN}", JAPANESE, at),
        EntryFacts(2, EntryKind.NOTE, ARABIC, "محمد الأمين", at),
        EntryFacts(3, EntryKind.ACTION, ACTION, "Gemma Rhodes", at, owner=CHINESE,
                   due=date(2027, 3, 30), status=ActionStatus.OPEN),
        EntryFacts(4, EntryKind.DECISION, "We keep the 🚀 and the plan", "Gemma Rhodes", at),
    ]
    return build_document(
        lab=LAB, title="Kick-off call", meeting_number=None, zone="Europe/London",
        started_at=START, ended_at=START + timedelta(minutes=60), secretary="Gemma Rhodes",
        present=("Gemma Rhodes", KOREAN, JAPANESE), apologies=(CHINESE,), entries=entries,
        generated_at=START + timedelta(hours=1),
    )


def pdf_text(data: bytes) -> str:
    """The PDF's text. pypdf puts a control character (U+0008) inside a Devanagari syllable
    whose vowel sign is drawn before its consonant (दुनि|या); the letters are all there."""
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[\x00-\x08\x0b-\x1f]", "", text)


def dejavu_only() -> FontChain:
    return chain([dejavu_sans()])


def check_every_piece(doc: MinutesDocument, fonts: FontChain) -> tuple[str, list[str]]:
    """Each typed piece is in the PDF's text, or it is listed as lost with exactly the
    characters missing from it. Returns the PDF's squashed text and the lost places."""
    data = render(doc, fonts)
    text = pdf_text(data)
    flat = squash(text)
    gone = {item.place: item for item in lost(doc, fonts)}
    for place, piece in pieces(doc):
        missing = fonts.missing(piece)
        if not missing:
            assert squash(piece) in flat, (place, piece)
            assert place not in gone
        else:
            assert gone[place].missing == missing
            # The PDF names the place and the code points of what it could not draw.
            assert squash(f"{place}: {codepoints(missing)}") in flat, (place, text)
    return flat, list(gone)


def test_the_issue_names_with_the_fonts_found_here() -> None:
    doc = the_doc()
    fonts = chain()
    flat, gone = check_every_piece(doc, fonts)
    # The fonts the project installs cover every script of the issue.
    if fonts.missing(CHINESE + ACTION + LAB + HINDI + KOREAN + JAPANESE) == "":
        assert gone == []
        for piece in (CHINESE, ACTION, LAB, HINDI, KOREAN, JAPANESE):
            assert squash(piece) in flat
        assert "could not be drawn" not in flat
        assert reply_notice(lost(doc, fonts)) is None


def test_with_dejavu_alone_the_pdf_and_the_reply_name_each_entry_it_could_not_draw() -> None:
    doc = the_doc()
    fonts = dejavu_only()
    flat, gone = check_every_piece(doc, fonts)
    assert gone == ["lab", "present, name 2", "present, name 3", "apologies, name 1", "note 1",
                    "note 1 (author)", "decision 4", "action 3", "action 3 (owner)"]
    assert squash("Export the minutes as DOCX, HTML or Markdown") in flat
    # What DejaVu draws is still there: Arabic, and the Latin around the emoji.
    assert squash(ARABIC) in flat and squash("We keep the and the plan") in flat
    reply = reply_notice(lost(doc, fonts))
    assert reply is not None
    for piece in (f"apologies, name 1: {CHINESE}", f"action 3: {ACTION}",
                  f"action 3 (owner): {CHINESE}", f"lab: {LAB}", "U+1F680",
                  "U+674E U+5C0F U+9F8D", "DOCX, HTML or Markdown"):
        assert piece in reply


def test_a_character_no_font_has_is_reported_whatever_the_fonts() -> None:
    at = START + timedelta(minutes=5)
    doc = build_document(
        lab="Action Lab 1", title="Music", meeting_number=None, zone="UTC", started_at=START,
        ended_at=None, secretary=None, present=(), apologies=(),
        entries=[EntryFacts(1, EntryKind.NOTE, MUSIC, "Zoë Núñez", at)], generated_at=START)
    for fonts in (chain(), dejavu_only()):
        flat, gone = check_every_piece(doc, fonts)
        assert gone == ["note 1"]
        assert squash("note 1: U+1D11E") in flat


def test_arabic_comes_out_in_logical_order_beside_fallback_text() -> None:
    text = pdf_text(render(the_doc(), chain()))
    assert ARABIC in text
    assert "محمد الأمين" in text


def test_the_fonts_are_embedded_and_the_fallbacks_are_static_regular_copies() -> None:
    fonts = chain()
    doc = the_doc()
    reader = PdfReader(io.BytesIO(render(doc, fonts)))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            obj = font.get_object()
            names.add(str(obj["/BaseFont"]))
            descriptor = obj["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object()  # embedded TrueType outlines
    assert any(re.search("DejaVuSans", n) for n in names)
    used = {f.family for f in fonts.faces_for(CHINESE + ACTION + LAB + HINDI)}
    if len(used) > 1:  # fallback faces were found and are in the PDF
        assert len(names) > 1


def test_the_search_path_can_be_pointed_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, str(dejavu_sans()))
    assert search_path() == (dejavu_sans(),)
    fonts = chain()
    assert [f.path for f in fonts.faces] == [dejavu_sans()]
    assert fonts.missing(f"{CHINESE} ok") == CHINESE
