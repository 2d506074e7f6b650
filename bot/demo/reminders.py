"""Demo act: reminders set in each member's own time, a few of them arriving on the
accelerated clock (one held back by quiet hours), and what the lab still has waiting."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.demo import Stage

FACILITATOR = "Gemma Rhodes"


async def act(stage: Stage) -> None:
    # Times here are relative ("in 2 hours", "tomorrow"), so the act reads the same whatever
    # the acts before it did with the clock; it stops before Meeting 1's reminders fall due.
    stage.say("Reminders. Anyone sets one in their own time zone; the bot keeps it in its "
              "database and delivers it once, as a direct message (or a post for the lab).")
    await stage.type(FACILITATOR, "/lab remind me in 2 hours Send the agenda for Meeting 1")
    stage.say("Amara (Lagos) reminds Zoë (São Paulo) at 10:00 Lagos time: that is 06:00 for "
              "Zoë, inside her quiet hours, so it will wait for her 08:00.")
    await stage.type("Amara Okafor", "/lab remind Zoë tomorrow 10:00 Share the Lagos case "
                                     "studies")
    await stage.type("Priya Raman", "/lab remind lab 18:00 Bring your top three options")
    await stage.type("Tom Fletcher", "/lab remind me every monday 09:00 Check my action items")

    stage.say("Mistakes get a private answer that says what was understood, and change nothing.")
    await stage.type("Amara Okafor", "/lab remind Bob tomorrow 10:00 Call the funder")
    await stage.type("Zoë Núñez", "/lab remind me tomorow 9am Call the funder")
    await stage.type(FACILITATOR, "/lab remind me 2026-12-25 10:00 Wrap the presents")

    stage.say("Each reminder can be cancelled; a cancelled one never fires.")
    await stage.type(FACILITATOR, "/lab remind me in 3 hours Draft the welcome note")
    await stage.press(FACILITATOR, "Cancel it")
    await stage.type("Tom Fletcher", "/lab reminders")

    stage.say("The clock runs on; each reminder arrives at its moment, shown in its reader's "
              "zone: Gemma's first, then Zoë's at her 08:00 and Priya's post in the channel.")
    await stage.advance(timedelta(hours=3))
    await stage.advance(timedelta(days=1, hours=2))

    stage.say("Meeting 1's reminders wait in the table: a day before and 15 minutes before, "
              "for every member, with its invite attached. Minh Khai's day-before one would "
              "reach Manila at 21:00, so it is held for 08:00 there.")
    await stage.type("Nguyễn Thị Minh Khai", "/lab reminders")

    stage.say("Everything the lab has waiting, from every feature:")
    await stage.type(FACILITATOR, "/lab reminders lab")
