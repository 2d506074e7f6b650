"""Signed requests that real Slack never sends (a leaked request's signature reused with a
body of the attacker's choosing) through the real slack-bolt HTTP app: each is answered 400,
or accepted and answered plainly, and never a 500 or a traceback in the log."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from adapters.slack import guard
from bot.bootstrap import App
from tests.adapters.slack.conftest import Slack

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def click(lab: Slack) -> dict[str, Any]:
    """A real click on a lab's Accept button, as Slack sends it."""
    return {
        "type": "block_actions", "user": {"id": "UPRIYA", "username": "priya",
                                          "name": "priya", "team_id": "T1"},
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t-1",
        "team": {"id": "T1", "domain": "lab"}, "enterprise": None,
        "is_enterprise_install": False, "channel": {"id": "C1", "name": "lab"},
        "container": {"type": "message", "message_ts": "1.000001", "channel_id": "C1",
                      "is_ephemeral": True},
        "message": {"ts": "1.000001", "blocks": []},
        "response_url": lab.response_url("UPRIYA"),
        "actions": [{"action_id": "al1:lab.accept:1", "block_id": "b1", "type": "button",
                     "action_ts": "1700000000.1", "text": {"type": "plain_text",
                                                           "text": "I accept and join"}}],
        "state": {"values": {}},
    }


def submission() -> dict[str, Any]:
    return {
        "type": "view_submission", "team": {"id": "T1", "domain": "lab"},
        "user": {"id": "UAMARA", "username": "amara", "name": "amara", "team_id": "T1"},
        "api_app_id": "A1", "token": "legacy", "trigger_id": "t-2",
        "view": {"id": "V1", "team_id": "T1", "type": "modal", "callback_id": "al1:form:note",
                 "private_metadata": "", "hash": "h1",
                 "state": {"values": {"text": {"text": {"type": "plain_text_input",
                                                        "value": "hello"}}}}},
        "response_urls": [],
    }


def event(inner: dict[str, Any]) -> dict[str, Any]:
    return {"token": "legacy", "team_id": "T1", "api_app_id": "A1", "event": inner,
            "type": "event_callback", "event_id": "Ev1", "event_time": 1700000000,
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}]}


def reaction() -> dict[str, Any]:
    return event({"type": "reaction_added", "user": "UAMARA", "reaction": "memo",
                  "item": {"type": "message", "channel": "C1", "ts": "1700000000.000100"},
                  "item_user": "UGEMMA", "event_ts": "1700000000.2"})


def home() -> dict[str, Any]:
    return event({"type": "app_home_opened", "user": "UAMARA", "channel": "D1", "tab": "home"})


def set_path(body: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(body)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    if value is _MISSING:
        if isinstance(node, dict):
            node.pop(path[-1], None)
        else:
            del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


_MISSING = object()
BAD = (None, 7, 1.5, True, [], {}, "x" * 300, [None], _MISSING)

CLICK_PATHS: tuple[tuple[str | int, ...], ...] = (
    ("user",), ("user", "id"), ("user", "team_id"), ("team",), ("team", "id"), ("channel",),
    ("channel", "id"), ("container",), ("container", "type"), ("container", "channel_id"),
    ("container", "message_ts"), ("container", "is_ephemeral"), ("message",),
    ("message", "ts"), ("response_url",), ("trigger_id",), ("actions",), ("actions", 0),
    ("actions", 0, "action_id"), ("actions", 0, "type"), ("actions", 0, "action_ts"),
    ("actions", 0, "value"), ("actions", 0, "selected_option"),
    ("actions", 0, "selected_options"), ("type",), ("enterprise",), ("authorizations",),
    ("is_enterprise_install",), ("view",), ("state",),
)
SUBMISSION_PATHS: tuple[tuple[str | int, ...], ...] = (
    ("view",), ("view", "id"), ("view", "callback_id"), ("view", "state"),
    ("view", "state", "values"), ("view", "state", "values", "text"),
    ("view", "state", "values", "text", "text"),
    ("view", "state", "values", "text", "text", "value"), ("view", "private_metadata"),
    ("view", "hash"), ("view", "team_id"), ("user",), ("user", "id"), ("team",),
    ("response_urls",),
)
EVENT_PATHS: tuple[tuple[str | int, ...], ...] = (
    ("event",), ("event", "type"), ("event", "user"), ("event", "reaction"), ("event", "item"),
    ("event", "item", "type"), ("event", "item", "channel"), ("event", "item", "ts"),
    ("event", "item_user"), ("event_id",), ("team_id",), ("authorizations",),
    ("authorizations", 0), ("authorizations", 0, "team_id"), ("type",),
)
HOME_PATHS: tuple[tuple[str | int, ...], ...] = (
    ("event", "tab"), ("event", "channel"), ("event", "user"),
)


def mutations() -> Iterator[tuple[str, str, str]]:
    """(name, kind, body) for every field the adapter or Bolt reads, set to each bad value:
    kind is "click", "form" (a view), "event" or "home"."""
    for kind, paths in (("click", CLICK_PATHS), ("form", SUBMISSION_PATHS),
                        ("event", EVENT_PATHS), ("home", HOME_PATHS)):
        for path in paths:
            for value in BAD:
                label = "missing" if value is _MISSING else json.dumps(value)[:12]
                yield f"{kind}:{'.'.join(map(str, path))}={label}", kind, json.dumps(
                    [path, None if value is _MISSING else value, value is _MISSING])


COMMAND = {"token": "legacy", "team_id": "T1", "team_domain": "lab", "channel_id": "C1",
           "channel_name": "lab", "user_id": "UAMARA", "user_name": "amara",
           "command": "/lab", "text": "members", "api_app_id": "A1",
           "is_enterprise_install": "false", "trigger_id": "t-3"}


def form(fields: list[tuple[str, str]]) -> bytes:
    return urlencode(fields).encode()


# Each: a body real Slack never sends, and its content type. All must be answered 400.
REFUSED: list[tuple[str, bytes, str]] = [
    ("payload=null", form([("payload", "null")]), FORM),
    ("payload=[]", form([("payload", "[]")]), FORM),
    ("payload=\"x\"", form([("payload", '"x"')]), FORM),
    ("payload=7", form([("payload", "7")]), FORM),
    ("payload=true", form([("payload", "true")]), FORM),
    ("payload={}", form([("payload", "{}")]), FORM),
    ("payload not JSON", form([("payload", "{nope")]), FORM),
    ("payload empty", form([("payload", "")]), FORM),
    ("payload twice", form([("payload", json.dumps({"type": "block_actions"})),
                            ("payload", "null")]), FORM),
    ("payload nested 100000 deep", form([("payload", "[" * 100000 + "]" * 100000)]), FORM),
    ("JSON null", b"null", JSON),
    ("JSON []", b"[]", JSON),
    ("JSON string", b'"event_callback"', JSON),
    ("JSON number", b"12", JSON),
    ("JSON object, no type", b'{"team_id": "T1"}', JSON),
    ("JSON type 7", b'{"type": 7}', JSON),
    ("JSON broken", b'{"type": "event_callback", ', JSON),
    ("empty body", b"", FORM),
    ("view:null", json.dumps({**submission(), "view": None}).encode(), JSON),
    ("event:null", json.dumps({**reaction(), "event": None}).encode(), JSON),
    ("event:[]", json.dumps({**reaction(), "event": []}).encode(), JSON),
    ("url_verification challenge 7",
     json.dumps({"type": "url_verification", "challenge": 7}).encode(), JSON),
    ("command twice", form([*COMMAND.items(), ("command", "/lab")]), FORM),
    ("text twice", form([*COMMAND.items(), ("text", "setup Evil")]), FORM),
    ("user_id twice", form([*COMMAND.items(), ("user_id", "UGEMMA")]), FORM),
    ("command without user", form([(k, v) for k, v in COMMAND.items() if k != "user_id"]),
     FORM),
    ("command without team", form([(k, v) for k, v in COMMAND.items() if k != "team_id"]),
     FORM),
    ("command without channel",
     form([(k, v) for k, v in COMMAND.items() if k != "channel_id"]), FORM),
    ("command with authorizations", form([*COMMAND.items(), ("authorizations", "x")]),
     FORM),
    ("command with response_urls", form([*COMMAND.items(), ("response_urls", "x")]), FORM),
    ("command as JSON with a numeric user",
     json.dumps({**COMMAND, "user_id": 7}).encode(), JSON),
    ("not UTF-8", b"payload=\xff\xfe", FORM),
]


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert bad == [], [f"{r.name}: {r.getMessage()}" for r in bad]


@pytest.mark.parametrize(("name", "body", "content_type"), REFUSED,
                         ids=[name for name, _, _ in REFUSED])
async def test_malformed_signed_bodies_are_refused_with_400_and_no_traceback(
    lab: Slack, slack_app: App, caplog: pytest.LogCaptureFixture, name: str, body: bytes,
    content_type: str,
) -> None:
    with caplog.at_level(logging.INFO):
        sent = await lab.post(body, content_type)
    assert sent.status == 400
    assert sent.json == {"error": "malformed payload"}
    assert lab.fake.calls == []
    no_traceback(caplog)
    refusals = [r for r in caplog.records if "malformed body" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].levelno == logging.WARNING


@pytest.mark.parametrize("kind", ["click", "form", "event", "home"])
async def test_every_field_read_given_a_wrong_shape_gets_400_or_a_plain_answer(
    lab: Slack, caplog: pytest.LogCaptureFixture, kind: str,
) -> None:
    """Each field Bolt or the adapter reads, set in turn to null, a number, a float, a
    boolean, a list, an object, a long string, [null], or left out: one app takes them all
    (a test per request would take minutes), and each one's outcome is checked."""
    problems: dict[str, str] = {}
    tried = refused = 0
    for name, of_kind, mutation in mutations():
        if of_kind != kind:
            continue
        path, value, missing = json.loads(mutation)
        base = {"click": click(lab), "form": submission(), "event": reaction(),
                "home": home()}[kind]
        body = set_path(base, tuple(path), _MISSING if missing else value)
        caplog.clear()
        with caplog.at_level(logging.INFO):
            if kind in ("click", "form"):
                sent = await lab.interact(body)
            else:
                sent = await lab.post(json.dumps(body).encode(), JSON)
        tried += 1
        refused += sent.status == 400
        bad = [f"{r.name}: {r.getMessage()}" for r in caplog.records
               if r.exc_info or r.levelno >= logging.ERROR]
        if sent.status not in (200, 400, 404) or bad:
            problems[name] = f"{sent.status} {bad}"
    assert problems == {}
    assert tried > 100 if kind != "home" else tried > 20
    assert refused > tried // 2  # most of them are refused at the door


async def test_what_slack_does_send_still_passes_the_guard(lab: Slack) -> None:
    for body in (click(lab), submission()):
        assert guard.check(form([("payload", json.dumps(body))]), FORM) == body
    for body in (reaction(), home()):
        assert guard.check(json.dumps(body).encode(), JSON) == body
    assert guard.check(form(list(COMMAND.items())), f"{FORM}; charset=utf-8") == COMMAND
    assert guard.check(b"ssl_check=1&token=legacy", FORM) == {"ssl_check": "1",
                                                               "token": "legacy"}
