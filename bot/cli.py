"""The `actionlab` command: run, demo, migrate, minutes export, export (a lab's record),
forget, tally.

Imports are made per command, once it is known: `actionlab tally` (offline, no settings,
no database) never loads SQLAlchemy, the settings or the calendar code, so it starts at once.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import getpass
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# Which platforms to serve is decided where the adapters are built; the names stay here too.
from bot.compose import has_slack_credentials, platforms_to_run, senders_to_run
from bot.i18n import LOCALES, _, normalize

if TYPE_CHECKING:
    import asyncio

    from bot.config import Settings

__all__ = ["build_parser", "configure_logging", "describe_failure", "has_slack_credentials",
           "main", "platforms_to_run", "run_cli", "senders_to_run"]

log = logging.getLogger("actionlab")

EXIT_OK, EXIT_FAILURE, EXIT_CONFIG = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actionlab",
        description="Run a civic-tech working group from first call to final decision.",
    )
    parser.add_argument("--config", metavar="PATH",
                        help="config file (default: ./config.toml, or $ACTIONLAB_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="serve the lab (the console when no platform is set up)")
    run.add_argument("--console", action="store_true", help="the local console (default)")
    run.add_argument("--slack", action="store_true",
                     help="serve Slack: HTTP on HOST:PORT, or Socket Mode with "
                          "SLACK_SOCKET_MODE=1 (see the README's Slack section)")
    run.add_argument("--discord", action="store_true",
                     help="serve Discord (needs DISCORD_TOKEN; see the README's Discord "
                          "section)")
    run.add_argument("--as", dest="user", metavar="NAME",
                     help="console: who you are at the start (default: your login name)")
    run.add_argument("--channel", default="lab", help="console: the channel (default: lab)")

    demo = sub.add_parser("demo", help="play a scripted Action Lab in the terminal")
    demo.add_argument("--out", default="actionlab-demo", metavar="DIR",
                      help="folder for the files the demo makes (default: ./actionlab-demo)")
    demo.add_argument("--lang", metavar="CODE",
                      help="every reader's language and the lab's (en, es, fr, pt_BR, ar, or "
                           "the pseudo-locale en_XA); default: English")
    demo.add_argument("--db", metavar="PATH",
                      help="SQLite file to keep (default: a fresh one in --out)")

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--revision", default="head")

    minutes = sub.add_parser("minutes", help="the minutes of a lab's meetings")
    minutes_sub = minutes.add_subparsers(dest="minutes_command", required=True, metavar="WHAT")
    export = minutes_sub.add_parser("export", help="write one set of minutes to a file")
    export.add_argument("--lab", required=True, help="the lab's name or number")
    export.add_argument("--meeting", metavar="MEETING",
                        help="a meeting number (#1) or a title; default: the latest minutes")
    export.add_argument("--format", required=True, dest="fmt",
                        choices=("md", "html", "pdf", "docx", "json"))
    export.add_argument("--out", required=True, metavar="PATH",
                        help="the file to write, or a folder to write it into")
    export.add_argument("--lang", metavar="CODE",
                        help="the file's language (en, es, fr, pt_BR, ar); default: the lab's")

    forget = sub.add_parser("forget", help="erase a person's personal data (as `/lab forget "
                                           "me` does), for the operator")
    forget.add_argument("--platform", required=True, choices=("slack", "discord", "console"))
    forget.add_argument("--user", required=True, metavar="ID",
                        help="their user id on that platform (Slack U123..., a Discord id)")
    forget.add_argument("--workspace", metavar="ID",
                        help="the Slack team or Discord server id, if the id is in several")

    export_lab = sub.add_parser("export", help="write a lab's whole record (as `/lab record` "
                                               "sends it) to a zip, archived or not")
    export_lab.add_argument("--lab", required=True, help="the lab's name or number")
    export_lab.add_argument("--out", required=True, metavar="PATH",
                            help="the zip to write, or a folder to write it into")

    from bot.tally_cli import add_parser as add_tally

    add_tally(sub)
    return parser


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log.level, stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger().setLevel(settings.log.level)  # also when a handler was already set
    # Library warnings (matplotlib's about a glyph or a layout) are log records too, so they
    # go where the logs go and never print between a person's messages.
    logging.captureWarnings(True)
    floor = max(logging.WARNING, logging.getLogger().level)
    # Alembic narrates every step at INFO, fontTools every glyph of a PDF font subset,
    # APScheduler every timer it adds.
    for noisy in ("alembic", "fontTools", "apscheduler"):
        logging.getLogger(noisy).setLevel(floor)
    # At DEBUG the database drivers log SQL parameters: the lab's confidential notes,
    # ballots and names. They stay at WARNING unless [database] echo asks for SQL.
    if not settings.database.echo:
        for chatty in ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool"):
            logging.getLogger(chatty).setLevel(floor)


CONSOLE_LOG = "actionlab.log"


def _log_to_file(path: str) -> None:
    """The console's terminal shows people's messages; its log lines (and warnings) go to
    `path` instead of between them. Piped runs keep logging to stderr, apart from stdout."""
    root = logging.getLogger()
    handler = logging.FileHandler(path, encoding="utf-8")
    for old in list(root.handlers):
        if isinstance(old, logging.StreamHandler) and not isinstance(old, logging.FileHandler):
            handler.setFormatter(old.formatter)
            root.removeHandler(old)
    root.addHandler(handler)
    print(_("(log lines go to {path})").format(path=path), file=sys.stderr)


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot.bootstrap import create_app, settle_heap
    from bot.compose import build_adapters

    app = await create_app(settings)
    try:
        await app.require_current_schema()
        args.slack, args.discord, args.console = platforms_to_run(
            settings, slack=args.slack, discord=args.discord, console=args.console)
        if args.console and sys.stderr.isatty():
            _log_to_file(CONSOLE_LOG)
        adapters = build_adapters(app.ctx, settings, slack=args.slack, discord=args.discord,
                                  console=args.console, user=args.user or _login_name(),
                                  channel=args.channel)
        await app.start()
        settle_heap()
        # Every adapter and the scheduler share this one event loop; if one stops (the
        # console at the end of its input), the others are stopped with it.
        tasks = [asyncio.create_task(adapter.run()) for adapter in adapters]
        _stop_on_signals(tasks, app.drain)
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if not task.cancelled():
                task.result()
    finally:
        await app.close()
    return EXIT_OK


def _stop_on_signals(tasks: list[asyncio.Task[None]],
                     drain: Callable[[], Awaitable[bool]] | None = None) -> None:
    """SIGTERM (a platform stopping the dyno, on every deploy) and SIGINT end the adapters
    cleanly: first the inbox stops taking work and finishes what it took within the
    `[work] grace` (what arrives meanwhile is recorded and left to the next instance), then
    the adapters stop, the scheduler shuts down and the database connections close. A
    second signal stops at once."""
    import asyncio

    loop = asyncio.get_running_loop()
    draining: list[asyncio.Task[None]] = []

    def cancel() -> None:
        for task in tasks:
            task.cancel()

    async def drain_then_cancel() -> None:
        assert drain is not None
        try:
            finished = await drain()
            log.info("stopping: %s", "all taken work finished" if finished else
                     "grace over; unfinished work left to the next instance")
        finally:
            cancel()

    def stop() -> None:
        if drain is None or draining:
            log.info("stopping: signal received")
            cancel()
            return
        log.info("stopping: signal received; finishing taken work first")
        draining.append(loop.create_task(drain_then_cancel()))

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop)


async def _migrate(settings: Settings, revision: str) -> int:
    from storage import migrations
    from storage.db import create_engine

    engine = create_engine(settings.database_url.get_secret_value())
    try:
        await migrations.upgrade(engine, revision)
        current = await migrations.current_revision(engine)
    finally:
        await engine.dispose()
    print(_("database is at revision {current}").format(current=current))
    return EXIT_OK


async def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import DemoError, run_demo

    language = normalize(args.lang) if args.lang else None
    if args.lang and language is None:
        print(_("actionlab: unknown language {lang!r}; use one of {names}").format(
            lang=args.lang, names=", ".join(LOCALES)), file=sys.stderr)
        return EXIT_FAILURE
    try:
        return await run_demo(settings, out_dir=Path(args.out), db_path=args.db,
                              language=language)
    except DemoError as exc:
        print(f"actionlab: {exc}", file=sys.stderr)
        return EXIT_CONFIG


def _login_name() -> str:
    try:
        return os.environ.get("ACTIONLAB_CONSOLE_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "you"


def run_cli(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "tally":  # offline: needs no settings, no database
        from bot.tally_cli import run_tally

        return run_tally(args)
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.config import ConfigError, load_settings
    from bot.ports import StartupError
    from storage.db import DatabaseUrlError
    from storage.migrations import SchemaOutOfDate

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"actionlab: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings)
    try:
        if args.command == "run":
            return asyncio.run(_run(settings, args))
        if args.command == "migrate":
            return asyncio.run(_migrate(settings, args.revision))
        if args.command == "demo":
            return asyncio.run(_demo(settings, args))
        if args.command == "forget":
            return asyncio.run(_forget(settings, args))
        if args.command == "export":
            return asyncio.run(_export(settings, args))
        if args.command == "minutes":
            from bot.minutes_cli import run_export

            return asyncio.run(run_export(settings, lab=args.lab, meeting=args.meeting,
                                          fmt=args.fmt, out=args.out, lang=args.lang))
    except DatabaseUrlError as exc:
        print(_("actionlab: config error: {exc}").format(exc=exc), file=sys.stderr)
        return EXIT_CONFIG
    except ConfigError as exc:  # an adapter found its settings incomplete, or refused
        print(_("actionlab: config error: {exc}").format(exc=exc), file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_OK
    except StartupError as exc:
        log.debug("start-up failed", exc_info=True)
        print(f"actionlab: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except (SchemaOutOfDate, OSError, SQLAlchemyError) as exc:
        # Ordinary start-up failures (no database, a busy port, a platform out of reach) get
        # one line an operator can act on; the details go to the log at DEBUG.
        log.debug("start-up failed", exc_info=True)
        print(f"actionlab: {describe_failure(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_FAILURE


async def _forget(settings: Settings, args: argparse.Namespace) -> int:
    """`actionlab forget --platform slack --user U123`: the operator erases someone, exactly
    as `/lab forget me` would (and refuses the last facilitator of a lab likewise)."""
    from sqlalchemy import select

    from bot.bootstrap import create_app
    from bot.errors import UserError
    from bot.features.privacy import erase_person
    from storage.models import Identity

    app = await create_app(settings)
    try:
        await app.require_current_schema()
        async with app.ctx.uow() as uow:
            stmt = select(Identity).where(Identity.platform == args.platform,
                                          Identity.user_id == args.user)
            if args.workspace:
                stmt = stmt.where(Identity.workspace == args.workspace)
            found = {i.person_id for i in (await uow.session.scalars(stmt)).all()}
            if len(found) != 1:
                why = _("nobody") if not found else _("several people (give --workspace)")
                print(_("actionlab: {platform} user {user} is {why} here; nothing "
                        "was erased.").format(platform=args.platform, user=args.user, why=why),
                      file=sys.stderr)
                return EXIT_FAILURE
            try:
                erased = await erase_person(app.ctx, uow, found.pop(), app.ctx.clock.now())
            except UserError as exc:
                print(f"actionlab: {exc.message}", file=sys.stderr)
                return EXIT_FAILURE
            await uow.commit()
        print(_("Forgotten: they left {labs_left} lab(s); {applications} "
                "application(s) and {reminders} reminder(s) erased.").format(
            labs_left=erased.labs_left, applications=erased.applications,
            reminders=erased.reminders))
        return EXIT_OK
    finally:
        await app.close()


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    """`actionlab export --lab "Action Lab 1" --out lab.zip`: the lab's record, the same zip
    `/lab archive` and `/lab record` send, written readable by its owner only."""
    from bot.bootstrap import create_app
    from bot.errors import UserError
    from bot.features.archive import make_bundle
    from bot.minutes_cli import find_lab, write_file

    app = await create_app(settings)
    try:
        await app.require_current_schema()
        async with app.ctx.uow() as uow:
            try:
                lab_id = (await find_lab(uow, args.lab)).id
            except UserError as exc:
                print(f"actionlab: {exc.message}", file=sys.stderr)
                return EXIT_FAILURE
        file = await make_bundle(app.ctx, lab_id)
        async with app.ctx.uow() as uow:
            await uow.audit.record(lab_id=lab_id, actor_id=None, action="lab.record",
                                   at=app.ctx.clock.now(), via="cli")
            await uow.commit()
    finally:
        await app.close()
    path = write_file(file, Path(args.out))
    print(_("wrote {path}").format(path=path))
    return EXIT_OK


def describe_failure(exc: BaseException) -> str:
    """One line for an operator: what failed and what to do. Never the SQL or its values."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.migrations import SchemaOutOfDate

    if isinstance(exc, SchemaOutOfDate):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        orig = getattr(exc, "orig", None) or exc.__cause__ or exc
        if "no such table" in str(orig) or "does not exist" in str(orig):
            return (_("the database has no actionlab tables yet (or an old schema): run "
                    "`actionlab migrate` first"))
        reason = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
        return _("cannot use the database: {reason}").format(reason=reason)
    if isinstance(exc, OSError):
        if exc.errno == errno.EADDRINUSE:
            return (_("cannot listen: the address is already in use (is another actionlab "
                    "running?); set PORT to a free port"))
        reason = exc.strerror or str(exc) or type(exc).__name__
        return (_("cannot connect: {reason}. Check DATABASE_URL (and, for Slack or Discord, "
                "that the platform is reachable)").format(reason=reason))
    return str(exc)


def main() -> None:
    sys.exit(run_cli())
