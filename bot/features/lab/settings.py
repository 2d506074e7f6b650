"""The lab's settings: name, home zone, meeting window, days, member limit, commitment."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from bot.arguments import Args, Complete, Kw
from bot.domain.lab import counted_members, limit_change_refusal
from bot.domain.when import format_window, parse_days, parse_window
from bot.errors import Conflict
from bot.features.common import LanguageCheck, language_name
from bot.features.lab.commitment import ask_again
from bot.features.lab.zones import ZoneCheck
from bot.i18n import N_, _, resolve, set_locale
from bot.messages import Card, Context, Fields, Header, Reply, Text
from bot.router import Call, Router

router = Router()


def _window(value: str | None) -> str | None:
    if value is not None:
        parse_window(value)
    return value


def _days(value: str | None) -> str | None:
    if value is not None:
        parse_days(value)
    return value


# --- lab settings ------------------------------------------------------------------------------

# What each setting is called where people read it (the card's labels), not the column.
_SAID = {"name": "name", "timezone": N_("home time zone"), "window_start": N_("meeting window"),
         "window_end": N_("meeting window"), "days": N_("meeting days"),
         "member_limit": N_("member limit"),
         "commitment": N_("confidentiality commitment"), "language": N_("language")}



class SettingsArgs(Args):
    name: Annotated[str | None, Kw("name"), Field(min_length=1, max_length=100)] = None
    tz: Annotated[str | None, Kw("zone"), ZoneCheck, Complete("zone")] = None
    window: Annotated[str | None, Kw("HH:MM-HH:MM", words=1), AfterValidator(_window)] = None
    days: Annotated[str | None, Kw("mon-fri", words=1), AfterValidator(_days)] = None
    limit: Annotated[int | None, Kw("number", words=1), Field(ge=1, le=500)] = None
    commitment: Annotated[str | None, Kw("text"), Field(min_length=1, max_length=2000)] = None
    # `join off`: people join only through a call for applications (bot/features/applications).
    join: Annotated[Literal["on", "off"] | None, Kw("on|off", words=1)] = None
    lang: Annotated[str | None, Kw("language", words=1), LanguageCheck] = None


@router.command(
    "settings", args=SettingsArgs, access="facilitator", topic="lab",
    summary=N_("See or change the lab's name, home zone, meeting window, days and member limit."),
    examples=("/lab settings window 09:00-18:00 tz Europe/London limit 6",),
)
async def settings(call: Call[SettingsArgs]) -> Reply:
    lab, a = call.the_lab, call.args
    changes: dict[str, Any] = {}
    if a.name is not None:
        changes["name"] = a.name
    if a.tz is not None:
        changes["timezone"] = a.tz
    if a.window is not None:
        start, end = parse_window(a.window)
        changes["window_start"], changes["window_end"] = start, end
    if a.days is not None:
        changes["days"] = a.days
    if a.commitment is not None and a.commitment.strip() != lab.commitment.strip():
        changes["commitment"] = a.commitment
    if a.lang is not None:
        changes["language"] = a.lang or None
    if a.limit is not None:
        counted = counted_members(m.role for m in await call.uow.members.active(lab.id))
        refusal = limit_change_refusal(limit=a.limit, counted=counted)
        if refusal:
            raise Conflict(refusal)
        changes["member_limit"] = a.limit
    if a.join is not None:
        await call.uow.applications.set_join_open(lab.id, a.join == "on", call.now)
        await call.audit("lab.settings", join=a.join)
    for key, value in changes.items():
        setattr(lab, key, value)
    if "language" in changes:  # the answer already in the lab's new language, if it is theirs
        set_locale(resolve(call.person.language, call.actor.locale or call.person.platform_locale,
                           lab.language))
    if changes:
        await call.audit("lab.settings", **{k: str(v) for k, v in changes.items()})
    if "commitment" in changes:
        # Whoever changed it has read it; everyone else is asked to accept it again.
        lab.commitment_changed_at = call.now
        call.the_member.accepted_at = call.now
        ask_again(call.ctx, call)
    card = Card((
        Header(_("Settings of {name}").format(name=lab.name)),
        Fields((
            (_("Home time zone"), lab.timezone),
            (_("Meeting window"), f"{format_window(lab.window_start, lab.window_end)} "
                               f"({lab.timezone})"),
            (_("Meeting days"), lab.days),
            (_("Member limit"), str(lab.member_limit)),
            ("/lab join", "on" if await call.uow.applications.join_open(lab.id) else
             _("off (members come through the call for applications)")),
            (_("Language"), language_name(lab.language) or language_name("en")),
        )),
        Text(_("*Confidentiality commitment*\n{commitment}").format(
            commitment=lab.commitment)),
        Context(_("Changed: ") + ", ".join(sorted({_(_SAID[k]) for k in changes})) + "."
                + (_(" Every other member has been sent the new commitment to accept; until "
                     "they do, the lab's commands wait for them.") if "commitment" in changes
                   else "")
                if changes else
                _("Change with e.g. `/lab settings window 10:00-17:00 limit 8`.")),
    ), fallback=_("Settings of {name}").format(name=lab.name))
    return Reply(card=card)
