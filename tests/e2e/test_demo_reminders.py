"""The demo's reminders act: reminders set in several zones, a few arriving on the
accelerated clock, and what the lab still has waiting."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot.config import load_settings
from bot.demo import run_demo


async def test_the_demo_sets_reminders_and_delivers_a_few(tmp_path: Path) -> None:
    out = io.StringIO()
    assert await run_demo(load_settings(None), out_dir=tmp_path / "demo", out=out) == 0
    text = re.sub(r"\s*\n\s*(· )?", " ", out.getvalue())
    act = text[text.index("# Reminders."):]
    assert "Something went wrong" not in act and "There is no control" not in act
    # Dates depend on where the acts before left the clock; the local times do not.
    day = r"\w{3} \d\d \w{3} \d{4}"
    assert re.search(rf"I will remind \*Zoë Núñez\* {day}, 10:00 WAT \(Africa/Lagos\)", act)
    assert re.search(rf"wait until {day}, 08:00 UTC-3 \(America/Sao_Paulo\)", act)
    assert "No member of Action Lab 1 is called `Bob`" in act
    assert "Did you mean `tomorrow`?" in act and "is in the past" in act
    assert "Cancelled: “Draft the welcome note”" in act
    delivered = re.findall(r"actionlab → (.+?) \(direct message\) == (.+?) ==", act)
    assert ("Gemma Rhodes", "Reminder") in delivered
    assert ("Zoë Núñez", "Reminder") in delivered
    assert "== Reminder for Action Lab 1 == Bring your top three options" in act
    assert "Draft the welcome note ==" not in act  # cancelled: never delivered
    assert "(held back from 21:00 PST for quiet hours) — reminder of “Meeting 1”" in act
