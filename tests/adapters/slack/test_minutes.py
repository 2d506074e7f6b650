"""Minutes on Slack, end to end, with the real minutes feature: start, note, decision,
action, the "I'm here" button, a :memo: reaction on a message in the channel, the PDF export
delivered privately, and the Done button of `/lab actions`."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from pypdf import PdfReader

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.domain.minutes import ActionStatus, EntrySource, Presence
from fakes.slack_api import Call
from tests.adapters.slack.blockkit import (
    SHORT,
    actions,
    audits,
    blocks_of,
    button,
    context,
    date,
    fields,
    header,
    section,
    utc,
)
from tests.adapters.slack.conftest import Slack

CAPTURE = ("Add to them with `/lab note &lt;text&gt;`, `/lab decision &lt;text&gt;`, "
           "`/lab action &lt;member&gt; [due &lt;date&gt;] &lt;text&gt;`, or react with :memo: "
           "to a message.")
T0 = utc(2027, 1, 4, 10)  # the tests' clock


def minutes_blocks(present: str, count: int, latest: str | None = None) -> list[dict]:
    out = [
        header("Minutes: Kick-off call"),
        section(f"Open since {date(T0, SHORT, 'Mon 04 Jan 2027, 10:00 UTC')} in Action Lab 1. "
                + CAPTURE),
        fields(f"*Present ({count})*\n{present}", "*Apologies (0)*\nnone"),
    ]
    if latest:
        out.append(section(latest))
    out.append(actions(button("I'm here", "al1:minutes.here:1", "primary")))
    return out


async def start(lab: Slack) -> Call:
    await lab.command("UGEMMA", 'minutes start "Kick-off call"')
    card = lab.fake.last("response_url")
    lab.fake.clear()
    return card


async def test_start_note_decision_action_and_im_here(lab: Slack, slack_app: App,
                                                      clock: SettableClock) -> None:
    await lab.command("UGEMMA", 'minutes start "Kick-off call"')
    card = lab.fake.last("response_url")
    assert (card.args["response_type"], card.args["text"]) == (
        "in_channel", "Minutes of Kick-off call are open in Action Lab 1.")
    assert blocks_of(card) == minutes_blocks("nobody yet", 0)
    await lab.command("UAMARA", "note Zoë summarised the survey & its <caveats>")
    noted = lab.fake.last("response_url")
    assert (noted.args["response_type"], noted.args["text"]) == (
        "ephemeral", "Added note 1 to the minutes of “Kick-off call”: Zoë summarised the "
                     "survey &amp; its &lt;caveats&gt;")
    await lab.command("UGEMMA", "decision We take forward research")
    decided = lab.fake.last("response_url")
    assert decided.args["response_type"] == "in_channel"
    assert blocks_of(decided) == [
        section("*Decision 2* (Kick-off call): We take forward research")]
    await lab.command("UGEMMA", "action <@UAMARA|amara> due 2027-01-08 Draft the problem "
                                "statement")
    action = lab.fake.last("response_url")
    assert action.args["response_type"] == "in_channel"
    assert blocks_of(action) == [
        section("*Action 3* for *Amara Okafor*, due Fri 08 Jan 2027 (Kick-off call): Draft the "
                "problem statement"),
        context("See every open action with `/lab actions`."),
    ]
    # "I'm here" on the public card updates that card for everyone.
    await lab.click("UZOE", card, "I'm here", ephemeral=False)
    here = lab.fake.last("response_url")
    assert (here.args["response_type"], here.args["replace_original"]) == ("in_channel", True)
    assert blocks_of(here) == minutes_blocks("Zoë", 1, (
        "*Latest entries* (3 in all)\n1. _note_ — Amara Okafor: Zoë summarised the survey "
        "&amp; its &lt;caveats&gt;\n2. _decision_ — Gemma: We take forward research\n"
        "3. _action_ for *Amara Okafor*, due Fri 08 Jan: Draft the problem statement"))
    # Pressed again at once: one press. Pressed again later: a private word. Either way the
    # attendance is recorded once.
    await lab.click("UZOE", card, "I'm here", ephemeral=False)
    assert lab.fake.last("response_url") is here
    clock.advance(timedelta(seconds=30))
    await lab.click("UZOE", card, "I'm here", ephemeral=False)
    again = lab.fake.last("response_url")
    assert (again.args["response_type"], again.args["text"]) == (
        "ephemeral", "You are already marked present at “Kick-off call”.")
    async with slack_app.ctx.uow() as uow:
        minutes = await uow.minutes.open_in(1)
        assert minutes is not None
        (present,) = await uow.minutes.attendance(minutes.id)
        assert (present.person.display_name, present.status) == ("Zoë", Presence.PRESENT)


async def test_a_memo_reaction_puts_the_message_in_the_minutes_once(
    lab: Slack, slack_app: App,
) -> None:
    await start(lab)
    lab.fake.messages["C1"].append({"ts": "1700000000.000777", "user": "UZOE",
                                    "text": "We agreed: option 3 &amp; a pilot in Lagos"})
    event = {"type": "reaction_added", "user": "UAMARA", "reaction": "memo",
             "item_user": "UZOE",
             "item": {"type": "message", "channel": "C1", "ts": "1700000000.000777"},
             "event_ts": "1.2"}
    await lab.event(event, event_id="EvMemo1")
    assert lab.fake.methods() == ["conversations.history", "chat.getPermalink",
                                  "chat.postEphemeral"]
    note = lab.fake.last("chat.postEphemeral")
    assert note.args == {"channel": "C1", "user": "UAMARA",
                         "text": "Zoë's message is in the minutes of “Kick-off call” as note 1."}
    # Slack retrying the event, and someone else adding 📝 too: still one entry.
    await lab.event(event, event_id="EvMemo1", headers={"X-Slack-Retry-Num": "1",
                                                        "X-Slack-Retry-Reason": "http_timeout"})
    await lab.event({**event, "user": "UGEMMA", "reaction": "pencil"}, event_id="EvMemo2")
    assert lab.fake.last("chat.postEphemeral").args["text"] == (
        "That message is already in the minutes as note 1.")
    async with slack_app.ctx.uow() as uow:
        minutes = await uow.minutes.open_in(1)
        assert minutes is not None
        (entry,) = await uow.minutes.entries(minutes.id)
    assert (entry.text, entry.author_name, entry.source) == (
        "We agreed: option 3 & a pilot in Lagos", "Zoë", EntrySource.REACTION)
    assert entry.source_ref == "slack:T1:C1:1700000000.000777"
    assert entry.link == "https://lab.example/archives/C1/p1700000000000777"
    assert await audits(slack_app, "minutes.reaction") == 1
    # Other emoji are just people reacting: Slack is not even asked for the message.
    lab.fake.clear()
    await lab.event({**event, "reaction": "tada"}, event_id="EvTada")
    assert lab.fake.calls == []


async def test_a_memo_reaction_with_no_minutes_open_says_how_to_start_them(lab: Slack) -> None:
    lab.fake.messages["C1"].append({"ts": "1700000000.000778", "user": "UZOE", "text": "Hi"})
    await lab.event({"type": "reaction_added", "user": "UAMARA", "reaction": "memo",
                     "item": {"type": "message", "channel": "C1", "ts": "1700000000.000778"}},
                    event_id="EvMemo3")
    note = lab.fake.last("chat.postEphemeral")
    assert note.args["user"] == "UAMARA"
    assert note.args["text"].startswith("No minutes are open in Action Lab 1, so the message "
                                        "was not added.")


async def test_the_pdf_export_goes_privately_to_the_requesters_direct_messages(
    lab: Slack, slack_app: App,
) -> None:
    await start(lab)
    await lab.command("UGEMMA", "note Confidential: the budget is 40k")
    await lab.command("UGEMMA", "minutes end")
    lab.fake.clear()
    await lab.command("UGEMMA", "minutes export pdf")
    fake = lab.fake
    assert fake.methods() == ["conversations.open", "files.getUploadURLExternal", "upload",
                              "files.completeUploadExternal", "response_url"]
    assert fake.last("conversations.open").args == {"users": "UGEMMA"}
    requested = fake.last("files.getUploadURLExternal").args
    name = "minutes-action-lab-1-kick-off-call-2027-01-04.pdf"
    assert (requested["filename"], requested["alt_txt"]) == (
        name, "Minutes of Kick-off call (PDF)")
    shared = fake.last("files.completeUploadExternal").args
    assert shared["channel_id"] == "DUGEMMA"  # Gemma's direct messages, never the channel
    words = ("The minutes of “Kick-off call” as PDF, for you only. They are confidential: "
             "keep them within Action Lab 1.")
    assert shared["initial_comment"] == words
    pdf = fake.uploads[json.loads(shared["files"])[0]["id"]]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Confidential: the budget is 40k" in text
    pointer = fake.last("response_url")
    assert lab.answer_to[pointer.args["url_token"]] == "UGEMMA"
    assert pointer.args["response_type"] == "ephemeral"
    assert blocks_of(pointer) == [section(words), context(
        f"I sent you the file in our direct messages (`{name}`): Slack shows no files in a "
        "message only you can see.")]
    # Only the secretary and facilitators export; the others are told so, privately.
    fake.clear()
    await lab.command("UZOE", "minutes export pdf")
    assert fake.methods() == ["response_url"]
    assert fake.last("response_url").args["response_type"] == "ephemeral"
    assert "Only the secretary and facilitators" in fake.last("response_url").args["text"]


async def test_the_done_button_of_actions_closes_the_item_once(lab: Slack, slack_app: App) -> None:
    await start(lab)
    await lab.command("UGEMMA", "action Amara due fri Draft the problem statement")
    await lab.command("UGEMMA", "action Zoë Share the survey")
    lab.fake.clear()
    await lab.command("UAMARA", "actions")
    listing = lab.fake.last("response_url")
    assert listing.args["response_type"] == "ephemeral"
    assert blocks_of(listing) == [
        header("Open action items in Action Lab 1"),
        section("1. *Amara Okafor* (yours) · Fri 08 Jan 2027 (in 4 days)\n    Draft the problem "
                "statement _(Kick-off call, #1)_\n2. *Zoë* · no due date\n    Share the survey "
                "_(Kick-off call, #2)_"),
        actions(button("Done 1", "al1:minutes.done:1:1")),  # only her own item
        context("The owner, the secretary or a facilitator can mark an item done. Due dates "
                "are days in Europe/London."),
    ]
    press = lab.block_actions("UAMARA", listing, "Done 1", action_ts="700.1")
    await lab.interact(press)
    await lab.interact(press)  # Slack delivering it again
    updated = lab.fake.last("response_url")
    assert (updated.args["response_type"], updated.args["replace_original"]) == (
        "ephemeral", True)
    assert blocks_of(updated)[1] == section(
        "1. *Zoë* · no due date\n    Share the survey _(Kick-off call, #2)_")
    assert len(lab.fake.of("response_url")) == 2
    assert await audits(slack_app, "minutes.action_done") == 1
    async with slack_app.ctx.uow() as uow:
        item = await uow.action_items.get(1)
        assert item is not None and item.status is ActionStatus.DONE


async def test_confirming_a_past_due_date_shows_the_action_to_all_and_removes_the_question(
    lab: Slack, slack_app: App,
) -> None:
    await start(lab)
    await lab.command("UGEMMA", "action Amara due 2027-01-01 Draft the problem statement")
    question = lab.fake.last("response_url")
    assert question.args["response_type"] == "ephemeral"
    assert blocks_of(question)[1] == actions(
        button("Add with this date", "al1:minutes.confirm:1", "primary"),
        button("Cancel", "al1:minutes.cancel:1"))
    lab.fake.clear()
    await lab.click("UGEMMA", question, "Add with this date")  # on the ephemeral question
    shown, removed = lab.fake.of("response_url")
    # Slack keeps a replaced message as private as it was: a new public message, and the
    # private question deleted.
    assert (shown.args["response_type"], shown.args["replace_original"]) == (
        "in_channel", False)
    assert blocks_of(shown)[0] == section(
        "*Action 1* for *Amara Okafor*, due Fri 01 Jan 2027 (Kick-off call): Draft the problem "
        "statement")
    assert removed.args == {"url_token": shown.args["url_token"], "delete_original": True}
    async with slack_app.ctx.uow() as uow:
        item = await uow.action_items.get(1)
        assert item is not None and item.status is ActionStatus.OPEN
