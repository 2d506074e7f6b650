"""A person's time zone: `/lab tz` to see or set it, and the zone picker's answer."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator

from bot.arguments import Args, Complete, Pos
from bot.domain.zones import ZoneSource, format_local, require_zone, zone_abbreviation
from bot.errors import UserError
from bot.i18n import N_, _
from bot.identity import set_zone
from bot.messages import Card, Reply, Text
from bot.router import Call, Router
from bot.zone_picker import ZONE_PICKED, zone_picker_card

router = Router()

# The picker's card lives below the features (bot/zone_picker.py), so that the core's
# zone prompt can show it without importing this feature; the old name still works.
tz_picker = zone_picker_card


def _zone_or_none(value: str | None) -> str | None:
    return None if value is None else require_zone(value)


ZoneCheck = AfterValidator(_zone_or_none)


# --- time zones -------------------------------------------------------------------------------


class TzArgs(Args):
    zone: Annotated[str | None, Pos("zone"), ZoneCheck, Complete("zone")] = None


@router.command(
    "me tz", args=TzArgs, access="anyone", topic="lab", aliases=("tz",),
    summary=N_("See or set your time zone (an IANA name such as Africa/Lagos)."),
    examples=("/lab tz America/Sao_Paulo", "/lab tz"),
)
async def tz(call: Call[TzArgs]) -> Reply:
    person = call.person
    if call.args.zone is None:
        if person.timezone is None:
            return Reply.say(
                _("You have not set a time zone. Set one with `/lab tz <zone>`, e.g. "
                "`/lab tz Asia/Kolkata`.")
            )
        how = (_("you chose it") if person.timezone_source == ZoneSource.USER
               else _("from your platform profile"))
        return Reply.say(
            _("Your time zone is {timezone} ({how}); it is "
            "{format_local} for you now.").format(
                timezone=person.timezone, how=how,
                format_local=format_local(call.now, person.timezone))
        )
    before = person.timezone
    await set_zone(call.ctx, call.uow, person, call.args.zone, source=ZoneSource.USER, now=call.now)
    await call.audit("person.timezone", before=before, after=call.args.zone)
    abbr = zone_abbreviation(call.now, call.args.zone)
    moved = (_(" Reminders that follow your clock (action items at 09:00, repeating reminders, "
             "quiet hours) now follow this one.") if before not in (None, call.args.zone) else "")
    return Reply.say(
        _("Your time zone is now {zone} ({abbr}). It is "
        "{format_local} there now; every time I show "
        "you will be in this zone.{moved}").format(
            zone=call.args.zone, abbr=abbr,
            format_local=format_local(call.now, call.args.zone, name=False), moved=moved)
    )


@router.action(ZONE_PICKED, scope="none")
async def tz_picked(call: Call[Any]) -> Reply:
    if not call.values:
        raise UserError(_("Choose a zone from the menu, or type `/lab tz <zone>`."))
    zone = require_zone(call.values[0])
    before = call.person.timezone
    await set_zone(call.ctx, call.uow, call.person, zone, source=ZoneSource.USER, now=call.now)
    await call.audit("person.timezone", before=before, after=zone)
    return Reply(card=Card((Text(
        _("Your time zone is now {zone}. It is {format_local} "
        "there now; every time I show you will be in this zone.").format(
            zone=zone, format_local=format_local(call.now, zone, name=False))),)), replace=True)
