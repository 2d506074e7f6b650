"""Applying and reviewing on Discord, end to end: the real discord.py client and the real
applications feature against the fake Discord, asserted on what the bot sends."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import App
from fakes import discord_payloads as p
from storage.models import Application, ApplicationReview
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.helpers import MODAL, lab, private, text_of


async def test_apply_through_the_modal_and_score_through_the_command(bot: Bot, app: App) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "membership", "open", closes="2027-01-20",
                           hear="2027-02-01"))
    # Tom, of the server but no member, applies: a modal of the five questions.
    rec = await bot.send(p.slash(p.TOM, "membership", "apply"))
    assert rec.json["type"] == MODAL
    modal = rec.json["data"]
    assert modal["custom_id"].startswith("al1:app.form:")
    inputs = [row["components"][0] for row in modal["components"]]
    assert len(inputs) == 5  # Discord's limit for one modal
    assert inputs[4]["label"].startswith("2 meetings 09-18 GMT =")
    fields = {i["custom_id"]: f"answer {n}" for n, i in enumerate(inputs)}
    rec = await bot.send(p.modal_submit(p.TOM, modal["custom_id"], fields))
    assert private(rec) and "Your application to Action Lab 1" in text_of(rec)
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Application))).all()
        assert [(a.user_id, a.complete) for a in rows] == [(str(p.TOM[0]), True)]
    # A second application opens no form: it shows the first, to change.
    rec = await bot.send(p.slash(p.TOM, "membership", "apply"))
    assert rec.json["type"] != MODAL and "already applied" in text_of(rec)

    rec = await bot.send(p.slash(p.GEMMA, "membership", "score", number=1,
                                 scores="4 3 5 2 4 note Clear"))
    assert private(rec) and "you: interest 4" in text_of(rec)
    rec = await bot.send(p.slash(p.GEMMA, "membership", "score", number=1, scores="7 3 5 2 4"))
    assert "from 1 to 5" in text_of(rec)
    async with app.ctx.uow() as uow:
        review = (await uow.session.scalars(select(ApplicationReview))).one()
        assert review.scores["interest"] == 4 and review.note == "Clear"
