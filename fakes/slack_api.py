"""A fake Slack for tests: the Web API, response URLs, file uploads, the OAuth consent page
and a Socket Mode WebSocket, on 127.0.0.1 (port 0), recording every call it receives and the
token it came with. oauth.v2.access issues a new bot token each time; a revoked one is
refused (`token_revoked`), as Slack does after an uninstall."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web


@dataclass
class Call:
    """One request the fake received: a Web API method, a response_url post, an upload."""

    method: str
    args: dict[str, Any]
    token: str | None = None

    def json(self, key: str) -> Any:
        value = self.args.get(key)
        return json.loads(value) if isinstance(value, str) else value


@dataclass
class Failure:
    error: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


USERS: dict[str, dict[str, Any]] = {
    "UGEMMA": {"real_name": "Gemma Rhodes", "display_name": "Gemma", "tz": "Europe/London"},
    "UAMARA": {"real_name": "Amara Okafor", "display_name": "", "tz": "Africa/Lagos"},
    "UZOE": {"real_name": "Zoë Núñez", "display_name": "Zoë", "tz": "America/Sao_Paulo"},
    "UPRIYA": {"real_name": "Priya Raman", "display_name": "Priya", "tz": "Asia/Kolkata"},
}


# The bot scope each Web API method needs (Slack's reference); methods not listed need none.
REQUIRED_SCOPES = {
    "chat.postMessage": "chat:write", "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write", "conversations.open": "im:write", "users.info": "users:read",
    "conversations.history": "channels:history", "conversations.replies": "channels:history",
    "files.getUploadURLExternal": "files:write", "files.completeUploadExternal": "files:write",
    "files.info": "files:read", "conversations.info": "channels:read",
}


class FakeSlack:
    """Answers like Slack does, and remembers every call in order."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users = {uid: dict(u) for uid, u in USERS.items()}
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.failures: dict[str, list[Failure]] = defaultdict(list)
        self.uploads: dict[str, bytes] = {}
        self.processing_polls = 1  # files.info says "not yet" this many times per file
        self.scopes: set[str] | None = None  # the bot token's scopes; None: every one
        # conversations.info: channels are private unless listed here (a lab's should be).
        self.public_channels: set[str] = set()
        self.shared_channels: set[str] = set()  # private, shared with another organisation
        self.garbled: dict[str, int] = defaultdict(int)  # method -> answers left to garble
        self._polled: dict[str, int] = defaultdict(int)
        self._ts = itertools.count(1)
        self._files = itertools.count(1)
        self._changed = asyncio.Condition()
        self.sockets: list[web.WebSocketResponse] = []
        self.socket_acks: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        # OAuth: the workspace the next oauth.v2.access installs into, the bot tokens issued
        # (token -> team) and the ones revoked since.
        self.installing: tuple[str, str] = ("T2", "Second Lab")
        self.issued: dict[str, str] = {}
        self.revoked: set[str] = set()
        # Messages a person deleted (channel, ts): chat.update answers message_not_found.
        self.deleted: set[tuple[str, str]] = set()

    # --- control --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def fail(self, method: str, error: str, *, times: int = 1, status: int = 200,
             headers: dict[str, str] | None = None) -> None:
        """Make the next `times` calls of `method` fail with Slack's `error`."""
        for _ in range(times):
            self.failures[method].append(Failure(error, status, headers or {}))

    def delete(self, channel: str, ts: str) -> None:
        """A person deletes a message: it is gone, and updating it fails as on Slack."""
        self.deleted.add((channel, ts))
        self.messages[channel] = [m for m in self.messages[channel] if m["ts"] != ts]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """A message as it now stands (after any chat.update), or None."""
        return next((m for m in self.messages[channel] if m["ts"] == ts), None)

    def garble(self, method: str, *, times: int = 1) -> None:
        """Make the next `times` calls of `method` say ok and leave out everything else: a
        malformed answer the bot does not expect."""
        self.garbled[method] += times

    def revoke(self, team: str) -> list[str]:
        """Revoke every bot token issued for `team` (what an uninstall does on Slack)."""
        tokens = [t for t, owner in self.issued.items() if owner == team and t not in self.revoked]
        self.revoked.update(tokens)
        return tokens

    def token_of(self, team: str) -> str:
        """The newest bot token issued for `team`."""
        tokens = [t for t, owner in self.issued.items() if owner == team]
        assert tokens, f"no token was issued for {team}"
        return tokens[-1]

    def api_calls(self) -> list[Call]:
        """The Web API calls made with a bot token (not response URLs, uploads or OAuth)."""
        return [c for c in self.calls
                if c.token is not None and not c.token.startswith("Basic ")]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def last(self, method: str) -> Call:
        found = self.of(method)
        assert found, f"no {method} call; calls were {[c.method for c in self.calls]}"
        return found[-1]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def clear(self) -> None:
        self.calls.clear()

    async def wait_for(self, method: str, count: int = 1, seconds: float = 5.0) -> list[Call]:
        """Wait until `method` has been called `count` times in all."""

        async def enough() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.of(method)) >= count)

        async with asyncio.timeout(seconds):
            await enough()
        return self.of(method)

    # --- serving -----------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{token}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for ws in self.sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else args.get("token")
        await self._record(Call(method, args, token))
        if token in self.revoked:
            return web.json_response({"ok": False, "error": "token_revoked"})
        needed = REQUIRED_SCOPES.get(method)
        if self.scopes is not None and needed is not None and needed not in self.scopes:
            return web.json_response({"ok": False, "error": "missing_scope", "needed": needed,
                                      "provided": ",".join(sorted(self.scopes))})
        if self.failures.get(method):
            failure = self.failures[method].pop(0)
            return web.json_response({"ok": False, "error": failure.error},
                                     status=failure.status, headers=failure.headers)
        if method == "chat.update" and (str(args.get("channel")),
                                        str(args.get("ts"))) in self.deleted:
            return web.json_response({"ok": False, "error": "message_not_found"})
        if self.garbled[method] > 0:
            self.garbled[method] -= 1
            return web.json_response({"ok": True})
        if method == "auth.test":
            return web.json_response({"ok": True, **self._auth_test(token)})
        if method == "auth.revoke":
            self.revoked.add(str(token))
            return web.json_response({"ok": True, "revoked": True})
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        body = answer(args) if answer is not None else {}
        return web.json_response({"ok": True, **body})

    async def _response_url(self, request: web.Request) -> web.Response:
        await self._record(Call("response_url", {"url_token": request.match_info["token"],
                                                 **await request.json()}))
        if self.failures.get("response_url"):
            failure = self.failures["response_url"].pop(0)
            return web.Response(text=failure.error, status=failure.status or 404,
                                headers=failure.headers)
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = await request.read()
        await self._record(Call("upload", {"file_id": file_id}))
        return web.Response(text="OK - " + str(len(self.uploads[file_id])))

    async def _authorize(self, request: web.Request) -> web.Response:
        await self._record(Call("oauth.authorize", dict(request.query)))
        return web.Response(text="consent page")

    # --- Socket Mode -------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A1"}})
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                data = json.loads(message.data)
                async with self._changed:
                    self.socket_acks.append(data)
                    self._changed.notify_all()
        return ws

    async def push(self, envelope: dict[str, Any]) -> None:
        """Send an envelope to the connected Socket Mode client."""
        for _ in range(100):
            if self.sockets:
                break
            await asyncio.sleep(0.05)
        await self.sockets[-1].send_json(envelope)

    async def wait_for_ack(self, envelope_id: str, seconds: float = 5.0) -> dict[str, Any]:
        async def acked() -> dict[str, Any]:
            async with self._changed:
                await self._changed.wait_for(
                    lambda: any(a.get("envelope_id") == envelope_id for a in self.socket_acks))
            return next(a for a in self.socket_acks if a.get("envelope_id") == envelope_id)

        async with asyncio.timeout(seconds):
            return await acked()

    # --- the Web API methods -------------------------------------------------------------------

    def _auth_test(self, token: str | None) -> dict[str, Any]:
        team = self.issued.get(str(token))
        if team is not None:  # a token this fake issued through OAuth
            return {"url": "https://lab.example/", "team": self.installing[1],
                    "user": "actionlab", "team_id": team, "user_id": "UBOT" + team[1:],
                    "bot_id": "BBOT" + team[1:]}
        return {"url": "https://lab.example/", "team": "Lab", "user": "actionlab",
                "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        uid = str(args.get("user"))
        user = self.users.get(uid, {"real_name": uid, "display_name": "", "tz": None})
        return {"user": {
            "id": uid, "name": user["real_name"].split()[0].lower(), "real_name":
            user["real_name"], "tz": user["tz"],
            "profile": {"display_name": user["display_name"], "real_name": user["real_name"]},
            # Slack sends the locale only when asked (include_locale=true).
            **({"locale": user.get("locale", "en-US")}
               if str(args.get("include_locale")).lower() in {"true", "1"} else {}),
        }}

    def _post(self, channel: str, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"1700000000.{next(self._ts):06d}"
        message = {"ts": ts, "text": args.get("text"), "blocks": args.get("blocks"),
                   "user": "UBOT"}
        self.messages[channel].append(message)
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._post(str(args["channel"]), args)

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"message_ts": f"1700000000.{next(self._ts):06d}"}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        found = self.message(str(args.get("channel")), str(args.get("ts")))
        if found is not None:  # redrawn in place: the same ts, the new text and blocks
            found.update(text=args.get("text"), blocks=args.get("blocks"),
                         edited={"user": "UBOT"})
        return {"channel": args.get("channel"), "ts": args.get("ts")}

    def _chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"permalink": f"https://lab.example/archives/{args.get('channel')}/"
                             f"p{str(args.get('message_ts')).replace('.', '')}"}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        if channel.startswith("D"):
            return {"channel": {"id": channel, "is_im": True, "is_private": True}}
        return {"channel": {
            "id": channel, "name": channel.lower(), "is_channel": True, "is_im": False,
            "is_mpim": False, "is_private": channel not in self.public_channels,
            "is_shared": channel in self.shared_channels,
            "is_ext_shared": channel in self.shared_channels,
        }}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": {"id": "D" + str(args.get("users"))}}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("latest"))
        return {"messages": [m for m in self.messages[channel] if m["ts"] == ts]}

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._conversations_history(args)

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"view": {"id": "VMODAL", **(args.get("view") or {})}}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"view": {"id": "VHOME"}}

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._files):08d}"
        return {"upload_url": self.url(f"/upload/{file_id}"), "file_id": file_id}

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(args["files"])
        return {"files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def _files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = str(args.get("file"))
        self._polled[file_id] += 1
        ready = self._polled[file_id] > self.processing_polls
        return {"file": {"id": file_id, "mimetype": "image/png" if ready else ""}}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://127.0.0.1:{self.port}/link"}

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        team, name = self.installing
        token = f"xoxb-{team}-{sum(1 for owner in self.issued.values() if owner == team) + 1}"
        self.issued[token] = team
        return {
            "app_id": "A1", "authed_user": {"id": "UGEMMA"}, "scope": "commands,chat:write",
            "token_type": "bot", "access_token": token, "bot_user_id": "UBOT" + team[1:],
            "team": {"id": team, "name": name}, "enterprise": None,
            "is_enterprise_install": False,
        }
