"""Small rules of English the cards share."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from fractions import Fraction

from bot.i18n import (
    NP_,
    SOURCE,
    _,
    current_locale,
    format_list,
    format_number,
    ngettext,
    pgettext,
)

# Every noun counted on a card, with its plural forms from the catalogs (Arabic has six), by
# its English singular. A noun not listed here is counted the English way.
NOUNS: dict[str, Callable[[int | Fraction], str]] = {
    "slot": lambda n: ngettext("{n} slot", "{n} slots", n),
    "minute": lambda n: ngettext("{n} minute", "{n} minutes", n),
    "hour": lambda n: ngettext("{n} hour", "{n} hours", n),
    "day": lambda n: ngettext("{n} day", "{n} days", n),
    "member": lambda n: ngettext("{n} member", "{n} members", n),
    "meeting": lambda n: ngettext("{n} meeting", "{n} meetings", n),
    "answer": lambda n: ngettext("{n} answer", "{n} answers", n),
    "yes answer": lambda n: ngettext("{n} yes answer", "{n} yes answers", n),
    "round": lambda n: ngettext("{n} round", "{n} rounds", n),
    "more round": lambda n: ngettext("{n} more round", "{n} more rounds", n),
    "ballot": lambda n: ngettext("{n} ballot", "{n} ballots", n),
    "blank ballot": lambda n: ngettext("{n} blank ballot", "{n} blank ballots", n),
    "continuing ballot": lambda n: ngettext("{n} continuing ballot", "{n} continuing ballots",
                                            n),
    "anonymised ballot": lambda n: ngettext("{n} anonymised ballot", "{n} anonymised ballots",
                                            n),
    "person": lambda n: ngettext("{n} person", "{n} people", n),
    "vote": lambda n: ngettext("{n} vote", "{n} votes", n),
    "seat": lambda n: ngettext("{n} seat", "{n} seats", n),
    "option": lambda n: ngettext("{n} option", "{n} options", n),
    "facilitator": lambda n: ngettext("{n} facilitator", "{n} facilitators", n),
}


def plural(n: int | Fraction, word: str, many: str | None = None, *,
           shown: str | None = None) -> str:
    """"1 slot", "2 slots", "0 answers" in the reader's language; `many` for irregular
    English plurals ("1 person", "2 people"), `shown` for how the number itself reads
    ("1,204" or "2.50")."""
    number = shown if shown is not None else (
        format_number(n) if isinstance(n, int) and current_locale() != SOURCE else n)
    counted = NOUNS.get(word)
    if counted is not None:
        return counted(n).format(n=number)
    return f"{number} {word if n == 1 else (many or word + 's')}"


def and_list(items: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C" in English (no serial comma, as the cards have always
    read); in another language its own way ("A, B et C", "A وB")."""
    items = list(items)
    if current_locale() != SOURCE:
        return format_list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def title_says_number(number: int, title: str) -> bool:
    """"Meeting 1" or "meeting #1" for meeting #1: the title names it already."""
    return re.fullmatch(rf"meeting\s*#?\s*0*{number}", title.strip(), re.IGNORECASE) is not None


def meeting_name(number: int, title: str, *, start: bool = False) -> str:
    """How a sentence names a meeting: its title alone when the title already says its
    number ("Meeting 1" for meeting #1, not "meeting #1, Meeting 1"), else the number and
    the title ("meeting #3 (Kick-off)"; `start`: "Meeting #3 (Kick-off)")."""
    if title_says_number(number, title):
        return title.strip()
    if start:
        return _("Meeting #{number} ({title})").format(number=number, title=title)
    return _("meeting #{number} ({title})").format(number=number, title=title)


# A member's role as a word in a sentence ("made Amara *secretary*"), by its stored value.
ROLE_WORDS = {
    "facilitator": NP_("role", "facilitator"),
    "secretary": NP_("role", "secretary"),
    "member": NP_("role", "member"),
    "reviewer": NP_("role", "reviewer"),
}


def role_word(role: str) -> str:
    """A role's name in the reader's language ("facilitator", "facilitadora"...); a value
    this table does not know is shown as it is."""
    word = ROLE_WORDS.get(str(role))
    return pgettext("role", word) if word else str(role)
