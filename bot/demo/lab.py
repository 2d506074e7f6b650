"""Demo act 1: a facilitator sets up the lab, six members join and set their zones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import _

if TYPE_CHECKING:
    from bot.demo.stage import Stage

FACILITATOR = ("Gemma Rhodes", "Europe/London")
MEMBERS = (
    ("Tom Fletcher", "Europe/London"),
    ("Amara Okafor", "Africa/Lagos"),
    ("Zoë Núñez", "America/Sao_Paulo"),
    ("Priya Raman", "Asia/Kolkata"),
    ("Nguyễn Thị Minh Khai", "Asia/Manila"),
    ("محمد الأمين", "America/Toronto"),
)
SECRETARY = "Priya Raman"


async def act(stage: Stage) -> None:
    facilitator, zone = FACILITATOR
    stage.say(_("A facilitator sets up Action Lab 1 in the #lab channel."))
    await stage.type(facilitator, '/lab setup "Action Lab 1"')
    if stage.language:  # `actionlab demo --lang fr`: the lab's channel in that language too
        await stage.type(facilitator, f"/lab settings lang {stage.language}")
    await stage.type(facilitator, f"/lab tz {zone}")

    stage.say(_("Six members join: each reads the confidentiality commitment and accepts it."))
    for name, _x in MEMBERS:
        await stage.type(name, "/lab join")
        await stage.press(name, _("I accept and join"))

    stage.say(_("Each member tells the bot their time zone (a typo gets a suggestion)."))
    await stage.type(_("Zoë Núñez"), "/lab tz America/Sao_Paolo")
    for name, member_zone in MEMBERS:
        await stage.type(name, f"/lab tz {member_zone}")

    stage.say(_("The facilitator makes Priya the lab's secretary."))
    await stage.type(facilitator, f"/lab role {SECRETARY} secretary")

    stage.say(_("The member list, with everyone's local time now."))
    await stage.type(facilitator, "/lab members")
