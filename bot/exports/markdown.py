"""Minutes as Markdown: headings, lists and a table of action items (GitHub-flavoured)."""

from __future__ import annotations

import re

from bot.domain.minutes import DocEntry, MinutesDocument
from bot.exports.text import (
    dropped_sentence,
    due_text,
    entry_byline,
    generated_line,
    isolate,
    meta_rows,
    status_text,
)
from bot.i18n import _

# Characters that mark up text wherever they stand, and what marks a line up when it starts
# one (a heading, a quote, a list item, a rule, a numbered item).
_INLINE = re.compile(r"([\\`*_\[\]<>~])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=])|^(\s*\d+)([.)])")


def _text(text: str) -> str:
    """Members' words, shown as typed: a backslash before each Markdown character, so
    `*urgent*`, `[a link](...)` or `# Title` stay words, and raw HTML (a script, an image
    that calls home) does not act when the file is viewed rendered."""
    escaped = _INLINE.sub(r"\\\1", text)
    escaped = _LINE_START.sub(
        lambda m: (m.group(1) or m.group(3) or "") + "\\" + (m.group(2) or m.group(4)), escaped)
    return isolate(escaped)


def _cell(text: str) -> str:
    return _text(text).replace("|", "\\|").replace("\n", "<br>")


def _entry(entry: DocEntry, zone: str) -> list[str]:
    lines = entry.text.split("\n")
    out = [f"- **{entry.number}.** {_text(lines[0])}"]
    out += [f"  {_text(line)}" if line else "" for line in lines[1:]]
    byline = isolate(entry_byline(entry, zone))
    if entry.link:
        byline += _(" · [message]({link})").format(link=entry.link)
    out.append(f"  _{byline}_")
    return out


def render(doc: MinutesDocument) -> bytes:
    notice = f"> **{isolate(doc.confidentiality)}**"
    out = [notice, "", f"# {isolate(doc.heading)}", ""]
    out += [f"- **{label}:** {isolate(value)}" for label, value in meta_rows(doc)]
    out += ["", _("## Attendance"), ""]
    present = ", ".join(_text(n) for n in doc.present) or _("nobody recorded")
    away = ", ".join(_text(n) for n in doc.apologies) or _("none")
    out += [_("- **Present ({count}):** {present}").format(
        count=len(doc.present), present=present),
            _("- **Apologies ({count}):** {away}").format(
                count=len(doc.apologies), away=away), ""]
    for title, entries in ((_("Notes"), doc.notes), (_("Decisions"), doc.decisions)):
        out += [f"## {title}", ""]
        if not entries:
            out += [_("_No {lower}._").format(lower=title.lower()), ""]
        for entry in entries:
            out += [*_entry(entry, doc.zone), ""]
    out += [_("## Action items"), ""]
    if doc.actions:
        out += [_("| # | Action | Owner | Due | Status |"), "|---:|---|---|---|---|"]
        for a in doc.actions:
            out.append(f"| {a.number} | {_cell(a.text)} | {_cell(a.owner)} | {due_text(a)} | "
                       f"{status_text(a, doc.zone)} |")
        out.append("")
    else:
        out += [_("_No action items._"), ""]
    dropped = dropped_sentence(doc)
    if dropped:
        out += [f"_{dropped}_", ""]
    out += ["---", "", notice, "", f"_{generated_line(doc)}_", ""]
    return "\n".join(out).encode("utf-8")
