"""Joining and leaving a lab: set it up in a channel, read the confidentiality commitment
and join, leave."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from pydantic import Field

from bot import action_ids
from bot.arguments import Args, Rest
from bot.domain.lab import Role, counted_members, leave_refusal, limit_refusal
from bot.domain.when import format_window
from bot.errors import Conflict, UserError
from bot.events import MemberJoined, MemberLeft
from bot.features.lab.audience import exposure_notice
from bot.features.lab.commitment import commitment_card, stale_acceptance
from bot.i18n import N_, _
from bot.messages import Button, Buttons, Card, Context, Fields, Header, Reply, Text
from bot.router import Call, Router
from storage.models import Lab, Membership

router = Router()


# --- setup ---------------------------------------------------------------------------------


class SetupArgs(Args):
    name: Annotated[str, Rest("name"), Field(min_length=1, max_length=100)]


@router.command(
    "setup", args=SetupArgs, access="anyone", topic="lab", in_direct=False,
    summary=N_("Start a lab in this channel; you become its facilitator."),
    examples=('/lab setup "Action Lab 1"',),
)
async def setup(call: Call[SetupArgs]) -> Reply:
    if call.place.direct:
        raise UserError(_("Set up a lab in a channel the members share, not in a direct message."))
    if call.lab is not None:
        raise Conflict(
            _("This channel already has a lab: {name}. Type `/lab members` to see who "
            "is in it, or set up a new lab in another channel.").format(name=call.lab.name)
        )
    defaults = call.ctx.settings.lab
    start, end = defaults.window_times
    name = call.args.name.strip().strip('"“”')
    notice = await exposure_notice(call)  # asked before anything is written
    lab = await call.uow.labs.add(
        Lab(
            name=name, timezone=defaults.timezone, window_start=start, window_end=end,
            days=defaults.days, member_limit=defaults.member_limit,
            commitment=defaults.commitment, created_at=call.now, created_by_id=call.person.id,
        )
    )
    await call.uow.labs.bind(
        lab.id, call.place.platform, call.place.workspace, call.place.channel, call.now
    )
    call.lab = lab
    await call.uow.members.add(
        Membership(lab_id=lab.id, person_id=call.person.id, role=Role.FACILITATOR,
                   active=True, accepted_at=call.now)
    )
    await call.audit("lab.setup", name=name, channel=call.place.channel)
    card = Card(
        (
            Header(_("{name} is set up").format(name=name)),
            Text(
                _("{display_name} is facilitating. Members: type `/lab join` to "
                "read the confidentiality commitment and join.").format(
                    display_name=call.person.display_name)
            ),
            Fields((
                (_("Members"), _("up to {member_limit}").format(member_limit=lab.member_limit)),
                (_("Meeting window"),
                 f"{format_window(start, end)} {lab.timezone}, {lab.days}"),
            )),
            Context(_("Facilitators can change this with `/lab settings`.")),
        ),
        fallback=_("{name} is set up in this channel.").format(name=name),
    )
    reply = Reply(card=card, private=False)
    return reply.then(notice) if notice else reply


# --- join and accept ------------------------------------------------------------------------


def _commitment_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@router.command("join", access="lab", topic="lab",
                summary=N_("Read the confidentiality commitment and join the lab."))
async def join(call: Call[Any]) -> Reply:
    lab = call.the_lab
    if stale_acceptance(call.member, lab):
        return Reply(card=commitment_card(lab, call.zone))
    if call.member is not None:
        raise Conflict(_("You are already a member of {name}.").format(name=lab.name))
    if not await call.uow.applications.join_open(lab.id):
        raise Conflict(_("{name} takes members through its call for applications. Type "
                         "`/lab call` to see it, and `/lab apply` to apply.").format(
            name=lab.name))
    roles = [m.role for m in await call.uow.members.active(lab.id)]
    refusal = limit_refusal(roles=roles, limit=lab.member_limit)
    if refusal:
        raise Conflict(refusal)
    card = Card(
        (
            Header(_("Join {name}").format(name=lab.name)),
            Text(lab.commitment),
            Context(_("Membership counts once you accept. You can leave at any time with "
                    "`/lab leave`.")),
            Buttons((
                Button(_("I accept and join"), action_ids.encode("lab.accept", lab.id),
                       style="primary"),
            )),
        ),
        fallback=_("Join {name}: accept the confidentiality commitment.").format(
            name=lab.name),
    )
    return Reply(card=card)


# Access "lab": pressed in one of the lab's channels (the router refuses it anywhere else,
# a direct message included, as a stale control), by someone who need not be a member yet.
@router.action("lab.accept", scope="lab", access="lab")
async def accept(call: Call[Any]) -> Reply:
    lab = call.the_lab
    existing = await call.uow.members.get(lab.id, call.person.id)
    if existing is not None and existing.active:
        raise Conflict(_("You are already a member of {name}.").format(name=lab.name))
    if not await call.uow.applications.join_open(lab.id):
        raise Conflict(_("{name} takes members through its call for applications. Type "
                         "`/lab call` to see it, and `/lab apply` to apply.").format(
            name=lab.name))
    members = await call.uow.members.active(lab.id)
    refusal = limit_refusal(roles=[m.role for m in members], limit=lab.member_limit)
    if refusal:
        raise Conflict(refusal)
    if existing is None:
        existing = await call.uow.members.add(
            Membership(lab_id=lab.id, person_id=call.person.id, role=Role.MEMBER, active=True,
                       accepted_at=call.now)
        )
    else:  # coming back after leaving: a fresh acceptance, as a plain member
        existing.active, existing.role = True, Role.MEMBER
        existing.accepted_at, existing.left_at = call.now, None
    call.member = existing
    await call.audit("member.joined", commitment=_commitment_digest(lab.commitment))
    await call.emit(MemberJoined(lab_id=lab.id, person_id=call.person.id))
    counted = counted_members(m.role for m in members) + 1
    call.announce(lambda: Card(
        (Text(_("*{display_name}* joined {name} "
              "({counted} of {member_limit} members).").format(
            display_name=call.person.display_name, name=lab.name, counted=counted,
            member_limit=lab.member_limit)),),
        fallback=_("{display_name} joined {name}.").format(
            display_name=call.person.display_name, name=lab.name),
    ))
    zone_hint = (
        _("Times are shown in your zone, {timezone}.").format(
            timezone=call.person.timezone)
        if call.person.timezone else
        _("Times are shown in the lab's zone, {timezone}, until you choose yours with "
        "`/lab tz <zone>` (e.g. `/lab tz Africa/Lagos`).").format(timezone=lab.timezone)
    )
    return Reply(
        card=Card((Header(_("Welcome to {name}").format(name=lab.name)), Text(zone_hint),
                   Context(_("Type `/lab help` to see what you can do."))),
                  fallback=_("Welcome to {name}").format(name=lab.name)),
        replace=True,
    )


# --- leave ------------------------------------------------------------------------------


# Access "lab" (a member is checked below): open to a member yet to accept a changed
# commitment, who may rather leave.
@router.command("leave", access="lab", topic="lab", summary=N_("Leave the lab."))
async def leave(call: Call[Any]) -> Reply:
    lab, member = call.the_lab, call.the_member
    facilitators = sum(
        1 for m in await call.uow.members.active(lab.id) if m.role is Role.FACILITATOR
    )
    refusal = leave_refusal(role=member.role, facilitators=facilitators)
    if refusal:
        raise Conflict(refusal)
    member.active, member.left_at = False, call.now
    await call.audit("member.left")
    await call.emit(MemberLeft(lab_id=lab.id, person_id=call.person.id))
    return call.publish(lambda: Card((Text(_("*{display_name}* left {name}.").format(
        display_name=call.person.display_name, name=lab.name)),),
                              fallback=_("{display_name} left {name}.").format(
                                  display_name=call.person.display_name, name=lab.name)))
