"""The Messenger port on Slack's Web API (AsyncWebClient), plus the other calls the app
makes on the core's behalf: ephemeral messages, `response_url` replies, modals, App Home.

Every Slack error becomes a `DeliveryError` whose `reason` is Slack's error code
(`channel_not_found`, `not_in_channel`, `expired_trigger_id`, ...). `ratelimited` is waited
out and retried a few times when Slack asks for a short pause; past that the error carries
`retry_after`, so the caller (a reminder, say) can come back later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import render
from bot.messages import Audience, Card, File, Form, MessageRef, Place, Platform, Recipient
from bot.ports import DeliveryError

log = logging.getLogger(__name__)

ClientFor = Callable[[str], Awaitable[AsyncWebClient]]
Call = Callable[[], Awaitable[Any]]

# Waiting for Slack to finish processing an uploaded picture before a card may show it.
PROCESSING_WAITS = (0.1, 0.25, 0.5, 1.0, 2.0)


# Errors that say the message or its channel no longer exists: an edit will never succeed.
GONE = frozenset({"message_not_found", "channel_not_found", "is_archived"})


class SlackError(DeliveryError):
    """A Slack API error; `reason` is Slack's error code."""


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    for key, value in dict(headers).items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list | tuple) else value)
    return None


def delivery_error(exc: SlackApiError | SlackClientError) -> SlackError:
    """Slack's error code (and Retry-After for `ratelimited`) as a DeliveryError."""
    if not isinstance(exc, SlackApiError):
        return SlackError(f"request_failed: {type(exc).__name__}")
    response = exc.response
    code = str(response.get("error") or f"http_{response.status_code}")
    retry_after = None
    if code == "ratelimited" or response.status_code == 429:
        code = "ratelimited"
        raw = _header(response.headers, "Retry-After")
        try:
            retry_after = float(raw) if raw is not None else 1.0
        except ValueError:
            retry_after = 1.0
    return SlackError(code, retry_after=retry_after, gone=code in GONE)


class SlackMessenger:
    """Posts, updates and direct messages through Slack's Web API."""

    platform: Platform = "slack"

    def __init__(
        self, client_for: ClientFor, *, session: Any = None, attempts: int = 3,
        max_wait: float = 30.0, processing_waits: tuple[float, ...] = PROCESSING_WAITS,
    ) -> None:
        self._client_for = client_for
        self.session = session
        self._attempts = attempts
        self._max_wait = max_wait
        self._processing_waits = processing_waits
        self._dm_channels: dict[tuple[str, str], str] = {}

    # --- the Messenger port --------------------------------------------------------------

    async def post(self, place: Place, card: Card, files: tuple[File, ...] = ()) -> MessageRef:
        """Post `card`; pictures sent with it show inside it, other files follow it."""
        return await self._post(place, card, None, files)

    async def _post(self, place: Place, card: Card | None, text: str | None,
                    files: tuple[File, ...]) -> MessageRef:
        client = await self._client_for(place.workspace)
        pictures, documents = render.split_files(files)
        payload, attach = await self._prepare(client, card, text, pictures)
        response = await self.call(lambda: client.chat_postMessage(
            channel=place.channel, **payload, unfurl_links=False, unfurl_media=False))
        channel = str(response.get("channel") or place.channel)
        if documents or attach:
            try:
                await self.share(client, channel, (*attach, *documents))
            except DeliveryError as exc:
                # The message is out: raising now would have it sent again (a reminder
                # retries), so the files are what is lost, and said so in the log.
                log.warning("posted a message but could not attach %s: %s",
                            ", ".join(f.name for f in (*attach, *documents)), exc.reason)
        return MessageRef("slack", place.workspace, channel, str(response.get("ts") or ""),
                          link=await self._permalink(client, channel, response.get("ts")))

    async def update(self, ref: MessageRef, card: Card) -> None:
        client = await self._client_for(ref.workspace)
        payload, _ = await self._prepare(client, card, None, ())
        await self.call(lambda: client.chat_update(
            channel=ref.channel, ts=ref.message_id, **payload))

    async def notify(
        self, recipient: Recipient, card: Card, files: tuple[File, ...] = ()
    ) -> MessageRef:
        channel = await self.dm_channel(recipient.workspace, recipient.user_id)
        return await self.post(Place("slack", recipient.workspace, channel, direct=True),
                               card, files)

    async def audience(self, place: Place) -> Audience:
        """conversations.info: a channel that is not private can be found and read by anyone
        in the workspace; a private one shared with another organisation (Slack Connect) is
        read by its people too. Needs the channels:read and groups:read scopes."""
        if place.direct:
            return Audience.RESTRICTED
        client = await self._client_for(place.workspace)
        response = await self.call(lambda: client.conversations_info(channel=place.channel))
        channel = response.get("channel") or {}
        if channel.get("is_im") or channel.get("is_mpim"):
            return Audience.RESTRICTED
        if "is_private" not in channel:
            return Audience.UNKNOWN
        if not channel["is_private"]:
            return Audience.PUBLIC
        if channel.get("is_ext_shared") or channel.get("is_shared"):
            return Audience.SHARED
        return Audience.RESTRICTED

    # --- more than the port: what replies need ---------------------------------------------

    async def dm_channel(self, workspace: str, user_id: str) -> str:
        """The bot's direct-message channel with a person (conversations.open, cached)."""
        key = (workspace, user_id)
        if key not in self._dm_channels:
            client = await self._client_for(workspace)
            response = await self.call(lambda: client.conversations_open(users=user_id))
            self._dm_channels[key] = str(response["channel"]["id"])
        return self._dm_channels[key]

    async def post_text(self, place: Place, text: str,
                        files: tuple[File, ...] = ()) -> MessageRef:
        """Post a plain text; pictures sent with it show under it, other files follow it."""
        return await self._post(place, None, text, files)

    async def ephemeral(self, place: Place, user_id: str, card: Card | None,
                        text: str | None, *, pictures: tuple[File, ...] = (),
                        footer: str | None = None) -> tuple[File, ...]:
        """A message only `user_id` sees, in `place` (chat.postEphemeral).

        Returns the pictures that could not be shown in it, for the caller to send otherwise.
        """
        client = await self._client_for(place.workspace)
        payload, missing = await self._prepare(client, card, text, pictures, footer)
        await self.call(lambda: client.chat_postEphemeral(
            channel=place.channel, user=user_id, **payload))
        return missing

    async def respond(self, workspace: str, url: str, card: Card | None, text: str | None,
                      *, private: bool, replace: bool = False, pictures: tuple[File, ...] = (),
                      footer: str | None = None) -> tuple[File, ...]:
        """Answer through the payload's `response_url`: in the conversation it came from.

        Returns the pictures that could not be shown in the answer (see `ephemeral`).
        """
        client = await self._client_for(workspace)
        body, missing = await self._prepare(client, card, text, pictures, footer)
        body["response_type"] = "ephemeral" if private else "in_channel"
        body["replace_original"] = replace
        await self._to_response_url(url, body)
        return missing

    async def delete_original(self, url: str) -> None:
        """Remove the message a `response_url` belongs to (an ephemeral one, too)."""
        await self._to_response_url(url, {"delete_original": True})

    async def _to_response_url(self, url: str, body: dict[str, Any]) -> None:
        webhook = AsyncWebhookClient(url, session=self.session)

        async def send() -> None:
            response = await webhook.send_dict(body)
            if response.status_code == 429:
                raise SlackError("ratelimited",
                                 retry_after=float(_header(response.headers, "Retry-After") or 1))
            if response.status_code != 200:
                raise SlackError(str(response.body or f"http_{response.status_code}").strip())

        await self._retrying(send)

    async def open_form(self, workspace: str, trigger_id: str, form: Form,
                        origin: render.Origin) -> None:
        client = await self._client_for(workspace)
        await self.call(lambda: client.views_open(
            trigger_id=trigger_id, view=render.modal(form, origin)))

    async def publish_home(self, workspace: str, user_id: str, card: Card) -> None:
        client = await self._client_for(workspace)
        images = await self._upload_images(client, [i.file for i in render.card_images(card)])
        await self.call(lambda: client.views_publish(
            user_id=user_id, view=render.home_view(card, images)))

    async def share(self, client: AsyncWebClient, channel: str, files: tuple[File, ...],
                    comment: str | None = None) -> None:
        """Upload files into a conversation (files_upload_v2), with an optional comment."""
        uploads = [{"content": f.data, "filename": f.name, "title": f.alt or f.name,
                    **({"alt_txt": f.alt} if f.alt else {})} for f in files]
        note = render.mrkdwn(comment) if comment else None
        await self.call(lambda: client.files_upload_v2(channel=channel, file_uploads=uploads,
                                                       initial_comment=note))

    async def share_with(self, workspace: str, channel: str, files: tuple[File, ...],
                         comment: str | None = None) -> None:
        await self.share(await self._client_for(workspace), channel, files, comment)

    # --- calls, retries and errors -------------------------------------------------------------

    async def call(self, make: Call) -> Any:
        """One Web API call; Slack errors become SlackError, short rate limits are waited out."""

        async def once() -> Any:
            try:
                return await make()
            except (SlackApiError, SlackClientError) as exc:
                raise delivery_error(exc) from None

        return await self._retrying(once)

    async def _retrying(self, once: Call) -> Any:
        for attempt in range(1, self._attempts + 1):
            try:
                return await once()
            except DeliveryError as exc:
                wait = exc.retry_after
                if wait is None or attempt == self._attempts or wait > self._max_wait:
                    raise
                log.warning("slack rate limit; retrying in %.1fs (attempt %d of %d)", wait,
                            attempt, self._attempts)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    # --- pictures ---------------------------------------------------------------------------------

    async def _prepare(self, client: AsyncWebClient, card: Card | None, text: str | None,
                       pictures: tuple[File, ...], footer: str | None = None,
                       ) -> tuple[dict[str, Any], tuple[File, ...]]:
        """The message for a card and/or text with its pictures in image blocks, and the
        pictures Slack could not show inline (yet), to be sent as files instead."""
        shown = [i.file for i in render.card_images(card)] if card is not None else []
        shown += pictures
        images = await self._upload_images(client, shown)
        missing = tuple(f for f in shown if f.name not in images)
        return render.message(card, text, images, pictures=pictures, footer=footer), missing

    async def _upload_images(self, client: AsyncWebClient,
                             files: list[File]) -> Mapping[str, str]:
        """Upload each picture (shared nowhere) and wait until Slack can show it."""
        ids: dict[str, str] = {}
        for file in files:
            if file.name in ids:
                continue
            try:
                response = await self.call(lambda f=file: client.files_upload_v2(  # type: ignore[misc]
                    content=f.data, filename=f.name, title=f.alt or f.name, alt_txt=f.alt))
                file_id = str(response["file"]["id"])
                if await self._processed(client, file_id):
                    ids[file.name] = file_id
            except DeliveryError as exc:
                log.warning("could not upload picture %s: %s", file.name, exc.reason)
        return ids

    async def _processed(self, client: AsyncWebClient, file_id: str) -> bool:
        # An image block may name an uploaded file only once Slack has processed it.
        for wait in (0.0, *self._processing_waits):
            if wait:
                await asyncio.sleep(wait)
            info = await self.call(lambda: client.files_info(file=file_id))
            if (info.get("file") or {}).get("mimetype"):
                return True
        log.warning("picture %s was not processed in time; attaching it instead", file_id)
        return False

    async def permalink(self, workspace: str, channel: str, ts: str) -> str | None:
        """A link to one message (chat.getPermalink); None if Slack will not give one."""
        return await self._permalink(await self._client_for(workspace), channel, ts)

    async def _permalink(self, client: AsyncWebClient, channel: str, ts: Any) -> str | None:
        if not ts:
            return None
        try:
            response = await self.call(lambda: client.chat_getPermalink(
                channel=channel, message_ts=str(ts)))
        except DeliveryError:
            return None
        link = response.get("permalink")
        return str(link) if link else None
