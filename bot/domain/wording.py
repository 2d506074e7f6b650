"""Small rules of English the cards share."""

from __future__ import annotations

from fractions import Fraction


def plural(n: int | Fraction, word: str, many: str | None = None, *,
           shown: str | None = None) -> str:
    """"1 slot", "2 slots", "0 answers"; `many` for irregular plurals ("1 person", "2 people"),
    `shown` for how the number itself reads ("1,204" or "2.50")."""
    return f"{shown if shown is not None else n} {word if n == 1 else (many or word + 's')}"
