"""IANA time zones: validation with close-match suggestions, local-time display, and the one
reading of a wall-clock time as a UTC moment."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.i18n import _, localized


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    # "posix/..." and "right/..." duplicates and bare legacy names only add noise to suggestions.
    return tuple(
        sorted(z for z in available_timezones() if not z.startswith(("posix/", "right/")))
    )


@lru_cache(maxsize=1)
def _by_folded() -> dict[str, str]:
    return {z.casefold(): z for z in _zones()}


@lru_cache(maxsize=1)
def _by_city() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for z in _zones():
        if "/" in z:
            out.setdefault(_fold_city(z.rsplit("/", 1)[1]), []).append(z)
    return out


def _fold_city(text: str) -> str:
    return text.replace("_", " ").replace("-", " ").casefold().strip()


def canonical_zone(name: str) -> str | None:
    """The IANA name `name` spells, ignoring case ("europe/london" -> "Europe/London")."""
    found = _by_folded().get(name.strip().casefold())
    if found is None:
        return None
    try:
        ZoneInfo(found)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return found


def suggest_zones(name: str, limit: int = 3) -> list[str]:
    """Close matches for a mistyped zone: "Europe/Berln" -> ["Europe/Berlin"].

    A bare city ("Sao Paulo", "lagos") is matched against the last part of each zone name.
    """
    text = name.strip()
    if not text:
        return []
    by_city = _by_city()
    city = _fold_city(text)
    if city in by_city:
        return by_city[city][:limit]
    folded = {z.casefold(): z for z in _zones()}
    close = difflib.get_close_matches(text.casefold(), list(folded), n=limit, cutoff=0.75)
    if not close and "/" not in text:
        cities = difflib.get_close_matches(city, list(by_city), n=limit, cutoff=0.75)
        return [z for c in cities for z in by_city[c]][:limit]
    return [folded[c] for c in close]


def require_zone(name: str) -> str:
    """The canonical IANA name for `name`, or a ValueError that suggests close matches."""
    zone = canonical_zone(name)
    if zone is not None:
        return zone
    hint = suggest_zones(name)
    did_you_mean = _(" Did you mean {names}?").format(
        names=' or '.join(f'`{z}`' for z in hint)) if hint else ""
    raise ValueError(
        _("`{name}` is not a time zone I know.{did_you_mean} Use an IANA name such as "
          "Europe/London, Africa/Lagos or America/Sao_Paulo.").format(
            name=name, did_you_mean=did_you_mean)
    )


def local_time(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def zone_abbreviation(moment: datetime, zone: str) -> str:
    """The abbreviation in force at `moment` ("GMT", "BST", "WAT"); a UTC offset if none."""
    abbr = local_time(moment, zone).tzname() or ""
    if not abbr or abbr[0] in "+-":
        offset = local_time(moment, zone).utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        sign = "+" if minutes >= 0 else "-"
        hours, mins = divmod(abs(minutes), 60)
        return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")
    return abbr


def format_local(moment: datetime, zone: str, *, date: bool = True, name: bool = True) -> str:
    """`moment` in `zone`, with the zone named: "Mon 11 Jan 2027, 09:00 GMT (Europe/London)"."""
    local = localized(local_time(moment, zone))  # Babel's words for other languages
    text = f"{local:%a %d %b %Y, %H:%M}" if date else f"{local:%H:%M}"
    text += f" {zone_abbreviation(moment, zone)}"
    return f"{text} ({zone})" if name else text


# --- wall-clock times ------------------------------------------------------------------------


class Occurs(StrEnum):
    """How often a wall-clock time happens on its day in its zone."""

    ONCE = "once"
    NEVER = "never"  # the clocks jump over it (a daylight-saving gap)
    TWICE = "twice"  # the clocks go back over it (a fold)


@dataclass(frozen=True, slots=True)
class WallTime:
    """A date and clock time someone meant in `zone`, and the UTC moment they get."""

    day: date
    clock: time
    zone: str
    moment: datetime  # aware, UTC
    occurs: Occurs

    @property
    def local(self) -> datetime:
        """The moment on the zone's wall clock: `clock` itself unless it was skipped."""
        return self.moment.astimezone(ZoneInfo(self.zone))

    @property
    def shift(self) -> timedelta:
        """How far the wall clock was moved: the gap's length for a skipped time, else zero."""
        return self.local.replace(tzinfo=None) - datetime.combine(self.day, self.clock)

    def note(self) -> str | None:
        """A sentence telling the reader how a skipped or repeated time was read; None when
        the time happens exactly once."""
        day, clock = f"{self.day:%a %d %b %Y}", f"{self.clock:%H:%M}"
        abbr = zone_abbreviation(self.moment, self.zone)
        if self.occurs is Occurs.NEVER:
            return (_("{clock} does not exist on {day} in {zone} (the clocks go forward), "
                    "so I used {local:%H:%M} {abbr}").format(
                clock=clock, day=day, zone=self.zone, local=self.local, abbr=abbr))
        if self.occurs is Occurs.TWICE:
            return (_("{clock} happens twice on {day} in {zone} (the clocks go back), so "
                    "I used the first, {clock} {abbr}").format(
                clock=clock, day=day, zone=self.zone, abbr=abbr))
        return None


def format_span(span: timedelta) -> str:
    """A daylight-saving shift in words: "an hour", "30 minutes", "1 hour 30 minutes"."""
    hours, minutes = divmod(int(span.total_seconds() // 60), 60)
    if hours == 1 and not minutes:
        return _("an hour")
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def wall_time(day: date, clock: time, zone: str) -> WallTime:
    """The UTC moment of `clock` on `day` in the IANA zone `zone`: the bot's only reading.

    The policy, everywhere a person's wall-clock time becomes a stored moment:

    - a time the clocks skip (the spring gap) moves forward by the gap's length: 01:30 in
      London on 28 March 2027 is 02:30 BST, 02:15 on Lord Howe Island's half-hour change is
      02:45. This is what APScheduler's cron trigger and most calendar apps do, so a
      repeating reminder and its timer agree;
    - a time that happens twice (the autumn fold) is the first of the two (PEP 495's
      fold=0): 01:30 in London on 31 October 2027 is 01:30 BST, not GMT.

    The result says which case applied, so a caller can tell the reader (`WallTime.note`)
    or refuse a time it will not move. `clock` is a naive time. Raises OverflowError for a
    moment beyond what a datetime holds (the last day of year 9999 behind UTC).
    """
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, clock)
    # For a time in a gap, fold=0 takes the offset in force before the change, which moves
    # it forward by the gap once it is read back on the wall clock.
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    moment = first.astimezone(UTC)
    if first.utcoffset() == second.utcoffset():
        occurs = Occurs.ONCE
    elif moment.astimezone(tz).replace(tzinfo=None) != naive:
        occurs = Occurs.NEVER
    else:
        occurs = Occurs.TWICE
    return WallTime(day, clock, zone, moment, occurs)


def complete_zones(typed: str, limit: int = 25) -> list[str]:
    """Zones for an autocomplete box: those starting with what was typed first, then any
    whose city contains it ("paulo" finds America/Sao_Paulo)."""
    text = typed.strip().casefold().replace(" ", "_")
    zones = _zones()
    if not text:
        return list(COMMON_ZONES[:limit])
    starts = [z for z in zones if z.casefold().startswith(text)]
    inside = [z for z in zones if text in z.casefold() and z not in starts]
    return (starts + inside)[:limit]


# Offered first where nothing has been typed yet: one zone for each part of the world.
COMMON_ZONES = (
    "Europe/London", "Europe/Paris", "Europe/Berlin", "Africa/Lagos", "Africa/Nairobi",
    "Africa/Johannesburg", "America/Sao_Paulo", "America/Mexico_City", "America/New_York",
    "America/Toronto", "America/Chicago", "America/Los_Angeles", "Asia/Kolkata",
    "Asia/Manila", "Asia/Jakarta", "Asia/Tokyo", "Asia/Dubai", "Australia/Sydney",
    "Pacific/Auckland", "UTC",
)


class ZoneSource(StrEnum):
    """Where a person's zone came from (stored as today's strings in `timezone_source`)."""

    USER = "user"  # they chose it (`/lab tz`, the picker): the platform never overrides it
    PLATFORM = "platform"  # their platform's profile said it
