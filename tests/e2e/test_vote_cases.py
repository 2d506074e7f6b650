"""Options with their case, through the console: the built-in template of the first lab's five
solutions (no configuration), summaries on the ballot, the full text one click away, the
winner's case in the result and the minutes' decision, and descriptions refused when too long
or too late."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import App
from bot.domain.options import DESCRIPTION_LENGTH, split_option, summary
from bot.features.votes.templates import builtin_templates
from storage.models import MinuteEntry, VoteOption
from tests.conftest import Console, open_vote


def flat(text: str) -> str:
    return " ".join(text.replace("\n  · ", " ").split())


def test_the_first_lab_template_ships_with_the_package() -> None:
    template = builtin_templates()["action-lab-1"]
    assert [label for label, _ in template.options] == [
        "Micro-contracting in procurement", "Clever contracts", "Nurturing government staff",
        "Case studies", "Research"]
    for label, description in template.options:
        assert description and 300 < len(description) <= DESCRIPTION_LENGTH, label
        brief = summary(description)
        assert brief and len(brief) <= 75
    assert "literature reviews" in dict(template.options)["Research"]


def test_an_option_line_splits_at_the_first_bar() -> None:
    assert split_option("Research | Summaries | and more") == ("Research", "Summaries | and more")
    assert split_option("Research") == ("Research", None)
    assert split_option("Research |  ") == ("Research", None)
    assert summary("*Shaking up* procurement: small bids. More here.") == \
        "Shaking up procurement: small bids."


async def test_a_vote_on_the_built_in_template_shows_each_case(lab: Console, app: App) -> None:
    # The conftest settings configure no template: the built-in one answers.
    assert app.ctx.settings.vote_templates == {}
    out = await open_vote(lab, "Gemma Rhodes", "/lab vote new template action-lab-1")
    assert "Vote #1: Which solution should Action Lab 1 take forward?" in out
    assert "*4.* Case studies — Concrete examples of civic tech interventions" in flat(out)
    assert "Read the options" in out
    # The ballot's menu carries each option's summary beside its name.
    out = await lab("Amara Okafor", ":press Rank with menus")
    assert "5) 5. Research — Making existing research on public/private contracting" \
        in flat(out)
    # The full text, one click away.
    out = await lab("Amara Okafor", ":press Read the options")
    assert "== The options of vote #1" in out
    assert "only Amara Okafor sees this" in out
    assert "summaries of useful existing research ('literature reviews')" in flat(out)
    assert "bootcamp sessions or wider civic tech events" in flat(out)
    # Ranking and closing: the result and the minutes' decision carry the winner's case.
    out = await lab("Gemma Rhodes", '/lab minutes start "First call"')
    assert "== Minutes: First call ==" in out, out
    for who in ("Gemma Rhodes", "Amara Okafor", "Zoë Núñez"):
        await lab(who, "/lab rank 1 5 4")
    out = await lab("Gemma Rhodes", "/lab vote close 1")
    assert "Research won" in out
    out = await lab("Gemma Rhodes", "/lab vote show 1")
    assert "*Research*: Making existing research" in flat(out)
    async with app.ctx.uow() as uow:
        entry = (await uow.session.scalars(select(MinuteEntry))).one()
    assert entry.text.startswith("Vote “Which solution should Action Lab 1 take forward?” "
                                 "closed. Research won")
    assert "literature reviews" in entry.text


async def test_options_typed_with_a_bar_carry_their_description(lab: Console, app: App
                                                                ) -> None:
    out = await open_vote(lab, "Gemma Rhodes",
                          '/lab vote new "Best?" options "Research | Read it all. '
                                    'Then more." "Case studies"')
    assert "*1.* Research — Read it all." in out
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(VoteOption).order_by(VoteOption.id))).all()
    assert [(o.label, o.description) for o in rows] == [
        ("Research", "Read it all. Then more."), ("Case studies", None)]


async def test_describe_sets_and_refuses_descriptions(lab: Console, app: App) -> None:
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Best?" options "Research" "Case studies"')
    out = await lab("Gemma Rhodes", '/lab vote describe 1 research "Summaries of research."')
    assert "Option 1, Research, of vote #1 now reads, in brief: Summaries of research." in out
    # Over the limit: refused, privately, and the text already stored kept.
    long = "x" * (DESCRIPTION_LENGTH + 1)
    out = await lab("Gemma Rhodes", f'/lab vote describe 1 1 "{long}"')
    assert "only Gemma Rhodes sees this" in out
    assert f"at most {DESCRIPTION_LENGTH} fit" in out and "was not changed" in out
    out = await open_vote(lab, "Gemma Rhodes", f'/lab vote new "Q" options "A | {long}" "B"')
    assert f"at most {DESCRIPTION_LENGTH} fit" in out
    # Without the text, a form opens with the current text to edit.
    out = await lab("Gemma Rhodes", "/lab vote describe 1 2", "1", "2", "Real examples.", "")
    assert "Option 2, Case studies, of vote #1 now reads, in brief: Real examples." in out
    # Members only read it; once someone has ranked, it no longer changes.
    out = await lab("Amara Okafor", '/lab vote describe 1 1 "Mine"')
    assert "Only facilitators can use" in out
    await lab("Amara Okafor", "/lab rank 1 2 1")
    out = await lab("Gemma Rhodes", '/lab vote describe 1 1 "Changed"')
    assert "Members have started ranking in vote #1" in out
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(VoteOption).order_by(VoteOption.id))).all()
    assert [o.description for o in rows][:2] == ["Summaries of research.", "Real examples."]
