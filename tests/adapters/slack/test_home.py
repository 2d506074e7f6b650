"""The App Home with the real features behind it: opening the tab publishes the polls and
votes still to answer, the person's action items, the next meetings and reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import SettableClock
from bot.config import Settings, VoteTemplate
from bot.scheduling import ManualJobs
from tests.adapters.slack.blockkit import (
    AGO,
    LONG,
    SHORT,
    context,
    date,
    header,
    section,
    utc,
)
from tests.adapters.slack.conftest import Slack

QUESTION = "Which solution should Action Lab 1 take forward?"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"vote_templates": {"action-lab-1": VoteTemplate(
        question=QUESTION, options=["Micro-contracting in procurement", "Clever contracts",
                                    "Nurturing government staff", "Case studies",
                                    "Research"])}})


def opened(user: str) -> dict:
    return {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home",
            "event_ts": "1.1"}


async def test_the_app_home_shows_what_needs_the_person(lab: Slack) -> None:
    await lab.command("UGEMMA", "poll new Meeting 1 2027-01-11..2027-01-12 window 13:00-15:00")
    await lab.command("UGEMMA", "poll new Kick-off 2027-01-13..2027-01-13 window 13:00-14:00")
    await lab.command("UGEMMA", "poll pick 2 1")  # meeting #1: Wed 13 Jan 2027, 13:00 UTC
    await lab.open_vote("UGEMMA", "vote new template action-lab-1 closes 2027-01-08 17:00")
    await lab.command("UGEMMA", 'minutes start "Kick-off call"')
    await lab.command("UGEMMA", "action Amara due fri Draft the problem statement")
    lab.fake.clear()
    sent = await lab.event(opened("UAMARA"), event_id="EvHome1")
    assert (sent.status, sent.body) == (200, "")
    assert lab.fake.methods() == ["views.publish"]
    published = lab.fake.last("views.publish")
    assert published.args["user_id"] == "UAMARA"
    poll_closes, vote_closes = utc(2027, 1, 10, 13), utc(2027, 1, 8, 17)
    meeting = utc(2027, 1, 13, 13)
    assert published.args["view"] == {"type": "home", "blocks": [
        header("Hello, Amara Okafor"),
        section("*Your labs*\n• *Action Lab 1* — member"),
        context("Your time zone is Africa/Lagos; it is Mon 04 Jan 2027, 11:00 WAT now."),
        section("*Polls waiting for your answers*\n• *Poll #1: Meeting 1* (Action Lab 1) — 0 "
                "of 4 answered, closes "
                f"{date(poll_closes, AGO, 'Sun 10 Jan 2027, 13:00 UTC')}. "
                "`/lab poll answer 1`"),
        section(f"*Votes to rank*\n• *Vote #1: {QUESTION}* (Action Lab 1), closes "
                f"{date(vote_closes, LONG, 'Fri 08 Jan 2027, 17:00 UTC')} — `/lab rank 1 ...`"),
        section("*Your next meetings*\n• `#1` *Meeting 1* (Action Lab 1) — Wed 13 Jan 2027, "
                "14:00 WAT (Africa/Lagos), 60 min · "
                f"{date(meeting, AGO, 'Wed 13 Jan 2027, 13:00 UTC')}"),
        section("*Your action items* (1 open)\n• Draft the problem statement — Action Lab 1 · "
                "Fri 08 Jan 2027 (in 4 days)"),
        context("Mark them done with `/lab actions` in the lab's channel."),
        section("*Your next reminders*\n"
                f"• {date(utc(2027, 1, 7, 8), SHORT, 'Thu 07 Jan 2027, 08:00 UTC')} — action "
                "item: “Draft the problem statement”\n"
                f"• {date(utc(2027, 1, 7, 17), SHORT, 'Thu 07 Jan 2027, 17:00 UTC')} — nudge "
                "to answer vote #1\n"
                f"• {date(utc(2027, 1, 8, 8), SHORT, 'Fri 08 Jan 2027, 08:00 UTC')} — action "
                "item: “Draft the problem statement”"),
        context("`/lab reminders` lists them all, with Cancel buttons."),
    ]}
    # Answering and ranking take those sections away; the tab is published afresh each time.
    await lab.command("UAMARA", "poll answer 1 all yes")
    await lab.command("UAMARA", "rank 1 4 2")
    lab.fake.clear()
    await lab.event(opened("UAMARA"), event_id="EvHome2")
    shown = [b["text"]["text"].split("\n")[0] for b in
             lab.fake.last("views.publish").args["view"]["blocks"] if b["type"] == "section"]
    assert shown == ["*Your labs*", "*Your next meetings*", "*Your action items* (1 open)",
                     "*Your next reminders*"]


async def test_the_app_home_is_pushed_to_the_members_a_change_concerns_once_a_burst(
    lab: Slack, clock: SettableClock, jobs: ManualJobs,
) -> None:
    lab.fake.clear()
    # Three changes within a second: a poll and a vote opened, a second poll. Nothing is
    # pushed before the commit and the short gap that gathers them.
    await lab.command("UGEMMA", "poll new Meeting 1 2027-01-11..2027-01-12 window 13:00-15:00")
    await lab.open_vote("UGEMMA", "vote new template action-lab-1 closes 2027-01-08 17:00")
    await lab.command("UGEMMA", "poll new Kick-off 2027-01-13..2027-01-13 window 13:00-14:00")
    await lab.fake.wait_for("chat.postMessage", 3)
    assert lab.fake.of("views.publish") == []
    assert sorted(j for j in jobs.pending() if j.startswith("home:push:")) == [
        "home:push:1", "home:push:2", "home:push:3"]
    await jobs.run_until(clock, clock.now() + timedelta(seconds=3))
    pushed = lab.fake.of("views.publish")
    # One push per member for the three changes, each showing all of them.
    assert sorted(c.args["user_id"] for c in pushed) == ["UAMARA", "UGEMMA", "UZOE"]
    amara = next(c for c in pushed if c.args["user_id"] == "UAMARA").args["view"]["blocks"]
    text = "\n".join(b["text"]["text"] for b in amara if b["type"] == "section")
    assert "Poll #1: Meeting 1" in text and "Poll #2: Kick-off" in text
    assert f"Vote #1: {QUESTION}" in text
    # The facilitator's home is their desk too.
    gemma = next(c for c in pushed if c.args["user_id"] == "UGEMMA").args["view"]["blocks"]
    assert "*Your desk* (facilitator)" in "\n".join(
        b["text"]["text"] for b in gemma if b["type"] == "section")
    # A meeting picked, then moved: pushed again, once each member.
    lab.fake.clear()
    await lab.command("UGEMMA", "poll pick 2 1")
    await jobs.run_until(clock, clock.now() + timedelta(seconds=3))
    assert sorted(c.args["user_id"] for c in lab.fake.of("views.publish")) == [
        "UAMARA", "UGEMMA", "UZOE"]
    # Answering concerns nobody else's home: nothing is pushed.
    lab.fake.clear()
    await lab.command("UAMARA", "poll answer 1 all yes")
    await jobs.run_until(clock, clock.now() + timedelta(seconds=3))
    assert lab.fake.of("views.publish") == []
