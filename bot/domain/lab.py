"""Lab rules: roles, who may change them, the member limit, and one-time link codes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from bot.i18n import _


class Role(StrEnum):
    FACILITATOR = "facilitator"
    SECRETARY = "secretary"
    MEMBER = "member"
    # The steering group: reads and scores applications and nothing else. Not a member's
    # role (no membership row has it): reviewers are kept in `lab_reviewers`.
    REVIEWER = "reviewer"


# Higher number, more rights; a facilitator can do what a secretary can.
_RANK = {Role.REVIEWER: -1, Role.MEMBER: 0, Role.SECRETARY: 1, Role.FACILITATOR: 2}


def has_role(role: Role, needed: Role) -> bool:
    """Whether someone with `role` may do what needs `needed`."""
    return _RANK[role] >= _RANK[needed]


def role_change_refusal(
    *, actor_role: Role, target_is_actor: bool, target_role: Role, new_role: Role,
    facilitators: int,
) -> str | None:
    """Why this role change is not allowed, or None if it is."""
    if actor_role is not Role.FACILITATOR:
        return _("Only a facilitator can give roles. Ask one of the lab's facilitators.")
    if new_role is Role.REVIEWER:
        return _("A reviewer is not a member of the lab. Add reviewers with "
                 "`/lab reviewer add <name>`.")
    if target_role is new_role:
        return _("They are already a {new_role}.").format(new_role=new_role)
    if target_role is Role.FACILITATOR and facilitators <= 1:
        if target_is_actor:
            return (
                _("You are the lab's last facilitator, so you cannot step down. Make someone "
                "else facilitator first (`/lab role <member> facilitator`).")
            )
        return _("The lab must keep at least one facilitator.")
    return None


def leave_refusal(*, role: Role, facilitators: int) -> str | None:
    """Why this member may not leave yet, or None."""
    if role is Role.FACILITATOR and facilitators <= 1:
        return (
            _("You are the lab's last facilitator. Make someone else facilitator first "
            "(`/lab role <member> facilitator`), then leave.")
        )
    return None


def awaits_acceptance(*, accepted_at: datetime, changed_at: datetime | None) -> bool:
    """Whether a member accepted the confidentiality commitment before its text last
    changed, and so has yet to accept the text as it is now."""
    return changed_at is not None and accepted_at < changed_at


def counted_members(roles: Iterable[Role]) -> int:
    """Members who count against the limit: everyone but the facilitators who convene it."""
    return sum(1 for r in roles if r is not Role.FACILITATOR)


def limit_refusal(*, roles: Iterable[Role], limit: int) -> str | None:
    if counted_members(roles) >= limit:
        return (
            _("This lab is full: it has its {limit} members. A facilitator can raise the limit, "
            "or someone can make room by leaving.").format(limit=limit)
        )
    return None


def limit_change_refusal(*, limit: int, counted: int) -> str | None:
    """Why the member limit may not become `limit` with `counted` members, or None."""
    if limit < counted:
        return _("The lab already has {counted} members; the limit cannot go below that.").format(
            counted=counted)
    return None


# --- one-time link codes ---------------------------------------------------------------------


class LinkPurpose(StrEnum):
    """What a link code does (stored as today's strings in `channel_links.purpose`)."""

    CHANNEL = "channel"  # binds another channel to a lab
    PERSON = "person"  # makes another account act as the person who made the code


def normal_code(code: str) -> str:
    """A code as typed, without spaces or dashes, in capitals."""
    return "".join(code.split()).replace("-", "").upper()


def code_hash(code: str) -> str:
    """What is stored of a code: the SHA-256 of the code as shown (case and spaces aside)."""
    return hashlib.sha256(normal_code(code).encode("utf-8")).hexdigest()


def spent_refusal(*, used_at: datetime | None, expires_at: datetime, now: datetime,
                  new_one: str) -> str | None:
    """Why a code found among those made lately no longer works, or None if it does."""
    if used_at is not None:
        return _("That code has been used already; a code works once. {new_one}").format(
            new_one=new_one)
    if expires_at <= now:
        return _("That code has expired (codes last 30 minutes). {new_one}").format(
            new_one=new_one)
    return None
