"""The inbox's queue: lab by lab in turn, and within a lab person by person."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

LateNotice = Callable[[int], Awaitable[None]]



@dataclass(eq=False)
class _Job:
    seq: int
    entry_id: int
    person: str
    lane: str
    work: Callable[[], Awaitable[Any]]
    result: asyncio.Future[Any]
    on_late: LateNotice | None = None
    late_timer: asyncio.TimerHandle | None = None
    started: bool = False


class FairQueue:
    """Round-robin over lanes (labs), and within a lane over people; one job per person at
    a time, in the order that person's events came."""

    def __init__(self) -> None:
        self._lanes: OrderedDict[str, OrderedDict[str, deque[_Job]]] = OrderedDict()
        self._busy: set[str] = set()
        self._ready = asyncio.Condition()
        self.waiting = 0

    async def put(self, job: _Job) -> None:
        async with self._ready:
            people = self._lanes.setdefault(job.lane, OrderedDict())
            people.setdefault(job.person, deque()).append(job)
            self.waiting += 1
            self._ready.notify()

    def _pick(self) -> _Job | None:
        for lane in list(self._lanes):
            people = self._lanes[lane]
            for person in list(people):
                if person in self._busy:
                    continue
                queue = people.pop(person)
                job = queue.popleft()
                if queue:
                    people[person] = queue  # to the back of this lane's turn
                if people:
                    self._lanes.move_to_end(lane)  # the next lane goes first next time
                else:
                    del self._lanes[lane]
                self._busy.add(person)
                self.waiting -= 1
                return job
        return None

    async def take(self) -> _Job:
        async with self._ready:
            while True:
                job = self._pick()
                if job is not None:
                    return job
                await self._ready.wait()

    async def done(self, job: _Job) -> None:
        async with self._ready:
            self._busy.discard(job.person)
            self._ready.notify_all()

    def ahead_of(self, job: _Job) -> int:
        return sum(1 for people in self._lanes.values() for q in people.values()
                   for other in q if other.seq < job.seq)

    def drain_all(self) -> list[_Job]:
        jobs = [j for people in self._lanes.values() for q in people.values() for j in q]
        self._lanes.clear()
        self.waiting = 0
        return jobs
