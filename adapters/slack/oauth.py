"""The multi-workspace install: slack_sdk's installation and OAuth-state stores, kept in the
project's database through our own unit of work.

storage/ knows no platform library, so its tables are neutral (`installations`,
`oauth_states`); this module turns slack_sdk's Installation and Bot records into rows and
back. Any instance can finish an install another one started, and every instance sees
every workspace's bot token.

A workspace's Web API client follows the store: an install, a reinstall, an uninstall or a
revocation saved or deleted here changes the token at once, and every token the store hands
Bolt for an incoming request (read afresh for each one) is the one that request's work uses.
Another process's reinstall is seen on the next request from that workspace; where no request
came in between (a reminder), a call Slack refuses for its token is tried once more with the
store's newest token, and if that fails too the workspace counts as uninstalled.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import aiohttp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.messenger import SlackError
from bot.context import Context
from storage.models import Installation as InstallationRow

log = logging.getLogger(__name__)

PLATFORM = "slack"
INSTALLATION, BOT = "installation", "bot"
STATE_LIFETIME = timedelta(minutes=10)
TOKEN_LIFETIME = 60.0  # seconds a workspace's bot token is trusted without asking the store
# Slack's answers for a token it no longer takes: the install is gone (or was replaced).
REFUSED = frozenset({"token_revoked", "invalid_auth", "account_inactive"})
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"

# Told of a workspace's bot token as the store learns it: the token, or None when the store
# has just dropped it (an uninstall, a revocation) or holds none.
TokenWatcher = Callable[[str, str | None], None]


def _jsonable(record: dict[str, Any]) -> dict[str, Any]:
    # slack_sdk's records hold datetimes; its constructors read them back from ISO strings.
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in record.items()}


def _accepted(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    # A record saved by another slack_sdk version may carry keys this one does not take.
    names = set(inspect.signature(cls).parameters)
    return {k: v for k, v in data.items() if k in names}


def _team(team_id: str | None, is_enterprise_install: bool | None) -> str | None:
    # slack_sdk's convention: an org-wide install is found by its enterprise id alone.
    return None if is_enterprise_install else team_id


def _workspace(enterprise_id: str | None, team_id: str | None) -> str | None:
    # What WorkspaceClients is asked for: the team, or the org for an org-wide install.
    return team_id or enterprise_id


class DatabaseInstallationStore(AsyncInstallationStore):
    """slack_sdk's AsyncInstallationStore on the project's database."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._watchers: list[TokenWatcher] = []
        # Bumped by every save or delete through this store: a read that started before one
        # must not tell the watchers what it found, since that may be the old token.
        self._generation = 0

    @property
    def logger(self) -> logging.Logger:
        return log

    def watch(self, watcher: TokenWatcher) -> None:
        """Tell `watcher` each bot token this store saves, deletes or reads."""
        self._watchers.append(watcher)

    def _tell(self, token: str | None, *workspaces: str | None) -> None:
        for workspace in {w for w in workspaces if w}:
            for watcher in self._watchers:
                watcher(workspace, token)

    def _changed(self, token: str | None, *workspaces: str | None) -> None:
        self._generation += 1
        self._tell(token, *workspaces)

    def _read(self, generation: int, token: str | None, *workspaces: str | None) -> None:
        if generation == self._generation:
            self._tell(token, *workspaces)

    async def async_save(self, installation: Installation) -> None:
        now = self._ctx.clock.now()
        team = _team(installation.team_id, installation.is_enterprise_install)
        async with self._ctx.uow() as uow:
            await uow.installations.add(InstallationRow(
                platform=PLATFORM, kind=INSTALLATION, enterprise_id=installation.enterprise_id,
                team_id=team, user_id=installation.user_id, installed_at=now,
                data=_jsonable(installation.to_dict_for_copying()),
            ))
            if installation.bot_token:
                await uow.installations.add(self._bot_row(installation.to_bot(), now))
            await uow.commit()
        if installation.bot_token:  # a user's own install leaves the bot's token as it was
            self._changed(installation.bot_token, _workspace(installation.enterprise_id, team))
        log.info("slack app installed in %s", installation.team_name or team or
                 installation.enterprise_id)

    async def async_save_bot(self, bot: Bot) -> None:
        async with self._ctx.uow() as uow:
            await uow.installations.add(self._bot_row(bot, self._ctx.clock.now()))
            await uow.commit()
        self._changed(bot.bot_token,
                      _workspace(bot.enterprise_id, _team(bot.team_id, bot.is_enterprise_install)))

    @staticmethod
    def _bot_row(bot: Bot, now: datetime) -> InstallationRow:
        return InstallationRow(
            platform=PLATFORM, kind=BOT, enterprise_id=bot.enterprise_id,
            team_id=_team(bot.team_id, bot.is_enterprise_install), user_id=None,
            installed_at=now, data=_jsonable(bot.to_dict_for_copying()),
        )

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        generation = self._generation
        team = _team(team_id, is_enterprise_install)
        async with self._ctx.uow() as uow:
            row = await uow.installations.latest(PLATFORM, BOT, enterprise_id=enterprise_id,
                                                 team_id=team)
        bot = Bot(**_accepted(Bot, row.data)) if row is not None else None
        self._read(generation, bot.bot_token if bot else None, _workspace(enterprise_id, team))
        return bot

    async def async_find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        generation = self._generation
        team = _team(team_id, is_enterprise_install)
        async with self._ctx.uow() as uow:
            row = await uow.installations.latest(
                PLATFORM, INSTALLATION, enterprise_id=enterprise_id, team_id=team,
                user_id=user_id,
            )
            bot = await uow.installations.latest(
                PLATFORM, BOT, enterprise_id=enterprise_id, team_id=team,
            )
        latest = Bot(**_accepted(Bot, bot.data)) if bot is not None else None
        if row is not None or user_id is None:  # no install of one user says nothing of the bot
            self._read(generation, latest.bot_token if latest else None,
                       _workspace(enterprise_id, team))
        if row is None:
            return None
        installation = Installation(**_accepted(Installation, row.data))
        if latest is None:  # the bot token was revoked: what is left is the installer's
            installation.bot_token = installation.bot_id = installation.bot_user_id = None
            return installation
        # The newest bot token wins over the one saved with an older (or a user's) install.
        installation.bot_token, installation.bot_id = latest.bot_token, latest.bot_id
        installation.bot_user_id, installation.bot_scopes = latest.bot_user_id, latest.bot_scopes
        installation.bot_refresh_token = latest.bot_refresh_token
        installation.bot_token_expires_at = latest.bot_token_expires_at
        return installation

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        async with self._ctx.uow() as uow:
            await uow.installations.remove(PLATFORM, BOT, enterprise_id=enterprise_id,
                                           team_id=team_id)
            await uow.commit()
        self._changed(None, team_id, enterprise_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
    ) -> None:
        async with self._ctx.uow() as uow:
            await uow.installations.remove(PLATFORM, INSTALLATION, enterprise_id=enterprise_id,
                                           team_id=team_id, user_id=user_id)
            await uow.commit()
        if user_id is None:  # the whole install went: look again before the next call
            self._changed(None, team_id, enterprise_id)


class DatabaseOAuthStateStore(AsyncOAuthStateStore):
    """One-time OAuth `state` values in the database, so any instance can take the callback."""

    def __init__(self, ctx: Context, lifetime: timedelta = STATE_LIFETIME) -> None:
        self._ctx = ctx
        self._lifetime = lifetime

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        async with self._ctx.uow() as uow:
            await uow.oauth_states.issue(state, self._ctx.clock.now() + self._lifetime)
            await uow.commit()
        return state

    async def async_consume(self, state: str) -> bool:
        if not state or len(state) > 64:
            return False
        async with self._ctx.uow() as uow:
            ok = await uow.oauth_states.consume(state, self._ctx.clock.now())
            await uow.commit()
        return ok


def authorization_url(api_base_url: str) -> str:
    """Slack's consent page, beside the Web API base (so a local fake serves it too)."""
    return urljoin(api_base_url if api_base_url.endswith("/") else api_base_url + "/",
                   "../oauth/v2/authorize")


def oauth_settings(ctx: Context, client_id: str, client_secret: str) -> AsyncOAuthSettings:
    """Bolt's OAuth settings: our stores, the configured scopes, our Web API base."""
    slack = ctx.settings.slack
    return AsyncOAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(slack.scopes),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(slack.api_base_url),
        installation_store=DatabaseInstallationStore(ctx),
        state_store=DatabaseOAuthStateStore(ctx),
        state_expiration_seconds=int(STATE_LIFETIME.total_seconds()),
        logger=log,
    )


class _WorkspaceClient(AsyncWebClient):
    """One workspace's Web API client, its token always the newest its owner knows. A call
    Slack refuses for its token is made once more with the token the store holds now; refused
    again, the workspace counts as uninstalled (WorkspaceClients.gone)."""

    def __init__(self, owner: WorkspaceClients, workspace: str, token: str, base_url: str,
                 session: aiohttp.ClientSession | None) -> None:
        super().__init__(token=token, base_url=base_url, session=session)
        self._owner = owner
        self.workspace = workspace

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        used = self.token  # read before the request is built: the token this call carries
        try:
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error not in REFUSED or used is None:
                raise
            fresh = await self._owner.refused(self.workspace, used, str(error))
            if fresh is None:
                raise
        try:
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error in REFUSED:
                self._owner.gone(self.workspace, fresh, str(error))
            raise


class WorkspaceClients:
    """The Web API client for a workspace: the one bot token's (SLACK_BOT_TOKEN), or with the
    multi-workspace install, the client of the bot installed there.

    The installed token is whatever the store last said: it tells this object of every
    install, uninstall and revocation it saves, and of every token it reads for Bolt; past
    TOKEN_LIFETIME without news the store is asked again. A token Slack refuses is never
    used again (see `gone`).
    """

    def __init__(self, base_url: str, *, token: str | None = None,
                 store: DatabaseInstallationStore | None = None) -> None:
        self.base_url = base_url
        self._store = store
        self._single = AsyncWebClient(token=token, base_url=base_url)
        self._installed: dict[str, _WorkspaceClient] = {}
        self._checked: dict[str, float] = {}  # workspace -> when to ask the store again
        self._gone: dict[str, str] = {}  # workspace -> the token Slack refused there
        self._session: aiohttp.ClientSession | None = None
        if store is not None:
            store.watch(self.learn)

    def share(self, session: aiohttp.ClientSession | None) -> None:
        """Make every client use `session` (one connection pool), or None again."""
        self._session = self._single.session = session
        for client in self._installed.values():
            client.session = session

    async def __call__(self, workspace: str) -> AsyncWebClient:
        if self._store is None:
            return self._single
        client = self._installed.get(workspace)
        if client is not None and self._checked.get(workspace, 0.0) > self._now():
            return client
        token = await self._lookup(workspace)
        if token is None:
            raise SlackError("not_installed")
        return self._use(workspace, token)

    def learn(self, workspace: str, token: str | None) -> None:
        """What the store says `workspace`'s bot token now is (None: it holds none)."""
        if token is None or token == self._gone.get(workspace):
            self._checked.pop(workspace, None)  # ask the store before the next call
        else:
            self._use(workspace, token)

    async def refused(self, workspace: str, token: str, error: str) -> str | None:
        """Slack refused `token`: the token the store holds now, for one more try (the same
        one after a passing refusal); None if it holds none, and the workspace counts as
        uninstalled."""
        fresh = await self._lookup(workspace)
        if fresh is None:
            self.gone(workspace, token, error)
            return None
        if fresh != token:
            log.info("slack: workspace %s refused an old bot token (%s); using its newest "
                     "install", workspace, error)
        self._use(workspace, fresh)
        return fresh

    def gone(self, workspace: str, token: str, error: str) -> None:
        """Slack refused the newest token the store has: the app is treated as uninstalled
        there (said once) until the store holds another token."""
        self._checked.pop(workspace, None)
        if self._gone.get(workspace) == token:
            return
        self._gone[workspace] = token
        log.warning("slack: workspace %s refused the app's bot token (%s) and no newer install "
                    "is stored: treating the app as uninstalled there until it is installed "
                    "again", workspace, error)

    async def _lookup(self, workspace: str) -> str | None:
        assert self._store is not None
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=workspace) or \
            await self._store.async_find_bot(enterprise_id=workspace, team_id=None,
                                             is_enterprise_install=True)
        token = bot.bot_token if bot is not None else None
        return None if token is None or token == self._gone.get(workspace) else token

    def _use(self, workspace: str, token: str) -> _WorkspaceClient:
        self._gone.pop(workspace, None)  # a token other than the refused one: installed again
        client = self._installed.get(workspace)
        if client is None:
            client = self._installed[workspace] = _WorkspaceClient(
                self, workspace, token, self.base_url, self._session)
        client.token = token
        self._checked[workspace] = self._now() + TOKEN_LIFETIME
        return client

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()
