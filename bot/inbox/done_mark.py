"""An inbox row becomes `done` in the same transaction as the work's own commit."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from storage.models import InboxEntry
from storage.repositories.inbox import DONE, RUNNING


@dataclass
class DoneMark:
    entry_id: int
    done: bool = False  # a commit carrying `done` has succeeded


# The inbox row the current task is working on: its `done` rides on the work's commit.
working: ContextVar[DoneMark | None] = ContextVar("actionlab_inbox_entry", default=None)


def _mark_done(session: Session) -> None:
    mark = working.get()
    if mark is None or mark.done:
        return
    # Runs inside the commit's transaction (SQLAlchemy's async session runs sync events in
    # its greenlet, so a plain execute is fine here).
    session.execute(update(InboxEntry).where(InboxEntry.id == mark.entry_id,
                                             InboxEntry.status == RUNNING)
                    .values(status=DONE))
    session.info["actionlab_inbox_mark"] = mark


def _committed(session: Session) -> None:
    mark = session.info.pop("actionlab_inbox_mark", None)
    if mark is not None:
        mark.done = True


_hooked = False


def hook_commits() -> None:
    global _hooked
    if not _hooked:
        event.listen(Session, "before_commit", _mark_done)
        event.listen(Session, "after_commit", _committed)
        _hooked = True
