"""Exports of the minutes: pure renderers from one `MinutesDocument` to the bytes of a file.

Markdown, HTML (one self-contained printable page), PDF (fpdf2, a bundled Unicode font,
HarfBuzz shaping), DOCX (python-docx) and JSON (with the JSON Schema it follows). Each is a
view of the same document model; none reads a clock, a database or the network.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from bot.domain.minutes import MinutesDocument, export_filename
from bot.i18n import N_

Format = Literal["md", "html", "pdf", "docx", "json"]
FORMATS: tuple[Format, ...] = get_args(Format)

MIME: dict[Format, str] = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}
LABEL: dict[Format, str] = {
    "md": N_("Markdown"), "html": "HTML", "pdf": "PDF", "docx": N_("Word (DOCX)"), "json": "JSON",
}


def _renderer(fmt: Format) -> Callable[[MinutesDocument], bytes]:
    # Imported on demand: PDF and DOCX pull in fpdf2, HarfBuzz and lxml, which a bot that
    # never exports need not load.
    if fmt == "md":
        from bot.exports.markdown import render as md

        return md
    if fmt == "html":
        from bot.exports.html import render as html

        return html
    if fmt == "pdf":
        from bot.exports.pdf import render as pdf

        return pdf
    if fmt == "docx":
        from bot.exports.docx import render as docx

        return docx
    from bot.exports.json import render as json

    return json


def render(doc: MinutesDocument, fmt: Format) -> bytes:
    """The file of `doc` in `fmt`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _renderer(fmt)(doc)


def filename(doc: MinutesDocument, fmt: Format) -> str:
    return export_filename(doc, fmt)


def gaps(doc: MinutesDocument, fmt: Format) -> str | None:
    """For a PDF, the sentence that names each entry its fonts could not draw and the formats
    that keep every character; None when nothing is missing, and for the other formats,
    which carry the text itself."""
    if fmt != "pdf":
        return None
    from bot.exports.coverage import lost, reply_notice

    return reply_notice(lost(doc))
