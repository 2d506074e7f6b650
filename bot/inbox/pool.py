"""The inbox's pool: what the bot acknowledges is recorded first, then run by a bounded, fair pool.

An adapter hands each inbound event to `Inbox.accept` *before* it acknowledges it to the
platform: the event is inserted into the `inbox` table (its key unique, so a re-delivery is
recorded once, on any instance) and queued in memory. A fixed number of workers (sized to the
database pool) take the queue lab by lab in turn, and within a lab person by person, each
person's events in the order they came; so a burst slows answers down instead of exhausting
the pool, one busy lab does not starve the others, and a member's later action wins over
their earlier one. Anyone whose event waits longer than `late_after` is told it is coming.

Exactly once: a worker marks its row `running` (a conditional update), and the row becomes
`done` *in the same transaction* as the work's own commit (a `before_commit` hook), so after
a crash a `running` row means nothing was committed. Each instance holds a lease on its
rows and renews it; rows whose lease ran out (the instance died) are taken over by any
instance, one winning the conditional update, and run again, or, when too late to answer
in place or cut off too often, their sender is told privately what to send again.

On shutdown (`drain`), the inbox stops taking work, lets the workers finish within the grace,
and hands what is still queued to the next instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import itertools
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.domain.when import parse_duration
from bot.i18n import _
from bot.inbox.done_mark import DoneMark, hook_commits, working
from bot.inbox.envelopes import Envelope, NotRun, Recovery, Stored
from bot.inbox.fair_queue import FairQueue, LateNotice, _Job
from bot.ports import Clock
from storage.repositories.inbox import TOLD, InboxRepository, SqliteInboxWriter
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


SQLITE_WORKERS = 2


def pool_workers(engine: Any) -> int:
    """One worker less than the database pool holds, so an ack, a timer or the health
    check always finds a connection. SQLite writes one transaction at a time whatever the
    pool, and the workers share the event loop with the acks: two (one on the database,
    one waiting on Slack or Discord) keep it busy without delaying the acks."""
    size = getattr(engine.pool, "size", None)
    n = max(1, int(size() if callable(size) else 5) - 1)
    return min(n, SQLITE_WORKERS) if engine.dialect.name == "sqlite" else n


class Inbox:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, workers: int = 4,
                 grace: float = 25.0, lease: timedelta = timedelta(seconds=30),
                 late_after: float = 2.0, max_attempts: int = 3,
                 owner: str | None = None, writer: SqliteInboxWriter | None = None) -> None:
        self.uow = uow
        self.clock = clock
        self.workers = workers
        self.grace = grace
        self.lease = lease
        self.late_after = late_after
        self.max_attempts = max_attempts
        self.owner = owner or uuid.uuid4().hex[:16]
        self.writer = writer  # SQLite: acks written in one hop (repositories/inbox.py)
        self.recoveries: dict[str, Recovery] = {}
        self.queue = FairQueue()
        self.accepting = False
        self._seq = itertools.count()
        self._tasks: list[asyncio.Task[None]] = []
        self._running: set[_Job] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._notes: set[asyncio.Task[None]] = set()
        self._to_record: list[tuple[Envelope, bool, asyncio.Future[int | None]]] = []
        self._recorder: asyncio.Task[None] | None = None
        hook_commits()

    @classmethod
    def from_settings(cls, uow: UnitOfWorkFactory, clock: Clock, settings: Any,
                      engine: Any) -> Inbox:
        work = settings.work
        database = engine.url.database
        writer = SqliteInboxWriter(database) if (
            engine.dialect.name == "sqlite" and database and database != ":memory:") else None
        return cls(uow, clock, workers=work.workers or pool_workers(engine), writer=writer,
                   grace=parse_duration(work.grace).total_seconds(),
                   lease=parse_duration(work.lease),
                   late_after=parse_duration(work.late_after).total_seconds(),
                   max_attempts=work.max_attempts)

    def recover_with(self, platform: str, recovery: Recovery) -> None:
        self.recoveries[platform] = recovery

    # --- taking work ------------------------------------------------------------------------

    async def record(self, env: Envelope, *, keep: bool = True) -> int | None:
        """Record `env` durably; its row id, or None for a re-delivery (or a repeated press).
        With `keep` false (shutting down) the row is left for the next instance at once.

        Acks never queue on the database pool: one recorder writes whatever arrived while
        its previous write was in flight, in one transaction (a group commit), so a burst
        of acks holds one connection, and each still returns only once its row is durable.
        """
        loop = asyncio.get_running_loop()
        done: asyncio.Future[int | None] = loop.create_future()
        self._to_record.append((env, keep, done))
        if self._recorder is None or self._recorder.done():
            # A fresh context: the recorder's commits are not any worker's work.
            self._recorder = loop.create_task(self._record_all(),
                                              context=contextvars.Context())
        return await done

    async def _record_all(self) -> None:
        while self._to_record:
            batch, self._to_record = self._to_record[:500], self._to_record[500:]
            try:
                ids = await self._record_batch([(env, keep) for env, keep, _done in batch])
            except Exception as exc:
                for _env, _keep, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_env, _keep, done), entry_id in zip(batch, ids, strict=True):
                if not done.done():
                    done.set_result(entry_id)

    def _row(self, env: Envelope, keep: bool, now: Any) -> dict[str, Any]:
        return {
            "key": env.key, "platform": env.platform, "kind": env.kind,
            "workspace": env.workspace, "user_id": env.user_id, "channel": env.channel,
            "payload": env.payload, "reply_to": env.reply_to, "resend": env.resend,
            "status": "queued", "attempts": 0, "owner": self.owner if keep else None,
            "lease_until": now + self.lease if keep else now, "received_at": now,
        }

    async def _record_batch(self, batch: list[tuple[Envelope, bool]]) -> list[int | None]:
        now = self.clock.now()
        if self.writer is not None:
            seen: set[str] = set()
            fast: list[tuple[dict[str, Any] | None, tuple[tuple[str, timedelta], ...]]] = []
            for env, keep in batch:
                first = env.key not in seen
                seen.add(env.key)
                fast.append((self._row(env, keep, now) if first else None, env.presses))
            return await self.writer.write(fast, now)
        async with self.uow() as uow:
            repo = InboxRepository(uow.session)
            wanted: dict[str, int] = {}  # key -> its first place in the batch
            rows = []
            for n, (env, keep) in enumerate(batch):
                if env.key in wanted:
                    continue  # the same delivery twice in one batch: the first counts
                if env.presses and await repo.exists(env.key):
                    continue  # a retry: it must not count as a fresh press either
                pressed = True
                for key, window in env.presses:
                    pressed = pressed and await repo.press(key, now, window)
                if not pressed:
                    continue  # the same control again at once
                wanted[env.key] = n
                rows.append(self._row(env, keep, now))
            recorded = await repo.record_many(rows) if rows else {}
            await uow.commit()
        ids: list[int | None] = [None] * len(batch)
        for key, n in wanted.items():
            ids[n] = recorded.get(key)
        return ids

    async def accept(self, env: Envelope, work: Callable[[], Awaitable[Any]], *,
                     on_late: LateNotice | None = None) -> asyncio.Future[Any] | None:
        """Record, then queue `work`; the future of its result, or None if this delivery
        was already recorded (nothing to do) or the inbox is shutting down (then the row
        is left for the next instance)."""
        entry_id = await self.record(env, keep=self.accepting)
        if entry_id is None or not self.accepting:
            return None
        return await self.submit(entry_id, f"{env.platform}:{env.workspace}:{env.user_id}",
                                 env.lane or f"{env.platform}:{env.workspace}:{env.channel}",
                                 work, on_late)

    async def submit(self, entry_id: int, person: str, lane: str,
                     work: Callable[[], Awaitable[Any]],
                     on_late: LateNotice | None = None) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        job = _Job(next(self._seq), entry_id, person, lane, work, loop.create_future(),
                   on_late)
        # Nobody may await the result (Slack answers from inside the work): a failure is
        # logged by the worker, not again as "never retrieved".
        job.result.add_done_callback(lambda f: f.cancelled() or f.exception())
        if on_late is not None and self.late_after >= 0:
            job.late_timer = loop.call_later(self.late_after, self._late, job)
        self._idle.clear()
        await self.queue.put(job)
        return job.result

    def _late(self, job: _Job) -> None:
        if job.started or job.on_late is None:
            return
        task = asyncio.ensure_future(job.on_late(self.queue.ahead_of(job) + len(self._running)))
        self._notes.add(task)
        task.add_done_callback(self._notes.discard)

    # --- the workers --------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return bool(self._tasks)

    async def start(self) -> None:
        """Start the workers and the keeper (which takes over abandoned rows at once)."""
        if self._tasks:
            return
        self.accepting = True
        self._tasks = [asyncio.create_task(self._worker(n)) for n in range(self.workers)]
        self._tasks.append(asyncio.create_task(self._keeper()))

    async def _worker(self, n: int) -> None:
        while True:
            job = await self.queue.take()
            job.started = True
            if job.late_timer is not None:
                job.late_timer.cancel()
            self._running.add(job)
            try:
                await self._run(job)
            finally:
                self._running.discard(job)
                await self.queue.done(job)
                if not self._running and not self.queue.waiting:
                    self._idle.set()

    async def _run(self, job: _Job) -> None:
        now = self.clock.now()
        try:
            if self.writer is not None:  # one statement, one hop: no lock held meanwhile
                started = await self.writer.start(job.entry_id, self.owner, now, self.lease)
            else:
                async with self.uow() as uow:
                    started = await InboxRepository(uow.session).start(
                        job.entry_id, self.owner, now, self.lease)
                    await uow.commit()
        except Exception as exc:
            log.exception("inbox: could not start entry %s", job.entry_id)
            job.result.set_exception(exc)
            return
        if not started:  # another instance took it over, or it is over
            job.result.set_exception(NotRun())
            return
        mark = DoneMark(job.entry_id)
        token = working.set(mark)
        try:
            result = await job.work()
        except BaseException as exc:
            if not job.result.done():
                job.result.set_exception(exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
            log.exception("inbox: work on entry %s failed", job.entry_id)
        else:
            job.result.set_result(result)
        finally:
            working.reset(token)
        if mark.done:
            return
        # Done even if the work committed nothing (a refusal): it was answered.
        with contextlib.suppress(Exception):
            if self.writer is not None:
                await self.writer.finish(job.entry_id, self.clock.now())
                return
            async with self.uow() as uow:
                await InboxRepository(uow.session).finish(job.entry_id, self.clock.now())
                await uow.commit()

    async def _keeper(self) -> None:
        """Renew this instance's lease, take over what others left, prune old rows."""
        every = max(0.2, self.lease.total_seconds() / 3)
        pruned = float("-inf")
        loop = asyncio.get_running_loop()
        while True:
            try:
                now = self.clock.now()
                async with self.uow() as uow:
                    await InboxRepository(uow.session).renew(self.owner, now + self.lease)
                    if loop.time() - pruned > 3600:
                        await InboxRepository(uow.session).prune(now - timedelta(days=1))
                        pruned = loop.time()
                    await uow.commit()
                if self.accepting:
                    await self.recover()
            except Exception:
                log.exception("inbox: lease renewal or recovery failed; trying again")
            await asyncio.sleep(every)

    async def recover(self) -> int:
        """Take over unfinished rows whose lease ran out: run them again, or tell their
        senders. Returns how many were taken over."""
        if not self.recoveries:
            return 0
        now = self.clock.now()
        async with self.uow() as uow:
            rows = await InboxRepository(uow.session).abandoned(list(self.recoveries), now)
            found = [Stored.of(r, now) for r in rows]
        taken = 0
        for stored in found:
            async with self.uow() as uow:
                won = await InboxRepository(uow.session).take_over(stored.id, self.owner,
                                                                   now, self.lease)
                await uow.commit()
            if not won:
                continue
            taken += 1
            recovery = self.recoveries[stored.platform]
            if recovery.run is None or stored.age > recovery.window or (
                    stored.attempts >= self.max_attempts):
                await self._tell(stored, recovery)
                continue
            log.info("inbox: carrying out %s %s left unfinished (%s old)", stored.platform,
                     stored.kind, stored.age)
            await self.submit(stored.id, f"{stored.platform}:{stored.workspace}:"
                                         f"{stored.user_id}",
                              f"{stored.platform}:{stored.workspace}:{stored.channel}",
                              functools.partial(recovery.run, stored))
        return taken

    async def _tell(self, stored: Stored, recovery: Recovery) -> None:
        what = stored.resend or _("send it again")
        text = _("Sorry: something you sent me was received but did not go through (I was "
                 "restarting), and nothing of it was recorded. Please {what}.").format(what=what)
        try:
            await recovery.tell(stored, text)
        except Exception:
            log.exception("inbox: could not tell a sender about entry %s", stored.id)
        async with self.uow() as uow:
            await InboxRepository(uow.session).finish(stored.id, self.clock.now(), TOLD)
            await uow.commit()
        log.warning("inbox: %s %s could not be carried out late; its sender was told",
                    stored.platform, stored.kind)

    # --- stopping ---------------------------------------------------------------------------

    async def idle(self, seconds: float = 10.0) -> None:
        async with asyncio.timeout(seconds):
            await self._idle.wait()

    async def drain(self, grace: float | None = None) -> bool:
        """Stop taking work; let what was taken finish within `grace` seconds; hand what
        is still queued to the next instance. True if everything finished."""
        self.accepting = False
        grace = self.grace if grace is None else grace
        finished = True
        try:
            await self.idle(grace)
        except TimeoutError:
            finished = False
        await self.stop()
        return finished

    async def close(self) -> None:
        """Stop, and let go of the SQLite writer's connection (the process is ending)."""
        await self.stop()
        if self.writer is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.writer.close)
            self.writer = None

    async def stop(self) -> None:
        self.accepting = False
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        left = self.queue.drain_all()
        for job in left:
            if job.late_timer is not None:
                job.late_timer.cancel()
            if not job.result.done():
                job.result.set_exception(NotRun())
        # What was queued, or cut off by the end of the grace, is handed over at once.
        with contextlib.suppress(Exception):
            async with self.uow() as uow:
                await InboxRepository(uow.session).release(self.owner, self.clock.now())
                await uow.commit()
        if left:
            log.info("inbox: %d queued events left for the next instance", len(left))
        self._idle.set()
