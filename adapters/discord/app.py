"""Running the Discord adapter: endpoints from the settings, the client, a clear exit on a
wrong token, and a fallback when the Message Content intent is not granted."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket

from adapters.discord.client import LabClient
from adapters.discord.messenger import DiscordMessenger, detail
from bot.config import ConfigError, DiscordSettings
from bot.context import Context
from bot.i18n import N_, _
from bot.messages import Platform

log = logging.getLogger(__name__)

# The bot never joins a voice channel: discord.py's warnings that voice needs PyNaCl and davey
# would only send operators looking for a missing package.
discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False

BAD_TOKEN = (
    N_("Discord refused DISCORD_TOKEN ({why}). Copy the bot's token from the Discord Developer "
    "Portal (your application → Bot → Reset Token) into DISCORD_TOKEN and start again.")
)
NO_TOKEN = (
    N_("DISCORD_TOKEN is not set. Create a bot in the Discord Developer Portal, copy its token "
    "into the DISCORD_TOKEN environment variable, and start again.")
)
INTENT_REFUSED = (
    N_("Discord refused the gateway intents the bot asked for ({why}). Check the Developer "
    "Portal (Bot → Privileged Gateway Intents).")
)
AUTHENTICATION_FAILED = 4004  # gateway close code


def apply_endpoints(settings: DiscordSettings) -> None:
    """Point discord.py at the configured REST base and gateway (a fake one in tests).

    Both are class attributes in discord.py, so they hold for the whole process.
    """
    discord.http.Route.BASE = settings.api_base_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def bot_token(ctx: Context, given: str | None = None) -> str:
    """The bot's token: `given`, else DISCORD_TOKEN from the environment; none stops start-up."""
    secret = ctx.settings.discord_token
    token = given or (secret.get_secret_value() if secret is not None else None)
    if not token:
        raise ConfigError(NO_TOKEN)
    return token


class DiscordAdapter:
    """The Adapter port on Discord: `run()` serves until `stop()` or a fatal error."""

    platform: Platform = "discord"

    def __init__(self, ctx: Context, *, token: str | None = None,
                 **client_options: Any) -> None:
        self.ctx = ctx
        self._token = bot_token(ctx, token)
        self._options = client_options
        self.client: LabClient | None = None
        self._stopping = False
        apply_endpoints(ctx.settings.discord)

    def _client(self, *, message_content: bool) -> LabClient:
        settings = self.ctx.settings.discord
        client = LabClient(
            self.ctx, message_content=message_content, sync_commands=settings.sync_commands,
            dev_guild_id=settings.dev_guild_id, **self._options,
        )
        self.ctx.messengers.register(client.messenger)
        return client

    async def run(self) -> None:
        """Log in and serve; raises ConfigError when the token or intents are refused."""
        message_content = True
        while not self._stopping:
            self.client = self._client(message_content=message_content)
            try:
                async with self.client:
                    await self.client.start(self._token)
                return
            except discord.LoginFailure as exc:
                raise ConfigError(BAD_TOKEN.format(why=_("401 Unauthorized"))) from exc
            except discord.PrivilegedIntentsRequired as exc:
                if not message_content:
                    raise ConfigError(INTENT_REFUSED.format(why=exc)) from exc
                log.warning(
                    "Discord did not grant the Message Content intent; running without it. "
                    "Reacting with 📝 to capture a message in the minutes needs it: turn it "
                    "on in the Developer Portal (Bot → Privileged Gateway Intents)."
                )
                message_content = False
            except discord.ConnectionClosed as exc:
                if exc.code == AUTHENTICATION_FAILED:
                    raise ConfigError(BAD_TOKEN.format(why=_("gateway code 4004"))) from exc
                raise

    async def stop(self) -> None:
        self._stopping = True
        if self.client is not None:
            await self.client.inbox.drain(10.0)  # taken work finishes first
            await self.client.close()


class DiscordSender:
    """Discord's REST API alone, logged in without the gateway: a process that serves another
    platform still posts to a lab's Discord channels and members (its reminders, its
    announcements). Clicks on what it posts reach the process that runs the gateway.

    Its messenger is registered only once Discord accepted the token: until then, or if it
    never does, this process leaves Discord's deliveries to the Discord process.
    """

    platform: Platform = "discord"

    def __init__(self, ctx: Context, *, token: str | None = None) -> None:
        self.ctx = ctx
        self._token = bot_token(ctx, token)
        apply_endpoints(ctx.settings.discord)
        # Intents only matter to a gateway; without `guilds`, discord.py warns that its
        # cache of servers may be incomplete, which a sender never reads.
        self.client = discord.Client(intents=discord.Intents(guilds=True))

    async def run(self) -> None:
        """Log in over REST and hold the session until cancelled."""
        try:
            try:
                await self.client.login(self._token)
            except (discord.LoginFailure, discord.HTTPException, OSError) as exc:
                why = detail(exc) if isinstance(exc, discord.HTTPException) else str(exc)
                log.error("could not log in to Discord to send to it (%s); the Discord "
                          "process delivers there instead", why)
            else:
                self.ctx.messengers.register(DiscordMessenger(self.client))
                log.info("discord: sending over REST (no gateway in this process)")
            await asyncio.Event().wait()
        finally:
            await self.client.close()
