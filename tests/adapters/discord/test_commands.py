"""The /lab tree mirrors the core's registered commands and argument models."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import discord
import pytest
from pydantic import Field

from adapters.discord.commands import (
    PAYLOAD,
    READABLE,
    SUBCOMMANDS,
    TreeError,
    build_tree,
    command_paths,
    payload_size,
)
from adapters.discord.translate import CommandMap
from bot import action_ids
from bot.arguments import (
    Args,
    Complete,
    Kw,
    Pos,
    Rest,
    choices_of,
    completion_of,
    fields_of,
    scalar_type,
)
from bot.bootstrap import App, build_router
from bot.messages import Form, Input, Reply
from bot.router import Call, Router

OPTION_TYPES = {str: 3, int: 4, bool: 5, float: 10}


class PollArgs(Args):
    title: Annotated[str, Pos("title"), Field(min_length=1, max_length=100)]
    options: Annotated[list[str], Kw("option", word="options")]
    closes: Annotated[str | None, Kw("when")] = None
    quorum: Annotated[float | None, Kw("share"), Field(gt=0, le=1)] = None
    anonymous: Annotated[bool, Kw("yes|no")] = False


class ZoneArgs(Args):
    zone: Annotated[str, Pos("zone"), Complete("zone")]
    weekday: Annotated[Literal["mon", "tue", "wed", "thu", "fri"] | None, Kw()] = None
    slot: Annotated[Literal[tuple(f"s{i}" for i in range(30))] | None, Kw()] = None  # type: ignore[valid-type]


class NoteArgs(Args):
    text: Annotated[str, Rest("text")]


async def _noop(call: Call[Any]) -> Reply:
    return Reply()


async def _form(call: Call[Any]) -> Form:
    return Form(action_ids.encode("form", "sample.new"), "New draft", (Input("title", "Title"),))


def with_extras(router: Router) -> Router:
    """Shapes of commands beside those registered: a form, a bare command beside its group,
    three words, every kind of argument."""
    extra = Router()
    extra.command("sample new", args=PollArgs, summary="Open a draft.", form=_form)(_noop)
    extra.command("sample close", summary="Close a draft.")(_noop)
    extra.command("sample", summary="Show a sample.")(_noop)
    extra.command("sample note", args=NoteArgs, summary="Add a note.")(_noop)
    extra.command("sample action done", summary="Close an action item.")(_noop)
    extra.command("sample zoning", args=ZoneArgs, summary="Zones.")(_noop)
    router.include(extra)
    return router


async def _handler(interaction: discord.Interaction[Any]) -> None:
    pass


def tree_of(router: Router) -> tuple[dict[str, Any], CommandMap]:
    client = discord.Client(intents=discord.Intents.none())
    tree, cmap = build_tree(client, router, None, _handler)  # type: ignore[arg-type]
    (group,) = tree.get_commands()
    return group.to_dict(tree), cmap


def find(tree: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node = tree
    for name in path:
        node = next(o for o in node["options"] if o["name"] == name)
    return node


@pytest.mark.parametrize("extras", [False, True], ids=["every-feature", "shapes"])
def test_the_tree_mirrors_every_command_and_argument(extras: bool) -> None:
    router = with_extras(Router()) if extras else build_router()
    tree, cmap = tree_of(router)
    assert tree["name"] == "lab"
    assert set(cmap.paths.values()) == set(router.commands)
    for name, spec in router.commands.items():
        node = find(tree, cmap.path_of(name))
        assert node["type"] == 1  # a subcommand
        assert 0 < len(node["description"]) <= 100
        options = {o["name"]: o for o in node["options"]}
        fields = fields_of(spec.args)
        assert len(options) == len(fields), name
        # Discord lists required options first.
        required = [o["required"] for o in node["options"]]
        assert required == sorted(required, reverse=True), name
        for f in fields:
            shown = next(k for k, v in cmap.options[name].items() if v == f.name)
            option = options[shown]
            assert shown == f.word.lower()
            kind = str if f.is_list else scalar_type(f.info.annotation)
            assert option["type"] == OPTION_TYPES[kind], (name, f.name)
            assert option["required"] == (f.required and spec.form is None), (name, f.name)
            words = choices_of(f.info.annotation)
            if words and len(words) <= 25:
                assert [c["value"] for c in option["choices"]] == words
            else:
                assert "choices" not in option
            assert bool(option.get("autocomplete")) == (
                (completion_of(f) is not None and kind is str) or len(words) > 25), (name, f.name)
            assert 0 < len(option["description"]) <= 100


def test_foundation_commands_in_detail() -> None:
    tree, _ = tree_of(build_router())
    role = find(tree, ("role",))
    assert [(o["name"], o["type"], o["required"]) for o in role["options"]] == [
        ("member", 3, True), ("role", 3, True)]
    assert role["options"][0]["autocomplete"] is True
    assert [c["value"] for c in role["options"][1]["choices"]] == [
        "facilitator", "secretary", "member"]
    tz = find(tree, ("me", "tz"))["options"][0]
    assert (tz["name"], tz["required"], tz["autocomplete"]) == ("zone", False, True)
    limit = next(o for o in find(tree, ("settings",))["options"] if o["name"] == "limit")
    assert (limit["type"], limit["min_value"], limit["max_value"]) == (4, 1, 500)
    setup = find(tree, ("setup",))["options"][0]
    assert (setup["name"], setup["required"], setup["min_length"], setup["max_length"]) == (
        "name", True, 1, 100)


def test_every_feature_fits_under_lab() -> None:
    """Discord allows 25 names under /lab and 25 under each group. This fails the day a
    feature adds one name too many: nest the new command under an existing group instead
    (as `/lab reminders add` is, typed `/lab remind` elsewhere)."""
    router = build_router()
    paths = command_paths(router)
    top = sorted({path[0] for path in paths.values()})
    assert len(top) <= SUBCOMMANDS, (
        f"/lab would have {len(top)} names ({', '.join(top)}); Discord allows {SUBCOMMANDS}")
    for group in top:
        inside = [path for path in paths.values() if len(path) == 2 and path[0] == group]
        assert len(inside) <= SUBCOMMANDS, f"/lab {group} has {len(inside)} subcommands"
    tree, cmap = tree_of(router)
    assert set(cmap.paths.values()) == set(router.commands)
    assert not set(router.aliases) & set(top)  # aliases are typed, never in the tree
    assert payload_size(tree) <= PAYLOAD
    # Within Discord's 8,000 characters: descriptions are shortened to the largest budget
    # that leaves room for translations, but English never below 40 characters (the whole
    # summary stays in `/lab help`): past that a feature must shorten its summaries.
    built, _ = build_tree(discord.Client(intents=discord.Intents.none()), router, None,
                          _handler)  # type: ignore[arg-type]
    assert built.description_budget >= READABLE
    (group,) = built.get_commands()
    assert all(len(d) <= built.description_budget for d in _descriptions(group.to_dict(built)))


def _descriptions(node: dict[str, Any]) -> list[str]:
    """The descriptions of every subcommand (type 1) under `node`, groups walked through."""
    out = []
    for child in node.get("options") or []:
        if child.get("type") == 1:
            out.append(str(child.get("description", "")))
        elif child.get("type") == 2:
            out += _descriptions(child)
    return out


def test_one_name_beyond_the_25th_fails_the_build() -> None:
    """The real tree plus as many new names as still fit builds; one more does not."""
    router = build_router()
    free = SUBCOMMANDS - len({path[0] for path in command_paths(router).values()})
    assert free >= 0
    extra = Router()
    for i in range(free):
        extra.command(f"spare{i}", summary="x")(_noop)
    router.include(extra)
    tree_of(router)
    router.command("onemore", summary="x")(_noop)
    with pytest.raises(TreeError, match=f"/lab would have {SUBCOMMANDS + 1} subcommands"):
        tree_of(router)


def test_feature_commands_in_detail() -> None:
    tree, cmap = tree_of(build_router())

    def options(*path: str) -> dict[str, dict[str, Any]]:
        return {o["name"]: o for o in find(tree, path)["options"]}

    # /lab poll new has a form: with no options it opens a modal, so none is required.
    new = options("poll", "new")
    assert not any(o["required"] for o in new.values())
    assert new["tz"]["autocomplete"] is True and "form" in find(tree, ("poll", "new"))[
        "description"]
    answer = options("poll", "answer")
    assert answer["poll"]["required"] and answer["poll"]["autocomplete"] is True
    assert [c["value"] for c in answer["answer"]["choices"]] == ["yes", "maybe", "no"]
    assert options("poll", "pick")["poll"]["autocomplete"] is True
    # /lab vote new has no options required: alone it opens its own form.
    vote = options("vote", "new")
    assert not any(o["required"] for o in vote.values())
    assert [c["value"] for c in vote["method"]["choices"]] == [
        "irv", "stv", "schulze", "ranked-pairs"]
    assert vote["seats"]["type"] == 4 and "several" in vote["options"]["description"]
    assert options("rank")["vote"]["autocomplete"] is True
    assert options("vote", "show")["vote"]["autocomplete"] is True
    move = options("meeting", "move")
    assert move["meeting"]["autocomplete"] is True and move["tz"]["autocomplete"] is True
    assert options("minutes", "start")["meeting"]["autocomplete"] is True
    export = options("minutes", "export")
    assert export["format"]["required"] and [c["value"] for c in export["format"][
        "choices"]] == ["md", "html", "pdf", "docx", "json"]
    assert export["meeting"]["autocomplete"] is True  # minutes already taken
    action = options("action")
    assert [(n, o["required"]) for n, o in action.items()] == [
        ("member", True), ("text", True), ("due", False)]
    assert action["member"]["autocomplete"] is True
    remind = options("reminders", "add")
    assert remind["who"]["autocomplete"] is True and remind["request"]["required"]
    assert cmap.paths[("reminders", "show")] == "reminders"
    assert cmap.paths[("minutes", "show")] == "minutes show"


def test_groups_bare_commands_and_three_words() -> None:
    tree, cmap = tree_of(with_extras(Router()))
    sample = find(tree, ("sample",))
    assert sample["type"] == 2 and {"new", "close"} <= {o["name"] for o in sample["options"]}
    assert cmap.paths[("sample", "show")] == "sample"
    assert cmap.paths[("sample", "action-done")] == "sample action done"
    new = find(tree, ("sample", "new"))
    assert "form" in new["description"]
    options = {o["name"]: o for o in new["options"]}
    assert set(options) == {"title", "options", "closes", "quorum", "anonymous"}
    assert cmap.options["sample new"]["options"] == "options"
    assert options["quorum"]["type"] == 10 and options["quorum"]["max_value"] == 1
    assert options["anonymous"]["type"] == 5
    assert "several" in options["options"]["description"]
    meet = {o["name"]: o for o in find(tree, ("sample", "zoning"))["options"]}
    assert [c["value"] for c in meet["weekday"]["choices"]] == ["mon", "tue", "wed", "thu",
                                                                "fri"]
    assert meet["slot"]["autocomplete"] is True  # 30 choices: searched, not listed


def test_a_command_and_group_of_one_name_take_a_free_verb() -> None:
    router = Router()
    for name in ("minutes", "minutes show", "minutes view"):
        router.command(name, summary="x")(_noop)
    assert command_paths(router)["minutes"] == ("minutes", "open")


def test_too_many_subcommands_is_a_clear_error() -> None:
    router = Router()
    for i in range(26):
        router.command(f"c{i}", summary="x")(_noop)
    with pytest.raises(TreeError, match="26 subcommands"):
        tree_of(router)


def test_long_descriptions_shrink_to_fit_discords_budget() -> None:
    router = Router()

    class Many(Args):
        a1: Annotated[str, Kw(help="x" * 100)]
        a2: Annotated[str, Kw(help="y" * 100)]
        a3: Annotated[str, Kw(help="z" * 100)]

    for i in range(24):
        router.command(f"cmd{i}", args=Many, summary="w" * 100)(_noop)
    tree, _ = tree_of(router)
    assert payload_size(tree) <= PAYLOAD
    assert all(len(o["description"]) < 100 for c in tree["options"] for o in c["options"])


async def test_autocomplete_goes_through_the_router(app: App) -> None:
    client = discord.Client(intents=discord.Intents.none())

    async def handler(interaction: discord.Interaction[Any]) -> None:
        pass

    tree, _ = build_tree(client, app.ctx.router, app.ctx, handler)
    (group,) = tree.get_commands()
    me = group.get_command("me")
    assert isinstance(me, discord.app_commands.Group)
    tz = me.get_command("tz")
    assert isinstance(tz, discord.app_commands.Command)
    (param,) = tz.parameters
    assert param.autocomplete


def _translated_size(data: dict[str, Any]) -> int:
    """What Discord counts against a command, its localizations included."""
    size = len(str(data.get("name", ""))) + len(str(data.get("description", "")))
    for key in ("name_localizations", "description_localizations"):
        size += sum(len(v) for v in (data.get(key) or {}).values())
    for choice in data.get("choices") or ():
        size += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
        size += sum(len(v) for v in (choice.get("name_localizations") or {}).values())
    return size + sum(_translated_size(o) for o in data.get("options") or ())


async def test_descriptions_in_the_clients_language_within_the_budget() -> None:
    """What discord.py sends at sync through the Translator: descriptions in Spanish,
    French and Portuguese (names and choices unchanged), everything within 8,000."""
    client = discord.Client(intents=discord.Intents.none())
    tree, _ = build_tree(client, build_router(), None, _handler)  # type: ignore[arg-type]
    assert tree.lab_translator is not None
    await tree.set_translator(tree.lab_translator)
    (group,) = tree.get_commands()
    data = await group.get_translated_payload(tree, tree.lab_translator)
    assert _translated_size(data) <= PAYLOAD
    localized = {o["name"]: o.get("description_localizations") or {} for o in data["options"]}
    assert sum(1 for v in localized.values() if v) >= 15, localized  # most of the first level
    assert localized["help"]["es-ES"] and localized["help"]["es-ES"] != find(
        data, ("help",))["description"]
    assert {"es-ES", "es-419", "fr", "pt-BR"} <= set(localized["help"])
    assert "ar" not in localized["help"]  # not one of Discord's client languages
    for option in data["options"]:
        assert not option.get("name_localizations")  # `/lab ...` is typed the same everywhere
