"""The vote's result chart is drawn after the close commits, never while the vote's row is
held (issue 13), and still goes out with the result in the lab's channels; its lines stay
apart, its labels never collide (measured with the figure's renderer) and its alt text names
every option whole (issue 18)."""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.bootstrap import App
from bot.charts import collisions, extents, png, renderer, touch
from bot.clock import SettableClock
from bot.domain.tally import Result, count
from bot.domain.tally.election import build
from bot.features.votes import charts, service
from bot.features.votes.templates import builtin_templates
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


# --- the layout (issue 18): lines apart, end labels that never collide, names whole in words --

TEMPLATE = builtin_templates()["action-lab-1"]
FIVE = tuple(label for label, _description in TEMPLATE.options)
TWELVE = (*FIVE, "Open data standards for procurement", "A shared civic tech code library",
          "Mentoring programme for new civic tech labs", "Public register of civic contracts",
          "Training for procurement officers", "Community of practice meetups",
          "Evaluation toolkit for pilots")
SAVE = os.environ.get("ACTIONLAB_SAVE_CHARTS")  # a folder to keep the pictures in, to look at


def ballots(options: Sequence[str], voters: int, seed: int) -> list[tuple[tuple[str, ...], int]]:
    """`voters` random rankings of three options each (repeatable from `seed`)."""
    chooser = random.Random(seed)
    return [(tuple(chooser.sample(list(options), 3)), 1) for _v in range(voters)]


def drawn(options: Sequence[str], method: str, cast: Sequence[tuple[tuple[str, ...], int]]
          ) -> tuple[Figure, str, Result]:
    election = build(method=method, seats=2 if method == "stv" else 1,
                     candidates=tuple(options), ballots=list(cast), seed="s")
    result = count(election)
    found = charts.results_figure(1, TEMPLATE.question, result)
    assert found is not None
    figure, alt = found
    if SAVE:
        Path(SAVE, f"vote-{len(options)}-{method}-{len(cast)}.png").write_bytes(png(figure))
    return figure, alt, result


def gid(figure: Figure, name: str) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_gid() == name and t.get_visible()]


CASES = [
    pytest.param(FIVE, "irv", [((FIVE[0], FIVE[1]), 2), ((FIVE[1], FIVE[0]), 2),
                               ((FIVE[2], FIVE[4]), 1), ((FIVE[3], FIVE[4]), 1),
                               ((FIVE[4], FIVE[0]), 1)], id="five-built-in-irv"),
    # Every option level with every other until the last round: lines run together.
    pytest.param(FIVE, "irv", [((o,), 1) for o in FIVE] + [((FIVE[0],), 1)],
                 id="five-built-in-level"),
    pytest.param(FIVE, "stv", ballots(FIVE, 9, 5), id="five-built-in-stv"),
    pytest.param(TWELVE, "irv", ballots(TWELVE, 30, 18), id="twelve-irv"),
    pytest.param(TWELVE, "irv", [((o,), 1) for o in TWELVE], id="twelve-all-level"),
    pytest.param(TWELVE, "stv", ballots(TWELVE, 40, 7), id="twelve-stv"),
]


@pytest.mark.parametrize("options, method, cast", CASES)
def test_round_lines_are_distinct_and_their_labels_never_collide(
        options: Sequence[str], method: str, cast: Sequence[tuple[tuple[str, ...], int]]
) -> None:
    figure, alt, result = drawn(options, method, cast)
    assert tuple(figure.get_size_inches()) == (7.5, 4.2)  # the size it always had
    ax = figure.axes[0]
    drawer = renderer(figure)
    lines = [line for line in ax.get_lines() if not str(line.get_label()).startswith("quota")]
    assert len(lines) == len(options)
    styles = {(line.get_color(), line.get_marker(), line.get_linestyle()) for line in lines}
    assert len(styles) == len(options)  # no two lines look alike
    assert len({line.get_marker() for line in lines}) == len(options)  # nor share a marker
    # One end label per option, none touching another, the title, an axis's labels or the
    # legend, all inside the picture.
    ends = gid(figure, charts.END_LABEL)
    assert len(ends) == len(options)
    fixed = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(),
             *ax.get_yticklabels()]
    legend = figure.legends[0].get_window_extent(drawer)
    boxes = [*extents(ends, drawer), *extents(fixed, drawer), legend]
    assert [(i, j) for i, j in collisions(boxes) if i < len(ends)] == []
    for box in boxes[:len(ends)]:
        assert figure.bbox.x0 <= box.x0 and box.x1 <= figure.bbox.x1 + 0.5
        assert figure.bbox.y0 <= box.y0 and box.y1 <= figure.bbox.y1 + 0.5
    # The legend is outside the plot, its long names wrapped onto two lines at most.
    assert not touch(legend, ax.bbox)
    for text in figure.legends[0].get_texts():
        assert all(len(part) <= charts.LEGEND_CHARS + 1 for part in text.get_text().split("\n"))
        assert text.get_text().count("\n") <= 1
    # The alt text has every name whole, and the outcome.
    assert len(alt) <= 1000 and alt.startswith("Line chart of votes per round in vote #1")
    for option in options:
        assert option in alt
    assert alt.endswith(f"{result.outcome()}.")


def test_a_winners_line_and_label_stand_out_and_say_its_count() -> None:
    figure, alt, result = drawn(*CASES[0].values)  # type: ignore[arg-type]
    assert result.winners == ["Clever contracts"]
    ends = {t.get_text(): t for t in gid(figure, charts.END_LABEL)}
    assert set(ends) == {"Clever contracts 4", "Research 3", "Micro-contracting i… 2",
                         "Case studies 1", "Nurturing governmen… 1"}
    assert ends["Clever contracts 4"].get_fontweight() == "bold"
    assert "Votes in each round: Clever contracts 2, 2, 2, 4 (won); Research 1, 2, 3, 3; " \
           "Micro-contracting in procurement 2, 2, 2 (out after round 3); Case studies 1, 1 " \
           "(out after round 2); Nurturing government staff 1 (out after round 1)." in alt


@pytest.mark.parametrize("options", [FIVE, TWELVE], ids=["five", "twelve"])
def test_head_to_head_bars_wrap_long_names_and_never_collide(options: Sequence[str]) -> None:
    figure, alt, result = drawn(options, "schulze", ballots(options, 20, 3))
    ax = figure.axes[0]
    ticks = ax.get_yticklabels()
    assert len(ticks) == len(options)
    assert collisions(extents(ticks, renderer(figure))) == []
    assert all(t.get_text().count("\n") <= 1 for t in ticks)
    width, height = figure.get_size_inches()
    assert (width, height) == (7.5, pytest.approx(0.9 + 0.32 * len(options)))
    for option in options:
        assert option in alt
    picture = charts.results_chart(1, TEMPLATE.question, result)
    assert picture is not None and picture.alt == alt and picture.data.startswith(b"\x89PNG")
