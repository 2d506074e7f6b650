"""Minutes on Discord, end to end: the real discord.py client and the real minutes feature
against the fake Discord. Start, note, decision, action, the "I'm here" button, a 📝
reaction on a real message, a private PDF export after a defer, and the Done button."""

from __future__ import annotations

import copy

from bot.bootstrap import App
from bot.domain.minutes import ActionStatus, EntryKind, EntrySource
from fakes import discord_payloads as p
from fakes.discord_api import (
    APP_ID,
    CHANNEL_ID,
    EPHEMERAL,
    LOADING,
    OTHER_CHANNEL_ID,
)
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.helpers import (
    CHANNEL_MESSAGE,
    DEFERRED_MESSAGE,
    UPDATE_MESSAGE,
    body,
    controls,
    file_names,
    lab,
    private,
    react_and_read_dm,
    text_of,
    title,
)


async def entries(app: App) -> list[tuple[int | None, EntryKind, str, EntrySource, str | None]]:
    async with app.ctx.uow() as uow:
        minutes = await uow.minutes.latest(1)
        assert minutes is not None
        return [(e.number, e.kind, e.text, e.source, e.author_name)
                for e in await uow.minutes.entries(minutes.id)]


async def test_taking_minutes_on_discord(bot: Bot, app: App) -> None:
    await lab(bot)
    start = p.slash(p.GEMMA, "minutes", "start", meeting="Kick-off call")
    rec = await bot.send(start)
    assert rec.json["type"] == CHANNEL_MESSAGE and not private(rec)
    assert title(rec) == "Minutes: Kick-off call"
    card = copy.deepcopy(bot.message(start))
    (here,) = controls(card)
    assert here["label"] == "I'm here" and here["custom_id"] == "al1:minutes.here:1"

    rec = await bot.send(p.slash(p.AMARA, "note", text="Zoë summarised the survey results"))
    assert private(rec) and "Added note 1 to the minutes" in text_of(rec)
    rec = await bot.send(p.slash(p.GEMMA, "decision",
                                 text="We take forward research and case studies"))
    assert not private(rec)
    assert "**Decision 2** (Kick-off call): We take forward research and case studies" in \
        text_of(rec)
    rec = await bot.send(p.slash(p.GEMMA, "action", member="Amara Okafor", due="2027-01-15",
                                 text="Draft the problem statement"))
    assert not private(rec)
    assert "**Action 3** for **Amara Okafor**, due Fri 15 Jan 2027" in text_of(rec)

    # "I'm here" on the public card: the card itself shows who is present.
    rec = await bot.send(p.component(p.ZOE, card, here["custom_id"]))
    assert rec.json["type"] == UPDATE_MESSAGE
    assert "Present (1): Zoë Núñez" in text_of(rec)
    assert "Present (1): Zoë Núñez" in text_of(bot.fake.messages[int(card["id"])])
    rec = await bot.send(p.component(p.ZOE, card, here["custom_id"]))
    assert private(rec) and "already marked present" in text_of(rec)

    # 📝 on a message someone wrote in the channel: the minutes feature captures it, and
    # the person who reacted is told privately.
    said = bot.fake.message(CHANNEL_ID, {"content": "We agree to pilot in Lagos first."})
    said["author"] = p.user(p.ZOE)
    dm = await react_and_read_dm(bot, p.AMARA, int(said["id"]))
    assert "Zoë Núñez's message is in the minutes of “Kick-off call” as note 4." in text_of(dm)
    assert (4, EntryKind.NOTE, "We agree to pilot in Lagos first.", EntrySource.REACTION,
            "Zoë Núñez") in await entries(app)
    async with app.ctx.uow() as uow:
        minutes = await uow.minutes.latest(1)
        assert minutes is not None
        entry = await uow.minutes.entry(minutes.id, 4)
        assert entry is not None and entry.link is not None and said["id"] in entry.link
    # The same message again is not added twice.
    dm = await react_and_read_dm(bot, p.GEMMA, int(said["id"]))
    assert "already in the minutes as note 4" in text_of(dm)
    assert [e[0] for e in await entries(app)] == [1, 2, 3, 4]
    # 📝 in a channel of the server that is no lab's is someone's own use of the emoji.
    elsewhere = bot.fake.message(OTHER_CHANNEL_ID, {"content": "My shopping list"})
    mark = len(bot.fake.requests)
    await bot.fake.dispatch("MESSAGE_REACTION_ADD", p.reaction(
        p.AMARA, int(elsewhere["id"]), "📝", channel_id=OTHER_CHANNEL_ID))
    await bot.send(p.slash(p.GEMMA, "help"))  # the gateway is handled in order
    assert [r.path for r in bot.fake.requests[mark:] if not r.path.startswith(
        ("interactions/", "webhooks/"))] == []
    assert [e[0] for e in await entries(app)] == [1, 2, 3, 4]

    # The PDF export: slow work, so the bot defers (privately) and then delivers the file
    # to the secretary alone, as an attachment on that private message.
    bot.client.defer_after = 0.0
    ask = p.slash(p.GEMMA, "minutes", "export", format="pdf")
    rec = await bot.send_first(ask)
    assert rec.json["type"] == DEFERRED_MESSAGE and private(rec)
    edit = await bot.fake.wait_for(
        lambda r: r.method == "PATCH"
        and r.path == f"webhooks/{APP_ID}/{ask['token']}/messages/@original")
    assert file_names(edit) == ["minutes-action-lab-1-kick-off-call-2027-01-04.pdf"]
    assert dict(edit.files)["minutes-action-lab-1-kick-off-call-2027-01-04.pdf"].startswith(b"%PDF")
    assert "for you only" in text_of(edit)
    message = bot.fake.messages[bot.fake.original[int(ask["id"])]]
    assert int(message["flags"]) & EPHEMERAL and not int(message["flags"]) & LOADING
    assert [a["filename"] for a in message["attachments"]] == [
        "minutes-action-lab-1-kick-off-call-2027-01-04.pdf"]
    # Nothing went to the channel.
    assert not [r for r in bot.fake.requests
                if r.path == f"channels/{CHANNEL_ID}/messages" and r.files]
    bot.client.defer_after = 1.5

    # A member who is not the secretary cannot export.
    rec = await bot.send(p.slash(p.AMARA, "minutes", "export", format="pdf"))
    assert private(rec) and "Only the secretary and facilitators" in text_of(rec)


async def test_the_actions_done_button(bot: Bot, app: App) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "minutes", "start", meeting="Kick-off call"))
    await bot.send(p.slash(p.GEMMA, "action", member="Amara Okafor", due="2027-01-15",
                           text="Draft the problem statement"))
    await bot.send(p.slash(p.GEMMA, "action", member="Zoë Núñez",
                           text="Share the survey"))
    # Amara sees both, hers first; she may close only her own.
    ask = p.slash(p.AMARA, "minutes", "actions")
    rec = await bot.send(ask)
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    text = text_of(rec)
    assert text.index("Draft the problem statement") < text.index("Share the survey")
    assert "Fri 15 Jan" in text
    buttons = controls(bot.message(ask))
    assert [b["label"] for b in buttons] == ["Done 1"]
    rec = await bot.send(p.component(p.AMARA, bot.message(ask), buttons[0]["custom_id"]))
    assert rec.json["type"] == UPDATE_MESSAGE
    assert "Draft the problem statement" not in text_of(rec)
    assert "Share the survey" in text_of(rec)
    async with app.ctx.uow() as uow:
        items = await uow.action_items.of_minutes(1)
        status = {i.entry.text: i.status for i in items}
    assert status == {"Draft the problem statement": ActionStatus.DONE,
                      "Share the survey": ActionStatus.OPEN}
    # The same Done on the old card, pressed again by the facilitator: already done.
    rec = await bot.send(p.component(p.GEMMA, bot.message(ask), buttons[0]["custom_id"]))
    assert private(rec) and "already done" in text_of(rec)
    # The facilitator closes Zoë's; the list is then empty.
    ask = p.slash(p.GEMMA, "minutes", "actions")
    await bot.send(ask)
    done = p.find_control(bot.message(ask), "Done 1")
    rec = await bot.send(p.component(p.GEMMA, bot.message(ask), done["custom_id"]))
    assert "None: every action item is done." in text_of(rec)
    assert body(rec)["components"] == []


async def test_confirming_a_past_due_date_privately_shares_the_action_with_the_channel(
    bot: Bot, app: App
) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "minutes", "start", meeting="Kick-off call"))
    ask = p.slash(p.GEMMA, "action", member="Amara Okafor", due="2027-01-01",
                  text="Book the room")
    rec = await bot.send(ask)
    assert private(rec) and "is in the past" in text_of(rec)
    confirm = p.find_control(bot.message(ask), "Add with this date")
    press = p.component(p.GEMMA, bot.message(ask), confirm["custom_id"])
    rec = await bot.send(press)
    # The private question closes, and the action is announced where everyone sees it.
    assert rec.json["type"] == UPDATE_MESSAGE
    assert rec.json["data"]["content"] == "Shared with the channel below."
    assert rec.json["data"]["embeds"] == [] and rec.json["data"]["components"] == []
    shared = await bot.fake.wait_for(
        lambda r: r.method == "POST" and r.path == f"webhooks/{APP_ID}/{press['token']}")
    assert not private(shared)
    assert "**Action 1** for **Amara Okafor**, due Fri 01 Jan 2027" in text_of(shared)
    async with app.ctx.uow() as uow:
        (item,) = await uow.action_items.of_minutes(1)
    assert item.status is ActionStatus.OPEN
