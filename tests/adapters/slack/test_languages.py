"""Each reader in their language through the real slack-bolt app: the Slack profile's
locale (users.info with include_locale) without choosing, `/lab lang` over it, and the
lab's language for what is posted in the channel."""

from __future__ import annotations

from bot.i18n import _, use_locale
from tests.adapters.slack.conftest import Slack
from tests.adapters.slack.test_app import shown

HELP = "actionlab: what you can type"


def said(locale: str, message: str) -> str:
    with use_locale(locale):
        return _(message)


async def test_an_es_es_profile_gets_spanish_without_choosing(lab: Slack) -> None:
    lab.fake.users["UPRIYA"]["locale"] = "es-ES"  # Priya's Slack is in Spanish
    await lab.command("UPRIYA", "help")
    reply = lab.fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert said("es", HELP) in shown(reply) and said("es", HELP) != HELP
    users_info = lab.fake.last("users.info")
    assert str(users_info.args.get("include_locale")).lower() in {"true", "1"}
    await lab.command("UGEMMA", "help")  # Gemma's Slack is in English (en-US)
    assert HELP in shown(lab.fake.last("response_url"))
    # `/lab lang` overrides the profile's language.
    await lab.command("UPRIYA", "lang fr")
    await lab.command("UPRIYA", "help")
    assert said("fr", HELP) in shown(lab.fake.last("response_url"))
    await lab.command("UPRIYA", "lang default")
    await lab.command("UPRIYA", "help")
    assert said("es", HELP) in shown(lab.fake.last("response_url"))


async def test_a_french_lab_posts_in_french_and_answers_a_spanish_member_in_spanish(
        lab: Slack) -> None:
    await lab.command("UGEMMA", "settings lang fr")
    lab.fake.users["UPRIYA"]["locale"] = "es-ES"
    await lab.command("UPRIYA", "join")
    accept = said("es", "I accept and join")
    await lab.click("UPRIYA", lab.fake.last("response_url"), accept)
    lab.fake.clear()
    await lab.command("UPRIYA", "members")  # private: in her language
    reply = lab.fake.last("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "Miembros de Action Lab 1" in shown(reply)
    lab.fake.clear()
    await lab.command("UGEMMA", "role Priya secretary")  # posted: in the lab's
    posted = [c for c in lab.fake.calls
              if c.method == "chat.postMessage" or (c.method == "response_url" and
                                                    c.args.get("response_type") == "in_channel")]
    assert posted and all("Gemma a nommé *Priya* secretary" in shown(c) for c in posted)
