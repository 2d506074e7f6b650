"""Minutes through the console, as a lab would use them in a meeting, and reactions shaped
as the Slack and Discord adapters build them."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from docx import Document
from lxml import html as lxml_html
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.events import (
    ActionItemClosed,
    ActionItemCreated,
    ActionItemUpdated,
    Event,
    Happening,
    PollClosed,
    VoteClosed,
)
from bot.exports.json import schema
from bot.messages import Action, Actor, Command, MessageRef, Place, Reaction, Reply
from bot.router import Call, Router
from storage.models import ActionItem, Attendance, AuditEntry, MinuteEntry, Minutes
from tests.conftest import Console

ARABIC = "محمد الأمين"
VIETNAMESE = "Nguyễn Thị Minh Khai"
ROOT = Path(__file__).parents[2]


@pytest.fixture
async def members(lab: Console) -> Console:
    """The conftest lab, Priya as secretary, and two more members with non-Latin names."""
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    for name, zone in ((VIETNAMESE, "Asia/Manila"), (ARABIC, "America/Toronto")):
        await lab(name, "/lab join")
        await lab.press(name, "I accept and join")
        await lab(name, f"/lab tz {zone}")
    return lab


@pytest.fixture
async def meeting(members: Console) -> Console:
    out = await members("Priya Raman", '/lab minutes start "Kick-off call"')
    assert "== Minutes: Kick-off call ==" in out
    return members


async def count(app: App, model: Any) -> int:
    async with app.ctx.uow() as uow:
        return int(await uow.session.scalar(select(func.count(model.id))) or 0)


async def audit(app: App, action: str) -> list[AuditEntry]:
    async with app.ctx.uow() as uow:
        return list(await uow.audit.for_lab(1, action=action))


async def entries(app: App) -> list[MinuteEntry]:
    async with app.ctx.uow() as uow:
        return list((await uow.session.scalars(select(MinuteEntry).order_by(MinuteEntry.id))).all())


def saved_file(out: str) -> Path:
    line = next(line for line in out.splitlines() if "[file]" in line)
    return Path(line.split("[file] ", 1)[1].split(" — ", 1)[0])


def record_events(app: App) -> list[Event]:
    seen: list[Event] = []
    spy = Router()
    for kind in (ActionItemCreated, ActionItemUpdated, ActionItemClosed):
        @spy.on(kind)
        async def keep(event: Event, happening: Happening) -> None:
            seen.append(event)
    app.ctx.router.include(spy)
    return seen


# --- a whole meeting ----------------------------------------------------------------------------

async def test_a_meeting_from_start_to_every_export(
    meeting: Console, app: App, clock: SettableClock
) -> None:
    lab = meeting
    out = await lab("Amara Okafor", ":press I'm here")
    assert "(replaces" in out and "Present (1): Amara Okafor" in out
    await lab("Zoë Núñez", "/lab present")
    await lab(VIETNAMESE, "/lab present")
    await lab(ARABIC, ":press I'm here")
    out = await lab("Zoë Núñez", "/lab apologies Gemma")
    assert "Recorded apologies from Gemma Rhodes" in out
    await lab("Priya Raman", "/lab present")

    out = await lab("Zoë Núñez", "/lab note Zoë summarised the survey: 41 answers")
    assert "only Zoë Núñez sees this" in out and "Added note 1" in out
    await lab(ARABIC, "/lab note نحتاج إلى بيانات المشتريات المفتوحة")
    out = await lab("Priya Raman", "/lab decision We take forward research and case studies")
    assert "#lab · actionlab" in out and "*Decision 3* (Kick-off call)" in out
    out = await lab("Amara Okafor", f"/lab action {VIETNAMESE} due fri Gửi bản tóm tắt")
    assert f"*Action 4* for *{VIETNAMESE}*, due Fri 08 Jan 2027 (Kick-off call): Gửi bản " \
        "tóm tắt" in out
    out = await lab("Gemma Rhodes", f'/lab action "{ARABIC}" due 2027-01-15 Draft the brief')
    assert f"*Action 5* for *{ARABIC}*, due Fri 15 Jan 2027" in out
    out = await lab("Zoë Núñez", "/lab action Zoë Núñez Share the survey")
    assert "*Action 6* for *Zoë Núñez* (Kick-off call): Share the survey" in out
    await lab(ARABIC, "The procurement portal publishes contracts weekly")
    message = lab.adapter._next_message - 1
    out = await lab("Priya Raman", f":react memo {message}")
    assert f"{ARABIC}'s message is in the minutes of “Kick-off call” as note 7" in out

    clock.advance(timedelta(minutes=55))
    out = await lab("Priya Raman", "/lab minutes end")
    assert "#lab · actionlab" in out and "== Minutes of Kick-off call: summary ==" in out
    assert "Action Lab 1 met on 04 Jan 2027 15:30 IST–16:25 IST." in out  # Priya's zone
    assert f"Present (5): Amara Okafor, {VIETNAMESE}, Priya Raman, Zoë Núñez, {ARABIC}" in out
    assert "Apologies (1): Gemma Rhodes" in out
    assert "3. We take forward research and case studies" in out
    assert f"4. *{VIETNAMESE}*, due Fri 08 Jan 2027: Gửi bản tóm tắt" in out
    assert "6. *Zoë Núñez*, no due date: Share the survey" in out
    assert "3 notes, 1 decision, 3 action items" in out

    texts = ["Zoë summarised the survey: 41 answers", "نحتاج إلى بيانات المشتريات المفتوحة",
             "We take forward research and case studies", "Gửi bản tóm tắt", "Draft the brief",
             "Share the survey", "The procurement portal publishes contracts weekly"]
    people = ["Amara Okafor", VIETNAMESE, "Priya Raman", "Zoë Núñez", ARABIC, "Gemma Rhodes"]
    for fmt in ("md", "html", "pdf", "docx", "json"):
        out = await lab("Priya Raman", f"/lab minutes export {fmt}")
        assert "only Priya Raman sees this" in out and "confidential" in out
        path = saved_file(out)
        assert path.name == f"m{path.name.split('-')[0][1:]}-minutes-action-lab-1-kick-off-" \
            f"call-2027-01-04.{fmt}"
        data = path.read_bytes()
        if fmt == "md":
            text = data.decode().replace("\u2068", "").replace("\u2069", "")
        elif fmt == "html":
            text = lxml_html.document_fromstring(data.decode()).text_content()
        elif fmt == "pdf":
            text = " ".join(" ".join(p.extract_text().split())
                            for p in PdfReader(io.BytesIO(data)).pages)
        elif fmt == "docx":
            document = Document(io.BytesIO(data))
            text = "\n".join([p.text for p in document.paragraphs] +
                             [c.text for t in document.tables for r in t.rows for c in r.cells])
        else:
            parsed = json.loads(data)
            jsonschema.validate(parsed, schema(), format_checker=jsonschema.FormatChecker())
            text = json.dumps(parsed, ensure_ascii=False)
        for expected in [*texts, *people, "Action Lab 1", "Kick-off call",
                         "Mon 04 Jan 2027, 10:00–10:55 GMT (Europe/London)",
                         "Mon 04 Jan 2027, 10:00–10:55 UTC", "Confidential"]:
            assert expected in text, (fmt, expected)
    assert len(await audit(app, "minutes.export")) == 5


async def test_the_card_keeps_long_entries_short_and_the_minutes_keep_them_whole(
    meeting: Console, app: App
) -> None:
    long = "Budget detail. " * 400  # 6,000 characters: more than a card or a message allows
    out = await meeting("Amara Okafor", f"/lab note {long}")
    assert "Added note 1" in out and "…" in out and len(out) < 1000
    out = await meeting("Priya Raman", f"/lab decision {long}")
    assert "*Decision 2*" in out and "…" in out
    out = await meeting("Amara Okafor", "/lab minutes show")
    assert "Latest entries" in out and "…" in out
    stored = await entries(app)
    assert [e.text for e in stored] == [long.strip(), long.strip()]
    out = await meeting("Priya Raman", "/lab minutes export md")
    assert long.strip() in saved_file(out).read_text()
    out = await meeting("Priya Raman", "/lab minutes end")
    assert "Decisions" in out and "…" in out


# --- one open set, and who may do what ------------------------------------------------------

async def test_one_open_set_of_minutes_per_lab(meeting: Console, app: App) -> None:
    out = await meeting("Gemma Rhodes", '/lab minutes start "Second call"')
    assert "The minutes of “Kick-off call” are open (since Mon 04 Jan 2027, 10:00 GMT" in out
    assert "/lab minutes end" in out
    assert await count(app, Minutes) == 1
    await meeting("Priya Raman", "/lab minutes end")
    out = await meeting("Gemma Rhodes", '/lab minutes start "Second call"')
    assert "== Minutes: Second call ==" in out
    assert await count(app, Minutes) == 2


async def test_a_meeting_number_needs_a_meeting(members: Console, app: App) -> None:
    out = await members("Priya Raman", "/lab minutes start #1")
    assert "Action Lab 1 has no meeting #1" in out
    assert '/lab minutes start "Kick-off call"' in out
    assert await count(app, Minutes) == 0
    out = await members("Priya Raman", "/lab minutes start")
    assert "== Minutes: Meeting of Mon 04 Jan 2027 ==" in out


@pytest.mark.parametrize("line", [
    '/lab minutes start "Mine"', "/lab minutes end", "/lab minutes edit 1 x",
    "/lab minutes drop 1", "/lab minutes export pdf",
])
async def test_members_cannot_run_the_secretary_commands(
    meeting: Console, app: App, line: str
) -> None:
    await meeting("Zoë Núñez", "/lab note Something")
    before = await count(app, AuditEntry)
    out = await meeting("Amara Okafor", line)
    assert "only Amara Okafor sees this" in out
    assert "Only the secretary and facilitators can use" in out
    assert "Ask a facilitator (Gemma Rhodes)" in out
    assert await count(app, AuditEntry) == before


async def test_the_facilitator_can_do_what_the_secretary_does(meeting: Console) -> None:
    await meeting("Zoë Núñez", "/lab note Something")
    out = await meeting("Gemma Rhodes", "/lab minutes edit 1 Something else")
    assert "now reads: Something else" in out
    out = await meeting("Gemma Rhodes", "/lab minutes export json")
    assert "[file]" in out
    out = await meeting("Gemma Rhodes", "/lab minutes end")
    assert "summary" in out


async def test_a_members_decision_is_kept_as_a_proposal_not_posted(
    meeting: Console, app: App
) -> None:
    out = await meeting("Amara Okafor", "/lab decision We publish procurement data weekly")
    assert "only Amara Okafor sees this" in out and "#lab · actionlab" not in out
    assert "Decisions are recorded by the secretary and facilitators" in out
    assert "your proposal is note 1 in the minutes of “Kick-off call”" in out
    (entry,) = await entries(app)
    assert entry.kind.value == "note"
    assert entry.text == "Proposed decision: We publish procurement data weekly"
    out = await meeting("Priya Raman", "/lab decision We publish procurement data weekly")
    assert "#lab · actionlab" in out and "*Decision 2*" in out


async def test_the_secretary_marks_someone_else_present(meeting: Console) -> None:
    out = await meeting("Priya Raman", "/lab present Zoë")
    assert "Zoë Núñez is marked present at “Kick-off call”" in out
    out = await meeting("Priya Raman", "/lab present Zoë Núñez")
    assert "Zoë Núñez is already marked present" in out
    out = await meeting("Amara Okafor", "/lab apologies me")
    assert "Recorded apologies from Amara Okafor" in out
    out = await meeting("Gemma Rhodes", "/lab present Amara")  # she came after all
    assert "Amara Okafor is marked present" in out
    out = await meeting("Priya Raman", "/lab minutes show")
    assert "Present (2): Zoë Núñez, Amara Okafor" in out
    assert "Apologies (0)" in out


async def test_a_member_cannot_mark_someone_else_present(meeting: Console, app: App) -> None:
    out = await meeting("Amara Okafor", "/lab present Zoë")
    assert "Only the secretary and facilitators can mark someone else present" in out
    assert await count(app, Attendance) == 0
    out = await meeting("Amara Okafor", "/lab present Amara")  # herself, by name
    assert "You are marked present" in out
    out = await meeting("Amara Okafor", "/lab present me")
    assert "You are already marked present" in out


async def test_people_outside_the_lab_capture_nothing(meeting: Console, app: App) -> None:
    for line in ("/lab note hi", "/lab present", ":press I'm here"):
        out = await meeting("Tom Fletcher", line)
        assert "You are not a member of the lab here yet" in out
    assert await count(app, MinuteEntry) == 0


@pytest.mark.parametrize(("line", "extra"), [
    ("/lab note Something", ""), ("/lab decision Something", ""),
    ("/lab action Amara Something", ""), ("/lab present", ""), ("/lab apologies Amara", ""),
    ("/lab minutes show", ""), ("/lab minutes end", ""),
])
async def test_capture_without_open_minutes_says_how_to_start(
    members: Console, app: App, line: str, extra: str
) -> None:
    out = await members("Priya Raman", line)
    assert "No minutes are open in Action Lab 1" in out
    assert "/lab minutes start [meeting]" in out
    assert await count(app, MinuteEntry) == 0


# --- action items ---------------------------------------------------------------------------

async def test_an_owner_who_is_not_a_member_is_refused_with_the_member_list(
    meeting: Console, app: App
) -> None:
    out = await meeting("Amara Okafor", "/lab action Bob Draft the brief")
    assert "No member of Action Lab 1 is called `Bob`" in out
    assert f"Members: Gemma Rhodes, Priya Raman, Amara Okafor, Zoë Núñez, {VIETNAMESE}, " \
        f"{ARABIC}." in out
    assert await count(app, ActionItem) == 0 and await count(app, MinuteEntry) == 0


async def test_bad_action_input(meeting: Console, app: App) -> None:
    out = await meeting("Amara Okafor", "/lab action Zoë due someday Share it")
    assert "`someday` is not a date I can read" in out
    assert "Usage: `/lab action <member> [due <date>] <text>`" in out
    out = await meeting("Amara Okafor", "/lab action Zoë due")
    assert "`due` needs a value after it" in out
    out = await meeting("Amara Okafor", "/lab action Zoë")
    assert "Missing <text>" in out
    out = await meeting("Amara Okafor", "/lab note")
    assert "Missing <text>" in out
    assert await count(app, ActionItem) == 0 and await count(app, MinuteEntry) == 0
    # After a full name typed without quotes, "due" not followed by a date is the text's.
    out = await meeting("Amara Okafor", "/lab action Zoë Núñez due diligence on the vendors")
    assert "*Action 1* for *Zoë Núñez* (Kick-off call): due diligence on the vendors" in out


async def test_a_due_date_in_the_past_asks_for_confirmation(meeting: Console, app: App) -> None:
    events = record_events(app)
    out = await meeting("Amara Okafor", "/lab action Zoë due 2026-12-01 Send the old report")
    assert "only Amara Okafor sees this" in out
    assert "The due date Tue 01 Dec 2026 (34 days overdue) is in the past" in out
    assert "[" in out and "Add with this date" in out and "Cancel" in out
    assert events == []
    async with app.ctx.uow() as uow:
        pending = (await uow.session.scalars(select(ActionItem))).unique().one()
    # Only the person who typed it can confirm it.
    other = meeting.adapter._actor("Zoë Núñez")
    reply = await app.ctx.router.dispatch(app.ctx, Action(
        other, meeting.adapter.place, f"al1:minutes.confirm:{pending.id}"))
    assert reply.text and "Only the person who typed that action" in reply.text
    # The pending action is not in the minutes, nor in anyone's list.
    out = await meeting("Zoë Núñez", "/lab actions")
    assert "None: every action item is done" in out
    out = await meeting("Amara Okafor", ":press Add with this date")
    assert "*Action 1* for *Zoë Núñez*, due Tue 01 Dec 2026 (Kick-off call)" in out
    assert [type(e) for e in events] == [ActionItemCreated]
    out = await meeting("Amara Okafor", "/lab action Zoë due 2026-12-02 Another old one")
    out = await meeting("Amara Okafor", ":press Cancel")
    assert "Cancelled: the action was not added" in out
    assert [e.number for e in await entries(app)] == [1]
    assert len(await audit(app, "minutes.action_cancelled")) == 1
    # A date in the past confirmed after the meeting ended is refused.
    await meeting("Amara Okafor", "/lab action Zoë due 2026-12-03 Late one")
    await meeting("Priya Raman", "/lab minutes end")
    out = await meeting("Amara Okafor", ":press Add with this date")
    assert "have ended, so the action was not added" in out


async def test_today_is_the_lab_day_across_the_spring_clock_change(
    meeting: Console, app: App, clock: SettableClock
) -> None:
    # 23:30 UTC on Sunday 28 March 2027 is 00:30 BST on Monday 29 March in London.
    clock.set(datetime(2027, 3, 28, 23, 30, tzinfo=UTC))
    out = await meeting("Amara Okafor", "/lab action Zoë due today Send the notes")
    assert "due Mon 29 Mar 2027" in out
    out = await meeting("Amara Okafor", "/lab action Zoë due 2027-03-28 Yesterday's")
    assert "is in the past (today is Mon 29 Mar 2027 in Europe/London)" in " ".join(out.split())


async def test_actions_list_mine_first_with_done_buttons_for_those_allowed(
    meeting: Console, app: App
) -> None:
    events = record_events(app)
    await meeting("Priya Raman", "/lab action Zoë due fri Share the survey")
    await meeting("Priya Raman", "/lab action Amara due tomorrow Draft the brief")
    await meeting("Priya Raman", f"/lab action {ARABIC} Book the room")
    out = await meeting("Amara Okafor", "/lab actions")
    assert "only Amara Okafor sees this" in out
    lines = [line for line in out.splitlines() if line.strip()[:2] in ("1.", "2.", "3.")]
    assert "Amara Okafor* (yours) · Tue 05 Jan 2027 (tomorrow)" in lines[0]
    assert "Zoë Núñez* · Fri 08 Jan 2027 (in 4 days)" in lines[1]
    assert f"{ARABIC}* · no due date" in lines[2]
    assert "Done 1" in out and "Done 2" not in out and "Done 3" not in out
    out = await meeting("Priya Raman", "/lab actions")
    assert "Done 1" in out and "Done 2" in out and "Done 3" in out
    # Someone who may not close an item is refused even with a forged button.
    async with app.ctx.uow() as uow:
        zoes = next(i for i in (await uow.session.scalars(select(ActionItem))).unique()
                    if i.owner.display_name == "Zoë Núñez")
    amara = meeting.adapter._actor("Amara Okafor")
    reply = await app.ctx.router.dispatch(app.ctx, Action(
        amara, meeting.adapter.place, f"al1:minutes.done:{zoes.id}:1"))
    assert reply.text and "Only Zoë Núñez (its owner), the secretary or a facilitator" in reply.text
    out = await meeting("Amara Okafor", "/lab actions")
    out = await meeting("Amara Okafor", ":press Done 1")
    assert "(replaces" in out and "Draft the brief" not in out
    out = await meeting("Priya Raman", "/lab actions")
    out = await meeting("Priya Raman", ":press Done 1")
    assert "Share the survey" not in out and "Book the room" in out
    assert [type(e) for e in events].count(ActionItemClosed) == 2
    assert len(await audit(app, "minutes.action_done")) == 2
    out = await meeting("Priya Raman", "/lab minutes export json")
    data = json.loads(saved_file(out).read_bytes())
    assert [a["status"] for a in data["action_items"]] == ["open", "done", "done"] or \
        sorted(a["status"] for a in data["action_items"]) == ["done", "done", "open"]


async def test_a_long_action_list_pages(meeting: Console) -> None:
    for i in range(11):
        await meeting("Priya Raman", f"/lab action Amara Task number {i:02d}")
    out = await meeting("Amara Okafor", "/lab actions")
    assert "Page 1 of 2 · 11 open items" in out and "Done 8" in out and "Done 9" not in out
    out = await meeting("Amara Okafor", ":press Next")
    assert "9." in out and "Done 11" in out and "Page 2 of 2" in out
    out = await meeting("Amara Okafor", ":press Done 9")
    assert "Page 2 of 2" in out and "10 open items" in out


async def test_home_shows_my_open_action_items(meeting: Console) -> None:
    out = await meeting("Zoë Núñez", "/lab home")
    assert "Your action items" not in out
    await meeting("Priya Raman", "/lab action Zoë due fri Share the survey")
    out = await meeting("Zoë Núñez", "/lab home")
    assert "*Your action items* (1 open)" in out
    assert "Share the survey — Action Lab 1 · Fri 08 Jan 2027 (in 4 days)" in out
    assert out.index("Your labs") < out.index("Your action items")


# --- edit and drop --------------------------------------------------------------------------------

async def test_edit_and_drop_are_kept_never_silently_lost(meeting: Console, app: App) -> None:
    events = record_events(app)
    await meeting("Zoë Núñez", "/lab note First wording")
    await meeting("Zoë Núñez", "/lab action Amara Draft the brief")
    out = await meeting("Priya Raman", "/lab minutes edit 1 Second wording")
    assert "Entry 1 of “Kick-off call” now reads: Second wording" in out
    await meeting("Priya Raman", "/lab minutes edit 1 Third wording")
    await meeting("Priya Raman", "/lab minutes edit 2 Draft the brief by Friday")
    stored = await entries(app)
    assert stored[0].text == "Third wording"
    assert [h["text"] for h in stored[0].history] == ["First wording", "Second wording"]
    edits = await audit(app, "minutes.edit")
    assert [(e.detail["before"], e.detail["after"]) for e in edits[:2]] == [
        ("First wording", "Second wording"), ("Second wording", "Third wording")]
    assert isinstance(events[-1], ActionItemUpdated)
    assert events[-1].text == "Draft the brief by Friday"

    out = await meeting("Priya Raman", "/lab minutes drop 2")
    assert "Dropped action 2" in out and "marked dropped, not deleted" in out
    assert isinstance(events[-1], ActionItemClosed)
    stored = await entries(app)
    assert len(stored) == 2 and stored[1].dropped_at is not None
    drops = await audit(app, "minutes.drop")
    assert drops[0].detail["text"] == "Draft the brief by Friday"
    out = await meeting("Priya Raman", "/lab minutes edit 2 Revive")
    assert "Entry 2 of “Kick-off call” was dropped" in out
    out = await meeting("Priya Raman", "/lab minutes drop 2")
    assert "was dropped" in out
    out = await meeting("Zoë Núñez", "/lab actions")
    assert "Draft the brief" not in out
    out = await meeting("Priya Raman", "/lab minutes export md")
    text = saved_file(out).read_text()
    assert "Third wording" in text and "Entry 2 was dropped by the secretary" in text
    assert "Draft the brief" not in text


async def test_bad_edits_change_nothing(meeting: Console, app: App) -> None:
    await meeting("Zoë Núñez", "/lab note Only entry")
    before = await count(app, AuditEntry)
    out = await meeting("Priya Raman", "/lab minutes edit 9 New")
    assert "have no entry 9. Its entries run from 1 to 1." in out
    out = await meeting("Priya Raman", "/lab minutes edit one New")
    assert "Usage: `/lab minutes edit <n> <text>`" in out
    out = await meeting("Priya Raman", "/lab minutes edit 1")
    assert "Missing <text>" in out
    out = await meeting("Priya Raman", "/lab minutes edit 1 Only entry")
    assert "already says exactly that" in out
    out = await meeting("Priya Raman", "/lab minutes drop 0")
    assert "Usage: `/lab minutes drop <n>`" in out
    assert await count(app, AuditEntry) == before


async def test_the_secretary_can_fix_the_minutes_after_the_meeting(meeting: Console) -> None:
    await meeting("Zoë Núñez", "/lab note Typo hre")
    await meeting("Priya Raman", "/lab minutes end")
    out = await meeting("Priya Raman", "/lab minutes edit 1 Typo here")
    assert "now reads: Typo here" in out
    out = await meeting("Zoë Núñez", "/lab note Too late")
    assert "No minutes are open" in out


# --- polls and votes ------------------------------------------------------------------------------

async def test_closed_polls_and_votes_become_decisions_while_minutes_are_open(
    members: Console, app: App
) -> None:
    extra = Router()

    @extra.command("fake close", summary="closes a poll and a vote", access="member")
    async def fake_close(call: Call[Any]) -> Reply:
        await call.emit(PollClosed(lab_id=call.the_lab.id, poll_id=7, title="Meeting 1",
                                   outcome="Best slot: Tue 12 Jan 14:00 UTC (6 yes)"))
        await call.emit(VoteClosed(lab_id=call.the_lab.id, vote_id=3,
                                   question="Which solution?",
                                   outcome="Research won (IRV, 3 rounds, 6 ballots)"))
        return Reply.say("closed")

    app.ctx.router.include(extra)
    await members("Gemma Rhodes", "/lab fake close")  # no minutes open: nothing recorded
    assert await count(app, MinuteEntry) == 0
    await members("Priya Raman", '/lab minutes start "Decision call"')
    await members("Gemma Rhodes", "/lab fake close")
    await members("Gemma Rhodes", "/lab fake close")  # the same poll twice: recorded once
    stored = await entries(app)
    assert [(e.number, e.kind.value, e.source.value, e.text) for e in stored] == [
        (1, "decision", "poll", "Poll “Meeting 1” closed. Best slot: Tue 12 Jan 14:00 UTC (6 yes)"),
        (2, "decision", "vote", "Vote “Which solution?” closed. Research won (IRV, 3 rounds, "
                                "6 ballots)"),
    ]
    out = await members("Priya Raman", "/lab minutes end")
    assert "Research won (IRV, 3 rounds, 6 ballots)" in out


# --- reactions ----------------------------------------------------------------------------------

async def test_a_memo_reaction_in_the_console_adds_the_message(meeting: Console, app: App
                                                                ) -> None:
    await meeting("Zoë Núñez", "We should ask the procurement office for the 2026 data")
    number = meeting.adapter._next_message - 1
    out = await meeting("Amara Okafor", f":react memo {number}")
    assert "Zoë Núñez's message is in the minutes of “Kick-off call” as note 1" in out
    out = await meeting("Priya Raman", f":react memo {number}")
    assert "already in the minutes as note 1" in out
    out = await meeting("Amara Okafor", f":react thumbsup {number}")
    assert out.strip() == ""  # other reactions are just reactions
    out = await meeting("Tom Fletcher", f":react memo {number}")
    assert "You are not a member of the lab here" in out
    stored = await entries(app)
    assert len(stored) == 1
    assert (stored[0].author_name, stored[0].source.value, stored[0].link) == (
        "Zoë Núñez", "reaction", f"console://lab/m{number}")
    assert stored[0].created_by_id is not None


async def test_a_memo_without_open_minutes_says_how_to_start(members: Console, app: App) -> None:
    await members("Zoë Núñez", "A thought")
    out = await members("Amara Okafor", f":react memo {members.adapter._next_message - 1}")
    assert "No minutes are open in Action Lab 1, so the message was not added" in out
    assert "/lab minutes start" in out


async def _platform_lab(app: App, platform: str, workspace: str, channel: str,
                        user: str) -> tuple[Actor, Place]:
    actor = Actor(platform, workspace, user, "Gemma Rhodes")  # type: ignore[arg-type]
    place = Place(platform, workspace, channel)  # type: ignore[arg-type]
    router, ctx = app.ctx.router, app.ctx
    reply = await router.dispatch(ctx, Command(actor, place, text=f'setup "{platform} lab"'))
    assert reply.card is not None and "is set up" in (reply.card.title or "")
    reply = await router.dispatch(ctx, Command(actor, place, text='minutes start "Sync"'))
    assert reply.card is not None and reply.card.title == "Minutes: Sync"
    return actor, place


@pytest.mark.parametrize(("platform", "workspace", "channel", "message_id", "link"), [
    # Slack's reaction_added names the message by channel and ts; the adapter fetches the
    # text (conversations.history) and the permalink (chat.getPermalink).
    ("slack", "T0001", "C0LAB", "1704362400.000200",
     "https://actionlab.slack.com/archives/C0LAB/p1704362400000200"),
    # Discord's MESSAGE_REACTION_ADD names guild, channel and message ids; the link is built.
    ("discord", "900000000000000001", "900000000000000002", "900000000000000099",
     "https://discord.com/channels/900000000000000001/900000000000000002/900000000000000099"),
])
async def test_reactions_as_the_platform_adapters_build_them(
    app: App, platform: str, workspace: str, channel: str, message_id: str, link: str
) -> None:
    reactor, place = await _platform_lab(app, platform, workspace, channel, "U01")
    author = Actor(platform, workspace, "U02", ARABIC)  # type: ignore[arg-type]
    message = MessageRef(platform, workspace, channel, message_id, link=link)  # type: ignore[arg-type]
    event = Reaction(reactor, place, "memo", message, author,
                     "نحتاج إلى بيانات المشتريات المفتوحة")
    reply = await app.ctx.router.dispatch(app.ctx, event)
    assert reply.private and reply.text == (
        f"{ARABIC}'s message is in the minutes of “Sync” as note 1.")
    again = await app.ctx.router.dispatch(app.ctx, event)
    assert again.text == "That message is already in the minutes as note 1."
    # A message with only a picture has no text to add.
    bare = Reaction(reactor, place, "memo", MessageRef(platform, workspace, channel, "2",  # type: ignore[arg-type]
                                                        link=None), author, "  ")
    reply = await app.ctx.router.dispatch(app.ctx, bare)
    assert reply.text and "has no text" in reply.text and "/lab note" in reply.text
    # Someone who is not in the lab cannot add to its minutes.
    stranger = Actor(platform, workspace, "U03", "Stranger")  # type: ignore[arg-type]
    reply = await app.ctx.router.dispatch(app.ctx, Reaction(stranger, place, "memo", message,
                                                            author, "text"))
    assert reply.text and "not a member" in reply.text
    stored = await entries(app)
    assert [(e.text, e.author_name, e.link, e.source_ref) for e in stored] == [(
        "نحتاج إلى بيانات المشتريات المفتوحة", ARABIC, link,
        f"{platform}:{workspace}:{channel}:{message_id}")]
    reply = await app.ctx.router.dispatch(app.ctx, Command(reactor, place,
                                                           text="minutes export html"))
    page = lxml_html.document_fromstring(reply.files[0].data.decode())
    assert page.xpath("//li[@id='entry-1']//a/@href") == [link]
    assert ARABIC in [b.text_content() for b in page.xpath("//bdi")]


# --- export -------------------------------------------------------------------------------------

async def test_export_names_minutes_and_lists_those_that_exist(members: Console) -> None:
    out = await members("Priya Raman", "/lab minutes export pdf")
    assert "No minutes have been taken in Action Lab 1 yet" in out
    await members("Priya Raman", '/lab minutes start "Kick-off call"')
    await members("Priya Raman", "/lab minutes end")
    await members("Priya Raman", '/lab minutes start "Second call"')
    out = await members("Priya Raman", "/lab minutes export #4 pdf")
    assert "No minutes match `#4` in Action Lab 1. Minutes exist for: “Kick-off call” " \
        "(Mon 04 Jan 2027, ended); “Second call” (Mon 04 Jan 2027, open)" in out
    out = await members("Priya Raman", '/lab minutes export "kick-off call" md')
    assert "The minutes of “Kick-off call” as Markdown" in out and "[file]" in out
    out = await members("Priya Raman", "/lab minutes export Kick-off call md")
    assert "The minutes of “Kick-off call” as Markdown" in out
    out = await members("Priya Raman", "/lab minutes export md")
    assert "The minutes of “Second call” as Markdown" in out and "still open" in out
    out = await members("Priya Raman", "/lab minutes export PDF")
    assert "as PDF" in out
    out = await members("Priya Raman", "/lab minutes export")
    assert "Missing <md|html|pdf|docx|json>" in out
    out = await members("Priya Raman", "/lab minutes export xls")
    assert "Say which format: md, html, pdf, docx, json (you gave `xls`)" in out


async def test_the_command_line_exports_too(meeting: Console, app: App, tmp_path: Path,
                                            settings: Any) -> None:
    await meeting("Zoë Núñez", f"/lab action {ARABIC} Draft the brief")
    await meeting("Priya Raman", "/lab minutes end")
    url = settings.database_url.get_secret_value()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=tmp_path,
            timeout=120, env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)})

    out = tmp_path / "exports"
    out.mkdir()
    proc = await asyncio.to_thread(cli, "minutes", "export", "--lab", "Action Lab 1",
                                   "--meeting", "Kick-off call", "--format", "json",
                                   "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    written = out / "minutes-action-lab-1-kick-off-call-2027-01-04.json"
    assert f"wrote {written}" in proc.stdout
    data = json.loads(written.read_bytes())
    jsonschema.validate(data, schema(), format_checker=jsonschema.FormatChecker())
    assert data["action_items"][0]["owner"] == ARABIC
    proc = await asyncio.to_thread(cli, "minutes", "export", "--lab", "1", "--format", "pdf",
                                   "--out", str(tmp_path / "m.pdf"))
    assert proc.returncode == 0, proc.stderr
    assert ARABIC in PdfReader(tmp_path / "m.pdf").pages[0].extract_text()
    proc = await asyncio.to_thread(cli, "minutes", "export", "--lab", "Nope", "--format", "md",
                                   "--out", str(out))
    assert proc.returncode == 1 and "There is no lab `Nope`. Labs: 1 (Action Lab 1)." in \
        proc.stderr
    proc = await asyncio.to_thread(cli, "minutes", "export", "--lab", "Action Lab 1",
                                   "--meeting", "#3", "--format", "md", "--out", str(out))
    assert proc.returncode == 1 and "Minutes exist for: “Kick-off call”" in proc.stderr
    proc = await asyncio.to_thread(cli, "minutes", "export", "--lab", "Action Lab 1",
                                   "--format", "xls", "--out", str(out))
    assert proc.returncode == 2 and "invalid choice: 'xls'" in proc.stderr


# --- the database keeps the rules ---------------------------------------------------------------

async def test_numbers_are_never_reused_after_a_drop(meeting: Console, app: App) -> None:
    await meeting("Zoë Núñez", "/lab note One")
    await meeting("Zoë Núñez", "/lab note Two")
    await meeting("Priya Raman", "/lab minutes drop 2")
    out = await meeting("Zoë Núñez", "/lab note Three")
    assert "Added note 3" in out


async def test_the_minutes_card_survives_a_stale_button(meeting: Console, clock: SettableClock
                                                        ) -> None:
    await meeting("Priya Raman", "/lab minutes end")
    clock.advance(timedelta(minutes=5))
    out = await meeting("Amara Okafor", ":press I'm here")
    assert "The minutes of “Kick-off call” have ended" in out


async def test_typed_options_as_discord_sends_them(meeting: Console, app: App) -> None:
    """Discord sends typed options, not text; the same argument models read them."""
    priya = meeting.adapter._actor("Priya Raman")
    place = meeting.adapter.place
    router, ctx = app.ctx.router, app.ctx
    reply = await router.dispatch(ctx, Command(priya, place, name="action", options={
        "member": "Zoë Núñez", "due": "fri", "text": "Share the survey"}))
    assert reply.card is not None
    assert "*Action 1* for *Zoë Núñez*, due Fri 08 Jan 2027" in reply.card.blocks[0].text  # type: ignore[union-attr]
    reply = await router.dispatch(ctx, Command(priya, place, name="minutes export",
                                               options={"format": "docx"}))
    assert reply.files and reply.files[0].name.endswith(".docx") and reply.private
    reply = await router.dispatch(ctx, Command(priya, place, name="minutes export", options={
        "meeting": "Kick-off call", "format": "json"}))
    assert reply.files and json.loads(reply.files[0].data)["action_items"][0]["owner"] == \
        "Zoë Núñez"
    reply = await router.dispatch(ctx, Command(priya, place, name="minutes export",
                                               options={"meeting": "Nope", "format": "md"}))
    assert reply.text and "Minutes exist for: “Kick-off call”" in reply.text


async def test_help_explains_the_minutes(meeting: Console) -> None:
    out = await meeting("Amara Okafor", "/lab help minutes")
    for usage in ("/lab minutes start [<meeting>]", "/lab minutes end",
                  "/lab minutes edit <n> <text>", "/lab minutes drop <n>",
                  "/lab minutes export [<meeting>] <md|html|pdf|docx|json>",
                  "/lab note <text>", "/lab decision <text>",
                  "/lab action <member> [due <date>] <text>", "/lab present",
                  "/lab apologies <member>", "/lab minutes actions"):
        assert usage in out, usage
    out = await meeting("Amara Okafor", "/lab minutes")
    assert "`/lab minutes` is not a command" in out and "/lab minutes start" in out


async def test_long_edits_stay_readable_in_the_audit_log(meeting: Console, app: App) -> None:
    long = "long words " * 500
    await meeting("Zoë Núñez", f"/lab note {long}")
    await meeting("Priya Raman", "/lab minutes edit 1 short")
    await meeting("Priya Raman", f"/lab minutes edit 1 {long}")
    await meeting("Priya Raman", "/lab minutes drop 1")
    out = await meeting("Gemma Rhodes", "/lab audit")
    assert "Priya Raman edited entry 1 of the minutes of “Kick-off call”." in out
    assert "Priya Raman dropped entry 1 of the minutes of “Kick-off call”." in out
    assert "Something went wrong" not in out
    stored = (await entries(app))[0]
    assert [h["text"] for h in stored.history] == [long.strip(), "short"]  # whole, in order
    assert stored.text == long.strip() and stored.dropped_at is not None


async def test_minutes_titles_autocomplete(meeting: Console, app: App) -> None:
    await meeting("Priya Raman", "/lab minutes end")
    await meeting("Priya Raman", '/lab minutes start "Second call"')
    router, ctx = app.ctx.router, app.ctx
    actor, place = meeting.adapter._actor("Priya Raman"), meeting.adapter.place
    assert await router.complete(ctx, actor, place, "minutes", "") == [
        ("“Second call”", "Second call"), ("“Kick-off call”", "Kick-off call")]
    assert await router.complete(ctx, actor, place, "minutes", "kick") == [
        ("“Kick-off call”", "Kick-off call")]


async def test_minutes_of_a_scheduled_meeting_carry_its_number(lab: Console, app: App) -> None:
    """`/lab minutes start #1` finds the lab's meeting #1; with no argument, the one under way."""
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    await lab("Gemma Rhodes", '/lab poll new "Meeting 1" slots 2027-01-11T09:00,2027-01-12T14:00')
    out = await lab("Gemma Rhodes", "/lab poll pick 1 1")
    assert "Meeting 1" in out
    out = await lab("Priya Raman", "/lab minutes start #7")
    assert "has no meeting #7" in out
    out = await lab("Priya Raman", "/lab minutes start #1")
    assert "== Minutes: Meeting 1 ==" in out
    await lab("Priya Raman", "/lab minutes end")
    out = await lab("Priya Raman", "/lab minutes export #1 json")
    assert "[file]" in out
    async with app.ctx.uow() as uow:
        (minutes,) = await uow.minutes.of_lab(1)
        assert minutes.meeting_number == 1 and minutes.meeting_id is not None
