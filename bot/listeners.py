"""Who listens to which domain event: the bus's registry, filled by the composition root from
its `LISTENERS` table (and by `router.on(Event)`, which tests use for a listener of their own).

It sits below the Context (which holds the one merged registry) and knows no event class,
so that `bot/events.py` can publish through the Context without the router.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any

# (event, happening) -> None; typed precisely where it is registered (`Router.on`).
Listener = Callable[[Any, Any], Awaitable[None]]


class Listeners:
    """The listeners of each event type, in registration order."""

    def __init__(self) -> None:
        self._by_type: dict[type, list[Listener]] = {}

    def add(self, event_type: type, listener: Listener) -> None:
        self._by_type.setdefault(event_type, []).append(listener)

    def of(self, event_type: type) -> Sequence[Listener]:
        return self._by_type.get(event_type, ())

    def include(self, other: Listeners) -> None:
        """Take every listener of `other`, after this one's own."""
        for event_type, listeners in other._by_type.items():
            self._by_type.setdefault(event_type, []).extend(listeners)

    def table(self) -> Iterator[tuple[str, list[str]]]:
        """Who listens to what, by event name: `module.function` of each listener."""
        for event_type in sorted(self._by_type, key=lambda t: t.__name__):
            yield event_type.__name__, [
                f"{fn.__module__}.{getattr(fn, '__qualname__', repr(fn))}"
                for fn in self._by_type[event_type]
            ]
