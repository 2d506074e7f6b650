"""A confidential lab in a channel the whole workspace can read: Slack is asked
(conversations.info) when a channel is bound to the lab, and whoever bound it is told,
privately, with how to make it private. Through the real AsyncApp and the fake Slack."""

from __future__ import annotations

import re

from fakes.slack_api import Call
from tests.adapters.slack.conftest import Slack


def answers(slack: Slack) -> list[Call]:
    return slack.fake.of("response_url")


def text(call: Call) -> str:
    return str(call.args.get("text") or "")


async def test_a_private_channel_gets_no_warning(slack: Slack) -> None:
    await slack.command("UGEMMA", 'setup "Action Lab 1"')
    assert slack.fake.last("conversations.info").args["channel"] == "C1"
    sent = answers(slack)
    assert len(sent) == 1
    assert text(sent[0]) == "Action Lab 1 is set up in this channel."


async def test_setup_in_a_public_channel_warns_the_facilitator_privately(slack: Slack) -> None:
    slack.fake.public_channels.add("C1")
    await slack.command("UGEMMA", 'setup "Action Lab 1"')
    setup, warning = answers(slack)
    assert setup.args["response_type"] == "in_channel"  # the lab is set up all the same
    assert warning.args["response_type"] == "ephemeral"
    assert warning.args["url_token"] == setup.args["url_token"]  # to the one who typed it
    said = text(warning)
    assert "anyone in this workspace can find this channel and read it" in said
    assert "the lab is confidential" in said
    assert "Change to a private channel" in said


async def test_a_channel_shared_with_another_organisation_is_named_as_such(
        slack: Slack) -> None:
    slack.fake.shared_channels.add("C1")
    await slack.command("UGEMMA", 'setup "Action Lab 1"')
    warning = answers(slack)[-1]
    assert warning.args["response_type"] == "ephemeral"
    assert "shared with another organisation (Slack Connect)" in text(warning)


async def test_without_the_scope_it_says_it_could_not_check(slack: Slack) -> None:
    assert slack.fake.scopes is not None
    slack.fake.scopes -= {"channels:read"}  # an app installed before the scope was added
    await slack.command("UGEMMA", 'setup "Action Lab 1"')
    setup, warning = answers(slack)
    assert text(setup) == "Action Lab 1 is set up in this channel."
    said = text(warning)
    assert "I could not check who can read this channel" in said
    assert "`channels:read` and `groups:read`" in said


async def test_linking_a_public_channel_warns_too(slack: Slack) -> None:
    await slack.command("UGEMMA", 'setup "Action Lab 1"')
    await slack.command("UGEMMA", "link")
    code = re.search(r"`/lab link (\w+)`", text(answers(slack)[-1]))
    assert code is not None
    slack.fake.public_channels.add("C2")
    before = len(answers(slack))
    await slack.command("UGEMMA", f"link {code.group(1)}", channel="C2")
    linked, warning = answers(slack)[before:]
    assert "is now part of *Action Lab 1*" in text(linked)
    assert warning.args["response_type"] == "ephemeral"
    assert "anyone in this workspace can find this channel" in text(warning)
    assert slack.fake.last("conversations.info").args["channel"] == "C2"
