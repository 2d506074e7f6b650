"""Demo act 2: the lab ranks the five candidate solutions; the count is shown round by round,
and the anonymised ballots are re-counted offline, as anyone could."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bot.demo import Stage

FACILITATOR = "Gemma Rhodes"
# The five candidate solutions of the call, as config.example.toml's template lists them.
SOLUTIONS = (
    "Micro-contracting in procurement", "Clever contracts", "Nurturing government staff",
    "Case studies", "Research",
)
QUESTION = "Which solution should Action Lab 1 take forward?"
# Option numbers of the action-lab-1 template: 1 micro-contracting in procurement,
# 2 clever contracts, 3 nurturing government staff, 4 case studies, 5 research.


async def act(stage: Stage) -> None:
    from adapters.console.app import ConsoleAdapter

    assert isinstance(stage.console, ConsoleAdapter)
    # Four days on, at 17:00 in the facilitator's zone (London).
    london = ZoneInfo("Europe/London")
    day = (stage.clock.now() + timedelta(days=4)).astimezone(london).date()
    deadline = datetime.combine(day, time(17, 0), tzinfo=london)
    closes = f"closes {deadline:%Y-%m-%d %H:%M}"
    stage.say("The facilitator opens a ranked-choice vote on the five candidate solutions, "
              f"closing on {deadline:%A} at 17:00 London time.")
    if "action-lab-1" in stage.console.ctx.settings.vote_templates:
        await stage.type(FACILITATOR, f"/lab vote new template action-lab-1 {closes}")
    else:  # no config.toml: the same vote, typed out
        options = " ".join(f'"{o}"' for o in SOLUTIONS)
        await stage.type(FACILITATOR, f'/lab vote new "{QUESTION}" options {options} {closes}')

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

    stage.say("The facilitator checks turnout: who has not voted, never how anyone voted.")
    await stage.type(FACILITATOR, "/lab vote show 1")
    await stage.type("محمد الأمين", "/lab rank 1 research 4 3")
    await stage.type("محمد الأمين", "/lab home")

    await stage.advance(deadline - stage.clock.now())
    stage.say("The facilitator closes the vote; the result is posted in the lab's channel.")
    await stage.type(FACILITATOR, "/lab vote close 1")

    stage.say("Anyone in the lab can take the anonymised ballots (JSON, CSV, BLT)...")
    await stage.type("Tom Fletcher", "/lab vote ballots 1")
    exported = sorted((stage.out_dir / "files").glob("*vote-1-ballots.json"))
    if exported:
        from bot.cli import build_parser
        from bot.tally_cli import run_tally

        stage.say(f"...and re-count them offline: actionlab tally {exported[-1].name}")
        printed = io.StringIO()
        run_tally(build_parser().parse_args(["tally", str(exported[-1])]), stdout=printed)
        stage.out.write(printed.getvalue())
