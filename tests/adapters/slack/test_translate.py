"""Slack payloads, as Slack sends them, into the neutral types the core reads."""

from __future__ import annotations

import json

from adapters.slack import translate
from adapters.slack.render import Origin
from adapters.slack.translate import Profile
from bot.messages import Action, Actor, Command, MessageRef, Place, Reaction, Submission

AMARA = Profile("UAMARA", "Amara Okafor", "Africa/Lagos")


def test_a_slash_command_keeps_mentions_and_unescapes_the_rest() -> None:
    body = {"team_id": "T1", "channel_id": "C1", "user_id": "UAMARA", "user_name": "amara",
            "text": " role <@UZOE|zoe> secretary &amp; more &lt;3 ", "command": "/lab"}
    assert translate.command(body, AMARA) == Command(
        Actor("slack", "T1", "UAMARA", "Amara Okafor", "Africa/Lagos"),
        Place("slack", "T1", "C1"),
        text="role <@UZOE|zoe> secretary & more <3",
    )


def test_a_command_in_a_direct_message_is_direct() -> None:
    body = {"team_id": "T1", "channel_id": "D0123", "user_id": "UAMARA", "text": "tz"}
    assert translate.command(body, AMARA).place == Place("slack", "T1", "D0123", direct=True)


def test_a_button_press_on_a_message() -> None:
    body = {
        "type": "block_actions", "team": {"id": "T1"}, "user": {"id": "UAMARA"},
        "container": {"type": "message", "message_ts": "17.01", "channel_id": "C1"},
        "actions": [{"type": "button", "action_id": "al1:lab.accept:1", "action_ts": "1"}],
    }
    assert translate.action(body, AMARA) == Action(
        Actor("slack", "T1", "UAMARA", "Amara Okafor", "Africa/Lagos"),
        Place("slack", "T1", "C1"), "al1:lab.accept:1", (),
        MessageRef("slack", "T1", "C1", "17.01"),
    )


def test_select_and_multi_select_choices_become_values() -> None:
    base = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "UAMARA"},
            "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1"}}
    single = {**base, "actions": [{"type": "static_select", "action_id": "al1:lab.tz",
                                   "selected_option": {"value": "Asia/Tokyo"}}]}
    multi = {**base, "actions": [{"type": "multi_static_select", "action_id": "al1:v.r:1",
                                  "selected_options": [{"value": "3"}, {"value": "1"}]}]}
    assert translate.action(single, AMARA).values == ("Asia/Tokyo",)  # type: ignore[union-attr]
    assert translate.action(multi, AMARA).values == ("3", "1")  # type: ignore[union-attr]
    assert translate.action({**base, "actions": []}, AMARA) is None


def test_a_press_on_the_app_home_answers_the_person_directly() -> None:
    body = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "UAMARA"},
            "container": {"type": "view", "view_id": "V1"}, "view": {"type": "home"},
            "actions": [{"type": "button", "action_id": "al1:lab.members:1:2"}]}
    action = translate.action(body, AMARA)
    assert action is not None and translate.from_view(body)
    assert action.place == Place("slack", "T1", "UAMARA", direct=True)
    assert action.message is None


def test_a_modal_submission_carries_its_values_and_where_it_was_opened() -> None:
    body = {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "UAMARA"},
            "view": {"callback_id": "al1:form:poll.new",
                     "private_metadata": Origin("C1", "https://r/1").encode(),
                     "state": {"values": {
                         "title": {"title": {"type": "plain_text_input", "value": "M1"}},
                         "notes": {"notes": {"type": "plain_text_input", "value": None}},
                     }}}}
    assert translate.submission(body, AMARA) == Submission(
        Actor("slack", "T1", "UAMARA", "Amara Okafor", "Africa/Lagos"),
        Place("slack", "T1", "C1"), "al1:form:poll.new", {"title": "M1", "notes": ""},
    )


def test_a_reaction_names_the_emoji_the_core_knows() -> None:
    body = {"team_id": "T1", "event": {
        "type": "reaction_added", "user": "UAMARA", "reaction": "pencil::skin-tone-3",
        "item_user": "UZOE", "item": {"type": "message", "channel": "C1", "ts": "5.5"}}}
    zoe = Profile("UZOE", "Zoë")
    assert translate.reaction(body, AMARA, zoe, "We agreed on option 3") == Reaction(
        Actor("slack", "T1", "UAMARA", "Amara Okafor", "Africa/Lagos"),
        Place("slack", "T1", "C1"), "memo", MessageRef("slack", "T1", "C1", "5.5"),
        Actor("slack", "T1", "UZOE", "Zoë"), "We agreed on option 3",
    )
    files = {"team_id": "T1", "event": {"type": "reaction_added", "reaction": "memo",
                                        "item": {"type": "file", "file": "F1"}}}
    assert translate.reaction(files, AMARA, None, "") is None


def test_users_info_gives_the_display_name_then_the_real_name() -> None:
    user = {"id": "U1", "name": "gemma", "tz": "Europe/London",
            "profile": {"display_name": "", "real_name": "Gemma Rhodes"}}
    assert translate.profile_from_users_info(user) == Profile("U1", "Gemma Rhodes",
                                                              "Europe/London")
    user["profile"] = {"display_name": "Gem", "real_name": "Gemma Rhodes"}
    assert translate.profile_from_users_info(user).name == "Gem"
    assert translate.profile_from_users_info({"id": "U2", "name": "x"}).tz is None


def test_the_workspace_is_found_in_every_payload_shape() -> None:
    assert translate.team_of({"team_id": "T1"}) == "T1"
    assert translate.team_of({"team": {"id": "T2"}}) == "T2"
    assert translate.team_of({"user": {"team_id": "T3"}}) == "T3"
    assert translate.team_of(json.loads('{"enterprise": {"id": "E1"}}')) == "E1"


def test_the_sender_of_every_payload_shape_can_be_answered_without_its_profile() -> None:
    origin = Origin("C7", "https://hooks.slack.test/r9", False).encode()
    sender = translate.sender
    assert sender({"team_id": "T1", "channel_id": "C1", "user_id": "UAMARA",
                   "response_url": "https://hooks.slack.test/r1"}) == translate.Sender(
        "UAMARA", Place("slack", "T1", "C1"), "https://hooks.slack.test/r1")
    assert sender({"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "UAMARA"},
                   "container": {"type": "message", "channel_id": "D4"}}) == translate.Sender(
        "UAMARA", Place("slack", "T1", "D4", direct=True))
    assert sender({"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "UAMARA"},
                   "container": {"type": "view", "view_id": "V1"}}) == translate.Sender(
        "UAMARA", Place("slack", "T1", "UAMARA", direct=True))
    assert sender({"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "UZOE"},
                   "view": {"private_metadata": origin}}) == translate.Sender(
        "UZOE", Place("slack", "T1", "C7"), "https://hooks.slack.test/r9")
    assert sender({"type": "event_callback", "team_id": "T1", "event": {
        "type": "reaction_added", "user": "UZOE",
        "item": {"type": "message", "channel": "C2", "ts": "1.2"}}}) == translate.Sender(
        "UZOE", Place("slack", "T1", "C2"))
    assert sender({"type": "event_callback", "team_id": "T1", "event": {
        "type": "app_home_opened", "user": "UZOE", "channel": "D9"}}) == translate.Sender(
        "UZOE", Place("slack", "T1", "D9", direct=True))
