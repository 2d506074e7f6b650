"""Small rules of English the cards share."""

from __future__ import annotations

import re
from fractions import Fraction


def plural(n: int | Fraction, word: str, many: str | None = None, *,
           shown: str | None = None) -> str:
    """"1 slot", "2 slots", "0 answers"; `many` for irregular plurals ("1 person", "2 people"),
    `shown` for how the number itself reads ("1,204" or "2.50")."""
    return f"{shown if shown is not None else n} {word if n == 1 else (many or word + 's')}"


def title_says_number(number: int, title: str) -> bool:
    """"Meeting 1" or "meeting #1" for meeting #1: the title names it already."""
    return re.fullmatch(rf"meeting\s*#?\s*0*{number}", title.strip(), re.IGNORECASE) is not None


def meeting_name(number: int, title: str, *, start: bool = False) -> str:
    """How a sentence names a meeting: its title alone when the title already says its
    number ("Meeting 1" for meeting #1, not "meeting #1, Meeting 1"), else the number and
    the title ("meeting #3 (Kick-off)"; `start`: "Meeting #3 (Kick-off)")."""
    if title_says_number(number, title):
        return title.strip()
    return f"{'M' if start else 'm'}eeting #{number} ({title})"
