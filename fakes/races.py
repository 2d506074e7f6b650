"""Races on one row, played through the real dispatch: the same member's two first answers to
one poll slot at the same moment, two ballots, two "present", two memos on one message, two
first commands of a newcomer. Shared by tests/e2e/test_races.py and bench/bench_races.py.

Each pair is started with asyncio.gather on one app (one engine, one pool), so the two units
of work interleave at every await, as two deliveries handled at once do."""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from adapters.console.app import WORKSPACE, ConsoleAdapter
from bot.bootstrap import App
from bot.domain.availability import Answer
from bot.messages import Actor, Command, Inbound, MessageRef, Place, Reaction, Reply
from fakes.cards import text_of
from fakes.console import Console
from storage.models import Attendance, MinuteEntry

MEMBERS = ("amara-okafor", "zoë-núñez", "priya-raman")


class TickingClock:
    """Every reading is a microsecond after the one before, and each task's first reading
    is remembered: of two events handled at once, the one that read the clock later is the
    member's later action, whichever reaches the database first."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self.first_read: dict[asyncio.Task[object] | None, datetime] = {}

    def now(self) -> datetime:
        self._now += timedelta(microseconds=1)
        self.first_read.setdefault(asyncio.current_task(), self._now)
        return self._now


class ErrorLog(logging.Handler):
    """Counts ERROR records (an internal error is logged at ERROR, with its traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def shown(reply: Reply) -> str:
    parts = [reply.text or ""]
    if reply.card is not None:
        parts.append(text_of(reply.card))
    parts += [shown(f) for f in reply.followups]
    return "\n".join(parts)


@dataclass
class Outcome:
    pairs: int = 0
    errors: int = 0  # replies that say "Something went wrong"
    wrong_final: int = 0  # pairs whose stored row is not the later action's
    notes: list[str] = field(default_factory=list)


@dataclass
class RaceLab:
    app: App
    clock: TickingClock
    console: Console
    place: Place

    def actor(self, user_id: str) -> Actor:
        return Actor("console", WORKSPACE, user_id, self.console.adapter.name_of(user_id))

    def command(self, user_id: str, text: str) -> Command:
        return Command(self.actor(user_id), self.place, text=text)

    async def pair(self, first: Inbound, second: Inbound, outcome: Outcome
                   ) -> tuple[bool, list[Reply]]:
        """Dispatch both at once; True if `second` was the later action (by its clock)."""
        ctx = self.app.ctx
        tasks = [asyncio.ensure_future(ctx.router.dispatch(ctx, e)) for e in (first, second)]
        replies = list(await asyncio.gather(*tasks))
        outcome.pairs += 1
        for reply in replies:
            if "Something went wrong" in shown(reply):
                outcome.errors += 1
        read = [self.clock.first_read.get(t) for t in tasks]  # type: ignore[arg-type]
        return bool(read[0] and read[1] and read[1] > read[0]), replies


async def race_lab(app: App, clock: TickingClock, tmp: Path, *, slots: str) -> RaceLab:
    """The usual lab (Gemma facilitates; Amara, Zoë and Priya are members; Priya keeps the
    minutes), a poll over `slots` (a date range), a vote and open minutes."""
    buffer = io.StringIO()
    console = Console(ConsoleAdapter(app.ctx, out=buffer, user="Gemma Rhodes",
                                     files_dir=tmp / "files"), buffer)
    await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    for name in ("Amara Okafor", "Zoë Núñez", "Priya Raman"):
        await console(name, "/lab join")
        await console.press(name, "I accept and join")
    await console("Gemma Rhodes", "/lab role Priya secretary")
    await console("Gemma Rhodes", f'/lab poll new "Race" {slots}')
    await console("Gemma Rhodes", '/lab vote new "Pick" options "A" "B" "C"')
    await console.press("Gemma Rhodes", "Open the vote")  # from its private preview
    await console("Priya Raman", "/lab minutes start")
    return RaceLab(app, clock, console, console.adapter.place)


async def first_answers(lab: RaceLab, pairs: int) -> Outcome:
    """`pairs` times, one member's two first answers to the same slot (yes and no) at once;
    the stored answer must be the later one's."""
    outcome = Outcome()
    for i in range(pairs):
        member, slot = MEMBERS[i % len(MEMBERS)], i + 1
        later_is_second, _ = await lab.pair(
            lab.command(member, f"poll answer 1 {slot} yes"),
            lab.command(member, f"poll answer 1 {slot} no"), outcome)
        expected = Answer.NO if later_is_second else Answer.YES
        async with lab.app.ctx.uow() as uow:
            person = await uow.people.by_identity("console", WORKSPACE, member)
            poll = await uow.polls.by_number(1, 1)
            assert person is not None and poll is not None
            slot_ids = {s.number: s.id for s in await uow.polls.slots(poll.id)}
            stored = (await uow.polls.answers_of(poll.id, person.id)).get(slot_ids[slot])
        if stored is not expected:
            outcome.wrong_final += 1
            outcome.notes.append(f"slot {slot}: stored {stored}, expected {expected}")
    return outcome


async def ballots(lab: RaceLab, pairs: int) -> Outcome:
    """`pairs` times, one member's two rankings saved at once; the later one is kept."""
    outcome = Outcome()
    orders = ("1 2 3", "3 2 1", "2 3 1", "1 3 2")
    for i in range(pairs):
        member = MEMBERS[i % len(MEMBERS)]
        a, b = orders[i % 4], orders[(i + 1) % 4]
        later_is_second, _ = await lab.pair(lab.command(member, f"rank 1 {a}"),
                                            lab.command(member, f"rank 1 {b}"), outcome)
        expected = [int(p) for p in (b if later_is_second else a).split()]
        async with lab.app.ctx.uow() as uow:
            person = await uow.people.by_identity("console", WORKSPACE, member)
            vote = await uow.votes.by_number(1, 1)
            assert person is not None and vote is not None
            ballot = await uow.ballots.of(vote.id, person.id)
        if ballot is None or list(ballot.ranking) != expected:
            outcome.wrong_final += 1
            outcome.notes.append(f"pair {i}: kept {ballot and ballot.ranking}, "
                                 f"expected {expected}")
    return outcome


async def attendance(lab: RaceLab) -> Outcome:
    """Each member says "present" twice at once: one row each, present."""
    outcome = Outcome()
    for member in MEMBERS:
        await lab.pair(lab.command(member, "present"), lab.command(member, "present"),
                       outcome)
    async with lab.app.ctx.uow() as uow:
        minutes = await uow.minutes.open_in(1)
        assert minutes is not None
        rows: list[Attendance] = list(await uow.minutes.attendance(minutes.id))
    if sorted(r.person_id for r in rows) != [2, 3, 4]:
        outcome.wrong_final += 1
        outcome.notes.append(f"attendance rows: {[r.person_id for r in rows]}")
    return outcome


async def memos(lab: RaceLab, pairs: int) -> Outcome:
    """Two members put the same message in the minutes (a memo reaction) at once: one
    entry per message, and no number skipped."""
    outcome = Outcome()
    for i in range(pairs):
        ref = MessageRef("console", WORKSPACE, lab.place.channel, f"m{i}")
        author = lab.actor("gemma-rhodes")
        events = [Reaction(lab.actor(m), lab.place, "memo", ref, author, f"message {i}")
                  for m in MEMBERS[:2]]
        await lab.pair(events[0], events[1], outcome)
    async with lab.app.ctx.uow() as uow:
        minutes = await uow.minutes.open_in(1)
        assert minutes is not None
        entries: list[MinuteEntry] = list(await uow.minutes.entries(minutes.id))
    numbers = [e.number for e in entries]
    if len(entries) != pairs or numbers != list(range(1, pairs + 1)):
        outcome.wrong_final += 1
        outcome.notes.append(f"entries numbered {numbers}")
    return outcome


async def newcomers(lab: RaceLab, pairs: int) -> Outcome:
    """Someone new sends two commands at once: one person, one identity."""
    outcome = Outcome()
    for i in range(pairs):
        who = Actor("console", WORKSPACE, f"newcomer-{i}", f"Newcomer {i}")
        await lab.pair(Command(who, lab.place, text="help"),
                       Command(who, lab.place, text="help"), outcome)
        async with lab.app.ctx.uow() as uow:
            person = await uow.people.by_identity("console", WORKSPACE, f"newcomer-{i}")
        if person is None:
            outcome.wrong_final += 1
    return outcome


async def burst(lab: RaceLab, size: int) -> Outcome:
    """`size` minutes notes from the members at one moment (one gather): on SQLite every
    writer waits for the file's one write lock, so this is where "database is locked" would
    surface if waiting for the lock were not enough. Every note must land, numbered once."""
    outcome = Outcome(pairs=size)
    ctx = lab.app.ctx
    async with ctx.uow() as uow:
        minutes = await uow.minutes.open_in(1)
        assert minutes is not None
        before = len(await uow.minutes.entries(minutes.id))
    events = [lab.command(MEMBERS[i % len(MEMBERS)], f"note burst {i}") for i in range(size)]
    replies = await asyncio.gather(*(ctx.router.dispatch(ctx, e) for e in events))
    outcome.errors = sum("Something went wrong" in shown(r) for r in replies)
    async with ctx.uow() as uow:
        entries = list(await uow.minutes.entries(minutes.id))
    numbers = [e.number for e in entries]
    if len(entries) - before != size or numbers != list(range(1, len(entries) + 1)):
        outcome.wrong_final += 1
        outcome.notes.append(f"{len(entries) - before} of {size} notes, numbered "
                             f"{numbers[:5]}...")
    return outcome
