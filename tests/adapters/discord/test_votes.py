"""Ranked-choice votes on Discord, end to end: the real discord.py client and the real votes
feature against the fake Discord. Opening by modal and in one line, ranking with the menus
and with the ranking form, ballots read back privately, the result with its chart, and a
secret ballot: nothing the bot sends shows anyone's ranking to anyone else."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.bootstrap import App
from bot.config import Settings, VoteTemplate, load_settings
from fakes import discord_payloads as p
from fakes.discord_api import CHANNEL_ID, EPHEMERAL, Recorded
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

SOLUTIONS = ["Micro-contracting in procurement", "Clever contracts",
             "Nurturing government staff", "Case studies", "Research"]
RANKED = re.compile(r"\b\d+(st|nd|rd|th) choice: ")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(None).model_copy(update={
        "database_url": SecretStr(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"),
        "vote_templates": {"action-lab-1": VoteTemplate(
            question="Which solution should Action Lab 1 take forward?", options=SOLUTIONS)},
    })


async def open_by_form(bot: Bot) -> dict[str, Any]:
    """Gemma opens vote 1 through the modal; the public vote card."""
    rec = await bot.send(p.slash(p.GEMMA, "vote", "new"))
    assert rec.json["type"] == MODAL
    submit = p.modal_submit(p.GEMMA, "al1:form:vote.new", {
        "question": "Which solution?", "options": "\n".join(SOLUTIONS), "method": "irv",
        "seats": "1", "closes": ""})
    await bot.send(submit)
    # A private preview first; nothing is posted or counted until "Open the vote".
    preview = bot.message(submit)
    await bot.send(p.component(p.GEMMA, preview,
                               p.find_control(preview, "Open the vote")["custom_id"]))
    # The card is posted in the channel as a message of its own (a live card, redrawn as
    # ballots come in); the form's own answer is a private "Done."
    return copy.deepcopy(await posted(bot, "Vote #1: Which solution?"))


async def rank_with_menus(bot: Bot, who: tuple[int, str], card: dict[str, Any],
                          choices: list[int]) -> Recorded:
    """Press "Rank with menus", choose `choices` one menu at a time, save."""
    press = p.component(who, card, p.find_control(card, "Rank with menus")["custom_id"])
    rec = await bot.send(press)
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    for n, choice in enumerate(choices):
        mine = bot.message(press)
        (select,) = [c for c in controls(mine) if c["type"] == 3]
        draft = "-".join(str(c) for c in choices[:n]) or "-"
        assert select["custom_id"] == f"al1:vote.pick:1:{draft}"
        rec = await bot.send(p.component(who, mine, select["custom_id"], [str(choice)]))
        assert rec.json["type"] == UPDATE_MESSAGE
    save = p.find_control(bot.message(press), "Save my ranking")
    rec = await bot.send(p.component(who, bot.message(press), save["custom_id"]))
    assert rec.json["type"] == UPDATE_MESSAGE
    return rec


async def test_vote_new_opens_a_modal_whose_submit_opens_the_vote(bot: Bot, app: App) -> None:
    await lab(bot)
    rec = await bot.send(p.slash(p.GEMMA, "vote", "new"))
    assert rec.json["type"] == MODAL
    modal = rec.json["data"]
    assert modal["custom_id"] == "al1:form:vote.new"
    inputs = [row["components"][0] for row in modal["components"]]
    assert [(i["custom_id"], i["style"]) for i in inputs] == [
        ("question", 1), ("options", 2), ("method", 1), ("seats", 1), ("closes", 1)]
    card = await open_by_form(bot)
    assert re.fullmatch(r"Vote #?1: Which solution\?", card["embeds"][0]["title"])
    assert "**5.** Research" in text_of(card)
    assert [c["label"] for c in controls(card)] == ["Rank with menus", "Type my ranking",
                                                   "My ballot"]
    async with app.ctx.uow() as uow:
        vote = await uow.votes.by_number(1, 1)
        assert vote is not None and [o.label for o in vote.options] == SOLUTIONS


async def test_the_vote_form_fits_a_long_zone_name(bot: Bot) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "me", "tz", zone="America/Argentina/Buenos_Aires"))
    rec = await bot.send(p.slash(p.GEMMA, "vote", "new"))
    assert rec.json["type"] == MODAL
    closes = rec.json["data"]["components"][4]["components"][0]
    assert closes["label"] == "Closes (YYYY-MM-DD HH:MM, America/Argentina…)"
    assert len(closes["label"]) <= 45


async def test_vote_new_in_one_line_from_a_template(bot: Bot) -> None:
    await lab(bot)
    new = p.slash(p.GEMMA, "vote", "new", template="action-lab-1", closes="2027-01-11 17:00")
    await bot.send(new)
    # A private preview, the close in Gemma's zone, named; posted once she opens it.
    preview = bot.message(new)
    assert int(preview.get("flags") or 0) & 64
    assert "Mon 11 Jan 2027, 17:00 GMT (Europe/London)" in text_of(preview)
    await bot.send(p.component(p.GEMMA, preview,
                               p.find_control(preview, "Open the vote")["custom_id"]))
    card = await posted(bot, "Vote #1: Which solution should Action Lab 1 take forward?")
    assert "**2.** Clever contracts" in text_of(card)
    # The close is a Discord timestamp (17:00 London is 17:00 UTC in January).
    assert "Closes: <t:1799686800:F>" in text_of(card)
    rec = await bot.send(p.slash(p.GEMMA, "vote", "new", template="action-lab-9"))
    assert private(rec) and "There is no vote template `action-lab-9`" in text_of(rec)
    rec = await bot.send(p.autocomplete(p.AMARA, ("vote", "show"), "vote", vote=""))
    assert rec.json["type"] == AUTOCOMPLETE_RESULT
    (choice,) = rec.json["data"]["choices"]
    assert choice["value"] == "1" and "Which solution should" in choice["name"]
    assert "(open)" in choice["name"]


async def test_ranking_with_the_menus_and_the_form_then_the_result(bot: Bot, app: App
                                                                   ) -> None:
    await lab(bot)
    card = await open_by_form(bot)
    start = len(bot.fake.requests)

    # Amara ranks with the "1st choice", "2nd choice"... menus.
    rec = await rank_with_menus(bot, p.AMARA, card, [5, 4, 2])
    assert re.fullmatch(r"Ballot saved: vote #?1", title(rec))
    assert "1st choice: Research\n2nd choice: Case studies\n3rd choice: Clever contracts" in \
        text_of(rec)

    # Zoë types hers in the ranking form, opened from the public card.
    press = p.component(p.ZOE, card, p.find_control(card, "Type my ranking")["custom_id"])
    rec = await bot.send(press)
    assert rec.json["type"] == MODAL and rec.json["data"]["custom_id"] == "al1:form:rank"
    fields = {row["components"][0]["custom_id"]: row["components"][0]
              for row in rec.json["data"]["components"]}
    assert fields["vote"]["value"] == "1"
    rec = await bot.send(p.modal_submit(p.ZOE, "al1:form:rank",
                                        {"vote": "1", "options": "2 research"},
                                        message=card))
    assert rec.json["type"] == CHANNEL_MESSAGE and private(rec)
    assert "1st choice: Clever contracts\n2nd choice: Research" in text_of(rec)

    # Gemma ranks by typing the command; a bad ranking changes nothing and says why.
    rec = await bot.send(p.slash(p.GEMMA, "rank", vote="1", options="4 4"))
    assert private(rec) and "Your ballot was not changed." in text_of(rec)
    rec = await bot.send(p.slash(p.GEMMA, "rank", vote="1", options="5 4 1"))
    assert private(rec) and re.fullmatch(r"Ballot saved: vote #?1", title(rec))

    # "My ballot" reads each person's own ballot back, privately.
    mine = await bot.send(p.component(p.AMARA, card, "al1:vote.mine:1"))
    assert private(mine) and re.fullmatch(r"Your ballot in vote #?1", title(mine))
    assert "1st choice: Research" in text_of(mine)
    async with app.ctx.uow() as uow:
        ballot = await uow.ballots.of(1, await person_id(app, p.ZOE))
        assert ballot is not None and list(ballot.ranking) == [2, 5]

    # Nobody but the voter was shown a ranking: every message that lists choices answered
    # the voter's own interaction, and is one only they can see.
    first = {p.AMARA[0]: "Research", p.ZOE[0]: "Clever contracts", p.GEMMA[0]: "Research"}
    shown = 0
    for r in bot.fake.requests[start:]:
        said = RANKED.search(text_of(r))
        if not said:
            continue
        shown += 1
        assert r.path.startswith("interactions/"), r.path  # never a channel post or DM
        iid = int(r.path.split("/")[1])
        voter = int(bot.fake.payloads[iid]["member"]["user"]["id"])
        assert f"1st choice: {first[voter]}" in text_of(r)
        message = bot.fake.messages[bot.fake.original[iid]]
        assert int(message["flags"]) & EPHEMERAL, text_of(r)
    assert shown >= 7  # three drafts and a save (Amara), Zoë's, Gemma's, "My ballot"
    # ... and the updates went to the private ranking card, never the public vote card.
    assert bot.fake.messages[int(card["id"])]["embeds"] == card["embeds"]

    # Gemma closes it: the result goes to the channel with its chart; nobody is named.
    start = len(bot.fake.requests)
    rec = await bot.send(p.slash(p.GEMMA, "vote", "close", vote="1"))
    assert private(rec) and re.search(r"Vote #?1 is closed: Research won", text_of(rec))
    posted = await bot.fake.wait_for(
        lambda r: r.method == "POST" and r.path == f"channels/{CHANNEL_ID}/messages",
        start=start)
    assert re.search(r"Vote #?1 result: Research won", text_of(posted))
    assert file_names(posted) == ["vote-1-result.png"]
    assert body(posted)["embeds"][0]["description"]
    assert re.search(r"Turnout: 3 of 3 (members )?voted", text_of(posted))
    for r in bot.fake.requests[start:]:
        assert not RANKED.search(text_of(r))
        for name in ("Gemma", "Amara", "Zoë"):
            assert name not in text_of(r) or r.path.startswith("interactions/")
    ask = p.slash(p.AMARA, "vote", "show", vote="1")
    await bot.fake.interact(ask)
    rec = await bot.fake.callback(int(ask["id"]))
    if not rec.files:  # the chart took long enough to be deferred
        rec = await bot.fake.wait_for(lambda r: r.method == "PATCH" and bool(r.files)
                                      and ask["token"] in r.path)
    assert private(rec) and file_names(rec) == ["vote-1-result.png"]
    rec = await bot.send(p.component(p.AMARA, card, "al1:vote.mine:1"))
    assert private(rec) and "ballots are no longer linked to anyone" in text_of(rec)
