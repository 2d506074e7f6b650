"""Who is acting: the person behind a platform identity, created on first contact."""

from __future__ import annotations

from datetime import datetime

from bot.context import Context
from bot.domain.zones import ZoneSource, canonical_zone
from bot.events import ZoneChanged, publish
from bot.messages import Actor, Recipient

# Moved to bot/places.py (the Context needs them, and must not import this module);
# re-exported for the features that import them from here.
from bot.places import channel_place, recipient_of
from storage.models import Identity, Person
from storage.uow import UnitOfWork

__all__ = ["channel_place", "ensure_person", "recipient_of", "set_zone", "zone_of"]


async def ensure_person(ctx: Context, uow: UnitOfWork, actor: Actor, now: datetime) -> Person:
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
            timezone_source=ZoneSource.PLATFORM if platform_zone else None,
            timezone_checked_at=now if platform_zone else None,
            created_at=now,
            platform_locale=actor.locale[:16] if actor.locale else None,
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
    if actor.locale and person.platform_locale != actor.locale[:16]:
        person.platform_locale = actor.locale[:16]
    if platform_zone and person.timezone_source is not ZoneSource.USER:
        await set_zone(ctx, uow, person, platform_zone, source=ZoneSource.PLATFORM, now=now)
    return person


async def set_zone(ctx: Context, uow: UnitOfWork, person: Person, zone: str, *,
                   source: ZoneSource, now: datetime) -> bool:
    """Record `zone` (a canonical IANA name) as `person`'s own and where it came from.

    When it differs from the zone they had, every feature hears of it, in this unit of work:
    one `ZoneChanged` for each lab they are an active member of (reminders re-plan the times
    that follow their wall clock). Returns whether the zone changed.
    """
    before = person.timezone
    person.timezone, person.timezone_source, person.timezone_checked_at = zone, source, now
    if zone == before:
        return False
    for membership in await uow.members.labs_of(person.id):
        await publish(ctx, uow, now, ZoneChanged(lab_id=membership.lab_id, person_id=person.id,
                                                 before=before, after=zone))
    return True


async def zone_of(uow: UnitOfWork, recipient: Recipient) -> str | None:
    """The zone someone chose or their platform reported, if any."""
    person = await uow.people.by_identity(
        recipient.platform, recipient.workspace, recipient.user_id
    )
    return person.timezone if person is not None else None
