"""Neutral cards and forms as Discord embeds, components and modals (pure: no I/O).

A card becomes one or more embeds (a new embed starts at each header, and wherever text would
otherwise land below fields, so the card's order survives), its control rows become
components, and its pictures attachments. `at()` tokens become Discord timestamps
(`<t:unix:F>`), which every reader's own client shows in their own zone; where Discord shows
text literally (titles, field names, button labels) a time is written in UTC, zone named.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord

from adapters.discord import components
from bot.i18n import SOURCE, isolate_sentence
from bot.messages import (
    Buttons,
    Card,
    Context,
    Divider,
    Fields,
    File,
    Form,
    Header,
    Image,
    Reply,
    Text,
    TimeStyle,
    render_times,
    shorten,
)

COLOUR = 0x2B6CB0

# Discord's own limits (the card checks the stricter of Slack's and Discord's when built;
# these guard what rendering adds, such as `**` for bold).
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_TOTAL = 6000  # all embeds of one message together
EMBEDS_PER_MESSAGE = 10
CONTENT = 2000
MODAL_TITLE = 45


# --- text -------------------------------------------------------------------------------------


def timestamp(moment: datetime, style: TimeStyle) -> str:
    """A Discord timestamp: each reader's client shows it in their own zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def utc_text(moment: datetime, style: TimeStyle) -> str:
    """A moment where Discord renders no timestamps (titles, labels): UTC, zone named."""
    match style:
        case "D" | "d":
            return f"{moment:%a %d %b %Y}"
        case "T" | "t":
            return f"{moment:%H:%M} UTC"
        case _:
            return f"{moment:%a %d %b %Y, %H:%M} UTC"


_CODE = re.compile(r"(`[^`\n]*`)")
# *bold* (Slack's and the core's light markdown) -> **bold** (Discord's); a lone * as in 2*3
# or a "* " bullet is left alone, and so is anything already doubled.
_BOLD = re.compile(r"(?<![*\w\\])\*(?=[^\s*])([^*\n]*?[^\s*\\])\*(?![*\w])")


def markdown(text: str) -> str:
    """The core's light markdown as Discord markdown, times as Discord timestamps."""
    parts = _CODE.split(render_times(text, timestamp))
    return "".join(p if p.startswith("`") else _BOLD.sub(r"**\1**", p) for p in parts)


def plain(text: str) -> str:
    """Text for places Discord shows literally: times in UTC, markdown stars kept out."""
    return _BOLD.sub(r"\1", render_times(text, utc_text))


# --- cards ------------------------------------------------------------------------------------


@dataclass
class Rendered:
    """What one Discord message carries."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[File] = field(default_factory=list)

    @property
    def text(self) -> Any:
        """The content for interaction responses and follow-ups (MISSING: none). A channel's
        `send` takes `content` itself: it would write MISSING as the text "..."."""
        return self.content if self.content is not None else discord.utils.MISSING

    @property
    def components(self) -> Any:
        """The view for interaction responses and follow-ups (MISSING: no components)."""
        return self.view if self.view is not None else discord.utils.MISSING

    def discord_files(self) -> list[discord.File]:
        """Fresh file objects: discord.py reads each one once, so a retry needs new ones."""
        return [to_discord_file(f) for f in self.files]


def to_discord_file(file: File) -> discord.File:
    return discord.File(io.BytesIO(file.data), filename=file.name, description=file.alt)


@dataclass
class _Embed:
    title: str | None = None
    lines: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    image: str | None = None

    def description(self) -> str:
        return "\n\n".join(self.lines)

    def empty(self) -> bool:
        return not (self.title or self.lines or self.fields or self.image)

    def size(self) -> int:
        return len(self.title or "") + len(self.description()) + sum(
            len(a) + len(b) for a, b in self.fields)


def _embeds(card: Card) -> tuple[list[_Embed], list[File]]:
    out: list[_Embed] = []
    files: list[File] = []
    current = _Embed()

    def fresh(title: str | None = None) -> _Embed:
        nonlocal current
        if not current.empty():
            out.append(current)
        current = _Embed(title=title)
        return current

    def add_line(line: str) -> None:
        if current.fields:  # text after fields would show above them: keep the order
            fresh()
        if len(current.description()) + len(line) + 2 > EMBED_DESCRIPTION:
            fresh()
        current.lines.append(line)

    # Discord's clients honour Unicode bidi: each sentence of a right-to-left card is
    # isolated as right-to-left (RLI ... PDI), so it reads from the right and the names and
    # numbers in it keep their places.
    rtl = "ar" if card.rtl else SOURCE

    def iso(text: str) -> str:
        return isolate_sentence(text, rtl)

    for block in card.blocks:
        match block:
            case Header(text=text):
                fresh(shorten(iso(plain(text)), EMBED_TITLE))
            case Text(text=text):
                add_line(iso(markdown(text)))
            case Context(text=text):
                # Discord's small print ("-# ") keeps timestamps and markdown working, unlike
                # an embed footer.
                add_line("\n".join(f"-# {iso(line)}" if line.strip() else line
                                   for line in markdown(text).split("\n")))
            case Divider():
                add_line("─" * 24)
            case Fields(items=items):
                if len(current.fields) + len(items) > EMBED_FIELDS:
                    fresh()
                current.fields.extend((shorten(plain(a), 256), shorten(markdown(b), 1024))
                                      for a, b in items)
            case Image(file=file):
                if current.image is not None:
                    fresh()
                current.image = f"attachment://{file.name}"
                files.append(file)
            case _:
                pass  # control rows become components (components.py)
    if not current.empty():
        out.append(current)
    return _fit(out), files


def _fit(embeds: list[_Embed]) -> list[_Embed]:
    """At most 10 embeds and 6000 characters a message: fold the overflow into the last one."""
    if len(embeds) > EMBEDS_PER_MESSAGE:
        keep, rest = embeds[:EMBEDS_PER_MESSAGE - 1], embeds[EMBEDS_PER_MESSAGE - 1:]
        merged = _Embed(title=rest[0].title)
        for e in rest:
            if e is not rest[0] and e.title:
                merged.lines.append(f"**{e.title}**")
            merged.lines.extend(e.lines)
            merged.lines.extend(f"**{a}**: {b}" for a, b in e.fields)
            merged.image = merged.image or e.image
        text = "\n\n".join(merged.lines)
        merged.lines = [shorten(text, EMBED_DESCRIPTION)] if text else []
        embeds = [*keep, merged]
    total = sum(e.size() for e in embeds)
    for e in reversed(embeds):
        if total <= EMBED_TOTAL:
            break
        text = e.description()
        over = total - EMBED_TOTAL
        cut = shorten(text, max(0, len(text) - over))
        e.lines = [cut] if cut else []
        total -= len(text) - len(cut)
    return embeds


def _to_discord(e: _Embed) -> discord.Embed:
    embed = discord.Embed(title=e.title, description=e.description() or None, colour=COLOUR)
    for name, value in e.fields:
        embed.add_field(name=name, value=value, inline=True)
    if e.image:
        embed.set_image(url=e.image)
    return embed


def render_card(card: Card, *, text: str | None = None,
                files: tuple[File, ...] = ()) -> Rendered:
    """A card (and optional plain text and files) as one Discord message."""
    parts, pictures = _embeds(card)
    names = {f.name for f in files}
    if text is not None and card.rtl:
        text = isolate_sentence(text, "ar")
    return Rendered(
        content=render_content(text),
        embeds=[_to_discord(e) for e in parts],
        view=view_for(card),
        files=[*files, *(p for p in pictures if p.name not in names)],
    )


def render_content(text: str | None) -> str | None:
    return None if text is None else shorten(markdown(text), CONTENT)


def render_reply(reply: Reply) -> Rendered:
    """The message part of a reply (its form, if any, is rendered by `render_form`)."""
    if reply.card is not None:
        return render_card(reply.card, text=reply.text, files=reply.files)
    text = isolate_sentence(reply.text, "ar") if reply.text and reply.rtl else reply.text
    return Rendered(content=render_content(text), files=list(reply.files))


def view_for(card: Card) -> discord.ui.View | None:
    """The card's control rows, one Discord action row each; None when it has none."""
    rows = card.controls()
    if not rows:
        return None
    view = discord.ui.View(timeout=None)  # nothing to time out: the ids carry the state
    for number, row in enumerate(rows):
        if isinstance(row, Buttons):
            for b in row.buttons:
                view.add_item(components.button(b, number, shorten(plain(b.label), 80)))
        else:
            view.add_item(components.select(row, number, lambda t: shorten(plain(t), 100)))
    return view


# --- forms ------------------------------------------------------------------------------------


def render_form(form: Form) -> discord.ui.Modal:
    """A form as a modal; each input's custom id is the argument name it fills."""
    modal = discord.ui.Modal(title=shorten(plain(form.title), MODAL_TITLE),
                             custom_id=form.form_id, timeout=15 * 60)
    for item in form.inputs:
        modal.add_item(discord.ui.TextInput(
            label=item.label, custom_id=item.name,
            style=discord.TextStyle.paragraph if item.multiline else discord.TextStyle.short,
            placeholder=item.placeholder or None, default=item.default or None,
            required=item.required, max_length=item.max_length,
        ))
    return modal
