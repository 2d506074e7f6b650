"""Where adapters are built: the one module that imports them, wiring each to the core's Context.

The CLI decides what to run from its arguments and the demo what to play; both ask here for
the adapters. Imports stay inside the functions so that a command (or a platform) that is not
used costs nothing at start-up: `actionlab tally` never loads any of this, and the console
never loads slack-bolt or discord.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from adapters.console.app import ConsoleAdapter
    from bot.config import Settings
    from bot.context import Context
    from bot.messages import Platform
    from bot.ports import Adapter


def platforms_to_run(
    settings: Settings, *, slack: bool, discord: bool, console: bool
) -> tuple[bool, bool, bool]:
    """(slack, discord, console): the flags given, or with none, every platform that has
    credentials, and the console when none has."""
    if slack or discord or console:
        return slack, discord, console
    slack = has_slack_credentials(settings)
    discord = settings.discord_token is not None
    return slack, discord, not (slack or discord)


def senders_to_run(settings: Settings, *, slack: bool, discord: bool) -> set[Platform]:
    """The platforms this process only sends to, over their REST APIs: the ones it does not
    serve but has credentials for, when it serves the other. The Procfile runs Slack and
    Discord in two processes on one database; each delivers the reminders and announcements
    for both, so a lab with channels on both hears everything in each."""
    if slack == discord:  # neither (the console), or both served here
        return set()
    if slack and settings.discord_token is not None:
        return {"discord"}
    if discord and has_slack_credentials(settings):
        return {"slack"}
    return set()


def has_slack_credentials(settings: Settings) -> bool:
    return settings.slack_bot_token is not None or (
        settings.slack.client_id is not None and settings.slack_client_secret is not None)


def build_adapters(
    ctx: Context, settings: Settings, *, slack: bool, discord: bool, console: bool,
    user: str, channel: str,
) -> list[Adapter]:
    """The adapters `actionlab run` serves (the platforms already chosen by
    `platforms_to_run`), plus a REST-only sender for the platform it does not serve."""
    adapters: list[Adapter] = []
    if slack:
        from adapters.slack.app import SlackAdapter

        adapters.append(SlackAdapter(ctx))
    if discord:
        from adapters.discord.app import DiscordAdapter

        adapters.append(DiscordAdapter(ctx))
    senders = senders_to_run(settings, slack=slack, discord=discord)
    if "slack" in senders:
        from adapters.slack.app import SlackSender

        adapters.append(SlackSender(ctx))
    if "discord" in senders:
        from adapters.discord.app import DiscordSender

        adapters.append(DiscordSender(ctx))
    if console:
        adapters.append(console_adapter(ctx, user=user, channel=channel))
    return adapters


def console_adapter(
    ctx: Context, *, user: str, channel: str = "lab", out: TextIO | None = None,
    files_dir: str | Path | None = None, locale: str | None = None,
) -> ConsoleAdapter:
    """The local console: `actionlab run`'s REPL, or the stage the demo plays on (`locale`:
    the terminal's language, as a platform's client reports its own)."""
    from adapters.console.app import ConsoleAdapter

    return ConsoleAdapter(ctx, out=out, user=user, channel=channel, files_dir=files_dir,
                          locale=locale)
