"""Delivery rules: whether a timer that fired is on time, late or missed, and when to retry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

ON_TIME = timedelta(minutes=1)  # a timer this late still counts as on time
MAX_BACKOFF = timedelta(hours=1)


def retry_delay(attempt: int, base: timedelta, retry_after: float | None = None) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1 for the first): the base
    doubled each time, at least what the platform asked for, at most an hour."""
    wait: timedelta = base * (2 ** max(0, attempt - 1))
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return min(wait, MAX_BACKOFF)


def may_retry(attempts: int, retries: int) -> bool:
    """Whether a delivery that has failed `attempts` times may be tried again."""
    return attempts <= retries


Timing = Literal["on time", "late", "missed"]


def classify(due: datetime, now: datetime, grace: timedelta) -> Timing:
    """A timer firing at `now` for something due at `due`: on time, late but within `grace`
    (delivered, marked late), or missed (not delivered; the facilitator is told)."""
    behind = now - due
    if behind <= ON_TIME:
        return "on time"
    if behind <= grace:
        return "late"
    return "missed"
