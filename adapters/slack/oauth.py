"""The multi-workspace install: slack_sdk's installation and OAuth-state stores, kept in the
project's database through our own unit of work.

storage/ knows no platform library, so its tables are neutral (`installations`,
`oauth_states`); this module turns slack_sdk's Installation and Bot records into rows and
back. Any instance can finish an install another one started, and every instance sees
every workspace's bot token.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import aiohttp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.messenger import SlackError
from bot.context import Context
from storage.models import Installation as InstallationRow

log = logging.getLogger(__name__)

PLATFORM = "slack"
INSTALLATION, BOT = "installation", "bot"
STATE_LIFETIME = timedelta(minutes=10)
TOKEN_LIFETIME = 60.0  # seconds an installed workspace's bot token is kept in memory
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


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


class DatabaseInstallationStore(AsyncInstallationStore):
    """slack_sdk's AsyncInstallationStore on the project's database."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    @property
    def logger(self) -> logging.Logger:
        return log

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
        log.info("slack app installed in %s", installation.team_name or team or
                 installation.enterprise_id)

    async def async_save_bot(self, bot: Bot) -> None:
        async with self._ctx.uow() as uow:
            await uow.installations.add(self._bot_row(bot, self._ctx.clock.now()))
            await uow.commit()

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
        async with self._ctx.uow() as uow:
            row = await uow.installations.latest(
                PLATFORM, BOT, enterprise_id=enterprise_id,
                team_id=_team(team_id, is_enterprise_install),
            )
        return Bot(**_accepted(Bot, row.data)) if row is not None else None

    async def async_find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        team = _team(team_id, is_enterprise_install)
        async with self._ctx.uow() as uow:
            row = await uow.installations.latest(
                PLATFORM, INSTALLATION, enterprise_id=enterprise_id, team_id=team,
                user_id=user_id,
            )
            bot = await uow.installations.latest(
                PLATFORM, BOT, enterprise_id=enterprise_id, team_id=team,
            )
        if row is None:
            return None
        installation = Installation(**_accepted(Installation, row.data))
        if bot is None:  # the bot token was revoked: what is left is the installer's
            installation.bot_token = installation.bot_id = installation.bot_user_id = None
            return installation
        # The newest bot token wins over the one saved with an older (or a user's) install.
        latest = Bot(**_accepted(Bot, bot.data))
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

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
    ) -> None:
        async with self._ctx.uow() as uow:
            await uow.installations.remove(PLATFORM, INSTALLATION, enterprise_id=enterprise_id,
                                           team_id=team_id, user_id=user_id)
            await uow.commit()


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


class WorkspaceClients:
    """The Web API client for a workspace: the one bot token's (SLACK_BOT_TOKEN), or with the
    multi-workspace install, the client of the bot installed there (kept for a minute, so an
    uninstall is noticed soon)."""

    def __init__(self, base_url: str, *, token: str | None = None,
                 store: DatabaseInstallationStore | None = None) -> None:
        self.base_url = base_url
        self._store = store
        self._single = AsyncWebClient(token=token, base_url=base_url)
        self._installed: dict[str, tuple[AsyncWebClient, float]] = {}
        self._session: aiohttp.ClientSession | None = None

    def share(self, session: aiohttp.ClientSession | None) -> None:
        """Make every client use `session` (one connection pool), or None again."""
        self._session = self._single.session = session
        self._installed.clear()

    async def __call__(self, workspace: str) -> AsyncWebClient:
        if self._store is None:
            return self._single
        now = asyncio.get_running_loop().time()
        cached = self._installed.get(workspace)
        if cached is not None and cached[1] > now:
            return cached[0]
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=workspace) or \
            await self._store.async_find_bot(enterprise_id=workspace, team_id=None,
                                             is_enterprise_install=True)
        if bot is None:
            raise SlackError("not_installed")
        client = AsyncWebClient(token=bot.bot_token, base_url=self.base_url,
                                session=self._session)
        self._installed[workspace] = (client, now + TOKEN_LIFETIME)
        return client
