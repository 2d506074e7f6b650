"""Cards check the stricter of Slack's and Discord's limits when they are built."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import action_ids
from bot.messages import (
    Button,
    Buttons,
    Card,
    CardLimitError,
    Fields,
    File,
    Form,
    Header,
    Image,
    Input,
    Option,
    Reply,
    Select,
    Text,
    at,
    render_times,
    shorten,
)


def btn(i: int) -> Button:
    return Button(f"b{i}", action_ids.encode("poll.answer", 1, i))


def test_a_card_within_limits_builds() -> None:
    card = Card((Header("Poll #1"), Text("Pick slots"), Buttons(tuple(btn(i) for i in range(5)))))
    assert card.title == "Poll #1"
    assert len(card.controls()) == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: Buttons(tuple(btn(i) for i in range(6))),  # 6 buttons in a row
        lambda: Card(tuple(Buttons((btn(i),)) for i in range(6))),  # 6 control rows
        lambda: Select("x", "pick", tuple(Option(str(i), str(i)) for i in range(26))),
        lambda: Card(tuple(Text("x") for _ in range(51))),  # 51 blocks
        lambda: Text("x" * 3001),
        lambda: Header("x" * 151),
        lambda: Button("x" * 76, "al1:a:1"),
        lambda: Button("ok", "al1:a:" + "1" * 100),  # id over 100 characters
        lambda: Fields(tuple((f"k{i}", "v") for i in range(11))),
        lambda: Card((Text("x" * 3000), Text("x" * 3000), Text("x" * 100))),  # 6100 chars
        lambda: Card((Buttons((btn(1),)), Buttons((btn(1),)))),  # the same id twice
        lambda: Form("al1:form:x", "A title far too long for Slack", (Input("a", "A"),)),
        lambda: Form("al1:form:x", "Six", tuple(Input(f"i{i}", "L") for i in range(6))),
        lambda: Image(File("x.png", b"", "image/png")),  # no alt text
        lambda: Reply(text="x" * 2001),
    ],
)
def test_overflow_fails_when_the_card_is_built(make: object) -> None:
    with pytest.raises(CardLimitError):
        make()  # type: ignore[operator]


def test_time_tokens_round_trip() -> None:
    moment = datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    text = f"Meeting at {at(moment)} ({at(moment, 'R')})"
    seen = []
    out = render_times(text, lambda m, s: seen.append((m, s)) or "X")
    assert out == "Meeting at X (X)"
    assert seen == [(moment, "F"), (moment, "R")]


def test_at_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        at(datetime(2027, 1, 1))


def test_shorten_marks_the_cut() -> None:
    assert shorten("abcdef", 4) == "abc…"
    assert shorten("abc", 4) == "abc"


def test_followups_come_after_the_reply_and_are_private_messages_of_their_own() -> None:
    question = Reply(card=Card((Text("Which time zone are you in?"),)))
    reply = Reply.say("Done.", private=False).then(question)
    assert reply.followups == (question,) and reply.text == "Done."
    assert Reply().then(question).empty  # nothing to answer with, yet something to follow
    for wrong in (Reply.say("for all", private=False), Reply(form=Form(
            "al1:form:poll.new", "New poll", (Input("q", "Question"),))),
            Reply(card=question.card, replace=True)):
        with pytest.raises(CardLimitError):
            Reply.say("Done.").then(wrong)
