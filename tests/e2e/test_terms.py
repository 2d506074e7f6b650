"""Terms of reference through the console, the whole path: a vote on the five built-in
solutions with their descriptions on the ballot, the terms pre-filled from the winner and the
minutes, two members editing one section at once (the later save sees what changed and
merges; nothing is lost), an objection and its resolution, approval, and every export parsed
back; with each bad input the issue names."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jsonschema
from docx import Document
from lxml import html as lxml_html
from pypdf import PdfReader
from sqlalchemy import select

from bot.bootstrap import App
from bot.domain.terms import CONFIDENTIAL, SECTION_LENGTH
from bot.exports.terms import schema
from storage.models import TermsDraft
from tests.conftest import Console, open_vote


def flat(text: str) -> str:
    return " ".join(text.replace("\n  · ", " ").split())


def saved(out: str, ext: str) -> Path:
    found = re.findall(rf"\[file\] (\S+\.{ext})", out)
    assert found, out
    return Path(found[-1])


async def decided(lab: Console) -> None:
    """Vote 1 on the built-in template, with a decision and an action item in the minutes."""
    out = await open_vote(lab, "Gemma Rhodes", "/lab vote new template action-lab-1")
    assert "*5.* Research — Making existing research" in flat(out)
    await lab("Gemma Rhodes", '/lab minutes start "First call"')
    for who, ranking in (("Gemma Rhodes", "5 4"), ("Amara Okafor", "5 1"),
                         ("Zoë Núñez", "4 5"), ("Priya Raman", "5 2")):
        await lab(who, f"/lab rank 1 {ranking}")
    await lab("Gemma Rhodes", "/lab vote close 1")
    await lab("Gemma Rhodes", "/lab decision The grant goes to a literature review first")
    await lab("Gemma Rhodes", "/lab action Amara due 2027-02-01 Draft the budget")
    await lab("Gemma Rhodes", "/lab minutes end")


async def test_terms_before_any_vote_closed_are_refused(lab: Console) -> None:
    out = await lab("Gemma Rhodes", "/lab terms start")
    assert "only Gemma Rhodes sees this" in out
    assert "no vote has closed yet. Close the vote first" in flat(out)
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Q" options "A" "B"')
    out = await lab("Gemma Rhodes", "/lab terms start")
    assert "no vote has closed yet" in flat(out)
    out = await lab("Amara Okafor", "/lab terms show")
    assert "has no terms of reference yet" in flat(out)


async def test_the_whole_path_from_vote_to_approved_terms(lab: Console, app: App) -> None:
    await decided(lab)
    out = await lab("Gemma Rhodes", "/lab terms start")
    assert "#lab · actionlab" in out
    assert "== Terms of reference: Research ==" in out
    for heading in ("Background and challenge", "The chosen solution", "Objectives",
                    "Deliverables", "Timeline", "Budget and grant", "Who can apply and how",
                    "Reporting"):
        assert heading in out
    # Pre-filled: the winner's case, the minutes' decision and action item, the settings.
    out = flat(await lab("Amara Okafor", "/lab terms section 2"))
    assert "Making existing research on public/private contracting reachable" in out
    out = flat(await lab("Amara Okafor", "/lab terms section 1"))
    assert "The grant goes to a literature review first" in out and "Research won" in out
    out = flat(await lab("Amara Okafor", "/lab terms section deliverables"))
    assert "Amara Okafor: Draft the budget (due 2027-02-01)" in out
    out = flat(await lab("Amara Okafor", "/lab terms section 5"))
    assert "Europe/London" in out

    # Two members edit the objectives at once, both from version 1.
    out = await lab("Amara Okafor", "/lab terms edit 3", "3", "1",
                    "Reach ten councils.\nPublish the review.")
    assert "Amara Okafor* saved section 3, Objectives, as version 2" in out
    out = await lab("Zoë Núñez", '/lab terms edit 3 version 1 "What Research should achieve: '
                                 'a summary anyone can read."')
    assert "only Zoë Núñez sees this" in out
    assert "== Section 3 changed while you edited it ==" in out
    assert "+Reach ten councils." in out  # what changed meanwhile
    assert "Your text (kept, not lost)" in out and "a summary anyone can read" in out
    yours = saved(out, "txt")
    assert "a summary anyone can read" in yours.read_text()
    async with app.ctx.uow() as uow:
        (draft,) = (await uow.session.scalars(select(TermsDraft))).all()
        assert "anyone can read" in draft.text and draft.base_version == 1
    # Merge: the form holds both texts (they changed the same line), marked; she settles it.
    out = await lab("Zoë Núñez", ":press Merge", "3", "2",
                    "Reach ten councils.\nPublish the review.\nA summary anyone can read.")
    assert "<<<<<<< saved meanwhile" in out  # what the form offered
    assert "Zoë Núñez* saved section 3, Objectives, as version 3" in out
    out = await lab("Priya Raman", "/lab terms history 3")
    assert re.search(r"v3: Zoë Núñez.*\n.*v2: Amara Okafor.*\n.*v1: Gemma Rhodes.*pre-filled",
                     out), out
    out = await lab("Priya Raman", "/lab terms diff 3 1")
    assert "+A summary anyone can read." in out
    out = await lab("Priya Raman", '/lab terms comment 6 "Is the grant in GBP or USD?"')
    assert "Priya Raman* on section 6, Budget and grant: Is the grant in GBP or USD?" in out
    assert "Is the grant in GBP or USD?" in await lab("Gemma Rhodes", "/lab terms section 6")

    # The consent round: an objection blocks approval until it is resolved.
    out = await lab("Gemma Rhodes", "/lab terms approve")
    assert "open a round with `/lab terms consent` first" in out
    out = await lab("Gemma Rhodes", "/lab terms consent closes 2027-01-20 17:00")
    assert "== Consent round on the terms of reference: Research ==" in out
    await lab("Gemma Rhodes", ":press Agree")
    await lab("Amara Okafor", "/lab terms answer stand-aside")
    out = await lab("Zoë Núñez", "/lab terms answer object")
    assert "An objection needs the section it is about and a reason" in out
    out = await lab("Zoë Núñez", "/lab terms answer object section 6 reason No figure for the "
                                 "grant yet.")
    assert "Zoë Núñez* objects to section 6, Budget and grant: No figure for the grant yet." \
        in out
    out = await lab("Gemma Rhodes", "/lab terms approve")
    assert "only Gemma Rhodes sees this" in out
    assert "The draft has 1 open objection: it cannot be approved" in flat(out)
    out = await lab("Gemma Rhodes", '/lab terms edit 6 "A grant of GBP 10,000, paid in two '
                                    'parts."')
    assert "Objections to it are open (1)" in out
    await lab("Zoë Núñez", "/lab terms answer agree")
    out = flat(await lab("Priya Raman", "/lab terms consent"))
    assert "Agree: Gemma Rhodes, Zoë Núñez" in out and "Stand aside: Amara Okafor" in out
    out = await lab("Gemma Rhodes", "/lab terms approve")
    assert "== Terms of reference approved: Research ==" in out
    out = await lab("Amara Okafor", '/lab terms edit 2 "Late change"')
    assert "are approved: their text no longer changes" in out

    # Every export, parsed back; confidential until marked public.
    out = await lab("Amara Okafor", "/lab terms export json")
    data = json.loads(saved(out, "json").read_text())
    jsonschema.validate(data, schema())
    assert data["status"] == "approved" and data["confidentiality"] == CONFIDENTIAL
    objectives = data["sections"][2]
    assert objectives["version"] == 3 and [h["version"] for h in objectives["history"]] == \
        [1, 2, 3]
    assert objectives["history"][1]["author"] == "Amara Okafor"
    assert {a["answer"] for a in data["consent"]["answers"]} == {"agree", "stand_aside"}
    out = await lab("Amara Okafor", "/lab terms export md")
    md = saved(out, "md").read_text()
    assert md.startswith("# Terms of reference: Research") and CONFIDENTIAL in md
    assert "## 6. Budget and grant\n\nA grant of GBP 10,000, paid in two parts." in md
    out = await lab("Amara Okafor", "/lab terms export html")
    page = lxml_html.fromstring(saved(out, "html").read_bytes())
    assert page.xpath("string(//p[@class='notice'])") == CONFIDENTIAL
    assert len(page.xpath("//section/h2")) == 8
    out = await lab("Amara Okafor", "/lab terms export pdf")
    text = "".join(p.extract_text() for p in PdfReader(saved(out, "pdf")).pages)
    assert "Budget and grant" in text and "Confidential" in text
    out = await lab("Amara Okafor", "/lab terms export docx")
    docx = Document(io.BytesIO(saved(out, "docx").read_bytes()))
    paragraphs = [p.text for p in docx.paragraphs]
    assert "6. Budget and grant" in paragraphs and CONFIDENTIAL in paragraphs
    out = await lab("Amara Okafor", "/lab terms public")
    assert "Only facilitators can use" in out
    await lab("Gemma Rhodes", "/lab terms public")
    out = await lab("Amara Okafor", "/lab terms export md")
    assert CONFIDENTIAL not in saved(out, "md").read_text()


async def test_bad_edits_are_refused_and_nothing_is_lost(lab: Console, app: App) -> None:
    await decided(lab)
    await lab("Gemma Rhodes", "/lab terms start")
    long = "x" * (SECTION_LENGTH + 1)
    out = await lab("Amara Okafor", f'/lab terms edit 3 "{long}"')
    assert f"at most {SECTION_LENGTH} fit" in out and "The section was not changed." in out
    out = await lab("Amara Okafor", '/lab terms edit 3 version 9 "Text"')
    assert "Section 3 has no version 9; it is at version 1." in out
    out = await lab("Amara Okafor", '/lab terms edit 42 "Text"')
    assert "No section is `42`" in out
    out = await lab("Amara Okafor", "/lab terms answer agree")
    assert "No consent round is open" in out
