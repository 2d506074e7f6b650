"""Minutes: open them for a meeting, capture notes, decisions, action items and attendance
(typed, from a :memo: reaction, or from a poll or vote that closes meanwhile), end them with
a summary, list and close action items, and export them for the secretary in five formats.
"""

from __future__ import annotations

from bot.features.minutes import (
    action_items,
    attendance,
    capture,
    commands,
    edits,
    exports,
    subjects,
    subscribers,
)
from bot.features.minutes.exports import export_file, render_file
from bot.features.minutes.service import MeetingInfo, find_minutes, load_document, meeting_for
from bot.router import Router

__all__ = [
    "MeetingInfo", "export_file", "find_minutes", "load_document", "meeting_for", "render_file",
    "router",
]

router = Router()
# In this order, so that `/lab help` lists the minutes' commands as it always has.
for _part in (commands, capture, attendance, edits, exports, action_items, subscribers,
              subjects):
    router.include(_part.router)
