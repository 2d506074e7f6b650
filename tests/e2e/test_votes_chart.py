"""The vote's result chart is drawn after the close commits, never while the vote's row is
held (issue 13), and still goes out with the result in the lab's channels."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.domain.tally import Result
from bot.features.votes import charts, service
from bot.messages import File
from tests.conftest import open_vote
from tests.reminders_support import make_lab

NEW = '/lab vote new "Which solution?" options "Research" "Case studies" "Clever contracts"'


async def test_the_chart_is_drawn_once_the_close_has_committed(
    app: App, clock: SettableClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = await make_lab(app, tmp_path)
    await open_vote(lab, "Gemma Rhodes", NEW)
    await lab("Zoë Núñez", "/lab rank 1 2 1")
    await lab("Amara Okafor", "/lab rank 1 1 3")
    drawn: list[int] = []
    draw = charts.results_chart

    def spy(number: int, question: str, result: Result) -> File | None:
        drawn.append(number)
        return draw(number, question, result)

    monkeypatch.setattr(charts, "results_chart", spy)
    async with app.ctx.uow() as uow:
        result = await service.close_vote(app.ctx, uow, 1, clock.now())
        assert result is not None and result.winners
        assert drawn == []  # the close holds the vote's row until the commit: nothing drawn
        await uow.commit()
    assert drawn == [1]
    posted = sorted(p.name for p in (tmp_path / "files").iterdir())
    assert any(name.endswith("vote-1-result.png") for name in posted), posted
