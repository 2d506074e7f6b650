"""Every export format, parsed back and checked for every entry, every attendee, the
non-Latin names, right-to-left order and the confidentiality notice on every page."""

from __future__ import annotations

import io
import json
import re

import jsonschema
import pytest
from docx import Document
from lxml import html as lxml_html
from pypdf import PdfReader

from bot.domain.minutes import MinutesDocument
from bot.exports import FORMATS, MIME, filename, render
from bot.exports.json import schema
from tests.exports.conftest import LONG, NAMES, expected_texts, squash

ARABIC = "محمد الأمين"


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_body(pages: list[str], doc: MinutesDocument) -> str:
    """The pages' text run together without each page's header and footer, squashed, so a
    paragraph that continues on the next page reads as one."""
    notice = squash(doc.confidentiality)
    footer = re.compile(re.escape(squash(doc.heading)) + r"·page\d+of\d+")
    return "".join(footer.sub("", squash(p).replace(notice, "")) for p in pages)


# --- Markdown -------------------------------------------------------------------------------

def test_markdown_shows_everything(doc: MinutesDocument) -> None:
    text = render(doc, "md").decode("utf-8")
    plain = text.replace("\u2068", "").replace("\u2069", "").replace("\\|", "|")
    for expected in expected_texts(doc):
        assert expected in plain, expected
    assert text.startswith("> **Confidential: minutes of Action Lab 1.")
    assert text.count(doc.confidentiality) == 2  # at the top and at the end
    assert "| # | Action | Owner | Due | Status |" in text
    assert "| 4 | Draft the problem statement | \u2068محمد الأمين\u2069 | 2027-04-02 | open |" \
        in text
    assert "| 5 | Gửi bản tóm tắt cho nhóm | Nguyễn Thị Minh Khai | — | done 2027-03-29 |" in text
    assert "Share the survey \\| results" in text  # a pipe cannot break the table
    assert "[message](https://example.slack.com/archives/C1/p17000001)" in text
    assert "An aside the secretary dropped" not in text
    assert "Entry 6 was dropped by the secretary" in text
    assert "Date and time (Europe/London):** Mon 29 Mar 2027, 10:00–11:05 BST" in text
    assert "Date and time (UTC):** Mon 29 Mar 2027, 09:00–10:05 UTC" in text


# --- HTML -----------------------------------------------------------------------------------

def test_html_is_one_printable_page_with_every_name_isolated(doc: MinutesDocument) -> None:
    raw = render(doc, "html").decode("utf-8")
    tree = lxml_html.document_fromstring(raw)
    text = tree.text_content()
    for expected in expected_texts(doc):
        assert expected in text, expected
    # Self-contained: nothing to fetch, nothing to run.
    assert not tree.xpath("//script | //link | //img | //iframe | //*[@src]")
    assert tree.xpath("//meta/@charset") == ["utf-8"]
    # Every name is isolated, and every block of text takes its own direction.
    bdi = [b.text_content() for b in tree.xpath("//bdi")]
    for name in (*doc.present, *doc.apologies, *NAMES):
        assert name in bdi
    owner_cells = tree.xpath("//table[@id='actions']//td[3]")
    assert [c.get("dir") for c in owner_cells] == ["auto"] * len(doc.actions)
    assert owner_cells[0].text_content() == ARABIC
    arabic_note = tree.xpath("//li[@id='entry-2']/span[@class='text']")[0]
    assert arabic_note.get("dir") == "auto"
    assert arabic_note.text_content() == "نحتاج إلى بيانات المشتريات المفتوحة"
    # The notice is at the top, and fixed to every printed page.
    assert tree.xpath("//div[contains(@class, 'print-only')]")[0].text_content() == \
        doc.confidentiality
    assert "position: fixed" in raw and "@media print" in raw
    rows = tree.xpath("//table[@id='actions']/tbody/tr")
    assert [r.xpath("td[1]")[0].text_content() for r in rows] == ["4", "5", "9"]
    assert "An aside the secretary dropped" not in text


def test_html_escapes_what_people_type(doc: MinutesDocument) -> None:
    from dataclasses import replace

    sneaky = replace(doc, title='<script>alert("x")</script> & co')
    raw = render(sneaky, "html").decode("utf-8")
    assert "<script>" not in raw
    tree = lxml_html.document_fromstring(raw)
    assert '<script>alert("x")</script> & co' in tree.xpath("//h1")[0].text_content()


# --- PDF ------------------------------------------------------------------------------------

def test_pdf_text_has_everything_and_the_notice_on_every_page(doc: MinutesDocument) -> None:
    data = render(doc, "pdf")
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3  # long enough to test "every page"
    for page in pages:
        assert squash(doc.confidentiality) in squash(page)
    whole = pdf_body(pages, doc) + squash(doc.confidentiality)
    for expected in expected_texts(doc):
        assert squash(expected) in whole, expected[:60]
    assert reader.metadata is not None and reader.metadata.title == doc.heading
    assert "An aside the secretary dropped" not in "\n".join(pages)


def test_pdf_keeps_right_to_left_names_in_reading_order(doc: MinutesDocument) -> None:
    """pypdf reads the shaped glyphs back as the original letters, in logical order; a
    name laid out left to right would come back reversed."""
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render(doc, "pdf"))).pages)
    for name in NAMES:
        assert name in text
    assert ARABIC[::-1] not in text
    assert "نحتاج إلى بيانات المشتريات المفتوحة" in text


def test_pdf_embeds_its_font_and_shapes_arabic(doc: MinutesDocument) -> None:
    """The embedded DejaVu Sans subset holds the joined (contextual) forms of the Arabic
    letters: HarfBuzz shaped them. Unshaped text would embed the isolated letters only."""
    from fontTools.ttLib import TTFont

    reader = PdfReader(io.BytesIO(render(doc, "pdf")))
    glyphs: set[str] = set()
    fonts: set[str] = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():  # type: ignore[index, union-attr]
            font = ref.get_object()
            fonts.add(str(font["/BaseFont"]))
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor["/FontFile2"].get_object().get_data()
            glyphs.update(TTFont(io.BytesIO(data)).getGlyphOrder())
    assert all("DejaVuSans" in f for f in fonts)
    # م at the start of محمد (initial meem) and ح inside it (medial hah).
    assert {"uniFEE3", "uniFEA4"} <= glyphs


def test_a_long_action_is_cut_in_the_table_and_printed_in_full(doc: MinutesDocument) -> None:
    from dataclasses import replace

    long_action = replace(doc.actions[0], text=LONG)
    long_doc = replace(doc, actions=(long_action, *doc.actions[1:]))
    text = pdf_body(pdf_pages(render(long_doc, "pdf")), long_doc)
    assert squash(LONG) in text
    assert squash("(in full below)") in text


# --- DOCX -----------------------------------------------------------------------------------

def _docx_text(document: object) -> str:
    from docx.document import Document as DocxDocument

    assert isinstance(document, DocxDocument)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_docx_shows_everything_with_the_notice_in_every_header(doc: MinutesDocument) -> None:
    document = Document(io.BytesIO(render(doc, "docx")))
    text = _docx_text(document)
    for expected in expected_texts(doc):
        assert expected in text, expected[:60]
    for section in document.sections:
        assert doc.confidentiality in "\n".join(p.text for p in section.header.paragraphs)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["#", "Action", "Owner", "Due", "Status"]
    assert [c.text for c in table.rows[1].cells] == [
        "4", "Draft the problem statement", ARABIC, "2027-04-02", "open"]
    assert document.core_properties.title == doc.heading
    assert "An aside the secretary dropped" not in text


def test_docx_marks_right_to_left_runs_and_paragraphs(doc: MinutesDocument) -> None:
    document = Document(io.BytesIO(render(doc, "docx")))
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for row in document.tables[0].rows for c in row.cells
             for p in c.paragraphs for r in p.runs]
    arabic = [r for r in runs if re.search("[\u0600-\u06ff]", r.text)]
    assert arabic and all(r.font.rtl for r in arabic)
    assert not any(r.font.rtl for r in runs if "Nguyễn" in r.text or "Zoë" in r.text)
    note = next(p for p in document.paragraphs if "نحتاج" in p.text)
    assert note._p.pPr is not None and note._p.pPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi") is not None
    owner = document.tables[0].rows[1].cells[2].paragraphs[0]
    assert owner.runs[0].font.rtl and owner.text == ARABIC


# --- JSON ------------------------------------------------------------------------------------

def test_json_follows_its_schema_and_keeps_every_value(doc: MinutesDocument) -> None:
    data = json.loads(render(doc, "json"))
    jsonschema.validate(data, schema(), format_checker=jsonschema.FormatChecker())
    jsonschema.Draft202012Validator.check_schema(schema())
    assert data["attendance"] == {"present": list(doc.present),
                                  "apologies": list(doc.apologies)}
    assert [n["text"] for n in data["notes"]] == [e.text for e in doc.notes]
    assert [d["number"] for d in data["decisions"]] == [3, 8]
    assert data["action_items"][0] == {
        "number": 4, "text": "Draft the problem statement", "owner": ARABIC,
        "due": "2027-04-02", "status": "open", "done_at": None, "edited": False}
    assert data["meeting"]["started_at"] == "2027-03-29T09:00:00Z"
    assert data["meeting"]["when_local"] == "Mon 29 Mar 2027, 10:00–11:05 BST (Europe/London)"
    assert data["dropped"] == [6]
    assert data["notes"][1]["source"] == "reaction"
    raw = render(doc, "json").decode("utf-8")
    for name in NAMES:
        assert name in raw  # written as letters, not \\u escapes


def test_the_schema_refuses_what_it_should(doc: MinutesDocument) -> None:
    data = json.loads(render(doc, "json"))
    data["action_items"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())
    data = json.loads(render(doc, "json"))
    del data["confidentiality"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())


# --- all formats ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_open_minutes_render_in_every_format(empty: MinutesDocument, fmt: str) -> None:
    data = render(empty, fmt)  # type: ignore[arg-type]
    assert data
    if fmt == "json":
        parsed = json.loads(data)
        jsonschema.validate(parsed, schema(), format_checker=jsonschema.FormatChecker())
        assert parsed["meeting"]["ended_at"] is None and parsed["meeting"]["number"] == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_names_and_types(doc: MinutesDocument, fmt: str) -> None:
    name = filename(doc, fmt)  # type: ignore[arg-type]
    assert name == f"minutes-action-lab-1-kick-off-call-2027-03-29.{fmt}"
    assert MIME[fmt]  # type: ignore[index]


def test_an_unknown_format_is_refused(doc: MinutesDocument) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        render(doc, "xls")  # type: ignore[arg-type]


def test_markdown_keeps_members_html_inert() -> None:
    from datetime import UTC, datetime

    from bot.domain.minutes import EntryFacts, EntryKind, build_document
    from bot.exports import render

    t = datetime(2027, 1, 11, 13, 0, tzinfo=UTC)
    doc = build_document(
        lab="L", title="T", meeting_number=None, zone="UTC", started_at=t, ended_at=None,
        secretary=None, present=["<b>Eve</b>"], apologies=[],
        entries=[EntryFacts(number=1, kind=EntryKind.NOTE, text='<img src="https://x/">',
                            author="Eve", at=t)],
        generated_at=t,
    )
    text = render(doc, "md").decode()
    assert '<img src="https://x/">' not in text and '\\<img src="https://x/"\\>' in text
    assert "<b>Eve</b>" not in text
