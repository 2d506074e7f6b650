"""What every renderer shares: right-to-left detection, labels and the lines of an entry."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from bot.domain.minutes import DocAction, DocEntry, EntrySource, MinutesDocument
from bot.domain.wording import and_list
from bot.domain.zones import local_time, zone_abbreviation
from bot.i18n import N_, _, localized, ngettext

# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, Arabic extended and the
# presentation forms: the scripts written right to left.
_RTL_CHARS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
RTL_RUN = re.compile(f"[{_RTL_CHARS}]+(?:[\\s\u200c\u200d]+[{_RTL_CHARS}]+)*")

SOURCE_LABEL = {
    EntrySource.TYPED: "",
    EntrySource.REACTION: N_("from the conversation"),
    EntrySource.POLL: N_("from a closed poll"),
    EntrySource.VOTE: N_("from a closed vote"),
    EntrySource.AGENDA: N_("from the agenda"),
}


def direction(text: str) -> str:
    """"rtl" when the first strong character is right-to-left (Unicode bidi rule P2)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def has_rtl(text: str) -> bool:
    return RTL_RUN.search(text) is not None


FSI, PDI = "\u2068", "\u2069"


def isolate(text: str) -> str:
    """Wrap right-to-left runs in first-strong isolates (FSI ... PDI), so a name such as
    محمد الأمين keeps its order beside Latin text, and the digits after it ("· 10:00") are
    not pulled into it."""
    return RTL_RUN.sub(lambda m: f"{FSI}{m.group(0)}{PDI}", text)


def split_runs(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_rtl) runs, so a right-to-left run can be marked as such."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in RTL_RUN.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def clock(moment: datetime, zone: str) -> str:
    """"10:05 GMT": an entry's time of day in the lab's zone."""
    return f"{localized(local_time(moment, zone)):%H:%M} {zone_abbreviation(moment, zone)}"


def entry_byline(entry: DocEntry, zone: str) -> str:
    """"Zoë Núñez · 10:05 GMT · from the conversation · edited"."""
    parts = [entry.author or "", clock(entry.at, zone),
             _(SOURCE_LABEL[entry.source]) if SOURCE_LABEL[entry.source] else "",
             _("edited") if entry.edited else ""]
    return " · ".join(p for p in parts if p)


def due_text(action: DocAction) -> str:
    return action.due.isoformat() if action.due else "—"


def status_text(action: DocAction, zone: str) -> str:
    if action.done_at is not None and action.status.value == "done":
        return _("done {date}").format(date=f"{local_time(action.done_at, zone):%Y-%m-%d}")
    return _(STATUS_WORDS.get(action.status.value, action.status.value))


# An action's status as the exports write it (its stored value is the English word).
STATUS_WORDS = {"pending": N_("pending"), "open": N_("open"), "done": N_("done"),
                "dropped": N_("dropped")}


def dropped_sentence(doc: MinutesDocument) -> str | None:
    if not doc.dropped:
        return None
    numbers = [str(n) for n in doc.dropped]
    return ngettext("Entry {listed} was dropped by the secretary; the audit log keeps what it "
                    "said.",
                    "Entries {listed} were dropped by the secretary; the audit log keeps what "
                    "they said.", len(numbers)).format(listed=and_list(numbers))


def generated_line(doc: MinutesDocument) -> str:
    return _("Generated {generated_at:%Y-%m-%d %H:%M} UTC by actionlab.").format(
        generated_at=doc.generated_at)


def meta_rows(doc: MinutesDocument) -> list[tuple[str, str]]:
    """The facts under the title, as (label, value) pairs, in the order every format shows."""
    rows = [(_("Lab"), doc.lab), (_("Meeting"), doc.title)]
    if doc.meeting_number is not None:
        rows.append((_("Meeting number"), f"#{doc.meeting_number}"))
    rows += [(_("Date and time (UTC)"), doc.when_utc),
             (_("Date and time ({zone})").format(zone=doc.zone), doc.when_local)]
    if doc.secretary:
        rows.append((_("Minutes taken by"), doc.secretary))
    rows.append((_("Status"), _("open (still being taken)") if doc.ended_at is None
                 else _("final")))
    return rows
