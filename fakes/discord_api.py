"""A fake Discord on 127.0.0.1: the REST API under /api/v10 and a gateway WebSocket.

Enough of Discord for the real discord.py client to log in, identify, receive READY and
heartbeat ACKs, sync its commands, get INTERACTION_CREATE and MESSAGE_REACTION_ADD
dispatches, and answer them: interaction callbacks, follow-ups, edits, channel messages and
direct messages are recorded (JSON, or multipart with files) so tests can assert on exactly
what the bot sent. Failures (403, 429 with retry_after, 50035 ...) can be queued for a route.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 700000000000000001
CHANNEL_ID = 700000000000000002
OTHER_CHANNEL_ID = 700000000000000003
MESSAGE_CONTENT = 1 << 15  # the privileged intent's bit
VIEW_CHANNEL = 1 << 10  # the permission bit that makes a channel visible
EPHEMERAL = 1 << 6
LOADING = 1 << 7


@dataclass
class Recorded:
    """One request the bot made."""

    method: str
    path: str
    json: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)
    query: dict[str, str] = field(default_factory=dict)
    at: float = 0.0


@dataclass
class Failure:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


def reply(data: Any, *, status: int = 200, headers: dict[str, str] | None = None
          ) -> web.Response:
    """JSON as Discord sends it: discord.py reads a body as JSON only when the content type
    is exactly application/json (no charset)."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class FakeDiscord:
    def __init__(self, token: str = "fake-bot-token", *, grant_message_content: bool = True,
                 heartbeat_ms: int = 41250) -> None:
        self.token = token
        self.grant_message_content = grant_message_content
        self.heartbeat_ms = heartbeat_ms
        self.requests: list[Recorded] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.synced: dict[str, list[dict[str, Any]]] = {}
        self.identified: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.sent_at: dict[int, float] = {}  # interaction id -> when its dispatch went out
        self.sent_index: dict[int, int] = {}  # interaction id -> requests before its dispatch
        self._ids = itertools.count(800000000000000001)
        self._failures: list[Failure] = []
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._zlib: Any = None
        self._seq = 0
        self._ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.original: dict[int, int] = {}  # interaction id -> its response message id
        self.followups: dict[int, list[int]] = {}  # interaction id -> its follow-ups' ids
        self.tokens: dict[str, int] = {}  # interaction token -> interaction id
        self.payloads: dict[int, dict[str, Any]] = {}
        # Channels @everyone may view; the others deny it View Channel (as a lab's should).
        self.public_channels: set[int] = set()

    # --- life ---------------------------------------------------------------------------------

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_ready(self, within: float = 10.0) -> None:
        await asyncio.wait_for(self._ready.wait(), within)

    # --- failures -----------------------------------------------------------------------------

    def fail(self, method: str, path: str, status: int, *, code: int = 0,
             message: str = "", times: int = 1, retry_after: float | None = None,
             errors: dict[str, Any] | None = None) -> None:
        """Answer the next `times` requests matching `method` and the `path` regex with an
        error, shaped as Discord's (429s carry retry_after and the Via header discord.py
        looks for to tell Discord's limits from a proxy's)."""
        body: dict[str, Any] = {"message": message or f"{status} error", "code": code}
        headers = {}
        if errors is not None:
            body["errors"] = errors
        if status == 429:
            body["retry_after"] = retry_after if retry_after is not None else 1.0
            body["global"] = False
            headers = {"Via": "1.1 google", "Retry-After": str(body["retry_after"]),
                       "X-RateLimit-Scope": "user"}
        self._failures.append(Failure(method, re.compile(path), status, body, headers, times))

    def _failure_for(self, method: str, path: str) -> Failure | None:
        for f in self._failures:
            if f.method == method and f.path.search(path) and f.times > 0:
                f.times -= 1
                return f
        return None

    # --- waiting ------------------------------------------------------------------------------

    async def _record(self, rec: Recorded) -> None:
        async with self._changed:
            self.requests.append(rec)
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[Recorded], bool], *, start: int = 0,
                       within: float = 10.0) -> Recorded:
        """The first request from index `start` on that matches, waiting for it if need be."""

        def found() -> Recorded | None:
            return next((r for r in self.requests[start:] if predicate(r)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), within)
        result = found()
        assert result is not None
        return result

    async def callback(self, interaction_id: int, within: float = 10.0) -> Recorded:
        prefix = f"interactions/{interaction_id}/"
        # Only what came after the dispatch can answer it: no rescans of the whole history
        # (the benchmark sends thousands).
        return await self.wait_for(
            lambda r: r.method == "POST" and r.path.startswith(prefix),
            start=self.sent_index.get(interaction_id, 0), within=within)

    def calls(self, method: str | None = None, path: str = "") -> list[Recorded]:
        return [r for r in self.requests
                if (method is None or r.method == method) and re.search(path, r.path)]

    # --- the gateway --------------------------------------------------------------------------

    async def _send(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        data = json.dumps(payload)
        if self._zlib is not None:
            # zlib-stream: one deflate stream for the connection, each message ending in a
            # sync flush, as Discord does.
            await ws.send_bytes(self._zlib.compress(data.encode()) +
                                self._zlib.flush(zlib.Z_SYNC_FLUSH))
        else:
            await ws.send_str(data)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        self._zlib = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        await self._send(ws, {"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                self.heartbeats += 1
                await self._send(ws, {"op": 11})
            elif op == 2:
                await self._identify(ws, payload["d"])
            elif op == 6:
                self._seq += 1
                await self._send(ws, {"op": 0, "t": "RESUMED", "s": self._seq, "d": {}})
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identified.append(data)
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if int(data.get("intents", 0)) & MESSAGE_CONTENT and not self.grant_message_content:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self._seq += 1
        await self._send(ws, {"op": 0, "t": "READY", "s": self._seq, "d": {
            "v": 10, "user": self.bot_user(), "session_id": "fake-session",
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "resume_gateway_url": self.gateway, "shard": [0, 1],
            "application": {"id": str(APP_ID), "flags": 0},
        }})
        self._seq += 1
        await self._send(ws, {"op": 0, "t": "GUILD_CREATE", "s": self._seq, "d": self.guild()})
        self._ready.set()

    def guild(self) -> dict[str, Any]:
        """The one guild the bot is in, as GUILD_CREATE brings it after READY."""
        return {
            "id": str(GUILD_ID), "name": "Civic Tech", "icon": None, "owner_id": "1",
            "unavailable": False, "large": False, "member_count": 5, "joined_at": now_iso(),
            "roles": [{"id": str(GUILD_ID), "name": "@everyone", "permissions": "2248473465835073",
                       "position": 0, "color": 0, "hoist": False, "managed": False,
                       "mentionable": False, "flags": 0}],
            "channels": [
                {"id": str(c), "type": 0, "name": name, "position": i,
                 "permission_overwrites": [] if c in self.public_channels else [
                     {"id": str(GUILD_ID), "type": 0, "allow": "0",
                      "deny": str(VIEW_CHANNEL)}],
                 "nsfw": False, "parent_id": None, "flags": 0,
                 "rate_limit_per_user": 0, "topic": None, "last_message_id": None}
                for i, (c, name) in enumerate(((CHANNEL_ID, "lab"), (OTHER_CHANNEL_ID, "lab-2")))
            ],
            "members": [], "emojis": [], "stickers": [], "features": [], "threads": [],
            "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "premium_tier": 0, "preferred_locale": "en-GB", "nsfw_level": 0,
            "system_channel_flags": 0,
        }

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._ws is not None, "the bot is not connected"
        self._seq += 1
        await self._send(self._ws, {"op": 0, "t": event, "s": self._seq, "d": data})

    async def interact(self, payload: dict[str, Any]) -> None:
        """Send an INTERACTION_CREATE, noting when it went out."""
        iid = int(payload["id"])
        self.tokens[payload["token"]] = iid
        self.payloads[iid] = payload
        self.sent_at[iid] = time.perf_counter()
        self.sent_index[iid] = len(self.requests)
        await self.dispatch("INTERACTION_CREATE", payload)

    # --- REST ---------------------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        return {"id": str(BOT_ID), "username": "actionlab", "discriminator": "0",
                "global_name": "actionlab", "avatar": None, "bot": True, "flags": 0,
                "verified": True, "mfa_enabled": False}

    def message(self, channel_id: int | str, body: dict[str, Any], *, flags: int = 0,
                files: list[tuple[str, bytes]] | None = None) -> dict[str, Any]:
        mid = self.next_id()
        message = {
            "id": str(mid), "channel_id": str(channel_id), "author": self.bot_user(),
            "content": body.get("content") or "", "timestamp": now_iso(),
            "edited_timestamp": None, "tts": False, "mention_everyone": False,
            "mentions": [], "mention_roles": [], "pinned": False, "type": 0,
            "embeds": body.get("embeds") or [], "components": body.get("components") or [],
            "flags": flags | int(body.get("flags") or 0),
            "attachments": [
                {"id": str(self.next_id()), "filename": name, "size": len(data),
                 "url": f"{self.base}/attachments/{name}",
                 "proxy_url": f"{self.base}/attachments/{name}"}
                for name, data in files or []
            ],
        }
        self.messages[mid] = message
        return message

    def _edit(self, mid: int, body: dict[str, Any],
              files: list[tuple[str, bytes]]) -> dict[str, Any]:
        message = self.messages[mid]
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else (
                    "" if key == "content" else [])
        if "attachments" in body or files:
            message["attachments"] = [
                {"id": str(self.next_id()), "filename": n, "size": len(d),
                 "url": f"{self.base}/attachments/{n}", "proxy_url": f"{self.base}/attachments/{n}"}
                for n, d in files]
        message["edited_timestamp"] = now_iso()
        message["flags"] = int(message["flags"]) & ~LOADING
        return message

    async def _body(self, request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            data: Any = None
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                raw = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    data = json.loads(raw)
                else:
                    files.append((part.filename or part.name or "file", bytes(raw)))  # type: ignore[union-attr]
            return data, files
        text = await request.text()
        return (json.loads(text) if text else None), []

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        body, files = await self._body(request)
        rec = Recorded(request.method, path, body, files, dict(request.query),
                       time.perf_counter())
        await self._record(rec)
        webhook = path.startswith(("interactions/", "webhooks/"))
        if not webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            return reply({"message": "401: Unauthorized", "code": 0}, status=401)
        failure = self._failure_for(request.method, path)
        if failure is not None:
            return reply(failure.body, status=failure.status,
                                     headers=failure.headers)
        return await self._route(request.method, path, body or {}, files)

    async def _route(self, method: str, path: str, body: Any,
                     files: list[tuple[str, bytes]]) -> web.StreamResponse:
        ok = reply
        if path == "users/@me" and method == "GET":
            return ok(self.bot_user())
        if path == "oauth2/applications/@me":
            return ok({"id": str(APP_ID), "name": "actionlab", "description": "", "icon": None,
                       "bot_public": False, "bot_require_code_grant": False,
                       "verify_key": "0" * 64, "flags": 0, "team": None,
                       "owner": {"id": "1", "username": "owner", "discriminator": "0",
                                 "avatar": None}, "rpc_origins": []})
        m = re.fullmatch(r"applications/(\d+)/(?:guilds/(\d+)/)?commands", path)
        if m and method == "PUT":
            scope = m.group(2) or "global"
            self.synced[scope] = body
            return ok([{**c, "id": str(self.next_id()), "application_id": str(APP_ID),
                        "version": "1", "default_member_permissions": None, "type": 1}
                       for c in body])
        m = re.fullmatch(r"interactions/(\d+)/([^/]+)/callback", path)
        if m:
            return ok(self._callback(int(m.group(1)), body, files))
        m = re.fullmatch(r"webhooks/(\d+)/([^/]+)(?:/messages/([^/]+))?", path)
        if m:
            return self._webhook(method, m.group(2), m.group(3), body, files)
        m = re.fullmatch(r"channels/(\d+)/messages(?:/(\d+))?", path)
        if m:
            channel, mid = m.group(1), m.group(2)
            if method == "POST" and mid is None:
                return ok(self.message(channel, body, files=files))
            if mid is not None and int(mid) in self.messages:
                if method == "PATCH":
                    return ok(self._edit(int(mid), body, files))
                if method == "GET":
                    return ok(self.messages[int(mid)])
            return ok({"message": "Unknown Message", "code": 10008}, status=404)
        if path == "users/@me/channels" and method == "POST":
            recipient = str(body["recipient_id"])
            return ok({"id": str(int(recipient) + 1), "type": 1, "last_message_id": None,
                       "recipients": [{"id": recipient, "username": f"user{recipient}",
                                       "discriminator": "0", "avatar": None}]})
        m = re.fullmatch(r"users/(\d+)", path)
        if m:
            return ok({"id": m.group(1), "username": f"user{m.group(1)}", "discriminator": "0",
                       "global_name": None, "avatar": None})
        return ok({"message": "404: Not Found", "code": 0}, status=404)

    def _callback(self, iid: int, body: dict[str, Any],
                  files: list[tuple[str, bytes]]) -> dict[str, Any]:
        kind = int(body["type"])
        data = body.get("data") or {}
        interaction: dict[str, Any] = {"id": str(iid), "type": 2}
        out: dict[str, Any] = {"interaction": interaction}
        if kind in (4, 5):  # a new message (5: "thinking..." until edited)
            message = self.message(CHANNEL_ID, data, files=files,
                                   flags=LOADING if kind == 5 else 0)
            self.original[iid] = int(message["id"])
            interaction.update(response_message_id=message["id"],
                               response_message_loading=kind == 5,
                               response_message_ephemeral=bool(int(message["flags"]) & EPHEMERAL))
            out["resource"] = {"type": kind, "message": message}
        elif kind in (6, 7):  # (later) update the message the control is on
            source = (self.payloads.get(iid) or {}).get("message")
            if source is not None and int(source["id"]) in self.messages:
                self.original[iid] = int(source["id"])
                if kind == 7:
                    message = self._edit(int(source["id"]), data, files)
                    out["resource"] = {"type": kind, "message": message}
        return out

    def _webhook(self, method: str, token: str, mid: str | None, body: Any,
                 files: list[tuple[str, bytes]]) -> web.StreamResponse:
        iid = self.tokens.get(token)
        if mid is None and method == "POST":  # a follow-up
            message = self.message(CHANNEL_ID, body or {}, files=files)
            self.followups.setdefault(iid or 0, []).append(int(message["id"]))
            return reply(message)
        target = self.original.get(iid or 0) if mid == "@original" else int(mid or 0)
        if target is None or target not in self.messages:
            return reply({"message": "Unknown Message", "code": 10008}, status=404)
        if method == "PATCH":
            return reply(self._edit(target, body or {}, files))
        if method == "DELETE":
            del self.messages[target]
            return web.Response(status=204)
        return reply(self.messages[target])
