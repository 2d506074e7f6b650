"""Posting a live card: in every channel bound to the lab, each message remembered."""

from __future__ import annotations

import logging
from typing import Any

from bot.context import Attachments
from bot.context import Context as AppContext
from bot.handlers import Call, CardOrBuilder
from bot.i18n import current_locale, use_locale
from bot.messages import Card, Place, Reply
from bot.places import channel_place
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def post_live(ctx: AppContext, uow: UnitOfWork, lab_id: int, kind: str, subject_id: int,
              card: Card, files: Attachments = (), *, skip: Place | None = None) -> None:
    """Once `uow` has committed, post `card` in every channel of the lab (but `skip`) and
    remember each message as the `kind` card of `subject_id`, to be redrawn as it changes."""

    locale = current_locale()  # the card's, for files made after the commit (a chart)

    async def post() -> None:
        with use_locale(locale):
            attached = files if isinstance(files, tuple) else await files()
        async with ctx.uow() as fresh:
            places = [channel_place(c) for c in await fresh.labs.channels(lab_id)]
        refs = await ctx.messengers.broadcast([p for p in places if p != skip], card, attached)
        if not refs:
            return
        now = ctx.clock.now()
        async with ctx.uow() as fresh:
            for ref in refs:
                await fresh.cards.add(lab_id=lab_id, kind=kind, subject_id=subject_id,
                                      platform=ref.platform, workspace=ref.workspace,
                                      channel=ref.channel, message_id=ref.message_id, now=now)
            await fresh.commit()

    uow.after_commit(post)


async def show_live(call: Call[Any], kind: str, subject_id: int, card: CardOrBuilder) -> Reply:
    """What `call.publish` does for a card that stays true: in a channel of the lab the card
    is posted there and in every other channel, each copy remembered (an answer to a command
    cannot be edited later on every platform, a posted message can); elsewhere (a direct
    message) the card is shown here as well, as a copy that is not redrawn."""
    lab = call.the_lab
    card = call.channel_card(card)  # a builder: in the lab's language, like its redraws
    bound = {channel_place(c) for c in await call.uow.labs.channels(lab.id)}
    post_live(call.ctx, call.uow, lab.id, kind, subject_id, card)
    if call.place in bound:
        return Reply()
    return Reply(card=card, private=False)
