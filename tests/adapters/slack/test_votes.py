"""Ranked-choice votes on Slack, end to end: opened by modal and by one line, ranked with
the menus and with the ranking form, read back privately, counted at the deadline with the
chart in the post, and never a ranking shown to anyone but the one who cast it."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.config import Settings, VoteTemplate
from bot.scheduling import ManualJobs
from fakes.slack_api import Call
from tests.adapters.slack.blockkit import (
    AGO,
    LONG,
    actions,
    blocks_of,
    button,
    context,
    date,
    fields,
    header,
    image,
    menu,
    option,
    plain,
    section,
    seen_text,
    utc,
)
from tests.adapters.slack.conftest import Slack

QUESTION = "Which solution should Action Lab 1 take forward?"
SOLUTIONS = ["Micro-contracting in procurement", "Clever contracts",
             "Nurturing government staff", "Case studies", "Research"]
CLOSES = utc(2027, 1, 8, 17)  # Fri 8 Jan 2027, 17:00 London = UTC


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={
        "vote_templates": {"action-lab-1": VoteTemplate(question=QUESTION,
                                                        options=SOLUTIONS)}})


async def ballot(app: App, user: str, number: int = 1) -> list[int] | None:
    async with app.ctx.uow() as uow:
        person = await uow.people.by_identity("slack", "T1", user)
        vote = await uow.votes.by_number(1, number)
        assert person is not None and vote is not None
        found = await uow.ballots.of(vote.id, person.id)
        return list(found.ranking) if found else None


def choices(numbers: list[int]) -> list[dict]:
    return [option(f"{n}. {SOLUTIONS[n - 1]}", str(n)) for n in numbers]


async def open_template_vote(lab: Slack) -> Call:
    await lab.open_vote("UGEMMA", "vote new template action-lab-1 closes 2027-01-08 17:00")
    # Posted in the lab's channel, to be redrawn as ballots come in.
    return (await lab.fake.wait_for("chat.postMessage"))[-1]


# --- opening ------------------------------------------------------------------------------------


async def test_vote_new_alone_opens_the_modal_and_its_submission_opens_the_vote(
    lab: Slack, slack_app: App,
) -> None:
    body = lab.command_body("UGEMMA", "vote new")
    await lab.post(urlencode(body).encode(), "application/x-www-form-urlencoded")
    assert lab.fake.methods() == ["views.open"]
    view = lab.fake.last("views.open").args["view"]

    def field(name: str, label: str, max_length: int, *, multiline: bool = False,
              initial: str = "", placeholder: str = "", optional: bool = False) -> dict:
        element: dict = {"type": "plain_text_input", "action_id": name,
                         "multiline": multiline, "max_length": max_length}
        if initial:
            element["initial_value"] = initial
        if placeholder:
            element["placeholder"] = plain(placeholder)
        return {"type": "input", "block_id": name, "optional": optional,
                "label": plain(label), "element": element}

    assert view == {
        "type": "modal", "callback_id": "al1:form:vote.new",
        "title": plain("New ranked-choice vote"), "submit": plain("Open the vote"),
        "close": plain("Cancel"),
        "blocks": [
            field("question", "Question", 200,
                  placeholder="Which solution should we take on?"),
            field("options", "Options, one a line (2 to 20)", 3000, multiline=True),
            field("method", "Method: irv, stv, schulze, ranked-pairs", 16, initial="irv"),
            field("seats", "Seats", 2, initial="1"),
            field("closes", "Closes (YYYY-MM-DD HH:MM, Europe/London)", 16, optional=True,
                  placeholder="empty: a facilitator closes it"),
        ],
        "private_metadata": json.dumps({"c": "C1", "r": body["response_url"]}),
    }
    await lab.interact(lab.submission("UGEMMA", view, {
        "question": "Where do we pilot?", "options": "Lagos\nSão Paulo\nLondon",
        "method": "irv", "seats": "1", "closes": ""}))
    await lab.open_previewed("UGEMMA")
    card = (await lab.fake.wait_for("chat.postMessage"))[-1]
    assert card.args["channel"] == "C1"
    assert blocks_of(card)[:2] == [header("Vote #1: Where do we pilot?"),
                                   section("*1.* Lagos\n*2.* São Paulo\n*3.* London")]
    async with slack_app.ctx.uow() as uow:
        vote = await uow.votes.by_number(1, 1)
        assert vote is not None and vote.status == "open" and vote.closes_at is None
        assert [o.label for o in vote.options] == ["Lagos", "São Paulo", "London"]


async def test_a_vote_form_with_a_bad_date_stays_open_with_the_error_under_closes(
    lab: Slack, slack_app: App,
) -> None:
    body = lab.command_body("UGEMMA", "vote new")
    await lab.post(urlencode(body).encode(), "application/x-www-form-urlencoded")
    view = lab.fake.last("views.open").args["view"]
    lab.fake.clear()
    typed = {"question": "Where do we pilot?", "options": "Lagos\nSão Paulo\nLondon",
             "method": "irv", "seats": "1", "closes": "2027-02-30 17:00"}
    sent = await lab.interact(lab.submission("UGEMMA", view, typed))
    assert sent.status == 200 and sent.elapsed < 3.0
    assert sent.json["response_action"] == "errors"
    assert list(sent.json["errors"]) == ["closes"]
    assert "2027-02-30" in sent.json["errors"]["closes"]
    # A date in the past is refused the same way, under the same field.
    sent = await lab.interact(lab.submission("UGEMMA", view, {**typed,
                                                              "closes": "2026-12-01 17:00"}))
    assert list(sent.json["errors"]) == ["closes"]
    # Two options named alike: the error is under the options.
    sent = await lab.interact(lab.submission("UGEMMA", view, {
        **typed, "options": "Lagos\nlagos", "closes": ""}))
    assert list(sent.json["errors"]) == ["options"]
    assert lab.fake.methods() == []
    async with slack_app.ctx.uow() as uow:
        assert await uow.votes.by_number(1, 1) is None
    sent = await lab.interact(lab.submission("UGEMMA", view, {**typed,
                                                              "closes": "2027-01-08 17:00"}))
    assert (sent.status, sent.body) == (200, "")
    await lab.open_previewed("UGEMMA")
    card = (await lab.fake.wait_for("chat.postMessage"))[-1]
    assert blocks_of(card)[0] == header("Vote #1: Where do we pilot?")


async def test_the_one_line_form_with_a_template_opens_the_five_solutions(lab: Slack) -> None:
    card = await open_template_vote(lab)
    assert (card.args["channel"], card.args["text"]) == ("C1", f"Vote #1: {QUESTION} (open)")
    assert blocks_of(card) == [
        header(f"Vote #1: {QUESTION}"),
        section("\n".join(f"*{n}.* {s}" for n, s in enumerate(SOLUTIONS, 1))),
        fields("*Method*\nInstant-runoff (IRV), 1 seat",
               f"*Closes*\n{date(CLOSES, LONG, 'Fri 08 Jan 2027, 17:00 UTC')}",
               "*Results*\nhidden until the close", "*Ties*\nearlier rounds, then a seeded draw",
               "*Turnout*\n`/lab vote show 1` shows it as it stands"),
        context("Rank with the menus, or type `/lab rank 1 &lt;option numbers or names, best "
                "first&gt;`, e.g. `/lab rank 1 3 2 1`. Rank as many as you like; a ballot is "
                "secret, and you can change it until the close."),
        actions(button("Rank with menus", "al1:vote.menu:1", "primary"),
                button("Type my ranking", "al1:vote.type:1"),
                button("My ballot", "al1:vote.mine:1")),
    ]


# --- ranking, reading back, closing: and nobody sees anyone else's ranking ---------------------


async def test_rank_by_menus_and_by_form_read_back_close_and_keep_every_ballot_secret(
    lab: Slack, slack_app: App, clock: SettableClock, jobs: ManualJobs,
) -> None:
    card = await open_template_vote(lab)
    everything: list[Call] = list(lab.fake.calls)

    def keep() -> None:
        everything.extend(lab.fake.calls)
        lab.fake.clear()

    # Amara ranks with the menus: one "nth choice" select at a time, then saves.
    keep()
    await lab.click("UAMARA", card, "Rank with menus", ephemeral=False)
    ranking = lab.fake.last("response_url")
    assert (ranking.args["response_type"], ranking.args["replace_original"]) == (
        "ephemeral", False)
    assert blocks_of(ranking) == [
        header(f"Rank: {QUESTION}"),
        section("Choose your 1st choice, then your 2nd, and so on. Stop whenever you like: "
                "options you leave out count below the ones you rank."),
        actions(menu("al1:vote.pick:1:-", "1st choice", choices([1, 2, 3, 4, 5]))),
        actions(button("Type it instead", "al1:vote.type:1")),
    ]
    await lab.click("UAMARA", ranking, "1st choice", choose=["4"])
    draft = lab.fake.last("response_url")
    assert draft.args["replace_original"] is True
    assert blocks_of(draft)[1:3] == [
        section("*Your ranking so far*\n1st choice: Case studies"),
        actions(menu("al1:vote.pick:1:4", "2nd choice", choices([1, 2, 3, 5]))),
    ]
    await lab.click("UAMARA", draft, "2nd choice", choose=["2"])
    await lab.click("UAMARA", lab.fake.last("response_url"), "Save my ranking")
    saved = lab.fake.last("response_url")
    assert (saved.args["response_type"], saved.args["replace_original"]) == ("ephemeral", True)
    header_, ranked, small = blocks_of(saved)
    assert (header_, ranked) == (
        header("Ballot saved: vote #1"),
        section(f"*{QUESTION}*\n1st choice: Case studies\n2nd choice: Clever contracts"))
    assert small["type"] == "context"
    assert small["elements"][0]["text"].startswith(
        "You ranked 2 of 5; the 3 you left out count below all you ranked. Only you can see "
        f"this. You can change it until the vote closes, "
        f"{date(CLOSES, LONG, 'Fri 08 Jan 2027, 17:00 UTC')}.")
    assert await ballot(slack_app, "UAMARA") == [4, 2]
    keep()

    # Zoë types hers into the ranking form (a modal), then reads it back.
    await lab.click("UZOE", card, "Type my ranking", ephemeral=False)
    opened = lab.fake.last("views.open")
    view = opened.args["view"]
    assert (view["callback_id"], view["title"], view["submit"]) == (
        "al1:form:rank", plain("Rank: vote #1"), plain("Save my ranking"))
    assert [b["block_id"] for b in view["blocks"]] == ["vote", "options"]
    assert view["blocks"][0]["element"]["initial_value"] == "1"
    await lab.interact(lab.submission("UZOE", view, {"vote": "1", "options": "5 1 3"},
                                      view_id="VZOE"))
    readback = lab.fake.last("response_url")
    assert readback.args["response_type"] == "ephemeral"
    assert blocks_of(readback)[1] == section(
        f"*{QUESTION}*\n1st choice: Research\n2nd choice: Micro-contracting in procurement\n"
        "3rd choice: Nurturing government staff")
    await lab.click("UZOE", card, "My ballot", ephemeral=False)
    mine = lab.fake.last("response_url")
    assert mine.args["response_type"] == "ephemeral"
    assert blocks_of(mine)[0] == header("Your ballot in vote #1")
    assert await ballot(slack_app, "UZOE") == [5, 1, 3]
    # Gemma types hers on one line.
    await lab.command("UGEMMA", 'rank 1 research "case studies"')
    assert lab.fake.last("response_url").args["response_type"] == "ephemeral"
    keep()

    # At the deadline the timer closes the vote and the result is posted with its chart.
    await jobs.run_until(clock, CLOSES)
    result = lab.fake.last("chat.postMessage")
    assert result.args["channel"] == "C1"
    assert result.args["text"] == f"Vote #1: {QUESTION}: Research won (IRV, 1 round, 3 ballots)"
    blocks = blocks_of(result)
    assert blocks[0] == header("Vote #1 result: Research won")
    assert blocks[2] == fields("*Method*\nInstant-runoff (IRV), 1 seat, 3 ballots",
                               "*Turnout*\n3 of 3 members voted", "*Winner*\nResearch")
    chart = lab.fake.last("files.getUploadURLExternal").args
    assert chart["filename"] == "vote-1-result.png"
    assert chart["alt_txt"].startswith("Line chart of votes per round in vote #1")
    assert blocks[-1] == image(json.loads(
        lab.fake.last("files.completeUploadExternal").args["files"])[0]["id"], chart["alt_txt"])
    assert "channel_id" not in lab.fake.last("files.completeUploadExternal").args
    assert lab.fake.of("conversations.open") == []  # everyone had voted: no nudges
    keep()

    # Secrecy: a ranking appears only in answers to the one who cast it, never elsewhere.
    cast = {user: json.dumps(ranking)[1:-1] for user, ranking in (
        ("UAMARA", "1st choice: Case studies\n2nd choice: Clever contracts"),
        ("UZOE", "1st choice: Research\n2nd choice: Micro-contracting"),
        ("UGEMMA", "1st choice: Research\n2nd choice: Case studies"))}
    shown = 0
    for call in everything:
        text = seen_text(call)
        if "choice:" not in text:
            continue
        assert call.method == "response_url", call.method
        assert call.args["response_type"] == "ephemeral"
        owner = lab.answer_to[call.args["url_token"]]
        others = [line for user, line in cast.items() if user != owner]
        assert not any(line in text for line in others), (owner, text)
        shown += 1
    assert shown == 6  # two drafts, a save and three read-backs: each to its own voter
    public = seen_text(result)
    assert not any(name in public for name in ("Amara", "Zoë", "Gemma"))

    # The anonymised ballots, asked for in the channel, come to the asker's DMs.
    await lab.command("UZOE", "vote ballots 1")
    shared = lab.fake.last("files.completeUploadExternal").args
    assert (shared["channel_id"], shared["initial_comment"]) == ("DUZOE", "Ballots of vote #1")
    names = [f["title"] for f in json.loads(shared["files"])]
    assert names == ["vote-1-ballots.json", "vote-1-ballots.csv", "vote-1-ballots.blt"]
    ballots = json.loads(lab.fake.uploads[json.loads(shared["files"])[0]["id"]])
    assert sorted(tuple(b["ranking"]) for b in ballots["ballots"]) == [
        ("Case studies", "Clever contracts"),
        ("Research", "Case studies"),
        ("Research", "Micro-contracting in procurement", "Nurturing government staff")]
    pointer = lab.fake.last("response_url")
    assert pointer.args["response_type"] == "ephemeral"
    assert blocks_of(pointer)[-1] == context(
        "I sent you the files in our direct messages (`vote-1-ballots.json`, "
        "`vote-1-ballots.csv`, `vote-1-ballots.blt`): Slack shows no files in a message only "
        "you can see.")


async def test_the_nudge_before_the_deadline_opens_the_ranking_in_the_direct_message(
    lab: Slack, slack_app: App, clock: SettableClock, jobs: ManualJobs,
) -> None:
    await open_template_vote(lab)
    await lab.command("UGEMMA", "rank 1 5 4")
    await lab.command("UAMARA", "rank 1 4")
    lab.fake.clear()
    await jobs.run_until(clock, utc(2027, 1, 7, 17))  # 24 hours before the close
    (nudge,) = lab.fake.of("chat.postMessage")  # only Zoë has not ranked
    assert nudge.args["channel"] == "DUZOE"
    assert blocks_of(nudge) == [
        header(f"Your answer is needed: Vote #1: {QUESTION}"),
        section(f"You have not answered the vote *Vote #1: {QUESTION}* yet. It closes "
                f"{date(CLOSES, LONG, 'Fri 08 Jan 2027, 17:00 UTC')} "
                f"({date(CLOSES, AGO, 'Fri 08 Jan 2027, 17:00 UTC')})."),
        context("Action Lab 1"),
        actions(button("Rank the options", "al1:vote.menu:1", "primary")),
    ]
    await lab.click("UZOE", nudge, "Rank the options", channel="DUZOE", ephemeral=False)
    ranking = lab.fake.last("response_url")
    assert ranking.args["response_type"] == "ephemeral"
    assert blocks_of(ranking)[2] == actions(menu("al1:vote.pick:1:-", "1st choice",
                                                 choices([1, 2, 3, 4, 5])))
    await lab.click("UZOE", ranking, "1st choice", choose=["3"], channel="DUZOE")
    await lab.click("UZOE", lab.fake.last("response_url"), "Save my ranking", channel="DUZOE")
    assert await ballot(slack_app, "UZOE") == [3]
