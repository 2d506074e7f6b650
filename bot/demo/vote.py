"""Demo act: the lab ranks the five candidate solutions in secret, by text, menus and a form;
the vote will close itself during Meeting 1. And, at the end, the anonymised ballots are
re-counted offline, as anyone could."""

from __future__ import annotations

import argparse
import io
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.demo.lab import FACILITATOR
from bot.demo.stage import meeting_start
from bot.i18n import N_, _

if TYPE_CHECKING:
    from bot.demo.stage import Stage

# The five candidate solutions of the call, as config.example.toml's template lists them.
SOLUTIONS = (
    N_("Micro-contracting in "
       "procurement"), N_("Clever contracts"), N_("Nurturing government staff"),
    N_("Case studies"), N_("Research"),
)
QUESTION = N_("Which solution should Action Lab 1 take forward?")
LATE_VOTER = "محمد الأمين"  # ranks only after the bot's nudge


async def act(stage: Stage) -> None:

    facilitator = FACILITATOR[0]
    # The vote closes half an hour into Meeting 1, so the lab decides in the meeting.
    deadline = await meeting_start(stage, 1) + timedelta(minutes=30)
    closes = f"closes {deadline:%Y-%m-%d %H:%M}"  # the facilitator's zone: London, GMT
    stage.say(_("The facilitator opens a ranked-choice vote on the five candidate solutions. It "
              "will close itself half an hour into Meeting 1 (IRV, results hidden until then)."))
    if "action-lab-1" in stage.console.ctx.settings.vote_templates:
        await stage.type(facilitator, f"/lab vote new template action-lab-1 {closes}")
    else:  # no config.toml: the same vote, typed out
        options = " ".join(f'"{_(o)}"' for o in SOLUTIONS)
        await stage.type(facilitator, f'/lab vote new "{_(QUESTION)}" options {options} {closes}')
    stage.say(_("A private preview first: nothing is posted or counted until she opens it."))
    await stage.press(facilitator, _("Open the vote"))

    stage.say(_("Members rank in secret. Tom types option numbers, best first."))
    await stage.type(_("Tom Fletcher"), "/lab rank 1 5 4")

    stage.say(_("Amara ranks with the menus: 1st choice, 2nd choice, ... then saves."))
    await stage.press(_("Amara Okafor"), _("Rank with menus"))
    await stage.press(_("Amara Okafor"), _("1st choice"), _("4. Case studies"))
    await stage.press(_("Amara Okafor"), _("2nd choice"), _("5. Research"))
    await stage.press(_("Amara Okafor"), _("3rd choice"), _("1. Micro-contracting in procurement"))
    await stage.press(_("Amara Okafor"), _("Save my ranking"))

    stage.say(_("Zoë types names (a unique start of a name is enough), then changes her mind."))
    await stage.type(_("Zoë Núñez"), "/lab rank 1 research nurturing")
    await stage.type(_("Zoë Núñez"), "/lab rank 1 research micro")

    stage.say(_("Priya uses the typed-ranking form."))
    await stage.type(_("Priya Raman"), _(":press Type my ranking"), "", _("nurturing, research"))

    stage.say(_("Minh Khai ranks an option twice by mistake: a private message, nothing saved."))
    await stage.type(_("Nguyễn Thị Minh Khai"), "/lab rank 1 4 4")
    await stage.type(_("Nguyễn Thị Minh Khai"), "/lab rank 1 4 1")
    await stage.type(facilitator, "/lab rank 1 case research")

    stage.say(_("The facilitator checks turnout: who has not voted, never how anyone voted. "
              "{LATE_VOTER} has not ranked yet; the bot will nudge him a day before the "
              "close.").format(
        LATE_VOTER=LATE_VOTER))
    await stage.type(facilitator, "/lab vote show 1")


async def recount(stage: Stage) -> None:
    """The anonymised ballots, and the same count made again offline."""
    stage.say(_("Anyone in the lab can take the anonymised ballots (JSON, CSV, BLT), in a random "
              "order and with no names..."))
    await stage.type(_("Tom Fletcher"), "/lab vote ballots 1")
    exported = sorted((stage.out_dir / "files").glob("*vote-1-ballots.json"))
    if exported:
        from bot.tally_cli import run_tally

        stage.say(_("...and re-count them offline: actionlab tally {value}").format(
            value=exported[-1]))
        printed = io.StringIO()
        run_tally(_tally_parser().parse_args(["tally", str(exported[-1])]), stdout=printed)
        stage.out.write(printed.getvalue())


def _tally_parser() -> argparse.ArgumentParser:
    """`actionlab tally`'s own arguments, as the command line reads them (built from
    bot/tally_cli.py, which the CLI uses too, so the demo does not import the CLI)."""
    from bot.tally_cli import add_parser

    parser = argparse.ArgumentParser(prog="actionlab")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return parser
