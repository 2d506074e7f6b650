"""Live cards: the public cards of polls, votes and meetings, remembered where they were
posted and redrawn in place when what they show changes.

A feature posts its card with `post_live` (every channel bound to the lab, on every
platform); each card is a row (storage/repositories/posted_cards.py). A change marks the
subject's rows dirty inside its own transaction (`subscribers.py`, listeners of the domain
events), and after the commit the coalescing redrawer (`redraw.py`) edits each card at most
once every few seconds with the latest state, drawn by the subject's own `card` hook
(`@router.subject(..., card=...)`). Rows are claimed with a conditional update, so several
processes share the work; dirty rows left by a stopped process are picked up at start-up and
by a sweep; a rate limit is waited out; a card deleted by a person is forgotten.
"""

from __future__ import annotations

from bot.features.live.posting import post_live, show_live
from bot.features.live.redraw import EDIT_GAP, redraw_due, start
from bot.router import Router

__all__ = ["EDIT_GAP", "post_live", "redraw_due", "router", "show_live", "start"]

router = Router()
