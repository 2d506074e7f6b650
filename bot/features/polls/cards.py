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
from bot.i18n import _, localized
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
    local = localized(local_time(start, zone))  # Babel's words for other languages
    clock = f"{local:%H:%M} {zone_abbreviation(start, zone)}"
    return f"{local:%a %d %b} {clock}" if day else clock


def poll_card(loaded: Loaded, now: datetime) -> Card:
    """The public card, posted once when the poll opens: what it asks, when it closes, and
    the Answer and Results buttons."""
    poll, starts = loaded.poll, loaded.starts
    required = ", ".join(loaded.name(p) for p in loaded.required) or _("nobody")
    window = format_window(poll.window_start, poll.window_end)
    when = (_("*{count}* of {count2}, "
            "from {when} to {when2}, within {window} {timezone}.").format(
        count=plural(len(starts), 'slot'), count2=plural(poll.length_minutes, 'minute'),
        when=at(starts[0]), when2=at(starts[-1]), window=window, timezone=poll.timezone))
    status = (_("Closes {when} ({when2}).").format(
        when=at(poll.closes_at), when2=at(poll.closes_at, 'R'))
              if is_open(poll, now) and poll.closes_at else _("Closed: answers can no longer "
              "change."))
    blocks: list[Block] = [
        Header(shorten(_("Poll #{number}: {title}").format(
            number=poll.number, title=poll.title), 150)),
        Text(_("{when}\nAnswer each slot *yes*, *if need be* or *no*: you will see every slot "
             "in your own time zone. {status}").format(when=when, status=status)),
        # A posted card is not redrawn as answers come in, so it shows no count that would
        # go stale: Results says who has answered, as of when it is pressed.
        Context(_("Required: {required}. *Results* shows who has answered so far. By text: "
                "`/lab poll answer {number} 3,5-7 yes`.").format(
            required=required, number=poll.number)),
    ]
    buttons = [Button(_("Results"), action_ids.encode("poll.results", poll.id, 1))]
    if is_open(poll, now):
        buttons.insert(0, Button(_("Answer"), action_ids.encode("poll.open", poll.id),
                                 style="primary"))
    blocks.append(Buttons(tuple(buttons)))
    return Card(tuple(blocks), fallback=_("Poll #{number}: {title}").format(
        number=poll.number, title=poll.title))


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
        said = f"*{_(ANSWER_LABELS[answer])}*" if answer else _("_not answered_")
        line = (f"`#{slot.number}` {localized(local_time(start, zone)):%H:%M}–"
                f"{slot_line_time(end, zone, day=False)} — {said}")
        if mark:
            line += f" · _{mark}_"
        lines.append(line)
        label = f"#{slot.number} {slot_line_time(start, zone)}"
        note = ", ".join(x for x in (_(ANSWER_LABELS[answer]) if answer else _("not answered"),
                                     mark) if x)
        options.append(Option(label, str(slot.number), description=note))
    done = sum(a is not None for a in mine)
    abbr = zone_abbreviation(loaded.starts[indexes[0]], zone)
    part = ""
    same_day = [p for p in pages if p[0] == day]
    if len(same_day) > 1:
        part = _(" (part {value} of {count})").format(
            value=same_day.index(pages[page - 1]) + 1, count=len(same_day))
    blocks: list[Block] = [
        Header(shorten(_("Poll #{number}: {title} · {day:%a %d %b}{part}").format(
            number=poll.number, title=poll.title, day=localized(day), part=part), 150)),
        Text("\n".join(lines)),
        Context(_("{times_in}. Day {page} of {count}. You have "
                "answered {done} of {count2}.").format(
            times_in=times_in(f'{zone} ({abbr})', zone_known), page=page, count=len(pages),
            done=done, count2=plural(len(loaded.slots), 'slot'))
                + (_(" Closes {when}.").format(
                    when=at(poll.closes_at, 'R')) if poll.closes_at else "")),
    ]
    ref = poll.id
    if is_open(poll, now):
        for answer, placeholder in ((Answer.YES, _("Yes: choose slots")),
                                    (Answer.MAYBE, _("If need be: choose slots")),
                                    (Answer.NO, _("No: choose slots"))):
            blocks.append(Select(action_ids.encode("poll.mark", ref, f"{page}:{answer}"),
                                 placeholder, tuple(options), max_values=len(options)))
        blocks.append(Buttons((
            Button(_("All yes"), action_ids.encode("poll.all", ref, f"{page}:yes")),
            Button(_("All if need be"), action_ids.encode("poll.all", ref, f"{page}:maybe")),
            Button(_("All no"), action_ids.encode("poll.all", ref, f"{page}:no")),
        )))
    else:
        blocks.append(Context(_("This poll is closed: answers can no longer change.")))
    nav = []
    if page > 1:
        nav.append(Button(_("◀ Previous day"), action_ids.encode("poll.page", ref, page - 1)))
    if page < len(pages):
        nav.append(Button(_("Next day ▶"), action_ids.encode("poll.page", ref, page + 1)))
    nav.append(Button(_("Results"), action_ids.encode("poll.results", ref, 1)))
    blocks.append(Buttons(tuple(nav)))
    return Card(tuple(blocks), fallback=_("Poll #{number}: your answers").format(
        number=poll.number))


def my_answer_card(call: Call[Any], loaded: Loaded, page: int) -> Card:
    """The answer card for the person acting, in their zone (the lab's if they set none)."""
    return answer_card(loaded, call.person.id, call.zone, page, call.now,
                       zone_known=call.person.timezone is not None)


def first_open_page(loaded: Loaded, person_id: int, zone: str) -> int:
    """The page with the first slot this person has not answered (the first if none)."""
    mine = loaded.grid.get(person_id, [])
    for n, (_x, indexes) in enumerate(av.day_pages(loaded.starts, zone, PER_PAGE), 1):
        if any(i < len(mine) and mine[i] is None for i in indexes):
            return n
    return 1


def _names(loaded: Loaded, ids: Sequence[int]) -> str:
    names = [loaded.name(p) for p in ids]
    if not names:
        return "—"
    if len(names) > NAMES_SHOWN:
        return ", ".join(names[:NAMES_SHOWN]) + _(" and {value} more").format(
            value=len(names) - NAMES_SHOWN)
    return ", ".join(names)


def result_lines(loaded: Loaded, ranked: Sequence[SlotScore], zone: str, *,
                 first_rank: int = 1) -> list[str]:
    people = list(loaded.grid)
    lines = []
    for rank, s in enumerate(ranked, first_rank):
        slot = loaded.slots[s.index]
        col = [loaded.grid[p][s.index] for p in people]
        who = {a: [p for p, x in zip(people, col, strict=True) if x is a] for a in Answer}
        head = (_("`#{number}` {slot_line_time} — {yes} yes, "
                "{maybe} if need be, {no} no").format(
            number=slot.number, slot_line_time=slot_line_time(slot.starts_at, zone), yes=s.yes,
            maybe=s.maybe, no=s.no))
        if s.excluded:
            head = _("✗ {head} · dropped: {names} (required) said no").format(
                head=head, names=_names(loaded, list(s.blocked_by)))
        else:
            head = f"{rank}. {head}"
        lines.append(_("{head}\n      yes: {names} · if need be: "
                     "{names2} · no: {names3}").format(
            head=head, names=_names(loaded, who[Answer.YES]),
            names2=_names(loaded, who[Answer.MAYBE]), names3=_names(loaded, who[Answer.NO])))
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
    blocks: list[Block] = [Header(shorten(_("Results of poll #{number}: {title}").format(
        number=poll.number, title=poll.title), 150))]
    blocks += paginate(_ResultLines(loaded, ranked, zone), page=page,
                       per_page=RESULTS_PER_PAGE, route="poll.results_page", ref=poll.id,
                       noun="slots")
    none = [m.person_id for m in loaded.members if loaded.answered(m.person_id) == 0]
    partly = [m.person_id for m in loaded.members if 0 < loaded.answered(m.person_id) < total]
    state = (_("open, closes ") + at(poll.closes_at, "f") if is_open(poll, now) and poll.closes_at
             else "closed")
    notes = [_("{times_in}. The poll is {state}.").format(
        times_in=times_in(zone, zone_known), state=state)]
    notes.append(_("Not answered yet: {names}.").format(
        names=_names(loaded, none)) if none else
                 _("Everyone has answered.") if not partly else _("All have answered some slots."))
    if partly:
        notes.append(_("Partly answered: ") + ", ".join(
            f"{loaded.name(p)} ({loaded.answered(p)} of {total})" for p in partly[:10]) + ".")
    notes.append(_("Required: {names}; a slot a required attendee "
                 "said no to drops out. Ranked by yes + if need be, then yes, then "
                 "earliest.").format(
        names=_names(loaded, loaded.required)))
    blocks.append(Context(shorten(" ".join(notes), 2000)))
    return Card(tuple(blocks), fallback=_("Results of poll #{number}").format(
        number=poll.number))


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
    explain = [_("{either} of {total} can attend at least one, {both} both").format(
        either=pair.either, total=total, both=pair.both)]
    if miss_a:
        explain.append(_("{names} only #{number}").format(
            names=_names(loaded, miss_a), number=b.number))
    if miss_b:
        explain.append(_("{names} only #{number}").format(
            names=_names(loaded, miss_b), number=a.number))
    if neither:
        explain.append(f"{neither} neither")
    return (f"{rank}. `#{a.number}` {slot_line_time(a.starts_at, zone)} + `#{b.number}` "
            f"{slot_line_time(b.starts_at, zone)}\n      " + "; ".join(explain) +
            _("; {count} across the two.").format(
                count=plural(pair.yes, 'yes answer')))


def closed_card(loaded: Loaded) -> Card:
    poll = loaded.poll
    ranked = [s for s in av.rank_slots(loaded.scores()) if not s.excluded][:3]
    lines = []
    for n, s in enumerate(ranked, 1):
        slot = loaded.slots[s.index]
        lines.append(_("{n}. `#{number}` {when} — {yes} yes, "
                     "{maybe} if need be, {no} no").format(
            n=n, number=slot.number, when=at(slot.starts_at), yes=s.yes, maybe=s.maybe, no=s.no))
    text = "\n".join(lines) if lines else _("No slot had a yes or an if need be.")
    return Card((
        Header(shorten(_("Poll #{number} closed: {title}").format(
            number=poll.number, title=poll.title), 150)),
        Text(_("*The best slots*\n{text}").format(text=text)),
        Context(_("All results: `/lab poll results {number}`. Two meetings: "
                "`/lab poll pairs {number}`. A facilitator schedules one with "
                "`/lab poll pick {number} <slot>`.").format(number=poll.number)),
    ), fallback=_("Poll #{number} closed: {title}").format(
        number=poll.number, title=poll.title))


def live_poll_card(loaded: Loaded, now: datetime) -> Card:
    """The public card as it stands now, redrawn in place as answers come in (live cards):
    the posted card with who has answered and the best slots so far."""
    card = poll_card(loaded, now)
    total = len(loaded.slots)
    people = [m.person_id for m in loaded.members]
    done = [p for p in people if loaded.answered(p) == total]
    partly = [p for p in people if 0 < loaded.answered(p) < total]
    waiting = [p for p in people if loaded.answered(p) == 0]
    lines = [_("*Answered: {done} of {count}*").format(done=len(done), count=len(people))
             + (f" — {_names(loaded, done)}" if done else "") + "."]
    if partly:
        lines.append(_("Partly answered: ") + ", ".join(
            _("{name} ({answered} of {total})").format(
                name=loaded.name(p), answered=loaded.answered(p), total=total)
            for p in partly[:NAMES_SHOWN]) + ".")
    if waiting:
        lines.append(_("Not answered yet: {names}.").format(names=_names(loaded, waiting)))
    best = [s for s in av.rank_slots(loaded.scores()) if not s.excluded and s.yes + s.maybe][:3]
    if best:
        lines.append(_("Best so far: ") + "; ".join(
            _("`#{number}` {when} ({yes} yes, {maybe} if need be)").format(
                number=loaded.slots[s.index].number, when=at(loaded.slots[s.index].starts_at),
                yes=s.yes, maybe=s.maybe) for s in best) + ".")
    blocks = list(card.blocks)
    at_buttons = next((i for i, b in enumerate(blocks) if isinstance(b, Buttons)), len(blocks))
    blocks.insert(at_buttons, Text(shorten("\n".join(lines), 2900)))
    return Card(tuple(blocks), fallback=card.fallback)


def deleted_poll_card(number: int, title: str) -> Card:
    text = _("Poll #{number} ({title}) was deleted.").format(number=number, title=title)
    return Card((Text(shorten(text, 2900)),), fallback=text)
