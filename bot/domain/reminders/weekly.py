"""Repeating times: a weekly rule (days and a local clock time in a zone) and its next run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.domain.when import DAY_NAMES, format_days, parse_clock, parse_days
from bot.domain.wording import and_list
from bot.domain.zones import wall_time
from bot.i18n import N_, _


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()



_DAY_TITLES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
               N_("Saturday"), N_("Sunday"))


@dataclass(frozen=True, slots=True)
class Weekly:
    """A repeating time: on these weekdays (Monday is 0) at this local time in this zone."""

    days: frozenset[int]
    at: time
    zone: str

    def __post_init__(self) -> None:
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError("a weekly rule needs days between 0 (Monday) and 6 (Sunday)")

    @property
    def spec(self) -> str:
        """How the rule is stored: "09:00 mon,thu" (the zone is stored beside it)."""
        return f"{self.at:%H:%M} {format_days(self.days)}"

    @classmethod
    def from_spec(cls, spec: str, zone: str) -> Weekly:
        return _weekly(spec, zone)

    @property
    def day_names(self) -> tuple[str, ...]:
        return tuple(DAY_NAMES[d] for d in sorted(self.days))

    def describe(self) -> str:
        """"every Monday at 09:00 (Europe/London)", "every weekday at 08:30 (Africa/Lagos)"."""
        if self.days == frozenset(range(7)):
            which = _("every day")
        elif self.days == frozenset(range(5)):
            which = _("every weekday")
        elif self.days == frozenset({5, 6}):
            which = _("every Saturday and Sunday")
        else:
            names = [_(_DAY_TITLES[d]) for d in sorted(self.days)]
            which = _("every {days}").format(days=and_list(names))
        return _("{which} at {at:%H:%M} ({zone})").format(
            which=which, at=self.at, zone=self.zone)

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after `moment`, in UTC."""
        start = local_date(moment, self.zone)
        for ahead in range(9):
            day = start + timedelta(days=ahead)
            if day.weekday() not in self.days:
                continue
            at = wall_time(day, self.at, self.zone).moment
            if at > moment:
                return at
        raise AssertionError("a weekly rule always falls within nine days")  # pragma: no cover


@lru_cache(maxsize=4096)
def _weekly(spec: str, zone: str) -> Weekly:
    clock, days = spec.split(" ", 1)
    return Weekly(parse_days(days), parse_clock(clock), zone)
