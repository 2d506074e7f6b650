"""Shared fixtures: a real app on a fresh SQLite file, a settable clock, hand-run timers, a
console to type into, and (when TEST_DATABASE_URL is set) a fresh PostgreSQL database."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from adapters.console.app import ConsoleAdapter
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import Settings, load_settings
from bot.scheduling import ManualJobs
from fakes.console import T0, Console

PG_ENV = "TEST_DATABASE_URL"


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get(PG_ENV):
        return f"PostgreSQL tests: on ({PG_ENV} is set)"
    return f"PostgreSQL tests: SKIPPED ({PG_ENV} is not set; .ci/run sets it)"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's config.toml, tokens or database."""
    for name in list(os.environ):
        if name.startswith(("ACTIONLAB_", "SLACK_", "DISCORD_")) or name in (
            "DATABASE_URL", "HOST", "PORT", "LOG_LEVEL",
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(None).model_copy(update={
        "database_url": SecretStr(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"),
    })


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(T0)


@pytest.fixture
def jobs() -> ManualJobs:
    return ManualJobs()


@pytest.fixture
async def app(settings: Settings, clock: SettableClock, jobs: ManualJobs) -> AsyncIterator[App]:
    application = await create_app(settings, clock=clock, jobs=jobs, migrate=True)
    yield application
    await application.close()


@pytest.fixture
def console(app: App, tmp_path: Path) -> Console:
    buffer = io.StringIO()
    adapter = ConsoleAdapter(app.ctx, out=buffer, user="Gemma Rhodes",
                             files_dir=tmp_path / "files")
    return Console(adapter, buffer)


@pytest.fixture
async def lab(console: Console) -> Console:
    """A lab with a facilitator (Gemma, London) and three members (Amara, Zoë, Priya)."""
    await console("Gemma Rhodes", '/lab setup "Action Lab 1"')
    await console("Gemma Rhodes", "/lab tz Europe/London")
    for name, zone in (("Amara Okafor", "Africa/Lagos"), ("Zoë Núñez", "America/Sao_Paulo"),
                       ("Priya Raman", "Asia/Kolkata")):
        await console(name, "/lab join")
        await console.press(name, "I accept and join")
        await console(name, f"/lab tz {zone}")
    return console


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: PostgreSQL tests are skipped")
    import asyncio

    import asyncpg

    from storage.db import normalize_url

    base = normalize_url(url)
    name = f"actionlab_{uuid.uuid4().hex[:10]}"
    admin = base.replace("postgresql+asyncpg://", "postgresql://")

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def open_vote(console: Console, who: str, line: str, *answers: str) -> str:
    """`/lab vote new ...` (typed, a template or the form's answers), then "Open the vote"
    on the private preview it shows: what both printed. A refusal (no preview) comes back
    as it is."""
    out = await console(who, line, *answers)
    if "] Open the vote" not in out:
        return out
    return out + await console.press(who, "Open the vote")
