"""Reminder rules: reading when people mean, repeating times, quiet hours, retries, misfires,
and when meeting, deadline and action-item reminders fall due.

Pure: the current moment and every zone come in as arguments. Moments go out in UTC; a local
time that does not exist (the clocks go forward) or happens twice (they go back) is read by
`bot.domain.zones.wall_time`, the way APScheduler's cron trigger reads it, and the reader is
told. One module per thing decided: `states` (kinds, statuses), `weekly` (repeating times),
`reading` (what people type), `quiet_hours`, `delivery` (on time, late, missed, retries),
`planning` (when reminders fall due), `zone_change` (re-planning after a move).
"""

from bot.domain.reminders.delivery import (
    MAX_BACKOFF,
    ON_TIME,
    Decision,
    Step,
    Timing,
    classify,
    decide,
    may_retry,
    retry_delay,
)
from bot.domain.reminders.planning import (
    ACTION_ITEM_CLOCK,
    EVENING_MARGIN,
    MAX_OFFSETS,
    MEETING_START,
    MIN_NUDGE_WINDOW,
    NUDGE_LEAD,
    action_item_times,
    fit_nudge,
    format_offset,
    format_offset_short,
    is_meeting_start,
    meeting_times,
    nudge_time,
    parse_offsets,
)
from bot.domain.reminders.quiet_hours import (
    hold_reminder,
    hold_until,
    parse_quiet_hours,
    quiet_since,
    quiet_until,
)
from bot.domain.reminders.reading import (
    DEFAULT_CLOCK,
    EXAMPLES,
    MAX_AHEAD,
    MIN_AHEAD,
    TONIGHT,
    Reading,
    WhenError,
    examples_text,
    read_when,
    shorten_words,
)
from bot.domain.reminders.states import Planned, ReminderKind, ReminderStatus
from bot.domain.reminders.weekly import Weekly, _weekly, local_date
from bot.domain.reminders.zone_change import (
    Drop,
    Replan,
    needs_recipient_zone,
    replan_for_zone,
    same_wall_time,
)

__all__ = [
    "ACTION_ITEM_CLOCK",
    "DEFAULT_CLOCK",
    "EVENING_MARGIN",
    "EXAMPLES",
    "MAX_AHEAD",
    "MAX_BACKOFF",
    "MAX_OFFSETS",
    "MEETING_START",
    "MIN_AHEAD",
    "MIN_NUDGE_WINDOW",
    "NUDGE_LEAD",
    "ON_TIME",
    "TONIGHT",
    "Decision",
    "Drop",
    "Planned",
    "Reading",
    "ReminderKind",
    "ReminderStatus",
    "Replan",
    "Step",
    "Timing",
    "Weekly",
    "WhenError",
    "_weekly",
    "action_item_times",
    "classify",
    "decide",
    "examples_text",
    "fit_nudge",
    "format_offset",
    "format_offset_short",
    "hold_reminder",
    "hold_until",
    "is_meeting_start",
    "local_date",
    "may_retry",
    "meeting_times",
    "needs_recipient_zone",
    "nudge_time",
    "parse_offsets",
    "parse_quiet_hours",
    "quiet_since",
    "quiet_until",
    "read_when",
    "replan_for_zone",
    "retry_delay",
    "same_wall_time",
    "shorten_words",
]
