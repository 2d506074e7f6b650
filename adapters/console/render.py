"""Cards as text: numbered controls, times in the reader's zone with the zone named."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime

from bot.domain.zones import format_local, local_time, zone_abbreviation
from bot.i18n import _
from bot.messages import (
    Button,
    Buttons,
    Card,
    Context,
    Divider,
    Fields,
    Header,
    Image,
    Select,
    Text,
    TimeStyle,
    render_times,
)

INDENT = "  "
WIDTH = 100


@dataclass(frozen=True, slots=True)
class Numbered:
    number: int
    control: Button | Select


def render_time(moment: datetime, style: TimeStyle, zone: str | None, now: datetime) -> str:
    """One moment as the console reader sees it; the zone is always named."""
    zone = zone or "UTC"
    local = local_time(moment, zone)
    abbr = zone_abbreviation(moment, zone)
    match style:
        case "F":
            return format_local(moment, zone)
        case "f":
            return f"{local:%d %b %Y %H:%M} {abbr}"
        case "D":
            return f"{local:%a %d %b %Y}"
        case "d":
            return f"{local:%Y-%m-%d}"
        case "T" | "t":
            return f"{local:%H:%M} {abbr}"
        case _:
            return relative(moment, now)


def relative(moment: datetime, now: datetime) -> str:
    seconds = int((moment - now).total_seconds())
    future = seconds >= 0
    seconds = abs(seconds)
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            text = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "now"


def render_text(text: str, zone: str | None, now: datetime) -> str:
    return render_times(text, lambda m, s: render_time(m, s, zone, now))


def _wrap(text: str, prefix: str = INDENT) -> list[str]:
    out = []
    for para in text.split("\n"):
        out.extend(textwrap.wrap(para, WIDTH, initial_indent=prefix, subsequent_indent=prefix,
                                 break_long_words=False, break_on_hyphens=False) or [prefix])
    return [line.rstrip() for line in out]


def render_card(
    card: Card, *, zone: str | None, now: datetime, first_number: int
) -> tuple[list[str], list[Numbered]]:
    """Lines for `card`, numbering its controls from `first_number`."""
    lines: list[str] = []
    numbered: list[Numbered] = []
    n = first_number

    def t(text: str) -> str:
        return render_text(text, zone, now)

    for block in card.blocks:
        match block:
            case Header(text=text):
                lines.append(f"{INDENT}== {t(text)} ==")
            case Text(text=text):
                lines.extend(_wrap(t(text)))
            case Fields(items=items):
                for label, value in items:
                    lines.extend(_wrap(f"{t(label)}: {t(value)}"))
            case Context(text=text):
                lines.extend(_wrap(t(text), INDENT + "· "))
            case Divider():
                lines.append(INDENT + "-" * 40)
            case Image(file=file):
                lines.append(_("{INDENT}[picture {name}: {alt}]").format(
                    INDENT=INDENT, name=file.name, alt=file.alt))
            case Buttons(buttons=buttons):
                parts = []
                for b in buttons:
                    parts.append(f"[{n}] {b.label}")
                    numbered.append(Numbered(n, b))
                    n += 1
                lines.append(INDENT + "  ".join(parts))
            case Select(placeholder=placeholder, options=options):
                numbered.append(Numbered(n, block))
                lines.append(_("{INDENT}[{n}] {placeholder} (type: {n} <choice>)").format(
                    INDENT=INDENT, n=n, placeholder=placeholder))
                if any(o.description for o in options):
                    for i, o in enumerate(options, 1):
                        tail = f" — {t(o.description)}" if o.description else ""
                        lines.extend(_wrap(f"{i}) {o.label}{tail}", INDENT + "    "))
                else:
                    choices = "  ".join(f"{i}) {o.label}" for i, o in enumerate(options, 1))
                    lines.extend(_wrap(choices, INDENT + "    "))
                n += 1
    return lines, numbered
