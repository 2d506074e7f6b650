"""Demo act: reminders set in each member's own time, then the clock runs to the eve of
Meeting 1: personal reminders arrive (one held back by quiet hours), every member gets the
meeting's reminder with its invite, and the one member who has not voted is nudged."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.demo.lab import FACILITATOR
from bot.demo.stage import meeting_start
from bot.demo.vote import LATE_VOTER
from bot.i18n import _

if TYPE_CHECKING:
    from bot.demo.stage import Stage


async def act(stage: Stage) -> None:

    facilitator = FACILITATOR[0]
    stage.say(_("Reminders. Anyone sets one in their own time zone; the bot keeps it in its "
              "database and delivers it once, as a direct message (or a post for the lab)."))
    await stage.type(facilitator, "/lab remind me in 2 hours Send the agenda for Meeting 1")
    stage.say(_("Amara (Lagos) reminds Zoë (São Paulo) at 10:00 Lagos time: that is 06:00 for "
              "Zoë, inside her quiet hours, so it will wait for her 08:00."))
    await stage.type(_("Amara Okafor"), "/lab remind Zoë tomorrow 10:00 Share the Lagos case "
                                     "studies")
    await stage.type(_("Priya Raman"), "/lab remind lab 18:00 Bring your top three options")
    await stage.type(_("Tom Fletcher"), "/lab remind me every monday 09:00 Check my action items")

    stage.say(_("Mistakes get a private answer that says what was understood, and change nothing."))
    await stage.type(_("Amara Okafor"), "/lab remind Bob tomorrow 10:00 Call the funder")
    await stage.type(_("Zoë Núñez"), "/lab remind me tomorow 9am Call the funder")
    await stage.type(facilitator, "/lab remind me 2026-12-25 10:00 Wrap the presents")

    stage.say(_("Each reminder can be cancelled; a cancelled one never fires."))
    await stage.type(facilitator, "/lab remind me in 3 hours Draft the welcome note")
    await stage.press(facilitator, _("Cancel it"))
    await stage.type(_("Tom Fletcher"), "/lab reminders")

    stage.say(_("Everything the lab has waiting, from every feature: the meetings' reminders "
              "for every member, the vote's nudge and its close."))
    await stage.type(facilitator, "/lab reminders lab")

    stage.say(_("The clock runs to the eve of Meeting 1; each reminder arrives at its moment, in "
              "its reader's zone. A day before the meeting every member gets a direct message "
              "with the invite (Minh Khai's would reach Manila at 21:00, so it waits for 08:00 "
              "there); a day before the vote closes, {LATE_VOTER}, who has not ranked, is "
              "nudged, and nobody else is.").format(LATE_VOTER=LATE_VOTER))
    eve = await meeting_start(stage, 1) - timedelta(hours=16)
    await stage.advance(eve - stage.clock.now())

    stage.say(_("{LATE_VOTER} ranks after the nudge.").format(LATE_VOTER=LATE_VOTER))
    await stage.type(LATE_VOTER, "/lab rank 1 research 4 3")
    await stage.type(LATE_VOTER, "/lab home")
