"""Block Kit JSON written out by hand, so tests compare what the bot sent with what Slack
expects, object by object, without calling the renderer they test."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bot.bootstrap import App
from fakes.slack_api import Call
from storage.models import AuditEntry

Json = dict[str, Any]

LONG = "{date_long_pretty} {time}"  # at(moment) and at(moment, "F")
SHORT = "{date_pretty} {time}"  # at(moment, "f")
AGO = "{ago}"  # at(moment, "R")


def plain(text: str) -> Json:
    return {"type": "plain_text", "text": text, "emoji": True}


def md(text: str) -> Json:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Json:
    return {"type": "header", "text": plain(text)}


def section(text: str) -> Json:
    return {"type": "section", "text": md(text)}


def fields(*items: str) -> Json:
    return {"type": "section", "fields": [md(i) for i in items]}


def context(text: str) -> Json:
    return {"type": "context", "elements": [md(text)]}


def button(label: str, action_id: str, style: str | None = None) -> Json:
    out: Json = {"type": "button", "text": plain(label), "action_id": action_id}
    if style:
        out["style"] = style
    return out


def actions(*elements: Json) -> Json:
    return {"type": "actions", "elements": list(elements)}


def option(label: str, value: str, description: str | None = None) -> Json:
    out: Json = {"text": plain(label), "value": value}
    if description is not None:
        out["description"] = plain(description)
    return out


def menu(action_id: str, placeholder: str, options: list[Json]) -> Json:
    return {"type": "static_select", "action_id": action_id, "options": options,
            "placeholder": plain(placeholder)}


def multi(action_id: str, placeholder: str, options: list[Json]) -> Json:
    return {"type": "multi_static_select", "action_id": action_id, "options": options,
            "placeholder": plain(placeholder), "max_selected_items": len(options)}


def image(file_id: str, alt: str) -> Json:
    return {"type": "image", "slack_file": {"id": file_id}, "alt_text": alt}


def date(moment: datetime, shown: str, fallback: str) -> str:
    """A Slack date token: `shown` in each reader's zone, `fallback` (UTC) where it cannot."""
    return f"<!date^{int(moment.astimezone(UTC).timestamp())}^{shown}|{fallback}>"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def blocks_of(call: Call) -> list[Json]:
    found = call.args.get("blocks") or []
    return json.loads(found) if isinstance(found, str) else list(found)


def seen_text(call: Call) -> str:
    """Everything a person could read in what the bot sent: texts, blocks, views, comments."""
    return json.dumps(call.args, ensure_ascii=False)


async def audits(app: App, action: str) -> int:
    async with app.ctx.uow() as uow:
        stmt = select(func.count(AuditEntry.id)).where(AuditEntry.action == action)
        return int(await uow.session.scalar(stmt) or 0)
