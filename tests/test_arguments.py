"""The one grammar every adapter shares: positional, keyword and rest arguments."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import Field

from bot.arguments import Args, Kw, Pos, Rest, build, parse_text, tokenize, usage
from bot.errors import BadArguments


class PollNew(Args):
    title: Annotated[str, Pos("title")]
    dates: Annotated[str | None, Pos("start..end")] = None
    days: Annotated[str | None, Kw("mon-fri", words=1)] = None
    window: Annotated[str | None, Kw("HH:MM-HH:MM", words=1)] = None
    closes: Annotated[str | None, Kw("YYYY-MM-DD HH:MM")] = None
    options: Annotated[list[str] | None, Kw("option")] = None


class Action(Args):
    member: Annotated[str, Pos("member")]
    due: Annotated[str | None, Kw("date", words=1)] = None
    text: Annotated[str, Rest("text")]


class Rank(Args):
    vote: int
    choices: Annotated[list[str], Pos("option"), Field(min_length=1)]


class RoleArgs(Args):
    member: Annotated[str, Pos("member", greedy=True)]
    role: Literal["facilitator", "secretary", "member"]


def test_keywords_run_to_the_next_keyword() -> None:
    text = '"Meeting 1" 2027-01-11..2027-01-22 days mon-fri window 09:00-18:00 ' \
           'closes 2027-01-08 17:00'
    assert parse_text(PollNew, text) == {
        "title": "Meeting 1", "dates": "2027-01-11..2027-01-22", "days": "mon-fri",
        "window": "09:00-18:00", "closes": "2027-01-08 17:00",
    }


def test_a_list_keyword_collects_quoted_words() -> None:
    got = parse_text(PollNew, 'Q options "Case studies" "Research" days mon')
    assert got["options"] == ["Case studies", "Research"]
    assert got["days"] == "mon"


def test_a_quoted_word_is_never_a_keyword() -> None:
    assert parse_text(PollNew, '"days"')["title"] == "days"


def test_rest_keeps_the_text_verbatim() -> None:
    got = parse_text(Action, 'Amara due 2027-01-20 send "the" draft, it\'s due')
    assert got == {"member": "Amara", "due": "2027-01-20",
                   "text": 'send "the" draft, it\'s due'}


def test_a_list_positional_takes_the_remaining_words() -> None:
    assert parse_text(Rank, "2 4 1 5") == {"vote": "2", "choices": ["4", "1", "5"]}
    assert build(Rank, parse_text(Rank, "2 4 1"), "u").choices == ["4", "1"]  # type: ignore[attr-defined]


def test_a_greedy_positional_leaves_a_word_for_each_later_field() -> None:
    assert parse_text(RoleArgs, "Priya Raman secretary") == {
        "member": "Priya Raman", "role": "secretary",
    }


def test_curly_quotes_group_words_like_straight_ones() -> None:
    assert [t.value for t in tokenize("“Meeting 1” now")] == ["Meeting 1", "now"]


def test_an_unexpected_word_is_reported() -> None:
    with pytest.raises(BadArguments, match="did not expect `extra`"):
        parse_text(PollNew, '"Meeting 1" 2027-01-11..2027-01-22 extra')


def test_a_keyword_without_a_value_says_so() -> None:
    with pytest.raises(BadArguments, match="`window` needs a value"):
        parse_text(PollNew, "T window")


def test_validation_errors_end_with_the_usage_line() -> None:
    with pytest.raises(BadArguments) as err:
        build(RoleArgs, {"member": "Priya", "role": "boss"}, usage("role", RoleArgs))
    assert "facilitator" in err.value.message
    assert err.value.message.endswith("Usage: `/lab role <member> <facilitator|secretary|member>`")


def test_missing_arguments_are_named() -> None:
    with pytest.raises(BadArguments, match=r"Missing <text>"):
        build(Action, {"member": "Amara"}, usage("action", Action))


def test_usage_lines_are_built_from_the_model() -> None:
    assert usage("action", Action) == "/lab action <member> [due <date>] <text>"
    assert usage("rank", Rank) == "/lab rank <vote> <option>..."
    assert usage("poll new", PollNew).startswith("/lab poll new <title> [<start..end>] [days")


# --- command_line: a form's fields as the one line that reads back the same -------------------


@pytest.mark.parametrize(("name", "form"), [
    ("poll new", {"title": "Meeting 1", "dates": "2027-01-11..2027-01-22", "days": "mon-fri",
                  "window": "09:00-18:00", "tz": "Europe/London"}),
    ("vote new", {"question": "Which solution?",
                  "options": "Micro-contracting in procurement\nClever contracts\nmethod\n"
                             'The "research" option',
                  "method": "stv", "seats": "2", "closes": "2027-01-11 17:00"}),
    ("rank", {"vote": "2", "options": 'research "case studies" 4'}),
    ("action", {"member": "Priya Raman", "due": "fri", "text": 'Draft the "terms" due soon'}),
])
def test_a_form_as_one_line_reads_back_as_the_same_arguments(
    name: str, form: dict[str, str]
) -> None:
    from bot.arguments import command_line, normalize_options
    from bot.bootstrap import build_router

    spec = build_router().commands[name]
    values = normalize_options(spec.args, form)
    line = command_line(name, spec.args, values)
    assert line.startswith(f"/lab {name} ")
    assert parse_text(spec.args, line.removeprefix(f"/lab {name} ")) == values


def test_a_value_spelled_like_a_keyword_or_with_spaces_is_quoted() -> None:
    from bot.arguments import command_line

    line = command_line("poll new", PollNew, {"title": "days", "dates": "2027-01-11..2027-01-12",
                                              "closes": "2027-01-08 17:00",
                                              "options": ["A b", "window", 'say "hi"']})
    assert line == ('/lab poll new "days" 2027-01-11..2027-01-12 closes "2027-01-08 17:00" '
                    'options "A b" "window" “say "hi"”')
    assert parse_text(PollNew, line.removeprefix("/lab poll new ")) == {
        "title": "days", "dates": "2027-01-11..2027-01-12", "closes": "2027-01-08 17:00",
        "options": ["A b", "window", 'say "hi"']}


class Limit(Args):
    limit: Annotated[int | None, Kw("number", words=1), Field(ge=1, le=20)] = None
    name: Annotated[str | None, Kw("name"), Field(max_length=5)] = None


@pytest.mark.parametrize(("typed", "message"), [
    ("limit 0", "`limit` must be at least 1 (you gave `0`)"),
    ("limit 21", "`limit` must be at most 20 (you gave `21`)"),
    ("limit six", "`limit` takes a whole number (you gave `six`)"),
    ("name Action Lab", "`name` takes at most 5 characters (you gave `Action Lab`)"),
])
def test_a_bad_typed_value_is_named_by_its_keyword_in_plain_words(
    typed: str, message: str
) -> None:
    with pytest.raises(BadArguments) as caught:
        build(Limit, parse_text(Limit, typed), usage("settings", Limit))
    assert caught.value.message.splitlines()[0] == message
