"""Availability polls: `/lab poll new|answer|results|pairs|close|pick|delete`, the answer
card paginated by day, results with a heat map, and the functions a deadline timer calls
(`close_poll`, `unanswered`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Annotated, Any, Literal, overload

from pydantic import Field, model_validator

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos
from bot.context import Context as AppContext
from bot.domain import availability as av
from bot.domain.availability import ANSWER_LABELS, Answer, SlotError, SlotScore
from bot.domain.when import format_window, parse_days, parse_window
from bot.domain.wording import plural
from bot.domain.zones import format_local, local_time, require_zone, zone_abbreviation
from bot.errors import Conflict, NotFound, UserError
from bot.events import PollClosed, PollDeleted, PollOpened, publish
from bot.features.common import find_member, paginate
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Context,
    File,
    Form,
    Header,
    Input,
    Option,
    Reply,
    Select,
    Text,
    at,
    shorten,
)
from bot.router import FORM_ROUTE, Call, Router
from bot.subjects import SubjectInfo
from storage.models import Lab, Membership, Poll, PollSlot
from storage.uow import UnitOfWork

router = Router()

PER_PAGE = 25  # slots on one page of the answer card: one select's worth
RESULTS_PER_PAGE = 10
DEFAULT_LENGTH = timedelta(minutes=60)
DEFAULT_STEP = timedelta(minutes=60)
# One day: the two meetings fall on different days. Not the example `gap 14d`, which
# would find no pair in its own two-week example poll; `/lab poll pairs 1 gap 14d` asks for it.
DEFAULT_GAP = timedelta(days=1)
NAMES_SHOWN = 8  # names listed behind one answer before "and N more"
MAX_NUMBER = 2**31 - 1  # the largest poll number an Integer column holds everywhere


# --- loading a poll -------------------------------------------------------------------------


@dataclass
class Loaded:
    """A poll with everything the cards and the ranking need, read once."""

    poll: Poll
    lab: Lab
    slots: list[PollSlot]
    members: list[Membership]
    grid: dict[int, list[Answer | None]]  # person id -> answer per slot (slot order)
    required: list[int]

    @property
    def starts(self) -> list[datetime]:
        return [s.starts_at for s in self.slots]

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.poll.length_minutes)

    def scores(self) -> list[SlotScore]:
        return av.score_slots(self.grid, len(self.slots), frozenset(self.required))

    @cached_property
    def _names(self) -> dict[int, str]:
        return {m.person_id: m.person.display_name for m in self.members}

    def name(self, person_id: int) -> str:
        return self._names.get(person_id, "a former member")

    def answered(self, person_id: int) -> int:
        return sum(a is not None for a in self.grid.get(person_id, ()))


async def load(uow: UnitOfWork, poll: Poll) -> Loaded:
    lab = await uow.labs.get(poll.lab_id)
    if lab is None:
        raise NotFound("That lab no longer exists.")
    slots = list(await uow.polls.slots(poll.id))
    members = list(await uow.members.active(lab.id))
    index = {s.id: i for i, s in enumerate(slots)}
    grid: dict[int, list[Answer | None]] = {m.person_id: [None] * len(slots) for m in members}
    for a in await uow.polls.answers(poll.id):
        row = grid.get(a.person_id)
        if row is not None and a.slot_id in index:
            row[index[a.slot_id]] = a.answer
    return Loaded(poll, lab, slots, members, grid, await uow.polls.required(poll.id))


def is_open(poll: Poll, now: datetime) -> bool:
    """Open for answers: not closed, and its deadline (if any) not yet reached."""
    return poll.status == "open" and (poll.closes_at is None or now < poll.closes_at)


def poll_name(poll: Poll) -> str:
    return f"poll #{poll.number} ({poll.title})"


async def find_poll(call: Call[Any], ref: str) -> Poll:
    """The lab's poll that `ref` names: "#3", "3", or its title."""
    lab = call.the_lab
    text = ref.strip().removeprefix("#").strip()
    if text.isdigit():
        # A number wider than the column is no poll's; the database would refuse the query.
        poll = (await call.uow.polls.by_number(lab.id, int(text))
                if int(text) <= MAX_NUMBER else None)
        if poll is not None:
            return poll
        raise NotFound(f"{lab.name} has no poll #{text}. {await _poll_listing(call)}")
    polls = await call.uow.polls.of_lab(lab.id)
    found = [p for p in polls if p.title.casefold() == text.casefold()]
    if len(found) == 1:
        return found[0]
    if found:
        numbers = ", ".join(f"#{p.number}" for p in found)
        raise UserError(f"Several polls are called `{text}` ({numbers}); give the number.")
    raise NotFound(f"{lab.name} has no poll `{ref}`. {await _poll_listing(call)}")


async def _poll_listing(call: Call[Any]) -> str:
    polls = await call.uow.polls.of_lab(call.the_lab.id)
    if not polls:
        return "It has no polls yet; a facilitator can open one with `/lab poll new`."
    listed = ", ".join(f"#{p.number} {p.title} ({p.status})" for p in polls[:10])
    return f"Its polls: {listed}."


def times_in(zone: str, known: bool = True) -> str:
    """How a private card names the zone its times are in."""
    if known:
        return f"Times in your zone, {zone}"
    return f"Times in {zone}, the lab's zone (set yours with `/lab tz <zone>`)"


def slot_line_time(start: datetime, zone: str, *, day: bool = True) -> str:
    local = local_time(start, zone)
    clock = f"{local:%H:%M} {zone_abbreviation(start, zone)}"
    return f"{local:%a %d %b} {clock}" if day else clock


# --- /lab poll new ------------------------------------------------------------------------------


class PollNewArgs(Args):
    title: Annotated[str, Pos("title", greedy=True), Field(min_length=1, max_length=200)]
    dates: Annotated[str | None, Pos("from..to")] = None
    slots: Annotated[str | None, Kw("when,...")] = None
    days: Annotated[str | None, Kw("mon-fri", words=1)] = None
    window: Annotated[str | None, Kw("HH:MM-HH:MM", words=1)] = None
    tz: Annotated[str | None, Kw("zone", words=1), Complete("zone")] = None
    length: Annotated[str | None, Kw("60m", words=1)] = None
    step: Annotated[str | None, Kw("60m", words=1)] = None
    closes: Annotated[str | None, Kw("YYYY-MM-DD HH:MM")] = None
    required: Annotated[str | None, Kw("member,...")] = None


async def poll_form(call: Call[Any]) -> Form:
    lab = call.the_lab
    return Form(
        action_ids.encode(FORM_ROUTE, "poll.new"), "New availability poll",
        (
            Input("title", "Title", placeholder="Meeting 1", max_length=200),
            Input("dates", "Dates, from..to", placeholder="2027-01-11..2027-01-22",
                  max_length=30),
            Input("days", "Days", default=lab.days, max_length=32),
            Input("window", "Window (HH:MM-HH:MM)",
                  default=format_window(lab.window_start, lab.window_end), max_length=11),
            Input("tz", "Time zone of the window", default=lab.timezone, max_length=64),
        ),
        submit_label="Open poll",
    )


def _checked(fn: Any, *args: Any) -> Any:
    """Run a parser from bot.domain and turn its ValueError into a private message."""
    try:
        return fn(*args)
    except SlotError as exc:
        raise UserError(exc.message) from None
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _duration(text: str | None, default: timedelta, word: str) -> timedelta:
    if text is None:
        return default
    value: timedelta = _checked(lambda: av.bounded_duration(text, word=word, low="1m",
                                                            high="24h", example="60m"))
    return value


async def _required(call: Call[PollNewArgs]) -> list[int]:
    spec = call.args.required
    if spec is None:
        return [call.person.id]
    if spec.strip().casefold() in ("none", "nobody", "-"):
        return []
    found: list[int] = []
    for part in spec.split(","):
        if part.strip():
            member = await find_member(call, part)
            if member.person_id not in found:
                found.append(member.person_id)
    return found


@router.command(
    "poll new", args=PollNewArgs, access="facilitator", topic="poll", form=poll_form,
    summary="Open an availability poll: a date range (or a list of slots) within the window.",
    usage_line=('/lab poll new <title> <from..to> [days mon-fri] [window 09:00-18:00] '
                '[tz <zone>] [length 60m] [step 60m] [closes YYYY-MM-DD HH:MM] '
                '[required <member>,...]  or  /lab poll new <title> slots <when>,... '
                '[tz <zone>]'),
    examples=(
        '/lab poll new "Meeting 1" 2027-01-11..2027-01-22 days mon-fri window 09:00-18:00 '
        'tz Europe/London length 60m step 60m closes 2027-01-08 17:00',
        '/lab poll new "Meeting 1" slots 2027-01-11T09:00,2027-01-12T14:30 tz Europe/London',
    ),
)
async def poll_new(call: Call[PollNewArgs]) -> Reply:
    lab, a, now = call.the_lab, call.args, call.now
    zone = _checked(require_zone, a.tz) if a.tz else lab.timezone
    window = _checked(parse_window, a.window) if a.window else (lab.window_start,
                                                                  lab.window_end)
    days = _checked(parse_days, a.days or lab.days)
    length = _duration(a.length, DEFAULT_LENGTH, "length")
    step = _duration(a.step, DEFAULT_STEP, "step")
    if a.slots is not None and a.dates is not None:
        raise UserError("Give either a date range or `slots`, not both.")
    if a.slots is not None:
        texts = [t.strip() for t in a.slots.split(",") if t.strip()]
        starts: list[datetime] = _checked(
            lambda: av.explicit_slots(texts, zone=zone, window=window, length=length, now=now))
    elif a.dates is not None:
        first, last = _checked(av.parse_date_range, a.dates)
        starts = _checked(lambda: av.generate_slots(
            first, last, days=days, window=window, zone=zone, length=length, step=step,
            now=now))
    else:
        raise UserError(
            "Say when: a date range such as `2027-01-11..2027-01-22`, or a list such as "
            "`slots 2027-01-11T09:00,2027-01-12T14:30`.\n"
            'Example: `/lab poll new "Meeting 1" 2027-01-11..2027-01-22`'
        )
    if a.closes is not None:
        closes: datetime = _checked(av.parse_moment, a.closes.replace(" ", "T", 1), zone)
        if closes <= now:
            raise UserError(
                f"The closing time {a.closes} ({zone}) is in the past; it is "
                f"{format_local(now, zone)} now. Choose a later one, or leave `closes` out "
                "to close 24 hours before the first slot."
            )
        if closes > starts[0]:
            raise UserError(
                f"The poll would close ({format_local(closes, zone)}) after its first slot "
                f"({format_local(starts[0], zone)}). Close it before the first slot."
            )
    else:
        closes = av.default_close(starts[0], now)
    required = await _required(call)
    number = await call.uow.polls.next_number(lab.id)
    poll = await call.uow.polls.add(
        Poll(lab_id=lab.id, number=number, title=a.title.strip().strip('"“”'), status="open",
             timezone=zone, window_start=window[0], window_end=window[1],
             length_minutes=int(length.total_seconds() // 60), closes_at=closes,
             created_at=now, created_by_id=call.person.id),
        starts, required,
    )
    await call.audit("poll.opened", poll=poll.id, number=number, slots=len(starts),
                     closes=closes.isoformat())
    await call.emit(PollOpened(lab_id=lab.id, poll_id=poll.id, closes_at=closes))
    loaded = await load(call.uow, poll)
    return call.publish(poll_card(loaded, now))


def poll_card(loaded: Loaded, now: datetime) -> Card:
    """The public card, posted once when the poll opens: what it asks, when it closes, and
    the Answer and Results buttons."""
    poll, starts = loaded.poll, loaded.starts
    required = ", ".join(loaded.name(p) for p in loaded.required) or "nobody"
    window = format_window(poll.window_start, poll.window_end)
    when = (f"*{plural(len(starts), 'slot')}* of {plural(poll.length_minutes, 'minute')}, "
            f"from {at(starts[0])} to {at(starts[-1])}, within {window} {poll.timezone}.")
    status = (f"Closes {at(poll.closes_at)} ({at(poll.closes_at, 'R')})."
              if is_open(poll, now) and poll.closes_at else "Closed: answers can no longer "
              "change.")
    blocks: list[Block] = [
        Header(shorten(f"Poll #{poll.number}: {poll.title}", 150)),
        Text(f"{when}\nAnswer each slot *yes*, *if need be* or *no*: you will see every slot "
             f"in your own time zone. {status}"),
        # A posted card is not redrawn as answers come in, so it shows no count that would
        # go stale: Results says who has answered, as of when it is pressed.
        Context(f"Required: {required}. *Results* shows who has answered so far. By text: "
                f"`/lab poll answer {poll.number} 3,5-7 yes`."),
    ]
    buttons = [Button("Results", action_ids.encode("poll.results", poll.id, 1))]
    if is_open(poll, now):
        buttons.insert(0, Button("Answer", action_ids.encode("poll.open", poll.id),
                                 style="primary"))
    blocks.append(Buttons(tuple(buttons)))
    return Card(tuple(blocks), fallback=f"Poll #{poll.number}: {poll.title}")


# --- the answer card -----------------------------------------------------------------------------


def answer_card(loaded: Loaded, person_id: int, zone: str, page: int, now: datetime, *,
                zone_known: bool = True) -> Card:
    """One member's page of the poll: one local day (or part of a long one), their answers,
    and the controls to change them."""
    poll = loaded.poll
    pages = av.day_pages(loaded.starts, zone, PER_PAGE)
    page = min(max(page, 1), len(pages))
    day, indexes = pages[page - 1]
    mine = loaded.grid.get(person_id, [None] * len(loaded.slots))
    lines = []
    options: list[Option] = []
    for i in indexes:
        slot = loaded.slots[i]
        start = slot.starts_at
        end = start + loaded.length
        mark = av.comfort_mark(start, loaded.length, zone)
        answer = mine[i]
        said = f"*{ANSWER_LABELS[answer]}*" if answer else "_not answered_"
        line = (f"`#{slot.number}` {local_time(start, zone):%H:%M}–"
                f"{slot_line_time(end, zone, day=False)} — {said}")
        if mark:
            line += f" · _{mark}_"
        lines.append(line)
        label = f"#{slot.number} {slot_line_time(start, zone)}"
        note = ", ".join(x for x in (ANSWER_LABELS[answer] if answer else "not answered",
                                     mark) if x)
        options.append(Option(label, str(slot.number), description=note))
    done = sum(a is not None for a in mine)
    abbr = zone_abbreviation(loaded.starts[indexes[0]], zone)
    part = ""
    same_day = [p for p in pages if p[0] == day]
    if len(same_day) > 1:
        part = f" (part {same_day.index(pages[page - 1]) + 1} of {len(same_day)})"
    blocks: list[Block] = [
        Header(shorten(f"Poll #{poll.number}: {poll.title} · {day:%a %d %b}{part}", 150)),
        Text("\n".join(lines)),
        Context(f"{times_in(f'{zone} ({abbr})', zone_known)}. Day {page} of {len(pages)}. You have "
                f"answered {done} of {plural(len(loaded.slots), 'slot')}."
                + (f" Closes {at(poll.closes_at, 'R')}." if poll.closes_at else "")),
    ]
    ref = poll.id
    if is_open(poll, now):
        for answer, placeholder in ((Answer.YES, "Yes: choose slots"),
                                    (Answer.MAYBE, "If need be: choose slots"),
                                    (Answer.NO, "No: choose slots")):
            blocks.append(Select(action_ids.encode("poll.mark", ref, f"{page}:{answer}"),
                                 placeholder, tuple(options), max_values=len(options)))
        blocks.append(Buttons((
            Button("All yes", action_ids.encode("poll.all", ref, f"{page}:yes")),
            Button("All if need be", action_ids.encode("poll.all", ref, f"{page}:maybe")),
            Button("All no", action_ids.encode("poll.all", ref, f"{page}:no")),
        )))
    else:
        blocks.append(Context("This poll is closed: answers can no longer change."))
    nav = []
    if page > 1:
        nav.append(Button("◀ Previous day", action_ids.encode("poll.page", ref, page - 1)))
    if page < len(pages):
        nav.append(Button("Next day ▶", action_ids.encode("poll.page", ref, page + 1)))
    nav.append(Button("Results", action_ids.encode("poll.results", ref, 1)))
    blocks.append(Buttons(tuple(nav)))
    return Card(tuple(blocks), fallback=f"Poll #{poll.number}: your answers")


def my_answer_card(call: Call[Any], loaded: Loaded, page: int) -> Card:
    """The answer card for the person acting, in their zone (the lab's if they set none)."""
    return answer_card(loaded, call.person.id, call.zone, page, call.now,
                       zone_known=call.person.timezone is not None)


def first_open_page(loaded: Loaded, person_id: int, zone: str) -> int:
    """The page with the first slot this person has not answered (the first if none)."""
    mine = loaded.grid.get(person_id, [])
    for n, (_, indexes) in enumerate(av.day_pages(loaded.starts, zone, PER_PAGE), 1):
        if any(i < len(mine) and mine[i] is None for i in indexes):
            return n
    return 1


async def _poll_of_action(call: Call[Any]) -> Poll:
    """The poll a control names (the router has checked its lab, place and the role)."""
    poll = await call.uow.polls.get(call.ref)
    if poll is None or poll.status == "deleted":
        raise NotFound("That poll has been deleted.")
    return poll


def _page_arg(call: Call[Any]) -> tuple[int, str | None]:
    assert call.action is not None
    page, _, rest = (call.action.arg or "1").partition(":")
    return (int(page) if page.isdigit() else 1), (rest or None)


def refuse_if_closed(poll: Poll, now: datetime) -> None:
    if is_open(poll, now):
        return
    when = poll.closed_at or poll.closes_at
    since = f" on {at(when, 'f')}" if when else ""
    raise Conflict(
        f"Poll #{poll.number} ({poll.title}) closed{since}; answers can no longer change. "
        f"See the outcome with `/lab poll results {poll.number}`, or ask a facilitator to "
        "open a new poll."
    )


@router.action("poll.open", scope="poll")
async def open_answers(call: Call[Any]) -> Reply:
    poll = await _poll_of_action(call)
    refuse_if_closed(poll, call.now)
    loaded = await load(call.uow, poll)
    page = first_open_page(loaded, call.person.id, call.zone)
    return Reply(card=my_answer_card(call, loaded, page))


@router.action("poll.page", scope="poll")
async def answer_page(call: Call[Any]) -> Reply:
    poll = await _poll_of_action(call)
    page, _ = _page_arg(call)
    loaded = await load(call.uow, poll)
    return Reply(card=my_answer_card(call, loaded, page),
                 replace=True)


async def _record(call: Call[Any], poll: Poll, numbers: Sequence[int], answer: Answer) -> int:
    refuse_if_closed(poll, call.now)
    slots = {s.number: s for s in await call.uow.polls.slots(poll.id)}
    missing = [n for n in numbers if n not in slots]
    if missing:
        raise NotFound(av.no_such_slot(missing[0], len(slots)))
    changed = await call.uow.polls.set_answers(
        poll.id, call.person.id, [slots[n].id for n in numbers], answer, call.now)
    await call.audit("poll.answered", poll=poll.id, slots=len(numbers), answer=answer.value)
    return changed


@router.action("poll.mark", scope="poll")
async def mark(call: Call[Any]) -> Reply:
    poll = await _poll_of_action(call)
    page, answer = _page_arg(call)
    if not call.values:
        raise UserError("Choose one or more slots from the menu.")
    numbers = [int(v) for v in call.values if v.isdigit()]
    await _record(call, poll, numbers, Answer(answer or "yes"))
    loaded = await load(call.uow, poll)
    return Reply(card=my_answer_card(call, loaded, page),
                 replace=True)


@router.action("poll.all", scope="poll")
async def mark_page(call: Call[Any]) -> Reply:
    poll = await _poll_of_action(call)
    page, answer = _page_arg(call)
    loaded = await load(call.uow, poll)
    pages = av.day_pages(loaded.starts, call.zone, PER_PAGE)
    page = min(max(page, 1), len(pages))
    numbers = [loaded.slots[i].number for i in pages[page - 1][1]]
    await _record(call, poll, numbers, Answer(answer or "yes"))
    loaded = await load(call.uow, poll)
    return Reply(card=my_answer_card(call, loaded, page),
                 replace=True)


# --- /lab poll answer ---------------------------------------------------------------------------


ANSWER_WORDS = frozenset(a.value for a in Answer)


def _answer_word(value: object) -> str | None:
    """"Yes", " no " -> "yes", "no"; None for anything that is not an answer."""
    word = value.strip().lower() if isinstance(value, str) else None
    return word if word in ANSWER_WORDS else None


class PollAnswerArgs(Args):
    poll: Annotated[str, Pos("poll"), Complete("poll")]
    slots: Annotated[str | None, Pos("slot numbers", greedy=True)] = None
    answer: Annotated[Literal["yes", "maybe", "no"] | None, Pos("yes|maybe|no")] = None

    @model_validator(mode="before")
    @classmethod
    def _answer_first(cls, data: Any) -> Any:
        # Typed text puts the words in order, so `/lab poll answer 1 yes 3,5-7` arrives as
        # slots "yes" and answer "3,5-7": the answer before the slots reads just as clearly.
        if not isinstance(data, dict):
            return data
        slots, answer = data.get("slots"), data.get("answer")
        if _answer_word(answer):
            return {**data, "answer": _answer_word(answer)}
        if _answer_word(slots) and answer is not None:
            return {**data, "slots": answer, "answer": _answer_word(slots)}
        return data


@router.command(
    "poll answer", args=PollAnswerArgs, topic="poll",
    summary="Answer slots yes, maybe (if need be) or no; without slots, open your answer card.",
    examples=("/lab poll answer 1 3,5-7 yes", "/lab poll answer 1 all no", "/lab poll answer 1"),
)
async def poll_answer(call: Call[PollAnswerArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    refuse_if_closed(poll, call.now)
    if call.args.slots is None:
        loaded = await load(call.uow, poll)
        page = first_open_page(loaded, call.person.id, call.zone)
        return Reply(card=my_answer_card(call, loaded, page))
    if call.args.answer is None:
        word = _answer_word(call.args.slots)
        if word is not None:  # `/lab poll answer 1 yes`: an answer, but to which slots?
            raise UserError(
                "Which slots? Put their numbers before the answer, e.g. "
                f"`/lab poll answer {poll.number} 3,5-7 {word}`, or `all` for every slot: "
                f"`/lab poll answer {poll.number} all {word}`. "
                f"`/lab poll answer {poll.number}` opens your answer card."
            )
        raise UserError(
            f"Say yes, maybe or no after the slots, e.g. "
            f"`/lab poll answer {poll.number} {call.args.slots} yes`."
        )
    count = len(await call.uow.polls.slots(poll.id))
    numbers = _checked(av.parse_slot_numbers, call.args.slots, count)
    answer = Answer(call.args.answer)
    await _record(call, poll, numbers, answer)
    loaded = await load(call.uow, poll)
    zone = call.zone
    shown = [f"`#{n}` {slot_line_time(loaded.slots[n - 1].starts_at, zone)}"
             for n in numbers[:10]]
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return Reply.say(
        f"*{ANSWER_LABELS[answer].capitalize()}* to {plural(len(numbers), 'slot')} of poll "
        f"#{poll.number}: " + ", ".join(shown) +
        f"{more} (times in {zone}). You have answered {loaded.answered(call.person.id)} of "
        f"{len(loaded.slots)}; change any answer until the poll closes."
    )


# --- results -----------------------------------------------------------------------------------


def _names(loaded: Loaded, ids: Sequence[int]) -> str:
    names = [loaded.name(p) for p in ids]
    if not names:
        return "—"
    if len(names) > NAMES_SHOWN:
        return ", ".join(names[:NAMES_SHOWN]) + f" and {len(names) - NAMES_SHOWN} more"
    return ", ".join(names)


def result_lines(loaded: Loaded, ranked: Sequence[SlotScore], zone: str, *,
                 first_rank: int = 1) -> list[str]:
    people = list(loaded.grid)
    lines = []
    for rank, s in enumerate(ranked, first_rank):
        slot = loaded.slots[s.index]
        col = [loaded.grid[p][s.index] for p in people]
        who = {a: [p for p, x in zip(people, col, strict=True) if x is a] for a in Answer}
        head = (f"`#{slot.number}` {slot_line_time(slot.starts_at, zone)} — {s.yes} yes, "
                f"{s.maybe} if need be, {s.no} no")
        if s.excluded:
            head = f"✗ {head} · dropped: {_names(loaded, list(s.blocked_by))} (required) said no"
        else:
            head = f"{rank}. {head}"
        lines.append(f"{head}\n      yes: {_names(loaded, who[Answer.YES])} · if need be: "
                     f"{_names(loaded, who[Answer.MAYBE])} · no: {_names(loaded, who[Answer.NO])}")
    return lines


class _ResultLines(Sequence[str]):
    """The ranked lines, written only for the page `paginate` slices out: with a thousand
    respondents, naming everyone behind all 200 slots would take far longer than one page."""

    def __init__(self, loaded: Loaded, ranked: list[SlotScore], zone: str) -> None:
        self.loaded, self.ranked, self.zone = loaded, ranked, zone

    def __len__(self) -> int:
        return len(self.ranked)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            start = index.indices(len(self.ranked))[0]
            return result_lines(self.loaded, self.ranked[index], self.zone, first_rank=start + 1)
        return result_lines(self.loaded, [self.ranked[index]], self.zone, first_rank=index + 1)[0]


def results_card(loaded: Loaded, zone: str, page: int, now: datetime, *,
                 zone_known: bool = True) -> Card:
    poll = loaded.poll
    ranked = av.rank_slots(loaded.scores())
    total = len(loaded.slots)
    blocks: list[Block] = [Header(shorten(f"Results of poll #{poll.number}: {poll.title}", 150))]
    blocks += paginate(_ResultLines(loaded, ranked, zone), page=page,
                       per_page=RESULTS_PER_PAGE, route="poll.results_page", ref=poll.id,
                       noun="slots")
    none = [m.person_id for m in loaded.members if loaded.answered(m.person_id) == 0]
    partly = [m.person_id for m in loaded.members if 0 < loaded.answered(m.person_id) < total]
    state = ("open, closes " + at(poll.closes_at, "f") if is_open(poll, now) and poll.closes_at
             else "closed")
    notes = [f"{times_in(zone, zone_known)}. The poll is {state}."]
    notes.append(f"Not answered yet: {_names(loaded, none)}." if none else
                 "Everyone has answered.")
    if partly:
        notes.append("Partly answered: " + ", ".join(
            f"{loaded.name(p)} ({loaded.answered(p)} of {total})" for p in partly[:10]) + ".")
    notes.append(f"Required: {_names(loaded, loaded.required)}; a slot a required attendee "
                 "said no to drops out. Ranked by yes + if need be, then yes, then earliest.")
    blocks.append(Context(shorten(" ".join(notes), 2000)))
    return Card(tuple(blocks), fallback=f"Results of poll #{poll.number}")


def my_results_card(call: Call[Any], loaded: Loaded, page: int) -> Card:
    return results_card(loaded, call.zone, page, call.now,
                        zone_known=call.person.timezone is not None)


HEAT_COLOURS = {None: "#d9d9d9", Answer.NO: "#d7301f", Answer.MAYBE: "#fdae61",
                Answer.YES: "#1a9850"}


async def drawn_heat_map(loaded: Loaded) -> File:
    """`heat_map` in a worker thread: drawing a big poll takes a while, and meanwhile the
    event loop goes on acknowledging requests (Slack and Discord allow 3 seconds)."""
    return await asyncio.to_thread(heat_map, loaded)


def heat_map(loaded: Loaded) -> File:
    """A PNG of members (rows) by slots (columns), coloured by answer, with alt text."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from bot.charts import new_figure, png

    order: list[Answer | None] = [None, Answer.NO, Answer.MAYBE, Answer.YES]
    people = list(loaded.grid)
    n_slots = len(loaded.slots)
    data = [[order.index(a) for a in loaded.grid[p]] for p in people] or [[0] * n_slots]
    width = min(18.0, 3.0 + 0.12 * n_slots)
    height = min(12.0, 1.6 + 0.35 * max(1, len(people)))
    fig = new_figure(width, height)
    ax = fig.add_subplot()
    ax.imshow(data, aspect="auto", interpolation="nearest", vmin=0, vmax=3,
              cmap=ListedColormap([HEAT_COLOURS[a] for a in order]))
    step = max(1, n_slots // 40)
    ticks = list(range(0, n_slots, step))
    ax.set_xticks(ticks, [str(loaded.slots[i].number) for i in ticks], fontsize=7)
    ax.set_yticks(range(len(people)), [loaded.name(p) for p in people], fontsize=8)
    days = [local_time(s.starts_at, loaded.poll.timezone).date() for s in loaded.slots]
    for i in range(1, n_slots):
        if days[i] != days[i - 1]:  # a white line between days reads like a calendar
            ax.axvline(i - 0.5, color="white", linewidth=1.5)
    ax.set_xlabel(f"slot number (white lines separate days in {loaded.poll.timezone})")
    ax.set_title(f"Poll #{loaded.poll.number}: {loaded.poll.title}", fontsize=10)
    ax.legend(handles=[Patch(color=HEAT_COLOURS[a], label=ANSWER_LABELS[a] if a else
                             "not answered") for a in reversed(order)],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    return File(f"poll-{loaded.poll.number}-heat-map.png", png(fig), "image/png",
                alt=heat_map_alt(loaded))


def heat_map_alt(loaded: Loaded) -> str:
    poll = loaded.poll
    ranked = av.rank_slots(loaded.scores())
    text = (f"Heat map of poll #{poll.number} ({poll.title}): "
            f"{plural(len(loaded.grid), 'member')} (rows) by {plural(len(loaded.slots), 'slot')}"
            " (columns); green yes, amber if need be, red no, grey not answered.")
    if ranked and not ranked[0].excluded and ranked[0].available:
        best = ranked[0]
        text += (f" Best slot: #{loaded.slots[best.index].number}, "
                 f"{format_local(loaded.slots[best.index].starts_at, poll.timezone)}, with "
                 f"{best.yes} yes and {best.maybe} if need be.")
    none = [loaded.name(m.person_id) for m in loaded.members
            if loaded.answered(m.person_id) == 0]
    if none:
        text += f" Not answered: {', '.join(none)}."
    return shorten(text, 1000)


class PollRefArgs(Args):
    poll: Annotated[str, Pos("poll"), Complete("poll")]


@router.command(
    "poll results", args=PollRefArgs, topic="poll",
    summary="Slots ranked, the names behind each answer, who has not answered, a heat map.",
    examples=("/lab poll results 1",),
)
async def poll_results(call: Call[PollRefArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    loaded = await load(call.uow, poll)
    return Reply(card=my_results_card(call, loaded, 1), files=(await drawn_heat_map(loaded),))


@router.action("poll.results", scope="poll")
async def results_opened(call: Call[Any]) -> Reply:
    """The Results button of a poll or answer card: a new private message, with the picture."""
    poll = await _poll_of_action(call)
    loaded = await load(call.uow, poll)
    return Reply(card=my_results_card(call, loaded, 1), files=(await drawn_heat_map(loaded),))


@router.action("poll.results_page", scope="poll")
async def results_page(call: Call[Any]) -> Reply:
    poll = await _poll_of_action(call)
    page, _ = _page_arg(call)
    loaded = await load(call.uow, poll)
    return Reply(card=my_results_card(call, loaded, page), replace=True)


# --- the two meetings: pairs -----------------------------------------------------------------


class PollPairsArgs(Args):
    poll: Annotated[str, Pos("poll"), Complete("poll")]
    gap: Annotated[str | None, Kw("1d", words=1)] = None  # the metavar is the default


def _gap_text(gap: timedelta) -> str:
    if gap % timedelta(days=1) == timedelta(0):
        return plural(gap // timedelta(days=1), "day")
    if gap % timedelta(hours=1) == timedelta(0):
        return plural(gap // timedelta(hours=1), "hour")
    return plural(gap // timedelta(minutes=1), "minute")


def pair_line(loaded: Loaded, pair: av.PairScore, zone: str, rank: int) -> str:
    a, b = loaded.slots[pair.first], loaded.slots[pair.second]
    total = len(loaded.grid)
    can = (Answer.YES, Answer.MAYBE)
    miss_a = [p for p, row in loaded.grid.items() if row[pair.first] not in can
              and row[pair.second] in can]
    miss_b = [p for p, row in loaded.grid.items() if row[pair.second] not in can
              and row[pair.first] in can]
    neither = total - pair.either
    explain = [f"{pair.either} of {total} can attend at least one, {pair.both} both"]
    if miss_a:
        explain.append(f"{_names(loaded, miss_a)} only #{b.number}")
    if miss_b:
        explain.append(f"{_names(loaded, miss_b)} only #{a.number}")
    if neither:
        explain.append(f"{neither} neither")
    return (f"{rank}. `#{a.number}` {slot_line_time(a.starts_at, zone)} + `#{b.number}` "
            f"{slot_line_time(b.starts_at, zone)}\n      " + "; ".join(explain) +
            f"; {plural(pair.yes, 'yes answer')} across the two.")


@router.command(
    "poll pairs", args=PollPairsArgs, topic="poll",
    summary="The best pairs of slots for the lab's two meetings, at least `gap` apart start "
            "to start: 1 day unless you say, e.g. `gap 14d`.",
    usage_line="/lab poll pairs <poll> [gap 1d]",
    examples=("/lab poll pairs 1", "/lab poll pairs 1 gap 14d"),
)
async def poll_pairs(call: Call[PollPairsArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    gap = DEFAULT_GAP
    if call.args.gap is not None:  # no wider than a poll can span
        gap = _checked(lambda: av.bounded_duration(call.args.gap or "", word="gap", low="0d",
                                                   high=f"{av.MAX_RANGE_DAYS}d",
                                                   example="14d"))
    loaded = await load(call.uow, poll)
    scores = loaded.scores()
    pairs = av.best_pairs(scores, av.availability_masks(loaded.grid, len(loaded.slots)),
                          loaded.starts, gap=gap, limit=5)
    if not pairs:
        usable = [loaded.starts[s.index] for s in scores if not s.excluded]
        why = f"No two usable slots of poll #{poll.number} are {_gap_text(gap)} apart: "
        if len(usable) < 2:  # no gap would help
            dropped = len(scores) - len(usable)
            why += "only 1 slot is usable" if usable else "no slot is usable"
            if dropped:
                why += f" ({plural(dropped, 'slot')} dropped: a required attendee said no)"
            raise UserError(why + ".")
        raise UserError(why + f"{len(usable)} slots are usable and they span "
                        f"{_gap_text(max(usable) - min(usable))}. Try a smaller gap, "
                        "e.g. `gap 1d`.")
    zone = call.zone
    lines = [pair_line(loaded, p, zone, n) for n, p in enumerate(pairs, 1)]
    card = Card((
        Header(shorten(f"Best pairs for poll #{poll.number}: {poll.title}", 150)),
        Text("\n".join(lines)),
        Context(f"{times_in(zone, call.person.timezone is not None)}. Pairs at least "
                f"{_gap_text(gap)} apart (start to "
                "start; `gap 14d` to change), ranked by who can attend at least one, then "
                "both, then yes answers. A facilitator picks each with "
                f"`/lab poll pick {poll.number} <slot>`."),
    ), fallback=f"Best pairs for poll #{poll.number}")
    return Reply(card=card)


# --- close ----------------------------------------------------------------------------------


def outcome_of(loaded: Loaded) -> str:
    """One line for the record: the best slot in the poll's own zone, with its counts."""
    ranked = av.rank_slots(loaded.scores())
    if not ranked or ranked[0].excluded or ranked[0].available == 0:
        return "No slot suits anyone yet: nobody answered yes or if need be."
    best = ranked[0]
    slot = loaded.slots[best.index]
    return (f"Best slot: #{slot.number}, {format_local(slot.starts_at, loaded.poll.timezone)} "
            f"({best.yes} yes, {best.maybe} if need be, {best.no} no)")


def closed_card(loaded: Loaded) -> Card:
    poll = loaded.poll
    ranked = [s for s in av.rank_slots(loaded.scores()) if not s.excluded][:3]
    lines = []
    for n, s in enumerate(ranked, 1):
        slot = loaded.slots[s.index]
        lines.append(f"{n}. `#{slot.number}` {at(slot.starts_at)} — {s.yes} yes, "
                     f"{s.maybe} if need be, {s.no} no")
    text = "\n".join(lines) if lines else "No slot had a yes or an if need be."
    return Card((
        Header(shorten(f"Poll #{poll.number} closed: {poll.title}", 150)),
        Text(f"*The best slots*\n{text}"),
        Context(f"All results: `/lab poll results {poll.number}`. Two meetings: "
                f"`/lab poll pairs {poll.number}`. A facilitator schedules one with "
                f"`/lab poll pick {poll.number} <slot>`."),
    ), fallback=f"Poll #{poll.number} closed: {poll.title}")


async def close_poll(ctx: AppContext, uow: UnitOfWork, poll_id: int, now: datetime,
                     closed_by: int | None = None) -> bool:
    """Close a poll as `/lab poll close` does: record it, tell the lab, publish PollClosed.

    Idempotent: a poll already closed (or deleted) stays as it is and this returns False.
    Usable from a timer: it needs no Call and no actor (`closed_by` None means the deadline).
    The close is claimed with a conditional update, so a facilitator's close and the
    deadline timer (perhaps in another process) never both announce it; the one that loses
    gets False. The caller commits the unit of work.
    """
    if not await uow.polls.claim_close(poll_id, now, closed_by):
        return False
    poll = await uow.polls.get(poll_id)
    assert poll is not None
    loaded = await load(uow, poll)
    poll.outcome = outcome_of(loaded)
    await uow.audit.record(lab_id=poll.lab_id, actor_id=closed_by, action="poll.closed",
                           at=now, poll=poll.id, outcome=poll.outcome,
                           by="deadline" if closed_by is None else "facilitator")
    await publish(ctx, uow, now, PollClosed(lab_id=poll.lab_id, poll_id=poll.id,
                                            title=poll.title, outcome=poll.outcome))
    ctx.announce(uow, poll.lab_id, closed_card(loaded))
    return True


async def unanswered(uow: UnitOfWork, poll_id: int) -> list[int]:
    """Person ids of the active members who have not answered every slot of the poll.

    "Every slot", not "any": a slot left blank counts as unavailable in the ranking, so a
    member who answered half the poll still has something to do and is worth a nudge.
    """
    poll = await uow.polls.get(poll_id)
    if poll is None or poll.status == "deleted":
        return []
    loaded = await load(uow, poll)
    total = len(loaded.slots)
    return [m.person_id for m in loaded.members if loaded.answered(m.person_id) < total]


@router.command("poll close", args=PollRefArgs, access="facilitator", topic="poll",
                summary="Close a poll now: answers stop, the lab sees the best slots.")
async def poll_close(call: Call[PollRefArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    # The status read here may be stale by the time we close (the deadline timer, another
    # process): close_poll's claim has the last word.
    if poll.status != "open" or not await close_poll(call.ctx, call.uow, poll.id, call.now,
                                                     closed_by=call.person.id):
        raise Conflict(f"Poll #{poll.number} is already closed. See "
                       f"`/lab poll results {poll.number}`.")
    return Reply.say(f"Poll #{poll.number} is closed; I told the lab. "
                     f"{(poll.outcome or '').rstrip('.')}.")


# --- pick -----------------------------------------------------------------------------------


class PollPickArgs(Args):
    poll: Annotated[str, Pos("poll"), Complete("poll")]
    slot: Annotated[str, Pos("slot")]
    title: Annotated[str | None, Kw("title"), Field(min_length=1, max_length=200)] = None


@router.command(
    "poll pick", args=PollPickArgs, access="facilitator", topic="poll",
    summary="Schedule a meeting at a slot: it is announced with a calendar invite.",
    examples=("/lab poll pick 1 14", '/lab poll pick 1 52 title "Meeting 2"'),
)
async def poll_pick(call: Call[PollPickArgs]) -> Reply:
    from bot.features.meetings import meeting_name, schedule_meeting

    poll = await find_poll(call, call.args.poll)
    slots = list(await call.uow.polls.slots(poll.id))
    text = call.args.slot.strip().removeprefix("#")
    if not text.isdigit():
        raise UserError(f"Give the slot's number, e.g. `/lab poll pick {poll.number} 14`.")
    number = int(text)
    if not 1 <= number <= len(slots):
        raise NotFound(av.no_such_slot(number, len(slots)))
    slot = slots[number - 1]
    if slot.starts_at <= call.now:
        raise Conflict(f"Slot #{number} has already begun; pick a later one.")
    taken = await call.uow.meetings.of_poll(poll.id)
    if any(m.slot_number == number for m in taken):
        raise Conflict(f"Slot #{number} of poll #{poll.number} is already a meeting; see "
                       "`/lab meetings`.")
    title = call.args.title or (poll.title if not taken else f"{poll.title} ({len(taken) + 1})")
    await close_poll(call.ctx, call.uow, poll.id, call.now, closed_by=call.person.id)
    meeting = await schedule_meeting(call, title=title, starts_at=slot.starts_at,
                                     duration_minutes=poll.length_minutes, poll=poll,
                                     slot_number=number)
    return Reply.say(f"Scheduled {meeting_name(meeting)} at "
                     f"{format_local(meeting.starts_at, call.zone)}; I announced it with the "
                     "invite in the lab's channels.")


# --- delete ---------------------------------------------------------------------------------


@router.command("poll delete", args=PollRefArgs, access="facilitator", topic="poll",
                summary="Delete a poll and its answers (after you confirm).")
async def poll_delete(call: Call[PollRefArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    answers = len(await call.uow.polls.answers(poll.id))
    return Reply(card=Card((
        Text(f"Delete poll #{poll.number} ({poll.title}) and its {plural(answers, 'answer')}? "
             "This cannot be undone. Meetings already scheduled from it stay."),
        Buttons((Button(f"Delete poll #{poll.number}",
                        action_ids.encode("poll.delete", poll.id), style="danger"),)),
    ), fallback=f"Delete poll #{poll.number}?"))


@router.action("poll.delete", scope="poll", access="facilitator")
async def poll_delete_confirmed(call: Call[Any]) -> Reply:
    poll = await _poll_of_action(call)
    poll.status = "deleted"
    await call.uow.polls.clear(poll.id)
    await call.audit("poll.deleted", poll=poll.id, number=poll.number, title=poll.title)
    await call.emit(PollDeleted(lab_id=poll.lab_id, poll_id=poll.id))
    text = f"{call.person.display_name} deleted poll #{poll.number} ({poll.title})."
    call.announce(Card((Text(text),), fallback=text))
    return Reply(card=Card((Text(f"Poll #{poll.number} is deleted."),)), replace=True)


# --- autocomplete and home -------------------------------------------------------------------


def numbered_choices(items: Sequence[tuple[int, str, str]], typed: str
                     ) -> list[tuple[str, str]]:
    """Autocomplete for things people name by number or title: (number, title, label) in,
    up to 25 (label, number) out, matching the start of the number or part of the title."""
    text = typed.strip().removeprefix("#").casefold()
    return [(shorten(label, 100), str(number)) for number, title, label in items
            if not text or str(number).startswith(text) or text in title.casefold()][:25]


@router.completer("poll")
async def complete_poll(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    polls = await call.uow.polls.of_lab(call.lab.id)
    return numbered_choices([(p.number, p.title, f"#{p.number} {p.title} ({p.status})")
                             for p in polls], typed)


@router.home_section(20)
async def polls_to_answer(call: Call[Any]) -> list[Block]:
    memberships = await call.uow.members.labs_of(call.person.id)
    polls = [p for p in await call.uow.polls.open_in([m.lab_id for m in memberships])
             if is_open(p, call.now)]
    if not polls:
        return []
    ids = [p.id for p in polls]
    done = await call.uow.polls.answer_counts(ids, call.person.id)
    total = await call.uow.polls.slot_counts(ids)
    labs = {m.lab_id: await call.uow.labs.get(m.lab_id) for m in memberships}
    lines = []
    for p in polls:
        if done.get(p.id, 0) >= total.get(p.id, 0):
            continue
        lab = labs.get(p.lab_id)
        closes = f", closes {at(p.closes_at, 'R')}" if p.closes_at else ""
        lines.append(f"• *Poll #{p.number}: {p.title}* ({lab.name if lab else 'a lab'}) — "
                     f"{done.get(p.id, 0)} of {total.get(p.id, 0)} answered{closes}. "
                     f"`/lab poll answer {p.number}`")
    if not lines:
        return []
    return [Text(shorten("*Polls waiting for your answers*\n" + "\n".join(lines[:10]), 3000))]


# --- what reminders need of a poll ------------------------------------------------------------


async def _close_at_deadline(ctx: AppContext, uow: UnitOfWork, poll_id: int, now: datetime
                             ) -> None:
    # Idempotent here: a poll a facilitator already closed stays as it is.
    await close_poll(ctx, uow, poll_id, now)


@router.subject("poll", pending=unanswered, close=_close_at_deadline)
async def reminder_info(uow: UnitOfWork, poll_id: int) -> SubjectInfo | None:
    """How a reminder names the poll, with the Answer button while it is open; None once it
    is deleted, which cancels its reminders."""
    poll = await uow.polls.get(poll_id)
    if poll is None or poll.status == "deleted":
        return None
    button = None
    if poll.status == "open":
        button = Button("Answer the poll", action_ids.encode("poll.open", poll.id),
                        style="primary")
    return SubjectInfo(f"Poll #{poll.number}: {poll.title}", button=button,
                       moment=poll.closes_at)
