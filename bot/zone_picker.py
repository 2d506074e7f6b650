"""The zone picker card: common zones in a menu, `/lab tz` for the rest (pure, below features)."""

from __future__ import annotations

from bot import action_ids
from bot.domain.zones import COMMON_ZONES
from bot.messages import Card, Context, Option, Select, Text

# The action the picker's menu sends; the lab feature handles it (`lab.tz`).
PICKED = "lab.tz"


def zone_picker_card(prompt: str) -> Card:
    """A private card that asks for a zone: common zones in a menu, `/lab tz` for the rest.

    Discord never tells a bot someone's zone: bot/zone_prompt.py shows this, once, to a
    member who has none; the lab feature handles the choice.
    """
    return Card((
        Text(prompt),
        Select(action_ids.encode(PICKED), "Your time zone",
               tuple(Option(z.replace("_", " "), z) for z in COMMON_ZONES)),
        Context("Not listed? Type `/lab tz <zone>`, e.g. `/lab tz America/Bogota`."),
    ), fallback="Which time zone are you in?")
