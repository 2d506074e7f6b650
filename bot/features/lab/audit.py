"""The lab's audit log, newest first, page by page (facilitators)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from bot.arguments import Args, Pos
from bot.domain.zones import format_local
from bot.features.common import page_buttons, paginate
from bot.i18n import N_, _
from bot.messages import Block, Card, Context, Header, Reply
from bot.router import Call, Router

router = Router()


# --- audit log ------------------------------------------------------------------------------

AUDIT_PER_PAGE = 15


class AuditArgs(Args):
    page: Annotated[int, Pos("page"), Field(ge=1, le=100000)] = 1


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
    names = await call.uow.people.names([e.actor_id for e in entries if e.actor_id])
    lines = []
    for entry in entries:
        who = names.get(entry.actor_id or 0, "the bot")
        when = format_local(entry.at, call.zone, name=False)
        detail = ", ".join(f"{k}={v}" for k, v in sorted(entry.detail.items()))
        lines.append(f"• {when} · {who} · `{entry.action}`" + (f" ({detail})" if detail else ""))
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
