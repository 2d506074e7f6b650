"""Availability polls and meetings on Discord, end to end: the real discord.py client and the
real polls and meetings features against the fake Discord, asserted on what the bot sends."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from bot.bootstrap import App
from bot.domain.availability import Answer
from fakes import discord_payloads as p
from fakes.discord_api import CHANNEL_ID
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.helpers import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    MODAL,
    UPDATE_MESSAGE,
    body,
    controls,
    file_names,
    lab,
    person_id,
    posted,
    private,
    text_of,
    title,
)

# Two days of slots, 09:00-18:00 London: 9 one-hour slots a day, 18 in all. The clock
# stands at Monday 4 January 2027, 10:00 UTC.
FORM = {"title": "Meeting 1", "dates": "2027-01-11..2027-01-12", "days": "mon-fri",
        "window": "09:00-18:00", "tz": "Europe/London"}
FIRST_SLOT = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


async def answers(app: App, who: tuple[int, str]) -> dict[int, Answer]:
    """Slot number -> answer, as the database holds them."""
    pid = await person_id(app, who)
    async with app.ctx.uow() as uow:
        slots = {s.id: s.number for s in await uow.polls.slots(1)}
        found = await uow.polls.answers_of(1, pid)
    return {slots[slot_id]: answer for slot_id, answer in found.items()}


async def test_poll_new_without_options_opens_the_form_whose_submit_opens_the_poll(
    bot: Bot, app: App
) -> None:
    await lab(bot)
    rec = await bot.send(p.slash(p.GEMMA, "poll", "new"))
    assert rec.json["type"] == MODAL
    modal = rec.json["data"]
    assert modal["custom_id"] == "al1:form:poll.new"
    inputs = {row["components"][0]["custom_id"]: row["components"][0]
              for row in modal["components"]}
    assert list(inputs) == ["title", "dates", "days", "window", "tz"]
    assert inputs["window"]["value"] == "09:00-18:00"  # the lab's defaults, filled in
    assert inputs["tz"]["value"] == "Europe/London"
    # A form with a mistake: a private explanation, and no poll.
    rec = await bot.send(p.modal_submit(p.GEMMA, "al1:form:poll.new",
                                        FORM | {"window": "18:00-09:00"}))
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    assert "18:00-09:00" in text_of(rec)
    await bot.send(p.modal_submit(p.GEMMA, "al1:form:poll.new", FORM))
    # The card is posted in the lab's channel as a message of its own, to be redrawn.
    card = await posted(bot, "Poll #1: Meeting 1")
    # Times on a card everyone sees are Discord timestamps: each reader's client shows them
    # in their own zone.
    assert f"<t:{int(FIRST_SLOT.timestamp())}:F>" in text_of(card)
    assert [c["label"] for c in controls(card)] == ["Answer", "Results"]
    async with app.ctx.uow() as uow:
        poll = await uow.polls.by_number(1, 1)
        assert poll is not None and poll.title == "Meeting 1"
        assert len(await uow.polls.slots(poll.id)) == 18


async def test_answering_with_the_day_by_day_card(bot: Bot, app: App) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "poll", "new"))
    submit = p.modal_submit(p.GEMMA, "al1:form:poll.new", FORM)
    await bot.send(submit)
    card = copy.deepcopy(await posted(bot, "Poll #1: Meeting 1"))
    answer = p.find_control(card, "Answer")
    assert answer["custom_id"] == "al1:poll.open:1"

    # Amara, in Lagos, opens her own card: private, the first day, in her zone.
    press = p.component(p.AMARA, card, answer["custom_id"])
    rec = await bot.send(press)
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    assert title(rec) == "Poll #1: Meeting 1 · Mon 11 Jan"
    text = text_of(rec)
    assert "`#1` 10:00–11:00 WAT" in text  # 09:00 London is 10:00 in Lagos
    assert "Times in your zone, Africa/Lagos (WAT)" in text
    mine = bot.message(press)
    selects = [c for c in controls(mine) if c["type"] == 3]
    assert [s["custom_id"] for s in selects] == [
        "al1:poll.mark:1:1:yes", "al1:poll.mark:1:1:maybe", "al1:poll.mark:1:1:no"]
    assert all(s["max_values"] == 9 and len(s["options"]) == 9 for s in selects)
    labels = [c.get("label") for c in controls(mine) if c["type"] == 2]
    assert labels == ["All yes", "All if need be", "All no", "Next day ▶", "Results"]

    # Slots 1 and 2 yes, 3 if need be, with the multi-selects; the card updates in place.
    rec = await bot.send(p.component(p.AMARA, mine, "al1:poll.mark:1:1:yes", ["1", "2"]))
    assert rec.json["type"] == UPDATE_MESSAGE
    assert "`#1` 10:00–11:00 WAT — **yes**" in text_of(rec)
    rec = await bot.send(p.component(p.AMARA, bot.message(press), "al1:poll.mark:1:1:maybe",
                                     ["3"]))
    assert rec.json["type"] == UPDATE_MESSAGE and "You have answered 3 of 18" in text_of(rec)
    assert await answers(app, p.AMARA) == {1: Answer.YES, 2: Answer.YES, 3: Answer.MAYBE}

    # The next day, and "All no" for all of it.
    nxt = p.find_control(bot.message(press), "Next day")
    rec = await bot.send(p.component(p.AMARA, bot.message(press), nxt["custom_id"]))
    assert rec.json["type"] == UPDATE_MESSAGE and "Tue 12 Jan" in title(rec)
    all_no = p.find_control(bot.message(press), "All no")
    assert all_no["custom_id"] == "al1:poll.all:1:2:no"
    rec = await bot.send(p.component(p.AMARA, bot.message(press), all_no["custom_id"]))
    assert rec.json["type"] == UPDATE_MESSAGE and "You have answered 12 of 18" in text_of(rec)
    got = await answers(app, p.AMARA)
    assert [got[n] for n in range(10, 19)] == [Answer.NO] * 9 and len(got) == 12

    # Nobody else's answers changed, and the public card still offers the same button.
    assert await answers(app, p.ZOE) == {}
    zoe = p.component(p.ZOE, card, answer["custom_id"])
    rec = await bot.send(zoe)
    assert "`#1` 06:00–07:00" in text_of(rec)  # São Paulo, three hours behind London
    all_yes = p.find_control(bot.message(zoe), "All yes")
    await bot.send(p.component(p.ZOE, bot.message(zoe), all_yes["custom_id"]))
    assert sorted(await answers(app, p.ZOE)) == list(range(1, 10))


async def test_answering_by_text_and_the_results_with_the_heat_map(bot: Bot, app: App
                                                                   ) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "poll", "new"))
    await bot.send(p.modal_submit(p.GEMMA, "al1:form:poll.new", FORM))
    rec = await bot.send(p.slash(p.AMARA, "poll", "answer", poll="1", slots="1-4",
                                 answer="yes"))
    assert private(rec) and "**Yes** to 4 slots of poll #1" in text_of(rec)
    rec = await bot.send(p.slash(p.ZOE, "poll", "answer", poll="1", slots="2,3",
                                 answer="maybe"))
    assert private(rec)
    ask = p.slash(p.GEMMA, "poll", "results", poll="1")
    await bot.fake.interact(ask)
    sent = await results_message(bot, ask)
    assert private(sent)
    assert "Results of poll #1: Meeting 1" in text_of(sent)
    assert file_names(sent) == ["poll-1-heat-map.png"]
    picture = dict(sent.files)["poll-1-heat-map.png"]
    assert picture.startswith(b"\x89PNG")
    (attachment,) = body(sent)["attachments"]
    assert attachment["description"].startswith("Heat map of poll #1 (Meeting 1)")
    assert "yes: Amara Okafor" in text_of(sent)
    # Paging the results replaces the card and keeps the heat map on the message.
    results = bot.message(ask)
    nxt = p.find_control(results, "Next")
    assert nxt["custom_id"] == "al1:poll.results_page:1:2"
    rec = await bot.send(p.component(p.GEMMA, results, nxt["custom_id"]))
    assert rec.json["type"] == UPDATE_MESSAGE and "Page 2 of 2" in text_of(rec)
    assert "attachments" not in rec.json["data"] and not rec.files
    assert [a["filename"] for a in bot.message(ask)["attachments"]] == [
        "poll-1-heat-map.png"]


async def results_message(bot: Bot, ask: dict[str, object]):  # type: ignore[no-untyped-def]
    """The request that carried the results: the callback, or the edit after a defer."""
    rec = await bot.fake.callback(int(str(ask["id"])))
    if rec.files:
        return rec
    return await bot.fake.wait_for(
        lambda r: r.method == "PATCH" and r.path.endswith(f"{ask['token']}/messages/@original")
        and bool(r.files))


async def test_poll_pick_announces_the_meeting_with_timestamps_and_the_invite(
    bot: Bot, app: App
) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "poll", "new"))
    await bot.send(p.modal_submit(p.GEMMA, "al1:form:poll.new", FORM))
    rec = await bot.send(p.autocomplete(p.GEMMA, ("poll", "pick"), "poll", poll=""))
    assert rec.json == {"type": AUTOCOMPLETE_RESULT, "data": {"choices": [
        {"name": "#1 Meeting 1 (open)", "value": "1"}]}}
    start = len(bot.fake.requests)
    rec = await bot.send(p.slash(p.GEMMA, "poll", "pick", poll="1", slot="3"))
    assert private(rec) and "Scheduled" in text_of(rec) and "Meeting 1" in text_of(rec)
    posts = [r for r in bot.fake.requests[start:]
             if r.method == "POST" and r.path == f"channels/{CHANNEL_ID}/messages"]
    announced = next(r for r in posts if "Meeting scheduled" in text_of(r))
    slot3 = int(datetime(2027, 1, 11, 11, 0, tzinfo=UTC).timestamp())
    assert f"<t:{slot3}:F>" in text_of(announced) and f"<t:{slot3}:R>" in text_of(announced)
    assert file_names(announced) == ["meeting-1.ics"]
    ics = dict(announced.files)["meeting-1.ics"].decode()
    assert "BEGIN:VCALENDAR" in ics and "DTSTART:20270111T110000Z" in ics
    # Each member's local time, named: the card is public, so times on it name the zone.
    assert "Amara Okafor: Mon 11 Jan 2027, 12:00 WAT (Africa/Lagos)" in text_of(announced)
    # A card alone: no stray text above the embed (discord.py writes a missing text as "...").
    assert announced.json.get("content") is None
    closed = next(r for r in posts if "Poll #1 closed" in text_of(r))
    assert not closed.files
    rec = await bot.send(p.autocomplete(p.GEMMA, ("meeting", "cancel"), "meeting",
                                        meeting="meet"))
    assert [c["value"] for c in rec.json["data"]["choices"]] == ["1"]
    # The poll card's Answer button, after the poll closed, and for someone not in the lab.
    card = next(m for m in bot.fake.messages.values() if m["embeds"] and m["embeds"][0].get(
        "title") == "Poll #1: Meeting 1")
    rec = await bot.send(p.component(p.AMARA, card, "al1:poll.open:1"))
    assert private(rec) and "answers can no longer change" in text_of(rec)
    rec = await bot.send(p.component(p.TOM, card, "al1:poll.open:1"))
    assert private(rec) and "You are not a member of the lab here" in text_of(rec)


async def test_home_in_a_direct_message_lists_what_is_waiting(bot: Bot) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "poll", "new", title="Meeting 1",
                           dates="2027-01-11..2027-01-12"))
    new = p.slash(p.GEMMA, "vote", "new", question="Which solution?",
                  options='"Research" "Case studies"')
    await bot.send(new)
    preview = bot.message(new)  # opened from its private preview
    await bot.send(p.component(p.GEMMA, preview,
                               p.find_control(preview, "Open the vote")["custom_id"]))
    await bot.send(p.slash(p.GEMMA, "poll", "pick", poll="1", slot="3"))
    rec = await bot.send(p.slash(p.AMARA, "home", guild=False))
    assert private(rec) and title(rec) == "Hello, Amara Okafor"
    text = text_of(rec)
    assert "**Votes to rank**" in text and "Which solution?" in text
    assert "**Your next meetings**" in text and "Mon 11 Jan 2027, 12:00 WAT" in text


async def test_a_refused_form_comes_back_with_a_button_that_reopens_it_filled(
    bot: Bot, app: App
) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "poll", "new"))
    # Discord cannot answer a form with a form: the refusal is private, and a follow-up
    # carries "Fix the form".
    typed = FORM | {"title": "Meeting with a long title " + "x" * 80,
                    "window": "18:00-09:00"}
    submit = p.modal_submit(p.GEMMA, "al1:form:poll.new", typed)
    rec = await bot.send(submit)
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    assert "18:00-09:00" in text_of(rec)
    # The follow-up comes after the answer: wait for it (not for a guessed delay).
    await bot.fake.wait_for(lambda r: r.method == "POST" and r.path == (
        f"webhooks/{submit['application_id']}/{submit['token']}"))
    follow = [bot.fake.messages[m] for m in bot.fake.followups[int(submit["id"])]]
    fix = [m for m in follow if any(c.get("label") == "Fix the form" for c in controls(m))]
    assert len(fix) == 1 and int(fix[0].get("flags") or 0) & 64  # private too
    button = p.find_control(fix[0], "Fix the form")
    # What was typed is in the database, not in the button's id (100 characters at most).
    assert button["custom_id"].startswith("al1:form.reopen:")
    assert "18:00" not in button["custom_id"] and len(button["custom_id"]) < 40
    async with app.ctx.uow() as uow:
        assert await uow.polls.by_number(1, 1) is None
    # Someone else pressing it gets nothing of the draft.
    rec = await bot.send(p.component(p.AMARA, fix[0], button["custom_id"]))
    assert rec.json["type"] != MODAL and private(rec)
    # Its owner gets the same form back, every field as typed.
    rec = await bot.send(p.component(p.GEMMA, fix[0], button["custom_id"]))
    assert rec.json["type"] == MODAL
    modal = rec.json["data"]
    assert modal["custom_id"] == "al1:form:poll.new"
    values = {row["components"][0]["custom_id"]: row["components"][0].get("value")
              for row in modal["components"]}
    assert values == typed
    # Corrected and sent, it opens the poll.
    await bot.send(p.modal_submit(p.GEMMA, "al1:form:poll.new",
                                  typed | {"window": "09:00-18:00"}))
    await posted(bot, f"Poll #1: {typed['title']}")
