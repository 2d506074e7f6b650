"""The lab's audit log, newest first, page by page (facilitators)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Field

from bot.arguments import Args, Pos
from bot.domain.zones import format_local
from bot.features.common import page_buttons, paginate
from bot.features.lab.audit_words import Known, sentence
from bot.i18n import N_, _
from bot.messages import Block, Card, Context, Header, Reply
from bot.router import Call, Router
from storage.models import AuditEntry
from storage.uow import UnitOfWork

router = Router()


# --- audit log ------------------------------------------------------------------------------

AUDIT_PER_PAGE = 15


class AuditArgs(Args):
    page: Annotated[int, Pos("page"), Field(ge=1, le=100000)] = 1


def _ids(entries: Sequence[AuditEntry], key: str) -> set[int]:
    return {v for e in entries if isinstance(v := e.detail.get(key), int)}


async def known_for(uow: UnitOfWork, zone: str, entries: Sequence[AuditEntry]) -> Known:
    """Names for the ids in `entries` (one page of the log here; the whole log in the lab's
    record), and `zone` to show their moments in."""
    people: set[int] = {e.actor_id for e in entries if e.actor_id}
    for key in ("member", "owner", "to"):
        people |= _ids(entries, key)
    meetings, polls, minutes = {}, {}, {}
    for ref in _ids(entries, "meeting"):
        if (meeting := await uow.meetings.get(ref)) is not None:
            meetings[ref] = _("meeting #{number} ({title})").format(
                number=meeting.number, title=meeting.title)
    for ref in _ids(entries, "poll"):
        if (poll := await uow.polls.get(ref)) is not None:
            polls[ref] = _("poll #{number} ({title})").format(
                number=poll.number, title=poll.title)
    for ref in _ids(entries, "minutes"):
        if (found := await uow.minutes.get(ref)) is not None:
            minutes[ref] = f"“{found.title}”"
    return Known(zone=zone, people=await uow.people.names(sorted(people)),
                 meetings=meetings, polls=polls, minutes=minutes)


async def _audit_card(call: Call[Any], page: int) -> Card:
    lab = call.the_lab
    entries, total = await call.uow.audit.page(
        lab.id, offset=(page - 1) * AUDIT_PER_PAGE, limit=AUDIT_PER_PAGE
    )
    pages = max(1, -(-total // AUDIT_PER_PAGE))
    # A page past the end shows the last page, and says so, rather than an empty one.
    past_end = page > pages
    if past_end:
        page = pages
        entries, total = await call.uow.audit.page(
            lab.id, offset=(page - 1) * AUDIT_PER_PAGE, limit=AUDIT_PER_PAGE
        )
    known = await known_for(call.uow, call.zone, entries)
    lines = []
    for entry in entries:
        who = known.people.get(entry.actor_id, _("a former member")) if entry.actor_id else None
        when = format_local(entry.at, call.zone, name=False)
        lines.append(f"• {when} · {sentence(entry.action, who, entry.detail, known)}")
    blocks: list[Block] = [Header(_("Audit log of {name}").format(name=lab.name))]
    if past_end:
        blocks.append(Context(_("There are {pages} pages; this is the last.").format(pages=pages)))
    blocks += paginate(lines or [_("Nothing recorded yet.")], page=1, per_page=AUDIT_PER_PAGE,
                       route="lab.audit", ref=lab.id)
    blocks.append(Context(_("Newest first · page {page} of {pages} · {total} "
                          "entries · times in {zone}. Entries are never changed or "
                          "deleted.").format(page=page, pages=pages, total=total, zone=call.zone)))
    if pages > 1:
        blocks.append(page_buttons("lab.audit", lab.id, page, pages))
    return Card(tuple(blocks), fallback=_("Audit log of {name}").format(name=lab.name))


@router.command("audit", args=AuditArgs, access="facilitator", topic="lab",
                summary=N_("The lab's audit log: who did what, when, newest first."))
async def audit(call: Call[AuditArgs]) -> Reply:
    return Reply(card=await _audit_card(call, call.args.page))


@router.action("lab.audit", scope="lab", access="facilitator")
async def audit_page(call: Call[Any]) -> Reply:
    return Reply(card=await _audit_card(call, call.page), replace=True)
