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

if TYPE_CHECKING:
    from bot.demo.stage import Stage

# The five candidate solutions of the call, as config.example.toml's template lists them.
SOLUTIONS = (
    "Micro-contracting in procurement", "Clever contracts", "Nurturing government staff",
    "Case studies", "Research",
)
QUESTION = "Which solution should Action Lab 1 take forward?"
LATE_VOTER = "محمد الأمين"  # ranks only after the bot's nudge


async def act(stage: Stage) -> None:

    facilitator = FACILITATOR[0]
    # The vote closes half an hour into Meeting 1, so the lab decides in the meeting.
    deadline = await meeting_start(stage, 1) + timedelta(minutes=30)
    closes = f"closes {deadline:%Y-%m-%d %H:%M}"  # the facilitator's zone: London, GMT
    stage.say("The facilitator opens a ranked-choice vote on the five candidate solutions. It "
              "will close itself half an hour into Meeting 1 (IRV, results hidden until then).")
    if "action-lab-1" in stage.console.ctx.settings.vote_templates:
        await stage.type(facilitator, f"/lab vote new template action-lab-1 {closes}")
    else:  # no config.toml: the same vote, typed out
        options = " ".join(f'"{o}"' for o in SOLUTIONS)
        await stage.type(facilitator, f'/lab vote new "{QUESTION}" options {options} {closes}')

    stage.say("Members rank in secret. Tom types option numbers, best first.")
    await stage.type("Tom Fletcher", "/lab rank 1 5 4")

    stage.say("Amara ranks with the menus: 1st choice, 2nd choice, ... then saves.")
    await stage.press("Amara Okafor", "Rank with menus")
    await stage.press("Amara Okafor", "1st choice", "4. Case studies")
    await stage.press("Amara Okafor", "2nd choice", "5. Research")
    await stage.press("Amara Okafor", "3rd choice", "1. Micro-contracting in procurement")
    await stage.press("Amara Okafor", "Save my ranking")

    stage.say("Zoë types names (a unique start of a name is enough), then changes her mind.")
    await stage.type("Zoë Núñez", "/lab rank 1 research nurturing")
    await stage.type("Zoë Núñez", "/lab rank 1 research micro")

    stage.say("Priya uses the typed-ranking form.")
    await stage.type("Priya Raman", ":press Type my ranking", "", "nurturing, research")

    stage.say("Minh Khai ranks an option twice by mistake: a private message, nothing saved.")
    await stage.type("Nguyễn Thị Minh Khai", "/lab rank 1 4 4")
    await stage.type("Nguyễn Thị Minh Khai", "/lab rank 1 4 1")
    await stage.type(facilitator, "/lab rank 1 case research")

    stage.say("The facilitator checks turnout: who has not voted, never how anyone voted. "
              f"{LATE_VOTER} has not ranked yet; the bot will nudge him a day before the close.")
    await stage.type(facilitator, "/lab vote show 1")


async def recount(stage: Stage) -> None:
    """The anonymised ballots, and the same count made again offline."""
    stage.say("Anyone in the lab can take the anonymised ballots (JSON, CSV, BLT), in a random "
              "order and with no names...")
    await stage.type("Tom Fletcher", "/lab vote ballots 1")
    exported = sorted((stage.out_dir / "files").glob("*vote-1-ballots.json"))
    if exported:
        from bot.tally_cli import run_tally

        stage.say(f"...and re-count them offline: actionlab tally {exported[-1]}")
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
