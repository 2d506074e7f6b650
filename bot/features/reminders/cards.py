"""Reminder cards: the message a reminder delivers, and how a reminder is named in lists
and reports.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.reminders import (
    ReminderKind,
    Weekly,
    format_offset,
)
from bot.messages import (
    Block,
    Buttons,
    Card,
    Header,
    Limits,
    Text,
    at,
    shorten,
)
from bot.messages import Context as Small
from bot.subjects import SubjectInfo
from storage.models import Lab, Person, Reminder
from storage.uow import UnitOfWork

MAX_TEXT = 1000

_NOUNS = {"poll": "poll", "vote": "vote", "meeting": "meeting", "action_item": "action item"}


def _noun(kind: str | None) -> str:
    return _NOUNS.get(kind or "", kind or "item")


def delivery_card(r: Reminder, lab: Lab, info: SubjectInfo | None, author: Person | None
                  ) -> Card:
    """The message a reminder delivers; times are `at()` tokens, shown in the reader's zone."""
    blocks: list[Block] = []
    title = info.title if info is not None else None
    match r.kind:
        case ReminderKind.MEETING:
            what = title or r.text or f"The next meeting of {lab.name}"
            starts = (info.moment if info is not None else None) or r.subject_at or r.due_at
            blocks += [Header(shorten(f"Meeting soon: {what}", Limits.HEADER)),
                       Text(f"It starts {at(starts, 'F')} ({at(starts, 'R')}).")]
            fallback = f"{what} starts soon"
        case ReminderKind.NUDGE:
            noun = _noun(r.subject_kind)
            what = title or f"the {noun}"
            closes = (info.moment if info is not None else None) or r.subject_at or r.due_at
            blocks += [Header(shorten(f"Your answer is needed: {what}", Limits.HEADER)),
                       Text(f"You have not answered the {noun} *{what}* yet. It closes "
                            f"{at(closes, 'F')} ({at(closes, 'R')}).")]
            fallback = f"You have not answered {what} yet"
        case ReminderKind.ACTION_ITEM:
            day = r.subject_at or r.due_at
            same_day = r.due_at >= day - timedelta(hours=12)
            when = "today" if same_day else "tomorrow"
            words = title or r.text
            blocks += [Header(f"Action item due {when}"),
                       Text(f"{shorten(words, MAX_TEXT)}\n\nDue {at(day, 'D')}.")]
            fallback = f"Action item due {when}: {shorten(words, 100)}"
        case _:
            to_lab = r.recipient_id is None
            blocks += [Header(f"Reminder for {shorten(lab.name, 100)}" if to_lab else
                              "Reminder"),
                       Text(shorten(r.text, MAX_TEXT))]
            fallback = f"Reminder: {shorten(r.text, 200)}"
    if info is not None:
        blocks += [Text(line) for line in info.lines if line][:5]
    small = []
    if r.kind is ReminderKind.CUSTOM and author is not None:
        who = ("You set this" if author.id == r.recipient_id else
               f"From {author.display_name}")
        small.append(f"{who} on {at(r.created_at, 'f')}")
    small.append(lab.name)
    if r.repeat and r.repeat_zone:
        small.append(Weekly.from_spec(r.repeat, r.repeat_zone).describe())
    if r.late:
        small.append(f"Late: it was due {at(r.next_at, 'f')}, while the bot was offline")
    blocks.append(Small(" · ".join(small)))
    if info is not None and info.button is not None:
        blocks.append(Buttons((info.button,)))
    return Card(tuple(blocks), fallback=shorten(fallback, Limits.PLAIN_TEXT))


async def _who(uow: UnitOfWork, r: Reminder) -> str:
    if r.recipient_id is None:
        return "the lab's channels" if r.kind is not ReminderKind.CLOSE else "the lab"
    person = await uow.people.get(r.recipient_id)
    return person.display_name if person is not None else "a former member"


def _what(r: Reminder) -> str:
    match r.kind:
        case ReminderKind.MEETING:
            before = format_offset(timedelta(minutes=r.offset_minutes or 0))
            return f"reminder of {'“' + shorten(r.text, 80) + '”' if r.text else 'a meeting'}" \
                   f" ({before} before)"
        case ReminderKind.NUDGE:
            return f"nudge to answer {_noun(r.subject_kind)} #{r.subject_id}"
        case ReminderKind.CLOSE:
            return f"closing {_noun(r.subject_kind)} #{r.subject_id} at its deadline"
        case ReminderKind.ACTION_ITEM:
            return f"action item: “{shorten(r.text, 120)}”"
        case _:
            return f"“{shorten(r.text, 160)}”"
