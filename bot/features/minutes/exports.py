"""Minutes as a file for the secretary (md, html, pdf, docx, json), rendered after the commit."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from pydantic import model_validator

from bot.arguments import Args, Complete, Kw, Pos
from bot.domain.minutes import MinutesDocument
from bot.exports import FORMATS, LABEL, MIME, Format, filename, gaps, render
from bot.features.common import LanguageCheck
from bot.features.minutes.service import find_minutes, label, load_document
from bot.i18n import N_, _, use_locale
from bot.messages import File, Reply, shorten
from bot.router import Call, Router
from storage.models import Minutes
from storage.uow import UnitOfWork

router = Router()


class ExportArgs(Args):
    meeting: Annotated[str | None, Pos("meeting", greedy=True), Complete("minutes")] = None
    format: Annotated[Format, Pos()]
    # The file's language: the lab's unless the secretary names another (`lang fr`).
    lang: Annotated[str | None, Kw("language", words=1), LanguageCheck] = None

    @model_validator(mode="before")
    @classmethod
    def _format_last(cls, data: Any) -> Any:
        # `/lab minutes export pdf`: the one word typed is the format, not a meeting.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("format"), str):
            data["format"] = data["format"].strip().lower()
        if "format" not in data and isinstance(data.get("meeting"), str):
            words = data["meeting"].rsplit(maxsplit=1)
            last = words[-1].lower() if words else ""
            if last not in FORMATS:
                raise ValueError(f"Say which format: {', '.join(FORMATS)} (you gave "
                                 f"`{data['meeting']}`), e.g. `/lab minutes export pdf`.")
            data["format"] = last
            if len(words) > 1:
                data["meeting"] = words[0]
            else:
                data.pop("meeting")
        return data


async def render_file(doc: MinutesDocument, fmt: Format) -> File:
    """The document as a file in `fmt`. Rendering runs in a worker thread: a PDF takes a
    moment, and the event loop keeps serving meanwhile (the renderers are pure)."""
    data = await asyncio.to_thread(render, doc, fmt)
    return File(filename(doc, fmt), data, MIME[fmt], alt=_("Minutes of {title} ({format})").format(
        title=doc.title, format=_(LABEL[fmt])))


async def export_file(uow: UnitOfWork, minutes: Minutes, fmt: Format, now: datetime
                      ) -> tuple[File, MinutesDocument]:
    """The minutes as a file in `fmt`, read and rendered (in a worker thread)."""
    doc = await load_document(uow, minutes, now)
    return await render_file(doc, fmt), doc


@router.command(
    "minutes export", args=ExportArgs, access="secretary", topic="minutes",
    summary=N_("Get the minutes as a file, privately: md, html, pdf, docx or json."),
    examples=("/lab minutes export pdf", '/lab minutes export "Kick-off call" docx',
              "/lab minutes export pdf lang fr"),
)
async def export(call: Call[ExportArgs]) -> Reply:
    lab = call.the_lab
    minutes = await find_minutes(call.uow, lab, call.args.meeting)
    # In the lab's language (it is the lab's record), or the one asked for.
    language = call.args.lang or lab.language
    with use_locale(language):
        doc = await load_document(call.uow, minutes, call.now)
    # The document holds plain values: commit what this call has read or written so far (the
    # person's row on first contact) before rendering, so no row or lock is held while a PDF
    # is drawn; the export is recorded once the file exists, and committed with the reply.
    await call.uow.commit()
    with use_locale(language):
        file = await render_file(doc, call.args.format)
    await call.audit("minutes.export", minutes=minutes.id, format=call.args.format)
    state = _(" They are still open; export again after `/lab minutes end` for the final " \
        "version.") if doc.ended_at is None else ""
    missing = gaps(doc, call.args.format)
    state += f" {missing}" if missing else ""
    return Reply(text=_("The minutes of {label} as {value}, for you "
                      "only. They are confidential: keep them within {name}.{state}").format(
        label=label(minutes), value=LABEL[call.args.format], name=lab.name, state=state),
                 files=(file,), private=True)


@router.completer("minutes")
async def complete_minutes(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    text = typed.strip().casefold()
    out = []
    for m in reversed(await call.uow.minutes.of_lab(call.lab.id)):
        value = f"#{m.meeting_number}" if m.meeting_number is not None else m.title
        shown = shorten(label(m), 100)
        if not text or text in m.title.casefold() or text in value.casefold():
            out.append((shown, value[:100]))
    return out[:25]
