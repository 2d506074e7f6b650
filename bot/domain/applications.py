"""Calls for applications to a lab, and their review: pure rules.

A call (the seed's "Apply to join") has questions, a closing moment and a promised "you will
hear by" date. Anyone the lab's workspace or server lets reach the bot applies once, and may
change their answers until the close. Reviewers (the steering group) and facilitators score
each application against each criterion, 1 to 5; facilitators accept (within the member
limit) or decline. Nothing here reads a clock or a database: `now` and zones are arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from statistics import mean
from zoneinfo import ZoneInfo

from bot.domain.zones import zone_abbreviation
from bot.i18n import N_, NP_, _, pgettext


class CallStatus(StrEnum):
    OPEN = "open"  # taking applications until closes_at
    DECIDED = "decided"  # a facilitator finished it (every applicant heard back)


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for a decision
    ACCEPTED = "accepted"  # invited; not a member until they accept the invitation
    DECLINED = "declined"
    JOINED = "joined"  # accepted the invitation: a member now


STATUS_WORDS = {
    ApplicationStatus.SUBMITTED: NP_("application status", "submitted"),
    ApplicationStatus.ACCEPTED: NP_("application status", "accepted"),
    ApplicationStatus.DECLINED: NP_("application status", "declined"),
    ApplicationStatus.JOINED: NP_("application status", "joined"),
}


def status_word(status: ApplicationStatus) -> str:
    """An application's status as the reader's word for it (a field's value, a label)."""
    return pgettext("application status", STATUS_WORDS[status])


UNDECIDED = frozenset({ApplicationStatus.SUBMITTED})
# Accepted places count against the member limit until the invitation is taken up.
HOLDS_A_PLACE = frozenset({ApplicationStatus.ACCEPTED})


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a call. `key` names the criterion it is scored against."""

    key: str
    label: str  # short: a form's input label (at most 45 characters)
    text: str  # the question in full
    availability: bool = False  # the meeting-times question (shown in the reader's zone)


# The seed's criteria ("We are looking for applicants who: ...").
DEFAULT_QUESTIONS: tuple[Question, ...] = (
    Question("interest", N_("Interest and experience in the topic"),
             N_("What is your interest in, and experience with, the topic of this lab?")),
    Question("collaboration", N_("How you collaborate and communicate"),
             N_("How do you work with others to reach decisions, communicate and get things "
             "done?")),
    Question("confidentiality", N_("Commitment to confidentiality"),
             N_("Can you commit to keeping the lab's discussions confidential?")),
    Question("perspectives", N_("Perspectives you bring"),
             N_("Which perspectives would you represent and bring into the group?")),
    Question("availability", N_("Two one-hour meetings 09:00-18:00 GMT?"),
             N_("Can you attend at least two one-hour meetings held between 09:00 and 18:00 "
                "GMT?"),
             availability=True),
)
_DEFAULT_WORDS = frozenset(w for q in DEFAULT_QUESTIONS for w in (q.label, q.text))
LABEL_MAX = 45
QUESTION_MAX = 300
MAX_QUESTIONS = 10
ANSWER_MAX = 1500
PER_PAGE = 5  # a Discord modal holds five inputs
SCORE_MIN, SCORE_MAX = 1, 5
NOTE_MAX = 500
# The meeting window of the seed: 09:00-18:00 GMT (UTC all year round).
WINDOW_START, WINDOW_END, WINDOW_ZONE = time(9, 0), time(18, 0), "UTC"
DEFAULT_RETENTION_DAYS = 90


class ApplicationRefused(ValueError):
    """A rule said no; `message` says why and what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- questions --------------------------------------------------------------------------------


def questions_from_json(raw: Sequence[Mapping[str, object]] | None) -> tuple[Question, ...]:
    """The questions stored on a call (a list of {key, label, text, availability})."""
    if not raw:
        raw = questions_to_json(DEFAULT_QUESTIONS)
    return tuple(Question(str(q["key"]), _shown(str(q["label"])), _shown(str(q["text"])),
                          bool(q.get("availability", False))) for q in raw)


def _shown(words: str) -> str:
    """A default question's words in the reader's language; a facilitator's own as typed."""
    return _(words) if words in _DEFAULT_WORDS else words


def questions_to_json(questions: Sequence[Question]) -> list[dict[str, object]]:
    return [{"key": q.key, "label": q.label, "text": q.text, "availability": q.availability}
            for q in questions]


def parse_questions(text: str) -> tuple[Question, ...]:
    """Questions typed as `label: question | label: question ...` (the label is what the
    form shows and what scores are given against). A question whose label mentions
    "meeting" or "availab" gets the reader's meeting window beside it."""
    parts = [p.strip() for p in text.split("|") if p.strip()]
    if not parts:
        raise ApplicationRefused(_("Give at least one question, as `label: question`, several "
                                 "separated by `|`."))
    if len(parts) > MAX_QUESTIONS:
        raise ApplicationRefused(_("A call can ask at most {MAX_QUESTIONS} questions; you gave "
                                 "{count}.").format(
            MAX_QUESTIONS=MAX_QUESTIONS, count=len(parts)))
    out: list[Question] = []
    seen: set[str] = set()
    for n, part in enumerate(parts, start=1):
        label, sep, question = part.partition(":")
        label, question = label.strip(), question.strip()
        if not sep or not label or not question:
            raise ApplicationRefused(
                _("Question {n} (`{value}`) needs a short label, a colon and the question, "
                "e.g. `Experience: What is your experience of the topic?`.").format(
                    n=n, value=part[:60]))
        if len(label) > LABEL_MAX:
            raise ApplicationRefused(_("The label of question {n} is {count} characters; "
                                     "keep labels to {LABEL_MAX}.").format(
                n=n, count=len(label), LABEL_MAX=LABEL_MAX))
        if len(question) > QUESTION_MAX:
            raise ApplicationRefused(_("Question {n} is {count} characters; keep each "
                                     "question to {QUESTION_MAX}.").format(
                n=n, count=len(question), QUESTION_MAX=QUESTION_MAX))
        key = "".join(c if c.isalnum() else "_" for c in label.casefold()).strip("_")[:30] \
            or f"q{n}"
        while key in seen:
            key = f"{key}_{n}"
        seen.add(key)
        folded = label.casefold()
        out.append(Question(key, label, question,
                            availability="meeting" in folded or "availab" in folded))
    return tuple(out)


def pages(questions: Sequence[Question]) -> list[tuple[Question, ...]]:
    """The questions in pages of at most five (a Discord modal's inputs)."""
    return [tuple(questions[i:i + PER_PAGE]) for i in range(0, len(questions), PER_PAGE)] or [()]


def meeting_window_in(zone: str, on: date) -> str:
    """The seed's meeting window (09:00-18:00 GMT) on `on`, as the reader's wall clock:
    "10:00-19:00 WAT (Africa/Lagos)"; a window that crosses midnight says "next day"."""
    start = datetime.combine(on, WINDOW_START, tzinfo=ZoneInfo(WINDOW_ZONE))
    end = datetime.combine(on, WINDOW_END, tzinfo=ZoneInfo(WINDOW_ZONE))
    tz = ZoneInfo(zone)
    a, b = start.astimezone(tz), end.astimezone(tz)
    later = _(" next day") if b.date() > a.date() else ""
    earlier = _(" (the day before)") if a.date() < on else ""
    return (f"{a:%H:%M}-{b:%H:%M}{later}{earlier} {zone_abbreviation(start, zone)} "
            f"({zone})")


# --- applying ---------------------------------------------------------------------------------


def apply_refusal(*, now: datetime, closes_at: datetime, status: CallStatus,
                  already: bool, changing: bool) -> str | None:
    """Why this application (or change to one) may not be made now, or None."""
    if status is not CallStatus.OPEN or now >= closes_at:
        return (_("Applications to this lab closed; nothing was sent. Your application, if you "
                "made one, is as it was at the close."))
    if already and not changing:
        return (_("You have already applied to this lab. Type `/lab apply` again to see and "
                "change your application until the close."))
    return None


def answer_refusal(questions: Sequence[Question], answers: Mapping[str, str],
                   *, complete: bool) -> str | None:
    """Why these answers cannot be kept, or None. `complete`: every question must have one."""
    known = {q.key: q for q in questions}
    for key, text in answers.items():
        if key not in known:
            return _("That form no longer matches this call's questions. Type `/lab apply` again.")
        if len(text) > ANSWER_MAX:
            return (_("Your answer to \"{label}\" is {count} characters; keep it "
                    "to {ANSWER_MAX}.").format(
                label=known[key].label, count=len(text), ANSWER_MAX=ANSWER_MAX))
    if complete:
        missing = [q.label for q in questions if not answers.get(q.key, "").strip()]
        if missing:
            return _("Please answer every question; missing: ") + "; ".join(missing) + "."
    return None


# --- review -----------------------------------------------------------------------------------


def score_refusal(value: str | int, questions: Sequence[Question], key: str | None) -> str | None:
    """Why a score cannot be given, or None."""
    if key is not None and key not in {q.key for q in questions}:
        names = ", ".join(f"`{q.key}`" for q in questions)
        return _("`{key}` is not one of this call's criteria. They are: {names}.").format(
            key=key, names=names)
    text = str(value).strip()
    if not text.isdigit() or not SCORE_MIN <= int(text) <= SCORE_MAX:
        return (_("A score is a whole number from {SCORE_MIN} to {SCORE_MAX}; `{text}` is not. "
                "Nothing was changed.").format(SCORE_MIN=SCORE_MIN, SCORE_MAX=SCORE_MAX, text=text))
    return None


def parse_scores(text: str, questions: Sequence[Question]) -> list[int]:
    """Scores typed in the criteria's order ("4 3 5 2 4"); raises ApplicationRefused."""
    parts = text.replace(",", " ").split()
    if len(parts) != len(questions):
        raise ApplicationRefused(
            _("Give {count} scores, one per criterion in order "
            "({names}), each {SCORE_MIN} to {SCORE_MAX}; you "
            "gave {count2}. Nothing was changed.").format(
                count=len(questions), names=', '.join(q.key for q in questions),
                SCORE_MIN=SCORE_MIN, SCORE_MAX=SCORE_MAX, count2=len(parts)))
    for part in parts:
        refusal = score_refusal(part, questions, None)
        if refusal:
            raise ApplicationRefused(refusal)
    return [int(p) for p in parts]


@dataclass(frozen=True, slots=True)
class Ranked:
    application_id: int
    number: int
    average: float | None  # over every score given, None when none is
    by_criterion: dict[str, float]  # the mean of the reviewers' scores for each criterion
    reviewers: int


def rank(applications: Sequence[tuple[int, int]],
         scores: Sequence[tuple[int, int, str, int]]) -> list[Ranked]:
    """Applications (id, number) with scores (application id, reviewer id, criterion,
    score), best average first; unscored last, then by number."""
    out: list[Ranked] = []
    for app_id, number in applications:
        mine = [s for s in scores if s[0] == app_id]
        by: dict[str, list[int]] = {}
        for _x, _x, key, value in mine:
            by.setdefault(key, []).append(value)
        out.append(Ranked(
            app_id, number, round(mean(v for *_x, v in mine), 2) if mine else None,
            {k: round(mean(v), 2) for k, v in by.items()}, len({s[1] for s in mine}),
        ))
    return sorted(out, key=lambda r: (r.average is None, -(r.average or 0), r.number))


def accept_refusal(*, counted: int, holding: int, limit: int) -> str | None:
    """Why one more applicant may not be accepted: members who count plus accepted
    applicants not joined yet must stay within the limit."""
    if counted + holding >= limit:
        return (_("Accepting would go over the lab's limit of {limit} members ({counted} "
                "members and {holding} accepted applicants waiting to join). Decline someone "
                "else first or raise the limit with `/lab settings limit <n>`; nothing was "
                "changed.").format(limit=limit, counted=counted, holding=holding))
    return None


def decision_refusal(status: ApplicationStatus, wanted: ApplicationStatus) -> str | None:
    if status is wanted:
        return {
            ApplicationStatus.SUBMITTED: _("That application is already submitted."),
            ApplicationStatus.ACCEPTED: _("That application is already accepted."),
            ApplicationStatus.DECLINED: _("That application is already declined."),
            ApplicationStatus.JOINED: _("That application is already joined."),
        }[status]
    if status is ApplicationStatus.JOINED:
        return _("That applicant has already joined the lab; nothing was changed.")
    return None


def reminder_moment(hear_by: date, zone: str, now: datetime) -> datetime | None:
    """When facilitators are reminded of undecided applicants: 09:00 in the lab's zone two
    days before the "hear by" date (or one day, or none, if that has passed)."""
    tz = ZoneInfo(zone)
    for days in (2, 1):
        moment = datetime.combine(hear_by - timedelta(days=days), time(9, 0), tzinfo=tz)
        if moment > now:
            return moment.astimezone(UTC)
    return None


def hear_by_end(hear_by: date, zone: str) -> datetime:
    """The end of the promised day, in the lab's zone, as UTC."""
    return datetime.combine(hear_by + timedelta(days=1), time(0, 0),
                            tzinfo=ZoneInfo(zone)).astimezone(UTC)


def purge_due(decided_at: datetime, days: int, now: datetime) -> bool:
    """Whether a declined applicant's data is due for deletion."""
    return now >= decided_at + timedelta(days=days)
