"""A vote is previewed before it is posted: `/lab vote new ...` (typed, a template or the
form) answers privately with what would open, in the reader's zone, and Open the vote /
Change / Cancel; nothing is posted or counted until Open."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.bootstrap import App
from storage.models import FormDraft, Vote
from tests.conftest import Console

LINE = ('/lab vote new "Where do we pilot?" options "Lagos | A city of 20 million. Busy." '
        '"London" method schulze results live closes 2027-01-11 17:00')


async def votes(app: App) -> int:
    async with app.ctx.uow() as uow:
        return int(await uow.session.scalar(select(func.count(Vote.id))) or 0)


async def test_the_preview_shows_the_vote_privately_and_posts_nothing(
    lab: Console, app: App,
) -> None:
    out = await lab("Amara Okafor", "/lab tz Africa/Lagos")
    out = await lab("Gemma Rhodes", LINE)
    assert "only Gemma Rhodes sees this" in out and "actionlab\n" not in out
    assert "== Preview: Where do we pilot? ==" in out
    assert "*1.* Lagos — A city of 20 million." in out and "*2.* London" in out
    assert "Method: Schulze" in out and "Seats: 1" in out
    assert "Results: a running count" in out
    # The close in the reader's zone, named.
    assert "Closes: Mon 11 Jan 2027, 17:00 GMT (Europe/London)" in out
    assert "[" in out and "] Open the vote" in out and "] Change" in out and "] Cancel" in out
    assert await votes(app) == 0
    # Open: the vote is posted for everyone, as the command used to do at once.
    opened = await lab.press("Gemma Rhodes", "Open the vote")
    assert "Vote #1 is open: Where do we pilot?" in opened
    async with app.ctx.uow() as uow:
        vote = (await uow.session.scalars(select(Vote))).one()
        assert (vote.method, vote.results) == ("schulze", "live")
        assert [o.description for o in vote.options] == ["A city of 20 million. Busy.", None]
        assert int(await uow.session.scalar(select(func.count(FormDraft.id))) or 0) == 0
    shown = await lab("Amara Okafor", "/lab vote show 1")
    assert "Vote #1: Where do we pilot?" in shown
    # The preview is replaced by what became of it: its buttons are gone.
    assert "no control 'Open the vote'" in await lab.press("Gemma Rhodes", "Open the vote")
    assert await votes(app) == 1


async def test_cancel_opens_nothing_and_change_brings_the_form_back_filled(
    lab: Console, app: App,
) -> None:
    await lab("Gemma Rhodes", LINE)
    out = await lab.press("Gemma Rhodes", "Cancel")
    assert "Cancelled: no vote was opened, and nothing was posted." in out
    assert await votes(app) == 0
    await lab("Gemma Rhodes", LINE)
    # Change: the form with what was typed; `results live` (no field of the form) is kept.
    lab.adapter.queue("Where do we pilot first?", "", "", "", "")
    out = await lab.press("Gemma Rhodes", "Change")
    assert "Question [Where do we pilot?]: " in out
    assert "[schulze]" in out and "[2027-01-11 17:00]" in out
    assert "== Preview: Where do we pilot first? ==" in out
    assert "Results: a running count" in out
    assert await votes(app) == 0
    await lab.press("Gemma Rhodes", "Open the vote")
    async with app.ctx.uow() as uow:
        vote = (await uow.session.scalars(select(Vote))).one()
        assert (vote.question, vote.results) == ("Where do we pilot first?", "live")
        assert [o.label for o in vote.options] == ["Lagos", "London"]
