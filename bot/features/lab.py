"""The lab itself: set up, join (after the confidentiality commitment), leave, members,
roles, time zones and the lab's settings."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos, Rest
from bot.domain.lab import Role, leave_refusal, limit_refusal, role_change_refusal
from bot.domain.when import format_window, parse_days, parse_window
from bot.domain.zones import complete_zones, format_local, require_zone, zone_abbreviation
from bot.errors import Conflict, NotFound, PermissionDenied, UserError
from bot.events import MemberJoined, MemberLeft
from bot.features.common import find_member, page_buttons, paginate
from bot.identity import set_zone
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Context,
    Fields,
    Header,
    Reply,
    Text,
)
from bot.router import Call, Router, require_role
from bot.zone_picker import zone_picker_card
from storage.models import ChannelLink, Lab, Membership

router = Router()

# The zone picker card moved to bot/zone_picker.py; its old name, still imported by tests.
tz_picker = zone_picker_card


def _zone_or_none(value: str | None) -> str | None:
    return None if value is None else require_zone(value)


def _window(value: str | None) -> str | None:
    if value is not None:
        parse_window(value)
    return value


def _days(value: str | None) -> str | None:
    if value is not None:
        parse_days(value)
    return value


ZoneCheck = AfterValidator(_zone_or_none)


# --- setup ---------------------------------------------------------------------------------


class SetupArgs(Args):
    name: Annotated[str, Rest("name"), Field(min_length=1, max_length=100)]


@router.command(
    "setup", args=SetupArgs, access="anyone", topic="lab", in_direct=False,
    summary="Start a lab in this channel; you become its facilitator.",
    examples=('/lab setup "Action Lab 1"',),
)
async def setup(call: Call[SetupArgs]) -> Reply:
    if call.place.direct:
        raise UserError("Set up a lab in a channel the members share, not in a direct message.")
    if call.lab is not None:
        raise Conflict(
            f"This channel already has a lab: {call.lab.name}. Type `/lab members` to see who "
            "is in it, or set up a new lab in another channel."
        )
    defaults = call.ctx.settings.lab
    start, end = defaults.window_times
    name = call.args.name.strip().strip('"“”')
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
            Header(f"{name} is set up"),
            Text(
                f"{call.person.display_name} is facilitating. Members: type `/lab join` to "
                "read the confidentiality commitment and join."
            ),
            Fields((
                ("Members", f"up to {lab.member_limit}"),
                ("Meeting window",
                 f"{format_window(start, end)} {lab.timezone}, {lab.days}"),
            )),
            Context("Facilitators can change this with `/lab settings`."),
        ),
        fallback=f"{name} is set up in this channel.",
    )
    return Reply(card=card, private=False)


# --- join and accept ------------------------------------------------------------------------


def _commitment_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@router.command("join", access="lab", topic="lab",
                summary="Read the confidentiality commitment and join the lab.")
async def join(call: Call[Any]) -> Reply:
    lab = call.the_lab
    if call.member is not None:
        raise Conflict(f"You are already a member of {lab.name}.")
    roles = [m.role for m in await call.uow.members.active(lab.id)]
    refusal = limit_refusal(roles=roles, limit=lab.member_limit)
    if refusal:
        raise Conflict(refusal)
    card = Card(
        (
            Header(f"Join {lab.name}"),
            Text(lab.commitment),
            Context("Membership counts once you accept. You can leave at any time with "
                    "`/lab leave`."),
            Buttons((
                Button("I accept and join", action_ids.encode("lab.accept", lab.id),
                       style="primary"),
            )),
        ),
        fallback=f"Join {lab.name}: accept the confidentiality commitment.",
    )
    return Reply(card=card)


# Access "lab": pressed in one of the lab's channels (the router refuses it anywhere else,
# a direct message included, as a stale control), by someone who need not be a member yet.
@router.action("lab.accept", scope="lab", access="lab")
async def accept(call: Call[Any]) -> Reply:
    lab = call.the_lab
    existing = await call.uow.members.get(lab.id, call.person.id)
    if existing is not None and existing.active:
        raise Conflict(f"You are already a member of {lab.name}.")
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
    counted = sum(1 for m in members if m.role is not Role.FACILITATOR) + 1
    call.announce(Card(
        (Text(f"*{call.person.display_name}* joined {lab.name} "
              f"({counted} of {lab.member_limit} members)."),),
        fallback=f"{call.person.display_name} joined {lab.name}.",
    ))
    zone_hint = (
        f"Times are shown in your zone, {call.person.timezone}."
        if call.person.timezone else
        f"Times are shown in the lab's zone, {lab.timezone}, until you choose yours with "
        "`/lab tz <zone>` (e.g. `/lab tz Africa/Lagos`)."
    )
    return Reply(
        card=Card((Header(f"Welcome to {lab.name}"), Text(zone_hint),
                   Context("Type `/lab help` to see what you can do.")),
                  fallback=f"Welcome to {lab.name}"),
        replace=True,
    )


# --- leave ------------------------------------------------------------------------------


@router.command("leave", topic="lab", summary="Leave the lab.")
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
    return call.publish(Card((Text(f"*{call.person.display_name}* left {lab.name}."),),
                              fallback=f"{call.person.display_name} left {lab.name}."))


# --- members ------------------------------------------------------------------------------

MEMBERS_PER_PAGE = 20


async def _members_card(call: Call[Any], page: int) -> Card:
    lab = call.the_lab
    members = await call.uow.members.active(lab.id)
    counted = sum(1 for m in members if m.role is not Role.FACILITATOR)
    lines = []
    for m in members:
        zone = m.person.timezone
        if zone:
            when = format_local(call.now, zone, name=False)
            local = f"{zone} · now {when}"
        else:
            local = "time zone not set"
        lines.append(f"• *{m.person.display_name}* — {m.role.value} · {local}")
    blocks: list[Block] = [Header(f"Members of {lab.name}")]
    blocks += paginate(lines, page=page, per_page=MEMBERS_PER_PAGE, route="lab.members",
                       ref=lab.id, noun="members")
    blocks.append(Context(
        f"{counted} of {lab.member_limit} members, plus facilitators. Times are each "
        "member's own local time now."
    ))
    return Card(tuple(blocks), fallback=f"{len(members)} people in {lab.name}")


@router.command("members", topic="lab",
                summary="Who is in the lab: roles, time zones and local time now.")
async def members(call: Call[Any]) -> Reply:
    return Reply(card=await _members_card(call, 1))


@router.action("lab.members", scope="lab")
async def members_page(call: Call[Any]) -> Reply:
    return Reply(card=await _members_card(call, call.page), replace=True)


# --- roles ---------------------------------------------------------------------------------


class RoleArgs(Args):
    member: Annotated[str, Pos("member", greedy=True), Complete("member")]
    role: Annotated[Role, Pos()]


@router.command(
    "role", args=RoleArgs, access="facilitator", topic="lab",
    summary="Give a member a role: facilitator, secretary or member.",
    examples=("/lab role Priya secretary",),
)
async def role(call: Call[RoleArgs]) -> Reply:
    lab = call.the_lab
    target = await find_member(call, call.args.member)
    facilitators = sum(
        1 for m in await call.uow.members.active(lab.id) if m.role is Role.FACILITATOR
    )
    refusal = role_change_refusal(
        actor_role=call.the_member.role, target_is_actor=target.person_id == call.person.id,
        target_role=target.role, new_role=call.args.role, facilitators=facilitators,
    )
    if refusal:
        raise PermissionDenied(refusal)
    before = target.role
    target.role = call.args.role
    await call.audit("member.role", member=target.person_id, before=before.value,
                     after=call.args.role.value)
    who = target.person.display_name
    text = f"{call.person.display_name} made *{who}* {call.args.role.value} of {lab.name}."
    return call.publish(Card((Text(text),), fallback=text))


# --- time zones -------------------------------------------------------------------------------


class TzArgs(Args):
    zone: Annotated[str | None, Pos("zone"), ZoneCheck, Complete("zone")] = None


@router.command(
    "tz", args=TzArgs, access="anyone", topic="lab",
    summary="See or set your time zone (an IANA name such as Africa/Lagos).",
    examples=("/lab tz America/Sao_Paulo", "/lab tz"),
)
async def tz(call: Call[TzArgs]) -> Reply:
    person = call.person
    if call.args.zone is None:
        if person.timezone is None:
            return Reply.say(
                "You have not set a time zone. Set one with `/lab tz <zone>`, e.g. "
                "`/lab tz Asia/Kolkata`."
            )
        how = "you chose it" if person.timezone_source == "user" else "from your platform profile"
        return Reply.say(
            f"Your time zone is {person.timezone} ({how}); it is "
            f"{format_local(call.now, person.timezone)} for you now."
        )
    before = person.timezone
    await set_zone(call.ctx, call.uow, person, call.args.zone, source="user", now=call.now)
    await call.audit("person.timezone", before=before, after=call.args.zone)
    abbr = zone_abbreviation(call.now, call.args.zone)
    moved = (" Reminders that follow your clock (action items at 09:00, repeating reminders, "
             "quiet hours) now follow this one." if before not in (None, call.args.zone) else "")
    return Reply.say(
        f"Your time zone is now {call.args.zone} ({abbr}). It is "
        f"{format_local(call.now, call.args.zone, name=False)} there now; every time I show "
        f"you will be in this zone.{moved}"
    )


@router.action("lab.tz", scope="none")
async def tz_picked(call: Call[Any]) -> Reply:
    if not call.values:
        raise UserError("Choose a zone from the menu, or type `/lab tz <zone>`.")
    zone = require_zone(call.values[0])
    before = call.person.timezone
    await set_zone(call.ctx, call.uow, call.person, zone, source="user", now=call.now)
    await call.audit("person.timezone", before=before, after=zone)
    return Reply(card=Card((Text(
        f"Your time zone is now {zone}. It is {format_local(call.now, zone, name=False)} "
        "there now; every time I show you will be in this zone."),)), replace=True)


# --- lab settings ------------------------------------------------------------------------------


class SettingsArgs(Args):
    name: Annotated[str | None, Kw("name"), Field(min_length=1, max_length=100)] = None
    tz: Annotated[str | None, Kw("zone"), ZoneCheck, Complete("zone")] = None
    window: Annotated[str | None, Kw("HH:MM-HH:MM", words=1), AfterValidator(_window)] = None
    days: Annotated[str | None, Kw("mon-fri", words=1), AfterValidator(_days)] = None
    limit: Annotated[int | None, Kw("number", words=1), Field(ge=1, le=500)] = None
    commitment: Annotated[str | None, Kw("text"), Field(min_length=1, max_length=2000)] = None


@router.command(
    "settings", args=SettingsArgs, access="facilitator", topic="lab",
    summary="See or change the lab's name, home zone, meeting window, days and member limit.",
    examples=("/lab settings window 09:00-18:00 tz Europe/London limit 6",),
)
async def settings(call: Call[SettingsArgs]) -> Reply:
    lab, a = call.the_lab, call.args
    changes: dict[str, Any] = {}
    if a.name is not None:
        changes["name"] = a.name
    if a.tz is not None:
        changes["timezone"] = a.tz
    if a.window is not None:
        start, end = parse_window(a.window)
        changes["window_start"], changes["window_end"] = start, end
    if a.days is not None:
        changes["days"] = a.days
    if a.commitment is not None:
        changes["commitment"] = a.commitment
    if a.limit is not None:
        counted = sum(1 for m in await call.uow.members.active(lab.id)
                      if m.role is not Role.FACILITATOR)
        if a.limit < counted:
            raise Conflict(
                f"The lab already has {counted} members; the limit cannot go below that."
            )
        changes["member_limit"] = a.limit
    for key, value in changes.items():
        setattr(lab, key, value)
    if changes:
        await call.audit("lab.settings", **{k: str(v) for k, v in changes.items()})
    card = Card((
        Header(f"Settings of {lab.name}"),
        Fields((
            ("Home time zone", lab.timezone),
            ("Meeting window", f"{format_window(lab.window_start, lab.window_end)} "
                               f"({lab.timezone})"),
            ("Meeting days", lab.days),
            ("Member limit", str(lab.member_limit)),
        )),
        Text(f"*Confidentiality commitment*\n{lab.commitment}"),
        Context("Changed: " + ", ".join(sorted(changes)) if changes else
                "Change with e.g. `/lab settings window 10:00-17:00 limit 8`."),
    ), fallback=f"Settings of {lab.name}")
    return Reply(card=card)


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
CHANNEL, PERSON = "channel", "person"


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def code_hash(code: str) -> str:
    """What is stored of a code: the SHA-256 of the code as shown (case and spaces aside)."""
    return hashlib.sha256(_normal(code).encode("utf-8")).hexdigest()


async def _new_code(call: Call[Any], purpose: str, lab_id: int | None) -> str:
    await call.uow.labs.prune_links(call.now - LINK_MEMORY)
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))
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
    if found.used_at is not None:
        raise Conflict(f"That code has been used already; a code works once. {new_one}")
    if found.expires_at <= call.now:
        raise Conflict(f"That code has expired (codes last 30 minutes). {new_one}")


NEW_CHANNEL_CODE = "Type `/lab link` in the lab's channel for a new one."
NEW_PERSONAL_CODE = "Type `/lab link me` on your other account for a new one."


class LinkArgs(Args):
    code: Annotated[str | None, Pos("code"), Field(max_length=16)] = None


@router.command(
    "link", args=LinkArgs, access="anyone", topic="lab", in_direct=False,
    summary="Bind another channel, on Slack, Discord or here, to this lab (facilitators): "
            "`/lab link` in the lab's channel, then `/lab link <code>` in the other.",
    examples=("/lab link", "/lab link K7Q2XM4P"),
)
async def link(call: Call[LinkArgs]) -> Reply:
    if call.args.code is None:
        return await _issue_link(call)
    return await _use_link(call, call.args.code)


async def _issue_link(call: Call[LinkArgs]) -> Reply:
    lab = call.the_lab
    await require_role(call, Role.FACILITATOR, what="bind channels to the lab")
    code = await _new_code(call, CHANNEL, lab.id)
    await call.audit("lab.link.issued")  # the code itself stays out of the log
    return Reply.say(
        f"In the other channel (on Slack, Discord or the console), type `/lab link {code}` "
        f"within 30 minutes. It binds that channel to {lab.name}. Only you can use it: "
        "from this account, or from one you have linked to it with `/lab link me`. "
        "Keep the code to yourself."
    )


async def _use_link(call: Call[LinkArgs], code: str) -> Reply:
    if call.place.direct:
        raise UserError("Link a channel the members share, not a direct message.")
    if call.lab is not None:
        raise Conflict(f"This channel already belongs to {call.lab.name}.")
    found = await _find_code(call, code)
    if found is None:
        raise NotFound(
            "That is not a link code I gave out. Codes look like `K7Q2XM4P`: a facilitator "
            "gets one by typing `/lab link` in the lab's channel."
        )
    if found.purpose != CHANNEL:
        raise UserError("That is a personal code, for linking your own accounts: type "
                        "`/lab link me <code>` with it instead.")
    _refuse_spent(found, call, NEW_CHANNEL_CODE)
    # Bound to the person who made it: anyone else holding it binds nothing, learns nothing.
    if call.person.id != found.person_id:
        raise PermissionDenied(
            "Only the facilitator who made that code can use it, from their own account or "
            "one linked to it. If the code is yours, link this account first: `/lab link me` "
            "on the account you made it with, then `/lab link me <code>` here."
        )
    lab = await call.uow.labs.get(found.lab_id) if found.lab_id is not None else None
    if lab is None:
        raise NotFound("The lab that code belongs to no longer exists.")
    member = await call.uow.members.get(lab.id, call.person.id)
    if member is None or not member.active or member.role is not Role.FACILITATOR:
        raise PermissionDenied("Only a facilitator of the lab can bind a channel to it, and "
                               "you no longer are one.")
    await call.uow.labs.bind(lab.id, call.place.platform, call.place.workspace,
                             call.place.channel, call.now)
    found.used_at = call.now
    call.lab, call.member = lab, member
    await call.audit("lab.channel.linked", platform=call.place.platform,
                     channel=call.place.channel)
    text = (f"This {call.place.platform} channel is now part of *{lab.name}*: its members, "
            "polls, votes and minutes are shared with the lab's other channels.")
    return call.publish(Card((Text(text),), fallback=text))


class LinkMeArgs(Args):
    code: Annotated[str | None, Pos("code"), Field(max_length=16)] = None


@router.command(
    "link me", args=LinkMeArgs, access="anyone", topic="lab",
    summary="Be one person on several accounts (Slack and Discord): `/lab link me` on one, "
            "then `/lab link me <code>` on the other.",
    examples=("/lab link me", "/lab link me K7Q2XM4P"),
)
async def link_me(call: Call[LinkMeArgs]) -> Reply:
    if call.args.code is None:
        code = await _new_code(call, PERSON, None)
        await call.audit("identity.link.issued")  # the code itself stays out of the log
        return Reply.say(
            f"On your other account (Slack, Discord or the console), type `/lab link me {code}`"
            " within 30 minutes, anywhere the bot is. That account then acts as you, "
            f"{call.person.display_name}, everywhere: your labs, roles, ballots and reminders. "
            "Only ever use it yourself: whoever types it becomes you."
        )
    return await _use_personal_code(call, call.args.code)


async def _use_personal_code(call: Call[LinkMeArgs], code: str) -> Reply:
    found = await _find_code(call, code)
    if found is None:
        raise NotFound("That is not a link code I gave out. Type `/lab link me` on your "
                       "other account to get one.")
    if found.purpose != PERSON:
        raise UserError("That code binds a channel to a lab, not an account to a person: type "
                        "`/lab link <code>` in the channel to bind.")
    _refuse_spent(found, call, NEW_PERSONAL_CODE)
    if found.person_id == call.person.id:
        raise Conflict("This account already acts as the person who made that code: there is "
                       "nothing to link.")
    if await call.uow.members.labs_of(call.person.id):
        raise Conflict(
            "This account is a member of a lab as a person of its own, so it cannot become "
            "another one. Leave its labs first (`/lab leave`), or link the other way round: "
            "`/lab link me` here, and the code on your other account."
        )
    identity = await call.uow.people.identity(
        call.actor.platform, call.actor.workspace, call.actor.user_id
    )
    maker = await call.uow.people.get(found.person_id)
    if identity is None or maker is None:
        raise NotFound("The person who made that code no longer exists.")
    identity.person_id = maker.id
    found.used_at = call.now
    call.person = maker
    await call.uow.flush()
    await call.audit("identity.linked", platform=call.actor.platform)
    return Reply.say(f"This account now acts as {maker.display_name}, everywhere.")


# --- audit log ------------------------------------------------------------------------------

AUDIT_PER_PAGE = 15


class AuditArgs(Args):
    page: Annotated[int, Pos("page"), Field(ge=1, le=100000)] = 1


async def _audit_card(call: Call[Any], page: int) -> Card:
    lab = call.the_lab
    entries, total = await call.uow.audit.page(
        lab.id, offset=(page - 1) * AUDIT_PER_PAGE, limit=AUDIT_PER_PAGE
    )
    pages = max(1, -(-total // AUDIT_PER_PAGE))
    names = await call.uow.people.names([e.actor_id for e in entries if e.actor_id])
    lines = []
    for entry in entries:
        who = names.get(entry.actor_id or 0, "the bot")
        when = format_local(entry.at, call.zone, name=False)
        detail = ", ".join(f"{k}={v}" for k, v in sorted(entry.detail.items()))
        lines.append(f"• {when} · {who} · `{entry.action}`" + (f" ({detail})" if detail else ""))
    blocks: list[Block] = [Header(f"Audit log of {lab.name}")]
    blocks += paginate(lines or ["Nothing recorded yet."], page=1, per_page=AUDIT_PER_PAGE,
                       route="lab.audit", ref=lab.id)
    blocks.append(Context(f"Newest first · page {min(page, pages)} of {pages} · {total} "
                          f"entries · times in {call.zone}. Entries are never changed or "
                          "deleted."))
    if pages > 1:
        blocks.append(page_buttons("lab.audit", lab.id, min(page, pages), pages))
    return Card(tuple(blocks), fallback=f"Audit log of {lab.name}")


@router.command("audit", args=AuditArgs, access="facilitator", topic="lab",
                summary="The lab's audit log: who did what, when, newest first.")
async def audit(call: Call[AuditArgs]) -> Reply:
    return Reply(card=await _audit_card(call, call.args.page))


@router.action("lab.audit", scope="lab", access="facilitator")
async def audit_page(call: Call[Any]) -> Reply:
    return Reply(card=await _audit_card(call, call.page), replace=True)


# --- autocomplete ------------------------------------------------------------------------------


@router.completer("zone")
async def complete_zone(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    return [(z, z) for z in complete_zones(typed)]


@router.completer("member")
async def complete_member(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    text = typed.strip().casefold()
    names = [m.person.display_name for m in await call.uow.members.active(call.lab.id)]
    return [(n, n) for n in names
            if not text or any(w.startswith(text) for w in n.casefold().split())][:25]
