"""The discord.py client: interactions in, the core's replies out, within Discord's 3 seconds.

Every interaction (a `/lab` command, a button or select, a modal) is translated, dispatched to
the core, and answered exactly once. A reply that is not ready within `defer_after` seconds
is deferred first (privately for commands, silently for controls) and delivered as a
follow-up, so slow work (charts, exports) never runs into Discord's 3-second limit. Discord's
refusals become a private explanation, never silence.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord.commands import build_tree
from adapters.discord.components import TEMPLATE, ActionControl
from adapters.discord.messenger import UNKNOWN_INTERACTION, DiscordMessenger, detail, explain
from adapters.discord.render import render_form, render_reply
from adapters.discord.translate import (
    REFUSAL,
    USERS,
    action_from,
    actor_of,
    answerable,
    command_from,
    emoji_name,
    guard_interactions,
    raw,
    reaction_from,
    submission_from,
)
from bot.context import Context
from bot.domain.when import parse_duration
from bot.errors import new_reference, something_went_wrong
from bot.i18n import N_, _
from bot.inbox import Envelope, Inbox, NotRun, Recovery, Stored
from bot.messages import (
    Action,
    Actor,
    Card,
    Command,
    Inbound,
    Place,
    Recipient,
    Reply,
    Submission,
    Text,
)
from bot.ports import DeliveryError

log = logging.getLogger(__name__)

Deferred = Literal["no", "update", "thinking"]

DONE = N_("Done.")
SHARED = N_("Shared with the channel below.")
NO_FORM_NOW = (
    N_("That opens a form, which Discord only allows straight after a command or a button. "
    "Run the command again.")
)
STALE_COMMAND = (
    N_("That command has changed since your Discord app loaded it. Wait a minute for Discord to "
    "refresh it (or restart your app) and try again.")
)
NO_MESSAGE_TEXT = (
    N_("I cannot read the text of messages on this server: the bot runs without Discord's "
    "Message Content intent. The operator can turn it on in the Developer Portal (Bot → "
    "Privileged Gateway Intents) and restart the bot.")
)
_CLAIMED = "actionlab.claimed"
RESTARTING = (N_("I am restarting and did not take that. Send it again in a moment; nothing "
              "of it was recorded."))


Source = Literal["none", "shared", "ephemeral", "direct"]


def _source(interaction: discord.Interaction[Any]) -> Source:
    """The message a control or form came from: none (a command), one the channel sees,
    one only this person sees (ephemeral), or one in a direct message."""
    message = interaction.message
    if message is None or interaction.type not in (discord.InteractionType.component,
                                                   discord.InteractionType.modal_submit):
        return "none"
    if interaction.guild_id is None:
        return "direct"
    return "ephemeral" if message.flags.ephemeral else "shared"


def intents(*, message_content: bool = True) -> discord.Intents:
    """Only what the bot uses: guilds (the command tree), reactions (minute capture) and,
    privileged, message content (the text of a message someone reacts to)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_reactions = True
    wanted.message_content = message_content
    return wanted


class LabClient(discord.Client):
    def __init__(
        self, ctx: Context, *, message_content: bool = True, defer_after: float = 1.5,
        sync_commands: bool = True, dev_guild_id: int | None = None, **options: Any,
    ) -> None:
        options.setdefault("max_ratelimit_timeout", 30.0)  # longer waits become DeliveryError
        super().__init__(intents=intents(message_content=message_content), **options)
        self.ctx = ctx
        self.defer_after = defer_after
        self.sync_commands = sync_commands
        self.dev_guild_id = dev_guild_id
        self.tree, self.commands = build_tree(self, ctx.router, ctx, self.on_command)
        self.messenger = DiscordMessenger(self)
        self.inbox = ctx.inbox or Inbox(ctx.uow, ctx.clock)
        # An interaction's token cannot be answered from a restarted process once its
        # 3 seconds are over unless it was deferred, so work left unfinished is never run
        # late on Discord: its sender is told by direct message what to send again.
        self.inbox.recover_with("discord", Recovery(
            run=None, tell=self._tell_sender,
            window=parse_duration(ctx.settings.work.discord_window)))
        self._refusals: set[asyncio.Future[None]] = set()

    # --- start-up -----------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        guard_interactions(self._connection.parsers, self._refuse)  # before discord.py reads
        self.add_dynamic_items(ActionControl)
        await self.inbox.start()
        if self.sync_commands:
            await self.sync_tree()

    async def sync_tree(self) -> None:
        """Publish /lab: to the development guild at once, or globally (Discord may take a
        while to show a global change)."""
        try:
            if self.tree.translator is None and self.tree.lab_translator is not None:
                # Descriptions in each member's client language (description_localizations).
                await self.tree.set_translator(self.tree.lab_translator)
            if self.dev_guild_id is not None:
                guild = discord.Object(id=self.dev_guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
                log.info("synced /lab to guild %s", self.dev_guild_id)
            else:
                await self.tree.sync()
                log.info("synced /lab globally")
        except (discord.HTTPException, discord.RateLimited) as exc:
            log.error("could not sync the /lab commands: %s", detail(exc))

    def _refuse(self, payload: Any, problem: str) -> None:
        """A malformed interaction: one log line, and a plain private answer if it can be
        answered at all."""
        log.warning("refused a malformed interaction (%s)", problem)
        target = answerable(payload)
        if target is not None:
            task = asyncio.ensure_future(self._say_refused(*target))
            self._refusals.add(task)
            task.add_done_callback(self._refusals.discard)

    async def _say_refused(self, interaction_id: int, token: str) -> None:
        route = discord.http.Route("POST", "/interactions/{interaction_id}/{token}/callback",
                                   interaction_id=interaction_id, token=token)
        try:
            await self.http.request(route, json={"type": 4, "data": {
                "content": _(REFUSAL), "flags": discord.MessageFlags(ephemeral=True).value}})
        except (discord.HTTPException, discord.RateLimited) as exc:
            log.info("could not answer a malformed interaction: %s", detail(exc))

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s (%s)", self.user, self.user.id if self.user else "")

    # --- interactions in ----------------------------------------------------------------------

    async def on_command(self, interaction: discord.Interaction[Any]) -> None:
        await self.answer(interaction, command_from(interaction, self.commands))

    async def on_component(self, interaction: discord.Interaction[Any]) -> None:
        await self.answer(interaction, action_from(interaction))

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        # Slash commands go through the tree and our controls through ActionControl; modals,
        # and controls whose ids we did not write, are answered here.
        if interaction.type is discord.InteractionType.modal_submit:
            await self.answer(interaction, submission_from(interaction))
        elif interaction.type is discord.InteractionType.component:
            custom_id = str(raw(interaction).get("custom_id", ""))
            if TEMPLATE.fullmatch(custom_id):
                await self._watch(interaction)
            else:
                await self.on_component(interaction)  # the core answers "run it again"

    async def _watch(self, interaction: discord.Interaction[Any]) -> None:
        """If discord.py could not hand a control to ActionControl, still answer it."""
        await asyncio.sleep(self.defer_after + 1.0)
        if not interaction.extras.get(_CLAIMED) and not interaction.response.is_done():
            log.warning("discord.py did not dispatch control %s (not on its message?); "
                        "handing it to the core directly",
                        raw(interaction).get("custom_id"))
            await self.on_component(interaction)

    async def on_tree_error(self, interaction: discord.Interaction[Any],
                            error: app_commands.AppCommandError) -> None:
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            message = STALE_COMMAND
            log.warning("stale command %s: %s", getattr(interaction.command, "qualified_name",
                                                        "?"), error)
        else:
            ref = new_reference()
            log.error("command failed ref=%s", ref, exc_info=error)
            message = something_went_wrong(ref)
        await self._say_privately(interaction, message)

    # --- answering ----------------------------------------------------------------------------

    async def answer(self, interaction: discord.Interaction[Any], inbound: Inbound) -> None:
        """Record the interaction in the inbox (its id is unique: a re-delivery runs once),
        queue it on the bounded workers, and answer once: directly if quick, else defer
        (Discord shows "thinking…") and follow up."""
        interaction.extras[_CLAIMED] = True
        if not self.inbox.accepting:
            await self._say_privately(interaction, _(RESTARTING))
            return
        task = await self.inbox.accept(self._envelope(interaction, inbound),
                                       lambda: self.ctx.router.dispatch(self.ctx, inbound))
        if task is None:
            log.info("interaction %s was already taken", interaction.id)
            return
        deferred: Deferred = "no"
        try:
            try:
                reply = await asyncio.wait_for(asyncio.shield(task), self.defer_after)
            except TimeoutError:
                deferred = await self._defer(interaction)
                reply = await task
        except NotRun:
            await self._say_privately(interaction, _(RESTARTING))
            return
        try:
            await self._deliver(interaction, reply, deferred)
        except (discord.HTTPException, discord.RateLimited) as exc:
            await self._delivery_failed(interaction, exc)
            return
        await self._follow_up(interaction, reply.followups)

    async def _defer(self, interaction: discord.Interaction[Any]) -> Deferred:
        silent = interaction.type is discord.InteractionType.component or (
            interaction.type is discord.InteractionType.modal_submit
            and interaction.message is not None)
        try:
            if silent:  # acknowledge the click; the message changes when the work is done
                await interaction.response.defer()
                return "update"
            # Private "thinking…": the reply may turn out to be private, and a public one
            # can still follow.
            await interaction.response.defer(ephemeral=True, thinking=True)
            return "thinking"
        except (discord.HTTPException, discord.RateLimited) as exc:
            log.warning("could not defer interaction %s: %s", interaction.id, detail(exc))
            return "no"

    async def _deliver(self, interaction: discord.Interaction[Any], reply: Reply,
                       deferred: Deferred) -> None:
        response = interaction.response
        is_control = interaction.type is discord.InteractionType.component
        if reply.form is not None:
            can_open = deferred == "no" and not response.is_done() and (
                interaction.type is not discord.InteractionType.modal_submit)
            if can_open:
                await response.send_modal(render_form(reply.form))
                return
            reply = Reply.say(NO_FORM_NOW)
        if reply.empty:
            if deferred == "thinking":
                await interaction.edit_original_response(content=_(DONE))
            elif deferred == "no" and is_control:
                await response.defer()  # the click is acknowledged and nothing changes
            elif deferred == "no":
                await response.send_message(_(DONE), ephemeral=True)
            return
        out = render_reply(reply)
        where = _source(interaction)
        # A private answer never overwrites a message the channel sees: it comes as a new
        # private message instead.
        replace = reply.replace and where != "none" and not (reply.private and
                                                            where == "shared")
        # A public answer to a control on a private card (confirming an action item from
        # the private "add it anyway?") is for everyone: the card says so and the answer
        # follows, public.
        share = replace and not reply.private and where == "ephemeral"
        # Replacing a card keeps the message's files unless the reply brings its own (the
        # heat map stays while its results are paged).
        files = out.discord_files() if out.files else discord.utils.MISSING
        if share:
            if deferred == "no":
                await response.edit_message(content=_(SHARED), embeds=[], view=None)
            else:
                await interaction.edit_original_response(content=_(SHARED), embeds=[], view=None)
            await interaction.followup.send(content=out.text, embeds=out.embeds,
                                            files=out.discord_files(), ephemeral=False,
                                            view=out.components)
        elif deferred == "no":
            if replace:
                await response.edit_message(content=out.content, embeds=out.embeds,
                                            view=out.view, attachments=files)
            else:
                await response.send_message(content=out.text, embeds=out.embeds,
                                            files=out.discord_files(), ephemeral=reply.private,
                                            view=out.components)
        elif deferred == "update":
            if replace:
                await interaction.edit_original_response(
                    content=out.content, embeds=out.embeds, view=out.view, attachments=files)
            else:
                await interaction.followup.send(content=out.text, embeds=out.embeds,
                                                files=out.discord_files(),
                                                ephemeral=reply.private, view=out.components)
        elif reply.private:
            await interaction.edit_original_response(
                content=out.content, embeds=out.embeds, view=out.view,
                attachments=out.discord_files())
        else:
            # The private "thinking…" message ends here; what everyone sees follows it.
            await interaction.edit_original_response(content=_(SHARED))
            await interaction.followup.send(content=out.text, embeds=out.embeds,
                                            files=out.discord_files(), ephemeral=False,
                                            view=out.components)

    async def _delivery_failed(self, interaction: discord.Interaction[Any],
                               exc: discord.HTTPException | discord.RateLimited) -> None:
        if isinstance(exc, discord.HTTPException) and exc.code == UNKNOWN_INTERACTION:
            log.warning("interaction %s expired before it was answered", interaction.id)
            return
        log.warning("could not answer interaction %s: %s", interaction.id, detail(exc))
        await self._say_privately(interaction, _("I could not show that here. {explain}").format(
            explain=explain(exc)))

    async def _say_privately(self, interaction: discord.Interaction[Any], text: str) -> None:
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except (discord.HTTPException, discord.RateLimited) as exc:
            log.warning("could not tell %s: %s", interaction.user.id, detail(exc))

    async def _follow_up(self, interaction: discord.Interaction[Any],
                         followups: tuple[Reply, ...]) -> None:
        """The core's further private replies, each a private message after the answer."""
        for followup in followups:
            if not interaction.response.is_done():  # only a form leaves it open; none follow
                log.warning("no follow-up possible for interaction %s", interaction.id)
                return
            out = render_reply(followup)
            try:
                await interaction.followup.send(content=out.text, embeds=out.embeds,
                                                files=out.discord_files(), ephemeral=True,
                                                view=out.components)
            except (discord.HTTPException, discord.RateLimited) as exc:
                log.warning("could not send a follow-up to %s: %s", interaction.user.id,
                            detail(exc))

    def _envelope(self, interaction: discord.Interaction[Any], inbound: Inbound) -> Envelope:
        place, user_id = inbound.place, inbound.actor.user_id
        return Envelope(
            key=f"discord:interaction:{interaction.id}", platform="discord",
            kind=type(inbound).__name__.lower(), workspace=place.workspace, user_id=user_id,
            channel=place.channel, payload={"type": int(interaction.type.value),
                                            "data": dict(raw(interaction))},
            reply_to={"application_id": str(interaction.application_id),
                      "interaction_id": str(interaction.id),
                      "channel_id": str(interaction.channel_id or "")},
            resend=_resend(inbound),
            lane=f"discord:{place.workspace}:" + (f"dm:{user_id}" if place.direct
                                                  else place.channel))

    async def _tell_sender(self, stored: Stored, text: str) -> None:
        card = Card((Text(text),), fallback=text)
        await self.messenger.notify(Recipient("discord", USERS, stored.user_id), card)

    # --- reactions ----------------------------------------------------------------------------

    async def on_raw_reaction_add(self, event: discord.RawReactionActionEvent) -> None:
        """A reaction the core listens for (📝 for the minutes) on a guild message."""
        if event.guild_id is None or (self.user is not None and event.user_id == self.user.id):
            return
        name = emoji_name(event.emoji)
        if name not in self.ctx.router.reactions:
            return  # most reactions are just people reacting
        # The bot sees reactions in every channel of the server: one outside a lab's channels
        # is someone's own use of the emoji, not worth a message fetch or a direct message.
        async with self.ctx.uow() as uow:
            lab = await uow.labs.by_channel("discord", str(event.guild_id),
                                            str(event.channel_id))
        if lab is None:
            return
        reactor: discord.User | discord.Member | None = event.member
        if reactor is None:
            try:
                reactor = await self.fetch_user(event.user_id)
            except discord.HTTPException as exc:
                log.warning("reaction by unknown user %s: %s", event.user_id, detail(exc))
                return
        actor = actor_of(reactor)
        channel = self.get_partial_messageable(event.channel_id, guild_id=event.guild_id)
        try:
            message = await channel.fetch_message(event.message_id)
        except (discord.HTTPException, discord.RateLimited) as exc:
            log.warning("could not read a reacted-to message: %s", detail(exc))
            await self._tell(actor, _("I could not read the message you reacted to with "
                                    ":{name}:. {explain}").format(
                name=name, explain=explain(exc)))
            return
        reaction = reaction_from(event, reactor, message)
        if not reaction.text and not self.intents.message_content:
            await self._tell(actor, NO_MESSAGE_TEXT)
            return
        reply = await self.ctx.router.dispatch(self.ctx, reaction)
        await self._deliver_outside(actor, reaction.place, reply)

    async def _deliver_outside(self, actor: Actor, place: Place, reply: Reply) -> None:
        """A reply with no interaction to answer: private ones by direct message."""
        if reply.empty or (reply.card is None and not reply.text):
            return
        card = reply.card or Card((Text(reply.text or ""),), fallback=reply.text or "")
        try:
            if reply.private:
                await self.messenger.notify(Recipient("discord", USERS, actor.user_id), card,
                                            reply.files)
            else:
                await self.messenger.post(place, card, reply.files)
        except DeliveryError as exc:
            log.warning("could not deliver a reaction's reply to %s: %s", actor.user_id,
                        exc.reason)

    async def _tell(self, actor: Actor, text: str) -> None:
        await self._deliver_outside(actor, Place("discord", USERS, ""), Reply.say(text))


def _resend(inbound: Inbound) -> str:
    """What to do again, in the sender's words, if the work cannot be carried out."""
    match inbound:
        case Command(name=str(name), options=options):
            given = " ".join(f"{k}:{v}" for k, v in (options or {}).items())
            return _("send `/lab {name}{value}` again").format(
                name=name, value=' ' + given if given else '')
        case Command(text=text):
            return (_("send `/lab {text}` again").format(text=text) if text
                    else _("send `/lab` again"))
        case Action():
            return _("press that button again")
        case Submission():
            return _("fill in and send that form again")
    return _("send it again")
