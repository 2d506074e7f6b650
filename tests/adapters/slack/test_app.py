"""The real AsyncApp over real HTTP, driven by signed requests, answering the fake Slack:
every command path, every kind of interaction, and the exact JSON the bot sends."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from adapters.slack import translate as slack_translate
from bot import action_ids
from bot.bootstrap import App
from bot.clock import SettableClock
from bot.errors import UserError
from bot.features.lab import tz_picker
from bot.messages import (
    Button,
    Buttons,
    Card,
    File,
    Form,
    Image,
    Input,
    Option,
    Recipient,
    Reply,
    Select,
    Text,
)
from bot.router import Call as RouterCall
from bot.router import Router
from fakes.slack_api import Call
from storage.models import AuditEntry, Person
from tests.adapters.slack.conftest import Slack, sign


def shown(call: Call) -> str:
    """Everything a person reads in a message the bot sent: text, blocks, fields."""
    parts = [str(call.args.get("text") or "")]
    blocks = call.args.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    for block in blocks:
        for key in ("text",):
            if isinstance(block.get(key), dict):
                parts.append(block[key]["text"])
        for f in block.get("fields", []):
            parts.append(f["text"])
        for e in block.get("elements", []):
            if isinstance(e.get("text"), str):
                parts.append(e["text"])
    return "\n".join(parts)


async def people(app: App) -> dict[str, Person]:
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Person))).all()
    return {p.display_name: p for p in rows}


async def audits(app: App, action: str) -> int:
    async with app.ctx.uow() as uow:
        stmt = select(func.count(AuditEntry.id)).where(AuditEntry.action == action)
        return int(await uow.session.scalar(stmt) or 0)


# --- commands ----------------------------------------------------------------------------


async def test_setup_is_acked_empty_then_answered_in_the_channel(slack: Slack) -> None:
    sent = await slack.command("UGEMMA", 'setup "Action Lab 1"')
    assert (sent.status, sent.body) == (200, "")
    fake = slack.fake
    assert fake.methods() == ["auth.test", "users.info", "conversations.info", "response_url"]
    reply = fake.last("response_url")
    assert reply.args["url_token"] == "r1"
    assert reply.args["response_type"] == "in_channel"
    assert reply.args["replace_original"] is False
    assert reply.args["text"] == "Action Lab 1 is set up in this channel."
    assert reply.args["blocks"][0] == {
        "type": "header", "text": {"type": "plain_text", "text": "Action Lab 1 is set up",
                                   "emoji": True}}
    assert reply.args["blocks"][2]["fields"][1] == {
        "type": "mrkdwn", "text": "*Meeting window*\n09:00-18:00 Europe/London, mon-fri"}
    assert fake.last("users.info").token == "xoxb-test-token"


async def test_help_is_private(slack: Slack) -> None:
    await slack.command("UAMARA", "help")
    reply = slack.fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "/lab setup" in shown(reply)


async def test_an_unknown_command_gets_a_private_hint(slack: Slack) -> None:
    await slack.command("UAMARA", "memebrs")
    reply = slack.fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "`/lab memebrs` is not a command. Did you mean `/lab members`?" in reply.args["text"]


async def test_join_then_accept_replaces_the_card_and_announces(slack: Slack,
                                                                slack_app: App) -> None:
    await slack.command("UGEMMA", 'setup "Action Lab 1"')
    await slack.command("UAMARA", "join")
    card = slack.fake.last("response_url")
    assert card.args["response_type"] == "ephemeral"
    button = slack.find(card.args["blocks"], "I accept and join")
    assert button == {"type": "button", "action_id": "al1:lab.accept:1", "style": "primary",
                      "text": {"type": "plain_text", "text": "I accept and join",
                               "emoji": True}}
    sent = await slack.click("UAMARA", card, "I accept and join")
    assert (sent.status, sent.body) == (200, "")
    welcome = slack.fake.last("response_url")
    assert welcome.args["replace_original"] is True
    assert welcome.args["response_type"] == "ephemeral"
    assert "Welcome to Action Lab 1" in shown(welcome)
    assert "Times are shown in your zone, Africa/Lagos." in shown(welcome)
    announced = slack.fake.last("chat.postMessage")
    assert announced.args["channel"] == "C1"
    assert "*Amara Okafor* joined Action Lab 1 (1 of 6 members)." in shown(announced)
    assert (await people(slack_app))["Amara Okafor"].timezone == "Africa/Lagos"


async def test_a_repeated_click_is_recorded_once(slack: Slack, slack_app: App,
                                                 clock: SettableClock) -> None:
    await slack.command("UGEMMA", 'setup "Action Lab 1"')
    await slack.command("UAMARA", "join")
    card = slack.fake.last("response_url")
    payload = slack.block_actions("UAMARA", card, "I accept and join", action_ts="100.1")
    double = slack.block_actions("UAMARA", card, "I accept and join", action_ts="100.4")
    first, second = await asyncio.gather(slack.interact(payload, wait=False),
                                         slack.interact(double, wait=False))
    await slack.adapter.idle()
    assert first.status == second.status == 200
    assert await audits(slack_app, "member.joined") == 1
    assert len([c for c in slack.fake.of("response_url") if c.args["replace_original"]]) == 1
    # Slack delivering the very same click again, later, is still the same click.
    clock.advance(timedelta(minutes=5))
    await slack.interact(payload)
    assert await audits(slack_app, "member.joined") == 1
    # A deliberate press later is a new press: the core refuses it politely.
    await slack.click("UAMARA", card, "I accept and join")
    assert "already a member" in slack.fake.last("response_url").args["text"]
    assert await audits(slack_app, "member.joined") == 1


async def test_members_pages_with_buttons_that_replace_the_list(slack: Slack) -> None:
    await slack.command("UGEMMA", 'setup "Big Lab"')
    await slack.command("UGEMMA", "settings limit 30")
    for n in range(21):
        await slack.command(f"UM{n:02d}", "join")
        await slack.click(f"UM{n:02d}", slack.fake.last("response_url"), "I accept and join")
    await slack.command("UGEMMA", "members")
    first = slack.fake.last("response_url")
    assert "Page 1 of 2 · 22 members" in shown(first)
    await slack.click("UGEMMA", first, "Next ▶")
    second = slack.fake.last("response_url")
    assert second.args["replace_original"] is True
    assert "Page 2 of 2 · 22 members" in shown(second)
    assert slack.find(second.args["blocks"], "◀ Previous")["action_id"] == "al1:lab.members:1:1"


async def test_role_takes_a_slack_mention(lab: Slack) -> None:
    await lab.command("UGEMMA", "role <@UAMARA|amara> secretary")
    reply = lab.fake.last("response_url")
    assert reply.args["response_type"] == "in_channel"
    assert "Gemma made *Amara Okafor* secretary of Action Lab 1." in shown(reply)


async def test_only_facilitators_give_roles(lab: Slack) -> None:
    await lab.command("UZOE", "role <@UAMARA|amara> secretary")
    reply = lab.fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "Only facilitators can use `/lab role`" in reply.args["text"]


async def test_settings_show_to_the_facilitator(lab: Slack) -> None:
    await lab.command("UGEMMA", "settings window 10:00-17:00")
    reply = lab.fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "*Meeting window*\n10:00-17:00 (Europe/London)" in shown(reply)


# --- time zones --------------------------------------------------------------------------------


async def test_the_zone_comes_from_slack_and_tz_overrides_it(
    lab: Slack, slack_app: App, clock: SettableClock,
) -> None:
    await lab.command("UZOE", "tz")
    assert "America/Sao_Paulo (from your platform profile)" in \
        lab.fake.last("response_url").args["text"]
    await lab.command("UZOE", "tz Asia/Tokyo")
    assert "Your time zone is now Asia/Tokyo" in lab.fake.last("response_url").args["text"]
    # A day later Slack says both moved; the zone Zoë chose stays, Amara's follows Slack.
    lab.fake.users["UZOE"]["tz"] = "Europe/Madrid"
    lab.fake.users["UAMARA"]["tz"] = "Africa/Accra"
    lab.fake.clear()
    await lab.command("UZOE", "tz")
    await lab.command("UAMARA", "tz")
    assert lab.fake.of("users.info") == []  # asked once a day, not on every command
    clock.advance(timedelta(days=1, minutes=1))
    await lab.command("UZOE", "tz")
    await lab.command("UAMARA", "tz")
    assert [c.args["user"] for c in lab.fake.of("users.info")] == ["UZOE", "UAMARA"]
    found = await people(slack_app)
    assert (found["Zoë"].timezone, found["Zoë"].timezone_source) == ("Asia/Tokyo", "user")
    assert (found["Amara Okafor"].timezone,
            found["Amara Okafor"].timezone_source) == ("Africa/Accra", "platform")


async def test_the_zone_picker_menu_sets_the_zone(lab: Slack, slack_app: App) -> None:
    extra = Router()

    @extra.command("pick zone", access="anyone", summary="test: the zone picker")
    async def pick(call: RouterCall[Any]) -> Reply:
        return Reply(card=tz_picker("Which time zone are you in?"))

    slack_app.ctx.router.include(extra)
    await lab.command("UAMARA", "pick zone")
    card = lab.fake.last("response_url")
    menu = lab.find(card.args["blocks"], "Your time zone")
    assert menu["type"] == "static_select" and menu["action_id"] == "al1:lab.tz:"
    await lab.click("UAMARA", card, "Your time zone", choose=["Asia/Tokyo"])
    reply = lab.fake.last("response_url")
    assert reply.args["replace_original"] is True
    assert "Your time zone is now Asia/Tokyo" in shown(reply)
    assert (await people(slack_app))["Amara Okafor"].timezone_source == "user"


# --- forms, multi-selects, direct messages, pictures and files --------------------------------


async def test_a_command_with_a_form_opens_a_modal_and_its_result_comes_back(
    lab: Slack, slack_app: App,
) -> None:
    from typing import Annotated

    from pydantic import Field

    from bot.arguments import Args, Kw

    class NoteArgs(Args):
        title: Annotated[str, Kw("text"), Field(min_length=1)]
        body: Annotated[str | None, Kw("text")] = None

    extra = Router()

    async def note_form(call: RouterCall[Any]) -> Form:
        return Form(action_ids.encode("form", "note.new"), "New note", (
            Input("title", "Title"), Input("body", "Body", required=False, multiline=True)))

    @extra.command("note new", args=NoteArgs, form=note_form, summary="test: a form")
    async def note_new(call: RouterCall[NoteArgs]) -> Reply:
        return Reply(card=Card((Text(f"Noted: *{call.args.title}* / {call.args.body}"),)),
                     private=False)

    slack_app.ctx.router.include(extra)
    body = lab.command_body("UAMARA", "note new")
    await lab.post(urlencode(body).encode(), "application/x-www-form-urlencoded")
    opened = lab.fake.last("views.open")
    assert opened.args["trigger_id"] == body["trigger_id"]
    view = opened.args["view"]
    assert view["callback_id"] == "al1:form:note.new"
    assert [b["block_id"] for b in view["blocks"]] == ["title", "body"]
    assert json.loads(view["private_metadata"]) == {"c": "C1", "r": body["response_url"]}
    sent = await lab.interact(lab.submission("UAMARA", view, {"title": "Agenda",
                                                              "body": "Item & more"}))
    assert (sent.status, sent.body) == (200, "")  # the modal closes at once
    reply = lab.fake.last("response_url")
    assert reply.args["url_token"] == body["response_url"].rsplit("/", 1)[1]  # where it opened
    assert reply.args["response_type"] == "in_channel"
    assert "Noted: *Agenda* / Item &amp; more" in shown(reply)
    # A required field left empty: found before the ack, so the modal stays open with the
    # error under the field (the form is the usage: no usage line).
    sent = await lab.interact(lab.submission("UAMARA", view, {"title": ""}, view_id="V2"))
    assert sent.json == {"response_action": "errors", "errors": {"title": "Missing <text>."}}


async def test_a_form_whose_trigger_expired_says_what_to_do(lab: Slack, slack_app: App) -> None:
    extra = Router()

    @extra.command("form now", access="anyone", summary="test: opens a form")
    async def form_now(call: RouterCall[Any]) -> Reply:
        return Reply(form=Form(action_ids.encode("form", "x.y"), "X", (Input("a", "A"),)))

    slack_app.ctx.router.include(extra)
    lab.fake.fail("views.open", "expired_trigger_id")
    await lab.command("UAMARA", "form now")
    reply = lab.fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "The form took too long to open. Run the command again" in reply.args["text"]


async def test_a_multi_select_hands_every_choice_to_the_core(lab: Slack, slack_app: App) -> None:
    seen: list[tuple[str, ...]] = []
    extra = Router()

    # A test-only name: `/lab rank` belongs to the votes feature.
    @extra.command("pick top", access="member", summary="test: a multi-select")
    async def rank(call: RouterCall[Any]) -> Reply:
        options = tuple(Option(f"Solution {n}", str(n)) for n in range(1, 6))
        return Reply(card=Card((Select(action_ids.encode("test.rank", 1), "Your top three",
                                       options, max_values=3),)))

    @extra.action("test.rank", scope="none")
    async def ranked(call: RouterCall[Any]) -> Reply:
        seen.append(call.values)
        return Reply(text="Ranked: " + " > ".join(call.values), replace=True)

    slack_app.ctx.router.include(extra)
    await lab.command("UAMARA", "pick top")
    card = lab.fake.last("response_url")
    assert lab.find(card.args["blocks"], "Your top three")["max_selected_items"] == 3
    await lab.click("UAMARA", card, "Your top three", choose=["4", "2"])
    assert seen == [("2", "4")]  # in the menu's order, as Slack sends them
    assert lab.fake.last("response_url").args["text"] == "Ranked: 2 &gt; 4"


async def test_direct_messages_go_through_conversations_open(lab: Slack, slack_app: App) -> None:
    extra = Router()

    @extra.command("nudge", access="member", summary="test: a direct message")
    async def nudge(call: RouterCall[Any]) -> Reply:
        await call.ctx.messengers.notify(Recipient("slack", "T1", "UZOE"),
                                         Card((Text("Please answer the poll"),)))
        return Reply.say("Nudged.")

    slack_app.ctx.router.include(extra)
    await lab.command("UAMARA", "nudge")
    await lab.command("UAMARA", "nudge")
    assert [c.args["users"] for c in lab.fake.of("conversations.open")] == ["UZOE"]  # cached
    dms = lab.fake.of("chat.postMessage")
    assert [c.args["channel"] for c in dms] == ["DUZOE", "DUZOE"]
    assert dms[0].args["blocks"] == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Please answer the poll"}}]


async def test_a_picture_is_uploaded_then_shown_in_the_card(lab: Slack, slack_app: App) -> None:
    extra = Router()
    png = File("heatmap.png", b"\x89PNG fake", "image/png", alt="Who can come when")

    @extra.command("chart", access="member", summary="test: a picture")
    async def chart(call: RouterCall[Any]) -> Reply:
        return Reply(card=Card((Text("Availability"), Image(png))), private=False)

    slack_app.ctx.router.include(extra)
    await lab.command("UAMARA", "chart")
    fake = lab.fake
    assert fake.methods()[-6:] == [
        "files.getUploadURLExternal", "upload", "files.completeUploadExternal",
        "files.info", "files.info", "response_url"]
    assert fake.uploads["F00000001"] == b"\x89PNG fake"
    complete = fake.last("files.completeUploadExternal")
    assert "channel_id" not in complete.args  # shared nowhere: only the card shows it
    assert fake.last("files.getUploadURLExternal").args["alt_txt"] == "Who can come when"
    assert fake.last("response_url").args["blocks"][1] == {
        "type": "image", "slack_file": {"id": "F00000001"}, "alt_text": "Who can come when"}


async def test_private_files_go_to_the_persons_direct_messages(lab: Slack,
                                                               slack_app: App) -> None:
    extra = Router()

    @extra.command("export", access="member", summary="test: a private file")
    async def export(call: RouterCall[Any]) -> Reply:
        return Reply(text="Here are the minutes.",
                     files=(File("minutes.pdf", b"%PDF-1.7", "application/pdf"),))

    slack_app.ctx.router.include(extra)
    await lab.command("UAMARA", "export")
    complete = lab.fake.last("files.completeUploadExternal")
    assert complete.args["channel_id"] == "DUAMARA"
    assert complete.args["initial_comment"] == "Here are the minutes."
    (answer,) = lab.fake.of("response_url")  # one private answer, sent after the file
    assert lab.fake.methods().index("files.completeUploadExternal") < \
        lab.fake.methods().index("response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["blocks"] == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Here are the minutes."}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": (
            "I sent you the file in our direct messages (`minutes.pdf`): Slack shows no files "
            "in a message only you can see.")}]}]


# --- the App Home, reactions and events -------------------------------------------------------


async def test_opening_the_app_home_publishes_the_home_card(lab: Slack) -> None:
    sent = await lab.event({"type": "app_home_opened", "user": "UAMARA", "channel": "DUAMARA",
                            "tab": "home", "event_ts": "1.1"}, event_id="EvHome1")
    assert sent.status == 200
    published = lab.fake.last("views.publish")
    assert published.args["user_id"] == "UAMARA"
    view = published.args["view"]
    assert view["type"] == "home"
    assert view["blocks"][0]["text"]["text"] == "Hello, Amara Okafor"
    assert "*Action Lab 1* — member" in json.dumps(view, ensure_ascii=False)
    # The Messages tab is not the Home tab: nothing to publish.
    await lab.event({"type": "app_home_opened", "user": "UAMARA", "channel": "DUAMARA",
                     "tab": "messages"}, event_id="EvHome2")
    assert len(lab.fake.of("views.publish")) == 1


async def test_home_command_is_the_same_card_privately(lab: Slack) -> None:
    await lab.command("UAMARA", "home", channel="DUAMARA")
    reply = lab.fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "Hello, Amara Okafor" in shown(reply)


def memo_router(seen: list[Any], reply: Reply) -> Router:
    router = Router()

    @router.reaction("memo")
    async def memo(call: RouterCall[Any]) -> Reply:
        seen.append(call.reaction)
        return reply

    return router


async def test_a_memo_reaction_reaches_the_core_with_the_message(lab: Slack,
                                                                  slack_app: App) -> None:
    seen: list[Any] = []
    # Stand in for the minutes feature's handler, to see exactly what reaches the core.
    slack_app.ctx.router.reactions.update(
        memo_router(seen, Reply.say("Added to the minutes.")).reactions)
    lab.fake.messages["C1"].append({"ts": "1700000000.000777", "user": "UZOE",
                                    "text": "We agreed: option 3 &amp; a pilot"})
    event = {"type": "reaction_added", "user": "UAMARA", "reaction": "memo",
             "item_user": "UZOE",
             "item": {"type": "message", "channel": "C1", "ts": "1700000000.000777"},
             "event_ts": "1.2"}
    first = await lab.event(event, event_id="EvR1")
    # Slack retries an event it thinks we missed: same event_id, a retry header.
    again = await lab.event(event, event_id="EvR1",
                            headers={"X-Slack-Retry-Num": "1",
                                     "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status == again.status == 200
    assert len(seen) == 1
    (reaction,) = seen
    assert reaction.text == "We agreed: option 3 & a pilot"
    assert reaction.author.display_name == "Zoë"
    assert reaction.actor.display_name == "Amara Okafor"
    note = lab.fake.last("chat.postEphemeral")
    assert (note.args["channel"], note.args["user"]) == ("C1", "UAMARA")
    assert note.args["text"] == "Added to the minutes."
    # Other emoji are just people reacting.
    await lab.event({**event, "reaction": "tada"}, event_id="EvR2")
    assert len(seen) == 1


async def test_a_public_answer_where_the_bot_is_not_invited_explains_how(
    lab: Slack, slack_app: App,
) -> None:
    seen: list[Any] = []
    public = Reply(card=Card((Text("Added to the minutes for everyone"),)), private=False)
    slack_app.ctx.router.reactions.update(memo_router(seen, public).reactions)
    lab.fake.messages["C1"].append({"ts": "9.9", "user": "UZOE", "text": "Decision"})
    lab.fake.fail("chat.postMessage", "not_in_channel")
    await lab.event({"type": "reaction_added", "user": "UAMARA", "reaction": "memo",
                     "item_user": "UZOE", "item": {"type": "message", "channel": "C1",
                                                   "ts": "9.9"}}, event_id="EvR9")
    note = lab.fake.last("chat.postEphemeral")
    assert note.args["user"] == "UAMARA"
    assert "Invite me with `/invite @actionlab`" in note.args["text"]


# --- Slack refusing, and slowing us down ------------------------------------------------------


async def test_a_rate_limited_call_is_retried_after_retry_after(lab: Slack,
                                                                slack_app: App) -> None:
    lab.fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"})
    from bot.messages import Place

    started = time.monotonic()
    ref = await slack_app.ctx.messengers.post(Place("slack", "T1", "C1"),
                                              Card((Text("Poll closed"),)))
    assert time.monotonic() - started >= 0.9  # it waited as asked
    assert len(lab.fake.of("chat.postMessage")) == 2
    assert ref.message_id and ref.link and ref.link.startswith("https://lab.example/")


async def test_a_long_rate_limit_is_handed_back_with_retry_after(lab: Slack,
                                                                 slack_app: App) -> None:
    from bot.messages import Place
    from bot.ports import DeliveryError

    lab.fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "120"})
    with pytest.raises(DeliveryError) as caught:
        await slack_app.ctx.messengers.post(Place("slack", "T1", "C1"), Card((Text("x"),)))
    assert (caught.value.reason, caught.value.retry_after) == ("ratelimited", 120.0)


async def test_a_channel_slack_does_not_know_is_a_delivery_error(lab: Slack,
                                                                 slack_app: App) -> None:
    from bot.messages import Place
    from bot.ports import DeliveryError

    lab.fake.fail("chat.postMessage", "channel_not_found")
    with pytest.raises(DeliveryError) as caught:
        await slack_app.ctx.messengers.post(Place("slack", "T1", "CGONE"), Card((Text("x"),)))
    assert caught.value.reason == "channel_not_found" and caught.value.retry_after is None
    # Announcements to a lab's channels log such a failure and go on.
    lab.fake.fail("chat.postMessage", "channel_not_found")
    refs = await slack_app.ctx.messengers.broadcast([Place("slack", "T1", "CGONE"),
                                                     Place("slack", "T1", "C1")],
                                                    Card((Text("y"),)))
    assert [r.channel for r in refs] == ["C1"]


async def test_an_expired_response_url_falls_back_to_an_ephemeral_note(lab: Slack) -> None:
    lab.fake.fail("response_url", "expired_url", status=404)
    lab.fake.fail("response_url", "expired_url", status=404)
    await lab.command("UAMARA", "members")
    note = lab.fake.last("chat.postEphemeral")
    assert "too old to answer" in note.args["text"]


async def test_the_ack_does_not_wait_for_slow_work(lab: Slack, slack_app: App) -> None:
    release = asyncio.Event()
    extra = Router()

    @extra.command("slow", access="anyone", summary="test: slow work")
    async def slow(call: RouterCall[Any]) -> Reply:
        await release.wait()
        return Reply.say("done at last")

    slack_app.ctx.router.include(extra)
    sent = await lab.command("UAMARA", "slow", wait=False)
    assert (sent.status, sent.body) == (200, "")  # answered while the work still waits
    assert lab.fake.of("response_url") == []
    release.set()
    await lab.adapter.idle()
    assert lab.fake.last("response_url").args["text"] == "done at last"


async def test_a_crash_in_a_handler_shows_only_a_reference(lab: Slack, slack_app: App) -> None:
    extra = Router()

    @extra.command("boom", access="anyone", summary="test: a bug")
    async def boom(call: RouterCall[Any]) -> Reply:
        raise RuntimeError("secret internals")

    @extra.command("oops", access="anyone", summary="test: a user error")
    async def oops(call: RouterCall[Any]) -> Reply:
        raise UserError("Say which poll: `/lab poll close 3`.")

    slack_app.ctx.router.include(extra)
    sent = await lab.command("UAMARA", "boom")
    assert sent.status == 200
    text = lab.fake.last("response_url").args["text"]
    assert text.startswith("Something went wrong (ref ") and "secret" not in text
    await lab.command("UAMARA", "oops")
    assert lab.fake.last("response_url").args["text"] == "Say which poll: `/lab poll close 3`."


def reference(text: str) -> str:
    match = re.fullmatch(r"Something went wrong \(ref ([0-9a-f]{4})\)\. .*", text)
    assert match, text
    return match.group(1)


async def test_a_failure_after_the_ack_is_answered_with_a_reference_to_the_log(
    lab: Slack, caplog: pytest.LogCaptureFixture,
) -> None:
    lab.fake.garble("users.info")  # Priya's first command: her profile comes back empty
    with caplog.at_level(logging.ERROR, logger="adapters.slack.app"):
        sent = await lab.command("UPRIYA", "members")
    assert (sent.status, sent.body) == (200, "")
    answer = lab.fake.last("response_url")
    assert answer.args["response_type"] == "ephemeral"
    ref = reference(answer.args["text"])
    (logged,) = [r for r in caplog.records if r.exc_info]
    assert f"(ref {ref})" in logged.getMessage()
    assert logged.exc_info is not None
    assert str(logged.exc_info[1]) not in answer.args["text"]  # the exception stays in the log


async def test_a_failed_reaction_is_answered_privately_in_its_channel(
    lab: Slack, caplog: pytest.LogCaptureFixture,
) -> None:
    lab.fake.messages["C1"].append({"ts": "1700000000.000779", "user": "UZOE", "text": "Hi"})
    lab.fake.garble("users.info")
    with caplog.at_level(logging.ERROR, logger="adapters.slack.app"):
        await lab.event({"type": "reaction_added", "user": "UPRIYA", "reaction": "memo",
                         "item": {"type": "message", "channel": "C1",
                                  "ts": "1700000000.000779"}}, event_id="EvBroken")
    note = lab.fake.last("chat.postEphemeral")  # no response_url comes with an event
    assert (note.args["channel"], note.args["user"]) == ("C1", "UPRIYA")
    assert f"(ref {reference(note.args['text'])})" in caplog.text


async def test_a_user_error_after_the_ack_is_shown_in_its_own_words(
    lab: Slack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    def refuse(body: Any, profile: Any) -> Any:
        raise UserError("That workspace is not set up for actionlab yet.")

    monkeypatch.setattr(slack_translate, "command", refuse)
    with caplog.at_level(logging.ERROR, logger="adapters.slack.app"):
        await lab.command("UAMARA", "members")
    answer = lab.fake.last("response_url")
    assert answer.args["text"] == "That workspace is not set up for actionlab yet."
    assert answer.args["response_type"] == "ephemeral"
    assert caplog.records == []  # the person's own mistake is no error in the log


def zone_questions(slack: Slack) -> list[Call]:
    return [c for c in slack.fake.of("response_url")
            if "Which time zone are you in?" in shown(c)]


async def test_a_member_whose_profile_has_a_zone_is_never_asked_for_one(lab: Slack) -> None:
    await lab.command("UPRIYA", "join")
    await lab.click("UPRIYA", lab.fake.last("response_url"), "I accept and join")
    await lab.command("UPRIYA", "members")
    assert zone_questions(lab) == []


async def test_a_member_without_a_profile_zone_is_asked_once_after_the_answer(
    lab: Slack,
) -> None:
    lab.fake.users["UKAI"] = {"real_name": "Kai Tanaka", "display_name": "Kai", "tz": None}
    await lab.command("UKAI", "join")
    card = lab.fake.last("response_url")
    assert zone_questions(lab) == []  # not a member yet: nothing of theirs is timed
    await lab.click("UKAI", card, "I accept and join")
    welcome, question = lab.fake.of("response_url")[-2:]
    assert "Welcome to Action Lab 1" in shown(welcome)
    assert question.args["response_type"] == "ephemeral"
    assert question.args["replace_original"] is False  # the welcome stays
    assert question.args["url_token"] == welcome.args["url_token"]
    picker = lab.find(question.args["blocks"], "Your time zone")
    assert picker["action_id"] == "al1:lab.tz:"
    await lab.command("UKAI", "members")
    assert len(zone_questions(lab)) == 1


# --- requests Slack did not send ---------------------------------------------------------------


@pytest.mark.parametrize("case", ["unsigned", "forged", "tampered", "stale", "future",
                                  "malformed timestamp", "unicode digits", "huge timestamp",
                                  "no v0 prefix"])
async def test_requests_slack_did_not_sign_get_401_and_change_nothing(
    slack: Slack, slack_app: App, case: str,
) -> None:
    body = b"team_id=T1&channel_id=C1&user_id=UEVIL&user_name=evil&command=%2Flab&text=" \
           b"setup+Evil&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fx&trigger_id=t"
    now = str(int(time.time()))
    kwargs: dict[str, Any] = {}
    match case:
        case "unsigned":
            kwargs = {"headers": {"X-Slack-Signature": "", "X-Slack-Request-Timestamp": ""}}
        case "forged":
            kwargs = {"signature": sign(body, now, secret="not-the-secret")}
        case "tampered":
            kwargs = {"signature": sign(body.replace(b"Evil", b"Good"), now)}
        case "stale":
            old = str(int(time.time()) - 600)
            kwargs = {"timestamp": old, "signature": sign(body, old)}
        case "future":
            later = str(int(time.time()) + 600)
            kwargs = {"timestamp": later, "signature": sign(body, later)}
        case "malformed timestamp":
            kwargs = {"timestamp": "yesterday", "signature": sign(body, "yesterday")}
        case "unicode digits":
            kwargs = {"timestamp": "１７", "signature": "v0=00"}
        case "huge timestamp":
            kwargs = {"timestamp": "9" * 40, "signature": sign(body, "9" * 40)}
        case "no v0 prefix":
            kwargs = {"signature": sign(body, now).removeprefix("v0=")}
    sent = await slack.post(body, "application/x-www-form-urlencoded", **kwargs)
    assert sent.status == 401
    assert slack.fake.calls == []
    assert await people(slack_app) == {}


async def test_a_signed_request_with_a_body_slack_never_sends_is_refused(slack: Slack) -> None:
    sent = await slack.post(b"\xff\xfe not utf-8", "application/x-www-form-urlencoded")
    assert sent.status == 400
    assert slack.fake.calls == []


async def test_the_health_check(slack: Slack) -> None:
    async with slack.session.get(slack.url.replace("/slack/events", "/healthz")) as response:
        assert response.status == 200
        assert await response.json() == {"ok": True, "mode": "http", "database": "ok"}


async def test_a_press_on_the_app_home_updates_the_home_tab(lab: Slack, slack_app: App) -> None:
    extra = Router()

    @extra.action("test.refresh", scope="none")
    async def refresh(call: RouterCall[Any]) -> Reply:
        return Reply(card=Card((Text(f"Refreshed for {call.person.display_name}"),)),
                     replace=True)

    slack_app.ctx.router.include(extra)
    payload = {
        "type": "block_actions", "user": {"id": "UAMARA", "team_id": "T1"},
        "team": {"id": "T1"}, "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home"}, "trigger_id": "t-home",
        "actions": [{"type": "button", "action_id": action_ids.encode("test.refresh", 1),
                     "action_ts": "5.5"}],
    }
    await lab.interact(payload)
    published = lab.fake.last("views.publish")
    assert published.args["user_id"] == "UAMARA"
    assert published.args["view"]["blocks"][0]["text"]["text"] == "Refreshed for Amara Okafor"


async def test_payloads_and_tokens_stay_out_of_the_log_at_debug(
    lab: Slack, caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    with caplog.at_level(logging.DEBUG):
        await lab.command("UAMARA", 'settings name "Confidential Lab Name"')
        await lab.command("UGEMMA", 'settings name "Confidential Lab Name"')
    ours = "\n".join(r.getMessage() for r in caplog.records
                     if r.name.startswith(("slack_sdk", "slack_bolt", "actionlab.slack",
                                           "adapters.slack")))
    assert any(r.levelno == logging.DEBUG for r in caplog.records)  # DEBUG was on
    assert "xoxb-test-token" not in ours
    assert "Confidential Lab Name" not in ours


async def test_a_long_rate_limit_on_a_reply_tells_the_person_when_to_try_again(
    lab: Slack,
) -> None:
    lab.fake.fail("response_url", "rate_limited", status=429, headers={"Retry-After": "90"})
    await lab.command("UAMARA", "members")
    replies = lab.fake.of("response_url")
    assert len(replies) == 2  # the refused answer, then the note
    assert replies[-1].args["response_type"] == "ephemeral"
    assert replies[-1].args["text"] == (
        "Slack asked me to slow down. Try again in about 90 seconds.")


async def test_slacks_request_url_check_gets_its_challenge_back(slack: Slack) -> None:
    # What Slack sends when an operator pastes the Request URL into the app's settings.
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdAL",
                       "type": "url_verification"}).encode()
    sent = await slack.post(body, "application/json")
    assert sent.status == 200
    assert sent.json == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdAL"}
    forged = await slack.post(body, "application/json", signature="v0=" + "0" * 64)
    assert forged.status == 401


async def test_a_private_answer_never_replaces_a_message_everyone_sees(
    lab: Slack, slack_app: App,
) -> None:
    extra = Router()
    again = Buttons((Button("Mine", action_ids.encode("test.mine", 1)),))

    @extra.command("board", access="member", summary="test: a public card")
    async def board(call: RouterCall[Any]) -> Reply:
        return Reply(card=Card((Text("Everyone sees this"), again)), private=False)

    @extra.action("test.mine", scope="none")
    async def mine(call: RouterCall[Any]) -> Reply:
        return Reply(card=Card((Text(f"Only for {call.person.display_name}"), again)),
                     replace=True)

    slack_app.ctx.router.include(extra)
    await lab.command("UGEMMA", "board")
    public = lab.fake.last("response_url")
    assert public.args["response_type"] == "in_channel"
    await lab.click("UAMARA", public, "Mine", ephemeral=False)
    answer = lab.fake.last("response_url")
    assert (answer.args["response_type"], answer.args["replace_original"]) == (
        "ephemeral", False)
    assert "Only for Amara Okafor" in shown(answer)
    # On a message only she sees, the same answer does replace it.
    await lab.click("UAMARA", answer, "Mine", ephemeral=True, message_ts="1.000002")
    assert lab.fake.last("response_url").args["replace_original"] is True


async def test_public_files_alone_are_shared_in_the_conversation(lab: Slack,
                                                                 slack_app: App) -> None:
    extra = Router()

    @extra.command("agenda", access="member", summary="test: a public file, nothing else")
    async def agenda(call: RouterCall[Any]) -> Reply:
        return Reply(files=(File("agenda.md", b"# Agenda", "text/markdown"),), private=False)

    slack_app.ctx.router.include(extra)
    await lab.command("UAMARA", "agenda")
    assert lab.fake.methods() == ["files.getUploadURLExternal", "upload",
                                  "files.completeUploadExternal"]
    assert lab.fake.last("files.completeUploadExternal").args["channel_id"] == "C1"


async def test_a_command_whose_text_says_payload_is_run(slack: Slack) -> None:
    # Bolt reads any form body with the word "payload" in it as an interactive payload and
    # finds it empty: the command was answered 404 and lost.
    sent = await slack.command("UGEMMA", 'setup "The payload lab"')
    assert (sent.status, sent.body) == (200, "")
    reply = slack.fake.last("response_url")
    assert reply.args["text"] == "The payload lab is set up in this channel."
