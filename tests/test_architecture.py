"""The core never imports a platform library; only adapters/ may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("slack_bolt", "slack_sdk", "discord")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", ["bot", "storage"])
def test_core_never_imports_a_platform_library(package: str) -> None:
    offenders = []
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no Python files under {package}/"
    for path in files:
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_check_catches_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom slack_sdk.web import WebClient\nimport discord.ui\n")
    assert [n for n in _imports(bad) if n.split(".")[0] in FORBIDDEN] == [
        "slack_sdk.web", "discord.ui",
    ]


def test_domain_is_pure() -> None:
    """bot/domain reads no clock, database or network: no storage, no sqlalchemy, no I/O."""
    impure = ("storage", "sqlalchemy", "aiohttp", "asyncio", "apscheduler", "bot.router",
              "bot.context", "bot.features")
    offenders = []
    for path in sorted((ROOT / "bot" / "domain").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for name in _imports(path):
            if name.startswith(impure):
                offenders.append(f"{path.name} imports {name}")
        if "datetime.now(" in text or "time.time(" in text:
            offenders.append(f"{path.name} reads the clock")
    assert offenders == []
