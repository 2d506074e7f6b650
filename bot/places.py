"""Where to reach someone or something: a stored identity or channel as a message address."""

from __future__ import annotations

from typing import cast

from bot.messages import Place, Platform, Recipient
from storage.models import Identity, LabChannel


def recipient_of(identity: Identity) -> Recipient:
    return Recipient(cast(Platform, identity.platform), identity.workspace, identity.user_id)


def channel_place(channel: LabChannel) -> Place:
    return Place(cast(Platform, channel.platform), channel.workspace, channel.channel)
