"""Minutes' cards: the live card of open minutes and the summary posted when they end."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot import action_ids
from bot.domain.minutes import CARD_ENTRY, ActionStatus, Presence
from bot.features.minutes.service import load_document
from bot.i18n import N_, _, localized
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Context,
    Fields,
    Header,
    Limits,
    Text,
    at,
    shorten,
)
from storage.models import MinuteEntry, Minutes
from storage.uow import UnitOfWork

CAPTURE_HINT = (N_("Add to them with `/lab note <text>`, `/lab decision <text>`, "
                "`/lab action <member> [due <date>] <text>`, or react with :memo: to a message."))
LATEST_ON_CARD = 5


def entry_line(e: MinuteEntry, owner: str | None = None, due: date | None = None) -> str:
    kind = e.kind.value
    who = _(" for *{owner}*").format(
        owner=owner) if owner else (f" — {e.author_name}" if e.author_name else "")
    when = _(", due {due:%a %d %b}").format(due=localized(due)) if due else ""
    return f"{e.number}. _{kind}_{who}{when}: {shorten(e.text, CARD_ENTRY)}"


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def names(names: Sequence[str], empty: str) -> str:
    return shorten(", ".join(names), Limits.FIELD_VALUE) if names else empty


def within(lines: Sequence[str], budget: int, more: str) -> str:
    """As many of `lines` as fit in `budget` characters, then how many more there are."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        tail = len(more) + 12
        if used + len(line) + 1 > budget - (tail if i < len(lines) - 1 else 0):
            out.append(_("…and {value} more {more}").format(
                value=len(lines) - i, more=more))
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


async def minutes_card(uow: UnitOfWork, minutes: Minutes, *, button: bool) -> Card:
    """The live card of open minutes: attendance, the latest entries and an "I'm here"."""
    lab = await uow.labs.get(minutes.lab_id)
    assert lab is not None
    attendance = await uow.minutes.attendance(minutes.id)
    present = [a.person.display_name for a in attendance if a.status is Presence.PRESENT]
    away = [a.person.display_name for a in attendance if a.status is Presence.APOLOGIES]
    live = [e for e in await uow.minutes.entries(minutes.id) if e.dropped_at is None]
    items = {i.entry_id: i for i in await uow.action_items.of_minutes(minutes.id)}
    blocks: list[Block] = [
        Header(shorten(_("Minutes: {title}").format(title=minutes.title), Limits.HEADER)),
        Text(_("Open since {when} in {name}. {CAPTURE_HINT}").format(
            when=at(minutes.started_at, 'f'), name=lab.name, CAPTURE_HINT=_(CAPTURE_HINT))),
        Fields(((_("Present ({count})").format(
            count=len(present)), names(present, _("nobody yet"))),
                (_("Apologies ({count})").format(count=len(away)), names(away, _("none"))))),
    ]
    if live:
        latest = live[-LATEST_ON_CARD:]
        lines = []
        for e in latest:
            item = items.get(e.id)
            lines.append(entry_line(e, item.owner.display_name if item else None,
                                     item.due if item else None))
        heading = _("*Latest entries* ({count} in all)\n").format(count=len(live))
        blocks.append(Text(heading + within(lines, Limits.TEXT - len(heading), "entries")))
    if button:
        blocks.append(Buttons((Button(_("I'm here"), action_ids.encode("minutes.here", minutes.id),
                                      style="primary"),)))
    else:
        blocks.append(Context(_("Type `/lab present` to say you are here.")))
    return Card(tuple(blocks), fallback=_("Minutes of {title} are open in {name}.").format(
        title=minutes.title, name=lab.name))


async def summary_card(uow: UnitOfWork, minutes: Minutes, now: datetime) -> Card:
    """What `/lab minutes end` posts: attendance, decisions, action items with owners and
    due dates."""
    doc = await load_document(uow, minutes, now)
    end = f"–{at(minutes.ended_at, 't')}" if minutes.ended_at else ""
    blocks: list[Block] = [
        Header(shorten(_("Minutes of {title}: summary").format(
            title=minutes.title), Limits.HEADER)),
        Text(_("{lab} met on {when}{end}.").format(
            lab=doc.lab, when=at(minutes.started_at, 'f'), end=end)),
        Fields(((_("Present ({count})").format(
            count=len(doc.present)), names(doc.present, _("nobody recorded"))),
                (_("Apologies ({count})").format(
                    count=len(doc.apologies)), names(doc.apologies, "none")))),
    ]
    decisions = [f"{d.number}. {shorten(d.text, CARD_ENTRY)}" for d in doc.decisions]
    blocks.append(Text("*Decisions*\n" + (
        within(decisions, 1400, _("decisions (in the export)")) if decisions else _("None."))))
    actions = []
    for a in doc.actions:
        due = (_(", due {due:%a %d %b %Y}").format(due=localized(a.due)) if a.due
               else _(", no due date"))
        done = _(" (done)") if a.status is ActionStatus.DONE else ""
        actions.append(f"{a.number}. *{a.owner}*{due}{done}: {shorten(a.text, CARD_ENTRY)}")
    blocks.append(Text(_("*Action items*\n") + (
        within(actions, 1400, _("action items (in the export)")) if actions else _("None."))))
    blocks.append(Context(
        _("{count}, {count2}, "
        "{count3}. The secretary or a facilitator can "
        "export the minutes with "
        "`/lab minutes export md|html|pdf|docx|json`. Confidential: keep them in the lab.").format(
            count=count(len(doc.notes), 'note'), count2=count(len(doc.decisions), 'decision'),
            count3=count(len(doc.actions), 'action item'))
    ))
    return Card(tuple(blocks), fallback=_("Summary of the minutes of {title}").format(
        title=minutes.title))
