"""Who is in a lab (roles, zones, local time now) and giving a member a role."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from bot.arguments import Args, Complete, Pos
from bot.domain.lab import Role, counted_members, role_change_refusal
from bot.domain.wording import plural
from bot.domain.zones import format_local
from bot.errors import PermissionDenied
from bot.features.common import find_member, paginate
from bot.features.lab.language import spoken_by
from bot.i18n import N_, _, ngettext
from bot.messages import Block, Card, Context, Header, Reply, Text
from bot.router import Call, Router

router = Router()


# --- members ------------------------------------------------------------------------------

MEMBERS_PER_PAGE = 20


async def _members_card(call: Call[Any], page: int) -> Card:
    lab = call.the_lab
    members = await call.uow.members.active(lab.id)
    counted = counted_members(m.role for m in members)
    lines = []
    for m in members:
        zone = m.person.timezone
        if zone:
            when = format_local(call.now, zone, name=False)
            local = _("{zone} · now {when}").format(zone=zone, when=when)
        else:
            local = _("time zone not set")
        speaks = spoken_by(m.person, lab)
        lines.append(f"• *{m.person.display_name}* — {m.role.value} · {local}"
                     + (f" · {speaks}" if speaks else ""))
    blocks: list[Block] = [Header(_("Members of {name}").format(name=lab.name))]
    blocks += paginate(lines, page=page, per_page=MEMBERS_PER_PAGE, route="lab.members",
                       ref=lab.id, noun="members")
    facilitators = len(members) - counted
    # The same people a vote's turnout counts: facilitators vote too, but do not take one
    # of the lab's member places.
    blocks.append(Context(
        ngettext("{people} in the lab: {counted} of {member_limit} members (the lab's limit) "
                 "and {facilitators}, who votes too. Times are each member's own local time "
                 "now.",
                 "{people} in the lab: {counted} of {member_limit} members (the lab's limit) "
                 "and {facilitators}, who vote too. Times are each member's own local time "
                 "now.", facilitators).format(
            people=plural(len(members), 'person', 'people'), counted=counted,
            member_limit=lab.member_limit, facilitators=plural(facilitators, 'facilitator'))
    ))
    return Card(tuple(blocks), fallback=_("{count} people in {name}").format(
        count=len(members), name=lab.name))


@router.command("members", topic="lab", open_when_archived=True,
                summary=N_("Who is in the lab: roles, time zones and local time now."))
async def members(call: Call[Any]) -> Reply:
    return Reply(card=await _members_card(call, 1))


@router.action("lab.members", scope="lab", open_when_archived=True)
async def members_page(call: Call[Any]) -> Reply:
    return Reply(card=await _members_card(call, call.page), replace=True)


# --- roles ---------------------------------------------------------------------------------


class RoleArgs(Args):
    member: Annotated[str, Pos("member", greedy=True), Complete("member")]
    # A member's roles only: reviewers are not members (`/lab reviewer add`).
    role: Annotated[Literal["facilitator", "secretary", "member"], Pos()]


@router.command(
    "role", args=RoleArgs, access="facilitator", topic="lab",
    summary=N_("Give a member a role: facilitator, secretary or member."),
    examples=("/lab role Priya secretary",),
)
async def role(call: Call[RoleArgs]) -> Reply:
    lab = call.the_lab
    new_role = Role(call.args.role)
    target = await find_member(call, call.args.member)
    facilitators = sum(
        1 for m in await call.uow.members.active(lab.id) if m.role is Role.FACILITATOR
    )
    refusal = role_change_refusal(
        actor_role=call.the_member.role, target_is_actor=target.person_id == call.person.id,
        target_role=target.role, new_role=new_role, facilitators=facilitators,
    )
    if refusal:
        raise PermissionDenied(refusal)
    before = target.role
    target.role = new_role
    await call.audit("member.role", member=target.person_id, before=before.value,
                     after=new_role.value)
    who = target.person.display_name
    with call.in_lab_language():  # posted in the channel
        text = _("{display_name} made *{who}* {value} of {name}.").format(
            display_name=call.person.display_name, who=who, value=new_role.value,
            name=lab.name)
    return call.publish(Card((Text(text),), fallback=text))
