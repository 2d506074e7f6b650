"""The demo's minutes act: a meeting's minutes with the demo members, and an export in every
format into the folder the demo names."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
from pypdf import PdfReader

from bot.config import Settings
from bot.demo import run_demo
from bot.demo.minutes import FOLDER, KHAI, MOHAMED, ZOE
from bot.exports import FORMATS
from bot.exports.json import schema


async def test_the_demo_takes_minutes_and_exports_every_format(
    settings: Settings, tmp_path: Path
) -> None:
    out = io.StringIO()
    assert await run_demo(settings, out_dir=tmp_path / "demo", out=out) == 0
    text = out.getvalue()
    assert "Something went wrong" not in text and "Traceback" not in text
    assert "== Minutes: Kick-off call ==" in text
    assert f"{MOHAMED}'s message is in the minutes of “Kick-off call” as note 4" in text
    assert "No member of Action Lab 1 is called `Bob`" in text
    assert "is in the past" in text and "Add with this date" in text
    assert "== Minutes of Kick-off call: summary ==" in text
    assert "Only the secretary and facilitators can use `/lab minutes export`" in text
    folder = tmp_path / "demo" / FOLDER
    assert f"The minutes in every format are in {folder}" in text
    files = {p.suffix[1:]: p for p in folder.iterdir()}
    assert sorted(files) == sorted(FORMATS)
    data = json.loads(files["json"].read_bytes())
    jsonschema.validate(data, schema(), format_checker=jsonschema.FormatChecker())
    assert {ZOE, KHAI, MOHAMED} <= set(data["attendance"]["present"])
    assert data["attendance"]["apologies"] == ["Tom Fletcher"]
    assert data["dropped"] == [10]
    assert {a["owner"] for a in data["action_items"]} == {KHAI, MOHAMED, ZOE, "Amara Okafor"}
    pdf = "\n".join(p.extract_text() for p in PdfReader(files["pdf"]).pages)
    for name in (ZOE, KHAI, MOHAMED):
        assert name in pdf
    assert "Confidential" in files["html"].read_text() and MOHAMED in files["md"].read_text()
