"""The inbox: what the bot acknowledges is recorded first, then run by a bounded, fair pool
(bot/inbox/pool.py tells the whole story)."""

from bot.inbox.envelopes import Envelope, NotRun, Recovery, Stored
from bot.inbox.fair_queue import FairQueue, LateNotice, _Job
from bot.inbox.pool import SQLITE_WORKERS, Inbox, pool_workers

__all__ = [
    "SQLITE_WORKERS", "Envelope", "FairQueue", "Inbox", "LateNotice", "NotRun", "Recovery",
    "Stored", "_Job", "pool_workers",
]
