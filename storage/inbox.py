"""The inbox's queries, at their old address: they live in storage.repositories.inbox now.

Kept so that code written against `storage.inbox` (bot/inbox.py) goes on importing while the
rooms of issue 13 merge; new code imports `storage.repositories.inbox`.
"""

from storage.repositories.inbox import (
    DONE,
    QUEUED,
    RUNNING,
    TOLD,
    UNFINISHED,
    InboxRepository,
    InboxStatus,
    SqliteInboxWriter,
)

__all__ = ["DONE", "QUEUED", "RUNNING", "TOLD", "UNFINISHED", "InboxRepository",
           "InboxStatus", "SqliteInboxWriter"]
