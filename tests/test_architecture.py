"""The house's one-way wiring, read from the imports of every product module.

The core never imports a platform library; there is no circle of imports anywhere in the
product (an import inside a function counts: it is a dependency all the same); the pure
domain imports nothing of ours but the domain; storage knows no feature, router or adapter;
a feature never reaches into an adapter or into another feature's internals; and only the
composition root builds adapters.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("bot", "adapters", "storage")
FORBIDDEN = ("slack_bolt", "slack_sdk", "discord")
COMPOSITION_ROOT = "bot.compose"
I18N = "bot.i18n"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _product_modules() -> dict[str, Path]:
    found = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found[_module_name(path)] = path
    return found


MODULES = _product_modules()


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports, by absolute name (relative imports resolved), those made
    for annotations only (under TYPE_CHECKING) included: a type named is a dependency too."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module
            for alias in node.names:  # `from bot.features import polls` imports a module
                yield f"{module}.{alias.name}"


def _ours(name: str) -> str | None:
    """The product module an imported name refers to, if any (the longest that exists)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {_ours(name) for name in _imports(path)}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


GRAPH = _graph()


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _violations(rule: str) -> list[str]:
    return [f"{module} imports {target}" for module, targets in sorted(GRAPH.items())
            for target in sorted(targets) if _breaks(rule, module, target)]


def _feature(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["bot", "features"] else None


def _breaks(rule: str, module: str, target: str) -> bool:
    if rule == "domain":  # bot.i18n (catalogs and the reader's locale) imports nothing of ours
        return module.startswith("bot.domain") and not target.startswith(("bot.domain", I18N))
    if rule == "storage":
        return module.startswith("storage") and not target.startswith(
            ("storage", "bot.domain", I18N))
    if rule == "features":
        mine = _feature(module)
        if mine is None:
            return False
        if target.startswith("adapters"):
            return True
        theirs = _feature(target)
        # Another feature only through its package's own front door (its __init__).
        return theirs is not None and theirs != mine and target.count(".") > 2
    if rule == "adapters":  # only the composition root builds adapters
        return (module.startswith("bot") and target.startswith("adapters")
                and module != COMPOSITION_ROOT)
    raise ValueError(rule)


def test_no_circles_anywhere_in_the_product() -> None:
    assert _circles(GRAPH) == []


@pytest.mark.parametrize("rule", ["domain", "storage", "features", "adapters"])
def test_one_way_rules(rule: str) -> None:
    assert _violations(rule) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", ["bot", "storage"])
def test_core_never_imports_a_platform_library(package: str) -> None:
    offenders = [f"{path.relative_to(ROOT)} imports {name}"
                 for path in sorted((ROOT / package).rglob("*.py"))
                 for name in _imports(path) if name.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_the_import_reader_sees_every_kind_of_import() -> None:
    names = set(_imports(ROOT / "bot" / "bootstrap.py"))
    assert "bot.features.votes" in names  # from bot.features import votes as votes_feature
    assert "bot.features.reminders.subscribers" in names  # from a package import a module
    assert _ours("bot.features.meetings.meeting_name") == "bot.features.meetings"
    assert _ours("sqlalchemy.orm") is None


def test_the_rules_catch_an_offender() -> None:
    assert _breaks("domain", "bot.domain.polls", "storage.models")
    assert _breaks("storage", "storage.repositories.polls", "bot.features.polls")
    assert _breaks("features", "bot.features.polls.commands", "bot.features.votes.cards")
    assert not _breaks("features", "bot.features.polls.commands", "bot.features.meetings")
    assert _breaks("features", "bot.features.polls.commands", "adapters.slack.app")
    assert _breaks("adapters", "bot.cli", "adapters.console.app")
    assert not _breaks("adapters", COMPOSITION_ROOT, "adapters.console.app")


def test_i18n_imports_nothing_of_ours() -> None:
    assert GRAPH[I18N] == set()


def test_domain_reads_no_clock() -> None:
    offenders = [path.name for path in sorted((ROOT / "bot" / "domain").rglob("*.py"))
                 if "datetime.now(" in (text := path.read_text(encoding="utf-8"))
                 or "time.time(" in text]
    assert offenders == []
