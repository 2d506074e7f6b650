"""One-time link codes: bind another channel to a lab, or one person's several accounts."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import Annotated, Any

from pydantic import Field

from bot.arguments import Args, Pos
from bot.domain.lab import LinkPurpose, Role, code_hash, spent_refusal
from bot.errors import Conflict, NotFound, PermissionDenied, UserError
from bot.features.lab.audience import exposure_notice
from bot.i18n import N_, _
from bot.messages import Card, Reply, Text
from bot.router import Call, Router, require_role
from storage.models import ChannelLink

router = Router()


# --- more channels for one lab, and one person on several accounts ---------------------------
#
# Two kinds of one-time code, each bound to its purpose and to the person who made it:
#
# - a *channel* code (`/lab link` in the lab's channel, by a facilitator) binds another
#   channel to the lab when that same facilitator types `/lab link <code>` there, from this
#   account or one linked to it. Anyone else holding the code is refused: it binds nothing
#   and makes nobody anybody.
# - a *personal* code (`/lab link me`, by anyone, anywhere) makes the account it is then
#   used from (`/lab link me <code>`) act as the person who made it: the way one person
#   links their Slack and Discord accounts. It only ever moves the redeeming account to its
#   maker, so nobody can merge into someone else, nor anyone else into themself.
#
# Codes are single-use, expire, are kept only as a SHA-256 hash, are compared in constant
# time and appear in no log or audit entry.

LINK_LIFETIME = timedelta(minutes=30)
LINK_MEMORY = timedelta(days=1)  # how long a used or expired code is still recognised
CODE_LENGTH = 8
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread


async def _new_code(call: Call[Any], purpose: LinkPurpose, lab_id: int | None) -> str:
    await call.uow.labs.prune_links(call.now - LINK_MEMORY)
    code = "".join(secrets.choice(_CODE_ALPHABET) for _x in range(CODE_LENGTH))
    await call.uow.labs.add_link(ChannelLink(
        code_hash=code_hash(code), purpose=purpose, lab_id=lab_id, person_id=call.person.id,
        created_at=call.now, expires_at=call.now + LINK_LIFETIME,
    ))
    return code


async def _find_code(call: Call[Any], code: str) -> ChannelLink | None:
    """The code typed, among those made lately; each is compared in constant time and all
    are compared, so how long this takes says nothing about how close a guess came."""
    digest = code_hash(code)
    found = None
    for candidate in await call.uow.labs.links_since(call.now - LINK_MEMORY):
        if hmac.compare_digest(candidate.code_hash, digest):
            found = candidate
    return found


def _refuse_spent(found: ChannelLink, call: Call[Any], new_one: str) -> None:
    refusal = spent_refusal(used_at=found.used_at, expires_at=found.expires_at, now=call.now,
                            new_one=new_one)
    if refusal:
        raise Conflict(refusal)


NEW_CHANNEL_CODE = N_("Type `/lab link` in the lab's channel for a new one.")
NEW_PERSONAL_CODE = N_("Type `/lab link me` on your other account for a new one.")


class LinkArgs(Args):
    code: Annotated[str | None, Pos("code"), Field(max_length=16)] = None


@router.command(
    "link", args=LinkArgs, access="anyone", topic="lab", in_direct=False,
    summary=N_("Bind another channel, on Slack, Discord or here, to this lab (facilitators): "
            "`/lab link` in the lab's channel, then `/lab link <code>` in the other."),
    examples=("/lab link", "/lab link K7Q2XM4P"),
)
async def link(call: Call[LinkArgs]) -> Reply:
    if call.args.code is None:
        return await _issue_link(call)
    return await _use_link(call, call.args.code)


async def _issue_link(call: Call[LinkArgs]) -> Reply:
    lab = call.the_lab
    await require_role(call, Role.FACILITATOR, what=_("bind channels to the lab"))
    code = await _new_code(call, LinkPurpose.CHANNEL, lab.id)
    await call.audit("lab.link.issued")  # the code itself stays out of the log
    return Reply.say(
        _("In the other channel (on Slack, Discord or the console), type `/lab link {code}` "
        "within 30 minutes. It binds that channel to {name}. Only you can use it: "
        "from this account, or from one you have linked to it with `/lab link me`. "
        "Keep the code to yourself.").format(code=code, name=lab.name)
    )


async def _use_link(call: Call[LinkArgs], code: str) -> Reply:
    if call.place.direct:
        raise UserError(_("Link a channel the members share, not a direct message."))
    if call.lab is not None:
        raise Conflict(_("This channel already belongs to {name}.").format(
            name=call.lab.name))
    found = await _find_code(call, code)
    if found is None:
        raise NotFound(
            _("That is not a link code I gave out. Codes look like `K7Q2XM4P`: a facilitator "
            "gets one by typing `/lab link` in the lab's channel.")
        )
    if found.purpose != LinkPurpose.CHANNEL:
        raise UserError(_("That is a personal code, for linking your own accounts: type "
                        "`/lab link me <code>` with it instead."))
    _refuse_spent(found, call, _(NEW_CHANNEL_CODE))
    # Bound to the person who made it: anyone else holding it binds nothing, learns nothing.
    if call.person.id != found.person_id:
        raise PermissionDenied(
            _("Only the facilitator who made that code can use it, from their own account or "
            "one linked to it. If the code is yours, link this account first: `/lab link me` "
            "on the account you made it with, then `/lab link me <code>` here.")
        )
    lab = await call.uow.labs.get(found.lab_id) if found.lab_id is not None else None
    if lab is None:
        raise NotFound(_("The lab that code belongs to no longer exists."))
    member = await call.uow.members.get(lab.id, call.person.id)
    if member is None or not member.active or member.role is not Role.FACILITATOR:
        raise PermissionDenied(_("Only a facilitator of the lab can bind a channel to it, and "
                               "you no longer are one."))
    notice = await exposure_notice(call)  # asked before anything is written
    await call.uow.labs.bind(lab.id, call.place.platform, call.place.workspace,
                             call.place.channel, call.now)
    found.used_at = call.now
    call.lab, call.member = lab, member
    await call.audit("lab.channel.linked", platform=call.place.platform,
                     channel=call.place.channel)
    with call.in_lab_language():  # posted in the channel
        text = (_("This {platform} channel is now part of *{name}*: its members, "
                "polls, votes and minutes are shared with the lab's other channels.").format(
            platform=call.place.platform, name=lab.name))
    reply = call.publish(Card((Text(text),), fallback=text))
    return reply.then(notice) if notice else reply


class LinkMeArgs(Args):
    code: Annotated[str | None, Pos("code"), Field(max_length=16)] = None


@router.command(
    "link me", args=LinkMeArgs, access="anyone", topic="lab",
    summary=N_("Be one person on several accounts (Slack and Discord): `/lab link me` on one, "
            "then `/lab link me <code>` on the other."),
    examples=("/lab link me", "/lab link me K7Q2XM4P"),
)
async def link_me(call: Call[LinkMeArgs]) -> Reply:
    if call.args.code is None:
        code = await _new_code(call, LinkPurpose.PERSON, None)
        await call.audit("identity.link.issued")  # the code itself stays out of the log
        return Reply.say(
            _("On your other account (Slack, Discord or the console), type `/lab link me {code}`"
            " within 30 minutes, anywhere the bot is. That account then acts as you, "
            "{display_name}, everywhere: your labs, roles, ballots and reminders. "
            "Only ever use it yourself: whoever types it becomes you.").format(
                code=code, display_name=call.person.display_name)
        )
    return await _use_personal_code(call, call.args.code)


async def _use_personal_code(call: Call[LinkMeArgs], code: str) -> Reply:
    found = await _find_code(call, code)
    if found is None:
        raise NotFound(_("That is not a link code I gave out. Type `/lab link me` on your "
                       "other account to get one."))
    if found.purpose != LinkPurpose.PERSON:
        raise UserError(_("That code binds a channel to a lab, not an account to a person: type "
                        "`/lab link <code>` in the channel to bind."))
    _refuse_spent(found, call, _(NEW_PERSONAL_CODE))
    if found.person_id == call.person.id:
        raise Conflict(_("This account already acts as the person who made that code: there is "
                       "nothing to link."))
    if await call.uow.members.labs_of(call.person.id):
        raise Conflict(
            _("This account is a member of a lab as a person of its own, so it cannot become "
            "another one. Leave its labs first (`/lab leave`), or link the other way round: "
            "`/lab link me` here, and the code on your other account.")
        )
    identity = await call.uow.people.identity(
        call.actor.platform, call.actor.workspace, call.actor.user_id
    )
    maker = await call.uow.people.get(found.person_id)
    if identity is None or maker is None:
        raise NotFound(_("The person who made that code no longer exists."))
    identity.person_id = maker.id
    found.used_at = call.now
    call.person = maker
    await call.uow.flush()
    await call.audit("identity.linked", platform=call.actor.platform)
    return Reply.say(_("This account now acts as {display_name}, everywhere.").format(
        display_name=maker.display_name))
