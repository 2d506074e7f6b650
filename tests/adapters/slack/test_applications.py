"""Applying and reviewing on Slack, end to end: the real applications feature behind the real
AsyncApp, over signed HTTP, against the fake Web API."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import App
from storage.models import Application, ApplicationReview
from tests.adapters.slack.conftest import Slack


async def test_apply_through_the_modal_then_a_reviewer_scores_with_the_score_modal(
        lab: Slack, slack_app: App) -> None:
    await lab.command("UGEMMA", "call open closes 2027-01-20 hear 2027-02-01")
    card = lab.fake.last("response_url")
    lab.fake.clear()
    # Someone of the workspace who is not a member presses Apply on the call's card.
    await lab.click("UNADIA", card, "Apply", ephemeral=False)
    opened = lab.fake.last("views.open")
    view = opened.args["view"]
    assert view["callback_id"].startswith("al1:app.form:")
    labels = [b["label"]["text"] for b in view["blocks"]]
    assert labels[0] == "Interest and experience in the topic" and len(labels) == 5
    assert labels[4].startswith("2 meetings 09-18 GMT =")
    lab.fake.clear()
    answers = {b["block_id"]: f"answer {n}" for n, b in enumerate(view["blocks"])}
    await lab.interact(lab.submission("UNADIA", view, answers))
    async with slack_app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Application))).all()
        assert [(a.number, a.user_id, a.complete, a.answers["interest"]) for a in rows] == [
            (1, "UNADIA", True, "answer 0")]

    # The facilitator reads it and scores it through the Score modal.
    await lab.command("UGEMMA", "application 1")
    review = lab.fake.last("response_url")
    assert "Application #1" in str(review.args["blocks"])
    assert "answer 0" in str(review.args["blocks"])
    lab.fake.clear()
    await lab.click("UGEMMA", review, "Score")
    view = lab.fake.last("views.open").args["view"]
    assert view["callback_id"].startswith("al1:app.scored:")
    lab.fake.clear()
    await lab.interact(lab.submission("UGEMMA", view, {"scores": "4 3 5 2 4",
                                                      "note": "Good on procurement"},
                                      view_id="V2"))
    scored = lab.fake.last("response_url")
    assert "you: interest 4, collaboration 3" in str(scored.args["blocks"])
    assert "your note: Good on procurement" in str(scored.args["blocks"])
    async with slack_app.ctx.uow() as uow:
        reviews = (await uow.session.scalars(select(ApplicationReview))).all()
        assert [(r.scores, r.note) for r in reviews] == [(
            {"interest": 4, "collaboration": 3, "confidentiality": 5, "perspectives": 2,
             "availability": 4}, "Good on procurement")]

    # A score out of range is refused, privately, and nothing changes.
    await lab.command("UGEMMA", "score 1 9 3 5 2 4")
    said = lab.fake.last("response_url")
    assert "from 1 to 5" in said.args["text"]
    async with slack_app.ctx.uow() as uow:
        review_row = (await uow.session.scalars(select(ApplicationReview))).one()
        assert review_row.scores["interest"] == 4
