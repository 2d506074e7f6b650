"""Small builders for hand-worked elections."""

from __future__ import annotations

from typing import Any

from bot.domain.tally import Election, Result, count, parse


def election(method: str, candidates: str, *groups: tuple[str, int], seats: int = 1,
             **extra: Any) -> Election:
    """`election("irv", "ABC", ("AB", 3), ("C", 2))`: one letter per candidate."""
    return parse({
        "method": method, "seats": seats, "candidates": list(candidates),
        "ballots": [{"ranking": list(r), "count": n} for r, n in groups], **extra,
    })


def tally(method: str, candidates: str, *groups: tuple[str, int], seats: int = 1,
          **extra: Any) -> Result:
    return count(election(method, candidates, *groups, seats=seats, **extra))
