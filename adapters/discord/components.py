"""Buttons and selects as discord.py `DynamicItem`s whose custom ids are our action ids.

The id (`al1:<route>:<ref>[:<arg>]`, bot/action_ids.py) carries all the state a control needs,
so nothing is kept per message: after a restart, a click on a week-old message is matched by
the template below and handled like a fresh one. Ids we did not write (another version, a
hand-made payload) are answered by the client with a private "run the command again".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol, cast

import discord

from bot.messages import Button, Select

# Any versioned action id; which versions and routes are still understood is the core's call
# (an old one gets the StaleControl message from the router, never silence).
TEMPLATE = re.compile(r"al\d+:[a-z][a-z0-9_.]*:.*", re.DOTALL)

_STYLES = {
    None: discord.ButtonStyle.secondary,
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
}


class ComponentHandler(Protocol):
    """What a control's press is handed to: the client that runs this bot (LabClient).
    Named here, not imported, so that the client depends on its controls and not back."""

    async def on_component(self, interaction: discord.Interaction[Any]) -> None: ...


class ActionControl(discord.ui.DynamicItem[discord.ui.Item[Any]], template=TEMPLATE):
    """A button or select whose custom id is an action id; its press goes to the core."""

    def __init__(self, item: discord.ui.Item[Any]) -> None:
        super().__init__(item)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
        match: re.Match[str], /,
    ) -> ActionControl:
        # `item` is the button or select rebuilt from the message; keep it as it is.
        return cls(item)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = cast(ComponentHandler, interaction.client)
        await handler.on_component(interaction)


def button(b: Button, row: int, label: str) -> ActionControl:
    """`label` is the button's text as Discord shows it (see render.plain)."""
    return ActionControl(discord.ui.Button(
        label=label, custom_id=b.action_id, style=_STYLES[b.style], row=row,
    ))


def select(s: Select, row: int, text: Callable[[str], str]) -> ActionControl:
    """`text` turns the select's labels into what Discord shows (see render.plain)."""
    return ActionControl(discord.ui.Select(
        custom_id=s.action_id, placeholder=text(s.placeholder) or None, row=row,
        min_values=1, max_values=s.max_values,
        options=[
            discord.SelectOption(
                label=text(o.label), value=o.value, default=o.value == s.initial,
                description=text(o.description) if o.description else None,
            )
            for o in s.options
        ],
    ))
