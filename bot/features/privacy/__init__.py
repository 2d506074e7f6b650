"""Each person's own data: `/lab mydata` (everything held about them, as JSON, privately)
and `/lab forget me` (erased after a confirmation; the operator's `actionlab forget`)."""

from __future__ import annotations

from bot.features.privacy import commands
from bot.features.privacy.data import collect, to_json
from bot.features.privacy.erase import FORMER, Erased, erase_person, refusal
from bot.router import Router

__all__ = ["FORMER", "Erased", "collect", "erase_person", "refusal", "router", "to_json"]

router = Router()
router.include(commands.router)
