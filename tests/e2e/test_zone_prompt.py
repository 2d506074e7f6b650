"""A member the platform gives no zone is asked for one, privately, once ever."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from adapters.console.app import ConsoleAdapter
from bot.bootstrap import App, create_app
from bot.messages import (
    NOTHING,
    Action,
    Actor,
    Command,
    Form,
    Input,
    MessageRef,
    Place,
    Reaction,
    Reply,
)
from bot.zone_prompt import ZONE_PROMPT, worth_asking
from tests.conftest import Console

ASKED = ZONE_PROMPT.split("?")[0]  # "Which time zone are you in" (the console wraps the rest)


async def zone(app: App, user_id: str) -> str | None:
    async with app.ctx.uow() as uow:
        person = await uow.people.by_identity("console", "local", user_id)
    assert person is not None
    return person.timezone


async def test_the_console_asks_once_after_the_answer_and_the_picker_sets_the_zone(
    console: Console, app: App,
) -> None:
    out = await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    assert out.index("Action Lab 1 is set up") < out.index(ASKED)  # the answer, then ask
    assert "only Gemma Rhodes sees this\n  " + ASKED in out
    assert "[1] Your time zone" in out
    out = await console("Gemma Rhodes", "/lab members")
    assert ASKED not in out
    out = await console.press("Gemma Rhodes", "Your time zone", "Asia/Manila")
    assert "Your time zone is now Asia/Manila" in out
    assert await zone(app, "gemma-rhodes") == "Asia/Manila"


async def test_only_members_are_asked(console: Console) -> None:
    await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    out = await console("Amara Okafor", "/lab help")  # in the lab's channel, not a member
    assert ASKED not in out
    await console("Amara Okafor", "/lab join")
    out = await console.press("Amara Okafor", "I accept and join")
    assert "Welcome to Action Lab 1" in out.split(ASKED)[0]


def test_no_question_where_it_cannot_or_need_not_be_asked() -> None:
    amara = Actor("discord", "discord", "1", "Amara")
    channel, direct = Place("discord", "9", "5"), Place("discord", "@me", "6", direct=True)
    assert worth_asking(Command(amara, channel, text="members"), Reply.say("..."))
    assert worth_asking(Action(amara, channel, "al1:lab.members:1"), NOTHING)
    assert not worth_asking(Command(amara, direct, text="home"), Reply.say("..."))
    assert not worth_asking(Command(replace(amara, tz="Africa/Lagos"), channel, text="x"),
                            Reply.say("..."))
    assert not worth_asking(Command(amara, channel, text="poll new"),
                            Reply(form=Form("al1:form:poll.new", "New poll",
                                            (Input("question", "Question"),))))
    assert not worth_asking(Reaction(amara, channel, "memo", MessageRef(
        "discord", "9", "5", "7"), None, "We agreed"), NOTHING)


async def test_asked_once_ever_not_once_a_run(console: Console, app: App,
                                              tmp_path: Path) -> None:
    out = await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    assert ASKED in out
    # The same database, a new process.
    again = await create_app(app.ctx.settings, clock=app.ctx.clock, jobs=app.ctx.jobs)
    try:
        buffer = io.StringIO()
        restarted = Console(ConsoleAdapter(again.ctx, out=buffer, user="Gemma Rhodes",
                                           files_dir=tmp_path / "files"), buffer)
        out = await restarted("Gemma Rhodes", "/lab members")
        assert "Gemma Rhodes" in out and ASKED not in out
    finally:
        await again.close()
