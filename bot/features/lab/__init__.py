"""The lab itself: set up, join (after the confidentiality commitment), leave, members,
roles, time zones and the lab's settings."""

from __future__ import annotations

from bot.domain.lab import code_hash
from bot.features.lab import (
    audit,
    commitment,
    completers,
    language,
    links,
    members,
    membership,
    settings,
    zones,
)
from bot.features.lab.audit import known_for
from bot.features.lab.audit_words import sentence
from bot.features.lab.zones import tz_picker
from bot.router import Router

__all__ = ["code_hash", "known_for", "router", "sentence", "tz_picker"]

router = Router()
# In this order, so that `/lab help` lists the lab's commands as it always has.
# `/lab tz` and `/lab lang` are `/lab me tz` and `/lab me lang` (one group on Discord, whose
# /lab holds 25 entries); the short words stay as aliases where people type.
for _part in (membership, members, zones, language, settings, links, audit, completers,
              commitment):
    router.include(_part.router)
