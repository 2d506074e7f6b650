from __future__ import annotations

from bot.domain.lab import (
    Role,
    counted_members,
    has_role,
    leave_refusal,
    limit_refusal,
    role_change_refusal,
)


def test_a_facilitator_can_do_what_a_secretary_can() -> None:
    assert has_role(Role.FACILITATOR, Role.SECRETARY)
    assert has_role(Role.SECRETARY, Role.SECRETARY)
    assert not has_role(Role.MEMBER, Role.SECRETARY)
    assert not has_role(Role.SECRETARY, Role.FACILITATOR)


def change(**kw: object) -> str | None:
    base: dict[str, object] = dict(
        actor_role=Role.FACILITATOR, target_is_actor=False, target_role=Role.MEMBER,
        new_role=Role.SECRETARY, facilitators=1,
    )
    base.update(kw)
    return role_change_refusal(**base)  # type: ignore[arg-type]


def test_only_facilitators_give_roles() -> None:
    assert change() is None
    assert "Only a facilitator" in (change(actor_role=Role.SECRETARY) or "")
    assert "Only a facilitator" in (change(actor_role=Role.MEMBER) or "")


def test_the_last_facilitator_cannot_step_down() -> None:
    refusal = change(target_is_actor=True, target_role=Role.FACILITATOR,
                     new_role=Role.MEMBER, facilitators=1)
    assert refusal is not None and "last facilitator" in refusal
    assert change(target_is_actor=True, target_role=Role.FACILITATOR, new_role=Role.MEMBER,
                  facilitators=2) is None


def test_a_role_someone_already_has_is_refused() -> None:
    assert "already a secretary" in (change(target_role=Role.SECRETARY) or "")


def test_the_last_facilitator_cannot_leave() -> None:
    assert leave_refusal(role=Role.FACILITATOR, facilitators=1)
    assert leave_refusal(role=Role.FACILITATOR, facilitators=2) is None
    assert leave_refusal(role=Role.MEMBER, facilitators=1) is None


def test_the_limit_counts_members_not_facilitators() -> None:
    roles = [Role.FACILITATOR] + [Role.MEMBER] * 5 + [Role.SECRETARY]
    assert counted_members(roles) == 6
    assert limit_refusal(roles=roles, limit=6) is not None
    assert limit_refusal(roles=roles[:-1], limit=6) is None
