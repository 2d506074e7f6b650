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
from bot.i18n import N_, _
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

_NOUNS = {"poll": N_("poll"), "vote": N_("vote"), "meeting": N_("meeting"),
          "action_item": N_("action item")}


def _noun(kind: str | None) -> str:
    return _(_NOUNS.get(kind or "", kind or "item"))


def delivery_card(r: Reminder, lab: Lab, info: SubjectInfo | None, author: Person | None
                  ) -> Card:
    """The message a reminder delivers; times are `at()` tokens, shown in the reader's zone."""
    blocks: list[Block] = []
    title = info.title if info is not None else None
    match r.kind:
        case ReminderKind.MEETING:
            what = title or r.text or _("The next meeting of {name}").format(name=lab.name)
            starts = (info.moment if info is not None else None) or r.subject_at or r.due_at
            blocks += [Header(shorten(_("Meeting soon: {what}").format(what=what), Limits.HEADER)),
                       Text(_("It starts {when} ({when2}).").format(
                           when=at(starts, 'F'), when2=at(starts, 'R')))]
            fallback = _("{what} starts soon").format(what=what)
        case ReminderKind.NUDGE if r.subject_kind == "action_item":
            # A facilitator's Remind now from the desk: the owner of an overdue item.
            words = title or r.text
            due = r.subject_at or r.due_at
            blocks += [Header(_("An action item of yours is overdue")),
                       Text(_("{text}\n\nIt was due {when}. When it is done, mark it done "
                              "with `/lab actions` in the lab's channel.").format(
                           text=shorten(words, MAX_TEXT), when=at(due, 'D')))]
            fallback = _("Overdue action item: {text}").format(text=shorten(words, 100))
        case ReminderKind.NUDGE:
            noun = _noun(r.subject_kind)
            what = title or f"the {noun}"
            closes = (info.moment if info is not None else None) or r.subject_at or r.due_at
            blocks += [Header(shorten(_("Your answer is needed: {what}").format(
                what=what), Limits.HEADER)),
                       Text(_("You have not answered the {noun} *{what}* yet. It closes "
                            "{when} ({when2}).").format(
                           noun=noun, what=what, when=at(closes, 'F'), when2=at(closes, 'R')))]
            fallback = _("You have not answered {what} yet").format(what=what)
        case ReminderKind.ACTION_ITEM:
            day = r.subject_at or r.due_at
            same_day = r.due_at >= day - timedelta(hours=12)
            words = title or r.text
            blocks += [Header(_("Action item due today") if same_day
                              else _("Action item due tomorrow")),
                       Text(_("{text}\n\nDue {when}.").format(
                           text=shorten(words, MAX_TEXT), when=at(day, 'D')))]
            fallback = (_("Action item due today: {text}") if same_day
                        else _("Action item due tomorrow: {text}")).format(
                text=shorten(words, 100))
        case _:
            to_lab = r.recipient_id is None
            blocks += [Header(_("Reminder for {text}").format(
                text=shorten(lab.name, 100)) if to_lab else
                              _("Reminder")),
                       Text(shorten(r.text, MAX_TEXT))]
            fallback = _("Reminder: {text}").format(text=shorten(r.text, 200))
    if info is not None:
        blocks += [Text(line) for line in info.lines if line][:5]
    small = []
    if r.kind is ReminderKind.CUSTOM and author is not None:
        who = (_("You set this") if author.id == r.recipient_id else
               _("From {display_name}").format(display_name=author.display_name))
        small.append(f"{who} on {at(r.created_at, 'f')}")
    small.append(lab.name)
    if r.repeat and r.repeat_zone:
        small.append(Weekly.from_spec(r.repeat, r.repeat_zone).describe())
    if r.late:
        small.append(_("Late: it was due {when}, while the bot was offline").format(
            when=at(r.next_at, 'f')))
    blocks.append(Small(" · ".join(small)))
    if info is not None and info.button is not None:
        blocks.append(Buttons((info.button,)))
    return Card(tuple(blocks), fallback=shorten(fallback, Limits.PLAIN_TEXT))


async def _who(uow: UnitOfWork, r: Reminder) -> str:
    if r.recipient_id is None:
        return _("the lab's channels") if r.kind is not ReminderKind.CLOSE else _("the lab")
    person = await uow.people.get(r.recipient_id)
    return person.display_name if person is not None else _("a former member")


def _what(r: Reminder) -> str:
    match r.kind:
        case ReminderKind.MEETING:
            before = format_offset(timedelta(minutes=r.offset_minutes or 0))
            return _("reminder of {value}" \
                   " ({before} before)").format(
                value='“' + shorten(r.text, 80) + '”' if r.text else 'a meeting', before=before)
        case ReminderKind.NUDGE:
            return _("nudge to answer {noun} #{subject_id}").format(
                noun=_noun(r.subject_kind), subject_id=r.subject_id)
        case ReminderKind.CLOSE:
            return _("closing {noun} #{subject_id} at its deadline").format(
                noun=_noun(r.subject_kind), subject_id=r.subject_id)
        case ReminderKind.ACTION_ITEM:
            return _("action item: “{text}”").format(text=shorten(r.text, 120))
        case _:
            return f"“{shorten(r.text, 160)}”"
