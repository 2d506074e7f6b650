"""The `/lab poll ...` commands: new (asking first when slots fall outside the lab's hours),
answer, results. Pairs, close and pick are in `closing`; delete and restore in `removal`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos
from bot.domain import availability as av
from bot.domain.availability import ANSWER_LABELS, Answer, SlotError
from bot.domain.meetings import Concern, LabHours, slots_outside
from bot.domain.polls import PollStatus
from bot.domain.when import format_window, parse_days, parse_window
from bot.domain.wording import plural
from bot.domain.zones import format_local, require_zone
from bot.errors import Conflict, NotFound, UserError
from bot.events import PollOpened
from bot.features.common import find_member
from bot.features.live import post_live, show_live
from bot.features.polls.cards import (
    first_open_page,
    my_answer_card,
    my_results_card,
    poll_card,
    slot_line_time,
)
from bot.features.polls.charts import heat_map_after_commit
from bot.features.polls.loaded import load
from bot.features.polls.service import find_poll, record, refuse_if_closed
from bot.i18n import N_, _, strip_isolates
from bot.messages import (
    Button,
    Buttons,
    Card,
    Context,
    Form,
    Input,
    Reply,
    Text,
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
        action_ids.encode(FORM_ROUTE, "poll.new"), _("New availability poll"),
        (
            Input("title", _("Title"), placeholder=_("Meeting 1"), max_length=200),
            Input("dates", _("Dates, from..to"), placeholder="2027-01-11..2027-01-22",
                  max_length=30),
            Input("days", _("Days"), default=lab.days, max_length=32),
            Input("window", _("Window (HH:MM-HH:MM)"),
                  default=format_window(lab.window_start, lab.window_end), max_length=11),
            Input("tz", _("Time zone of the window"), default=lab.timezone, max_length=64),
        ),
        submit_label=_("Open poll"),
    )


def checked(fn: Any, *args: Any, field: str | None = None) -> Any:
    """Run a parser from bot.domain and turn its ValueError into a private message (about
    the argument `field`, when given)."""
    try:
        return fn(*args)
    except SlotError as exc:
        raise UserError(exc.message, field=field) from None
    except ValueError as exc:
        raise UserError(str(exc), field=field) from None


def _duration(text: str | None, default: timedelta, word: str) -> timedelta:
    if text is None:
        return default
    value: timedelta = checked(lambda: av.bounded_duration(text, word=word, low="1m",
                                                            high="24h", example="60m"),
                               field=word)
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


@dataclass(frozen=True, slots=True)
class _Planned:
    """A poll as typed, checked: what `/lab poll new` would open."""

    zone: str
    window: tuple[time, time]
    length: timedelta
    starts: list[datetime]
    closes: datetime


def _plan(call: Call[Any], a: PollNewArgs) -> _Planned:
    """Check the poll `a` describes, writing nothing; each mistake names its argument."""
    lab, now = call.the_lab, call.now
    zone = checked(require_zone, a.tz, field="tz") if a.tz else lab.timezone
    window = checked(parse_window, a.window, field="window") if a.window else (
        lab.window_start, lab.window_end)
    days = checked(parse_days, a.days or lab.days, field="days")
    length = _duration(a.length, DEFAULT_LENGTH, "length")
    step = _duration(a.step, DEFAULT_STEP, "step")
    if a.slots is not None and a.dates is not None:
        raise UserError(_("Give either a date range or `slots`, not both."), field="dates")
    if a.slots is not None:
        texts = [t.strip() for t in a.slots.split(",") if t.strip()]
        starts: list[datetime] = checked(
            lambda: av.explicit_slots(texts, zone=zone, window=window, length=length, now=now),
            field="slots")
    elif a.dates is not None:
        first, last = checked(av.parse_date_range, a.dates, field="dates")
        starts = checked(lambda: av.generate_slots(
            first, last, days=days, window=window, zone=zone, length=length, step=step,
            now=now), field="dates")
    else:
        raise UserError(
            _("Say when: a date range such as `2027-01-11..2027-01-22`, or a list such as "
            "`slots 2027-01-11T09:00,2027-01-12T14:30`.\n"
            'Example: `/lab poll new "Meeting 1" 2027-01-11..2027-01-22`'), field="dates"
        )
    if a.closes is not None:
        closes: datetime = checked(av.parse_moment, a.closes.replace(" ", "T", 1), zone,
                                   field="closes")
        if closes <= now:
            raise UserError(
                _("The closing time {closes} ({zone}) is in the past; it is "
                "{format_local} now. Choose a later one, or leave `closes` out "
                "to close 24 hours before the first slot.").format(
                    closes=a.closes, zone=zone, format_local=format_local(now, zone)),
                field="closes")
        if closes > starts[0]:
            raise UserError(
                _("The poll would close ({format_local}) after its first slot "
                "({format_local2}). Close it before the first slot.").format(
                    format_local=format_local(closes, zone),
                    format_local2=format_local(starts[0], zone)), field="closes")
    else:
        closes = av.default_close(starts[0], now)
    return _Planned(zone, window, length, starts, closes)


async def _check_poll(call: Call[PollNewArgs]) -> None:
    """`/lab poll new`'s checks, with no writes (a form is checked before Slack's answer)."""
    _plan(call, call.args)
    await _required(call, call.args.required)


@router.command(
    "poll new", args=PollNewArgs, access="facilitator", topic="poll", form=poll_form,
    check=_check_poll,
    summary=N_("Open an availability poll: a date range (or a list of slots) within the window."),
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
    plan = _plan(call, a)
    zone, window, length, starts, closes = (plan.zone, plan.window, plan.length, plan.starts,
                                            plan.closes)
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
        return await show_live(call, "poll", poll.id, lambda: poll_card(loaded, now))
    # Confirmed from the private question: the poll goes to every channel of the lab, and
    # the question says what became of it.
    post_live(call.ctx, call.uow, lab.id, "poll", poll.id,
              call.channel_card(lambda: poll_card(loaded, now)))
    text = (_("Opened poll #{number} ({title}) with the slots you confirmed; it is in "
            "the lab's channels.").format(number=number, title=poll.title))
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
    marks = sorted({c.mark for _x, found in outside for c in found})
    shown = [f"• {format_local(s, zone)}"
             + ("" if zone == lab.timezone else f" ({format_local(s, lab.timezone)})")
             + f": {', '.join(c.mark for c in found)}" for s, found in outside[:8]]
    more = _("\n…and {value} more.").format(
        value=len(outside) - 8) if len(outside) > 8 else ""
    text = (_("Open poll *{strip}*? "
            "{count} of its {count2} "
            "{value} {names} "
            "(the lab meets {format_window} "
            "{timezone}, {days}):\n").format(
        strip=a.title.strip().strip(chr(34) + '“”'), count=len(outside),
        count2=plural(len(starts), 'slot'), value='is' if len(outside) == 1 else 'are',
        names=' or '.join(marks), format_window=format_window(lab.window_start, lab.window_end),
        timezone=lab.timezone, days=lab.days) + "\n".join(shown) + more)
    return Reply(card=Card((
        Text(shorten(text, 2900)),
        Buttons((
            Button(_("Confirm: open the poll"), action_ids.encode("poll.new_confirm", lab.id,
                                                               asked), style="primary"),
            Button(_("Keep to the lab's hours"), action_ids.encode("poll.new_keep", lab.id,
                                                                asked)),
        )),
        Context(_("You may have a reason. Or keep to the lab's hours and type the poll again "
                "with other slots, `days` or `window`.")),
    ), fallback=_("Open a poll with slots outside the lab's hours?")))


async def _question(call: Call[Any]) -> tuple[int, PollNewArgs]:
    """The poll question a Confirm or Keep answers: asked by this person, not answered."""
    assert call.action is not None
    ref = call.action.arg or ""
    entries = {e.id: e for e in await call.uow.audit.for_lab(call.the_lab.id)
               if e.action in ("poll.asked", "poll.opened", "poll.ask_kept")}
    question = entries.get(int(ref)) if ref.isdigit() else None
    if question is None or question.action != "poll.asked" \
            or question.actor_id != call.person.id:
        raise NotFound(_("That question is not yours or no longer there; `/lab poll new` "
                       "asks again."))
    if any(e.detail.get("asked") == question.id for e in entries.values()):
        raise Conflict(_("That question was answered already; `/lab polls` lists the lab's "
                       "polls."))
    return question.id, PollNewArgs(**question.detail["args"])


@router.action("poll.new_confirm", scope="lab", access="facilitator")
async def poll_new_confirmed(call: Call[Any]) -> Reply:
    asked, a = await _question(call)
    return await _open_poll(call, a, asked=asked)


@router.action("poll.new_keep", scope="lab", access="facilitator")
async def poll_new_kept(call: Call[Any]) -> Reply:
    asked, a = await _question(call)
    await call.audit("poll.ask_kept", asked=asked)
    text = _("Kept to the lab's hours: poll *{strip}* was not opened.").format(
        strip=a.title.strip())
    return Reply(card=Card((Text(text),), fallback=text), replace=True)


# --- /lab poll answer ---------------------------------------------------------------------------


ANSWER_WORDS = frozenset(a.value for a in Answer)
# Each language's own words, accepted beside the English ones whoever types them (the
# command words stay English, so `/lab poll answer 1 3 yes` works in every language).
LOCAL_ANSWER_WORDS: dict[str, str] = {
    # Spanish
    "sí": "yes", "si": "yes", "quizás": "maybe", "quizas": "maybe", "talvez": "maybe",
    # French
    "oui": "yes", "peut-être": "maybe", "peut-etre": "maybe", "non": "no",
    # Portuguese
    "sim": "yes", "não": "no", "nao": "no",
    # Arabic
    "نعم": "yes", "ربما": "maybe", "لا": "no",
}


def _answer_word(value: object) -> str | None:
    """"Yes", " no ", "sí", "oui", "sim", "نعم" -> "yes", "no", ...; None for anything that
    is not an answer."""
    if not isinstance(value, str):
        return None
    word = strip_isolates(unicodedata.normalize("NFC", value)).strip().casefold()
    return word if word in ANSWER_WORDS else LOCAL_ANSWER_WORDS.get(word)


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
    summary=N_("Answer slots yes, maybe (if need be) or no; without slots, open your answer card."),
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
                _("Which slots? Put their numbers before the answer, e.g. "
                "`/lab poll answer {number} 3,5-7 {word}`, or `all` for every slot: "
                "`/lab poll answer {number} all {word}`. "
                "`/lab poll answer {number}` opens your answer card.").format(
                    number=poll.number, word=word)
            )
        raise UserError(
            _("Say yes, maybe or no after the slots, e.g. "
            "`/lab poll answer {number} {slots} yes`.").format(
                number=poll.number, slots=call.args.slots)
        )
    count = len(await call.uow.polls.slots(poll.id))
    numbers = checked(av.parse_slot_numbers, call.args.slots, count)
    answer = Answer(call.args.answer)
    await record(call, poll, numbers, answer)
    loaded = await load(call.uow, poll)
    zone = call.zone
    shown = [f"`#{n}` {slot_line_time(loaded.slots[n - 1].starts_at, zone)}"
             for n in numbers[:10]]
    more = _(" and {value} more").format(
        value=len(numbers) - 10) if len(numbers) > 10 else ""
    return Reply.say(
        _("*{capitalize}* to {count} of poll "
        "#{number}: ").format(
            capitalize=_(ANSWER_LABELS[answer]).capitalize(), count=plural(len(numbers), 'slot'),
            number=poll.number) + ", ".join(shown) +
        _("{more} (times in {zone}). You have answered {answered} of "
        "{count}; change any answer until the poll closes.").format(
            more=more, zone=zone, answered=loaded.answered(call.person.id), count=len(loaded.slots))
    )


class PollRefArgs(Args):
    poll: Annotated[str, Pos("poll"), Complete("poll")]


@router.command(
    "poll results", args=PollRefArgs, topic="poll",
    summary=N_("Slots ranked, the names behind each answer, who has not answered, a heat map."),
    examples=("/lab poll results 1",),
)
async def poll_results(call: Call[PollRefArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    loaded = await load(call.uow, poll)
    card = my_results_card(call, loaded, 1)
    return Reply(card=card, files=(await heat_map_after_commit(call.uow, loaded, call.zone),))
