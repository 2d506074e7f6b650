"""A workspace that uninstalls and installs the app again is served with its new bot token at
once: in the process that took the reinstall and in another one on the same database, through
Bolt's OAuth flow over HTTP against the fake Slack, which refuses a revoked token."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import aiohttp
import pytest
from pydantic import SecretStr
from slack_sdk.oauth.installation_store.models.bot import Bot

from adapters.slack.app import SlackAdapter
from adapters.slack.oauth import DatabaseInstallationStore, WorkspaceClients
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import Settings
from bot.messages import Card, Place, Recipient, Text
from bot.ports import DeliveryError
from bot.scheduling import ManualJobs
from fakes.slack_api import FakeSlack
from tests.adapters.slack.conftest import Slack, slack_settings

GONE = "treating the app as uninstalled"


def oauth_settings(settings: Settings, fake: FakeSlack) -> Settings:
    return slack_settings(settings, fake, client_id="111.222").model_copy(update={
        "slack_client_secret": SecretStr("client-secret"), "slack_bot_token": None})


@dataclass
class Process:
    """One running instance of the bot: its own app, caches and Slack adapter."""

    app: App
    slack: Slack


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
async def processes(settings: Settings, fake_slack: FakeSlack, clock: SettableClock,
                    database: str) -> AsyncIterator[tuple[Process, Process]]:
    """Two instances on one database, each with its own jobs, caches and HTTP port."""
    configured = oauth_settings(settings, fake_slack).model_copy(update={
        "database_url": SecretStr(database)})
    async with AsyncExitStack() as stack:
        started: list[Process] = []
        for _ in range(2):
            app = await create_app(configured, clock=clock, jobs=ManualJobs(), migrate=True)
            stack.push_async_callback(app.close)
            adapter = SlackAdapter(app.ctx, processing_waits=(0.01,), max_wait=2.0)
            port = await adapter.start()
            assert port is not None
            stack.push_async_callback(adapter.stop)
            session = await stack.enter_async_context(aiohttp.ClientSession())
            started.append(Process(app, Slack(adapter, fake_slack, port, session)))
        yield started[0], started[1]


@pytest.fixture
async def one(processes: tuple[Process, Process]) -> Process:
    return processes[0]


async def install(slack: Slack, code: str) -> str:
    """Install into the fake's workspace as an admin's browser would; the new bot token."""
    base = slack.url.removesuffix("/slack/events")
    async with slack.session.get(base + "/slack/install") as page:
        assert page.status == 200
        html = await page.text()
        cookie = page.cookies["slack-app-oauth-state"].value  # Secure: not sent over http
    link = re.search(r'href="([^"]+/oauth/v2/authorize[^"]+)"', html)
    assert link is not None
    state = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)["state"][0]
    callback = base + "/slack/oauth_redirect?" + urlencode({"code": code, "state": state})
    async with slack.session.get(callback,
                                 headers={"Cookie": f"slack-app-oauth-state={cookie}"}) as done:
        assert done.status == 200, await done.text()
    return slack.fake.token_of(slack.fake.installing[0])


async def uninstall(slack: Slack, team: str) -> None:
    """Slack revokes the workspace's tokens, then sends both events an uninstall brings."""
    assert slack.fake.revoke(team)
    await slack.event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT2"]}},
                      event_id=f"EvRevoked{len(slack.fake.revoked)}", team=team)
    await slack.event({"type": "app_uninstalled"},
                      event_id=f"EvUninstalled{len(slack.fake.revoked)}", team=team)


async def join(slack: Slack, user: str, team: str) -> None:
    """A member joins the lab in C1 of `team` (a command, then a click on the agreement)."""
    await slack.command(user, "join", team=team)
    card = slack.fake.last("response_url")
    await slack.click(user, card, "I accept and join", team=team)


def tokens_used(fake: FakeSlack) -> list[tuple[str, str | None]]:
    return [(c.method, c.token) for c in fake.api_calls()]


async def test_a_reinstall_is_served_with_the_new_token_at_once(
    one: Process, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture,
) -> None:
    slack = one.slack
    first = await install(slack, "code-1")
    await slack.command("UGEMMA", 'setup "Second Lab"', team="T2")
    assert fake_slack.last("users.info").token == first  # the client is cached from here

    await uninstall(slack, "T2")
    store = DatabaseInstallationStore(one.app.ctx)
    assert await store.async_find_bot(enterprise_id=None, team_id="T2") is None

    second = await install(slack, "code-2")
    assert second != first
    fake_slack.clear()
    caplog.clear()
    # Priya has never been seen: her name and zone come from users.info, with the new token.
    await join(slack, "UPRIYA", "T2")
    await one.slack.adapter.messenger.notify(
        Recipient("slack", "T2", "UPRIYA"), Card((Text("Welcome back"),)))
    used = tokens_used(fake_slack)
    methods = {method for method, _ in used}
    assert {"auth.test", "users.info", "chat.postMessage", "conversations.open"} <= methods
    assert {token for _, token in used} == {second}, used
    assert "users.info failed" not in caplog.text
    assert fake_slack.last("users.info").args["user"] == "UPRIYA"


async def test_a_reinstall_taken_by_one_process_is_served_by_the_other(
    processes: tuple[Process, Process], fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    a, b = processes
    first = await install(a.slack, "code-1")
    await b.slack.command("UGEMMA", 'setup "Second Lab"', team="T2")
    assert fake_slack.last("users.info").token == first  # B holds T2's client now

    await uninstall(a.slack, "T2")
    second = await install(a.slack, "code-2")
    fake_slack.clear()
    caplog.clear()
    # B never heard of the reinstall; the next request from T2 brings the new token.
    await join(b.slack, "UPRIYA", "T2")
    used = tokens_used(fake_slack)
    assert {"auth.test", "users.info", "chat.postMessage"} <= {m for m, _ in used}
    assert {token for _, token in used} == {second}, used
    assert "users.info failed" not in caplog.text

    # Work no request started (a reminder) in B, after a reinstall A took: the old token is
    # refused once, then the same call goes out with the store's newest token.
    await uninstall(a.slack, "T2")
    third = await install(a.slack, "code-3")
    fake_slack.clear()
    ref = await b.slack.adapter.messenger.post(
        Place("slack", "T2", "C1"), Card((Text("Reminder: meeting at 10"),)))
    assert ref.message_id
    assert tokens_used(fake_slack)[:2] == [("chat.postMessage", second),
                                          ("chat.postMessage", third)]
    assert {token for _, token in tokens_used(fake_slack)[1:]} == {third}
    assert GONE not in caplog.text


async def test_a_token_refused_twice_counts_as_an_uninstall_said_once(
    processes: tuple[Process, Process], fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    a, b = processes
    await install(a.slack, "code-1")
    await b.slack.command("UGEMMA", 'setup "Second Lab"', team="T2")
    # Slack revoked the token, but the events never reached us: the store still holds it.
    fake_slack.revoke("T2")
    fake_slack.clear()
    caplog.set_level(logging.INFO, logger="adapters.slack.oauth")
    messenger = b.slack.adapter.messenger
    card = Card((Text("Reminder"),))
    with pytest.raises(DeliveryError) as refused:
        await messenger.post(Place("slack", "T2", "C1"), card)
    assert refused.value.reason == "token_revoked"  # told, not swallowed
    # Tried once more with the store's token (the same: it had nothing newer), then given up.
    assert fake_slack.methods() == ["chat.postMessage"] * 2
    gone = [r for r in caplog.records if GONE in r.getMessage()]
    assert len(gone) == 1 and "T2" in gone[0].getMessage()
    assert "xoxb-" not in caplog.text  # no token in the log

    # From now on the dead token is not tried again, and nothing more is logged.
    for _ in range(2):
        with pytest.raises(DeliveryError) as again:
            await messenger.post(Place("slack", "T2", "C1"), card)
        assert again.value.reason == "not_installed"
    assert fake_slack.methods() == ["chat.postMessage"] * 2
    assert len([r for r in caplog.records if GONE in r.getMessage()]) == 1

    # Installing again (in the other process) brings the workspace back.
    fresh = await install(a.slack, "code-2")
    fake_slack.clear()
    await messenger.post(Place("slack", "T2", "C1"), card)
    assert tokens_used(fake_slack)[0] == ("chat.postMessage", fresh)
    assert {token for _, token in tokens_used(fake_slack)} == {fresh}


async def test_every_refusal_is_retried_once_with_a_fresh_lookup(
    one: Process, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture,
) -> None:
    token = await install(one.slack, "code-1")
    messenger = one.slack.adapter.messenger
    place, card = Place("slack", "T2", "C1"), Card((Text("Hello"),))
    for error in ("token_revoked", "invalid_auth", "account_inactive"):
        fake_slack.clear()
        fake_slack.fail("chat.postMessage", error)  # a passing refusal: the retry goes out
        await messenger.post(place, card)
        assert [m for m, _ in tokens_used(fake_slack)][:2] == ["chat.postMessage"] * 2
        assert {t for _, t in tokens_used(fake_slack)} == {token}
    assert GONE not in caplog.text

    fake_slack.clear()
    fake_slack.fail("chat.postMessage", "account_inactive", times=2)
    with pytest.raises(DeliveryError) as refused:
        await messenger.post(place, card)
    assert refused.value.reason == "account_inactive"
    assert fake_slack.methods() == ["chat.postMessage"] * 2
    assert [r.getMessage() for r in caplog.records if GONE in r.getMessage()] == [
        "slack: workspace T2 refused the app's bot token (account_inactive) and no newer "
        "install is stored: treating the app as uninstalled there until it is installed again"]
    with pytest.raises(DeliveryError, match="not_installed"):
        await messenger.post(place, card)
    assert fake_slack.methods() == ["chat.postMessage"] * 2


def _clients(process: Process) -> WorkspaceClients:
    clients = process.slack.adapter._clients
    assert isinstance(clients, WorkspaceClients)
    return clients


async def test_saving_or_deleting_a_bot_changes_the_client_at_once(
    one: Process, fake_slack: FakeSlack, clock: SettableClock,
) -> None:
    """Token rotation saves a new bot, a revocation deletes it: the very next call follows."""
    clients = _clients(one)
    store = one.slack.adapter.bolt.oauth_flow.settings.installation_store  # type: ignore[union-attr]
    assert isinstance(store, DatabaseInstallationStore)
    first = await install(one.slack, "code-1")
    assert (await clients("T2")).token == first
    await store.async_save_bot(Bot(app_id="A1", team_id="T2", bot_token="xoxb-rotated",
                                   bot_id="BBOT2", bot_user_id="UBOT2", installed_at=0.0))
    assert (await clients("T2")).token == "xoxb-rotated"
    await store.async_delete_bot(enterprise_id=None, team_id="T2")
    with pytest.raises(DeliveryError, match="not_installed"):
        await clients("T2")
