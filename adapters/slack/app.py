"""The Slack adapter: slack-bolt's AsyncApp served over HTTP (one Request URL,
`/slack/events`, plus `GET /healthz`) or over Socket Mode.

Every listener records the payload in the inbox (bot/inbox.py) and then acknowledges it,
so Slack always has its answer within 3 seconds and nothing it was told we received lives
only in memory. The inbox's bounded workers then do the work: look the person up
(users.info, cached for a day), translate the payload, run it through the core's router,
and deliver the Reply: `response_url` for commands and controls, modals through the payload's
`trigger_id`, `views.publish` for the App Home, chat.postMessage / postEphemeral otherwise.
Each delivery has one key in the inbox (a command's trigger, a click, a view, an event id),
unique, so a retried event, a replayed command or a repeated click runs once.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import hashlib
import hmac
import logging
import re
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text as sql

from adapters.slack import guard, render, translate
from adapters.slack.messenger import SlackMessenger
from adapters.slack.oauth import DatabaseInstallationStore, WorkspaceClients, oauth_settings
from adapters.slack.translate import Profile
from bot.config import ConfigError
from bot.context import Context
from bot.domain.when import parse_duration
from bot.errors import UserError, new_reference, something_went_wrong
from bot.i18n import _
from bot.inbox import Envelope, Inbox, Recovery, Stored
from bot.messages import Card, File, Inbound, MessageRef, Place, Platform, Reply, Text
from bot.ports import DeliveryError, StartupError

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
PROFILE_LIFETIME = timedelta(days=1)  # users.info is asked again after a day
DOUBLE_CLICK = timedelta(seconds=2)  # the same control pressed again this soon is one press
RETRY_MEMORY = timedelta(days=1)  # Slack retries an event for at most an hour
_TIMESTAMP = re.compile(r"\d{1,12}", re.ASCII)
STALE_AFTER = 5 * 60  # seconds; Slack's own rule for replayed requests
FORM_CHECK_WITHIN = 1.5  # seconds a form's check may take before the ack (Slack allows 3)


class _Request(AsyncBoltRequest):
    """Bolt's request, with a form body read by its fields.

    Bolt takes any form body in which the word "payload" appears for an interactive payload
    and, finding no `payload` field, reads it as empty: `/lab note the payload is late` was
    answered 404 and lost. A form without that field is a slash command: its fields are the
    body, and Bolt's context is built from them as it would have been.
    """

    def __init__(self, *, body: str, query: str,
                 headers: dict[str, str | Sequence[str]]) -> None:
        super().__init__(body=body, query=query, headers=headers)
        if self.content_type == "application/json" or body.startswith("{"):
            return
        form = dict(parse_qsl(body, keep_blank_values=True))
        if "payload" not in form:
            self.body = form
            self.context = build_async_context(AsyncBoltContext({}), form)


class _SameToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and warns, at every start,
    that the client we hand it (holding that very token) wins: nothing to act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_SAME_TOKEN = _SameToken()


class SlackConfigError(ConfigError):
    """The settings do not allow Slack to start; the message says what to set."""


# --- what a reply needs to know about where its event came from --------------------------


@dataclass(frozen=True)
class Source:
    """Where an inbound event came from, as far as answering it is concerned."""

    place: Place
    user_id: str
    response_url: str | None = None
    trigger_id: str | None = None
    from_home: bool = False
    # For a control on a message: whether only this person sees that message.
    ephemeral: bool | None = None

    @classmethod
    def of(cls, event: Inbound, response_url: str | None = None, trigger_id: str | None = None,
           from_home: bool = False, ephemeral: bool | None = None) -> Source:
        return cls(event.place, event.actor.user_id, response_url, trigger_id, from_home,
                   ephemeral)

    @classmethod
    def of_payload(cls, body: Mapping[str, Any]) -> Source:
        """Where a payload's sender can be answered, read from the raw payload alone: for a
        note when the work on it failed before it became an event."""
        sender = translate.sender(body)
        return cls(sender.place, sender.user_id, sender.response_url)

    @property
    def workspace(self) -> str:
        return self.place.workspace


def _friendly(error: DeliveryError, ref: str) -> str:
    """What to tell the person when Slack refused to deliver their answer."""
    match error.reason:
        case "not_in_channel" | "channel_not_found":
            return (_("I can't post in this channel. Invite me with `/invite @actionlab` (or add "
                    "the app in the channel's settings), then try again."))
        case "is_archived":
            return _("This channel is archived, so I can't post here. Unarchive it or use another.")
        case "expired_trigger_id" | "exchanged_trigger_id":
            return (_("The form took too long to open. Run the command again and it will open "
                    "straight away."))
        case "ratelimited":
            wait = int(error.retry_after or 30)
            return _("Slack asked me to slow down. Try again in about {wait} seconds.").format(
                wait=wait)
        case "expired_url" | "used_url":
            return _("That message is too old to answer. Run the command again for a fresh one.")
        case _:
            return (_("Slack would not take my answer ({reason}). Try again; if it keeps "
                    "happening, tell the operator (ref {ref}).").format(
                reason=error.reason, ref=ref))


def _key(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts[1:]).encode()).hexdigest()
    return f"slack:{parts[0]}:{digest[:48]}"


def _header(headers: Mapping[str, Any], name: str) -> str:
    value = headers.get(name.lower()) or headers.get(name) or ""
    return str(value[0] if isinstance(value, list | tuple) and value else value)


def delivery_keys(body: Mapping[str, Any],
                  headers: Mapping[str, Any] | None = None) -> list[tuple[str, timedelta]]:
    """What makes a payload run once: its identity first (an event id, a command's
    trigger or signature, a view, a click), then, for a click, the same control pressed
    again within a moment."""
    kind = body.get("type")
    if body.get("command"):
        # Slack never retries a command, so the same trigger_id (or, without one, the same
        # signature and timestamp) again is a replay of the very same request.
        trigger = body.get("trigger_id")
        if not trigger and headers is not None:
            trigger = (_header(headers, "X-Slack-Request-Timestamp") + ":"
                       + _header(headers, "X-Slack-Signature"))
        if trigger and trigger != ":":
            return [(_key("command", body.get("team_id"), trigger), RETRY_MEMORY)]
        return []
    if kind == "event_callback" and body.get("event_id"):
        return [(_key("event", body["event_id"]), RETRY_MEMORY)]
    if kind == "view_submission":
        view = body.get("view") or {}
        if view.get("id"):
            return [(_key("view", view["id"], view.get("hash")), RETRY_MEMORY)]
    if kind == "block_actions" and body.get("actions"):
        act = body["actions"][0]
        team, user = translate.team_of(body), (body.get("user") or {}).get("id")
        box = body.get("container") or {}
        where = box.get("message_ts") or box.get("view_id") or ""
        values = act.get("selected_option") or act.get("selected_options") or act.get("value")
        return [
            # The very same delivery again (a retry) ...
            (_key("click", team, user, act.get("action_ts"), act.get("action_id")),
             RETRY_MEMORY),
            # ... or the same control, with the same choice, pressed again at once.
            (_key("press", team, user, where, act.get("action_id"), values), DOUBLE_CLICK),
        ]
    return []


@dataclass
class _CachedProfile:
    profile: Profile
    fetched: datetime


class SlackAdapter:
    """slack-bolt's AsyncApp wired to the core; `run()` serves HTTP or Socket Mode."""

    platform: Platform = "slack"

    def __init__(self, ctx: Context, *, processing_waits: tuple[float, ...] | None = None,
                 max_wait: float = 30.0) -> None:
        self.ctx = ctx
        # slack_sdk and Bolt log whole payloads and request parameters at DEBUG (an app
        # token among them, and what members wrote in confidence): never below INFO.
        for name in ("slack_sdk", "slack_bolt", "actionlab.slack.bolt"):
            library = logging.getLogger(name)
            if library.level < logging.INFO:  # NOTSET would follow a DEBUG root
                library.setLevel(logging.INFO)
        logging.getLogger("actionlab.slack.bolt").addFilter(_SAME_TOKEN)  # added once
        settings = ctx.settings
        slack = settings.slack
        self.base_url = slack.api_base_url
        self.socket_mode = slack.socket_mode
        self.host, self.port = slack.host, slack.port
        secret = settings.slack_signing_secret.get_secret_value() \
            if settings.slack_signing_secret else ""
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        client_secret = settings.slack_client_secret.get_secret_value() \
            if settings.slack_client_secret else None
        self.oauth = bool(slack.client_id and client_secret)
        if not self.socket_mode and not secret:
            raise SlackConfigError(
                _("Slack over HTTP needs SLACK_SIGNING_SECRET (Basic Information > App "
                "Credentials), or set SLACK_SOCKET_MODE=1 with SLACK_APP_TOKEN.")
            )
        if self.oauth and self.socket_mode:
            raise SlackConfigError(
                _("The multi-workspace install (SLACK_CLIENT_ID + SLACK_CLIENT_SECRET) needs "
                "HTTP mode for its install pages: unset SLACK_SOCKET_MODE.")
            )
        if not self.oauth and not token:
            raise SlackConfigError(
                _("Slack needs SLACK_BOT_TOKEN (an xoxb- token), or SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET to install into many workspaces.")
            )
        self._secret = secret.encode()
        self._session: aiohttp.ClientSession | None = None
        # Bolt deep-copies each request (with its client) for lazy listeners, so its client
        # keeps no session; ours, for the work after the ack, shares one connection pool.
        bolt_client = AsyncWebClient(token=None if self.oauth else token, base_url=self.base_url)
        if self.oauth:
            assert slack.client_id is not None and client_secret is not None
            options = oauth_settings(ctx, slack.client_id, client_secret)
            assert isinstance(options.installation_store, DatabaseInstallationStore)
            self._clients = WorkspaceClients(self.base_url, store=options.installation_store)
            self.bolt = AsyncApp(signing_secret=secret, client=bolt_client,
                                 oauth_settings=options, process_before_response=True,
                                 logger=logging.getLogger("actionlab.slack.bolt"))
            self.bolt.enable_token_revocation_listeners()
        else:
            self._clients = WorkspaceClients(self.base_url, token=token)
            self.bolt = AsyncApp(signing_secret=secret, client=bolt_client,
                                 process_before_response=True,
                                 logger=logging.getLogger("actionlab.slack.bolt"))
        messenger_options: dict[str, Any] = {"max_wait": max_wait}
        if processing_waits is not None:
            messenger_options["processing_waits"] = processing_waits
        self.messenger = SlackMessenger(self._clients, **messenger_options)
        ctx.messengers.register(self.messenger)
        self._profiles: dict[tuple[str, str], _CachedProfile] = {}
        self.inbox = ctx.inbox or Inbox(ctx.uow, ctx.clock)
        work = settings.work
        self.inbox.recover_with("slack", Recovery(
            run=self._carry_out, tell=self._tell_sender,
            window=parse_duration(work.slack_window)))
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._register()

    # --- wiring --------------------------------------------------------------------------

    def _register(self) -> None:
        bolt = self.bolt
        everything = re.compile(".*")
        bolt.command("/lab")(self._take)
        bolt.action(everything)(self._take)
        bolt.view(everything)(self._take)
        bolt.event("reaction_added")(self._take)
        bolt.event("app_home_opened")(self._take)

    async def _take(self, ack: Any, body: dict[str, Any], request: AsyncBoltRequest) -> None:
        """The whole of what happens before Slack gets its answer: record the payload in
        the inbox (one short insert), queue its work, ack. If the database cannot record
        it, no ack: Slack shows the person an error (and retries an event) instead of our
        acknowledging what we could lose."""
        if body.get("type") == "view_submission":
            errors = await self._form_errors(body)
            if errors:
                await ack(response_action="errors", errors=errors)
                return
        envelope = self.envelope(body, request.headers)
        if envelope is not None:
            await self.inbox.accept(envelope, functools.partial(self._perform, envelope.kind,
                                                                body),
                                    on_late=self._late_notice(body))
        await ack()

    async def _form_errors(self, body: dict[str, Any]) -> dict[str, str]:
        """A command form's mistakes, keyed by block_id, found before the ack so that the
        modal stays open with each under its field (`response_action: errors`). Only
        checking, no writes; the profile is the payload's (users.info would cost a round
        trip), and whatever takes longer than FORM_CHECK_WITHIN goes on as usual."""
        try:
            user_id, fallback = translate.user_of(body)
            cached = self._profiles.get((translate.team_of(body), user_id))
            profile = cached.profile if cached is not None else Profile(user_id, fallback)
            submission = translate.submission(body, profile)
            async with asyncio.timeout(FORM_CHECK_WITHIN):
                return await self.ctx.router.check_form(self.ctx, submission)
        except TimeoutError:
            log.info("a form's check took too long; it goes through the inbox unchecked")
        except Exception:
            log.exception("could not check a form before the ack")
        return {}

    def envelope(self, body: Mapping[str, Any],
                 headers: Mapping[str, Any] | None = None) -> Envelope | None:
        """The inbox record of a payload, or None for one that needs no work."""
        kind = _kind(body)
        if kind is None:
            return None
        if kind == "reaction":
            event = body.get("event") or {}
            if (event.get("item") or {}).get("type") != "message" or translate.emoji(
                    str(event.get("reaction") or "")) not in self.ctx.router.reactions:
                return None  # most reactions are just people reacting
        if kind == "home" and (body.get("event") or {}).get("tab") != "home":
            return None
        keys = delivery_keys(body, headers)
        if keys:
            key, presses = keys[0][0], tuple(keys[1:])
        else:  # nothing identifies it: each delivery is its own
            key, presses = f"slack:once:{new_reference()}{time.time_ns()}", ()
        sender = translate.sender(body)
        place = sender.place
        return Envelope(
            key=key, platform="slack", kind=kind, workspace=place.workspace,
            user_id=sender.user_id, channel=place.channel, payload=dict(body),
            reply_to={"response_url": sender.response_url}, resend=_resend(kind, body),
            lane=f"slack:{place.workspace}:" + (f"dm:{sender.user_id}" if place.direct
                                                else place.channel),
            presses=presses)

    def _late_notice(self, body: Mapping[str, Any]) -> Any:
        response_url = body.get("response_url")  # a command's, or a click's
        if not response_url:
            return None
        workspace = translate.team_of(body)

        async def notice(ahead: int) -> None:
            text = _("Working on it: {ahead} ahead of you.").format(
                ahead=ahead) if ahead else _("Working on it.")
            try:
                await self.messenger.respond(workspace, str(response_url), None, text,
                                             private=True)
            except DeliveryError as exc:
                log.info("could not say the answer is coming (%s)", exc.reason)

        return notice

    async def _perform(self, kind: str, body: dict[str, Any]) -> None:
        match kind:
            case "command":
                await self._on_command(body)
            case "action":
                await self._on_action(body)
            case "form":
                await self._on_submission(body)
            case "reaction":
                await self._on_reaction(body)
            case "home":
                await self._on_home(body, body.get("event") or {})

    async def _carry_out(self, stored: Stored) -> None:
        """Work another instance (or this one before a restart) took and left unfinished."""
        await self._perform(stored.kind, stored.payload)

    async def _tell_sender(self, stored: Stored, text: str) -> None:
        """Too late to answer in place: a direct message."""
        if stored.kind == "home":
            return  # an App Home opened long ago needs no apology
        source = Source(Place("slack", stored.workspace, stored.channel), stored.user_id)
        await self._direct(Reply.say(text), source)

    # --- serving -----------------------------------------------------------------------------

    def web_app(self) -> web.Application:
        """The HTTP side: Slack's one Request URL, a health check, the install pages."""
        app = web.Application()
        app.router.add_post(EVENTS_PATH, self._handle_events)
        app.router.add_get(HEALTH_PATH, self._handle_health)
        flow = self.bolt.oauth_flow
        if flow is not None:
            app.router.add_get(flow.install_path, self._handle_oauth)
            app.router.add_get(flow.redirect_uri_path, self._handle_oauth)
        return app

    def signed(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Slack's signature check, refusing a malformed timestamp instead of failing on it.

        Bolt checks again behind this gate; this one only makes sure that a forged or
        garbled request is a 401 and never a 500.
        """
        if not self._secret:
            return False
        timestamp = headers.get("X-Slack-Request-Timestamp") or ""
        signature = headers.get("X-Slack-Signature") or ""
        if not _TIMESTAMP.fullmatch(timestamp) or not signature.startswith("v0="):
            return False
        if abs(time.time() - int(timestamp)) > STALE_AFTER:
            return False
        # Over the raw bytes, as Slack signs them: a body that is not UTF-8 fails here
        # (or is refused as malformed later), never crashes.
        expected = hmac.new(self._secret, b"v0:" + timestamp.encode() + b":" + body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest("v0=" + expected, signature)

    async def _handle_events(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not self.signed(request.headers, body):
            log.info("refused an unsigned or badly signed request from %s", request.remote)
            return web.json_response({"error": _("invalid request")}, status=401)
        try:  # signed, yet not a payload Slack sends: refused before Bolt reads a field
            guard.check(body, request.headers.get("Content-Type"))
        except guard.Refused as exc:
            log.warning("refused a signed request with a malformed body (%s)", exc.reason)
            return web.json_response({"error": _("malformed payload")}, status=400)
        retry = request.headers.get("X-Slack-Retry-Num")
        if retry:
            log.info("Slack retry %s (%s)", retry, request.headers.get("X-Slack-Retry-Reason"))
        try:
            bolt_request = _Request(body=body.decode("utf-8"), query=request.query_string,
                                    headers=dict(request.headers))
        except ValueError:  # signed, yet not a payload Slack sends (UnicodeDecodeError too)
            return web.json_response({"error": _("malformed body")}, status=400)
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    async def _handle_oauth(self, request: web.Request) -> web.Response:
        flow = self.bolt.oauth_flow
        assert flow is not None
        bolt_request = AsyncBoltRequest(body="", query=request.query_string,
                                        headers=dict(request.headers))
        if request.path == flow.install_path:
            response = await flow.handle_installation(bolt_request)
        else:
            response = await flow.handle_callback(bolt_request)
        return await to_aiohttp_response(response)

    async def _handle_health(self, request: web.Request) -> web.Response:
        try:
            async with self.ctx.uow() as uow:
                await uow.session.execute(sql("SELECT 1"))
        except Exception:
            log.exception("health check: the database did not answer")
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        return web.json_response({"ok": True, "mode": "socket" if self.socket_mode else "http",
                                  "database": "ok"})

    async def start(self) -> int | None:
        """Start serving; returns the HTTP port (None in Socket Mode)."""
        self._session = aiohttp.ClientSession()
        self._clients.share(self._session)
        self.messenger.session = self._session
        if self.socket_mode:
            app_token = self.ctx.settings.slack_app_token
            assert app_token is not None  # settings refuse Socket Mode without it
            self._socket = AsyncSocketModeHandler(self.bolt, app_token.get_secret_value())
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack: connected over Socket Mode")
            await self.inbox.start()
            return None
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise StartupError(_("port {port} is in use on {host} (is another "
                               "actionlab running?); set PORT to a free port").format(
                port=self.port, host=self.host)) from exc
        await self.inbox.start()
        port = self._runner.addresses[0][1] if self._runner.addresses else self.port
        log.info("slack: listening on http://%s:%s%s", self.host, port, EVENTS_PATH)
        return int(port)

    async def idle(self, seconds: float = 10.0) -> None:
        """Wait until the work queued after every ack so far has finished."""
        await self.inbox.idle(seconds)

    async def stop(self) -> None:
        await self.inbox.drain(10.0)
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def run(self) -> None:
        """Serve until cancelled (Ctrl-C, or the process manager stopping us)."""
        try:  # a start that fails half-way (a busy port) still closes what it opened
            await self.start()
            await asyncio.Event().wait()
        finally:
            await self.stop()

    # --- work after the ack ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _work(self, what: str, body: Mapping[str, Any]) -> AsyncIterator[None]:
        """The work on one acked payload: kept track of, and never failing in silence.

        The core maps its own errors to a Reply; this catches what fails around it (a
        profile lookup, translating, rendering) and tells the person privately, as the core
        would: a UserError in its own words, anything else as a reference to the log.
        """
        try:
            yield
        except UserError as exc:
            await self._apologise(body, exc.message)
        except Exception:
            ref = new_reference()
            log.exception("slack %s failed after the ack (ref %s)", what, ref)
            await self._apologise(body, something_went_wrong(ref))

    async def _profile(self, team: str, user_id: str, fallback: str) -> Profile:
        """Name and zone from users.info, asked on first contact and again after a day."""
        key = (team, user_id)
        now = self.ctx.clock.now()
        cached = self._profiles.get(key)
        if cached is not None and now - cached.fetched < PROFILE_LIFETIME:
            return cached.profile
        try:
            client = await self._clients(team)
            response = await self.messenger.call(lambda: client.users_info(user=user_id,
                                                                     include_locale=True))
            profile = translate.profile_from_users_info(response["user"])
        except DeliveryError as exc:
            log.warning("users.info failed for a user (%s); using what the payload says",
                        exc.reason)
            return cached.profile if cached is not None else Profile(user_id, fallback)
        self._profiles[key] = _CachedProfile(profile, now)
        return profile

    async def _who(self, body: Mapping[str, Any]) -> Profile:
        team = translate.team_of(body)
        user_id, fallback = translate.user_of(body)
        return await self._profile(team, user_id, fallback)

    async def _on_command(self, body: dict[str, Any]) -> None:
        async with self._work("command", body):
            command = translate.command(body, await self._who(body))
            reply = await self.ctx.router.dispatch(self.ctx, command)
            await self.deliver(reply, Source.of(command, body.get("response_url"),
                                                body.get("trigger_id")))

    async def _on_action(self, body: dict[str, Any]) -> None:
        async with self._work("action", body):
            action = translate.action(body, await self._who(body))
            if action is None:
                return
            reply = await self.ctx.router.dispatch(self.ctx, action)
            await self.deliver(reply, Source.of(action, body.get("response_url"),
                                                body.get("trigger_id"),
                                                translate.from_view(body),
                                                translate.on_ephemeral(body)))

    async def _on_submission(self, body: dict[str, Any]) -> None:
        async with self._work("form", body):
            submission = translate.submission(body, await self._who(body))
            origin = render.Origin.decode((body.get("view") or {}).get("private_metadata"))
            reply = await self.ctx.router.dispatch(self.ctx, submission)
            await self.deliver(reply, Source.of(submission, origin.response_url,
                                                body.get("trigger_id")))

    async def _on_reaction(self, body: dict[str, Any]) -> None:
        async with self._work("reaction", body):
            event = body.get("event") or {}
            item = event.get("item") or {}
            if item.get("type") != "message":
                return
            if translate.emoji(str(event.get("reaction") or "")) not in self.ctx.router.reactions:
                return  # most reactions are just people reacting: no need to read the message
            team = translate.team_of(body)
            text, author_id = await self._message(team, str(item.get("channel")),
                                                  str(item.get("ts")))
            author_id = str(event.get("item_user") or author_id or "")
            author = await self._profile(team, author_id, author_id) if author_id else None
            link = await self.messenger.permalink(team, str(item.get("channel")),
                                                  str(item.get("ts")))
            reaction = translate.reaction(body, await self._who(body), author, text, link)
            if reaction is None:
                return
            reply = await self.ctx.router.dispatch(self.ctx, reaction)
            await self.deliver(reply, Source.of(reaction))

    async def _message(self, team: str, channel: str, ts: str) -> tuple[str, str | None]:
        """The text and author of one message (conversations.history, else a thread reply)."""
        client = await self._clients(team)
        try:
            found = await self.messenger.call(lambda: client.conversations_history(
                channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1))
            messages = [m for m in found.get("messages") or [] if m.get("ts") == ts]
            if not messages:
                found = await self.messenger.call(lambda: client.conversations_replies(
                    channel=channel, ts=ts, limit=1, latest=ts, inclusive=True))
                messages = [m for m in found.get("messages") or [] if m.get("ts") == ts]
        except DeliveryError as exc:
            log.warning("could not read a reacted-to message (%s)", exc.reason)
            return "", None
        if not messages:
            return "", None
        message = messages[0]
        return translate.unescape(str(message.get("text") or "")), message.get("user")

    async def _on_home(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        async with self._work("home", body):
            if event.get("tab") != "home":
                return
            command = translate.home(body, await self._who(body))
            reply = await self.ctx.router.dispatch(self.ctx, command)
            card = reply.card or Card((Text(reply.text or _("Nothing here yet.")),))
            try:
                await self.messenger.publish_home(command.place.workspace,
                                                  command.actor.user_id, card)
            except DeliveryError as exc:
                log.warning("could not publish the App Home (%s)", exc.reason)

    async def _apologise(self, body: Mapping[str, Any], text: str) -> None:
        try:
            await self.tell(Source.of_payload(body), text)
        except Exception:  # the note is a courtesy: failing to send it must not hide the cause
            log.exception("could not tell the user: %s", text)

    # --- delivering a Reply -------------------------------------------------------------------

    async def deliver(self, reply: Reply, source: Source) -> None:
        """Show `reply` where its event came from, then its followups, privately each; never
        raises."""
        try:
            if reply.form is not None:
                await self._open_form(reply, source)
            if reply.card is not None or reply.text is not None or reply.files:
                await self._show(reply, source)
        except DeliveryError as exc:
            ref = new_reference()
            log.warning("slack refused a reply (%s, ref %s)", exc.reason, ref)
            await self.tell(source, _friendly(exc, ref))
        for followup in reply.followups:
            await self.deliver(followup, source)

    async def _open_form(self, reply: Reply, source: Source) -> None:
        assert reply.form is not None
        if not source.trigger_id:
            await self.tell(source, _("That form opens from a command or a button; try again "
                                    "from there."))
            return
        origin = render.Origin(source.place.channel, source.response_url, source.place.direct)
        await self.messenger.open_form(source.workspace, source.trigger_id, reply.form, origin)

    async def _show(self, reply: Reply, source: Source) -> None:
        m, place = self.messenger, source.place
        if source.from_home:
            if reply.replace and reply.card is not None:
                await m.publish_home(source.workspace, source.user_id, reply.card)
            else:
                await self._direct(reply, source)
            return
        if place.channel.startswith("U") or (reply.private and place.direct and
                                             not source.response_url):
            await self._direct(reply, source)
            return
        pictures, documents = render.split_files(reply.files)
        # Seen by one person in a conversation others share: Slack attaches no file to such
        # a message, so pictures go into image blocks and documents to a direct message.
        secret = reply.private and not place.direct
        footer = await self._send_privately(documents, reply, source) if secret else None
        missing: tuple[File, ...] = ()
        if reply.card is None and reply.text is None and not pictures and not footer:
            pass  # only documents, for everyone here: they are shared below
        elif source.response_url:
            replace, drop = reply.replace, False
            if replace and reply.private and source.ephemeral is False and not place.direct:
                replace = False  # a private answer never takes the place of what all see
            elif replace and not reply.private and source.ephemeral:
                # Slack keeps a replaced message as private as it was: show the public
                # answer as a message of its own, then take the private one away.
                replace, drop = False, True
            missing = await m.respond(source.workspace, source.response_url, reply.card,
                                      reply.text, private=reply.private, replace=replace,
                                      pictures=pictures, footer=footer)
            if drop:
                await m.delete_original(source.response_url)
        elif reply.private:
            missing = await m.ephemeral(place, source.user_id, reply.card, reply.text,
                                        pictures=pictures, footer=footer)
        elif reply.card is not None:
            await m.post(place, reply.card, reply.files)
            return
        elif reply.text is not None:
            await m.post_text(place, reply.text, reply.files)
            return
        else:
            missing = pictures  # pictures alone, for everyone: shared as they are
        if secret:
            if missing:
                await self._send_privately(missing, reply, source)
        elif missing or documents:
            await m.share_with(source.workspace, place.channel, (*missing, *documents))

    async def _send_privately(self, files: tuple[File, ...], reply: Reply,
                              source: Source) -> str | None:
        """Share `files` in the person's direct messages with the bot; what to tell them."""
        if not files:
            return None
        channel = await self.messenger.dm_channel(source.workspace, source.user_id)
        comment = reply.text or (reply.card.fallback if reply.card is not None else None)
        await self.messenger.share_with(source.workspace, channel, files, comment)
        names = ", ".join(f"`{f.name}`" for f in files)
        noun = "file" if len(files) == 1 else "files"
        return (_("I sent you the {noun} in our direct messages ({names}): Slack shows no "
                "files in a message only you can see.").format(noun=noun, names=names))

    async def _direct(self, reply: Reply, source: Source) -> MessageRef | None:
        channel = await self.messenger.dm_channel(source.workspace, source.user_id)
        where = Place("slack", source.workspace, channel, direct=True)
        if reply.card is not None:
            return await self.messenger.post(where, reply.card, reply.files)
        if reply.text:
            return await self.messenger.post_text(where, reply.text, reply.files)
        if reply.files:
            await self.messenger.share_with(source.workspace, channel, reply.files)
        return None

    async def tell(self, source: Source, text: str) -> None:
        """A private note to the person, by whichever way still works; never raises."""
        attempts: list[Any] = []
        if source.response_url:
            attempts.append(lambda: self.messenger.respond(
                source.workspace, str(source.response_url), None, text, private=True))
        if not source.place.direct and not source.place.channel.startswith("U"):
            attempts.append(lambda: self.messenger.ephemeral(
                source.place, source.user_id, None, text))
        attempts.append(lambda: self._direct(Reply.say(text), source))
        for attempt in attempts:
            try:
                await attempt()
                return
            except DeliveryError as exc:
                log.info("could not tell the user that way (%s)", exc.reason)
        log.warning("could not reach the user at all to tell them: %s", text)


def _kind(body: Mapping[str, Any]) -> str | None:
    if body.get("command"):
        return "command"
    match body.get("type"):
        case "block_actions":
            return "action"
        case "view_submission":
            return "form"
        case "event_callback":
            return {"reaction_added": "reaction", "app_home_opened": "home"}.get(
                str((body.get("event") or {}).get("type")))
    return None


def _resend(kind: str, body: Mapping[str, Any]) -> str:
    """What to do again, in the sender's words, if the work cannot be carried out."""
    match kind:
        case "command":
            text = str(body.get("text") or "").strip()
            line = f"/lab {text}" if text else "/lab"
            return _("send `{replace}` again").format(
                replace=line.replace('`', chr(39)))
        case "action":
            act = (body.get("actions") or [{}])[0]
            label = ((act.get("text") or {}).get("text") or
                     (act.get("selected_option") or {}).get("text", {}).get("text") or "")
            return _("press “{label}” again").format(
                label=label) if label else _("press that control again")
        case "form":
            return _("fill in and send that form again")
        case "reaction":
            return _("take off your :memo: reaction and add it again")
    return _("send it again")


class SlackSender:
    """Slack's Web API alone, with no Request URL or socket: a process that serves another
    platform still posts to a lab's Slack channels and members (its reminders, its
    announcements). Clicks on what it posts go to the process that serves Slack."""

    platform: Platform = "slack"

    def __init__(self, ctx: Context) -> None:
        settings = ctx.settings
        base_url = settings.slack.api_base_url
        if settings.slack.client_id and settings.slack_client_secret:
            self._clients = WorkspaceClients(base_url, store=DatabaseInstallationStore(ctx))
        elif settings.slack_bot_token is not None:
            self._clients = WorkspaceClients(
                base_url, token=settings.slack_bot_token.get_secret_value())
        else:
            raise SlackConfigError(_("Sending to Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID "
                                   "and SLACK_CLIENT_SECRET."))
        self.messenger = SlackMessenger(self._clients)
        ctx.messengers.register(self.messenger)

    async def run(self) -> None:
        """Hold one connection pool for the messenger until cancelled."""
        async with aiohttp.ClientSession() as session:
            self._clients.share(session)
            self.messenger.session = session
            try:
                await asyncio.Event().wait()
            finally:
                self._clients.share(None)
                self.messenger.session = None
