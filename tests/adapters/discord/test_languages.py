"""Each reader in their language through the real discord.py client: the interaction's
locale (the member's Discord client) without choosing, `/lab lang` over it, the lab's
language in the channel, and Arabic isolated right to left."""

from __future__ import annotations

from typing import Any

from bot.i18n import RLI, _, use_locale
from fakes import discord_payloads as p
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.helpers import lab, private, text_of


def in_locale(payload: dict[str, Any], locale: str) -> dict[str, Any]:
    """The same interaction from a Discord client set to `locale`."""
    return {**payload, "locale": locale}


def said(locale: str, message: str) -> str:
    with use_locale(locale):
        return _(message)


HELP = "actionlab: what you can type"


async def test_a_pt_br_client_gets_portuguese_until_the_member_chooses(bot: Bot) -> None:
    await lab(bot)
    rec = await bot.send(in_locale(p.slash(p.AMARA, "help"), "pt-BR"))
    assert private(rec) and said("pt_BR", HELP) in text_of(rec)
    assert said("pt_BR", HELP) != HELP
    rec = await bot.send(in_locale(p.slash(p.ZOE, "help"), "en-GB"))
    assert HELP in text_of(rec)  # the others as before
    # `/lab lang` (on Discord `/lab me lang`) overrides the client's language.
    rec = await bot.send(in_locale(p.slash(p.AMARA, "me", "lang", language="fr"), "pt-BR"))
    rec = await bot.send(in_locale(p.slash(p.AMARA, "help"), "pt-BR"))
    assert said("fr", HELP) in text_of(rec)
    rec = await bot.send(in_locale(p.slash(p.AMARA, "me", "lang", language="default"),
                                   "pt-BR"))
    rec = await bot.send(in_locale(p.slash(p.AMARA, "help"), "pt-BR"))
    assert said("pt_BR", HELP) in text_of(rec)


async def test_the_channel_reads_the_labs_language_a_member_their_own(bot: Bot) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "settings", lang="fr"))
    rec = await bot.send(in_locale(p.slash(p.GEMMA, "role", member="Zoë", role="secretary"),
                                   "es-ES"))
    assert not private(rec)  # posted in the channel: French, whoever typed it
    assert "a nommé **Zoë Núñez** secretary de Action Lab 1" in text_of(rec)
    rec = await bot.send(in_locale(p.slash(p.GEMMA, "members"), "es-ES"))
    assert private(rec) and "Miembros de Action Lab 1" in text_of(rec)  # Spanish for her


async def test_arabic_sentences_are_isolated_right_to_left(bot: Bot) -> None:
    await lab(bot)
    await bot.send(p.slash(p.AMARA, "me", "lang", language="ar"))
    rec = await bot.send(p.slash(p.AMARA, "members"))
    text = text_of(rec)
    assert said("ar", "Members of {name}").format(name="Action Lab 1") in text
    assert RLI in text  # Discord's clients honour bidi isolation


async def test_the_synced_tree_carries_the_descriptions_translations(bot: Bot) -> None:
    """What the real client PUTs to Discord at start-up: /lab with Spanish, French and
    Portuguese descriptions, its names untouched."""
    (lab_command,) = bot.fake.synced["global"]
    entries = {o["name"]: o for o in lab_command["options"]}
    helped = entries["help"].get("description_localizations") or {}
    assert {"es-ES", "es-419", "fr", "pt-BR"} <= set(helped)
    with use_locale("fr"):
        assert helped["fr"].rstrip("…") in _(
            "This list; `/lab help <topic>` or `/lab help <command>` for more.")
    assert all(not o.get("name_localizations") for o in lab_command["options"])
