"""Options with their case on Discord, through discord.py against the fake Discord: the
built-in template puts each option's summary in the select menu as the option's
`description`, and "Read the options" answers privately with the full text."""

from __future__ import annotations

from bot.domain.options import summary
from bot.features.votes.templates import builtin_templates
from fakes import discord_payloads as p
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.helpers import controls, lab, open_vote, posted, private, text_of


async def test_the_select_menu_carries_each_option_s_summary(bot: Bot) -> None:
    cases = builtin_templates()["action-lab-1"].options
    await lab(bot)
    await open_vote(bot, p.slash(p.GEMMA, "vote", "new", template="action-lab-1"))
    # The vote's card is posted in the channel as a message of its own (a live card).
    question = builtin_templates()["action-lab-1"].question
    card = await posted(bot, f"Vote #1: {question}")
    press = p.component(p.AMARA, card, p.find_control(card, "Rank with menus")["custom_id"])
    rec = await bot.send(press)
    assert private(rec)
    mine = bot.message(press)
    (select,) = [c for c in controls(mine) if c["type"] == 3]
    got = [(o["label"], o["description"]) for o in select["options"]]
    assert got == [(f"{n}. {label}", summary(text))
                   for n, (label, text) in enumerate(cases, 1)]
    about = p.component(p.AMARA, mine, p.find_control(mine, "Read the options")["custom_id"])
    rec = await bot.send(about)
    assert private(rec)
    shown = text_of(rec)
    for label, text in cases:
        assert label in shown and (text or "")[-60:] in shown
