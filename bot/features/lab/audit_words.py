"""The audit log in sentences a facilitator can read: "Gemma Rhodes moved meeting #2
(Meeting 2) from Tue 12 Jan 2027, 14:00 GMT to Wed 13 Jan 2027, 15:00 GMT", with every
moment in the reader's zone, people by name and polls, meetings and minutes by what they are
called, not by their row ids. An action this table does not know (a newer feature's) still
reads as words, never as `key=value`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.wording import plural
from bot.domain.zones import format_local
from bot.i18n import _

# What each lab setting is called where people read it (as `/lab settings` shows them).
SETTING_WORDS = {"name": "name", "timezone": "home time zone", "window_start": "meeting window "
                 "start", "window_end": "meeting window end", "days": "meeting days",
                 "member_limit": "member limit", "commitment": "confidentiality commitment"}


@dataclass(frozen=True)
class Known:
    """What the log's ids stand for, looked up for one page: people's names, meetings as
    "meeting #2 (Meeting 2)", polls as "poll #1 (Meetings)", minutes by their title."""

    zone: str
    people: Mapping[int, str]
    meetings: Mapping[int, str]
    polls: Mapping[int, str]
    minutes: Mapping[int, str]


Phrase = Callable[[Mapping[str, Any], Known], str]


def _when(value: Any, known: Known) -> str:
    """An ISO moment stored in an entry, in the reader's zone (named on the card)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:  # a date alone (an action's due day)
        return f"{moment:%a %d %b %Y}"
    return format_local(moment, known.zone, name=False)


def _person(value: Any, known: Known) -> str:
    if isinstance(value, int) or str(value).isdigit():
        return known.people.get(int(value), "a former member")
    return "the lab" if value == "lab" else str(value)


def _meeting(d: Mapping[str, Any], known: Known) -> str:
    ref = d.get("meeting")
    return known.meetings.get(int(ref), "a meeting") if isinstance(ref, int) else "a meeting"


def _poll(d: Mapping[str, Any], known: Known) -> str:
    if "number" in d and "title" in d:
        return f"poll #{d['number']} ({d['title']})"
    ref = d.get("poll")
    return known.polls.get(int(ref), "a poll") if isinstance(ref, int) else "a poll"


def _minutes(d: Mapping[str, Any], known: Known) -> str:
    ref = d.get("minutes")
    name = known.minutes.get(int(ref)) if isinstance(ref, int) else None
    return f"the minutes of {name}" if name else "the minutes"


def _vote(d: Mapping[str, Any]) -> str:
    question = d.get("question")
    return f"vote #{d.get('vote')}" + (f" ({question})" if question else "")


def _settings(d: Mapping[str, Any], known: Known) -> str:
    changed = [f"{SETTING_WORDS.get(k, k.replace('_', ' '))} to “{v}”"
               for k, v in sorted(d.items())]
    return "changed the lab's settings: " + "; ".join(changed)


def _moved(d: Mapping[str, Any], known: Known) -> str:
    text = (f"moved {_meeting(d, known)} from {_when(d.get('before'), known)} to "
            f"{_when(d.get('after'), known)}")
    if d.get("confirmed"):
        text += f", confirming it is {d['confirmed']}"
    return text


def _scheduled(d: Mapping[str, Any], known: Known) -> str:
    text = f"scheduled {_meeting(d, known)} for {_when(d.get('starts_at'), known)}"
    return text + (f" (slot #{d['slot']} of its poll)" if d.get("slot") else "")


def _present(d: Mapping[str, Any], known: Known) -> str:
    if d.get("member") is not None:
        return f"marked {_person(d['member'], known)} present in {_minutes(d, known)}"
    return f"was marked present in {_minutes(d, known)}"


def _action(d: Mapping[str, Any], known: Known) -> str:
    text = (f"added action {d.get('number')} for {_person(d.get('owner'), known)} to "
            f"{_minutes(d, known)}")
    return text + (f", due {_when(d['due'], known)}" if d.get("due") else "")


def _reminder_set(d: Mapping[str, Any], known: Known) -> str:
    text = (f"set a reminder for {_person(d.get('to'), known)}, first at "
            f"{_when(d.get('due'), known)}")
    return text + (f", repeating {d['repeat']}" if d.get("repeat") else "")


def _poll_opened(d: Mapping[str, Any], known: Known) -> str:
    text = (f"opened poll #{d.get('number')} with {plural(int(d.get('slots') or 0), 'slot')}, "
            f"closing {_when(d.get('closes'), known)}")
    if d.get("outside"):
        text += f" ({plural(int(d['outside']), 'slot')} outside the lab's hours, confirmed)"
    return text


def _vote_opened(d: Mapping[str, Any], known: Known) -> str:
    text = (f"opened {_vote(d)}: {d.get('method')}, "
            f"{plural(int(d.get('options') or 0), 'option')}")
    if d.get("seats") and int(d["seats"]) > 1:
        text += f", {d['seats']} seats"
    return text + (f", closing {_when(d['closes'], known)}" if d.get("closes") else "")


def _closed_by(d: Mapping[str, Any], what: str) -> str:
    how = " at its deadline" if d.get("by") == "deadline" else ""
    outcome = str(d.get("outcome") or "").rstrip(".")
    return f"closed {what}{how}" + (f": {outcome}" if outcome else "")


PHRASES: dict[str, Phrase] = {
    "lab.setup": lambda d, k: f"set up the lab “{d.get('name')}”",
    "lab.settings": _settings,
    "lab.link.issued": lambda d, k: "made a code to bind another channel to the lab",
    "lab.channel.linked": lambda d, k: f"bound a {d.get('platform')} channel to the lab",
    "identity.link.issued": lambda d, k: "made a code to link another account of theirs",
    "identity.linked": lambda d, k: f"linked their {d.get('platform')} account",
    "member.joined": lambda d, k: "accepted the confidentiality commitment and joined",
    "member.left": lambda d, k: "left the lab",
    "member.reaccepted": lambda d, k: "accepted the changed confidentiality commitment",
    "member.role": lambda d, k: (f"made {_person(d.get('member'), k)} {d.get('after')} "
                                 f"(was {d.get('before')})"),
    "person.timezone": lambda d, k: (f"changed their time zone from {d.get('before') or 'none'}"
                                     f" to {d.get('after')}"),
    "meeting.scheduled": _scheduled,
    "meeting.moved": _moved,
    "meeting.cancelled": lambda d, k: f"cancelled {_meeting(d, k)}",
    "meeting.restored": lambda d, k: f"restored {_meeting(d, k)}",
    "minutes.start": lambda d, k: f"started {_minutes(d, k)}",
    "minutes.end": lambda d, k: f"ended {_minutes(d, k)}",
    "minutes.note": lambda d, k: f"added note {d.get('number')} to {_minutes(d, k)}",
    "minutes.decision": lambda d, k: (f"recorded decision {d.get('number')} in "
                                      f"{_minutes(d, k)}"
                                      + (f" (from the {d['source'].split(':')[0]})"
                                         if d.get("source") else "")),
    "minutes.proposal": lambda d, k: (f"proposed a decision, kept as note {d.get('number')} "
                                      f"of {_minutes(d, k)}"),
    "minutes.reaction": lambda d, k: (f"put a message into {_minutes(d, k)} as note "
                                      f"{d.get('number')}"),
    "minutes.action": _action,
    "minutes.action_pending": lambda d, k: (f"added an action due in the past "
                                            f"({_when(d.get('due'), k)}), to be confirmed"),
    "minutes.action_cancelled": lambda d, k: "dropped an action with a past due date",
    "minutes.action_done": lambda d, k: f"marked action {d.get('number')} done",
    "minutes.present": _present,
    "minutes.apologies": lambda d, k: (f"recorded apologies from "
                                       f"{_person(d.get('member'), k)} in {_minutes(d, k)}"),
    "minutes.edit": lambda d, k: f"edited entry {d.get('number')} of {_minutes(d, k)}",
    "minutes.drop": lambda d, k: f"dropped entry {d.get('number')} of {_minutes(d, k)}",
    "minutes.export": lambda d, k: (f"exported {_minutes(d, k)} as "
                                    f"{str(d.get('format') or '').upper()}"),
    "poll.asked": lambda d, k: "was asked to confirm a poll with slots outside the lab's hours",
    "poll.ask_kept": lambda d, k: "kept a poll to the lab's hours instead",
    "poll.opened": _poll_opened,
    "poll.answered": lambda d, k: f"answered {_poll(d, k)}",
    "poll.closed": lambda d, k: _closed_by(d, _poll(d, k)),
    "poll.deleted": lambda d, k: f"deleted {_poll(d, k)}",
    "poll.restored": lambda d, k: f"restored {_poll(d, k)}",
    "vote.opened": _vote_opened,
    "vote.voted": lambda d, k: f"voted in {_vote(d)}",
    "vote.ballot": lambda d, k: (f"{'changed their ballot' if d.get('changed') else 'voted'}"
                                 f" in {_vote(d)}"),
    "vote.ballots": lambda d, k: (f"imported {plural(int(d.get('ballots') or 0), 'ballot')} "
                                  f"into {_vote(d)}"),
    "vote.ballot_withdrawn": lambda d, k: (f"had their ballot in {_vote(d)} withdrawn "
                                           f"({d.get('why')})"),
    "vote.live_count": lambda d, k: (f"refreshed the live count of {_vote(d)} "
                                     f"({plural(int(d.get('ballots') or 0), 'ballot')})"),
    "vote.closed": lambda d, k: _closed_by(d, _vote(d)),
    "vote.deleted": lambda d, k: (f"deleted {_vote(d)} with "
                                  f"{plural(int(d.get('ballots') or 0), 'ballot')}"),
    "vote.restored": lambda d, k: f"restored {_vote(d)}",
    "vote.result_withdrawn": lambda d, k: (f"withdrew the result of {_vote(d)}: "
                                           f"{d.get('reason')}"),
    "reminder.set": _reminder_set,
    "reminder.cancel": lambda d, k: "cancelled a reminder",
    "reminders.meeting_offsets": lambda d, k: (f"set the meeting reminders to "
                                               f"{d.get('offsets') or 'none'} before"),
    "lab.archived": lambda d, k: _archived(d),
    "lab.record": lambda d, k: (_("took the lab's record from the command line")
                                if d.get("via") == "cli" else _("took the lab's record")),
}


def _archived(d: Mapping[str, Any]) -> str:
    closed = [_("poll #{number}").format(number=n) for n in d.get("polls_closed") or ()]
    closed += [_("vote #{number}").format(number=n) for n in d.get("votes_closed") or ()]
    if not closed:
        return _("archived the lab")
    return _("archived the lab, closing {names}").format(names=", ".join(closed))


def _generic(action: str, detail: Mapping[str, Any], known: Known) -> str:
    """An action without a phrase of its own: its name as words, and its details."""
    words = action.replace(".", " ").replace("_", " ")
    parts = []
    for key, value in sorted(detail.items()):
        if isinstance(value, (dict, list)):
            continue  # a structure is for the export, not the card
        shown = _when(value, known) if isinstance(value, str) and _looks_like_moment(value) \
            else value
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return words + (f" ({'; '.join(parts)})" if parts else "")


def _looks_like_moment(text: str) -> bool:
    return len(text) >= 19 and text[4] == "-" and text[10] == "T"


def sentence(action: str, actor: str | None, detail: Mapping[str, Any], known: Known) -> str:
    """One entry as a sentence: who (or "The bot"), then what, in the reader's words."""
    phrase = PHRASES.get(action)
    try:
        what = phrase(detail, known) if phrase else _generic(action, detail, known)
    except (TypeError, ValueError, KeyError):  # an older entry with other details
        what = _generic(action, detail, known)
    return f"{actor or 'The bot'} {what}."
