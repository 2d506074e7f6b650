"""The real discord.py client against the fake Discord: slash commands, buttons, selects and
modals in, interaction callbacks out (asserted on the JSON the bot sent)."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

import pytest
from pydantic import Field

from bot import action_ids
from bot.arguments import Args, Kw, Pos
from bot.bootstrap import App, create_app
from bot.messages import (
    Card,
    Form,
    Input,
    Option,
    Reply,
    Select,
    Text,
)
from bot.router import Call
from fakes import discord_payloads as p
from fakes.discord_api import (
    APP_ID,
    BOT_ID,
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    LOADING,
    FakeDiscord,
    Recorded,
)
from tests.adapters.discord.conftest import Bot, Launch

CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9


def flags(rec: Recorded) -> int:
    return int((rec.json.get("data") or {}).get("flags") or 0)


def private(rec: Recorded) -> bool:
    return bool(flags(rec) & EPHEMERAL)


def title(rec: Recorded) -> str:
    return rec.json["data"]["embeds"][0].get("title", "")


def text_of(rec: Recorded) -> str:
    """Everything a person reads in a callback or message body."""
    data = rec.json.get("data", rec.json) if "type" in rec.json else rec.json
    parts = [data.get("content") or ""]
    for e in data.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in e.get("fields") or []]
    return "\n".join(parts)


async def lab(bot: Bot) -> None:
    """Gemma sets up Action Lab 1 in the channel; Amara joins; both have zones."""
    await bot.send(p.slash(p.GEMMA, "setup", name="Action Lab 1"))
    await bot.send(p.slash(p.GEMMA, "me", "tz", zone="Europe/London"))
    join = p.slash(p.AMARA, "join")
    await bot.send(join)
    accept = p.find_control(bot.message(join), "I accept")
    await bot.send(p.component(p.AMARA, bot.message(join), accept["custom_id"]))
    await bot.send(p.slash(p.AMARA, "me", "tz", zone="Africa/Lagos"))


# --- connecting -------------------------------------------------------------------------------


async def test_the_client_logs_in_identifies_and_syncs_the_lab_tree(bot: Bot) -> None:
    fake = bot.fake
    assert [(r.method, r.path) for r in fake.requests[:3]] == [
        ("GET", "users/@me"), ("GET", "oauth2/applications/@me"),
        ("PUT", f"applications/{APP_ID}/commands"),
    ]
    identify = fake.identified[0]
    assert identify["token"] == fake.token
    intents = identify["intents"]
    assert intents & 1  # guilds
    assert intents & (1 << 10)  # guild message reactions
    assert not intents & (1 << 1)  # no members list (privileged)
    assert not intents & (1 << 8)  # no presences (privileged)
    assert not intents & (1 << 9)  # no guild messages: the bot reads none as they come
    (lab_command,) = fake.synced["global"]
    assert lab_command["name"] == "lab"
    names = {o["name"] for o in lab_command["options"]}
    assert {"help", "setup", "join", "members", "role", "me", "settings", "home"} <= names
    assert bot.client.user is not None and bot.client.user.id == BOT_ID
    for _ in range(100):  # discord.py heartbeats as soon as HELLO arrives
        if fake.heartbeats:
            break
        await asyncio.sleep(0.01)
    assert fake.heartbeats >= 1


async def test_a_dev_guild_gets_the_commands_at_once(launch: Launch, fake: FakeDiscord) -> None:
    await launch(dev_guild_id=GUILD_ID)
    assert list(fake.synced) == [str(GUILD_ID)]
    assert fake.calls("PUT", f"applications/{APP_ID}/guilds/{GUILD_ID}/commands")


async def test_sync_can_be_skipped(launch: Launch, fake: FakeDiscord) -> None:
    await launch(sync_commands=False)
    assert fake.synced == {} and not fake.calls("PUT")


async def test_without_the_message_content_intent_the_bot_runs_anyway(
    launch: Launch, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake.grant_message_content = False
    bot = await launch()
    assert len(fake.identified) == 2
    assert fake.identified[0]["intents"] & (1 << 15)
    assert not fake.identified[1]["intents"] & (1 << 15)
    assert not bot.client.intents.message_content
    assert "Message Content intent" in caplog.text
    rec = await bot.send(p.slash(p.GEMMA, "help"))
    assert rec.json["type"] == CHANNEL_MESSAGE


# --- slash commands ---------------------------------------------------------------------------


async def test_help_is_a_private_embed(bot: Bot) -> None:
    rec = await bot.send(p.slash(p.GEMMA, "help"))
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    assert title(rec) == "actionlab: what you can type"
    assert "`/lab role <member> <facilitator|secretary|member>`" in text_of(rec)
    assert "**The lab**" in text_of(rec)  # the core's *bold* as Discord's **bold**


async def test_setup_is_public_and_records_the_guild_channel(bot: Bot, app: App) -> None:
    rec = await bot.send(p.slash(p.GEMMA, "setup", name="Action Lab 1"))
    assert rec.json["type"] == CHANNEL_MESSAGE and not private(rec)
    assert title(rec) == "Action Lab 1 is set up"
    assert "Meeting window: 09:00-18:00 Europe/London, mon-fri" in text_of(rec)
    async with app.ctx.uow() as uow:
        found = await uow.labs.by_channel("discord", str(GUILD_ID), str(CHANNEL_ID))
    assert found is not None and found.name == "Action Lab 1"


async def test_an_enum_option_and_member_autocomplete(bot: Bot) -> None:
    await lab(bot)
    complete = p.autocomplete(p.GEMMA, ("role",), "member", member="am")
    rec = await bot.send(complete)
    assert rec.json == {"type": AUTOCOMPLETE_RESULT, "data": {"choices": [
        {"name": "Amara Okafor", "value": "Amara Okafor"}]}}
    rec = await bot.send(p.slash(p.GEMMA, "role", member="Amara Okafor", role="secretary"))
    assert not private(rec)
    assert "Gemma Rhodes made **Amara Okafor** secretary of Action Lab 1." in text_of(rec)


async def test_zone_autocomplete_finds_a_city(bot: Bot) -> None:
    rec = await bot.send(p.autocomplete(p.AMARA, ("me", "tz"), "zone", zone="paulo"))
    assert rec.json["type"] == AUTOCOMPLETE_RESULT
    assert {"name": "America/Sao_Paulo", "value": "America/Sao_Paulo"} in \
        rec.json["data"]["choices"]
    rec = await bot.send(p.autocomplete(p.AMARA, ("me", "tz"), "zone", zone=""))
    assert len(rec.json["data"]["choices"]) == 20  # the common zones, one a region


async def test_options_of_the_wrong_shape_get_a_private_usage_message(bot: Bot) -> None:
    await lab(bot)
    rec = await bot.send(p.slash(p.GEMMA, "settings", limit="many"))
    assert private(rec)
    assert "Usage: `/lab settings" in text_of(rec) and "many" in text_of(rec)
    rec = await bot.send(p.slash(p.AMARA, "me", "tz", zone="Europe/Berln"))
    assert private(rec) and "Europe/Berlin" in text_of(rec)
    rec = await bot.send(p.slash(p.GEMMA, "role", member="Nobody", role="secretary"))
    assert private(rec) and "No member of Action Lab 1 is called `Nobody`" in text_of(rec)


async def test_a_command_discord_no_longer_knows_is_answered_privately(bot: Bot) -> None:
    payload = p.slash(p.GEMMA, "help")
    payload["data"]["name"] = "oldlab"  # a command from before a restart, not synced since
    rec = await bot.send(payload)
    assert private(rec) and "has changed since your Discord app loaded it" in text_of(rec)
    payload = p.slash(p.GEMMA, "retired")
    rec = await bot.send(payload)
    assert private(rec) and "has changed" in text_of(rec)


async def test_commands_work_in_a_direct_message(bot: Bot) -> None:
    rec = await bot.send(p.slash(p.AMARA, "home", guild=False))
    assert private(rec) and title(rec) == "Hello, Amara Okafor"
    rec = await bot.send(p.slash(p.AMARA, "members", guild=False))
    assert private(rec) and "`/lab members` works in the lab's channel" in text_of(rec)
    assert "`/lab home`" in text_of(rec) and "`/lab setup`" not in text_of(rec)


# --- buttons and selects ----------------------------------------------------------------------


async def test_join_accept_and_the_zone_picker(bot: Bot, app: App) -> None:
    await bot.send(p.slash(p.GEMMA, "setup", name="Action Lab 1"))
    join = p.slash(p.AMARA, "join")
    rec = await bot.send(join)
    assert private(rec) and title(rec) == "Join Action Lab 1"
    button = p.find_control(bot.message(join), "I accept and join")
    assert button["custom_id"] == "al1:lab.accept:1" and button["style"] == 1
    press = p.component(p.AMARA, bot.message(join), button["custom_id"])
    start = len(bot.fake.requests)
    rec = await bot.send(press)
    assert rec.json["type"] == UPDATE_MESSAGE  # the join card becomes the welcome
    assert title(rec) == "Welcome to Action Lab 1" and rec.json["data"]["components"] == []
    # Discord never tells a bot someone's zone: the new member is asked, privately, once.
    ask = await bot.fake.wait_for(lambda r: r.path.startswith("webhooks/"), start=start)
    assert ask.method == "POST" and ask.json["flags"] & EPHEMERAL
    assert "Which time zone are you in?" in text_of(ask)
    (row,) = ask.json["components"]
    picker = row["components"][0]
    assert picker["type"] == 3 and picker["custom_id"] == "al1:lab.tz:"
    assert {"label": "Africa/Lagos", "value": "Africa/Lagos"}.items() <= \
        next(o for o in picker["options"] if o["value"] == "Africa/Lagos").items()
    message = bot.fake.messages[max(bot.fake.messages)]
    rec = await bot.send(p.component(p.AMARA, message, "al1:lab.tz:", ["Africa/Lagos"]))
    assert rec.json["type"] == UPDATE_MESSAGE
    assert "Your time zone is now Africa/Lagos" in text_of(rec)
    async with app.ctx.uow() as uow:
        person = await uow.people.by_identity("discord", "discord", str(p.AMARA[0]))
    assert person is not None and person.timezone == "Africa/Lagos"
    # Asked once: the next command brings no picker.
    start = len(bot.fake.requests)
    await bot.send(p.slash(p.AMARA, "members"))
    await asyncio.sleep(0.1)
    assert not [r for r in bot.fake.requests[start:] if r.path.startswith("webhooks/")]


def is_zone_question(r: Recorded) -> bool:
    return r.path.startswith("webhooks/") and "Which time zone are you in?" in text_of(r)


def zone_questions(bot: Bot, start: int = 0) -> list[Recorded]:
    return [r for r in bot.fake.requests[start:] if is_zone_question(r)]


async def test_a_member_without_a_zone_is_asked_once_ever(
    launch: Launch, app: App,
) -> None:
    bot = await launch()
    await bot.send(p.slash(p.GEMMA, "setup", name="Action Lab 1"))
    asked = await bot.fake.wait_for(is_zone_question)
    assert asked.json["flags"] & EPHEMERAL
    # She does not choose; her next commands bring no question again.
    for _ in range(2):
        await bot.send(p.slash(p.GEMMA, "members"))
    await asyncio.sleep(0.2)
    assert len(zone_questions(bot)) == 1
    # Nor does a restart: the question is remembered in the database, not in the process.
    await bot.stop()
    again = await create_app(app.ctx.settings, clock=app.ctx.clock, jobs=app.ctx.jobs)
    try:
        bot = await launch(on=again)
        start = len(bot.fake.requests)
        await bot.send(p.slash(p.GEMMA, "members"))
        await asyncio.sleep(0.2)
        assert zone_questions(bot, start) == []
        await bot.stop()
    finally:
        await again.close()


async def test_paging_buttons_replace_the_list(bot: Bot, app: App) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "settings", limit=30))
    for n in range(22):
        who = (200000000000000000 + n, f"Member {n:02d}")
        join = p.slash(who, "join")
        await bot.send(join)
        await bot.send(p.component(who, bot.message(join), "al1:lab.accept:1"))
    listing = p.slash(p.GEMMA, "members")
    rec = await bot.send(listing)
    assert "Page 1 of 2" in text_of(rec)
    nxt = p.find_control(bot.message(listing), "Next")
    assert nxt["custom_id"] == "al1:lab.members:1:2"
    rec = await bot.send(p.component(p.GEMMA, bot.message(listing), nxt["custom_id"]))
    assert rec.json["type"] == UPDATE_MESSAGE and "Page 2 of 2" in text_of(rec)
    labels = [c["label"] for row in rec.json["data"]["components"] for c in row["components"]]
    assert labels == ["◀ Previous"]


async def test_a_control_pressed_by_a_non_member_gets_a_private_answer(bot: Bot) -> None:
    await lab(bot)
    message = bot.fake.message(CHANNEL_ID, {"embeds": [{"title": "Members"}], "components": [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "Next ▶",
                                    "custom_id": "al1:lab.members:1:2"}]}]})
    rec = await bot.send(p.component(p.TOM, message, "al1:lab.members:1:2"))
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    assert "You are not a member of the lab here yet" in text_of(rec)
    # Facilitators only: a member gets told who to ask, privately.
    audit = bot.fake.message(CHANNEL_ID, {"components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Next ▶", "custom_id": "al1:lab.audit:1:2"}]}]})
    rec = await bot.send(p.component(p.AMARA, audit, "al1:lab.audit:1:2"))
    assert private(rec) and "Only facilitators" in text_of(rec) and "Gemma Rhodes" in \
        text_of(rec)


@pytest.mark.parametrize("custom_id", [
    "al1:poll.answer:7:yes",  # a route no feature registers (any more)
    "al0:lab.members:1:2",  # another version of the ids
    "f3a9c2e1b7d84e0f9a1b2c3d4e5f6a7b",  # a random id, as discord.py's own views make
])
async def test_unknown_or_stale_ids_get_a_private_run_it_again(bot: Bot, custom_id: str
                                                                ) -> None:
    message = bot.fake.message(CHANNEL_ID, {"components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Old", "custom_id": custom_id}]}]})
    rec = await bot.send(p.component(p.GEMMA, message, custom_id))
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    assert "older version of this message" in text_of(rec)


async def test_a_control_discord_py_cannot_match_to_its_message_is_still_answered(
    launch: Launch,
) -> None:
    bot = await launch(defer_after=0.1)
    await lab(bot)
    # Discord only sends ids that are on the message; should one not be (an edit racing a
    # click), discord.py drops it silently, so the client answers it itself.
    message = bot.fake.message(CHANNEL_ID, {"components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Next ▶", "custom_id": "al1:lab.members:1:1"}]}]},
        flags=EPHEMERAL)  # a members list, which only its reader sees
    press = p.component(p.GEMMA, message, "al1:lab.members:1:2")
    rec = await bot.send(press)
    assert rec.json["type"] in (DEFERRED_UPDATE, UPDATE_MESSAGE)
    for _ in range(200):
        if "Members of Action Lab 1" in str(bot.fake.messages[int(message["id"])]["embeds"]):
            break
        await asyncio.sleep(0.02)
    assert "Members of Action Lab 1" in str(bot.fake.messages[int(message["id"])]["embeds"])


async def test_old_messages_keep_working_after_a_restart(launch: Launch, fake: FakeDiscord
                                                         ) -> None:
    first = await launch()
    await lab(first)
    listing = p.slash(p.GEMMA, "help")
    await first.send(listing)
    join = p.slash(p.ZOE, "join")
    await first.send(join)
    old = first.message(join)
    await first.stop()
    second = await launch(sync_commands=False)
    rec = await second.send(p.component(p.ZOE, old, "al1:lab.accept:1"))
    assert rec.json["type"] == UPDATE_MESSAGE and title(rec) == "Welcome to Action Lab 1"


# --- test-only commands: a form, a multi-select, slow work ------------------------------------


class NoteArgs(Args):
    title: Annotated[str, Pos("title"), Field(max_length=80)]
    body: Annotated[str, Kw(word="text")]  # shown as `text`, a rename to read back


def register_test_commands(app: App, seen: dict[str, Any]) -> None:
    router = app.ctx.router

    async def note_form(call: Call[Any]) -> Form:
        return Form(action_ids.encode("form", "note.new"), "New note", (
            Input("title", "Title", placeholder="What is it about?", max_length=80),
            Input("body", "Text", multiline=True, max_length=1000),
        ))

    @router.command("note new", args=NoteArgs, access="anyone", form=note_form,
                    summary="Write a note.")
    async def note_new(call: Call[NoteArgs]) -> Reply:
        seen["note"] = (call.args.title, call.args.body)
        return Reply(card=Card((Text(f"*{call.args.title}*: {call.args.body}"),)),
                     private=False)

    # Test-only commands share one group: /lab has room for 25 names on Discord.
    @router.command("test pick", access="anyone", summary="Pick several.")
    async def pick(call: Call[Any]) -> Reply:
        return Reply(card=Card((Text("Which days suit you?"), Select(
            action_ids.encode("test.pick", 1), "Days", tuple(
                Option(d, d.lower()) for d in ("Monday", "Tuesday", "Wednesday")),
            max_values=3))))

    @router.action("test.pick", scope="none")
    async def picked(call: Call[Any]) -> Reply:
        seen["picked"] = call.values
        return Reply(card=Card((Text("You chose " + ", ".join(call.values) + "."),)),
                     replace=True)

    @router.command("test slow", access="anyone", summary="Slow work.")
    async def slow(call: Call[Any]) -> Reply:
        await asyncio.sleep(0.3)
        return Reply(card=Card((Text("Slow result"),)), private=seen.get("private", True))

    @router.action("test.slow", scope="none")
    async def slow_button(call: Call[Any]) -> Reply:
        await asyncio.sleep(0.3)
        return Reply(card=Card((Text("Slow page"),)), replace=True)

    @router.command("test quiet", access="anyone", summary="Nothing to say.")
    async def quiet(call: Call[Any]) -> Reply:
        return Reply()

    @router.action("test.nothing", scope="none")
    async def nothing(call: Call[Any]) -> Reply:
        return Reply()

    @router.action("test.rename", scope="none")
    async def rename(call: Call[Any]) -> Reply:  # a button that opens a form
        return Reply(form=Form(action_ids.encode("test.renamed", 5), "Rename",
                               (Input("name", "New name"),)))

    @router.action("test.renamed", scope="none")
    async def renamed(call: Call[Any]) -> Reply:  # ... whose submission edits the message
        seen["renamed"] = dict(call.fields)
        return Reply(card=Card((Text(f"Renamed to {call.fields['name']}"),)), replace=True,
                     private=False)


@pytest.fixture
def seen(app: App) -> dict[str, Any]:
    found: dict[str, Any] = {}
    register_test_commands(app, found)
    return found


async def test_a_bare_command_with_a_form_opens_a_modal_and_its_submit_runs_it(
    seen: dict[str, Any], launch: Launch
) -> None:
    bot = await launch()
    synced = {o["name"]: o for o in bot.fake.synced["global"][0]["options"]}
    note = {o["name"]: o for o in synced["note"]["options"]}["new"]
    assert [(o["name"], o["required"]) for o in note["options"]] == [
        ("title", False), ("text", False)]  # a form fills them when left empty
    rec = await bot.send(p.slash(p.GEMMA, "note", "new"))
    assert rec.json["type"] == MODAL
    modal = rec.json["data"]
    assert modal["custom_id"] == "al1:form:note.new" and modal["title"] == "New note"
    inputs = [row["components"][0] for row in modal["components"]]
    assert [(i["custom_id"], i["label"], i["style"], i["max_length"]) for i in inputs] == [
        ("title", "Title", 1, 80), ("body", "Text", 2, 1000)]
    rec = await bot.send(p.modal_submit(p.GEMMA, "al1:form:note.new",
                                        {"title": "Budget", "body": "Ask the *council*"}))
    assert seen["note"] == ("Budget", "Ask the *council*")
    assert rec.json["type"] == CHANNEL_MESSAGE and not private(rec)
    assert "**Budget**: Ask the **council**" in text_of(rec)
    # With options given, no form: the command runs at once.
    rec = await bot.send(p.slash(p.GEMMA, "note", "new", title="Travel", text="Book trains"))
    assert seen["note"] == ("Travel", "Book trains") and rec.json["type"] == CHANNEL_MESSAGE
    # A form submitted with a bad value gets the usage, privately.
    rec = await bot.send(p.modal_submit(p.GEMMA, "al1:form:note.new",
                                        {"title": "x" * 81, "body": "y"}))
    assert private(rec) and "Usage: `/lab note new" in text_of(rec)


async def test_a_multi_select_hands_every_choice_to_the_core(
    seen: dict[str, Any], launch: Launch
) -> None:
    bot = await launch()
    ask = p.slash(p.AMARA, "test", "pick")
    await bot.send(ask)
    select = p.find_control(bot.message(ask), "test.pick")
    assert select["max_values"] == 3 and select["min_values"] == 1
    assert [o["value"] for o in select["options"]] == ["monday", "tuesday", "wednesday"]
    rec = await bot.send(p.component(p.AMARA, bot.message(ask), select["custom_id"],
                                     ["monday", "wednesday"]))
    assert seen["picked"] == ("monday", "wednesday")
    assert rec.json["type"] == UPDATE_MESSAGE
    assert "You chose monday, wednesday." in text_of(rec)


async def test_slow_work_is_deferred_privately_then_delivered(
    seen: dict[str, Any], launch: Launch
) -> None:
    bot = await launch(defer_after=0.05)
    ask = p.slash(p.AMARA, "test", "slow")
    rec = await bot.send_first(ask)
    assert rec.json["type"] == DEFERRED_MESSAGE and private(rec)
    edit = await bot.fake.wait_for(lambda r: r.method == "PATCH" and r.path.endswith(
        f"{ask['token']}/messages/@original"))
    assert "Slow result" in text_of(edit)
    assert not bot.fake.messages[bot.fake.original[int(ask["id"])]]["flags"] & LOADING


async def test_slow_public_work_follows_up_for_everyone(
    seen: dict[str, Any], launch: Launch
) -> None:
    seen["private"] = False
    bot = await launch(defer_after=0.05)
    ask = p.slash(p.AMARA, "test", "slow")
    rec = await bot.send_first(ask)
    assert rec.json["type"] == DEFERRED_MESSAGE and private(rec)
    follow = await bot.fake.wait_for(
        lambda r: r.method == "POST" and r.path == f"webhooks/{APP_ID}/{ask['token']}")
    assert not int(follow.json.get("flags") or 0) & EPHEMERAL
    assert "Slow result" in text_of(follow)
    edit = bot.fake.calls("PATCH", f"{ask['token']}/messages/@original")
    assert edit and "Shared with the channel below" in text_of(edit[0])


async def test_a_slow_button_is_acknowledged_then_its_message_updated(
    seen: dict[str, Any], launch: Launch
) -> None:
    bot = await launch(defer_after=0.05)
    message = bot.fake.message(CHANNEL_ID, {"components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Go", "custom_id": "al1:test.slow:1"}]}]},
        flags=EPHEMERAL)
    press = p.component(p.AMARA, message, "al1:test.slow:1")
    rec = await bot.send_first(press)
    assert rec.json["type"] == DEFERRED_UPDATE
    edit = await bot.fake.wait_for(lambda r: r.method == "PATCH" and r.path.endswith(
        f"{press['token']}/messages/@original"))
    assert "Slow page" in text_of(edit)
    assert "Slow page" in bot.fake.messages[int(message["id"])]["embeds"][0]["description"]


async def test_a_private_answer_never_replaces_a_message_the_channel_sees(
    seen: dict[str, Any], launch: Launch
) -> None:
    bot = await launch()
    shared = bot.fake.message(CHANNEL_ID, {"embeds": [{"description": "For everyone"}],
                                           "components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Go", "custom_id": "al1:test.slow:1"}]}]})
    rec = await bot.send(p.component(p.AMARA, shared, "al1:test.slow:1"))
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    assert "Slow page" in text_of(rec)
    assert bot.fake.messages[int(shared["id"])]["embeds"] == [{"description": "For everyone"}]


async def test_an_empty_reply_still_answers(seen: dict[str, Any], launch: Launch) -> None:
    bot = await launch()
    rec = await bot.send(p.slash(p.AMARA, "test", "quiet"))
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    assert rec.json["data"]["content"] == "Done."


async def test_an_empty_answer_to_a_click_just_acknowledges_it(
    seen: dict[str, Any], launch: Launch
) -> None:
    bot = await launch()
    message = bot.fake.message(CHANNEL_ID, {"components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Noop", "custom_id": "al1:test.nothing:1"}]}]})
    rec = await bot.send(p.component(p.AMARA, message, "al1:test.nothing:1"))
    assert rec.json == {"type": DEFERRED_UPDATE}


async def test_a_button_can_open_a_form_whose_submission_updates_that_message(
    seen: dict[str, Any], launch: Launch
) -> None:
    bot = await launch()
    message = bot.fake.message(CHANNEL_ID, {"embeds": [{"description": "Old"}],
                                            "components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Rename", "custom_id": "al1:test.rename:5"}]}]})
    rec = await bot.send(p.component(p.AMARA, message, "al1:test.rename:5"))
    assert rec.json["type"] == MODAL and rec.json["data"]["custom_id"] == "al1:test.renamed:5"
    rec = await bot.send(p.modal_submit(p.AMARA, "al1:test.renamed:5", {"name": "Lab One"},
                                        message=message))
    assert seen["renamed"] == {"name": "Lab One"}
    assert rec.json["type"] == UPDATE_MESSAGE and "Renamed to Lab One" in text_of(rec)


# --- Discord refusing what the bot sends ------------------------------------------------------


async def test_an_over_long_answer_becomes_a_private_explanation(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fake.fail("POST", r"^interactions/\d+/[^/]+/callback$", 400, code=50035,
                  message="Invalid Form Body",
                  errors={"data": {"embeds": {"0": {"description": {"_errors": [
                      {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 4096 or fewer"}]}}}}})
    ask = p.slash(p.GEMMA, "help")
    with caplog.at_level(logging.WARNING, logger="adapters.discord.client"):
        await bot.fake.interact(ask)
        refused = await bot.fake.callback(int(ask["id"]))
        explained = await bot.fake.wait_for(
            lambda r: r.path.startswith(f"interactions/{ask['id']}/") and r is not refused)
    assert refused.json["data"]["embeds"]  # the help card Discord refused
    assert private(explained)
    assert text_of(explained) == ("I could not show that here. Discord refused the message as "
                                  "too long or malformed.")
    # Discord's own words and codes are for the operator, in the log only.
    assert "HTTP 400, code 50035: Invalid Form Body" in caplog.text
    assert "Must be 4096 or fewer" in caplog.text


async def test_an_announcement_that_discord_refuses_does_not_block_the_answer(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.send(p.slash(p.GEMMA, "setup", name="Action Lab 1"))
    bot.fake.fail("POST", r"^channels/\d+/messages$", 403, code=50013,
                  message="Missing Permissions")
    join = p.slash(p.AMARA, "join")
    await bot.send(join)
    rec = await bot.send(p.component(p.AMARA, bot.message(join), "al1:lab.accept:1"))
    assert title(rec) == "Welcome to Action Lab 1"
    assert "lacks a permission in that channel" in caplog.text
