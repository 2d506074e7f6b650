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

from bot.domain.wording import plural, role_word
from bot.domain.zones import format_local
from bot.i18n import N_, _

# What each lab setting is called where people read it (as `/lab settings` shows them).
SETTING_WORDS = {"name": N_("name"), "timezone": N_("home time zone"),
                 "window_start": N_("meeting window start"),
                 "window_end": N_("meeting window end"), "days": N_("meeting days"),
                 "member_limit": N_("member limit"),
                 "commitment": N_("confidentiality commitment")}


@dataclass(frozen=True)
class Known:
    """What the log's ids stand for, looked up for one page: people's names, meetings as
    "meeting #2 (Meeting 2)", polls as "poll #1 (Meetings)", minutes by their title."""

    zone: str
    people: Mapping[int, str]
    meetings: Mapping[int, str]
    polls: Mapping[int, str]
    minutes: Mapping[int, str]


# A phrase is the whole sentence, with `who` (the actor's name, or "The bot") in it, so a
# language puts the subject where its grammar wants it.
Phrase = Callable[[Mapping[str, Any], Known, str], str]


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
        return known.people.get(int(value)) or _("a former member")
    return _("the lab") if value == "lab" else str(value)


def _meeting(d: Mapping[str, Any], known: Known) -> str:
    ref = d.get("meeting")
    found = known.meetings.get(int(ref)) if isinstance(ref, int) else None
    return found or _("a meeting")


def _poll(d: Mapping[str, Any], known: Known) -> str:
    if "number" in d and "title" in d:
        return _("poll #{number} ({title})").format(number=d["number"], title=d["title"])
    ref = d.get("poll")
    found = known.polls.get(int(ref)) if isinstance(ref, int) else None
    return found or _("a poll")


def _minutes(d: Mapping[str, Any], known: Known) -> str:
    ref = d.get("minutes")
    name = known.minutes.get(int(ref)) if isinstance(ref, int) else None
    return _("the minutes of {name}").format(name=name) if name else _("the minutes")


def _vote(d: Mapping[str, Any]) -> str:
    question = d.get("question")
    if question:
        return _("vote #{number} ({question})").format(number=d.get("vote"), question=question)
    return _("vote #{number}").format(number=d.get("vote"))


def _setting(key: str) -> str:
    word = SETTING_WORDS.get(key)
    return _(word) if word else key.replace("_", " ")


def _settings(d: Mapping[str, Any], known: Known, who: str) -> str:
    changed = [_("{setting} to “{value}”").format(setting=_setting(k), value=v)
               for k, v in sorted(d.items())]
    return _("{who} changed the lab's settings: {changes}.").format(
        who=who, changes="; ".join(changed))


def _moved(d: Mapping[str, Any], known: Known, who: str) -> str:
    before, after = _when(d.get("before"), known), _when(d.get("after"), known)
    if d.get("confirmed"):
        return _("{who} moved {meeting} from {before} to {after}, confirming it is "
                 "{confirmed}.").format(who=who, meeting=_meeting(d, known), before=before,
                                        after=after, confirmed=d["confirmed"])
    return _("{who} moved {meeting} from {before} to {after}.").format(
        who=who, meeting=_meeting(d, known), before=before, after=after)


def _scheduled(d: Mapping[str, Any], known: Known, who: str) -> str:
    when = _when(d.get("starts_at"), known)
    if d.get("slot"):
        return _("{who} scheduled {meeting} for {when} (slot #{slot} of its poll).").format(
            who=who, meeting=_meeting(d, known), when=when, slot=d["slot"])
    return _("{who} scheduled {meeting} for {when}.").format(
        who=who, meeting=_meeting(d, known), when=when)


def _present(d: Mapping[str, Any], known: Known, who: str) -> str:
    if d.get("member") is not None:
        return _("{who} marked {person} present in {minutes}.").format(
            who=who, person=_person(d["member"], known), minutes=_minutes(d, known))
    return _("{who} was marked present in {minutes}.").format(
        who=who, minutes=_minutes(d, known))


def _action(d: Mapping[str, Any], known: Known, who: str) -> str:
    owner, minutes = _person(d.get("owner"), known), _minutes(d, known)
    if d.get("due"):
        return _("{who} added action {number} for {owner} to {minutes}, due {due}.").format(
            who=who, number=d.get("number"), owner=owner, minutes=minutes,
            due=_when(d["due"], known))
    return _("{who} added action {number} for {owner} to {minutes}.").format(
        who=who, number=d.get("number"), owner=owner, minutes=minutes)


def _reminder_set(d: Mapping[str, Any], known: Known, who: str) -> str:
    to, due = _person(d.get("to"), known), _when(d.get("due"), known)
    if d.get("repeat"):
        return _("{who} set a reminder for {person}, first at {when}, repeating "
                 "{repeat}.").format(who=who, person=to, when=due, repeat=d["repeat"])
    return _("{who} set a reminder for {person}, first at {when}.").format(
        who=who, person=to, when=due)


def _poll_opened(d: Mapping[str, Any], known: Known, who: str) -> str:
    slots = plural(int(d.get("slots") or 0), "slot")
    closes = _when(d.get("closes"), known)
    if d.get("outside"):
        return _("{who} opened poll #{number} with {slots}, closing {when} ({outside} "
                 "outside the lab's hours, confirmed).").format(
            who=who, number=d.get("number"), slots=slots, when=closes,
            outside=plural(int(d["outside"]), "slot"))
    return _("{who} opened poll #{number} with {slots}, closing {when}.").format(
        who=who, number=d.get("number"), slots=slots, when=closes)


def _vote_opened(d: Mapping[str, Any], known: Known, who: str) -> str:
    parts = [str(d.get("method")), plural(int(d.get("options") or 0), "option")]
    if d.get("seats") and int(d["seats"]) > 1:
        parts.append(plural(int(d["seats"]), "seat"))
    if d.get("closes"):
        parts.append(_("closing {when}").format(when=_when(d["closes"], known)))
    return _("{who} opened {vote}: {details}.").format(
        who=who, vote=_vote(d), details=", ".join(parts))


def _closed(d: Mapping[str, Any], what: str, who: str) -> str:
    outcome = str(d.get("outcome") or "").rstrip(".")
    deadline = d.get("by") == "deadline"
    if outcome:
        text = (_("{who} closed {what} at its deadline: {outcome}.") if deadline
                else _("{who} closed {what}: {outcome}."))
    else:
        text = (_("{who} closed {what} at its deadline.") if deadline
                else _("{who} closed {what}."))
    return text.format(who=who, what=what, outcome=outcome)


def _decision(d: Mapping[str, Any], k: Known, who: str) -> str:
    minutes = _minutes(d, k)
    source = str(d.get("source") or "").split(":")[0]
    if source == "poll":
        text = _("{who} recorded decision {number} in {minutes} (from the poll).")
    elif source == "vote":
        text = _("{who} recorded decision {number} in {minutes} (from the vote).")
    elif source:
        text = _("{who} recorded decision {number} in {minutes} (from the {source}).")
    else:
        text = _("{who} recorded decision {number} in {minutes}.")
    return text.format(who=who, number=d.get("number"), minutes=minutes, source=source)


def _role(d: Mapping[str, Any], k: Known, who: str) -> str:
    return _("{who} made {person} {role} (was {before}).").format(
        who=who, person=_person(d.get("member"), k), role=role_word(str(d.get("after"))),
        before=role_word(str(d.get("before"))))


def _timezone(d: Mapping[str, Any], k: Known, who: str) -> str:
    if d.get("before"):
        return _("{who} changed their time zone from {before} to {after}.").format(
            who=who, before=d["before"], after=d.get("after"))
    return _("{who} changed their time zone from none to {after}.").format(
        who=who, after=d.get("after"))


def _offsets(d: Mapping[str, Any], k: Known, who: str) -> str:
    if d.get("offsets"):
        return _("{who} set the meeting reminders to {offsets} before.").format(
            who=who, offsets=d["offsets"])
    return _("{who} set the meeting reminders to none before.").format(who=who)


def _ballot(d: Mapping[str, Any], k: Known, who: str) -> str:
    if d.get("changed"):
        return _("{who} changed their ballot in {vote}.").format(who=who, vote=_vote(d))
    return _("{who} voted in {vote}.").format(who=who, vote=_vote(d))


def _ballots(d: Mapping[str, Any]) -> str:
    return plural(int(d.get("ballots") or 0), "ballot")


PHRASES: dict[str, Phrase] = {
    "lab.setup": lambda d, k, w: _("{who} set up the lab “{name}”.").format(
        who=w, name=d.get("name")),
    "lab.settings": _settings,
    "lab.link.issued": lambda d, k, w: _(
        "{who} made a code to bind another channel to the lab.").format(who=w),
    "lab.channel.linked": lambda d, k, w: _("{who} bound a {platform} channel to the lab.").format(
        who=w, platform=d.get("platform")),
    "identity.link.issued": lambda d, k, w: _(
        "{who} made a code to link another account of theirs.").format(who=w),
    "identity.linked": lambda d, k, w: _("{who} linked their {platform} account.").format(
        who=w, platform=d.get("platform")),
    "member.joined": lambda d, k, w: _(
        "{who} accepted the confidentiality commitment and joined.").format(who=w),
    "member.left": lambda d, k, w: _("{who} left the lab.").format(who=w),
    "member.reaccepted": lambda d, k, w: _(
        "{who} accepted the changed confidentiality commitment.").format(who=w),
    "member.role": _role,
    "person.timezone": _timezone,
    "meeting.scheduled": _scheduled,
    "meeting.moved": _moved,
    "meeting.cancelled": lambda d, k, w: _("{who} cancelled {meeting}.").format(
        who=w, meeting=_meeting(d, k)),
    "meeting.restored": lambda d, k, w: _("{who} restored {meeting}.").format(
        who=w, meeting=_meeting(d, k)),
    "minutes.start": lambda d, k, w: _("{who} started {minutes}.").format(
        who=w, minutes=_minutes(d, k)),
    "minutes.end": lambda d, k, w: _("{who} ended {minutes}.").format(
        who=w, minutes=_minutes(d, k)),
    "minutes.note": lambda d, k, w: _("{who} added note {number} to {minutes}.").format(
        who=w, number=d.get("number"), minutes=_minutes(d, k)),
    "minutes.decision": _decision,
    "minutes.proposal": lambda d, k, w: _(
        "{who} proposed a decision, kept as note {number} of {minutes}.").format(
        who=w, number=d.get("number"), minutes=_minutes(d, k)),
    "minutes.reaction": lambda d, k, w: _(
        "{who} put a message into {minutes} as note {number}.").format(
        who=w, number=d.get("number"), minutes=_minutes(d, k)),
    "minutes.action": _action,
    "minutes.action_pending": lambda d, k, w: _(
        "{who} added an action due in the past ({when}), to be confirmed.").format(
        who=w, when=_when(d.get("due"), k)),
    "minutes.action_cancelled": lambda d, k, w: _(
        "{who} dropped an action with a past due date.").format(who=w),
    "minutes.action_done": lambda d, k, w: _("{who} marked action {number} done.").format(
        who=w, number=d.get("number")),
    "minutes.present": _present,
    "minutes.apologies": lambda d, k, w: _(
        "{who} recorded apologies from {person} in {minutes}.").format(
        who=w, person=_person(d.get("member"), k), minutes=_minutes(d, k)),
    "minutes.edit": lambda d, k, w: _("{who} edited entry {number} of {minutes}.").format(
        who=w, number=d.get("number"), minutes=_minutes(d, k)),
    "minutes.drop": lambda d, k, w: _("{who} dropped entry {number} of {minutes}.").format(
        who=w, number=d.get("number"), minutes=_minutes(d, k)),
    "minutes.export": lambda d, k, w: _("{who} exported {minutes} as {format}.").format(
        who=w, minutes=_minutes(d, k), format=str(d.get("format") or "").upper()),
    "poll.asked": lambda d, k, w: _(
        "{who} was asked to confirm a poll with slots outside the lab's hours.").format(who=w),
    "poll.ask_kept": lambda d, k, w: _(
        "{who} kept a poll to the lab's hours instead.").format(who=w),
    "poll.opened": _poll_opened,
    "poll.answered": lambda d, k, w: _("{who} answered {poll}.").format(
        who=w, poll=_poll(d, k)),
    "poll.closed": lambda d, k, w: _closed(d, _poll(d, k), w),
    "poll.deleted": lambda d, k, w: _("{who} deleted {poll}.").format(
        who=w, poll=_poll(d, k)),
    "poll.restored": lambda d, k, w: _("{who} restored {poll}.").format(
        who=w, poll=_poll(d, k)),
    "vote.opened": _vote_opened,
    "vote.voted": lambda d, k, w: _("{who} voted in {vote}.").format(who=w, vote=_vote(d)),
    "vote.ballot": _ballot,
    "vote.ballots": lambda d, k, w: _("{who} imported {ballots} into {vote}.").format(
        who=w, ballots=_ballots(d), vote=_vote(d)),
    "vote.ballot_withdrawn": lambda d, k, w: _(
        "{who} had their ballot in {vote} withdrawn ({why}).").format(
        who=w, vote=_vote(d), why=d.get("why")),
    "vote.live_count": lambda d, k, w: _(
        "{who} refreshed the live count of {vote} ({ballots}).").format(
        who=w, vote=_vote(d), ballots=_ballots(d)),
    "vote.closed": lambda d, k, w: _closed(d, _vote(d), w),
    "vote.deleted": lambda d, k, w: _("{who} deleted {vote} with {ballots}.").format(
        who=w, vote=_vote(d), ballots=_ballots(d)),
    "vote.restored": lambda d, k, w: _("{who} restored {vote}.").format(who=w, vote=_vote(d)),
    "vote.result_withdrawn": lambda d, k, w: _(
        "{who} withdrew the result of {vote}: {reason}.").format(
        who=w, vote=_vote(d), reason=d.get("reason")),
    "reminder.set": _reminder_set,
    "reminder.cancel": lambda d, k, w: _("{who} cancelled a reminder.").format(who=w),
    "reminders.meeting_offsets": _offsets,
    "lab.archived": lambda d, k, w: _archived(d, w),
    "lab.record": lambda d, k, w: (
        _("{who} took the lab's record from the command line.") if d.get("via") == "cli"
        else _("{who} took the lab's record.")).format(who=w),
}


def _archived(d: Mapping[str, Any], who: str) -> str:
    closed = [_("poll #{number}").format(number=n) for n in d.get("polls_closed") or ()]
    closed += [_("vote #{number}").format(number=n) for n in d.get("votes_closed") or ()]
    if not closed:
        return _("{who} archived the lab.").format(who=who)
    return _("{who} archived the lab, closing {names}.").format(who=who,
                                                              names=", ".join(closed))


def _generic(action: str, detail: Mapping[str, Any], known: Known, who: str) -> str:
    """An action without a phrase of its own: its name as words, and its details."""
    words = action.replace(".", " ").replace("_", " ")
    parts = []
    for key, value in sorted(detail.items()):
        if isinstance(value, (dict, list)):
            continue  # a structure is for the export, not the card
        shown = _when(value, known) if isinstance(value, str) and _looks_like_moment(value) \
            else value
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    if parts:
        return _("{who} {action} ({details}).").format(who=who, action=words,
                                                       details="; ".join(parts))
    return _("{who} {action}.").format(who=who, action=words)


def _looks_like_moment(text: str) -> bool:
    return len(text) >= 19 and text[4] == "-" and text[10] == "T"


def sentence(action: str, actor: str | None, detail: Mapping[str, Any], known: Known) -> str:
    """One entry as a sentence: who (or "The bot"), then what, in the reader's words."""
    phrase = PHRASES.get(action)
    who = actor or _("The bot")
    try:
        return phrase(detail, known, who) if phrase else _generic(action, detail, known, who)
    except (TypeError, ValueError, KeyError):  # an older entry with other details
        return _generic(action, detail, known, who)
