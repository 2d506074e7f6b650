"""`actionlab demo` plays the whole cycle once; each test reads the part of its story.

The demo runs once for the module (it takes seconds): a lab is set up and joined, a poll
finds the two meetings, the lab votes, reminders arrive on the accelerated clock, Meeting 1's
minutes are taken (the vote closing itself into them) and exported, and action items'
owners are reminded afterwards.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from icalendar import Calendar
from pypdf import PdfReader

from bot.config import load_settings
from bot.demo import run_demo
from bot.demo.lab import MEMBERS
from bot.demo.minutes import FOLDER, KHAI, MOHAMED, ZOE
from bot.exports import FORMATS
from bot.exports.json import schema

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


class Played:
    def __init__(self, out: str, folder: Path) -> None:
        self.raw = out
        self.text = re.sub(r"\s*\n\s*(· )?", " ", out)  # one line: wrapping does not matter
        self.folder = folder

    def part(self, start: str, end: str | None = None) -> str:
        begin = self.text.index(start)
        return self.text[begin:self.text.index(end, begin)] if end else self.text[begin:]


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    folder = tmp_path_factory.mktemp("demo")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith(("ACTIONLAB_", "SLACK_", "DISCORD_")) or name == "DATABASE_URL":
                env.delenv(name)
        settings = load_settings(EXAMPLE)
    assert asyncio.run(run_demo(settings, out_dir=folder, out=out)) == 0
    return Played(out.getvalue(), folder)


def test_nothing_goes_wrong(played: Played) -> None:
    for bad in ("Something went wrong", "Traceback", "There is no control"):
        assert bad not in played.text


def test_the_lab_is_set_up_and_joined(played: Played) -> None:
    lab = played.part("# A facilitator sets up", "# The facilitator proposes")
    assert "Action Lab 1 is set up" in lab
    assert lab.count("I accept and join") >= len(MEMBERS)
    assert "Did you mean `America/Sao_Paulo`" in lab
    assert "made *Priya Raman* secretary" in lab
    for name, zone in MEMBERS:
        assert f"*{name}* — " in lab and zone in lab
    assert "6 of 6 members" in lab


def test_a_poll_finds_the_two_meetings(played: Played) -> None:
    poll = played.part("# The facilitator proposes", "# The facilitator opens a ranked")
    assert "== Poll #1: Action Lab meetings ==" in poll and "*90 slots*" in poll
    assert "_early for you_" in poll  # Zoë's card, in São Paulo
    assert "There is no slot 95: this poll has slots 1 to 90" in poll
    assert "Everyone has answered." in poll
    assert "== Best pairs for poll #1: Action Lab meetings ==" in poll
    assert "== Meeting scheduled: Meeting 1 ==" in poll
    assert "== Meeting scheduled: Meeting 2 ==" in poll
    files = played.folder / "files"
    heat = sorted(files.glob("*-poll-1-heat-map.png"))
    invites = sorted(files.glob("*-meeting-*.ics"), key=lambda f: int(f.name.split("-")[0][1:]))
    assert heat and len(invites) >= 2
    starts = [Calendar.from_ical(f.read_bytes()).walk("VEVENT")[0]["dtstart"].dt
              for f in invites[:2]]
    assert (starts[1] - starts[0]).days >= 7  # the pair respects the week's gap


def test_the_lab_votes_in_secret(played: Played) -> None:
    vote = played.part("# The facilitator opens a ranked", "# Reminders.")
    assert "== Vote #1: Which solution should Action Lab 1 take forward? ==" in vote
    assert vote.count("Ballot saved: vote #1") == 6 and "Ballot changed: vote #1" in vote
    assert "You ranked Case studies twice (1st and 2nd choice)" in vote
    assert "Not voted yet (only facilitators see this): محمد الأمين" in vote
    assert "Research won" not in vote  # results hidden until the close


def test_reminders_arrive_in_each_readers_zone_and_nudge_only_the_late_voter(
    played: Played,
) -> None:
    act = played.part("# Reminders.", "# Meeting 1 is near")
    assert "I will remind *Zoë Núñez* Tue 05 Jan 2027, 10:00 WAT (Africa/Lagos)" in act
    assert "wait until Tue 05 Jan 2027, 08:00 UTC-3 (America/Sao_Paulo)" in act
    assert "No member of Action Lab 1 is called `Bob`" in act
    assert "Did you mean `tomorrow`?" in act and "is in the past" in act
    assert "Cancelled: “Draft the welcome note”" in act
    delivered = re.findall(r"actionlab → (.+?) \(direct message\) == (.+?) ==", act)
    assert ("Gemma Rhodes", "Reminder") in delivered
    assert ("Zoë Núñez", "Reminder") in delivered
    assert "== Reminder for Action Lab 1 == Bring your top three options" in act
    assert "Draft the welcome note ==" not in act  # cancelled: never delivered
    meeting = [who for who, title in delivered if title.startswith("Meeting soon")]
    assert sorted(meeting) == sorted(n for n, _ in [("Gemma Rhodes", ""), *MEMBERS]
                                     if n != KHAI)  # Khai's waits for 08:00 in Manila
    assert "It starts Mon 11 Jan 2027, 18:30 IST (Asia/Kolkata)" in act
    nudged = [who for who, title in delivered if title.startswith("Your answer is needed")]
    assert nudged == ["محمد الأمين"]


def test_meeting_1_minutes_take_the_votes_result_and_export_everywhere(played: Played) -> None:
    act = played.part("# Meeting 1 is near", "# Anyone in the lab can take")
    assert "actionlab → Nguyễn Thị Minh Khai (direct message) == Meeting soon" in act
    assert "== Minutes: Meeting 1 ==" in act
    assert f"{MOHAMED}'s message is in the minutes of Meeting 1 as note 4" in act
    assert "== Vote #1 result: Research won ==" in act
    assert "Research won (IRV, 4 rounds, 7 ballots)" in act
    assert "Vote “Which solution should Action Lab 1 take forward?” closed. Research won" in act
    assert "No member of Action Lab 1 is called `Bob`" in act
    assert "is in the past" in act and "Add with this date" in act
    assert "== Minutes of Meeting 1: summary ==" in act
    assert "Only the secretary and facilitators can use `/lab minutes export`" in act
    folder = played.folder / FOLDER
    files = {p.suffix[1:]: p for p in folder.iterdir()}
    assert sorted(files) == sorted(FORMATS)
    data = json.loads(files["json"].read_bytes())
    jsonschema.validate(data, schema(), format_checker=jsonschema.FormatChecker())
    assert data["meeting"]["number"] == 1
    assert {ZOE, KHAI, MOHAMED} <= set(data["attendance"]["present"])
    assert data["attendance"]["apologies"] == ["Tom Fletcher"]
    assert len(data["dropped"]) == 1
    assert any("Research won" in d["text"] for d in data["decisions"])
    assert {a["owner"] for a in data["action_items"]} == {KHAI, MOHAMED, ZOE, "Amara Okafor"}
    pdf = "\n".join(p.extract_text() for p in PdfReader(files["pdf"]).pages)
    for name in (ZOE, KHAI, MOHAMED):
        assert name in pdf
    assert "Confidential" in files["html"].read_text() and MOHAMED in files["md"].read_text()


def test_the_ballots_are_recounted_offline(played: Played) -> None:
    act = played.part("# Anyone in the lab can take", "# The week after")
    assert "re-count them offline: actionlab tally" in act
    assert "Research won (IRV, 4 rounds, 7 ballots)" in act
    assert sorted((played.folder / "files").glob("*vote-1-result.png"))


def test_action_item_owners_are_reminded_in_their_own_morning(played: Played) -> None:
    act = played.part("# The week after")
    assert "(Thu 14 Jan 01:00 UTC" in act  # 09:00 in Manila, the day before
    assert f"actionlab → {KHAI} (direct message) == Action item due tomorrow ==" in act
    assert f"actionlab → {KHAI} (direct message) == Action item due today ==" in act
