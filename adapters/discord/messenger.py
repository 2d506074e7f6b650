"""The Messenger port on Discord: post and update cards in channels, direct-message people,
upload pictures and exports; Discord's refusals become `DeliveryError`s that say why."""

from __future__ import annotations

import logging

import discord

from adapters.discord.render import render_card
from adapters.discord.translate import message_ref
from bot.i18n import _
from bot.messages import Audience, Card, File, MessageRef, Place, Platform, Recipient
from bot.ports import DeliveryError

log = logging.getLogger(__name__)

# Discord JSON error codes that get their own explanation.
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_INTERACTION = 10062
MISSING_ACCESS = 50001
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035
TOO_LARGE = 40005


def explain(exc: discord.HTTPException | discord.RateLimited) -> str:
    """What went wrong, in our own words, fit for a member to read: Discord's own error text
    (which may quote what was sent) and codes go to the log only, through `detail`."""
    if isinstance(exc, discord.RateLimited):
        return _("Discord is rate limiting the bot; try again in {retry_after:.0f} "
                 "seconds.").format(
            retry_after=exc.retry_after)
    code, status = exc.code, exc.status
    if code == CANNOT_DM:
        return (_("Discord would not deliver a direct message: the person has direct messages "
                "from server members turned off, or shares no server with the bot."))
    if code in (MISSING_PERMISSIONS, MISSING_ACCESS) or status == 403:
        return (_("The bot lacks a permission in that channel (it needs View Channel, Send "
                "Messages, Embed Links and Attach Files). A server admin can grant them."))
    if code == INVALID_FORM_BODY:
        return _("Discord refused the message as too long or malformed.")
    if code == TOO_LARGE or status == 413:
        return _("The file is larger than Discord accepts from this bot.")
    if code in (UNKNOWN_CHANNEL, UNKNOWN_MESSAGE) or status == 404:
        return _("That channel or message no longer exists on Discord.")
    if status == 429:
        return _("Discord is rate limiting the bot; try again shortly.")
    if status >= 500:
        return _("Discord had a server error; try again shortly.")
    return _("Discord refused the request.")


def detail(exc: discord.HTTPException | discord.RateLimited) -> str:
    """Discord's own account of a refusal, for the log: status, code and its error text."""
    if isinstance(exc, discord.RateLimited):
        return _("rate limited for {retry_after:.1f}s").format(retry_after=exc.retry_after)
    text = " ".join(exc.text.split())
    text = text if len(text) <= 300 else text[:299] + "…"
    return _("HTTP {status}, code {code}: {value}").format(
        status=exc.status, code=exc.code, value=text or 'no message')


def retry_after(exc: discord.HTTPException | discord.RateLimited) -> float | None:
    """How long Discord asked us to wait, if it did; a server error is worth a retry soon."""
    if isinstance(exc, discord.RateLimited):
        return exc.retry_after
    if exc.status == 429:
        header = exc.response.headers.get("Retry-After") if exc.response is not None else None
        try:
            return float(header) if header is not None else 5.0
        except ValueError:
            return 5.0
    if exc.status >= 500:
        return 5.0
    return None


def delivery_error(exc: discord.HTTPException | discord.RateLimited) -> DeliveryError:
    log.info("discord refused a request: %s", detail(exc))
    gone = isinstance(exc, discord.HTTPException) and (
        exc.code in (UNKNOWN_CHANNEL, UNKNOWN_MESSAGE))
    return DeliveryError(explain(exc), retry_after=retry_after(exc), gone=gone)


class DiscordMessenger:
    """Posts, updates and direct messages through the bot's REST connection."""

    platform: Platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        # The gateway client (LabClient), or a client logged in over REST alone.
        self.client = client

    def _channel(self, place_channel: str, workspace: str) -> discord.PartialMessageable:
        guild_id = int(workspace) if workspace.isdigit() else None
        return self.client.get_partial_messageable(int(place_channel), guild_id=guild_id)

    async def post(self, place: Place, card: Card, files: tuple[File, ...] = ()) -> MessageRef:
        channel = self._channel(place.channel, place.workspace)
        rendered = render_card(card, files=files)
        try:
            # A channel's send takes None for "no text": discord.py would write its MISSING
            # sentinel as the text "...".
            message = await channel.send(
                content=rendered.content, embeds=rendered.embeds,
                files=rendered.discord_files(), view=rendered.components,
            )
        except (discord.HTTPException, discord.RateLimited) as exc:
            raise delivery_error(exc) from exc
        return message_ref(message, channel.guild_id)

    async def update(self, ref: MessageRef, card: Card) -> None:
        channel = self._channel(ref.channel, ref.workspace)
        rendered = render_card(card)
        try:
            await channel.get_partial_message(int(ref.message_id)).edit(
                content=rendered.content, embeds=rendered.embeds, view=rendered.view,
            )
        except (discord.HTTPException, discord.RateLimited) as exc:
            raise delivery_error(exc) from exc

    async def audience(self, place: Place) -> Audience:
        """A guild channel that the server's @everyone role may view is open to the whole
        server; one it may not is restricted to the roles and people allowed in. Read from
        the gateway's cache (a REST-only client has none, and cannot tell)."""
        if place.direct:
            return Audience.RESTRICTED
        channel = self.client.get_channel(int(place.channel))
        if isinstance(channel, discord.abc.GuildChannel):
            everyone = channel.guild.default_role
            return (Audience.PUBLIC if channel.permissions_for(everyone).view_channel
                    else Audience.RESTRICTED)
        if isinstance(channel, discord.abc.PrivateChannel):
            return Audience.RESTRICTED
        return Audience.UNKNOWN

    async def notify(
        self, recipient: Recipient, card: Card, files: tuple[File, ...] = ()
    ) -> MessageRef:
        # A direct message's notification shows only its text, so the card's summary goes
        # there as well as in the embed.
        rendered = render_card(card, text=card.fallback or None, files=files)
        try:
            dm = await self.client.create_dm(discord.Object(id=int(recipient.user_id)))
            message = await dm.send(
                content=rendered.content, embeds=rendered.embeds,
                files=rendered.discord_files(), view=rendered.components,
            )
        except (discord.HTTPException, discord.RateLimited) as exc:
            raise delivery_error(exc) from exc
        return message_ref(message, None)
