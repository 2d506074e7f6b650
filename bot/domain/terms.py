"""Terms of reference, pure: the sections, pre-filling them from the decision, saving a
section against the version it was read at (a stale save is merged, never lost), the diff of
two versions, and the consent round that approves the document.

Nothing here reads a clock or a database: moments and texts are arguments.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.i18n import N_, _

SECTION_LENGTH = 3000  # one form field on Slack
COMMENT_LENGTH = 1000
REASON_LENGTH = 1000
CONFIDENTIAL = (N_("Confidential: a draft of the Action Lab's terms of reference, for its members "
                "and the TICTeC Labs team only. Do not share it until the lab marks it public."))

# The sections every terms of reference has, in order: (key, heading).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("background", N_("Background and challenge")),
    ("solution", N_("The chosen solution")),
    ("objectives", N_("Objectives")),
    ("deliverables", N_("Deliverables")),
    ("timeline", N_("Timeline")),
    ("budget", N_("Budget and grant")),
    ("applying", N_("Who can apply and how")),
    ("reporting", N_("Reporting")),
)


class TermsStatus(StrEnum):
    DRAFT = "draft"  # members edit and comment
    CONSENT = "consent"  # a consent round is open: agree, stand aside or object
    APPROVED = "approved"  # the lab consented; the text no longer changes


class Answer(StrEnum):
    AGREE = "agree"
    STAND_ASIDE = "stand_aside"
    OBJECT = "object"

    @property
    def words(self) -> str:
        return {"agree": "agrees", "stand_aside": "stands aside", "object": "objects"}[self]


class TermsProblem(ValueError):
    """Input the terms of reference cannot take; the message says what to do instead."""


# --- pre-filling ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """What the first draft is written from."""

    lab: str
    question: str  # the vote's question
    option: str  # the winning option
    description: str | None
    outcome: str  # "Research won (IRV, 3 rounds, 4 ballots)"
    decisions: Sequence[str] = ()
    actions: Sequence[str] = ()  # "Amara: draft the budget (due 2027-02-01)"
    members: int = 0
    timezone: str = "UTC"


def _fit(text: str) -> str:
    return text if len(text) <= SECTION_LENGTH else text[: SECTION_LENGTH - 1].rstrip() + "…"


def prefill(src: Source) -> dict[str, str]:
    """A first draft of every section, from the winning option's case, the minutes'
    decisions and action items, and the lab's settings. Members rewrite from there."""
    bullets = "\n".join(f"• {d}" for d in src.decisions)
    todo = "\n".join(f"• {a}" for a in src.actions)
    draft = {
        "background": (
            _("{lab} was asked: {question}\nThe lab ({members} members) weighed "
            "the candidate solutions and voted. {outcome}.").format(
                lab=src.lab, question=src.question, members=src.members, outcome=src.outcome)
            + (_("\n\nDecisions recorded in the lab's minutes:\n{bullets}").format(
                bullets=bullets) if bullets else "")),
        "solution": f"*{src.option}*\n\n{src.description or '(describe the solution)'}",
        "objectives": (_("What {option} should achieve, and how the lab will know it "
                       "has: (write the objectives).").format(option=src.option)),
        "deliverables": (_("What the grantee delivers: (list the deliverables).")
                         + (_("\n\nAgreed actions from the minutes:\n{todo}").format(
                             todo=todo) if todo else "")),
        "timeline": (_("Milestones and dates (times in {timezone}): (write the timeline).").format(
            timezone=src.timezone)),
        "budget": _("The grant available and how it is paid: (write the budget)."),
        "applying": _("Who can apply, how, and by when: (write the call)."),
        "reporting": _("How and when the grantee reports to the lab and TICTeC Labs: (write it)."),
    }
    return {key: _fit(draft[key]) for key, _x in SECTIONS}


# --- editing -------------------------------------------------------------------------------


def check_text(text: str, what: str = N_("A section"), limit: int = SECTION_LENGTH) -> str:
    cleaned = "\n".join(line.rstrip() for line in text.strip().splitlines())
    if not cleaned:
        raise TermsProblem(_("{what} cannot be empty; write something, or keep the text as it "
                             "is.").format(what=what))
    if len(cleaned) > limit:
        raise TermsProblem(_("{what} is {count} characters; at most {limit} fit. "
                           "Shorten it, or split it over sections.").format(
            what=what, count=len(cleaned), limit=limit))
    return cleaned


def diff(old: str, new: str, *, old_name: str = "before", new_name: str = "after") -> str:
    """A unified diff of two texts, line by line (empty when they are the same)."""
    return "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), old_name,
                                          new_name, lineterm="", n=1))


@dataclass(frozen=True, slots=True)
class Merge:
    text: str
    clean: bool  # False: both changed the same lines, and both versions are kept, marked


def merge(base: str, mine: str, theirs: str) -> Merge:
    """A three-way merge by lines (the diff3 way): `theirs` was saved since `base` was read,
    `mine` is the stale save. Changes to different lines are combined; where both changed
    the same lines both are kept between markers, for the person merging to settle. Nothing
    either wrote is dropped."""
    b, m, t = base.splitlines(), mine.splitlines(), theirs.splitlines()
    out: list[str] = []
    clean = True
    iz = im = it = 0
    for zstart, zend, mstart, mend, tstart, tend in _sync_regions(b, m, t):
        if mstart > im or tstart > it:
            base_seg, mine_seg, their_seg = b[iz:zstart], m[im:mstart], t[it:tstart]
            if mine_seg in (their_seg, base_seg):
                out.extend(their_seg)
            elif their_seg == base_seg:
                out.extend(mine_seg)
            else:
                clean = False
                out.extend(["<<<<<<< saved meanwhile", *their_seg, "=======", *mine_seg,
                            _(">>>>>>> yours")])
        out.extend(b[zstart:zend])
        iz, im, it = zend, mend, tend
    return Merge("\n".join(out), clean)


def _sync_regions(base: list[str], a: list[str], b: list[str]
                  ) -> list[tuple[int, int, int, int, int, int]]:
    """Stretches of `base` both `a` and `b` kept unchanged, with where they are in each:
    (base start, base end, a start, a end, b start, b end); the last is empty, at the ends."""
    ia = ib = 0
    am = difflib.SequenceMatcher(None, base, a, autojunk=False).get_matching_blocks()
    bm = difflib.SequenceMatcher(None, base, b, autojunk=False).get_matching_blocks()
    regions = []
    while ia < len(am) and ib < len(bm):
        abase, amatch, alen = am[ia]
        bbase, bmatch, blen = bm[ib]
        lo, hi = max(abase, bbase), min(abase + alen, bbase + blen)
        if lo < hi:
            asub, bsub = amatch + (lo - abase), bmatch + (lo - bbase)
            regions.append((lo, hi, asub, asub + hi - lo, bsub, bsub + hi - lo))
        if abase + alen < bbase + blen:
            ia += 1
        else:
            ib += 1
    regions.append((len(base), len(base), len(a), len(a), len(b), len(b)))
    return regions


# --- consent -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Response:
    person_id: int
    answer: Answer
    section: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a consent round stands."""

    agree: list[int] = field(default_factory=list)
    stand_aside: list[int] = field(default_factory=list)
    objections: list[Response] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)

    @property
    def approvable(self) -> bool:
        return not self.objections and bool(self.agree)


def standing(responses: Sequence[Response], members: Sequence[int]) -> Standing:
    by_person = {r.person_id: r for r in responses if r.person_id in members}
    s = Standing()
    for person in members:
        r = by_person.get(person)
        if r is None:
            s.waiting.append(person)
        elif r.answer == Answer.AGREE:
            s.agree.append(person)
        elif r.answer == Answer.STAND_ASIDE:
            s.stand_aside.append(person)
        else:
            s.objections.append(r)
    return s


def check_consent_close(closes_at: datetime | None, now: datetime) -> None:
    if closes_at is not None and closes_at <= now:
        raise TermsProblem(_("The consent round's deadline is in the past; choose a later time."))
