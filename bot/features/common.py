"""Helpers every feature shares: finding a member by name or mention, paging long lists,
naming things by number in autocomplete, and saying which zone a card's times are in."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import AfterValidator

from bot import action_ids
from bot.domain.lab import Role
from bot.errors import NotFound, UserError
from bot.handlers import Call
from bot.i18n import LOCALES, NATIVE_NAMES, _, normalize
from bot.messages import Block, Button, Buttons, Card, Context, Limits, Reply, Text, shorten
from storage.models import Membership

# Adapters hand mentions over as <@user_id> (Slack adds |name, which we ignore).
_MENTION = re.compile(r"^<@!?([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>$")


def member_names(members: Sequence[Membership]) -> str:
    return ", ".join(m.person.display_name for m in members)


async def find_member(call: Call[Any], ref: str) -> Membership:
    """The active member `ref` names: a mention, a full name, or an unambiguous start of one."""
    lab = call.the_lab
    members = await call.uow.members.active(lab.id)
    text = ref.strip()
    mention = _MENTION.match(text)
    if mention:
        person = await call.uow.people.by_identity(
            call.actor.platform, call.actor.workspace, mention.group(1)
        )
        found = [m for m in members if person is not None and m.person_id == person.id]
        if found:
            return found[0]
        raise NotFound(
            _("That person is not a member of {name}. Members: {member_names}.").format(
                name=lab.name, member_names=member_names(members))
        )
    text = text.removeprefix("@").strip().casefold()
    if not text:
        raise UserError(_("Name a member, for example `Amara` or `@Amara`."))
    exact = [m for m in members if m.person.display_name.casefold() == text]
    if exact:
        return exact[0]
    starts = [m for m in members if m.person.display_name.casefold().startswith(text)]
    if not starts:
        starts = [
            m for m in members
            if any(w.startswith(text) for w in m.person.display_name.casefold().split())
        ]
    if len(starts) == 1:
        return starts[0]
    if len(starts) > 1:
        raise UserError(
            _("`{ref}` could be {member_names}. Type more of the name.").format(
                ref=ref, member_names=member_names(starts))
        )
    raise NotFound(
        _("No member of {name} is called `{ref}`. Members: {member_names}.").format(
            name=lab.name, ref=ref, member_names=member_names(members))
    )


def role_label(role: Role) -> str:
    return role.value


PAGE_TEXT_BUDGET = 4500  # of a card's 6000 characters, leaving room for headers and notes


def paginate(
    lines: Sequence[str], *, page: int, per_page: int, route: str, ref: str | int,
    noun: str = "items",
) -> list[Block]:
    """Blocks for one page of `lines`, with Previous/Next buttons that carry the page number."""
    pages = max(1, -(-len(lines) // per_page))
    page = min(max(page, 1), pages)
    page_lines = lines[(page - 1) * per_page: page * per_page]
    # However long an entry someone typed, the page stays within a card's text budget.
    limit = max(120, min(2900, PAGE_TEXT_BUDGET // max(1, len(page_lines))))
    chunk = [shorten(line, limit) for line in page_lines]
    blocks: list[Block] = []
    text = ""
    for line in chunk:
        if text and len(text) + len(line) + 1 > 2900:
            blocks.append(Text(text))
            text = ""
        text = f"{text}\n{line}" if text else line
    if text:
        blocks.append(Text(text))
    if pages > 1:
        blocks.append(Context(_("Page {page} of {pages} · {count} {noun}").format(
            page=page, pages=pages, count=len(lines), noun=noun)))
        blocks.append(page_buttons(route, ref, page, pages))
    return blocks


def page_buttons(route: str, ref: str | int, page: int, pages: int) -> Buttons:
    """Previous/Next buttons whose ids carry the page they lead to (pages > 1)."""
    buttons = []
    if page > 1:
        buttons.append(Button(_("◀ Previous"), action_ids.encode(route, ref, page - 1)))
    if page < pages:
        buttons.append(Button(_("Next ▶"), action_ids.encode(route, ref, page + 1)))
    return Buttons(tuple(buttons))


def times_in(zone: str, known: bool = True) -> str:
    """How a private card names the zone its times are in."""
    if known:
        return _("Times in your zone, {zone}").format(zone=zone)
    return _("Times in {zone}, the lab's zone (set yours with `/lab tz <zone>`)").format(zone=zone)


def numbered_choices(items: Sequence[tuple[int, str, str]], typed: str
                     ) -> list[tuple[str, str]]:
    """Autocomplete for things people name by number or title: (number, title, label) in,
    up to 25 (label, number) out, matching the start of the number or part of the title."""
    text = typed.strip().removeprefix("#").casefold()
    return [(shorten(label, 100), str(number)) for number, title, label in items
            if not text or str(number).startswith(text) or text in title.casefold()][:25]


# --- asking before anything is lost ----------------------------------------------------------


def confirm_card(question: str, lost: str, *, confirm: Button, keep_id: str,
                 undo: str) -> Card:
    """The one confirmation every destructive command shows: what it will do, what will be
    lost, whether and how it can be undone, a danger button that does it, and Keep, which
    changes nothing. The confirm button's action does the work when pressed."""
    return Card((
        Text(shorten(f"*{question}*\n{lost}\n{undo}", Limits.TEXT)),
        Buttons((Button(confirm.label, confirm.action_id, style="danger"),
                 Button(_("Keep"), keep_id))),
    ), fallback=shorten(question, Limits.PLAIN_TEXT))


def kept(what: str) -> Reply:
    """What pressing Keep on a confirmation says: nothing changed (it replaces the card)."""
    return Reply(card=Card((Text(_("Kept: {what} is as it was; nothing changed.").format(
        what=what)),)),
                 replace=True)


# --- languages (`/lab lang`, `/lab settings lang`, an export's `lang`) ------------------------

DEFAULT_WORDS = ("default", "auto", "none")


def language_code(value: str | None) -> str | None:
    """A supported locale from what someone typed ("fr", "pt-BR", "es-ES"), "" to go back
    to the default, or a clear refusal listing the choices."""
    if value is None:
        return None
    if value.strip().lower() in DEFAULT_WORDS:
        return ""
    found = normalize(value)
    if found is None:
        raise UserError(_("`{value}` is not a language I speak. Choose one of {choices}, or "
                          "`default`.").format(value=value, choices=choices()))
    return found


def choices() -> str:
    return ", ".join(f"`{code}` ({NATIVE_NAMES[code]})" for code in LOCALES)


def language_name(code: str | None) -> str:
    return NATIVE_NAMES.get(code or "", code or "")


LanguageCheck = AfterValidator(language_code)
