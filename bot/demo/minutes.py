"""Demo act: Meeting 1. The secretary takes its minutes (attendance, notes, a :memo:
reaction, the vote's result arriving as a decision, action items, an edit and a drop), ends
them, and exports them in every format into a folder the demo names."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.demo.lab import FACILITATOR, MEMBERS, SECRETARY
from bot.demo.stage import meeting_start
from bot.i18n import _

if TYPE_CHECKING:
    from bot.demo.stage import Stage

ZOE, KHAI, MOHAMED = "Zoë Núñez", "Nguyễn Thị Minh Khai", "محمد الأمين"
FOLDER = "minutes"  # under the demo's --out folder


async def _last_entry(stage: Stage) -> int:
    """The number of the newest entry in the open minutes (what the secretary sees)."""
    async with stage.console.ctx.uow() as uow:
        lab = (await uow.labs.all())[0]
        minutes = await uow.minutes.open_in(lab.id)
        assert minutes is not None
        entries = await uow.minutes.entries(minutes.id)
    return max(e.number for e in entries if e.number is not None)


async def act(stage: Stage) -> None:
    from bot.exports import FORMATS
    from bot.features.minutes import export_file, find_minutes
    from bot.minutes_cli import write_file

    console = stage.console
    facilitator = FACILITATOR[0]
    names = [name for name, _x in MEMBERS]
    assert {ZOE, KHAI, MOHAMED} <= set(names)
    start = await meeting_start(stage, 1)

    stage.say(_("Meeting 1 is near: 15 minutes before it, every member gets a last reminder "
              "(meeting reminders come even in quiet hours)."))
    await stage.advance(start - timedelta(minutes=5) - stage.clock.now())

    stage.say(_("{SECRETARY}, the secretary, opens the minutes. With no argument they are the "
              "minutes of the meeting under way: Meeting 1.").format(SECRETARY=SECRETARY))
    await stage.type(SECRETARY, "/lab minutes start")

    stage.say(_("Members say they are here: the button on the minutes card, or /lab present. "
              "Tom cannot come, so Amara records his apologies."))
    for name in (ZOE, MOHAMED, KHAI):
        await stage.press(name, _("I'm here"))
    for name in (facilitator, SECRETARY, _("Amara Okafor")):
        await stage.type(name, "/lab present")
    await stage.type(_("Amara Okafor"), "/lab apologies Tom")

    stage.say(_("Anyone can add a note (a member's decision is kept as a proposal, for the "
              "secretary to record); the secretary sees them land."))
    await stage.type(ZOE, "/lab note The survey had 41 answers; most want procurement data "
                          "published weekly.")
    await stage.type(KHAI, "/lab note Ở Manila, dữ liệu mua sắm công được công bố hàng tháng.")
    await stage.type(MOHAMED, "/lab note نحتاج إلى بيانات المشتريات المفتوحة")

    stage.say(_("A good point made in the conversation goes into the minutes with a :memo: "
              "reaction."))
    await stage.type(MOHAMED, _("The city portal already publishes contracts over $10,000."))
    await stage.type(SECRETARY, _(":react memo {last_message}").format(
        last_message=console.last_message))

    stage.say(_("Half an hour in, the vote closes itself: the count is announced round by round, "
              "and because minutes are open, its result lands in them as a decision."))
    await stage.advance(start + timedelta(minutes=30) - stage.clock.now())
    await stage.type(facilitator, "/lab decision We take forward the winning solution and "
                                  "write its terms of reference by Meeting 2.")

    stage.say(_("Action items: an owner and an optional due date (a day in the lab's zone). A "
              "full name needs no quotes."))
    await stage.type(SECRETARY, f"/lab action {KHAI} due fri Share the Manila procurement "
                                "calendar")
    await stage.type(SECRETARY, f'/lab action "{MOHAMED}" due 2w Draft the terms of '
                                "reference")
    await stage.type(SECRETARY, f"/lab action {ZOE} Circulate the survey results")
    await stage.type(SECRETARY, "/lab action Bob Book the room")
    today = stage.clock.now().date()
    await stage.type(SECRETARY, f"/lab action Amara due {today - timedelta(days=3)} Send the "
                                "intro email")
    await stage.press(SECRETARY, _("Add with this date"))

    stage.say(_("The secretary tidies up: a note is reworded, an aside is dropped. Both stay in "
              "the audit log."))
    await stage.type(ZOE, "/lab note (aside) coffee machine is broken again")
    aside = await _last_entry(stage)
    await stage.type(SECRETARY, "/lab minutes edit 1 The survey had 41 answers; most want "
                                "procurement data published every week.")
    await stage.type(SECRETARY, f"/lab minutes drop {aside}")

    stage.say(_("Amara already sent the intro email: she marks her action item done."))
    await stage.type(_("Amara Okafor"), "/lab actions")
    await stage.press(_("Amara Okafor"), _("Done 1"))

    await stage.advance(start + timedelta(minutes=58) - stage.clock.now())
    stage.say(_("The meeting ends: the secretary closes the minutes and a summary is posted."))
    await stage.type(SECRETARY, "/lab minutes end")

    stage.say(_("The secretary exports the minutes, privately, in every format."))
    for fmt in FORMATS:
        await stage.type(SECRETARY, f"/lab minutes export {fmt}")
    stage.say(_("A member cannot export them: that is for the secretary and facilitators."))
    await stage.type(ZOE, "/lab minutes export pdf")

    folder = stage.out_dir / FOLDER
    async with console.ctx.uow() as uow:
        lab = (await uow.labs.all())[0]
        minutes = await find_minutes(uow, lab, "#1")
        written = []
        for fmt in FORMATS:
            file, _x = await export_file(uow, minutes, fmt, stage.clock.now())
            written.append(write_file(file, folder / file.name).name)
    stage.say(_("The minutes in every format are in {folder}: {names}. "
              "(`actionlab minutes export --lab \"{name}\" --meeting \"#1\" "
              "--format pdf --out <path>` writes them from the command line.)").format(
        folder=folder, names=', '.join(written), name=lab.name))


async def follow_up(stage: Stage) -> None:
    """After the meeting: action items' owners are reminded in their own morning."""
    stage.say(_("The week after: each owner of an action item is reminded at 09:00 in their own "
              "zone, the day before it is due and on the day if it is still open."))
    await stage.type(KHAI, "/lab actions")
    await stage.advance(timedelta(days=4, hours=12))
