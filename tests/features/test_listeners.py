"""Domain-event listeners: registered with `router.on`, kept in the bus's `Listeners`."""

from __future__ import annotations

from bot.bootstrap import build_router
from bot.events import Happening, PollClosed, ZoneChanged
from bot.router import Router


async def first(event: PollClosed, h: Happening) -> None:
    return None


async def second(event: PollClosed, h: Happening) -> None:
    return None


async def zone(event: ZoneChanged, h: Happening) -> None:
    return None


def test_include_keeps_registration_order_and_the_table_names_each_listener() -> None:
    one, two = Router(), Router()
    one.on(PollClosed)(first)
    two.on(ZoneChanged)(zone)
    two.on(PollClosed)(second)
    one.include(two)
    assert list(one.listeners.of(PollClosed)) == [first, second]
    assert list(one.listeners.of(ZoneChanged)) == [zone]
    assert dict(one.listeners.table()) == {
        "PollClosed": [f"{__name__}.first", f"{__name__}.second"],
        "ZoneChanged": [f"{__name__}.zone"],
    }


def test_the_app_router_lists_who_listens_to_a_zone_change() -> None:
    listeners = dict(build_router().listeners.table())
    assert listeners["ZoneChanged"], "reminders re-plan when a member's zone changes"
    assert all(name.startswith("bot.features.") for name in listeners["ZoneChanged"])


def test_the_composition_roots_table_is_every_listener_of_the_app() -> None:
    # One place lists who listens to what: no feature registers a listener on the side.
    from bot.bootstrap import LISTENERS, build_router

    router = build_router()
    for event_type in LISTENERS:
        assert list(router.listeners.of(event_type)) == list(LISTENERS[event_type])
    registered = {name for name, _ in router.listeners.table()}
    assert registered == {event_type.__name__ for event_type in LISTENERS}
