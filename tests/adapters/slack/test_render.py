"""Neutral cards and forms as the exact Block Kit JSON Slack receives."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.slack import render
from bot import action_ids
from bot.messages import (
    Button,
    Buttons,
    Card,
    Context,
    Divider,
    Fields,
    File,
    Form,
    Header,
    Image,
    Input,
    Option,
    Select,
    Text,
    at,
)

MEETING = datetime(2027, 1, 12, 14, 0, tzinfo=UTC)  # 1799762400


def test_every_block_kind_renders_to_its_block_kit_form() -> None:
    png = File("chart.png", b"\x89PNG", "image/png", alt="Votes per option")
    card = Card((
        Header("Meeting 1"),
        Text(f"Starts {at(MEETING)}, *bring ideas*"),
        Fields((("Where", "Here"), ("When", at(MEETING, "t")))),
        Buttons((Button("Yes", "al1:poll.answer:1:yes", style="primary"),
                 Button("No", "al1:poll.answer:1:no"))),
        Select("al1:lab.tz", "Your time zone",
               (Option("Europe/London", "Europe/London", "GMT or BST"), Option("UTC", "UTC")),
               initial="UTC"),
        Context("Closes soon"),
        Image(png),
        Divider(),
    ), fallback="Meeting 1 poll")
    token = "<!date^1799762400^{date_long_pretty} {time}|Tue 12 Jan 2027, 14:00 UTC>"
    assert render.blocks(card, {"chart.png": "F00000001"}) == [
        {"type": "header", "text": {"type": "plain_text", "text": "Meeting 1", "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"Starts {token}, *bring ideas*"}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": "*Where*\nHere"},
            {"type": "mrkdwn", "text": "*When*\n<!date^1799762400^{time}|14:00 UTC>"},
        ]},
        {"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Yes", "emoji": True},
             "action_id": "al1:poll.answer:1:yes", "style": "primary"},
            {"type": "button", "text": {"type": "plain_text", "text": "No", "emoji": True},
             "action_id": "al1:poll.answer:1:no"},
        ]},
        {"type": "actions", "elements": [{
            "type": "static_select", "action_id": "al1:lab.tz",
            "options": [
                {"text": {"type": "plain_text", "text": "Europe/London", "emoji": True},
                 "value": "Europe/London",
                 "description": {"type": "plain_text", "text": "GMT or BST", "emoji": True}},
                {"text": {"type": "plain_text", "text": "UTC", "emoji": True}, "value": "UTC"},
            ],
            "placeholder": {"type": "plain_text", "text": "Your time zone", "emoji": True},
            "initial_option": {"text": {"type": "plain_text", "text": "UTC", "emoji": True},
                               "value": "UTC"},
        }]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Closes soon"}]},
        {"type": "image", "slack_file": {"id": "F00000001"}, "alt_text": "Votes per option"},
        {"type": "divider"},
    ]
    assert render.message(card, images={"chart.png": "F1"})["text"] == "Meeting 1 poll"


def test_a_multi_select_allows_several_choices() -> None:
    options = tuple(Option(f"Option {n}", str(n)) for n in range(1, 6))
    (block,) = render.blocks(Card((Select("al1:vote.rank:3", "Rank", options, max_values=3),)))
    element = block["elements"][0]
    assert element["type"] == "multi_static_select"
    assert element["max_selected_items"] == 3
    assert [o["value"] for o in element["options"]] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize(("style", "shown", "fallback"), [
    ("F", "{date_long_pretty} {time}", "Tue 12 Jan 2027, 14:00 UTC"),
    ("f", "{date_pretty} {time}", "Tue 12 Jan 2027, 14:00 UTC"),
    ("D", "{date_long_pretty}", "Tue 12 Jan 2027"),
    ("d", "{date_num}", "2027-01-12"),
    ("T", "{time_secs}", "14:00 UTC"),
    ("t", "{time}", "14:00 UTC"),
    ("R", "{ago}", "Tue 12 Jan 2027, 14:00 UTC"),
])
def test_time_tokens_become_slack_date_tokens(style: str, shown: str, fallback: str) -> None:
    text = render.mrkdwn(f"at {at(MEETING, style)}.")  # type: ignore[arg-type]
    assert text == f"at <!date^1799762400^{shown}|{fallback}>."


def test_moments_either_side_of_the_clock_change_keep_their_instant() -> None:
    # Europe/London: 28 March 2027 01:00 UTC is when BST starts; Slack's token carries the
    # instant, so each reader's client shows the right local time on either side.
    before = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    after = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    text = render.mrkdwn(f"{at(before)} / {at(after)}")
    assert f"<!date^{int(before.timestamp())}^" in text
    assert f"<!date^{int(after.timestamp())}^" in text
    assert int(after.timestamp()) - int(before.timestamp()) == 3600


def test_headers_and_labels_show_times_as_named_utc() -> None:
    card = Card((Header(f"Meeting {at(MEETING, 'f')}"),
                 Buttons((Button(f"Join at {at(MEETING, 't')}", "al1:x.y:1"),))))
    header, row = render.blocks(card)
    assert header["text"]["text"] == "Meeting Tue 12 Jan 2027, 14:00 UTC"
    assert row["elements"][0]["text"]["text"] == "Join at 14:00 UTC"


def test_text_is_escaped_but_mentions_stay_live() -> None:
    text = "R&D <b> for <@U123|amara> in <#C42|lab>, not <!channel>"
    assert render.mrkdwn(text) == (
        "R&amp;D &lt;b&gt; for <@U123|amara> in <#C42|lab>, not &lt;!channel&gt;"
    )


def test_a_text_that_grows_past_slacks_limit_is_split_between_lines() -> None:
    lines = [f"• {at(MEETING)} & more" for _ in range(60)]  # ~28 chars raw, ~95 rendered
    card = Card((Text("\n".join(lines)),))
    rendered = render.blocks(card)
    assert len(rendered) > 1
    assert all(b["type"] == "section" and len(b["text"]["text"]) <= 3000 for b in rendered)
    joined = "\n".join(b["text"]["text"] for b in rendered)
    assert joined.count("<!date^") == 60  # no token was cut in half


def test_a_picture_not_uploaded_in_time_is_named_instead() -> None:
    png = File("heat.png", b"png", "image/png", alt="Availability heatmap")
    (block,) = render.blocks(Card((Image(png),)))
    assert block == {"type": "context", "elements": [
        {"type": "mrkdwn", "text": "Picture: Availability heatmap (sent as a file)"}]}


def test_a_form_becomes_a_modal_that_remembers_where_it_was_opened() -> None:
    form = Form(action_ids.encode("form", "poll.new"), "New availability poll", (
        Input("title", "Title", placeholder="Meeting 1"),
        Input("notes", "Notes", required=False, multiline=True, default="Bring ideas",
              max_length=500),
    ), submit_label="Open poll")
    origin = render.Origin("C1", "https://hooks.example/r1")
    view = render.modal(form, origin)
    assert view == {
        "type": "modal", "callback_id": "al1:form:poll.new",
        "title": {"type": "plain_text", "text": "New availability poll", "emoji": True},
        "submit": {"type": "plain_text", "text": "Open poll", "emoji": True},
        "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
        "blocks": [
            {"type": "input", "block_id": "title", "optional": False,
             "label": {"type": "plain_text", "text": "Title", "emoji": True},
             "element": {"type": "plain_text_input", "action_id": "title", "multiline": False,
                         "max_length": 200,
                         "placeholder": {"type": "plain_text", "text": "Meeting 1",
                                         "emoji": True}}},
            {"type": "input", "block_id": "notes", "optional": True,
             "label": {"type": "plain_text", "text": "Notes", "emoji": True},
             "element": {"type": "plain_text_input", "action_id": "notes", "multiline": True,
                         "max_length": 500, "initial_value": "Bring ideas"}},
        ],
        "private_metadata": json.dumps({"c": "C1", "r": "https://hooks.example/r1"}),
    }
    assert render.Origin.decode(view["private_metadata"]) == origin


@pytest.mark.parametrize("raw", [None, "", "not json", "[1, 2]", '{"c": 5}'])
def test_bad_private_metadata_reads_as_no_origin(raw: str | None) -> None:
    assert render.Origin.decode(raw).response_url is None


def test_the_home_tab_takes_up_to_a_hundred_blocks() -> None:
    card = Card(tuple(Text(f"line {n}") for n in range(50)))
    view = render.home_view(card)
    assert view["type"] == "home" and len(view["blocks"]) == 50


def test_pictures_sent_with_an_answer_are_shown_and_documents_are_not() -> None:
    png = File("heat.png", b"png", "image/png", alt="Who can come when")
    unnamed = File("raw.png", b"png", "image/png")  # no alt text: a file like any other
    pdf = File("minutes.pdf", b"%PDF", "application/pdf", alt="Minutes (PDF)")
    assert render.split_files((png, pdf, unnamed)) == ((png,), (pdf, unnamed))
    message = render.message(Card((Text("Results"),), fallback="Results of poll #1"),
                             images={"heat.png": "F7"}, pictures=(png,),
                             footer="I sent you the file <there>.")
    assert message == {"text": "Results of poll #1", "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Results"}},
        {"type": "image", "slack_file": {"id": "F7"}, "alt_text": "Who can come when"},
        {"type": "context", "elements": [
            {"type": "mrkdwn", "text": "I sent you the file &lt;there&gt;."}]},
    ]}
    # A text with a picture needs blocks too; a picture not uploaded is named instead.
    assert render.message(text="Your chart", pictures=(png,)) == {"text": "Your chart",
                                                                    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Your chart"}},
        {"type": "context", "elements": [
            {"type": "mrkdwn", "text": "Picture: Who can come when (sent as a file)"}]},
    ]}
    assert render.message(text="Just text") == {"text": "Just text"}


def test_a_long_card_keeps_its_pictures_and_small_print_within_fifty_blocks() -> None:
    png = File("heat.png", b"png", "image/png", alt="Heat map")
    card = Card(tuple(Text(f"line {n}") for n in range(50)))
    blocks = render.message(card, "Intro", {"heat.png": "F1"}, pictures=(png,),
                            footer="Small print")["blocks"]
    assert len(blocks) == 50
    assert blocks[0]["text"]["text"] == "Intro"
    assert blocks[-3]["elements"][0]["text"] == \
        "(Cut short: this message is longer than Slack shows.)"
    assert blocks[-2]["type"] == "image" and blocks[-1]["type"] == "context"
