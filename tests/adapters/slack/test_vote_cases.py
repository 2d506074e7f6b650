"""Options with their case on Slack, through slack-bolt against the fake Slack: the built-in
template (no configuration) puts each option's summary in the ranking menu as the option's
`description`, and "Read the options" answers with the full text."""

from __future__ import annotations

from bot.domain.options import summary
from bot.features.votes.templates import builtin_templates
from tests.adapters.slack.blockkit import blocks_of
from tests.adapters.slack.conftest import Slack


async def test_the_ballot_menu_carries_each_option_s_summary(lab: Slack) -> None:
    cases = builtin_templates()["action-lab-1"].options
    await lab.open_vote("UGEMMA", "vote new template action-lab-1")
    # Posted in the lab's channel as a message of its own (a live card).
    card = (await lab.fake.wait_for("chat.postMessage"))[-1]
    await lab.click("UAMARA", card, "Rank with menus", ephemeral=False)
    ranking = lab.fake.last("response_url")
    menus = [e for b in blocks_of(ranking) if b["type"] == "actions" for e in b["elements"]
             if e["type"] == "static_select"]
    (menu,) = menus
    got = [(o["text"]["text"], o["description"]["text"]) for o in menu["options"]]
    want = [(f"{n}. {label}", summary(text)) for n, (label, text) in enumerate(cases, 1)]
    assert got == want
    assert all(len(d) <= 75 for _, d in got)
    # One click to the whole text, privately.
    await lab.click("UAMARA", ranking, "Read the options", ephemeral=True)
    about = lab.fake.last("response_url")
    assert about.args["response_type"] == "ephemeral"
    texts = " ".join(b["text"]["text"] for b in blocks_of(about) if b["type"] == "section")
    for label, text in cases:
        assert f". {label}*" in texts and (text or "")[-60:] in texts
