"""Who is acting: the person behind a platform identity, created on first contact."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from bot.domain.zones import canonical_zone
from bot.messages import Actor, Place, Platform, Recipient
from storage.models import Identity, LabChannel, Person
from storage.uow import UnitOfWork


async def ensure_person(uow: UnitOfWork, actor: Actor, now: datetime) -> Person:
    """The person for `actor`, created on first contact.

    A zone the platform reports (Slack's users.info) fills in or refreshes the person's zone,
    unless they chose one themselves with `/lab tz`: their choice always wins.
    """
    platform_zone = canonical_zone(actor.tz) if actor.tz else None
    person = await uow.people.by_identity(actor.platform, actor.workspace, actor.user_id)
    if person is None:
        person = Person(
            display_name=actor.display_name,
            timezone=platform_zone,
            timezone_source="platform" if platform_zone else None,
            timezone_checked_at=now if platform_zone else None,
            created_at=now,
        )
        identity = Identity(
            platform=actor.platform, workspace=actor.workspace, user_id=actor.user_id,
            display_name=actor.display_name,
        )
        return await uow.people.add(person, identity)
    known = await uow.people.identity(actor.platform, actor.workspace, actor.user_id)
    if known is not None and actor.display_name and known.display_name != actor.display_name:
        known.display_name = actor.display_name
        person.display_name = actor.display_name
    if platform_zone and person.timezone_source != "user":
        person.timezone = platform_zone
        person.timezone_source = "platform"
        person.timezone_checked_at = now
    return person


def recipient_of(identity: Identity) -> Recipient:
    return Recipient(cast(Platform, identity.platform), identity.workspace, identity.user_id)


def channel_place(channel: LabChannel) -> Place:
    return Place(cast(Platform, channel.platform), channel.workspace, channel.channel)


async def zone_of(uow: UnitOfWork, recipient: Recipient) -> str | None:
    """The zone someone chose or their platform reported, if any."""
    person = await uow.people.by_identity(
        recipient.platform, recipient.workspace, recipient.user_id
    )
    return person.timezone if person is not None else None
