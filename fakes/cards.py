"""A card as the plain text a reader sees (headers, texts, small print, fields), for
assertions and benchmark checks that do not care how a platform lays it out."""

from __future__ import annotations

from bot.messages import Card, Fields, Header, Text
from bot.messages import Context as Small


def text_of(card: Card) -> str:
    parts = []
    for block in card.blocks:
        match block:
            case Header(text=t) | Text(text=t) | Small(text=t):
                parts.append(t)
            case Fields(items=items):
                parts += [f"{a}: {b}" for a, b in items]
    return "\n".join(parts)
