"""Closing a lab through the console: `/lab archive` asks first while a vote is open, makes
the lab read-only (every command and control answers that it is archived, when, by whom and
how to get its record, but help, members and record), and sends one zip whose every part is
opened and checked; `/lab record` sends it again."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

from lxml import html as lxml_html
from pypdf import PdfReader

from bot.bootstrap import App
from bot.domain.ballots import read
from bot.domain.tally import count
from tests.conftest import Console, open_vote

PNG = b"\x89PNG\r\n\x1a\n"


def flat(text: str) -> str:
    return " ".join(text.replace("\n  · ", " ").split())


def zips(out: str) -> list[Path]:
    return [Path(p) for p in re.findall(r"\[file\] (\S+\.zip)", out)]


async def a_lab_with_a_record(lab: Console) -> None:
    """Minutes with a decision and an action item, a poll with answers, a closed vote on the
    built-in solutions, terms of reference with a second version of a section."""
    await lab("Gemma Rhodes", '/lab minutes start "First call"')
    await lab("Gemma Rhodes", "/lab note We met and read the five solutions.")
    await lab("Gemma Rhodes", '/lab poll new "Second call" 2027-01-11..2027-01-12')
    await lab("Amara Okafor", "/lab poll answer 1 1-4 yes")
    await lab("Zoë Núñez", "/lab poll answer 1 1-2 no")
    await open_vote(lab, "Gemma Rhodes", "/lab vote new template action-lab-1")
    for who, ranking in (("Gemma Rhodes", "5 4"), ("Amara Okafor", "5 1"),
                         ("Zoë Núñez", "4 5"), ("Priya Raman", "5 2")):
        await lab(who, f"/lab rank 1 {ranking}")
    await lab("Gemma Rhodes", "/lab vote close 1")
    await lab("Gemma Rhodes", "/lab decision The grant goes to a literature review first")
    await lab("Gemma Rhodes", "/lab action Amara due 2027-02-01 Draft the budget")
    await lab("Gemma Rhodes", "/lab minutes end")
    await lab("Gemma Rhodes", "/lab terms start")
    out = await lab("Amara Okafor", '/lab terms edit 3 version 1 "Reach ten councils."')
    assert "as version 2" in out


async def test_archive_asks_first_then_closes_the_lab_with_its_record(
        lab: Console, app: App) -> None:
    await a_lab_with_a_record(lab)
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Still deciding?" options "Yes" "No"')
    await lab("Amara Okafor", "/lab rank 2 1 2")

    out = await lab("Amara Okafor", "/lab archive")
    assert "Only facilitators can use `/lab membership archive`" in out
    out = flat(await lab("Gemma Rhodes", "/lab archive"))
    assert "only Gemma Rhodes sees this" in out
    assert "Archive Action Lab 1?" in out and "read-only" in out and "/lab record" in out
    assert "Still open: poll #1 (Second call); vote #2 (Still deciding?)." in out
    assert "Close them first (`/lab poll close 1`, `/lab vote close 2`), or archive anyway" \
        in out
    assert "] Archive anyway" in out and "] Keep" in out
    out = await lab.press("Gemma Rhodes", "Keep")
    assert "Kept: Action Lab 1 is as it was" in out
    async with app.ctx.uow() as uow:
        the_lab = await uow.labs.get(1)
        assert the_lab is not None and the_lab.archived_at is None

    await lab("Zoë Núñez", "/lab terms show")  # its section menu, pressed once archived
    await lab("Gemma Rhodes", "/lab archive")
    out = await lab.press("Gemma Rhodes", "Archive anyway")
    assert "Archived: Action Lab 1 is read-only now. Closed on the way: poll #1, vote #2." in \
        flat(out)
    assert "Vote #2" in out and "Yes won" in out  # its result, posted as a close posts it
    assert "*Action Lab 1* is archived: Gemma Rhodes closed it" in out
    assert "actionlab → Gemma Rhodes (direct message)" in out
    (bundle,) = zips(out)
    async with app.ctx.uow() as uow:
        the_lab = await uow.labs.get(1)
        assert the_lab is not None and the_lab.archived_at is not None
        assert the_lab.archived_by_id is not None
        vote = await uow.votes.by_number(1, 2)
        assert vote is not None and vote.status == "closed"
        poll = await uow.polls.by_number(1, 1)
        assert poll is not None and poll.status == "closed"
        assert not [r for r in await uow.reminders.of_lab(1) if r.status == "pending"]
    check_bundle(bundle)

    # Read-only: commands and controls answer that it is archived, and how to get the record.
    for who, line in (("Amara Okafor", '/lab poll new "Third" 2027-01-18'),
                      ("Gemma Rhodes", "/lab vote close 2"),
                      ("Priya Raman", "/lab note Too late"),
                      ("Gemma Rhodes", "/lab archive"),
                      ("Zoë Núñez", "/lab terms show")):
        out = flat(await lab(who, line))
        assert f"only {who} sees this" in out
        assert ("Action Lab 1 is archived: Gemma Rhodes archived it on Mon 04 Jan 2027" in out
                ), out
        assert "`/lab record`" in out and 'actionlab export --lab "Action Lab 1"' in out
    out = flat(await lab.press("Zoë Núñez", "Edit a section", "3"))
    assert "only Zoë Núñez sees this" in out
    assert "Action Lab 1 is archived: Gemma Rhodes archived it" in out
    out = flat(await lab("Tom Fletcher", "/lab join"))
    assert "The lab here was archived on" in out and "Action Lab 1" not in out
    # Still open: help, members, and the record.
    assert "actionlab: what you can type" in await lab("Priya Raman", "/lab help")
    assert "Amara Okafor* — member" in await lab("Priya Raman", "/lab members")
    out = await lab("Priya Raman", "/lab record")
    assert "I am sending you the record of Action Lab 1 in a direct message" in out
    assert "actionlab → Priya Raman (direct message)" in out
    (again,) = zips(out)
    assert sorted(zipfile.ZipFile(again).namelist()) == sorted(
        zipfile.ZipFile(bundle).namelist())
    async with app.ctx.uow() as uow:
        actions = [e.action for e in await uow.audit.for_lab(1)]
        assert "lab.archived" in actions and actions[-1] == "lab.record"


def check_bundle(path: Path) -> None:
    """Open the zip and check each part: parsed, read, re-counted, its text extracted."""
    archive = zipfile.ZipFile(path)
    names = archive.namelist()
    assert names[0] == "index.html"
    expected = {
        *(f"minutes/01-minutes-action-lab-1-first-call-2027-01-04.{fmt}"
          for fmt in ("md", "html", "pdf", "docx", "json")),
        "polls/poll-1-results.csv", "polls/poll-1-results.json", "polls/poll-1-heat-map.png",
        "votes/vote-1-result.json", "votes/vote-1-result.png", "votes/vote-1-ballots.json",
        "votes/vote-1-ballots.csv", "votes/vote-1-ballots.blt",
        "votes/vote-2-result.json", "votes/vote-2-ballots.json",
        "votes/vote-2-ballots.csv", "votes/vote-2-ballots.blt",
        *(f"terms/terms-of-reference-1.{fmt}" for fmt in ("md", "html", "pdf", "docx", "json")),
        "terms/terms-of-reference-1-history.md",
        "audit/audit-log.csv", "audit/audit-log.md",
    }
    assert expected <= set(names), sorted(expected - set(names))

    # The index: the lab, its dates, members and notice, and a link to every other file.
    page = lxml_html.fromstring(archive.read("index.html"))
    text = " ".join(page.text_content().split())
    assert "The record of Action Lab 1" in text
    assert "Confidential: the record of Action Lab 1" in text
    assert "Set up on Mon 04 Jan 2027" in text and "Archived on" in text
    assert "by Gemma Rhodes" in text
    for member in ("Gemma Rhodes", "Amara Okafor", "Zoë Núñez", "Priya Raman"):
        assert member in text
    links = {a.get("href") for a in page.iter("a")}
    assert links == set(names) - {"index.html"}

    # Minutes: JSON parsed, PDF text extracted.
    minutes = json.loads(archive.read(
        "minutes/01-minutes-action-lab-1-first-call-2027-01-04.json"))
    assert minutes["decisions"][-1]["text"] == "The grant goes to a literature review first"
    pdf = PdfReader(io.BytesIO(archive.read(
        "minutes/01-minutes-action-lab-1-first-call-2027-01-04.pdf")))
    assert "Draft the budget" in " ".join(p.extract_text() for p in pdf.pages)

    # The poll: CSV read, JSON parsed, PNG signature.
    rows = list(csv.reader(io.StringIO(archive.read("polls/poll-1-results.csv").decode())))
    assert rows[0][:6] == ["slot", "starts_at_utc", "starts_local (Europe/London)", "yes",
                           "if_need_be", "no"]
    head = rows[0]
    assert rows[1][head.index("Amara Okafor")] == "yes"
    assert rows[1][head.index("Zoë Núñez")] == "no"
    assert rows[3][head.index("Zoë Núñez")] == ""
    poll = json.loads(archive.read("polls/poll-1-results.json"))
    assert poll["title"] == "Second call" and poll["slots"][0]["answers"]["Amara Okafor"] == "yes"
    assert poll["slots"][0]["yes"] == 1 and poll["slots"][0]["no"] == 1
    assert archive.read("polls/poll-1-heat-map.png").startswith(PNG)

    # The closed vote: its result, and its ballots re-counted from each format to the same.
    result = json.loads(archive.read("votes/vote-1-result.json"))
    assert result["question"] and len(result["options"]) == 5
    assert result["options"][4]["description"]
    winner = result["result"]["winners"]
    assert archive.read("votes/vote-1-result.png").startswith(PNG)
    for fmt in ("json", "csv", "blt"):
        text_ = archive.read(f"votes/vote-1-ballots.{fmt}").decode()
        election, _title = read(text_, fmt, method=result["method"], seats=result["seats"],
                                tie_break=result["tie_break"], seed=result["seed"])
        assert list(count(election).winners) == winner
        assert election.ballots == 4
    assert "Gemma" not in archive.read("votes/vote-1-ballots.csv").decode()

    # Terms of reference: JSON with its history, the history page, PDF text.
    terms = json.loads(archive.read("terms/terms-of-reference-1.json"))
    objectives = terms["sections"][2]
    assert objectives["version"] == 2 and len(objectives["history"]) == 2
    history = archive.read("terms/terms-of-reference-1-history.md").decode()
    assert "### v2: Amara Okafor" in history and "Reach ten councils." in history
    pdf = PdfReader(io.BytesIO(archive.read("terms/terms-of-reference-1.pdf")))
    assert "Reach ten councils." in " ".join(p.extract_text() for p in pdf.pages)

    # The audit log: CSV read, and in sentences.
    audit = list(csv.DictReader(io.StringIO(archive.read("audit/audit-log.csv").decode())))
    assert audit[0]["action"] == "lab.setup"
    assert audit[-1]["action"] == "lab.archived"
    assert audit[-1]["sentence"] == "Gemma Rhodes archived the lab, closing poll #1, vote #2."
    words = archive.read("audit/audit-log.md").decode()
    assert "Gemma Rhodes set up the lab “Action Lab 1”." in words
    # What the archive closed is on record as closed by who archived, not by a deadline.
    assert "Gemma Rhodes closed poll #1 (Second call): Best slot: #1" in words
    assert "Gemma Rhodes closed vote #2: Yes won" in words and "deadline" not in words


async def test_archive_with_nothing_open_and_a_card_gone_stale(lab: Console, app: App) -> None:
    out = flat(await lab("Gemma Rhodes", "/lab archive"))
    assert "Still open" not in out and "] Archive the lab" in out
    # A vote opens before the confirmation is pressed: it asks again, naming it.
    await lab("Amara Okafor", "/lab help")
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Late?" options "A" "B"')
    out = flat(await lab.press("Gemma Rhodes", "Archive the lab"))
    assert "Something changed since you asked. Archive Action Lab 1?" in out
    assert "Still open: vote #1 (Late?)" in out
    async with app.ctx.uow() as uow:
        the_lab = await uow.labs.get(1)
        assert the_lab is not None and the_lab.archived_at is None
    await lab("Gemma Rhodes", "/lab vote close 1")
    await lab("Gemma Rhodes", "/lab archive")
    out = flat(await lab.press("Gemma Rhodes", "Archive the lab"))
    assert "Archived: Action Lab 1 is read-only now. Its record is on its way" in out
    (bundle,) = zips(out)
    archive = zipfile.ZipFile(bundle)
    page = lxml_html.fromstring(archive.read("index.html"))
    assert {a.get("href") for a in page.iter("a")} == set(archive.namelist()) - {"index.html"}
    text = " ".join(page.text_content().split())
    assert "Minutes None." in text  # a section with nothing says so


async def test_two_facilitators_archive_once(lab: Console, app: App) -> None:
    await lab("Gemma Rhodes", "/lab role Amara facilitator")
    await lab("Gemma Rhodes", "/lab archive")
    await lab("Amara Okafor", "/lab archive")
    out = flat(await lab.press("Gemma Rhodes", "Archive the lab"))
    assert "Archived: Action Lab 1 is read-only now." in out
    # Amara's confirmation, pressed after: refused, and nothing is archived twice.
    out = flat(await lab.press("Amara Okafor", "Archive the lab"))
    assert "only Amara Okafor sees this" in out
    # In her own zone, named.
    assert "Gemma Rhodes archived it on Mon 04 Jan 2027, 11:00 WAT (Africa/Lagos)" in out
    assert "Archived:" not in out
    async with app.ctx.uow() as uow:
        archived = [e for e in await uow.audit.for_lab(1) if e.action == "lab.archived"]
        assert len(archived) == 1
