"""Cards and forms as Discord embeds, components and modals (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.discord.render import (
    EMBED_DESCRIPTION,
    EMBED_TOTAL,
    markdown,
    plain,
    render_card,
    render_form,
    render_reply,
)
from bot.features.lab import tz_picker
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
    Reply,
    Select,
    Text,
    at,
)

# The Sunday the clocks go back in London: 01:30 happens twice; Discord's timestamps are
# absolute moments, so each reader's client gets it right in their own zone.
AUTUMN = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
SPRING = datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def test_times_become_discord_timestamps() -> None:
    assert markdown(f"Starts {at(AUTUMN)}, {at(AUTUMN, 'R')}") == (
        f"Starts <t:{int(AUTUMN.timestamp())}:F>, <t:{int(AUTUMN.timestamp())}:R>")
    assert markdown(at(SPRING, "t")) == f"<t:{int(SPRING.timestamp())}:t>"


def test_where_discord_shows_text_literally_times_are_utc_with_the_zone_named() -> None:
    assert plain(f"Meeting {at(AUTUMN)}") == "Meeting Sun 31 Oct 2027, 00:30 UTC"
    assert plain(at(SPRING, "t")) == "01:00 UTC"
    assert plain(at(SPRING, "D")) == "Sun 28 Mar 2027"


def test_light_markdown_becomes_discords() -> None:
    assert markdown("*Amara Okafor* joined") == "**Amara Okafor** joined"
    assert markdown("• *Gemma* — facilitator") == "• **Gemma** — facilitator"
    assert markdown("_italic_ stays") == "_italic_ stays"
    assert markdown("2*3*4 and * bullet *") == "2*3*4 and * bullet *"
    assert markdown("**already** bold") == "**already** bold"
    assert markdown("`/lab *not bold*` but *bold*") == "`/lab *not bold*` but **bold**"


def test_a_card_keeps_its_order_across_embeds() -> None:
    card = Card((
        Header("Poll: first meeting"),
        Text("Pick every slot you can make."),
        Fields((("Closes", at(AUTUMN)), ("Votes", "3 of 6"))),
        Text("After the fields"),
        Divider(),
        Context("Times are in your own zone."),
        Header("Second part"),
        Text("More"),
    ))
    out = render_card(card)
    first, second, third = (e.to_dict() for e in out.embeds)
    assert first["title"] == "Poll: first meeting"
    assert first["description"] == "Pick every slot you can make."
    assert first["fields"] == [
        {"name": "Closes", "value": f"<t:{int(AUTUMN.timestamp())}:F>", "inline": True},
        {"name": "Votes", "value": "3 of 6", "inline": True}]
    assert second["description"].startswith("After the fields")
    assert second["description"].endswith("-# Times are in your own zone.")
    assert (third["title"], third["description"]) == ("Second part", "More")
    assert out.view is None


def test_a_header_with_a_time_is_written_in_utc() -> None:
    out = render_card(Card((Header(f"Meeting {at(SPRING)}"),)))
    assert out.embeds[0].title == "Meeting Sun 28 Mar 2027, 01:00 UTC"


def test_controls_become_rows_of_dynamic_items_with_the_action_ids() -> None:
    card = Card((
        Text("Choose"),
        Buttons((Button("Yes", "al1:poll.answer:7:yes", style="primary"),
                 Button("No", "al1:poll.answer:7:no", style="danger"),
                 Button("Later", "al1:poll.answer:7:later"))),
        Select("al1:vote.rank:3:1", "First choice", (
            Option("Research", "r", description="Read first"), Option("Case studies", "c")),
            initial="c", max_values=2),
    ))
    rows = render_card(card).view.to_components()  # type: ignore[union-attr]
    assert [[c["custom_id"] for c in row["components"]] for row in rows] == [
        ["al1:poll.answer:7:yes", "al1:poll.answer:7:no", "al1:poll.answer:7:later"],
        ["al1:vote.rank:3:1"]]
    assert [c["style"] for c in rows[0]["components"]] == [1, 4, 2]
    select = rows[1]["components"][0]
    assert (select["min_values"], select["max_values"], select["placeholder"]) == (
        1, 2, "First choice")
    assert select["options"] == [
        {"label": "Research", "value": "r", "description": "Read first", "default": False},
        {"label": "Case studies", "value": "c", "default": True}]


def test_the_zone_picker_renders_as_one_select() -> None:
    rows = render_card(tz_picker("Which zone?")).view.to_components()  # type: ignore[union-attr]
    (select,) = rows[0]["components"]
    assert select["custom_id"] == "al1:lab.tz:" and len(select["options"]) == 20
    assert {"label": "America/Sao Paulo", "value": "America/Sao_Paulo",
            "default": False} in select["options"]


def test_pictures_are_attached_and_shown_in_the_embed() -> None:
    chart = File("chart.png", b"png", "image/png", alt="Availability")
    out = render_card(Card((Header("Results"), Image(chart))),
                      files=(File("poll.csv", b"x", "text/csv"),))
    assert out.embeds[0].image.url == "attachment://chart.png"
    assert [f.name for f in out.files] == ["poll.csv", "chart.png"]
    (first, second) = out.discord_files()
    assert first.filename == "poll.csv" and second.description == "Availability"
    assert out.discord_files()[1].fp.read() == b"png"  # fresh each time, for retries


def test_long_cards_stay_within_discords_embed_limits() -> None:
    long = "word " * 580  # 2900 characters, a legal Text block
    card = Card(tuple(Text(f"*{i}* {long}") for i in range(2)))
    out = render_card(card)
    assert all(len(e.description or "") <= EMBED_DESCRIPTION for e in out.embeds)
    assert sum(len(e) for e in out.embeds) <= EMBED_TOTAL
    many = Card(tuple(b for i in range(12) for b in (Fields(((f"k{i}", "v"),)), Text(f"t{i}")))
                [:24])
    out = render_card(many)
    assert len(out.embeds) <= 10
    assert "t11" in (out.embeds[-1].description or "")


def test_a_text_reply_is_plain_content() -> None:
    out = render_reply(Reply.say(f"Your time zone is *Europe/London*; next {at(AUTUMN)}."))
    assert out.content == ("Your time zone is **Europe/London**; next "
                           f"<t:{int(AUTUMN.timestamp())}:F>.")
    assert out.embeds == [] and out.view is None


def test_a_form_becomes_a_modal_whose_inputs_are_named_by_argument() -> None:
    form = Form("al1:form:poll.new", "New poll", (
        Input("title", "Title", placeholder="e.g. First meeting", max_length=100),
        Input("options", "Options, one a line", multiline=True, required=False,
              default="Mon 10:00", max_length=2000),
    ), submit_label="Open")
    modal = render_form(form).to_dict()
    assert modal["custom_id"] == "al1:form:poll.new" and modal["title"] == "New poll"
    inputs = [row["components"][0] for row in modal["components"]]
    assert inputs[0] == inputs[0] | {"custom_id": "title", "style": 1, "required": True,
                                     "max_length": 100, "placeholder": "e.g. First meeting"}
    assert inputs[1] == inputs[1] | {"custom_id": "options", "style": 2, "required": False,
                                     "value": "Mon 10:00"}


def test_render_is_pure() -> None:
    source = Path("adapters/discord/render.py")
    text = (Path(__file__).parents[3] / source).read_text()
    for word in ("await", "aiohttp", "http.", "uow", "ctx."):
        assert word not in text, word
