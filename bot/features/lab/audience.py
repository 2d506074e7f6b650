"""Who can read a lab's channel. A lab is confidential, so when a channel is bound to it
(`/lab setup`, `/lab link <code>`) the platform is asked who can read that channel, and a
channel open to the whole workspace or server, or shared with another organisation, is
pointed out to the facilitator, privately, with how to close it."""

from __future__ import annotations

from typing import Any

from bot.i18n import N_, _
from bot.messages import Audience, Reply
from bot.router import Call

_MAKE_PRIVATE = {
    "slack": (N_("In Slack: the channel's name > Settings > *Change to a private channel*, then "
              "invite only the lab's members, or set the lab up in a private channel.")),
    "discord": (N_("In Discord: Edit Channel > Permissions > turn on *Private Channel* (it denies "
                "@everyone View Channel), then add the lab's members or their role.")),
}

_WHO = {
    Audience.PUBLIC: {
        "slack": N_("anyone in this workspace can find this channel and read it"),
        "discord": N_("everyone in this server can see this channel (@everyone may View Channel)"),
    },
    Audience.SHARED: {
        "slack": N_("this channel is shared with another organisation (Slack Connect), whose "
                 "people can read it"),
    },
}


async def exposure_notice(call: Call[Any]) -> Reply | None:
    """A private note for whoever binds this channel when people outside the lab can read
    it (or the platform would not say); None when only those invited can."""
    place = call.place
    audience = await call.ctx.messengers.audience(place)
    if audience is Audience.RESTRICTED:
        return None
    platform = place.platform
    fix = _(_MAKE_PRIVATE.get(platform, N_("Move the lab to a channel only its members can "
                                          "read.")))
    if audience is Audience.UNKNOWN:
        scopes = (_(" (the app needs the `channels:read` and `groups:read` scopes: reinstall it "
                  "from its manifest)") if platform == "slack" else "")
        return Reply.say(
            _("I could not check who can read this channel{scopes}. The lab is confidential: "
            "make sure only its members can read it. {fix}").format(scopes=scopes, fix=fix)
        )
    who = _(_WHO[audience].get(platform, N_("people outside the lab can read this channel")))
    return Reply.say(
        _("Heads-up: {who}, and the lab is confidential: its polls, votes and minutes would "
        "be read by people who have not accepted its commitment. {fix}").format(who=who, fix=fix)
    )
