"""Delivery rules: what a timer that fired for a due reminder does (send, wait for quiet hours,
leave it to another process, record it missed), and when to retry a failed delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
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


class Step(StrEnum):
    """What to do with a due reminder whose timer fired."""

    CANCEL = "cancel"  # it must not go at all (its recipient left the lab)
    MISS = "miss"  # due longer ago than the grace: record it missed, tell the facilitators
    DEFER = "defer"  # wait for the end of the recipient's quiet hours
    ELSEWHERE = "elsewhere"  # another process runs the platform: look again after the grace
    CLAIM = "claim"  # claim the row and send it


@dataclass(frozen=True, slots=True)
class Decision:
    step: Step
    at: datetime | None = None  # DEFER: until when; ELSEWHERE: when to look again
    late: bool = False  # CLAIM: sent late, and marked so


def decide(due: datetime, now: datetime, grace: timedelta, *, refused: bool,
           held_until: datetime | None, here: bool) -> Decision:
    """What a timer firing at `now` does with a reminder due at `due` (its `next_at`):
    `refused` when it must not go at all, `held_until` the end of quiet hours it must wait
    for (None: it may go now), `here` whether this process can send it."""
    if refused:
        return Decision(Step.CANCEL)
    timing = classify(due, now, grace)
    if timing == "missed":
        return Decision(Step.MISS)
    if held_until is not None:
        return Decision(Step.DEFER, at=held_until)
    if not here:
        # If nobody could send it by the time the grace has passed, it is recorded missed.
        return Decision(Step.ELSEWHERE, at=due + grace + ON_TIME)
    return Decision(Step.CLAIM, late=timing == "late")
