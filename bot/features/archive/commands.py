"""`/lab archive` (facilitators, after a confirmation that says what it does, and asks first
when a poll or vote is still open) and `/lab record` (members: the lab's record, again).

On Discord these are `/lab membership archive` and `/lab membership record`: its /lab tree
holds 25 entries at most and has 24, so they join the group that already holds `mydata` (the
lab's one free place is left for the next feature); `/lab archive` and `/lab record` are the
words typed elsewhere (aliases).
"""

from __future__ import annotations

from typing import Any

from bot import action_ids
from bot.errors import Conflict
from bot.features.archive.service import Open, archive, send_record, still_open
from bot.features.common import confirm_card, kept
from bot.i18n import N_, _
from bot.messages import Button, Card, Recipient, Reply, Text
from bot.router import Call, Router

router = Router()


def _what_it_does(lab: str) -> str:
    return _("Archiving makes {lab} read-only: every command and button of the lab will "
             "answer that it is archived, except `/lab help`, `/lab members` and `/lab record`. "
             "Reminders still to come are cancelled. You get the lab's record in a direct "
             "message: a zip of every set of minutes, each poll's results and heat map, each "
             "vote's result with its anonymised ballots, the terms of reference with their "
             "history and the audit log, with an index page; any member can get it again "
             "with `/lab record`.").format(lab=lab)


def _open_words(found: Open) -> str:
    things = [_("poll #{number} ({title})").format(number=p.number, title=p.title)
              for p in found.polls]
    things += [_("vote #{number} ({question})").format(number=v.number, question=v.question)
               for v in found.votes]
    text = ""
    if things:
        steps = [f"`/lab poll close {p.number}`" for p in found.polls]
        steps += [f"`/lab vote close {v.number}`" for v in found.votes]
        text += _("\n*Still open: {things}.* Close them first ({steps}), or archive anyway: "
                  "that closes them now, counting what is in, and posts their results.").format(
            things="; ".join(things), steps=", ".join(steps))
    if found.minutes:
        text += _("\nMinutes not ended ({titles}) are kept as they are; end them first with "
                  "`/lab minutes end` to give them a summary.").format(
            titles="; ".join(found.minutes))
    if found.consent:
        text += _("\nThe consent round on {titles} stays unfinished.").format(
            titles="; ".join(found.consent))
    return text


def _confirmation(lab_id: int, lab: str, found: Open, *, changed: bool = False) -> Card:
    label = _("Archive anyway") if found.closable else _("Archive the lab")
    lead = _("Something changed since you asked. ") if changed else ""
    return confirm_card(
        lead + _("Archive {lab}?").format(lab=lab),
        _what_it_does(lab) + _open_words(found),
        confirm=Button(label, action_ids.encode("archive.do", lab_id, found.token)),
        keep_id=action_ids.encode("archive.keep", lab_id),
        undo=_("It cannot be undone from the chat."),
    )


@router.command("membership archive", aliases=("archive",), access="facilitator", topic="lab",
                usage_line="archive", in_direct=False,
                summary=N_("Close the lab for good (after you confirm): read-only, with its "
                           "record."))
async def archive_lab(call: Call[Any]) -> Reply:
    lab = call.the_lab
    found = await still_open(call.uow, lab)
    return Reply(card=_confirmation(lab.id, lab.name, found))


@router.action("archive.do", scope="lab", access="facilitator")
async def archive_confirmed(call: Call[Any]) -> Reply:
    lab = call.the_lab
    assert call.action is not None
    found = await still_open(call.uow, lab)
    if call.action.arg != found.token:  # a poll or vote opened or closed since the card
        return Reply(card=_confirmation(lab.id, lab.name, found, changed=True), replace=True)
    done = await archive(call.ctx, call.uow, lab, call.person.id, call.now)
    if done is None:
        raise Conflict(_("{lab} was archived a moment ago by someone else. `/lab record` "
                         "sends you its record.").format(lab=lab.name))
    polls, votes = done
    closed = ""
    if polls or votes:
        names = [_("poll #{number}").format(number=n) for n in polls]
        names += [_("vote #{number}").format(number=n) for n in votes]
        closed = " " + _("Closed on the way: {names}.").format(names=", ".join(names))
    send_record(call.ctx, call.uow, lab.id, lab.name, _recipient(call),
                _("{lab} is archived; this is its record as it stands now.").format(
                    lab=lab.name))
    call.announce(lambda: Card((Text(_(
        "*{lab}* is archived: {who} closed it, and it is read-only now."
        "{closed} Members get its record with `/lab record`.").format(
        lab=lab.name, who=call.person.display_name, closed=closed)),),
        fallback=_("{lab} is archived").format(lab=lab.name)))
    return Reply(card=Card((Text(_("Archived: {lab} is read-only now.{closed} Its record is on "
                                   "its way to you in a direct message.").format(
        lab=lab.name, closed=closed)),)), replace=True)


@router.action("archive.keep", scope="lab", access="facilitator")
async def archive_kept(call: Call[Any]) -> Reply:
    return kept(call.the_lab.name)


@router.command("membership record", aliases=("record",), topic="lab", usage_line="record",
                in_direct=False, open_when_archived=True,
                summary=N_("Get the lab's whole record as a zip, in a direct message."))
async def record(call: Call[Any]) -> Reply:
    lab = call.the_lab
    await call.audit("lab.record")
    why = (_("The record of {lab}, archived.").format(lab=lab.name)
           if lab.archived_at is not None else
           _("The record of {lab} as it stands now.").format(lab=lab.name))
    send_record(call.ctx, call.uow, lab.id, lab.name, _recipient(call), why)
    return Reply.say(_("I am sending you the record of {lab} in a direct message: a zip with "
                       "an index page that links every file.").format(lab=lab.name))


def _recipient(call: Call[Any]) -> Recipient:
    return Recipient(call.actor.platform, call.actor.workspace, call.actor.user_id)
