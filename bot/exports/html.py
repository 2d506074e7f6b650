"""Minutes as one self-contained, printable HTML page: inline styles, no scripts, no links
to fetch. Every block takes its direction from its text (`dir="auto"`) and every name is
isolated (`<bdi>`), so right-to-left names read in the right order beside Latin text."""

from __future__ import annotations

from html import escape

from bot.domain.minutes import DocEntry, MinutesDocument
from bot.exports.text import (
    dropped_sentence,
    due_text,
    entry_byline,
    generated_line,
    meta_rows,
    status_text,
)
from bot.i18n import _, current_locale, is_rtl

STYLE = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45;
       color: #1b1b1b; }
h1 { font-size: 1.6rem; margin: .6rem 0 1rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #bbb; padding-bottom: .2rem;
     margin-top: 1.6rem; }
.notice { border: 2px solid #9b1c1c; color: #9b1c1c; background: #fff5f5;
          padding: .5rem .8rem; font-weight: bold; font-size: .9rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
ol.entries { list-style: none; padding: 0; }
ol.entries li { margin: 0 0 .8rem; }
.num { font-weight: bold; margin-inline-end: .4rem; }
.text { white-space: pre-wrap; }
.by { display: block; color: #555; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: start;
         vertical-align: top; }
th { background: #eee; }
td.n { text-align: end; }
.muted { color: #555; font-style: italic; }
footer { margin-top: 2rem; font-size: .85rem; color: #555; }
.print-only { display: none; }
@page { size: A4; margin: 18mm 16mm 22mm; }
@media print {
  body { margin: 0; max-width: none; }
  .screen-only { display: none; }
  /* A fixed element repeats on every printed page: the notice is on each one. */
  .print-only { display: block; position: fixed; bottom: 0; left: 0; right: 0;
                font-size: 8pt; padding: 2pt 4pt; }
  tr, li { break-inside: avoid; }
}
"""


def _t(text: str) -> str:
    return escape(text, quote=True)


def _name(name: str) -> str:
    return f"<bdi>{_t(name)}</bdi>"


def _names(names: tuple[str, ...], empty: str) -> str:
    return ", ".join(_name(n) for n in names) if names else f'<span class="muted">{empty}</span>'


def _entries(title: str, entries: tuple[DocEntry, ...], zone: str) -> list[str]:
    out = [f"<h2>{title}</h2>"]
    if not entries:
        return [*out, f'<p class="muted">No {title.lower()}.</p>']
    out.append('<ol class="entries">')
    for e in entries:
        by = _t(entry_byline(e, zone))
        if e.author:
            by = by.replace(_t(e.author), _name(e.author), 1)
        link = _(' · <a href="{t}">message</a>').format(t=_t(e.link)) if e.link else ""
        out.append(
            f'<li id="entry-{e.number}" value="{e.number}">'
            f'<span class="num">{e.number}.</span>'
            f'<span class="text" dir="auto">{_t(e.text)}</span>'
            f'<span class="by">{by}{link}</span></li>'
        )
    out.append("</ol>")
    return out


def render(doc: MinutesDocument) -> bytes:
    notice = _t(doc.confidentiality)
    out = [
        "<!DOCTYPE html>",
        # The document's language (the lab's, or the one asked for) and its direction.
        f'<html lang="{current_locale().replace("_", "-")}" '
        f'dir="{"rtl" if is_rtl() else "ltr"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex, nofollow">',
        f"<title>{_t(doc.heading)} · {_t(doc.lab)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f'<div class="print-only notice" role="note">{notice}</div>',
        f'<p class="notice" role="note">{notice}</p>',
        "<main>",
        f'<h1 dir="auto">{_t(doc.heading)}</h1>',
        '<dl class="meta">',
    ]
    for label, value in meta_rows(doc):
        shown = _name(value) if label == _("Minutes taken by") else _t(value)
        out.append(f'<dt>{_t(label)}</dt><dd dir="auto">{shown}</dd>')
    out += [
        "</dl>",
        f"<h2>{_t(_('Attendance'))}</h2>",
        f'<p id="present" dir="auto"><strong>'
        f'{_t(_("Present ({count}): ").format(count=len(doc.present)).strip())}</strong> '
        f"{_names(doc.present, _t(_('nobody recorded')))}</p>",
        f'<p id="apologies" dir="auto"><strong>'
        f'{_t(_("Apologies ({count}): ").format(count=len(doc.apologies)).strip())}</strong> '
        f"{_names(doc.apologies, _t(_('none')))}</p>",
    ]
    out += _entries(_("Notes"), doc.notes, doc.zone)
    out += _entries(_("Decisions"), doc.decisions, doc.zone)
    out.append(f"<h2>{_t(_('Action items'))}</h2>")
    if doc.actions:
        out += ['<table id="actions">',
                f"<thead><tr><th>#</th><th>{_t(_('Action'))}</th><th>{_t(_('Owner'))}</th>"
                f"<th>{_t(_('Due'))}</th><th>{_t(_('Status'))}</th></tr></thead>", "<tbody>"]
        for a in doc.actions:
            out.append(
                f'<tr><td class="n">{a.number}</td>'
                f'<td dir="auto">{_t(a.text)}</td>'
                f'<td dir="auto">{_name(a.owner)}</td>'
                f"<td>{_t(due_text(a))}</td><td>{_t(status_text(a, doc.zone))}</td></tr>"
            )
        out += ["</tbody>", "</table>"]
    else:
        out.append(f'<p class="muted">{_t(_("No action items."))}</p>')
    dropped = dropped_sentence(doc)
    if dropped:
        out.append(f'<p class="muted">{_t(dropped)}</p>')
    out += [
        "</main>",
        f'<footer><p class="notice screen-only" role="note">{notice}</p>'
        f"<p>{_t(generated_line(doc))}</p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out).encode("utf-8")
