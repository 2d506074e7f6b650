"""The poll's heat map reads by day and local start time in the reader's zone (issue 18):
each day labelled once, times under it and slot numbers under them, thinned when dense so
that no two labels overlap (measured with the figure's own renderer), right across a
daylight-saving change, with everything also in the alt text."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.bootstrap import App
from bot.charts import collisions, extents, png, renderer
from bot.features.polls.charts import (
    DAY_ROW,
    NUMBER_ROW,
    TIME_ROW,
    heat_map,
    heat_map_figure,
)
from bot.features.polls.loaded import Loaded, load
from tests.conftest import Console

ISSUE_LINE = ('/lab poll new "Meeting 1" 2027-01-11..2027-01-22 days mon-fri window 09:00-18:00 '
              'tz Europe/London length 60m step 60m closes 2027-01-08 17:00')
SAVE = os.environ.get("ACTIONLAB_SAVE_CHARTS")  # a folder to keep the pictures in, to look at


async def loaded_poll(app: App, number: int = 1) -> Loaded:
    async with app.ctx.uow() as uow:
        poll = await uow.polls.by_number(1, number)
        assert poll is not None
        return await load(uow, poll)


def row(figure: Figure, gid: str) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_gid() == gid and t.get_visible()]


def labels(figure: Figure, gid: str) -> list[str]:
    return [t.get_text() for t in row(figure, gid)]


def assert_apart(figure: Figure) -> None:
    """No two x-axis labels (days, times, numbers) touch, nor any of them the axis title or
    a tick label of another axis, all as the renderer measures them."""
    drawer = renderer(figure)
    ax = figure.axes[0]
    texts = [*row(figure, DAY_ROW), *row(figure, TIME_ROW), *row(figure, NUMBER_ROW),
             ax.xaxis.label, *ax.get_yticklabels()]
    boxes = extents(texts, drawer)
    assert collisions(boxes) == [], [(texts[i].get_text(), texts[j].get_text())
                                     for i, j in collisions(boxes)]
    inside = figure.bbox
    for box in boxes:  # nothing cut off at the picture's edges
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1 + 0.5, box
        assert inside.y0 <= box.y0 and box.y1 <= inside.y1 + 0.5, box


def keep(figure: Figure, name: str) -> None:
    if SAVE:
        Path(SAVE, name).write_bytes(png(figure))


async def test_columns_read_by_day_and_time_in_the_readers_zone(lab: Console, app: App) -> None:
    await lab("Gemma Rhodes", '/lab poll new "M" slots 2027-01-11T09:00,2027-01-11T14:30,'
                              '2027-01-12T09:00,2027-01-19T09:00 tz Europe/London')
    loaded = await loaded_poll(app)
    figure, _letters = heat_map_figure(loaded, "Africa/Lagos")
    keep(figure, "heat-4-lagos.png")
    assert labels(figure, DAY_ROW) == ["Mon, Jan 11", "Tue, Jan 12", "Tue, Jan 19"]
    assert labels(figure, TIME_ROW) == ["10:00", "15:30", "10:00", "10:00"]  # WAT, GMT+1
    assert labels(figure, NUMBER_ROW) == ["#1", "#2", "#3", "#4"]
    assert figure.axes[0].get_xlabel() == "Start, Africa/Lagos (WAT)"
    assert_apart(figure)
    # Each day's label is over its own columns, its times under it.
    drawer = renderer(figure)
    day = row(figure, DAY_ROW)[0].get_window_extent(drawer)
    times = [t.get_window_extent(drawer) for t in row(figure, TIME_ROW)]
    assert day.y0 > times[0].y1 and times[0].x0 < day.x1 and times[2].x0 > day.x1

    picture = heat_map(loaded, "Asia/Kolkata")
    assert picture.alt is not None
    assert "Best slot" not in picture.alt  # nobody has answered yet
    assert "Columns by day, in Asia/Kolkata: Mon, Jan 11 #1–#2 (14:30–20:00); Tue, Jan 12 " \
           "#3 (14:30); Tue, Jan 19 #4 (14:30)." in picture.alt


@pytest.mark.parametrize("line, count", [
    ('/lab poll new "One" slots 2027-01-11T09:00 tz Europe/London', 1),
    ('/lab poll new "Week" 2027-01-11..2027-01-15 window 09:00-13:00 tz Europe/London', 20),
    (ISSUE_LINE, 90),
    ('/lab poll new "Daily" 2027-01-05..2027-04-09 days mon-sun window 09:00-10:00 '
     'tz Europe/London', 95),
    ('/lab poll new "Busy" 2027-01-11..2027-01-17 days mon-sun window 00:00-23:59 step 60m '
     'tz Europe/London', 161),
])
async def test_labels_never_overlap_from_one_slot_to_a_hundred_and_more(
        lab: Console, app: App, line: str, count: int) -> None:
    await lab("Gemma Rhodes", "/lab settings window 00:00-23:59 days mon-sun")
    out = await lab("Gemma Rhodes", line)
    assert f"*{count} slot" in out.replace("\n", " "), out
    loaded = await loaded_poll(app)
    for zone in ("Europe/London", "Asia/Kolkata"):
        figure, _letters = heat_map_figure(loaded, zone)
        keep(figure, f"heat-{count}-{zone.replace('/', '-')}.png")
        assert_apart(figure)
        width, height = figure.get_size_inches()
        assert width <= 18 and height <= 12  # the size it always had at most
        times, numbers = row(figure, TIME_ROW), row(figure, NUMBER_ROW)
        assert len(times) == len(numbers) >= 1  # some slots always labelled, with numbers
        # Every label sits under its own column: the time's and number's centres match.
        drawer = renderer(figure)
        for t, n in zip(times, numbers, strict=True):
            a, b = t.get_window_extent(drawer), n.get_window_extent(drawer)
            assert abs((a.x0 + a.x1) / 2 - (b.x0 + b.x1) / 2) < 1
    if count == 20:  # four slots a day, every other one labelled, each day from its first
        figure, _letters = heat_map_figure(loaded, "Europe/London")
        assert labels(figure, TIME_ROW) == ["09:00", "11:00"] * 5
    if count == 90:  # ten weekdays of nine slots: every day named, each from its first slot
        figure, _letters = heat_map_figure(loaded, "Europe/London")
        assert len(row(figure, DAY_ROW)) == 10
        shown = labels(figure, NUMBER_ROW)
        assert all(f"#{1 + 9 * d}" in shown for d in range(10)), shown
        assert 10 < len(shown) < 90  # thinned, but more than the day starts
    picture = heat_map(loaded, "Europe/London")
    assert picture.data.startswith(b"\x89PNG") and len(picture.data) < 1_000_000
    assert picture.alt is not None and len(picture.alt) <= 1000
    assert "Columns by day, in Europe/London: " in picture.alt


async def test_times_stay_right_across_the_clocks_going_forward(lab: Console, app: App) -> None:
    # Europe/London goes from GMT to BST at 01:00 GMT on Sunday 28 March 2027.
    await lab("Gemma Rhodes", "/lab settings window 00:00-23:59 days mon-sun")
    await lab("Gemma Rhodes", '/lab poll new "Spring" 2027-03-27..2027-03-29 days mon-sun '
                              'window 09:00-11:00 tz Europe/London')
    await lab("Gemma Rhodes", '/lab poll new "Night" slots 2027-03-28T00:00,2027-03-28T02:00,'
                              '2027-03-28T03:00 tz Europe/London')
    spring = await loaded_poll(app, 1)
    assert [s.hour for s in spring.starts] == [9, 10, 8, 9, 8, 9]  # UTC moves, the wall not
    figure, _letters = heat_map_figure(spring, "Europe/London")
    keep(figure, "heat-dst-spring.png")
    assert labels(figure, TIME_ROW) == ["09:00", "10:00"] * 3
    assert labels(figure, DAY_ROW) == ["Sat, Mar 27", "Sun, Mar 28", "Mon, Mar 29"]
    assert figure.axes[0].get_xlabel() == "Start, Europe/London (GMT/BST)"
    assert_apart(figure)
    # Read from Lagos (no daylight saving) the same slots move by an hour instead.
    figure, _letters = heat_map_figure(spring, "Africa/Lagos")
    assert labels(figure, TIME_ROW) == ["10:00", "11:00", "09:00", "10:00", "09:00", "10:00"]
    assert figure.axes[0].get_xlabel() == "Start, Africa/Lagos (WAT)"

    night = await loaded_poll(app, 2)
    assert night.starts == [datetime(2027, 3, 28, h, tzinfo=UTC) for h in (0, 1, 2)]
    figure, _letters = heat_map_figure(night, "Europe/London")
    assert labels(figure, TIME_ROW) == ["00:00", "02:00", "03:00"]  # 01:00 never happens
    assert labels(figure, NUMBER_ROW) == ["#1", "#2", "#3"]
    alt = heat_map(night, "Europe/London").alt
    assert alt is not None and "Sun, Mar 28 #1–#3 (00:00–03:00)" in alt


async def test_the_results_heat_map_is_in_the_readers_zone(lab: Console, app: App) -> None:
    await lab("Gemma Rhodes", '/lab poll new "M" slots 2027-01-11T09:00,2027-01-12T09:00 '
                              'tz Europe/London')
    await lab("Amara Okafor", "/lab poll answer 1 1-2 yes")
    out = await lab("Priya Raman", "/lab poll results 1")
    text = " ".join(out.split())
    assert "heat-map.png" in text
    assert "Best slot: #1, Mon 11 Jan 2027, 14:30 IST (Asia/Kolkata)" in text
    assert "Columns by day, in Asia/Kolkata: Mon, Jan 11 #1 (14:30); Tue, Jan 12 #2 " \
           "(14:30)." in text
