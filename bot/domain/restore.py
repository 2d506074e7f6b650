"""When a deleted poll or vote can still be restored: within the configured period of its
deletion (`[lab] restore_within`). Pure: `now` and the period are arguments."""

from __future__ import annotations

from datetime import datetime, timedelta


def restorable_until(deleted_at: datetime | None, within: timedelta) -> datetime | None:
    """The last moment a restore is allowed; None when the deletion time is unknown (a poll
    deleted before deletes were restorable lost its slots and answers, so none is possible)."""
    return None if deleted_at is None else deleted_at + within


def can_restore(deleted_at: datetime | None, within: timedelta, now: datetime) -> bool:
    until = restorable_until(deleted_at, within)
    return until is not None and now <= until
