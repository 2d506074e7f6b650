"""The poll's cards: the public card, a member's answer card by day, the ranked results,
the best pairs, and the card the lab sees when the poll closes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, overload

from bot import action_ids
from bot.domain import availability as av
from bot.domain.availability import ANSWER_LABELS, Answer, SlotScore
from bot.domain.when import format_window
from bot.domain.wording import plural
from bot.domain.zones import local_time, zone_abbreviation
from bot.features.common import paginate, times_in
from bot.features.polls.loaded import Loaded, is_open
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Context,
    Header,
    Option,
    Select,
    Text,
    at,
    shorten,
)
from bot.router import Call

PER_PAGE = 25  # slots on one page of the answer card: one select's worth
RESULTS_PER_PAGE = 10
NAMES_SHOWN = 8  # names listed behind one answer before "and N more"


def slot_line_time(start: datetime, zone: str, *, day: bool = True) -> str:
    local = local_time(start, zone)
    clock = f"{local:%H:%M} {zone_abbreviation(start, zone)}"
    return f"{local:%a %d %b} {clock}" if day else clock


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
                 "Everyone has answered." if not partly else "All have answered some slots.")
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


def gap_text(gap: timedelta) -> str:
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


def live_poll_card(loaded: Loaded, now: datetime) -> Card:
    """The public card as it stands now, redrawn in place as answers come in (live cards):
    the posted card with who has answered and the best slots so far."""
    card = poll_card(loaded, now)
    total = len(loaded.slots)
    people = [m.person_id for m in loaded.members]
    done = [p for p in people if loaded.answered(p) == total]
    partly = [p for p in people if 0 < loaded.answered(p) < total]
    waiting = [p for p in people if loaded.answered(p) == 0]
    lines = [f"*Answered: {len(done)} of {len(people)}*"
             + (f" — {_names(loaded, done)}" if done else "") + "."]
    if partly:
        lines.append("Partly answered: " + ", ".join(
            f"{loaded.name(p)} ({loaded.answered(p)} of {total})"
            for p in partly[:NAMES_SHOWN]) + ".")
    if waiting:
        lines.append(f"Not answered yet: {_names(loaded, waiting)}.")
    best = [s for s in av.rank_slots(loaded.scores()) if not s.excluded and s.yes + s.maybe][:3]
    if best:
        lines.append("Best so far: " + "; ".join(
            f"`#{loaded.slots[s.index].number}` {at(loaded.slots[s.index].starts_at)} "
            f"({s.yes} yes, {s.maybe} if need be)" for s in best) + ".")
    blocks = list(card.blocks)
    at_buttons = next((i for i, b in enumerate(blocks) if isinstance(b, Buttons)), len(blocks))
    blocks.insert(at_buttons, Text(shorten("\n".join(lines), 2900)))
    return Card(tuple(blocks), fallback=card.fallback)


def deleted_poll_card(number: int, title: str) -> Card:
    text = f"Poll #{number} ({title}) was deleted."
    return Card((Text(shorten(text, 2900)),), fallback=text)
