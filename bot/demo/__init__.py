"""`actionlab demo`: a scripted Action Lab played through the console adapter and the real
core, on a fresh SQLite file, with a clock the script moves forward."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.clock import SettableClock
from bot.config import Settings
from bot.demo.stage import DEMO_START, Act, Console, Stage, meeting_start
from bot.i18n import _, use_locale
from bot.scheduling import ManualJobs

__all__ = ["DEMO_START", "Act", "Console", "DemoError", "Stage", "acts", "meeting_start",
           "run_demo"]

def acts() -> list[Act]:
    """The whole cycle, in the order a lab lives it."""
    from bot.demo import lab, minutes, poll, reminders, vote

    return [lab.act, poll.act, vote.act, reminders.act, minutes.act, vote.recount,
            minutes.follow_up]


class DemoError(Exception):
    """The demo cannot start as asked (e.g. its database file already holds a lab)."""


def _prepare(out_dir: Path, db_path: str | None) -> Path:
    """The output folder, and a fresh database file (a named one must not exist yet: the
    script would replay onto old data)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if db_path:
        if Path(db_path).exists() and Path(db_path).stat().st_size > 0:
            raise DemoError(_("{db_path} already exists; the demo needs a new file to keep "
                            "(or leave out --db for a fresh one in the output folder)").format(
                db_path=db_path))
        return Path(db_path)
    db = out_dir / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


async def run_demo(
    settings: Settings, *, out_dir: Path, db_path: str | None = None,
    out: TextIO | None = None, language: str | None = None,
) -> int:
    """Play the demo; `language` (a code such as "fr", or "en_XA") is every reader's
    language, the narration's and the lab's."""
    with use_locale(language):
        return await _play(settings, out_dir=out_dir, db_path=db_path, out=out,
                           language=language)


async def _play(
    settings: Settings, *, out_dir: Path, db_path: str | None, out: TextIO | None,
    language: str | None,
) -> int:
    from bot.bootstrap import create_app
    from bot.compose import console_adapter

    out = out or sys.stdout
    db = _prepare(out_dir, db_path)
    settings = settings.model_copy(update={
        "database_url": type(settings.database_url)(f"sqlite+aiosqlite:///{db}"),
    })
    clock = SettableClock(DEMO_START)
    jobs = ManualJobs()
    app = await create_app(settings, clock=clock, jobs=jobs, migrate=True)
    try:
        console = console_adapter(app.ctx, out=out, user=_("Gemma Rhodes"),
                                  files_dir=out_dir / "files", locale=language)
        await app.start()
        stage = Stage(console, clock, jobs, out, out_dir, language)
        out.write(_("actionlab demo · database {db} · files in {out_dir}\n").format(
            db=db, out_dir=out_dir))
        for act in acts():
            await act(stage)
        stage.say(_("The demo is over. Its database is {db}; its files are in {out_dir}.").format(
            db=db, out_dir=out_dir))
    finally:
        await app.close()
    return 0
