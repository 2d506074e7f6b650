"""What a PDF of the minutes could not draw: every piece of text it shows, by place, checked
against the fonts found (`bot.fonts`), so the PDF and the bot's reply can say exactly which
entries have gaps and point to the formats that keep every character."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.domain.minutes import MinutesDocument
from bot.fonts import FontChain, codepoints
from bot.fonts import chain as default_chain
from bot.i18n import N_, _

KEEPERS = N_("DOCX, HTML or Markdown")
MAX_LISTED = 12  # a reply stays well inside a message's limit


@dataclass(frozen=True, slots=True)
class Lost:
    """A piece of the document with characters no font draws."""

    place: str  # "apologies, name 1", "action 4 (owner)", "note 3"; unique in a document
    text: str  # the whole piece, as typed
    missing: str  # its characters that no font draws, each once


def pieces(doc: MinutesDocument) -> Iterator[tuple[str, str]]:
    """(place, text) for everything the PDF shows that people typed or named."""
    yield "lab", doc.lab
    yield _("meeting title"), doc.title
    if doc.secretary:
        yield _("minutes taken by"), doc.secretary
    for i, name in enumerate(doc.present, 1):
        yield _("present, name {i}").format(i=i), name
    for i, name in enumerate(doc.apologies, 1):
        yield _("apologies, name {i}").format(i=i), name
    for kind, entries in (("note", doc.notes), ("decision", doc.decisions)):
        for e in entries:
            yield f"{kind} {e.number}", e.text
            if e.author:
                yield f"{kind} {e.number} (author)", e.author
    for a in doc.actions:
        yield f"action {a.number}", a.text
        yield _("action {number} (owner)").format(number=a.number), a.owner


def document_text(doc: MinutesDocument) -> str:
    """All the text the PDF draws, run together: what its fonts must cover."""
    fixed = (doc.confidentiality, doc.heading, doc.when_utc, doc.when_local, doc.zone)
    return "\n".join((*fixed, *(text for _x, text in pieces(doc))))


def lost(doc: MinutesDocument, fonts: FontChain | None = None) -> list[Lost]:
    """The pieces of `doc` that a PDF drawn with `fonts` would show with gaps."""
    fonts = fonts or default_chain()
    out: list[Lost] = []
    for place, text in pieces(doc):
        missing = fonts.missing(text)
        if missing:
            out.append(Lost(place, text, missing))
    return out


def pdf_notice(items: list[Lost]) -> str | None:
    """The line the PDF itself carries. It names places and code points, not the text: the
    text is what this PDF cannot draw."""
    if not items:
        return None
    listed = "; ".join(f"{i.place}: {codepoints(i.missing)}" for i in items)
    return (_("Some characters could not be drawn with the fonts on this server and are missing "
            "from this PDF ({listed}). Export the minutes as {KEEPERS} to keep every "
            "character.").format(listed=listed, KEEPERS=KEEPERS))


def reply_notice(items: list[Lost]) -> str | None:
    """The sentence for the bot's reply, which can show the text itself."""
    if not items:
        return None
    chars = "".join(dict.fromkeys("".join(i.missing for i in items)))
    shown = items[:MAX_LISTED]
    listed = "; ".join(f"{i.place}: {_cut(i.text)}" for i in shown)
    more = _(" and {value} more").format(
        value=len(items) - len(shown)) if len(items) > len(shown) else ""
    return (_("The PDF could not draw {cut} ({cut2}), so it has "
            "gaps in {listed}{more}. Export as {KEEPERS} (e.g. `/lab minutes export docx`) "
            "to keep every character.").format(
        cut=_cut(chars), cut2=_cut(codepoints(chars), 200), listed=listed, more=more,
        KEEPERS=KEEPERS))


def _cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
