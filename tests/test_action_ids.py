from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.action_ids import ActionId, StaleActionId, decode, encode


def test_round_trip_with_an_argument_containing_colons() -> None:
    raw = encode("poll.answer", 12, "34:yes")
    assert raw == "al1:poll.answer:12:34:yes"
    assert decode(raw) == ActionId("poll.answer", "12", "34:yes")


@given(
    route=st.from_regex(r"[a-z][a-z0-9_]{0,10}(\.[a-z][a-z0-9_]{0,10})?", fullmatch=True),
    ref=st.from_regex(r"[A-Za-z0-9_\-.]{0,20}", fullmatch=True),
    arg=st.none() | st.text(max_size=30).filter(lambda s: "\n" not in s),
)
def test_everything_encoded_decodes_to_itself(route: str, ref: str, arg: str | None) -> None:
    try:
        raw = encode(route, ref, arg)
    except ValueError:
        return  # too long: refused at build time, never half-written
    assert len(raw) <= 100
    assert decode(raw) == ActionId(route, ref, arg)


@pytest.mark.parametrize("raw", ["", "al0:poll.answer:1", "hello", "al1:Bad Route:1", "al1"])
def test_foreign_or_old_ids_are_stale(raw: str) -> None:
    with pytest.raises(StaleActionId):
        decode(raw)


def test_ids_longer_than_discord_allows_are_refused() -> None:
    with pytest.raises(ValueError):
        encode("poll.answer", "1", "x" * 100)
