"""`actionlab minutes export`: one set of minutes to a file, from the command line.

It goes through the composition root like every other command, so it reads the same
database (migrating the embedded default first), uses the same clock, and records the export
in the audit log.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.config import Settings
from bot.errors import NotFound, UserError
from bot.exports import FORMATS, Format
from bot.features.minutes import find_minutes, load_document, render_file
from bot.i18n import LOCALES, _, normalize, use_locale
from bot.messages import File
from storage.models import Lab
from storage.uow import UnitOfWork


async def find_lab(uow: UnitOfWork, ref: str) -> Lab:
    """A lab by its number or its name; the error lists the labs there are."""
    labs = await uow.labs.all()
    if ref.strip().isdigit():
        found = await uow.labs.get(int(ref))
        if found is not None:
            return found
    named = await uow.labs.by_name(ref)
    if len(named) == 1:
        return named[0]
    listing = ", ".join(f"{lab.id} ({lab.name})" for lab in labs) or _("none yet")
    if len(named) > 1:
        raise NotFound(_("Several labs are called `{ref}`; give its number. Labs: "
                         "{listing}.").format(
            ref=ref, listing=listing))
    raise NotFound(_("There is no lab `{ref}`. Labs: {listing}.").format(ref=ref, listing=listing))


async def export_from_database(settings: Settings, *, lab: str, meeting: str | None,
                               fmt: Format, lang: str | None = None) -> File:
    """One set of minutes as a file. `lab` is a lab's name or number; `meeting` a meeting
    number (`#1`) or title, the latest minutes when None. Raises UserError for a lab or
    meeting that is not there (the meeting error lists the meetings that have minutes).
    The file is in `lang` (a language code), else the lab's language."""
    from bot.bootstrap import create_app

    app = await create_app(settings)
    try:
        await app.require_current_schema()
        async with app.ctx.uow() as uow:
            the_lab = await find_lab(uow, lab)
            minutes = await find_minutes(uow, the_lab, meeting)
            moment = app.ctx.clock.now()
            with use_locale(lang or the_lab.language):
                doc = await load_document(uow, minutes, moment)
                await uow.commit()  # nothing is held while the file renders
                file = await render_file(doc, fmt)
            await uow.audit.record(lab_id=the_lab.id, actor_id=None, action="minutes.export",
                                   at=moment, minutes=minutes.id, format=fmt, via="cli")
            await uow.commit()
    finally:
        await app.close()
    return file


def write_file(file: File, out: Path) -> Path:
    """Write `file` to `out`, or into `out` under its own name when `out` is a folder (one
    that exists, or a path ending in a separator). Minutes are confidential: the file is
    readable by its owner only."""
    target = out / file.name if out.is_dir() or str(out).endswith(("/", "\\")) else out
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(file.data)
    os.chmod(target, 0o600)  # also when the file was there before, with wider rights
    return target


async def run_export(settings: Settings, *, lab: str, meeting: str | None, fmt: str,
                     out: str, lang: str | None = None) -> int:
    """The CLI's entry: 0 when written, 1 (with the reason on stderr) when not."""
    if fmt not in FORMATS:
        print(_("actionlab: unknown format {fmt!r}; use one of {names}").format(
            fmt=fmt, names=', '.join(FORMATS)),
              file=sys.stderr)
        return 1
    language = normalize(lang) if lang else None
    if lang and language is None:
        print(_("actionlab: unknown language {lang!r}; use one of {names}").format(
            lang=lang, names=", ".join(LOCALES)), file=sys.stderr)
        return 1
    try:
        file = await export_from_database(settings, lab=lab, meeting=meeting, fmt=fmt,
                                          lang=language)
    except UserError as exc:
        print(f"actionlab: {exc.message}", file=sys.stderr)
        return 1
    path = write_file(file, Path(out))
    print(f"wrote {path}")
    return 0
