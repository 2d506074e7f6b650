"""A console to type into as anyone, returning exactly what it printed for them, and the
moment every scripted lab starts from (shared by the tests and the benchmarks)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from adapters.console.app import ConsoleAdapter

# Monday 4 January 2027, 10:00 UTC (also the demo's start).
T0 = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


class Console:
    """Type lines as someone; get back exactly what the console printed for them."""

    def __init__(self, adapter: ConsoleAdapter, buffer: io.StringIO) -> None:
        self.adapter = adapter
        self.buffer = buffer
        self.transcript: list[str] = []

    async def __call__(self, who: str, line: str, *answers: str) -> str:
        self.adapter.become(who)
        self.adapter.queue(*answers)
        start = self.buffer.tell()
        await self.adapter.send(line)
        out = self.buffer.getvalue()[start:]
        self.transcript.append(f"{who}> {line}\n{out}")
        return out

    async def press(self, who: str, label: str, choice: str | None = None) -> str:
        return await self(who, f":press {label}" + (f" -> {choice}" if choice else ""))
