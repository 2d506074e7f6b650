"""Pure rendering of neutral cards and forms into Block Kit: messages, modals and App Home.

Times marked with `at()` become Slack date tokens (`<!date^...>`), which every reader's
Slack client shows in that reader's own zone; where Slack shows plain text only (headers,
button labels) they become UTC with the zone named. User text is escaped as Slack asks
(`&`, `<`, `>`), except user and channel mentions, which stay live.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.i18n import _
from bot.messages import (
    Block,
    Button,
    Buttons,
    Card,
    Context,
    Divider,
    Fields,
    File,
    Form,
    Header,
    Image,
    Option,
    Select,
    Text,
    TimeStyle,
    render_times,
    shorten,
)

# Slack's own limits where they are looser than the neutral ones: text grows when escaped
# and when time tokens expand, so the rendered text is checked again against these.
SECTION_TEXT = 3000
FIELD_TEXT = 2000
CONTEXT_TEXT = 2000
HEADER_TEXT = 150
MESSAGE_TEXT = 40000
MESSAGE_BLOCKS = 50
HOME_BLOCKS = 100
MODAL_TITLE = 24
PLAIN = 75  # button and option labels

# What Slack date tokens show, by `at()` style (Discord's letters).
DATE_FORMATS: dict[str, str] = {
    "F": "{date_long_pretty} {time}",
    "f": "{date_pretty} {time}",
    "D": "{date_long_pretty}",
    "d": "{date_num}",
    "T": "{time_secs}",
    "t": "{time}",
    "R": "{ago}",
}

_LIVE = re.compile(r"<(?:@[UW][A-Z0-9]+|#C[A-Z0-9]+)(?:\|[^<>]*)?>")
_MARK = re.compile("\x00(\\d+)\x00")


def fallback_time(moment: datetime, style: TimeStyle) -> str:
    """A moment as plain text for places Slack cannot localise: UTC, named."""
    match style:
        case "D":
            return f"{moment:%a %d %b %Y}"
        case "d":
            return f"{moment:%Y-%m-%d}"
        case "T" | "t":
            return f"{moment:%H:%M} UTC"
        case _:
            return f"{moment:%a %d %b %Y, %H:%M} UTC"


def date_token(moment: datetime, style: TimeStyle) -> str:
    """A Slack date token: each reader sees the moment in their own zone."""
    return (f"<!date^{int(moment.timestamp())}^{DATE_FORMATS[style]}|"
            f"{fallback_time(moment, style)}>")


def escape(text: str) -> str:
    """Escape the three characters Slack reserves, keeping user and channel mentions live."""
    out, last = [], 0
    for m in _LIVE.finditer(text):
        out.append(_escape_plain(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Neutral card text as Slack mrkdwn: escaped, with `at()` tokens as date tokens."""
    tokens: list[str] = []

    def keep(moment: datetime, style: TimeStyle) -> str:
        tokens.append(date_token(moment, style))
        return f"\x00{len(tokens) - 1}\x00"

    marked = escape(render_times(text.replace("\x00", ""), keep))
    return _MARK.sub(lambda m: tokens[int(m.group(1))], marked)


def plain(text: str, limit: int | None = None) -> str:
    """Neutral text for a plain_text field: times in UTC, named; cut to `limit`."""
    out = render_times(text, fallback_time)
    return shorten(out, limit) if limit else out


def _plain_obj(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": plain(text, limit), "emoji": True}


def _mrkdwn_obj(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _fit(text: str, limit: int) -> list[str]:
    """Rendered mrkdwn pieces of at most `limit` characters, split between lines."""
    rendered = mrkdwn(text)
    if len(rendered) <= limit:
        return [rendered]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(mrkdwn(candidate)) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(mrkdwn(current))
        current = line
        while len(mrkdwn(current)) > limit:  # one line too long on its own: cut it
            cut = limit
            while cut > 1 and len(mrkdwn(current[:cut] + "…")) > limit:
                cut = cut * 9 // 10
            pieces.append(mrkdwn(current[:cut].rstrip() + "…"))
            current = current[cut:].lstrip()
    if current:
        pieces.append(mrkdwn(current))
    return pieces


def _option(option: Option) -> dict[str, Any]:
    out: dict[str, Any] = {"text": _plain_obj(option.label, PLAIN), "value": option.value}
    if option.description:
        out["description"] = _plain_obj(option.description, PLAIN)
    return out


def _button(button: Button) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "button", "text": _plain_obj(button.label, PLAIN), "action_id": button.action_id,
    }
    if button.style:
        out["style"] = button.style
    return out


def _select(select: Select) -> dict[str, Any]:
    multi = select.max_values > 1
    out: dict[str, Any] = {
        "type": "multi_static_select" if multi else "static_select",
        "action_id": select.action_id,
        "options": [_option(o) for o in select.options],
    }
    if select.placeholder:
        out["placeholder"] = _plain_obj(select.placeholder, 150)
    if multi:
        out["max_selected_items"] = select.max_values
    if select.initial is not None:
        chosen = next(o for o in select.options if o.value == select.initial)
        if multi:
            out["initial_options"] = [_option(chosen)]
        else:
            out["initial_option"] = _option(chosen)
    return out


def _block(block: Block, images: Mapping[str, str]) -> list[dict[str, Any]]:
    match block:
        case Header(text=text):
            return [{"type": "header", "text": _plain_obj(text, HEADER_TEXT)}]
        case Text(text=text):
            return [{"type": "section", "text": _mrkdwn_obj(piece)}
                    for piece in _fit(text, SECTION_TEXT)]
        case Fields(items=items):
            fields = [_mrkdwn_obj(shorten(mrkdwn(f"*{label}*\n{value}"), FIELD_TEXT))
                      for label, value in items]
            return [{"type": "section", "fields": fields}]
        case Buttons(buttons=buttons):
            return [{"type": "actions", "elements": [_button(b) for b in buttons]}]
        case Select():
            return [{"type": "actions", "elements": [_select(block)]}]
        case Context(text=text):
            return [{"type": "context", "elements": [_mrkdwn_obj(piece)]}
                    for piece in _fit(text, CONTEXT_TEXT)]
        case Image(file=file):
            if file.name not in images:  # not uploaded (yet): say so; the file goes along
                return [{"type": "context", "elements": [
                    _mrkdwn_obj(shorten(mrkdwn(_("Picture: {alt} (sent as a file)").format(
                        alt=file.alt)),
                                        CONTEXT_TEXT))]}]
            return [{
                "type": "image", "slack_file": {"id": images[file.name]},
                "alt_text": file.alt or file.name,
            }]
        case Divider():
            return [{"type": "divider"}]
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover - the union is closed


def card_images(card: Card) -> list[Image]:
    """The pictures a card shows; they are uploaded before the card is posted."""
    return [b for b in card.blocks if isinstance(b, Image)]


# The image types an image block can show (Slack's list).
PICTURE_TYPES = ("image/png", "image/jpeg", "image/gif")


def is_picture(file: File) -> bool:
    """A file Slack can show inside the message, in an image block: a picture with alt text."""
    return file.mime in PICTURE_TYPES and bool(file.alt)


def split_files(files: Sequence[File]) -> tuple[tuple[File, ...], tuple[File, ...]]:
    """Pictures (shown in image blocks) and documents (shared as files) of a reply.

    Slack attaches no file to a message that only one person sees, so a picture sent with
    a private answer would otherwise be lost; in an image block it shows, privately.
    """
    return (tuple(f for f in files if is_picture(f)),
            tuple(f for f in files if not is_picture(f)))


def blocks(card: Card, images: Mapping[str, str] | None = None,
           *, limit: int = MESSAGE_BLOCKS) -> list[dict[str, Any]]:
    """The Block Kit blocks of `card`; `images` maps each picture's file name to its file id."""
    out: list[dict[str, Any]] = []
    for block in card.blocks:
        out.extend(_block(block, images or {}))
    if len(out) > limit:  # only when long texts had to be split: keep the start, say so
        out = [*out[: limit - 1], {"type": "context", "elements": [
            _mrkdwn_obj(_("(Cut short: this message is longer than Slack shows.)"))]}]
    return out


def fallback(card: Card) -> str:
    """The notification text of a card: its fallback, else its title, else its first text."""
    if card.fallback:
        return mrkdwn(card.fallback)
    if card.title:
        return mrkdwn(card.title)
    for block in card.blocks:
        if isinstance(block, Text | Context):
            return shorten(mrkdwn(block.text), 300)
    return "actionlab"


def message(card: Card | None = None, text: str | None = None,
            images: Mapping[str, str] | None = None, *, pictures: Sequence[File] = (),
            footer: str | None = None) -> dict[str, Any]:
    """The `text` and `blocks` of a chat message for a card, a text, or both.

    `pictures` are files sent along, shown under the card in image blocks (those `images`
    has no id for are named as sent separately); `footer` is small print at the very end.
    """
    images = images or {}
    tail = [b for f in pictures for b in _block(Image(f), images)]
    if footer:
        tail += [{"type": "context", "elements": [_mrkdwn_obj(p)]}
                 for p in _fit(footer, CONTEXT_TEXT)]
    if card is None and not tail:
        return {"text": shorten(mrkdwn(text or ""), MESSAGE_TEXT)}
    head = [{"type": "section", "text": _mrkdwn_obj(p)}
            for p in _fit(text, SECTION_TEXT)] if text else []
    room = max(1, MESSAGE_BLOCKS - len(head) - len(tail))
    body = blocks(card, images, limit=room) if card is not None else []
    rendered = [*head, *body, *tail][:MESSAGE_BLOCKS]
    if card is not None:
        notice = fallback(card)
    else:
        notice = shorten(mrkdwn(text or footer or ""), MESSAGE_TEXT) or "actionlab"
    return {"text": notice, "blocks": rendered}


def home_view(card: Card, images: Mapping[str, str] | None = None) -> dict[str, Any]:
    """An App Home tab showing `card`."""
    return {"type": "home", "blocks": blocks(card, images, limit=HOME_BLOCKS)}


# --- modals ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a form was opened, carried through the modal so its result goes back there."""

    channel: str | None = None
    response_url: str | None = None
    direct: bool = False

    def encode(self) -> str:
        data = {"c": self.channel, "r": self.response_url, "d": self.direct}
        return json.dumps({k: v for k, v in data.items() if v})

    @classmethod
    def decode(cls, raw: str | None) -> Origin:
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        channel, url = data.get("c"), data.get("r")
        return cls(
            channel if isinstance(channel, str) else None,
            url if isinstance(url, str) else None,
            bool(data.get("d")),
        )


def modal(form: Form, origin: Origin | None = None) -> dict[str, Any]:
    """A modal view for `form`; each input's block and action id is the input's name."""
    inputs = []
    for field in form.inputs:
        element: dict[str, Any] = {
            "type": "plain_text_input", "action_id": field.name,
            "multiline": field.multiline, "max_length": field.max_length,
        }
        if field.default:
            element["initial_value"] = field.default
        if field.placeholder:
            element["placeholder"] = _plain_obj(field.placeholder, 150)
        inputs.append({
            "type": "input", "block_id": field.name, "optional": not field.required,
            "label": _plain_obj(field.label, 2000), "element": element,
        })
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": form.form_id,
        "title": _plain_obj(form.title, MODAL_TITLE),
        "submit": _plain_obj(_(form.submit_label), MODAL_TITLE),
        "close": _plain_obj(_("Cancel"), MODAL_TITLE),
        "blocks": inputs,
    }
    if origin is not None:
        view["private_metadata"] = origin.encode()
    return view
