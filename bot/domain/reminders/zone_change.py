"""Zone change: how a member's move to another time zone re-plans what was read on their
wall clock.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.domain.zones import wall_time


def same_wall_time(moment: datetime, before: str, after: str, *, clock: time | None = None
                   ) -> datetime:
    """The UTC moment with the date and clock time in `after` that `moment` has in `before`:
    09:00 on Friday in Europe/London becomes 09:00 on Friday in Asia/Kolkata.

    `clock` stands in for the clock time read off `moment` (a weekly rule's own time, which
    a daylight-saving gap may have moved that day); read by `wall_time`.
    """
    local = moment.astimezone(ZoneInfo(before))
    return wall_time(local.date(), clock or local.time(), after).moment
