"""The inbox's queries: record an acknowledged event once, claim it, finish it, take over
what an instance left unfinished. Every state change is one conditional statement, so two
instances can never both run the same row."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundDelivery, InboxEntry
from storage.repositories.helpers import dialect_insert


class InboxStatus(StrEnum):
    """Where an inbox row is; stored as these strings (the `status` column is a String)."""

    QUEUED = "queued"  # recorded, waiting for a worker of its owner
    RUNNING = "running"  # a worker started it; `done` rides on the work's own commit
    DONE = "done"
    TOLD = "told"  # not carried out (taken over too late); its sender was told to resend


# The names bot/inbox.py imports.
QUEUED, RUNNING, DONE, TOLD = (InboxStatus.QUEUED, InboxStatus.RUNNING, InboxStatus.DONE,
                               InboxStatus.TOLD)
UNFINISHED = (QUEUED, RUNNING)



class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, values: dict[str, Any]) -> int | None:
        """Insert a row; its id, or None when a row with the same key exists (a
        re-delivery). One statement, so it holds across instances."""
        stmt = dialect_insert(self.session, InboxEntry).values(**values).on_conflict_do_nothing(
            index_elements=[InboxEntry.key]).returning(InboxEntry.id)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else int(row[0])

    async def record_many(self, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Insert rows in one statement; {key: id} of those inserted (a key already
        recorded, a re-delivery, is left out)."""
        stmt = dialect_insert(self.session, InboxEntry).values(rows).on_conflict_do_nothing(
            index_elements=[InboxEntry.key]).returning(InboxEntry.id, InboxEntry.key)
        return {str(key): int(entry_id) for entry_id, key in
                (await self.session.execute(stmt)).all()}

    async def exists(self, key: str) -> bool:
        return (await self.session.scalar(
            select(InboxEntry.id).where(InboxEntry.key == key))) is not None

    async def press(self, key: str, now: datetime, window: timedelta) -> bool:
        """The same control pressed again within `window`: False. Kept in the deliveries
        table, since a press is remembered for seconds, not as long as a delivery."""
        stmt = dialect_insert(self.session, InboundDelivery).values(
            key=key, received_at=now).on_conflict_do_update(
            index_elements=[InboundDelivery.key], set_={"received_at": now},
            where=InboundDelivery.received_at <= now - window,
        ).returning(InboundDelivery.key)
        return (await self.session.execute(stmt)).first() is not None

    async def start(self, entry_id: int, owner: str, now: datetime, lease: timedelta) -> bool:
        """queued -> running, by its owner: False if someone else has it, or it is over."""
        result = await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.id == entry_id, InboxEntry.status == QUEUED,
                   InboxEntry.owner == owner)
            .values(status=RUNNING, attempts=InboxEntry.attempts + 1,
                    lease_until=now + lease)
        )
        return bool(getattr(result, "rowcount", 0))

    async def finish(self, entry_id: int, now: datetime, status: InboxStatus = DONE) -> None:
        await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.id == entry_id, InboxEntry.status.in_(UNFINISHED))
            .values(status=status, finished_at=now, lease_until=None)
        )

    async def renew(self, owner: str, until: datetime) -> None:
        await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.owner == owner, InboxEntry.status.in_(UNFINISHED))
            .values(lease_until=until)
        )

    async def release(self, owner: str, now: datetime) -> None:
        """Leave this owner's unfinished rows to whichever instance looks next (a
        shutdown): a `running` one committed nothing, since `done` rides on its commit."""
        await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.owner == owner, InboxEntry.status.in_(UNFINISHED))
            .values(lease_until=now)
        )

    async def abandoned(self, platforms: Sequence[str], now: datetime,
                        limit: int = 200) -> list[InboxEntry]:
        """Unfinished rows whose owner's lease ran out, oldest first."""
        rows = await self.session.scalars(
            select(InboxEntry)
            .where(InboxEntry.status.in_(UNFINISHED), InboxEntry.lease_until < now,
                   InboxEntry.platform.in_(list(platforms)))
            .order_by(InboxEntry.id).limit(limit)
        )
        return list(rows)

    async def take_over(self, entry_id: int, owner: str, now: datetime,
                        lease: timedelta) -> bool:
        """Claim an abandoned row (its lease ran out): exactly one instance wins."""
        result = await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.id == entry_id, InboxEntry.status.in_(UNFINISHED),
                   InboxEntry.lease_until < now)
            .values(owner=owner, status=QUEUED, lease_until=now + lease)
        )
        return bool(getattr(result, "rowcount", 0))

    async def prune(self, before: datetime) -> int:
        """Forget finished rows, and remembered presses, received before `before`."""
        await self.session.execute(
            delete(InboundDelivery).where(InboundDelivery.received_at < before))
        result = await self.session.execute(
            delete(InboxEntry).where(InboxEntry.received_at < before,
                                     InboxEntry.status.not_in(UNFINISHED))
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def get(self, entry_id: int) -> InboxEntry | None:
        return await self.session.get(InboxEntry, entry_id)


_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DATETIME in SQLite


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).strftime(_SQLITE_TIME)


class SqliteInboxWriter:
    """Records inbox rows in an SQLite file over its own connection, in one thread hop.

    An ack waits for its row to be durable; through the async driver that write is six
    hops between the event loop and aiosqlite's thread, each waiting its turn behind the
    work the loop is doing. Here the whole transaction (BEGIN IMMEDIATE ... COMMIT) is one
    call on a dedicated thread: the same rows, in the same table, as the repository writes.

    The ack's write waits only for SQLite's one write lock, which the workers' transactions
    hold in turn. Measured (bench/results/slack.md), that wait was the whole of the acks'
    tail: the INSERT and the COMMIT take well under a millisecond, but SQLite's own busy
    handler sleeps in growing steps (1, 2, 5, 10, ... 25, 50, 100 ms), so an ack that found
    the lock held a few milliseconds slept tens. So the ack's connection polls for the
    lock itself, every `POLL` seconds, taking it as soon as it is free (ahead of workers,
    which sleep in SQLite's steps); and the workers' own bookkeeping (`start`, `finish`)
    goes through a second connection on a second thread, so an ack never queues behind a
    worker's statement that is waiting for the lock.
    """

    POLL = 0.0005  # seconds between attempts at the write lock, for an ack
    LOCK_WAIT = 10.0  # seconds, as the engine's busy_timeout

    COLUMNS = ("key", "platform", "kind", "workspace", "user_id", "channel", "payload",
               "reply_to", "resend", "status", "attempts", "owner", "lease_until",
               "received_at")

    INSERT = (f"INSERT INTO inbox ({', '.join(COLUMNS)}) "
              f"VALUES ({', '.join('?' for _ in COLUMNS)}) "
              "ON CONFLICT (key) DO NOTHING RETURNING id")
    PRESS = ("INSERT INTO inbound_deliveries (key, received_at) VALUES (?, ?) "
             "ON CONFLICT (key) DO UPDATE SET received_at = excluded.received_at "
             "WHERE inbound_deliveries.received_at <= ? RETURNING key")

    def __init__(self, path: str) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="actionlab-inbox")
        self._work_executor = ThreadPoolExecutor(1, thread_name_prefix="actionlab-inbox-work")
        self._conn: sqlite3.Connection | None = None  # acks' (on _executor)
        self._work_conn: sqlite3.Connection | None = None  # start/finish (_work_executor)

    def _open(self, busy_ms: int) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={busy_ms}")
        # WAL (set on the file by the engine) and NORMAL: a commit survives the process
        # being killed (kill -9), which is what an ack promises; the WAL is synced at
        # checkpoints, so only a power loss could cost the last commits.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open(0)  # no busy handler: _begin polls for the lock
        return self._conn

    def _worker_connection(self) -> sqlite3.Connection:
        if self._work_conn is None:
            self._work_conn = self._open(int(self.LOCK_WAIT * 1000))
        return self._work_conn

    def _begin(self, conn: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE, polling for the write lock every POLL seconds."""
        deadline = time.monotonic() + self.LOCK_WAIT
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(self.POLL)

    def _write(self, batch: list[tuple[dict[str, Any] | None,
                                       tuple[tuple[str, timedelta], ...]]],
               now: datetime) -> list[int | None]:
        conn = self._connection()
        if not any(presses for _, presses in batch):
            return self._write_rows(conn, batch)
        insert, press = self.INSERT, self.PRESS
        ids: list[int | None] = []
        self._begin(conn)
        try:
            for row, presses in batch:
                if row is None:
                    ids.append(None)
                    continue
                if presses:
                    if conn.execute("SELECT 1 FROM inbox WHERE key = ?",
                                    (row["key"],)).fetchone():
                        ids.append(None)  # a retry: not a fresh press either
                        continue
                    pressed = True
                    for key, window in presses:
                        pressed = pressed and conn.execute(press, (
                            key, _sqlite_time(now), _sqlite_time(now - window))).fetchone(
                        ) is not None
                    if not pressed:
                        ids.append(None)
                        continue
                found = conn.execute(insert, self._values(row)).fetchone()
                ids.append(None if found is None else int(found[0]))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return ids

    def _values(self, row: dict[str, Any]) -> list[Any]:
        values = []
        for column in self.COLUMNS:
            value = row[column]
            if column in ("payload", "reply_to"):
                value = json.dumps(value)
            elif isinstance(value, datetime):
                value = _sqlite_time(value)
            values.append(value)
        return values

    def _write_rows(self, conn: sqlite3.Connection,
                    batch: list[tuple[dict[str, Any] | None,
                                      tuple[tuple[str, timedelta], ...]]]) -> list[int | None]:
        """Rows without presses (commands, events, views: most acks) in ONE statement, its
        own transaction (autocommit): the thread takes the GIL back once or twice instead of
        once per BEGIN, INSERT and COMMIT, each a wait of up to the interpreter's switch
        interval (5 ms) while the event loop runs the workers. Refused for the lock, the
        statement wrote nothing, so it is tried again (every POLL seconds)."""
        rows = [row for row, _ in batch if row is not None]
        if not rows:
            return [None] * len(batch)
        one = f"({', '.join('?' for _ in self.COLUMNS)})"
        sql = (f"INSERT INTO inbox ({', '.join(self.COLUMNS)}) VALUES "
               + ", ".join(one for _ in rows)
               + " ON CONFLICT (key) DO NOTHING RETURNING id, key")
        values = [value for row in rows for value in self._values(row)]
        deadline = time.monotonic() + self.LOCK_WAIT
        while True:
            try:
                # fetchall steps the statement to its end, so it has committed on return.
                found = {str(key): int(entry_id) for entry_id, key in
                         conn.execute(sql, values).fetchall()}
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(self.POLL)
        return [None if row is None else found.get(str(row["key"])) for row, _ in batch]

    def _start(self, entry_id: int, owner: str, now: datetime, lease: timedelta) -> bool:
        cur = self._worker_connection().execute(
            "UPDATE inbox SET status = ?, attempts = attempts + 1, lease_until = ? "
            "WHERE id = ? AND status = ? AND owner = ?",
            (RUNNING, _sqlite_time(now + lease), entry_id, QUEUED, owner))
        return cur.rowcount > 0

    def _finish(self, entry_id: int, now: datetime) -> None:
        self._worker_connection().execute(
            "UPDATE inbox SET status = ?, finished_at = ?, lease_until = NULL "
            "WHERE id = ? AND status IN (?, ?)", (DONE, _sqlite_time(now), entry_id, QUEUED,
                                                  RUNNING))

    async def start(self, entry_id: int, owner: str, now: datetime,
                    lease: timedelta) -> bool:
        """InboxRepository.start, in one hop (autocommit: one statement)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._work_executor, self._start, entry_id, owner, now,
                                          lease)

    async def finish(self, entry_id: int, now: datetime) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._work_executor, self._finish, entry_id, now)

    async def write(self, batch: list[tuple[dict[str, Any] | None,
                                            tuple[tuple[str, timedelta], ...]]],
                    now: datetime) -> list[int | None]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._write, batch, now)

    def close(self) -> None:
        def shut() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        def shut_work() -> None:
            if self._work_conn is not None:
                self._work_conn.close()
                self._work_conn = None

        self._executor.submit(shut).result()
        self._executor.shutdown(wait=True)
        self._work_executor.submit(shut_work).result()
        self._work_executor.shutdown(wait=True)
