"""A facilitator's desk in `/lab home`, and Remind now: once, then refused within 12 hours
(saying when, in the reader's zone), quiet hours honoured as the automatic nudge does."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.scheduling import ManualJobs
from fakes.console import T0
from tests.conftest import Console, open_vote

# T0 is Monday 4 January 2027, 10:00 UTC: 10:00 in London, 11:00 in Lagos, 15:30 in
# Kolkata, and 07:00 in São Paulo, where Zoë's quiet hours (21:00-08:00) end at 11:00 UTC.
POLL = '/lab poll new "Meeting 1" 2027-01-11..2027-01-12 window 13:00-15:00'


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\n {2}· ", " ", text))


def direct_messages(out: str) -> list[str]:
    return re.findall(r"actionlab → ([^(]+?) \(direct message\)", out)


async def test_the_desk_lists_open_polls_with_who_has_not_answered_and_its_buttons(
    lab: Console,
) -> None:
    await lab("Gemma Rhodes", POLL)
    await lab("Amara Okafor", "/lab poll answer 1 1-4 yes")
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Where do we pilot?" options Lagos London')
    await lab("Priya Raman", "/lab rank 1 2 1")
    out = flat(await lab("Gemma Rhodes", "/lab home"))
    assert "Your desk" in out
    assert "Poll #1: Meeting 1* — 1 of 4 answered" in out
    assert "Not yet: Gemma Rhodes, Zoë Núñez, Priya Raman." in out
    assert "Close the poll" in out and "Remind now" in out
    assert "Vote #1: Where do we pilot?* — 1 of 4 members has voted" in out
    assert "Close the vote" in out
    # A member sees none of it.
    member = flat(await lab("Amara Okafor", "/lab home"))
    assert "Your desk" not in member and "Not yet" not in member
    # The desk's Close button closes the poll, as `/lab poll close` does.
    closed = flat(await lab.press("Gemma Rhodes", "Close the poll"))
    assert "Poll #1 is closed; I told the lab." in closed
    after = flat(await lab("Gemma Rhodes", "/lab home"))
    assert "is closed and no meeting is picked yet" in after


async def test_remind_now_once_then_refused_within_12_hours_and_quiet_hours_are_honoured(
    lab: Console, app: App, clock: SettableClock, jobs: ManualJobs,
) -> None:
    await lab("Gemma Rhodes", POLL)
    await lab("Amara Okafor", "/lab poll answer 1 1-4 yes")
    await lab("Gemma Rhodes", "/lab home")
    out = flat(await lab.press("Gemma Rhodes", "Remind now"))
    assert "Reminded now, privately: Gemma Rhodes, Priya Raman." in out
    assert "In their quiet hours, so reminded when those end: Zoë Núñez" in out
    # Delivered now to those awake; Zoë's waits for 08:00 in São Paulo (11:00 UTC).
    await jobs.run_due(clock.now())
    sent = flat(lab.buffer.getvalue())
    assert {"Gemma Rhodes", "Priya Raman"} <= set(direct_messages(sent))
    assert "Zoë Núñez" not in direct_messages(sent)
    assert "Amara Okafor" not in direct_messages(sent)

    # Again within 12 hours: refused, saying from when, in the reader's zone.
    refused = flat(await lab("Gemma Rhodes", "/lab poll remind 1"))
    assert "Remind now can be used again from" in refused
    assert "22:00" in refused and "Europe/London" in refused
    # Only a facilitator may.
    assert "Reminded now" not in flat(await lab("Amara Okafor", "/lab poll remind 1"))

    before = len(direct_messages(flat(lab.buffer.getvalue())))
    await jobs.run_until(clock, T0 + timedelta(hours=1, minutes=5))
    after = direct_messages(flat(lab.buffer.getvalue()))
    assert after[before:].count("Zoë Núñez") == 1

    # Twelve hours on, it may go again (Zoë is now awake; Gemma and Priya still owe answers).
    clock.set(T0 + timedelta(hours=12, minutes=1))
    again = flat(await lab("Gemma Rhodes", "/lab poll remind 1"))
    assert "Reminded now" in again or "In their quiet hours" in again


async def test_the_desk_lists_overdue_action_items_with_done_and_remind(
    lab: Console, clock: SettableClock, jobs: ManualJobs,
) -> None:
    await lab("Gemma Rhodes", '/lab minutes start "Kick-off call"')
    await lab("Gemma Rhodes", "/lab action Amara due 2027-01-05 Draft the problem statement")
    await lab("Gemma Rhodes", "/lab action Priya due 2027-01-06 Find three case studies")
    await lab("Gemma Rhodes", "/lab action Zoë due 2027-01-20 Book the room")
    # Thursday 7 January: two items are overdue, the third is not yet due.
    clock.set(T0 + timedelta(days=3))
    out = flat(await lab("Gemma Rhodes", "/lab home"))
    assert "Overdue action items" in out
    assert "Draft the problem statement — Amara Okafor (Action Lab 1)" in out
    assert "Find three case studies — Priya Raman (Action Lab 1)" in out
    assert out.index("Draft the problem") < out.index("Find three")  # most overdue first
    assert "Book the room" not in out.split("Overdue action items")[1].split("Your")[0]
    assert "Remind Amara Okafor" in out and "Remind Priya Raman" in out
    # A member's home has no desk.
    assert "Overdue action items" not in flat(await lab("Amara Okafor", "/lab home"))
    # Remind: the owner, privately, now; once in 12 hours.
    reminded = flat(await lab.press("Gemma Rhodes", "Remind Amara Okafor"))
    assert "Reminded now, privately: Amara Okafor." in reminded
    await jobs.run_due(clock.now())
    sent = flat(lab.buffer.getvalue())
    assert "Amara Okafor" in direct_messages(sent)
    assert "An action item of yours is overdue" in sent
    await lab("Gemma Rhodes", "/lab home")
    again = flat(await lab.press("Gemma Rhodes", "Remind Amara Okafor"))
    assert "Remind now can be used again from" in again
    # Done: marked, and gone from the desk.
    done = flat(await lab.press("Gemma Rhodes", "Done"))
    marked = re.search(r"Marked done: (.+?) \((Amara Okafor|Priya Raman)\)\.", done)
    assert marked is not None, done
    other = {"Draft the problem statement", "Find three case studies"} - {marked.group(1)}
    after = flat(await lab("Gemma Rhodes", "/lab home"))
    assert marked.group(1) not in after and other.pop() in after


async def test_the_desk_marks_votes_due_to_close_soon_first(lab: Console) -> None:
    await open_vote(lab, "Gemma Rhodes",
                    '/lab vote new "Later?" options A B closes 2027-01-20 17:00')
    await open_vote(lab, "Gemma Rhodes",
                    '/lab vote new "Sooner?" options A B closes 2027-01-05 09:00')
    out = flat(await lab("Gemma Rhodes", "/lab home"))
    assert "⏳ *Closes soon* · 🗳 *Vote #2: Sooner?*" in out
    assert "Closes soon* · 🗳 *Vote #1" not in out
    assert out.index("Vote #2: Sooner?") < out.index("Vote #1: Later?")
