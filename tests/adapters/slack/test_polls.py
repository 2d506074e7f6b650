"""Availability polls and meetings on Slack, end to end: the real polls feature behind the
real AsyncApp, over signed HTTP, against the fake Web API; assertions on the JSON sent."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from sqlalchemy import func, select

from bot.bootstrap import App
from bot.domain.availability import Answer
from fakes.slack_api import Call
from storage.models import InboxEntry, Poll, PollAnswer
from tests.adapters.slack.blockkit import (
    AGO,
    LONG,
    actions,
    audits,
    blocks_of,
    button,
    context,
    date,
    header,
    image,
    multi,
    option,
    plain,
    section,
    utc,
)
from tests.adapters.slack.conftest import Slack

# Mon 11 and Tue 12 Jan 2027, 13:00-15:00 London (= UTC in winter): four hourly slots.
SMALL = "poll new Meeting 1 2027-01-11..2027-01-12 window 13:00-15:00"
CLOSES = utc(2027, 1, 10, 13)  # 24 hours before the first slot


async def answers(app: App, user: str) -> dict[int, Answer]:
    """Slot number -> the answer this Slack user recorded in poll #1."""
    async with app.ctx.uow() as uow:
        person = await uow.people.by_identity("slack", "T1", user)
        poll = await uow.polls.by_number(1, 1)
        assert person is not None and poll is not None
        numbers = {s.id: s.number for s in await uow.polls.slots(poll.id)}
        return {numbers[k]: v for k, v in (await uow.polls.answers_of(poll.id, person.id)).items()}


async def answer_rows(app: App) -> int:
    async with app.ctx.uow() as uow:
        return int(await uow.session.scalar(select(func.count(PollAnswer.id))) or 0)


def lagos_options(day: str, first: int, answered: dict[int, str] | None = None) -> list[dict]:
    """The two slots of one day, as Amara (Africa/Lagos, 14:00 and 15:00 WAT) sees them."""
    said = answered or {}
    return [option(f"#{n} {day} {hour}:00 WAT", str(n), said.get(n, "not answered"))
            for n, hour in ((first, 14), (first + 1, 15))]


async def open_small_poll(lab: Slack) -> Call:
    await lab.command("UGEMMA", SMALL)
    # The card is posted in the lab's channel (and remembered, to be redrawn as answers come).
    card = (await lab.fake.wait_for("chat.postMessage"))[-1]
    lab.fake.clear()
    return card


# --- opening a poll ---------------------------------------------------------------------------


async def test_poll_new_alone_opens_the_guided_form_and_its_submission_opens_the_poll(
    lab: Slack, slack_app: App,
) -> None:
    body = lab.command_body("UGEMMA", "poll new")
    sent = await lab.post(urlencode(body).encode(), "application/x-www-form-urlencoded")
    assert (sent.status, sent.body) == (200, "")
    assert lab.fake.methods() == ["views.open"]  # a form, and nothing said in the channel
    opened = lab.fake.last("views.open")
    assert opened.args["trigger_id"] == body["trigger_id"]

    def field(name: str, label: str, max_length: int, *, placeholder: str = "",
              initial: str = "") -> dict:
        element: dict = {"type": "plain_text_input", "action_id": name, "multiline": False,
                         "max_length": max_length}
        if initial:
            element["initial_value"] = initial
        if placeholder:
            element["placeholder"] = plain(placeholder)
        return {"type": "input", "block_id": name, "optional": False, "label": plain(label),
                "element": element}

    view = opened.args["view"]
    assert view == {
        "type": "modal", "callback_id": "al1:form:poll.new",
        "title": plain("New availability poll"), "submit": plain("Open poll"),
        "close": plain("Cancel"),
        "blocks": [
            field("title", "Title", 200, placeholder="Meeting 1"),
            field("dates", "Dates, from..to", 30, placeholder="2027-01-11..2027-01-22"),
            field("days", "Days", 32, initial="mon-fri"),
            field("window", "Window (HH:MM-HH:MM)", 11, initial="09:00-18:00"),
            field("tz", "Time zone of the window", 64, initial="Europe/London"),
        ],
        "private_metadata": json.dumps({"c": "C1", "r": body["response_url"]}),
    }
    lab.fake.clear()
    sent = await lab.interact(lab.submission("UGEMMA", view, {
        "title": "Meeting 1", "dates": "2027-01-11..2027-01-12", "days": "mon-fri",
        "window": "13:00-15:00", "tz": "Europe/London"}))
    assert (sent.status, sent.body) == (200, "")  # the modal closes at once
    # Posted in the channel where it opened, as a message the bot can redraw later.
    card = (await lab.fake.wait_for("chat.postMessage"))[-1]
    assert card.args["channel"] == "C1"
    assert card.args["text"] == "Poll #1: Meeting 1"
    first, last = utc(2027, 1, 11, 13), utc(2027, 1, 12, 14)
    assert blocks_of(card) == [
        header("Poll #1: Meeting 1"),
        section(
            f"*4 slots* of 60 minutes, from {date(first, LONG, 'Mon 11 Jan 2027, 13:00 UTC')}"
            f" to {date(last, LONG, 'Tue 12 Jan 2027, 14:00 UTC')}, within 13:00-15:00 "
            "Europe/London.\nAnswer each slot *yes*, *if need be* or *no*: you will see every "
            "slot in your own time zone. Closes "
            f"{date(CLOSES, LONG, 'Sun 10 Jan 2027, 13:00 UTC')} "
            f"({date(CLOSES, AGO, 'Sun 10 Jan 2027, 13:00 UTC')})."),
        context("Required: Gemma. *Results* shows who has answered so far. By text: "
                "`/lab poll answer 1 3,5-7 yes`."),
        actions(button("Answer", "al1:poll.open:1", "primary"),
                button("Results", "al1:poll.results:1:1")),
    ]
    async with slack_app.ctx.uow() as uow:
        poll = await uow.polls.by_number(1, 1)
        assert poll is not None and poll.status == "open" and poll.timezone == "Europe/London"
        assert [s.starts_at.hour for s in await uow.polls.slots(poll.id)] == [13, 14, 13, 14]


async def test_a_mistake_in_the_form_keeps_the_modal_open_with_the_error_under_its_field(
    lab: Slack, slack_app: App,
) -> None:
    body = lab.command_body("UGEMMA", "poll new")
    await lab.post(urlencode(body).encode(), "application/x-www-form-urlencoded")
    view = lab.fake.last("views.open").args["view"]
    lab.fake.clear()
    typed = {"title": "Meeting 1", "dates": "2027-01-11..2027-01-12", "days": "mon-fri",
             "window": "13:00-15:00", "tz": "Mars/Olympus"}
    sent = await lab.interact(lab.submission("UGEMMA", view, typed))
    # Answered within Slack's 3 seconds: the modal stays open, the error under the zone.
    assert sent.status == 200 and sent.elapsed < 3.0
    assert sent.json["response_action"] == "errors"
    assert list(sent.json["errors"]) == ["tz"]
    assert "Mars/Olympus" in sent.json["errors"]["tz"]
    assert "Usage:" not in sent.json["errors"]["tz"]
    assert lab.fake.methods() == []  # nothing said, nothing posted
    async with slack_app.ctx.uow() as uow:
        assert int(await uow.session.scalar(select(func.count(Poll.id))) or 0) == 0
        # Not even recorded in the inbox: there is nothing to carry out.
        assert int(await uow.session.scalar(select(func.count(InboxEntry.id)).where(
            InboxEntry.kind == "form")) or 0) == 0
    # The same modal, corrected and sent again, opens the poll.
    sent = await lab.interact(lab.submission("UGEMMA", view, {**typed, "tz": "Europe/London"}))
    assert (sent.status, sent.body) == (200, "")
    card = (await lab.fake.wait_for("chat.postMessage"))[-1]
    assert card.args["text"] == "Poll #1: Meeting 1"


async def test_a_mistake_only_the_command_finds_is_told_privately_and_opens_nothing(
    lab: Slack, slack_app: App,
) -> None:
    # A member who is not a facilitator: not the form's fault, so not kept open; the
    # refusal comes privately after the ack, as before.
    body = lab.command_body("UGEMMA", "poll new")
    await lab.post(urlencode(body).encode(), "application/x-www-form-urlencoded")
    view = lab.fake.last("views.open").args["view"]
    sent = await lab.interact(lab.submission("UAMARA", view, {
        "title": "Meeting 1", "dates": "2027-01-11..2027-01-12", "days": "mon-fri",
        "window": "13:00-15:00", "tz": "Europe/London"}))
    assert (sent.status, sent.body) == (200, "")
    refusal = lab.fake.last("response_url")
    assert refusal.args["response_type"] == "ephemeral"
    assert "Only facilitators" in refusal.args["text"]
    async with slack_app.ctx.uow() as uow:
        assert int(await uow.session.scalar(select(func.count(Poll.id))) or 0) == 0


async def test_the_one_line_form_opens_the_poll_for_everyone(lab: Slack) -> None:
    await lab.command("UGEMMA", 'poll new "Meeting 1" 2027-01-11..2027-01-22 days mon-fri '
                                "window 09:00-18:00 tz Europe/London length 60m step 60m "
                                "closes 2027-01-08 17:00")
    assert lab.fake.of("views.open") == []
    card = (await lab.fake.wait_for("chat.postMessage"))[-1]
    assert card.args["channel"] == "C1"
    blocks = blocks_of(card)
    assert blocks[0] == header("Poll #1: Meeting 1")
    closes, first = utc(2027, 1, 8, 17), utc(2027, 1, 11, 9)
    assert blocks[1]["text"]["text"].startswith(
        f"*90 slots* of 60 minutes, from {date(first, LONG, 'Mon 11 Jan 2027, 09:00 UTC')}")
    assert blocks[1]["text"]["text"].endswith(
        f"Closes {date(closes, LONG, 'Fri 08 Jan 2027, 17:00 UTC')} "
        f"({date(closes, AGO, 'Fri 08 Jan 2027, 17:00 UTC')}).")


# --- answering ---------------------------------------------------------------------------------


async def test_the_answer_button_opens_a_private_card_day_by_day_and_the_menus_record_answers(
    lab: Slack, slack_app: App,
) -> None:
    card = await open_small_poll(lab)
    await lab.click("UAMARA", card, "Answer", ephemeral=False)
    mine = lab.fake.last("response_url")
    assert lab.answer_to[mine.args["url_token"]] == "UAMARA"
    assert (mine.args["response_type"], mine.args["replace_original"]) == ("ephemeral", False)
    assert mine.args["text"] == "Poll #1: your answers"
    day1 = lagos_options("Mon 11 Jan", 1)
    assert blocks_of(mine) == [
        header("Poll #1: Meeting 1 · Mon 11 Jan"),
        section("`#1` 14:00–15:00 WAT — _not answered_\n`#2` 15:00–16:00 WAT — _not answered_"),
        context("Times in your zone, Africa/Lagos (WAT). Day 1 of 2. You have answered 0 of 4 "
                f"slots. Closes {date(CLOSES, AGO, 'Sun 10 Jan 2027, 13:00 UTC')}."),
        actions(multi("al1:poll.mark:1:1:yes", "Yes: choose slots", day1)),
        actions(multi("al1:poll.mark:1:1:maybe", "If need be: choose slots", day1)),
        actions(multi("al1:poll.mark:1:1:no", "No: choose slots", day1)),
        actions(button("All yes", "al1:poll.all:1:1:yes"),
                button("All if need be", "al1:poll.all:1:1:maybe"),
                button("All no", "al1:poll.all:1:1:no")),
        actions(button("Next day ▶", "al1:poll.page:1:2"),
                button("Results", "al1:poll.results:1:1")),
    ]
    # Both slots of Monday in the "Yes" menu: the card is replaced, privately.
    await lab.click("UAMARA", mine, "Yes: choose slots", choose=["1", "2"])
    updated = lab.fake.last("response_url")
    assert (updated.args["response_type"], updated.args["replace_original"]) == (
        "ephemeral", True)
    assert blocks_of(updated)[1] == section(
        "`#1` 14:00–15:00 WAT — *yes*\n`#2` 15:00–16:00 WAT — *yes*")
    assert blocks_of(updated)[3] == actions(multi(
        "al1:poll.mark:1:1:yes", "Yes: choose slots", lagos_options(
            "Mon 11 Jan", 1, {1: "yes", 2: "yes"})))
    assert await answers(slack_app, "UAMARA") == {1: Answer.YES, 2: Answer.YES}
    # Slot 2 changes to "no"; Tuesday, on the next page, is all "if need be".
    await lab.click("UAMARA", updated, "No: choose slots", choose=["2"])
    await lab.click("UAMARA", lab.fake.last("response_url"), "Next day ▶")
    day2 = lab.fake.last("response_url")
    assert day2.args["replace_original"] is True
    assert blocks_of(day2)[0] == header("Poll #1: Meeting 1 · Tue 12 Jan")
    await lab.click("UAMARA", day2, "All if need be")
    done = lab.fake.last("response_url")
    assert "You have answered 4 of 4 slots." in blocks_of(done)[2]["elements"][0]["text"]
    assert await answers(slack_app, "UAMARA") == {
        1: Answer.YES, 2: Answer.NO, 3: Answer.MAYBE, 4: Answer.MAYBE}
    # Nothing of it reached the channel: the public card stays as it was.
    assert lab.fake.of("chat.postMessage") == []
    assert all(c.args["response_type"] == "ephemeral" for c in lab.fake.of("response_url"))


async def test_a_repeated_click_never_records_an_answer_twice(lab: Slack, slack_app: App) -> None:
    card = await open_small_poll(lab)
    await lab.click("UZOE", card, "Answer", ephemeral=False)
    mine = lab.fake.last("response_url")
    # Slack delivering the same press again (a retry), then a double click on "All yes".
    press = lab.block_actions("UZOE", mine, "All yes", action_ts="500.1")
    await lab.interact(press)
    await lab.interact(press)
    await lab.interact(lab.block_actions("UZOE", mine, "All yes", action_ts="500.3"))
    assert await audits(slack_app, "poll.answered") == 1
    assert await answer_rows(slack_app) == 2
    assert len([c for c in lab.fake.of("response_url") if c.args["replace_original"]]) == 1
    # The same for a menu: one choice, sent twice.
    choice = lab.block_actions("UZOE", mine, "No: choose slots", choose=["1"],
                               action_ts="501.1")
    await lab.interact(choice)
    await lab.interact(choice)
    assert await audits(slack_app, "poll.answered") == 2
    assert await answers(slack_app, "UZOE") == {1: Answer.NO, 2: Answer.YES}


async def test_a_closed_poll_says_so_privately(lab: Slack) -> None:
    card = await open_small_poll(lab)
    await lab.command("UGEMMA", "poll close 1")
    await lab.click("UAMARA", card, "Answer", ephemeral=False)
    refusal = lab.fake.last("response_url")
    assert refusal.args["response_type"] == "ephemeral"
    assert refusal.args["text"].startswith("Poll #1 (Meeting 1) closed on ")
    assert "answers can no longer change" in refusal.args["text"]


# --- results and the meeting ---------------------------------------------------------------------


async def test_results_upload_the_heat_map_and_show_it_in_an_image_block(
    lab: Slack, slack_app: App,
) -> None:
    card = await open_small_poll(lab)
    await lab.command("UAMARA", "poll answer 1 1,2 yes")
    lab.fake.clear()
    await lab.command("UAMARA", "poll results 1")
    fake = lab.fake
    assert fake.methods() == [
        "files.getUploadURLExternal", "upload", "files.completeUploadExternal", "files.info",
        "files.info", "response_url"]
    alt = ("Heat map of poll #1 (Meeting 1): 3 members (rows) by 4 slots (columns); green yes, "
           "amber if need be, red no, grey not answered. Best slot: #1, Mon 11 Jan 2027, 14:00 "
           "WAT (Africa/Lagos), with 1 yes and 0 if need be. Not answered: Gemma, Zoë. "
           "Columns by day, in Africa/Lagos: Mon, Jan 11 #1–#2 (14:00–15:00); Tue, Jan 12 "
           "#3–#4 (14:00–15:00).")  # the reader's zone, as on the card
    requested = fake.last("files.getUploadURLExternal").args
    assert (requested["filename"], requested["alt_txt"]) == ("poll-1-heat-map.png", alt)
    assert fake.uploads["F00000001"].startswith(b"\x89PNG\r\n")
    assert "channel_id" not in fake.last("files.completeUploadExternal").args  # shared nowhere
    reply = fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    blocks = blocks_of(reply)
    assert blocks[0] == header("Results of poll #1: Meeting 1")
    assert blocks[1]["text"]["text"].startswith(
        "1. `#1` Mon 11 Jan 14:00 WAT — 1 yes, 0 if need be, 0 no\n"
        "      yes: Amara Okafor · if need be: — · no: —\n")
    assert blocks[-1] == image("F00000001", alt)
    assert fake.of("conversations.open") == []  # nothing had to go by direct message
    # The Results button of the public card does the same, for whoever presses it.
    fake.clear()
    await lab.click("UZOE", card, "Results", ephemeral=False)
    reply = fake.last("response_url")
    assert (lab.answer_to[reply.args["url_token"]], reply.args["response_type"]) == (
        "UZOE", "ephemeral")
    zoe = alt.replace("14:00 WAT (Africa/Lagos)", "10:00 UTC-3 (America/Sao_Paulo)").replace(
        "in Africa/Lagos", "in America/Sao_Paulo").replace("14:00–15:00", "10:00–11:00")
    assert blocks_of(reply)[-1] == image("F00000002", zoe)  # in Zoë's own zone


async def test_pick_announces_the_meeting_with_local_times_and_the_invite(
    lab: Slack, slack_app: App,
) -> None:
    await open_small_poll(lab)
    await lab.command("UGEMMA", "poll pick 1 2")
    fake = lab.fake
    closed, scheduled = fake.of("chat.postMessage")
    assert closed.args["channel"] == "C1" and closed.args["text"] == "Poll #1 closed: Meeting 1"
    assert scheduled.args["channel"] == "C1"
    starts = utc(2027, 1, 11, 14)
    assert blocks_of(scheduled) == [
        header("Meeting scheduled: Meeting 1"),
        section(f"*Meeting 1* of Action Lab 1: "
                f"{date(starts, LONG, 'Mon 11 Jan 2027, 14:00 UTC')} "
                f"({date(starts, AGO, 'Mon 11 Jan 2027, 14:00 UTC')}), 60 minutes."),
        section("From poll #1, slot #2."),
        section("*Local times*\nGemma: Mon 11 Jan 2027, 14:00 GMT (Europe/London)\n"
                "Amara Okafor: Mon 11 Jan 2027, 15:00 WAT (Africa/Lagos)\n"
                "Zoë: Mon 11 Jan 2027, 11:00 UTC-3 (America/Sao_Paulo)"),
        context("The calendar invite (.ics) is attached: open it to add or update the meeting "
                "in your calendar. `/lab meetings` lists the lab's meetings."),
    ]
    # The invite follows the card into the channel: files_upload_v2, shared in C1.
    methods = fake.methods()
    assert methods.index("files.completeUploadExternal") > methods.index("chat.postMessage")
    requested = fake.last("files.getUploadURLExternal").args
    assert (requested["filename"], requested["alt_txt"]) == (
        "meeting-1.ics", "Calendar invite for Meeting 1")
    shared = fake.last("files.completeUploadExternal").args
    assert shared["channel_id"] == "C1"
    ics = fake.uploads[json.loads(shared["files"])[0]["id"]].decode()
    assert "METHOD:REQUEST" in ics and "DTSTART:20270111T140000Z" in ics
    reply = fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert reply.args["text"] == (
        "Scheduled Meeting 1 at Mon 11 Jan 2027, 14:00 GMT (Europe/London); I announced it "
        "with the invite in the lab's channels.")
