"""The shape check at Slack's door: a signed request whose body is not a payload Slack sends
is refused with 400 before Bolt (or the adapter) reads a field of it.

Real Slack never sends `payload=null`, a list for a payload, `payload` twice, `event: null`,
a number where an id goes or a click with no user. Someone holding one leaked signed request
can, within its five minutes, and Bolt's own helpers (`body.get("event", {}).get(...)`,
`"id" in body["user"]`, `re.search(pattern, action_id)`) fail on such shapes with a
traceback and a 500. So the body is read here exactly as Bolt reads it (the same content-type
and "payload" rules) and checked against the shapes of every field Bolt or the adapter reads;
anything else in the payload is left alone, since Slack adds fields over time.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

MAX_BODY = 1_000_000  # bytes; Slack's largest payloads (a big modal's state) are far smaller
MAX_TEXT = 8000  # characters in one field (a slash command's text is at most ~4,000)

Id = Annotated[str, Field(max_length=255)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Url = Annotated[str, Field(max_length=MAX_TEXT, pattern=r"^https?://[^\s]+$")]


class Refused(ValueError):
    """The body is not a payload Slack sends; `reason` is short and safe to log (it names
    a field, never a value)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Shape(BaseModel):
    """Strict about the fields named (a number is no id), silent about any others."""

    model_config = ConfigDict(strict=True, extra="allow")


class _Ref(_Shape):
    id: Id | None = None
    team_id: Id | None = None
    enterprise_id: Id | None = None
    name: Text | None = None
    username: Text | None = None


class _Option(_Shape):
    value: Text
    text: dict[str, Any] | None = None


class _Element(_Shape):
    type: Id | None = None
    value: Text | None = None
    selected_option: _Option | None = None
    selected_options: list[_Option] | None = None


class _State(_Shape):
    values: dict[Id, dict[Id, _Element]] = {}


class _View(_Shape):
    id: Id | None = None
    team_id: Id | None = None
    app_installed_team_id: Id | None = None
    type: Id | None = None
    callback_id: Text | None = None
    private_metadata: Text | None = None
    hash: Id | None = None
    state: _State | None = None


class _Inner(_Shape):
    """The ids Bolt digs out of an event, a message or a reacted-to item, at any depth."""

    type: Id | None = None
    user: Id | _Ref | None = None
    user_id: Id | None = None
    channel: Id | _Ref | None = None
    channel_id: Id | None = None
    team: Id | None = None
    user_team: Id | None = None
    team_id: Id | None = None
    enterprise: Id | _Ref | None = None
    enterprise_id: Id | None = None
    ts: Id | None = None
    thread_ts: Id | None = None
    bot_id: Id | None = None
    subtype: Id | None = None
    channel_type: Id | None = None
    function_execution_id: Id | None = None
    bot_access_token: Text | None = None
    inputs: dict[str, Any] | None = None
    message: _Inner | None = None
    previous_message: _Inner | None = None
    item: _Inner | None = None
    item_user: Id | None = None
    assistant_thread: _Inner | None = None
    reaction: Id | None = None
    tab: Id | None = None


class _Authorization(_Shape):
    team_id: Id | None = None
    enterprise_id: Id | None = None
    user_id: Id | None = None
    is_bot: bool | None = None
    is_enterprise_install: bool | None = None


class _ResponseUrl(_Shape):
    response_url: Url | None = None


class _Envelope(_Inner):
    """What Bolt reads of every payload, whatever its type, to build its context."""

    token: Text | None = None
    api_app_id: Id | None = None
    team: Id | _Ref | None = None  # type: ignore[assignment]  # a string or an object here
    event: _Inner | None = None
    event_id: Id | None = None
    view: _View | None = None
    container: _Container | None = None
    authorizations: list[_Authorization] | None = None
    is_enterprise_install: bool | Literal["true", "false"] | None = None
    is_ext_shared_channel: bool | None = None
    response_url: Url | None = None
    response_urls: list[_ResponseUrl] = []  # Bolt takes len() of it when present
    trigger_id: Text | None = None
    function_data: dict[str, Any] | None = None
    workflow_step: dict[str, Any] | None = None
    actions: list[_Action] | None = None


class _Container(_Shape):
    type: Id | None = None
    message_ts: Id | None = None
    channel_id: Id | None = None
    view_id: Id | None = None
    is_ephemeral: bool | None = None


class _Action(_Shape):
    action_id: Text
    block_id: Id | None = None
    type: Id | None = None
    value: Text | None = None
    action_ts: Id | None = None
    selected_option: _Option | None = None
    selected_options: list[_Option] | None = None


_Envelope.model_rebuild()


def _team_of(body: _Envelope) -> str | None:
    team = body.team.id if isinstance(body.team, _Ref) else body.team
    user_team = body.user.team_id if isinstance(body.user, _Ref) else None
    view_team = body.view.team_id if body.view is not None else None
    enterprise = body.enterprise.id if isinstance(body.enterprise, _Ref) else body.enterprise
    return team or body.team_id or user_team or view_team or body.enterprise_id or enterprise


class _BlockActions(_Envelope):
    """A button press or a menu choice: who, in which workspace, where, which control."""

    type: Literal["block_actions"]
    user: _Ref
    actions: Annotated[list[_Action], Field(min_length=1, max_length=10)]

    @model_validator(mode="after")
    def _placed(self) -> _BlockActions:
        if not self.user.id:
            raise ValueError("user.id is missing")
        if not _team_of(self):
            raise ValueError("team is missing")
        on_view = self.container is not None and self.container.type == "view"
        channel = (self.container.channel_id if self.container else None) or (
            self.channel.id if isinstance(self.channel, _Ref) else self.channel)
        if not on_view and not channel:
            raise ValueError("channel is missing")
        return self


class _SubmittedView(_View):
    id: Id
    callback_id: Text
    state: _State = _State()


class _ViewSubmission(_Envelope):
    type: Literal["view_submission", "view_closed"]
    user: _Ref
    view: _SubmittedView

    @model_validator(mode="after")
    def _placed(self) -> _ViewSubmission:
        if not self.user.id:
            raise ValueError("user.id is missing")
        if not _team_of(self):
            raise ValueError("team is missing")
        return self


class _Event(_Inner):
    type: Id


class _Reaction(_Event):
    type: Literal["reaction_added"]
    user: Id
    reaction: Id
    item: _Inner

    @model_validator(mode="after")
    def _on_a_message(self) -> _Reaction:
        if self.item.type == "message" and not (self.item.channel and self.item.ts):
            raise ValueError("event.item needs a channel and a ts")
        return self


class _HomeOpened(_Event):
    type: Literal["app_home_opened"]
    user: Id


class _EventCallback(_Envelope):
    type: Literal["event_callback"]
    event: _Event
    event_id: Id
    team_id: Id | None = None

    @model_validator(mode="after")
    def _placed(self) -> _EventCallback:
        if not _team_of(self):
            raise ValueError("team_id is missing")
        return self


class _UrlVerification(_Envelope):
    type: Literal["url_verification"]
    challenge: Text


class _SlashCommand(_Shape):
    """A slash command, as its form fields (every one a string, each given once)."""

    command: Annotated[str, Field(min_length=1, max_length=64)]
    user_id: Annotated[Id, Field(min_length=1)]
    team_id: Annotated[Id, Field(min_length=1)]
    channel_id: Annotated[Id, Field(min_length=1)]
    text: Text = ""
    response_url: Url | None = None
    trigger_id: Text | None = None


_EVENTS: dict[str, type[_Event]] = {
    "reaction_added": _Reaction,
    "app_home_opened": _HomeOpened,
}

_BY_TYPE: dict[str, type[_Envelope]] = {
    "block_actions": _BlockActions,
    "view_submission": _ViewSubmission,
    "view_closed": _ViewSubmission,
    "event_callback": _EventCallback,
    "url_verification": _UrlVerification,
}


def _form(text: str) -> dict[str, str]:
    pairs = parse_qsl(text, keep_blank_values=True)
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key in seen:
            raise Refused(f"`{key[:40]}` given twice")
        seen[key] = value
    return seen


def _problem(exc: ValidationError) -> str:
    err = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(p) for p in err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{where or 'payload'}: {message}"[:200]


def check(raw: bytes, content_type_header: str | None) -> dict[str, Any]:
    """The payload in `raw` as Bolt will read it, once it is one Slack could have sent;
    raises Refused otherwise."""
    content_type = content_type_header.split(";")[0] if content_type_header else None
    if len(raw) > MAX_BODY:
        raise Refused("body too large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("body is not UTF-8") from None
    if not text:
        raise Refused("empty body")
    try:
        # Bolt's own rule (slack_bolt.request.internals.parse_body), followed to the letter
        # so that what is checked is what Bolt will dispatch.
        if content_type == "application/json" or text.startswith("{"):
            body: Any = json.loads(text)
            kind = "json"
        elif "payload" in text:
            form = _form(text)
            if "payload" not in form:
                body, kind = form, "command"
            else:
                body, kind = json.loads(form["payload"]), "payload"
        else:
            body, kind = _form(text), "command"
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise Refused("body is not JSON or a form") from None
    if not isinstance(body, dict):
        raise Refused(f"the {kind} is a {type(body).__name__}, not an object")
    try:
        if kind == "command":
            _Envelope.model_validate(body)  # e.g. an `authorizations` field Bolt would index
            if body.get("ssl_check") == "1" and "command" not in body:
                return body  # Slack's check of the certificate: Bolt answers it
            _SlashCommand.model_validate(body)
            return body
        kind_of = body.get("type")
        if not isinstance(kind_of, str):
            raise Refused("`type` is missing or not a string")
        _BY_TYPE.get(kind_of, _Envelope).model_validate(body)
        if kind_of == "event_callback":
            event = body["event"]
            known = _EVENTS.get(event["type"])
            if known is not None:
                try:
                    known.model_validate(event)
                except ValidationError as exc:
                    raise Refused("event." + _problem(exc)) from None
    except ValidationError as exc:
        raise Refused(_problem(exc)) from None
    except RecursionError:
        raise Refused("payload nested too deep") from None
    return body
