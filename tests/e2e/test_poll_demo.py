"""The demo's poll act: six members answer, the best pair becomes two meetings."""

from __future__ import annotations

import io
from pathlib import Path

from icalendar import Calendar

from bot.config import load_settings
from bot.demo import run_demo
from tests.e2e.test_polls import flat


async def test_the_demo_answers_a_poll_and_picks_a_pair_of_meetings(tmp_path: Path) -> None:
    out = io.StringIO()
    code = await run_demo(load_settings(None), out_dir=tmp_path / "demo", out=out)
    text = flat(out.getvalue())
    assert code == 0
    assert "Something went wrong" not in text and "There is no control" not in text
    assert "== Poll #1: Action Lab meetings ==" in text and "*90 slots*" in text
    assert "_early for you_" in text  # Zoë's card, in São Paulo
    assert "There is no slot 95: this poll has slots 1 to 90" in text
    assert "Everyone has answered." in text
    assert "== Best pairs for poll #1: Action Lab meetings ==" in text
    assert "== Meeting scheduled: Meeting 1 ==" in text
    assert "== Meeting scheduled: Meeting 2 ==" in text
    folder = tmp_path / "demo" / "files"
    files = sorted(folder.glob("*-poll-1-heat-map.png")) + sorted(
        folder.glob("*-meeting-*.ics"), key=lambda f: int(f.name.split("-")[0][1:]))
    assert [f.suffix for f in files] == [".png", ".ics", ".ics"]
    starts = [Calendar.from_ical(f.read_bytes()).walk("VEVENT")[0]["dtstart"].dt
              for f in files[1:]]
    assert (starts[1] - starts[0]).days >= 7  # the pair respects the week's gap
