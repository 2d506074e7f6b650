"""The `/lab poll ...` commands: new, answer, results, pairs, close, pick and delete."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos
from bot.domain import availability as av
from bot.domain.availability import ANSWER_LABELS, Answer, SlotError
from bot.domain.meetings import Concern, LabHours, slots_outside
from bot.domain.polls import PickProblem, PickRefused, PollStatus, can_close, pick_slot
from bot.domain.restore import can_restore
from bot.domain.when import format_window, parse_days, parse_window
from bot.domain.wording import plural
from bot.domain.zones import format_local, require_zone
from bot.errors import Conflict, NotFound, UserError
from bot.events import PollOpened
from bot.features.common import confirm_card, find_member, times_in
from bot.features.meetings import meeting_name, schedule_meeting
from bot.features.polls.cards import (
    first_open_page,
    gap_text,
    my_answer_card,
    my_results_card,
    pair_line,
    poll_card,
    slot_line_time,
)
from bot.features.polls.charts import heat_map_after_commit
from bot.features.polls.loaded import load
from bot.features.polls.service import close_poll, find_poll, record, refuse_if_closed
from bot.messages import (
    Button,
    Buttons,
    Card,
    Context,
    Form,
    Header,
    Input,
    Reply,
    Text,
    at,
    shorten,
)
from bot.router import FORM_ROUTE, Call, Router
from storage.models import Poll

router = Router()

DEFAULT_LENGTH = timedelta(minutes=60)
DEFAULT_STEP = timedelta(minutes=60)
# One day: the two meetings fall on different days. Not the example `gap 14d`, which
# would find no pair in its own two-week example poll; `/lab poll pairs 1 gap 14d` asks for it.
DEFAULT_GAP = timedelta(days=1)


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


async def _required(call: Call[Any], spec: str | None) -> list[int]:
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
    return await _open_poll(call, call.args, asked=None)


async def _open_poll(call: Call[Any], a: PollNewArgs, *, asked: int | None) -> Reply:
    """Open the poll `a` describes; if some of its slots are outside the lab's hours or days
    and the facilitator has not confirmed them yet (`asked` is the question they confirmed),
    ask first."""
    lab, now = call.the_lab, call.now
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
    required = await _required(call, a.required)
    outside = slots_outside(starts, length, LabHours(
        lab.timezone, (lab.window_start, lab.window_end), parse_days(lab.days)))
    if outside and asked is None:
        return await _ask_to_open(call, a, starts, outside)
    number = await call.uow.polls.next_number(lab.id)
    poll = await call.uow.polls.add(
        Poll(lab_id=lab.id, number=number, title=a.title.strip().strip('"“”'),
             status=PollStatus.OPEN, timezone=zone, window_start=window[0], window_end=window[1],
             length_minutes=int(length.total_seconds() // 60), closes_at=closes,
             created_at=now, created_by_id=call.person.id),
        starts, required,
    )
    await call.audit("poll.opened", poll=poll.id, number=number, slots=len(starts),
                     closes=closes.isoformat(),
                     **({"asked": asked, "outside": len(outside)} if asked else {}))
    await call.emit(PollOpened(lab_id=lab.id, poll_id=poll.id, closes_at=closes))
    loaded = await load(call.uow, poll)
    if asked is None:
        return call.publish(poll_card(loaded, now))
    # Confirmed from the private question: the poll goes to every channel of the lab, and
    # the question says what became of it.
    call.announce(poll_card(loaded, now))
    text = (f"Opened poll #{number} ({poll.title}) with the slots you confirmed; it is in "
            "the lab's channels.")
    return Reply(card=Card((Text(text),), fallback=text), replace=True)


async def _ask_to_open(call: Call[Any], a: PollNewArgs, starts: list[datetime],
                       outside: list[tuple[datetime, list[Concern]]]) -> Reply:
    """The question before a poll with slots outside the lab's hours or days: which ones,
    in the facilitator's zone and the lab's, with Confirm and Keep as the poll's delete has.
    The poll as typed is kept in the audit entry of the question, whose id rides in the
    buttons, so a Confirm after a restart opens exactly what was asked about."""
    lab = call.the_lab
    await call.audit("poll.asked", args=a.model_dump(exclude_none=True),
                     outside=len(outside))
    asked = (await call.uow.audit.for_lab(lab.id, action="poll.asked"))[-1].id
    zone = call.zone
    marks = sorted({c.mark for _, found in outside for c in found})
    shown = [f"• {format_local(s, zone)}"
             + ("" if zone == lab.timezone else f" ({format_local(s, lab.timezone)})")
             + f": {', '.join(c.mark for c in found)}" for s, found in outside[:8]]
    more = f"\n…and {len(outside) - 8} more." if len(outside) > 8 else ""
    text = (f"Open poll *{a.title.strip().strip(chr(34) + '“”')}*? "
            f"{len(outside)} of its {plural(len(starts), 'slot')} "
            f"{'is' if len(outside) == 1 else 'are'} {' or '.join(marks)} "
            f"(the lab meets {format_window(lab.window_start, lab.window_end)} "
            f"{lab.timezone}, {lab.days}):\n" + "\n".join(shown) + more)
    return Reply(card=Card((
        Text(shorten(text, 2900)),
        Buttons((
            Button("Confirm: open the poll", action_ids.encode("poll.new_confirm", lab.id,
                                                               asked), style="primary"),
            Button("Keep to the lab's hours", action_ids.encode("poll.new_keep", lab.id,
                                                                asked)),
        )),
        Context("You may have a reason. Or keep to the lab's hours and type the poll again "
                "with other slots, `days` or `window`."),
    ), fallback="Open a poll with slots outside the lab's hours?"))


async def _question(call: Call[Any]) -> tuple[int, PollNewArgs]:
    """The poll question a Confirm or Keep answers: asked by this person, not answered."""
    assert call.action is not None
    ref = call.action.arg or ""
    entries = {e.id: e for e in await call.uow.audit.for_lab(call.the_lab.id)
               if e.action in ("poll.asked", "poll.opened", "poll.ask_kept")}
    question = entries.get(int(ref)) if ref.isdigit() else None
    if question is None or question.action != "poll.asked" \
            or question.actor_id != call.person.id:
        raise NotFound("That question is not yours or no longer there; `/lab poll new` "
                       "asks again.")
    if any(e.detail.get("asked") == question.id for e in entries.values()):
        raise Conflict("That question was answered already; `/lab polls` lists the lab's "
                       "polls.")
    return question.id, PollNewArgs(**question.detail["args"])


@router.action("poll.new_confirm", scope="lab", access="facilitator")
async def poll_new_confirmed(call: Call[Any]) -> Reply:
    asked, a = await _question(call)
    return await _open_poll(call, a, asked=asked)


@router.action("poll.new_keep", scope="lab", access="facilitator")
async def poll_new_kept(call: Call[Any]) -> Reply:
    asked, a = await _question(call)
    await call.audit("poll.ask_kept", asked=asked)
    text = f"Kept to the lab's hours: poll *{a.title.strip()}* was not opened."
    return Reply(card=Card((Text(text),), fallback=text), replace=True)


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
    await record(call, poll, numbers, answer)
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
    card = my_results_card(call, loaded, 1)
    return Reply(card=card, files=(await heat_map_after_commit(call.uow, loaded),))


# --- the two meetings: pairs -----------------------------------------------------------------


class PollPairsArgs(Args):
    poll: Annotated[str, Pos("poll"), Complete("poll")]
    gap: Annotated[str | None, Kw("1d", words=1)] = None  # the metavar is the default


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
        why = f"No two usable slots of poll #{poll.number} are {gap_text(gap)} apart: "
        if len(usable) < 2:  # no gap would help
            dropped = len(scores) - len(usable)
            why += "only 1 slot is usable" if usable else "no slot is usable"
            if dropped:
                why += f" ({plural(dropped, 'slot')} dropped: a required attendee said no)"
            raise UserError(why + ".")
        raise UserError(why + f"{len(usable)} slots are usable and they span "
                        f"{gap_text(max(usable) - min(usable))}. Try a smaller gap, "
                        "e.g. `gap 1d`.")
    zone = call.zone
    lines = [pair_line(loaded, p, zone, n) for n, p in enumerate(pairs, 1)]
    card = Card((
        Header(shorten(f"Best pairs for poll #{poll.number}: {poll.title}", 150)),
        Text("\n".join(lines)),
        Context(f"{times_in(zone, call.person.timezone is not None)}. Pairs at least "
                f"{gap_text(gap)} apart (start to "
                "start; `gap 14d` to change), ranked by who can attend at least one, then "
                "both, then yes answers. A facilitator picks each with "
                f"`/lab poll pick {poll.number} <slot>`."),
    ), fallback=f"Best pairs for poll #{poll.number}")
    return Reply(card=card)


@router.command("poll close", args=PollRefArgs, access="facilitator", topic="poll",
                summary="Close a poll now: answers stop, the lab sees the best slots.")
async def poll_close(call: Call[PollRefArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    # The status read here may be stale by the time we close (the deadline timer, another
    # process): close_poll's claim has the last word.
    if not can_close(poll.status) or not await close_poll(call.ctx, call.uow, poll.id, call.now,
                                                     closed_by=call.person.id):
        raise Conflict(f"Poll #{poll.number} is already closed. See "
                       f"`/lab poll results {poll.number}`.")
    return Reply.say(f"Poll #{poll.number} is closed; I told the lab. "
                     f"{(poll.outcome or '').rstrip('.')}.")


# --- pick -----------------------------------------------------------------------------------


_PICK_REFUSALS: dict[PickProblem, type[UserError]] = {
    PickProblem.UNCLEAR: UserError, PickProblem.NO_SUCH_SLOT: NotFound,
    PickProblem.BEGUN: Conflict, PickProblem.TAKEN: Conflict,
}


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
    poll = await find_poll(call, call.args.poll)
    starts = [s.starts_at for s in await call.uow.polls.slots(poll.id)]
    taken = [m.slot_number for m in await call.uow.meetings.of_poll(poll.id)]
    try:
        pick = pick_slot(call.args.slot, starts, taken, poll_number=poll.number,
                         poll_title=poll.title, title=call.args.title, now=call.now)
    except PickRefused as refused:
        raise _PICK_REFUSALS[refused.problem](refused.message) from None
    await close_poll(call.ctx, call.uow, poll.id, call.now, closed_by=call.person.id)
    meeting = await schedule_meeting(call, title=pick.title, starts_at=pick.starts_at,
                                     duration_minutes=poll.length_minutes, poll=poll,
                                     slot_number=pick.number)
    return Reply.say(f"Scheduled {meeting_name(meeting)} at "
                     f"{format_local(meeting.starts_at, call.zone)}; I announced it with the "
                     "invite in the lab's channels.")


# --- delete ---------------------------------------------------------------------------------


@router.command("poll delete", args=PollRefArgs, access="facilitator", topic="poll",
                summary="Delete a poll (after you confirm); a facilitator can restore it for "
                        "a while with `/lab poll restore`.")
async def poll_delete(call: Call[PollRefArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    answers = len(await call.uow.polls.answers(poll.id))
    within = call.ctx.settings.lab.restore_within
    state = "It stops taking answers at once. " if poll.status == PollStatus.OPEN else ""
    return Reply(card=confirm_card(
        f"Delete poll #{poll.number} ({poll.title})?",
        f"{state}Its {plural(answers, 'answer')} and its results will be out of everyone's "
        "sight; meetings already scheduled from it stay.",
        confirm=Button(f"Delete poll #{poll.number}", action_ids.encode("poll.delete", poll.id)),
        keep_id=action_ids.encode("poll.keep", poll.id),
        undo=f"A facilitator can restore it, answers and all, within {within} with "
             f"`/lab poll restore {poll.number}`."))


@router.command("poll restore", args=PollRefArgs, access="facilitator", topic="poll",
                summary="Bring back a deleted poll with its answers, within the lab's restore "
                        "period.", examples=("/lab poll restore 2",))
async def poll_restore(call: Call[PollRefArgs]) -> Reply:
    lab = call.the_lab
    text = call.args.poll.strip().removeprefix("#").strip()
    if not text.isdigit():
        raise UserError("Give the deleted poll's number, e.g. `/lab poll restore 2`.")
    poll = await call.uow.polls.deleted_by_number(lab.id, int(text))
    if poll is None:
        if await call.uow.polls.by_number(lab.id, int(text)) is not None:
            raise Conflict(f"Poll #{text} is not deleted; there is nothing to restore.")
        raise NotFound(f"{lab.name} has no deleted poll #{text}.")
    period = call.ctx.settings.lab.restore_period
    if not can_restore(poll.deleted_at, period, call.now):
        when = f" on {at(poll.deleted_at, 'f')}" if poll.deleted_at else ""
        raise Conflict(
            f"Poll #{poll.number} ({poll.title}) was deleted{when}; deleted polls can be "
            f"restored for {call.ctx.settings.lab.restore_within}, so it can no longer "
            "come back. Open a new one with `/lab poll new`.")
    poll.status = PollStatus.CLOSED if poll.closed_at is not None else PollStatus.OPEN
    poll.deleted_at = None
    answers = len(await call.uow.polls.answers(poll.id))
    await call.audit("poll.restored", poll=poll.id, number=poll.number, title=poll.title,
                     answers=answers)
    if poll.status == PollStatus.OPEN:
        # Its deadline and nudges were cancelled with the delete: plan them again.
        await call.emit(PollOpened(lab_id=lab.id, poll_id=poll.id, closes_at=poll.closes_at))
    text_ = (f"{call.person.display_name} restored poll #{poll.number} ({poll.title}) with "
             f"its {plural(answers, 'answer')}.")
    call.announce(Card((Text(text_),), fallback=text_))
    return Reply.say(f"Poll #{poll.number} is back, with its {plural(answers, 'answer')}.")
