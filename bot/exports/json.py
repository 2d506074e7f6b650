"""Minutes as JSON, following the JSON Schema shipped beside this module
(`minutes.schema.json`): times in UTC (ISO 8601, "Z") and as shown in the lab's zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from bot.domain.minutes import DocAction, DocEntry, MinutesDocument

SCHEMA_ID = "https://actionlab.invalid/schemas/minutes-1.json"
VERSION = 1


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _entry(e: DocEntry) -> dict[str, Any]:
    return {"number": e.number, "kind": e.kind.value, "text": e.text, "author": e.author,
            "at": _utc(e.at), "source": e.source.value, "link": e.link, "edited": e.edited}


def _action(a: DocAction) -> dict[str, Any]:
    return {"number": a.number, "text": a.text, "owner": a.owner,
            "due": a.due.isoformat() if a.due else None, "status": a.status.value,
            "done_at": _utc(a.done_at), "edited": a.edited}


def to_data(doc: MinutesDocument) -> dict[str, Any]:
    """The document as plain JSON values."""
    return {
        "$schema": SCHEMA_ID,
        "version": VERSION,
        "confidentiality": doc.confidentiality,
        "lab": doc.lab,
        "meeting": {
            "title": doc.title,
            "number": doc.meeting_number,
            "status": doc.status.value,
            "started_at": _utc(doc.started_at),
            "ended_at": _utc(doc.ended_at),
            "timezone": doc.zone,
            "when_utc": doc.when_utc,
            "when_local": doc.when_local,
        },
        "secretary": doc.secretary,
        "attendance": {"present": list(doc.present), "apologies": list(doc.apologies)},
        "notes": [_entry(e) for e in doc.notes],
        "decisions": [_entry(e) for e in doc.decisions],
        "action_items": [_action(a) for a in doc.actions],
        "dropped": list(doc.dropped),
        "generated_at": _utc(doc.generated_at),
    }


def render(doc: MinutesDocument) -> bytes:
    # ensure_ascii=False: names stay readable (Nguyễn, محمد) rather than \\u escapes.
    return (json.dumps(to_data(doc), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every JSON export follows."""
    text = resources.files("bot.exports").joinpath("minutes.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
