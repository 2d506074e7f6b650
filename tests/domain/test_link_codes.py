"""The pure rules moved out of the lab feature: link codes and a lowered member limit."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from bot.domain.lab import (
    LinkPurpose,
    code_hash,
    limit_change_refusal,
    normal_code,
    spent_refusal,
)
from bot.domain.zones import ZoneSource

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_code_is_read_whatever_its_case_spaces_and_dashes() -> None:
    assert normal_code(" k7q2-xm4p ") == "K7Q2XM4P"
    assert normal_code("K7Q2 XM4P") == "K7Q2XM4P"
    assert code_hash("k7q2-xm4p") == code_hash("K7Q2XM4P") == \
        hashlib.sha256(b"K7Q2XM4P").hexdigest()
    assert code_hash("K7Q2XM4P") != code_hash("K7Q2XM4Q")


def test_a_code_works_once_and_until_it_expires() -> None:
    later = NOW + timedelta(minutes=30)
    assert spent_refusal(used_at=None, expires_at=later, now=NOW, new_one="Ask again.") is None
    used = spent_refusal(used_at=NOW, expires_at=later, now=NOW, new_one="Ask again.")
    assert used == "That code has been used already; a code works once. Ask again."
    expired = spent_refusal(used_at=None, expires_at=NOW, now=NOW, new_one="Ask again.")
    assert expired == "That code has expired (codes last 30 minutes). Ask again."


def test_the_limit_cannot_go_below_the_members_there_are() -> None:
    assert limit_change_refusal(limit=6, counted=6) is None
    assert limit_change_refusal(limit=7, counted=6) is None
    assert limit_change_refusal(limit=5, counted=6) == (
        "The lab already has 6 members; the limit cannot go below that.")


def test_typed_states_are_stored_as_the_strings_of_old() -> None:
    assert [p.value for p in LinkPurpose] == ["channel", "person"]
    assert [s.value for s in ZoneSource] == ["user", "platform"]
    assert LinkPurpose.CHANNEL == "channel" and ZoneSource.USER == "user"
