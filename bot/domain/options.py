"""A vote option's case: the description members read before they rank, pure.

An option is named in a few words (at most `OPTION_LENGTH`, see `bot.domain.tally.rules`) and
may carry a description of up to `DESCRIPTION_LENGTH` characters of Markdown-lite (*bold*,
_italic_, `code`, bullet lines). Where a platform has only a line beside the name (a Slack
option's description, a Discord select option's description, both at most 75 characters),
the option shows its `summary`: the first sentence of the description, marks removed, cut to
fit. The full text is one click away ("Read the options").
"""

from __future__ import annotations

import re

from bot.i18n import _

DESCRIPTION_LENGTH = 3000  # as much as one form field takes on Slack
SUMMARY_LENGTH = 75  # Slack's option description; Discord's select description allows 100
# "Name | what it is" on one line: the name, then its description.
SEPARATOR = " | "
_MARKS = re.compile(r"[*_`]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s")


class DescriptionProblem(ValueError):
    """A description that cannot be stored; the message says what to do instead."""


def split_option(text: str) -> tuple[str, str | None]:
    """`"Research | Summaries of existing research"` -> the name and its description (None
    without the separator). Only the first separator splits: a description may hold more."""
    name, sep, rest = text.partition(SEPARATOR)
    return name.strip(), (rest.strip() or None) if sep else None


def check_description(label: str, description: str | None) -> str | None:
    """The description with spare blank lines and trailing spaces removed; None if empty.
    Raises DescriptionProblem over `DESCRIPTION_LENGTH`."""
    if description is None:
        return None
    lines = [line.rstrip() for line in description.strip().splitlines()]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not cleaned:
        return None
    if len(cleaned) > DESCRIPTION_LENGTH:
        raise DescriptionProblem(
            _("The description of `{value}` is {count} characters; at most "
            "{DESCRIPTION_LENGTH} fit. Shorten it, or link to a longer text.").format(
                value=label[:40], count=len(cleaned), DESCRIPTION_LENGTH=DESCRIPTION_LENGTH)
        )
    return cleaned


def summary(description: str | None, limit: int = SUMMARY_LENGTH) -> str | None:
    """The first sentence of `description`, Markdown marks removed, cut to `limit` with an
    ellipsis; None without a description."""
    if not description:
        return None
    first = description.strip().split("\n\n", 1)[0]
    plain = " ".join(_MARKS.sub("", first).replace("•", " ").split()).lstrip("-– ")
    sentence = _SENTENCE.split(plain, 1)[0]
    if len(sentence) <= limit:
        return sentence or None
    return sentence[: max(0, limit - 1)].rstrip() + "…"
