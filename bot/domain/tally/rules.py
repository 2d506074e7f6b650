"""The rules of a vote as people type it: its options, its close time, and a ranking given
as option numbers or names (case-insensitive, a unique start of a name is enough)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.tally.election import MAX_CANDIDATES
from bot.domain.when import too_far_ahead
from bot.domain.zones import Occurs, format_local, format_span, wall_time, zone_abbreviation
from bot.i18n import _, localizes_dates
from bot.i18n import ordinal as i18n_ordinal

MIN_OPTIONS = 2
OPTION_LENGTH = 150
_CLOSE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})\s*$")


class RankingProblem(ValueError):
    """A ranking, option list or close time that cannot be used; the message says why."""


def ordinal(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 22 -> "22nd" in English; in the reader's
    language otherwise ("1er", "1.º", "1ª", "الأول"), through the catalogs."""
    if not localizes_dates():  # English, and the pseudo-locale: exactly as always
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    return i18n_ordinal(n)


def choice(n: int) -> str:
    """A place in a ranking: "1st choice", "1er choix", "الخيار الأول"."""
    return _("{ordinal} choice").format(ordinal=ordinal(n))


def numbered(options: Sequence[str]) -> str:
    """"1 Research, 2 Case studies", for messages that list the options."""
    return ", ".join(f"{i} {o}" for i, o in enumerate(options, 1))


def check_options(options: Sequence[str]) -> list[str]:
    """The options cleaned of spare spaces; 2 to 20 of them, all different."""
    cleaned = [" ".join(o.split()) for o in options]
    if any(not o for o in cleaned):
        raise RankingProblem(_("An option is empty. Give each option some words."))
    if len(cleaned) < MIN_OPTIONS:
        raise RankingProblem(
            _("A vote needs at least {MIN_OPTIONS} options; you gave {count}. List "
            'them after `options`, each in quotes: `options "First" "Second"`.').format(
                MIN_OPTIONS=MIN_OPTIONS, count=len(cleaned))
        )
    if len(cleaned) > MAX_CANDIDATES:
        raise RankingProblem(
            _("A vote can offer at most {MAX_CANDIDATES} options; you gave {count}. "
            "Merge or drop some, or hold two votes.").format(
                MAX_CANDIDATES=MAX_CANDIDATES, count=len(cleaned))
        )
    for option in cleaned:
        if len(option) > OPTION_LENGTH:
            raise RankingProblem(
                _("The option `{value}…` is longer than {OPTION_LENGTH} characters; "
                "name it more briefly.").format(value=option[:40], OPTION_LENGTH=OPTION_LENGTH)
            )
    seen: dict[str, str] = {}
    for option in cleaned:
        key = option.casefold()
        if key in seen:
            raise RankingProblem(_("The option `{option}` is listed twice. List each once.").format(
                option=option))
        seen[key] = option
    if any(o.isdigit() for o in cleaned):
        raise RankingProblem(
            _("An option cannot be just a number: people rank by option numbers. "
            "Give it a name.")
        )
    return cleaned


def check_seats_for(seats: int, options: int, method: str) -> None:
    """Seats must leave at least one option out; IRV fills exactly one."""
    if seats < 1:
        raise RankingProblem(_("A vote fills at least 1 seat."))
    if seats >= options:
        raise RankingProblem(
            _("With {options} options, seats must be at most {value} (you asked for "
            "{seats}): a vote has to leave at least one option out.").format(
                options=options, value=options - 1, seats=seats)
        )
    if method == "irv" and seats != 1:
        raise RankingProblem(
            _("IRV fills one seat. For {seats} seats use `method stv` (proportional), or "
            "`method schulze` (the top options by Schulze).").format(seats=seats)
        )


def _split(words: Sequence[str]) -> list[list[str]]:
    """Words into runs that a name may span; commas and quoted words end a run."""
    runs: list[list[str]] = [[]]
    for word in words:
        if " " in word.strip():  # a quoted name arrives as one word with spaces
            runs += [[word.strip()], []]
            continue
        pieces = word.split(",")
        for k, piece in enumerate(pieces):
            if piece.strip():
                runs[-1].append(piece.strip())
            if k < len(pieces) - 1:
                runs.append([])
    return [r for r in runs if r]


def _match(text: str, options: Sequence[str]) -> list[int]:
    key = " ".join(text.split()).casefold()
    exact = [i for i, o in enumerate(options) if o.casefold() == key]
    if exact:
        return exact
    return [i for i, o in enumerate(options) if o.casefold().startswith(key)]


def resolve_ranking(words: Sequence[str], options: Sequence[str]) -> list[int]:
    """Option indices (0-based), best first, from numbers or names as typed.

    A name may run over several words ("case studies"); the longest run of words that names
    one option wins. Raises RankingProblem for an unknown number or name, an ambiguous start
    of a name, or an option ranked twice.
    """
    chosen: list[int] = []
    for run in _split(words):
        i = 0
        while i < len(run):
            word = run[i]
            if word.isdigit():
                number = int(word)
                if not 1 <= number <= len(options):
                    raise RankingProblem(
                        _("There is no option {number}: the options are numbered 1 to "
                        "{count} ({numbered}).").format(
                            number=number, count=len(options), numbered=numbered(options))
                    )
                chosen.append(number - 1)
                i += 1
                continue
            found: list[int] = []
            length = 0
            for j in range(len(run), i, -1):
                if any(w.isdigit() for w in run[i + 1:j]):
                    continue
                found = _match(" ".join(run[i:j]), options)
                if len(found) == 1:
                    length = j - i
                    break
            if len(found) != 1:
                found = _match(word, options)
                length = 1
            if not found:
                raise RankingProblem(
                    _("No option is called `{word}`. The options: {numbered}. Use "
                    "their numbers or names.").format(word=word, numbered=numbered(options))
                )
            if len(found) > 1:
                which = " or ".join(f"{k + 1} {options[k]}" for k in found)
                raise RankingProblem(
                    _("`{word}` could be {which}. Type more of the name, or its number.").format(
                        word=word, which=which)
                )
            chosen.append(found[0])
            i += length
    seen: dict[int, int] = {}
    for place, index in enumerate(chosen, 1):
        if index in seen:
            raise RankingProblem(
                _("You ranked {value} twice ({ordinal} and "
                "{ordinal2} choice). Rank each option at most once.").format(
                    value=options[index], ordinal=ordinal(seen[index]), ordinal2=ordinal(place))
            )
        seen[index] = place
    if not chosen:
        raise RankingProblem(
            _("Rank at least one option, best first, e.g. `2 4 1`. The options: "
            "{numbered}.").format(numbered=numbered(options))
        )
    return chosen


def parse_close(text: str, zone: str, now: datetime) -> datetime:
    """"2027-01-11 17:00" in `zone` -> the UTC moment; it must exist there and be ahead.

    Read by `wall_time`: a time that happens twice is the first of the two; one the clocks
    skip is refused, naming the moment it would be, since a vote's close is the whole lab's.
    """
    m = _CLOSE.match(text)
    if not m:
        raise RankingProblem(
            _("`{text}` is not a close time. Use `closes YYYY-MM-DD HH:MM` in your time zone "
            "({zone}), e.g. `closes 2027-01-11 17:00`.").format(text=text, zone=zone)
        )
    year, month, day, hour, minute = (int(g) for g in m.groups())
    try:
        naive = datetime(year, month, day, hour, minute)
    except ValueError:
        raise RankingProblem(_("`{strip}` is not a date and time that exists.").format(
            strip=text.strip())) from None
    far = too_far_ahead(naive.date(), now.astimezone(ZoneInfo(zone)).date())
    if far is not None:
        raise RankingProblem(far)
    wall = wall_time(naive.date(), naive.time(), zone)
    if wall.occurs is Occurs.NEVER:
        raise RankingProblem(
            _("{strip} does not happen in {zone}: the clocks go forward "
            "{format_span} then, so that moment is {local:%H:%M} "
            "{zone_abbreviation}. Write `closes "
            "{local:%Y-%m-%d %H:%M}` if you mean it, or pick another time.").format(
                strip=text.strip(), zone=zone, format_span=format_span(wall.shift),
                local=wall.local, zone_abbreviation=zone_abbreviation(wall.moment, zone))
        )
    moment = wall.moment
    if moment <= now:
        raise RankingProblem(
            _("{format_local} is in the past. Give a close time ahead.").format(
                format_local=format_local(moment, zone))
        )
    return moment


def vote_seed(vote_id: int) -> str:
    """The published seed of a vote's tie-break draw, derived from its id."""
    return f"actionlab-vote-{vote_id}"
