"""The multi-workspace install: Bolt's OAuth flow over HTTP, with slack_sdk's installation
and state stores kept in our database."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import aiohttp
import pytest
from pydantic import SecretStr
from slack_sdk.oauth.installation_store.models.installation import Installation

from adapters.slack.app import SlackAdapter, SlackConfigError
from adapters.slack.oauth import DatabaseInstallationStore, DatabaseOAuthStateStore
from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import Settings
from bot.scheduling import ManualJobs
from fakes.slack_api import FakeSlack
from tests.adapters.slack.conftest import Slack, slack_settings


@pytest.fixture
async def oauth_app(settings: Settings, fake_slack: FakeSlack, clock: SettableClock,
                    jobs: ManualJobs) -> AsyncIterator[App]:
    configured = slack_settings(settings, fake_slack, client_id="111.222").model_copy(update={
        "slack_client_secret": SecretStr("client-secret"), "slack_bot_token": None})
    application = await create_app(configured, clock=clock, jobs=jobs, migrate=True)
    yield application
    await application.close()


@pytest.fixture
async def installer(oauth_app: App, fake_slack: FakeSlack) -> AsyncIterator[Slack]:
    adapter = SlackAdapter(oauth_app.ctx)
    port = await adapter.start()
    assert port is not None
    async with aiohttp.ClientSession() as session:
        yield Slack(adapter, fake_slack, port, session)
    await adapter.stop()


async def test_install_into_a_second_workspace_and_serve_it(installer: Slack,
                                                             fake_slack: FakeSlack) -> None:
    base = installer.url.removesuffix("/slack/events")
    async with installer.session.get(base + "/slack/install") as page:
        assert page.status == 200
        html = await page.text()
        # Bolt binds the state to the browser with a Secure cookie; a browser would send it
        # back over HTTPS, so the test hands it over itself.
        cookie = page.cookies["slack-app-oauth-state"].value
    link = re.search(r'href="([^"]+/oauth/v2/authorize[^"]+)"', html)
    assert link is not None
    consent = urlparse(link.group(1).replace("&amp;", "&"))
    assert consent.netloc == f"127.0.0.1:{fake_slack.port}"  # no hard-coded Slack host
    query = parse_qs(consent.query)
    assert query["client_id"] == ["111.222"]
    assert query["scope"][0].split(",")[:3] == ["commands", "chat:write", "chat:write.public"]
    state = query["state"][0]

    callback = base + "/slack/oauth_redirect?" + urlencode({"code": "code-1", "state": state})
    browser = {"Cookie": f"slack-app-oauth-state={cookie}"}
    async with installer.session.get(callback, headers=browser) as done:
        assert done.status == 200
    access = fake_slack.last("oauth.v2.access")
    assert access.args["code"] == "code-1"
    assert access.token == "Basic " + base64.b64encode(b"111.222:client-secret").decode()
    # The same state cannot finish a second install.
    async with installer.session.get(callback, headers=browser) as again:
        assert again.status in (400, 401)  # Bolt: the state was already used
    async with installer.session.get(callback) as no_cookie:  # another browser
        assert no_cookie.status in (400, 401)
    assert len(fake_slack.of("oauth.v2.access")) == 1

    await installer.command("UGEMMA", 'setup "Second Lab"', team="T2")
    assert fake_slack.last("users.info").token == fake_slack.token_of("T2") == "xoxb-T2-1"
    assert fake_slack.last("response_url").args["blocks"][0]["text"]["text"] == \
        "Second Lab is set up"

    # Uninstalling removes the tokens: nothing can be sent to that workspace any more.
    await installer.event({"type": "app_uninstalled"}, event_id="EvU1", team="T2")
    store = DatabaseInstallationStore(installer.adapter.ctx)  # what every instance reads
    assert await store.async_find_bot(enterprise_id=None, team_id="T2") is None


async def test_the_store_keeps_the_newest_bot_and_each_installer(oauth_app: App,
                                                                clock: SettableClock) -> None:
    store = DatabaseInstallationStore(oauth_app.ctx)

    def install(user: str, token: str) -> Installation:
        return Installation(app_id="A1", team_id="T9", team_name="Ninth", user_id=user,
                            bot_token=token, bot_id="B9", bot_user_id="UB9",
                            bot_scopes="commands,chat:write", user_token=f"xoxp-{user}")

    await store.async_save(install("U1", "xoxb-old"))
    clock.advance(timedelta(minutes=1))
    await store.async_save(install("U2", "xoxb-new"))
    bot = await store.async_find_bot(enterprise_id=None, team_id="T9")
    assert bot is not None and bot.bot_token == "xoxb-new"
    first = await store.async_find_installation(enterprise_id=None, team_id="T9", user_id="U1")
    assert first is not None
    assert (first.user_token, first.bot_token) == ("xoxp-U1", "xoxb-new")  # newest bot wins
    assert first.bot_scopes == ["commands", "chat:write"]
    latest = await store.async_find_installation(enterprise_id=None, team_id="T9")
    assert latest is not None and latest.user_id == "U2"
    await store.async_delete_bot(enterprise_id=None, team_id="T9")
    assert await store.async_find_bot(enterprise_id=None, team_id="T9") is None
    revoked = await store.async_find_installation(enterprise_id=None, team_id="T9")
    assert revoked is not None and revoked.bot_token is None
    await store.async_delete_all(enterprise_id=None, team_id="T9")
    assert await store.async_find_installation(enterprise_id=None, team_id="T9") is None


async def test_oauth_states_are_one_time_and_expire(oauth_app: App,
                                                    clock: SettableClock) -> None:
    states = DatabaseOAuthStateStore(oauth_app.ctx)
    fresh = await states.async_issue()
    assert await states.async_consume(fresh) is True
    assert await states.async_consume(fresh) is False
    late = await states.async_issue()
    clock.advance(timedelta(minutes=11))
    assert await states.async_consume(late) is False
    assert await states.async_consume("never-issued") is False
    assert await states.async_consume("x" * 500) is False


async def test_settings_that_cannot_work_stop_start_up_with_a_clear_message(
    oauth_app: App, settings: Settings, fake_slack: FakeSlack, clock: SettableClock,
    jobs: ManualJobs,
) -> None:
    no_token = slack_settings(settings, fake_slack).model_copy(
        update={"slack_bot_token": None})
    app = await create_app(no_token, clock=clock, jobs=jobs, migrate=False)
    try:
        with pytest.raises(SlackConfigError, match="SLACK_BOT_TOKEN"):
            SlackAdapter(app.ctx)
        unsigned = app.ctx.settings.model_copy(update={
            "slack_bot_token": SecretStr("xoxb-1"), "slack_signing_secret": None})
        ctx = app.ctx.__class__(**{**app.ctx.__dict__, "settings": unsigned})
        with pytest.raises(SlackConfigError, match="SLACK_SIGNING_SECRET"):
            SlackAdapter(ctx)
        both = oauth_app.ctx.settings.model_copy(update={
            "slack": oauth_app.ctx.settings.slack.model_copy(update={"socket_mode": True}),
            "slack_app_token": SecretStr("xapp-1")})
        ctx = app.ctx.__class__(**{**app.ctx.__dict__, "settings": both})
        with pytest.raises(SlackConfigError, match="needs HTTP mode"):
            SlackAdapter(ctx)
    finally:
        await app.close()
