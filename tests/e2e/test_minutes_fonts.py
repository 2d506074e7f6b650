"""The issue's own commands, through the console: `/lab apologies 李小龍` and `/lab action 李小龍
due tomorrow 准备案例研究`. The PDF export carries the names, or (with the font search pointed
at DejaVu Sans alone) the reply and the PDF say exactly which entries have gaps and which
formats keep them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.fonts import ENV, chain, dejavu_sans
from tests.conftest import Console

CHINESE = "李小龍"
ACTION = "准备案例研究"
ROCKET = "Procurement Lab 🚀 kicks off"


@pytest.fixture
async def meeting(lab: Console) -> Console:
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    await lab(CHINESE, "/lab join")
    await lab.press(CHINESE, "I accept and join")
    await lab("Priya Raman", '/lab minutes start "Kick-off call"')
    await lab("Priya Raman", f"/lab apologies {CHINESE}")
    await lab("Priya Raman", f"/lab action {CHINESE} due tomorrow {ACTION}")
    await lab("Zoë Núñez", f"/lab note {ROCKET}")
    return lab


def pdf_of(out: str) -> str:
    match = re.search(r"\[file\] (\S+\.pdf)", out)
    assert match, out
    data = Path(match.group(1)).read_bytes()
    return "".join("".join(p.extract_text().split())
                   for p in PdfReader(io.BytesIO(data)).pages)


async def test_the_pdf_keeps_the_names_with_the_fonts_found(meeting: Console) -> None:
    if chain().missing(CHINESE + ACTION + ROCKET):
        pytest.skip("this machine has no font for the issue's characters")
    out = await meeting("Priya Raman", "/lab minutes export pdf")
    text = pdf_of(out)
    assert f"Apologies(1):{CHINESE}" in text
    assert f"{ACTION}{CHINESE}" in text  # the action's row: text, then owner
    assert "ProcurementLab🚀kicksoff" in text
    assert "could not draw" not in out and "couldnotbedrawn" not in text


async def test_with_dejavu_alone_the_reply_and_the_pdf_name_what_is_missing(
        meeting: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, str(dejavu_sans()))
    out = await meeting("Priya Raman", "/lab minutes export pdf")
    assert "The PDF could not draw" in out
    assert f"apologies, name 1: {CHINESE}" in out
    assert f"action 1: {ACTION}" in out and f"action 1 (owner): {CHINESE}" in out
    assert f"note 2: {ROCKET}" in out
    assert "Export as DOCX, HTML or Markdown" in out
    text = pdf_of(out)
    assert "apologies,name1:U+674EU+5C0FU+9F8D" in text
    assert "action1:U+51C6U+5907U+6848U+4F8BU+7814U+7A76" in text
    assert "note2:U+1F680" in text
    # The formats that keep every character say nothing of the kind.
    out = await meeting("Priya Raman", "/lab minutes export md")
    assert "could not draw" not in out


# --- the heat map -----------------------------------------------------------------------

async def heat_map_reply(lab: Console) -> str:
    await lab(CHINESE, "/lab join")
    await lab.press(CHINESE, "I accept and join")
    await lab("Gemma Rhodes", '/lab poll new "案例 🚀" slots 2027-01-11T09:00,2027-01-12T09:00')
    await lab(CHINESE, "/lab poll answer 1 1 yes")
    return await lab("Gemma Rhodes", "/lab poll results 1")


async def test_the_heat_map_draws_the_name_with_the_fonts_found(lab: Console) -> None:
    if chain().missing(CHINESE + "案例 🚀", outline=True):
        pytest.skip("this machine has no outline font for the issue's characters")
    out = await heat_map_reply(lab)
    assert "heat-map.png" in out and "could not draw" not in out


async def test_with_dejavu_alone_the_heat_maps_alt_text_names_the_labels_it_lost(
        lab: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, str(dejavu_sans()))
    out = await heat_map_reply(lab)
    assert "heat-map.png" in out
    assert f"The picture could not draw some characters of: {CHINESE}, Poll #1: 案例 🚀;" in out
