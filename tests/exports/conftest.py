"""A document with everything an export must show: the non-Latin names, every kind of
entry, a dropped one, a long one and enough of them to fill more than one PDF page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.minutes import (
    ActionStatus,
    EntryFacts,
    EntryKind,
    EntrySource,
    MinutesDocument,
    build_document,
)

START = datetime(2027, 3, 29, 9, 0, tzinfo=UTC)  # the Monday after the clocks went forward
NAMES = ("Zoë Núñez", "Nguyễn Thị Minh Khai", "محمد الأمين")
PRESENT = ("Gemma Rhodes", "Zoë Núñez", "Nguyễn Thị Minh Khai", "محمد الأمين")
APOLOGIES = ("Priya Raman",)
LONG = " ".join(f"word{i}" for i in range(700))  # about 6,000 characters


def facts() -> list[EntryFacts]:
    at = START + timedelta(minutes=5)
    out = [
        EntryFacts(1, EntryKind.NOTE, "Zoë summarised the survey: 41 answers.", "Zoë Núñez",
                   at),
        EntryFacts(2, EntryKind.NOTE, "نحتاج إلى بيانات المشتريات المفتوحة", "محمد الأمين", at,
                   EntrySource.REACTION, "https://example.slack.com/archives/C1/p17000001"),
        EntryFacts(3, EntryKind.DECISION, "Vote “Which solution?” closed. Research won (IRV, 3 "
                   "rounds, 6 ballots)", None, at, EntrySource.VOTE),
        EntryFacts(4, EntryKind.ACTION, "Draft the problem statement", "Gemma Rhodes", at,
                   owner="محمد الأمين", due=date(2027, 4, 2), status=ActionStatus.OPEN),
        EntryFacts(5, EntryKind.ACTION, "Gửi bản tóm tắt cho nhóm", "Gemma Rhodes", at,
                   owner="Nguyễn Thị Minh Khai", due=None, status=ActionStatus.DONE,
                   done_at=at + timedelta(hours=1)),
        EntryFacts(6, EntryKind.NOTE, "An aside the secretary dropped", "Gemma Rhodes", at,
                   dropped=True),
        EntryFacts(7, EntryKind.NOTE, LONG, "Nguyễn Thị Minh Khai", at, edited=True),
        EntryFacts(8, EntryKind.DECISION, "We take forward research | case studies", "Zoë Núñez",
                   at),
        EntryFacts(9, EntryKind.ACTION, "Share the survey | results with the lab", "Zoë Núñez", at,
                   owner="Zoë Núñez", due=date(2027, 4, 9), status=ActionStatus.OPEN),
    ]
    out += [EntryFacts(10 + i, EntryKind.NOTE, f"Point {i} from the round of introductions",
                       "Gemma Rhodes", at) for i in range(30)]
    return out


@pytest.fixture
def doc() -> MinutesDocument:
    return build_document(
        lab="Action Lab 1", title="Kick-off call", meeting_number=None, zone="Europe/London",
        started_at=START, ended_at=START + timedelta(minutes=65), secretary="Priya Raman",
        present=PRESENT, apologies=APOLOGIES, entries=facts(),
        generated_at=START + timedelta(hours=2),
    )


@pytest.fixture
def empty() -> MinutesDocument:
    return build_document(
        lab="Action Lab 1", title="Quiet call", meeting_number=2, zone="Europe/London",
        started_at=START, ended_at=None, secretary=None, present=(), apologies=(),
        entries=(), generated_at=START,
    )


def squash(text: str) -> str:
    """Text without whitespace or bidi isolates: a wrapped line reads the same as one."""
    return re.sub(r"[\s\u2066-\u2069]+", "", text)


def expected_texts(doc: MinutesDocument) -> list[str]:
    """Everything each format must contain, whatever its layout."""
    return [
        doc.lab, doc.title, doc.when_utc, doc.when_local, doc.confidentiality,
        *doc.present, *doc.apologies,
        *(e.text for e in doc.notes), *(e.text for e in doc.decisions),
        *(a.text for a in doc.actions), *(a.owner for a in doc.actions),
        *(a.due.isoformat() for a in doc.actions if a.due),
    ]
