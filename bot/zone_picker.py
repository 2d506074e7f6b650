"""The time-zone picker card: common zones in a menu, `/lab tz` for the rest."""

from __future__ import annotations

from bot import action_ids
from bot.domain.zones import COMMON_ZONES
from bot.i18n import _
from bot.messages import Card, Context, Option, Select, Text

# The control's route; the lab feature registers its handler (`@router.action("lab.tz")`).
ZONE_PICKED = "lab.tz"


def zone_picker_card(prompt: str) -> Card:
    """A private card that asks for a zone: common zones in a menu, `/lab tz` for the rest.

    Discord never tells a bot someone's zone: bot/zone_prompt.py shows this, once, to a
    member who has none.
    """
    return Card((
        Text(prompt),
        Select(action_ids.encode(ZONE_PICKED), _("Your time zone"),
               tuple(Option(z.replace("_", " "), z) for z in COMMON_ZONES)),
        Context(_("Not listed? Type `/lab tz <zone>`, e.g. `/lab tz America/Bogota`.")),
    ), fallback=_("Which time zone are you in?"))
