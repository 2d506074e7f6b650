"""A person's language (`/lab lang fr`) and the words that say which languages there are."""

from __future__ import annotations

from typing import Annotated, Any

from bot.arguments import Args, Pos
from bot.features.common import LanguageCheck, choices, language_name
from bot.i18n import (
    LANGUAGES,
    N_,
    SOURCE,
    _,
    current_locale,
    normalize,
    resolve,
    set_locale,
    use_locale,
)
from bot.messages import Block, Context, Reply
from bot.router import Call, Router
from storage.models import Lab, Person

router = Router()



def spoken_by(person: Person, lab: Lab | None = None) -> str:
    """The language a member reads, by name, for `/lab members` and the home card: "Français"
    (chosen or from their app), or "" when it is plain English that nobody chose."""
    code = resolve(person.language, person.platform_locale, lab.language if lab else None)
    if code == SOURCE and not person.language:
        return ""
    return language_name(code)


def language_line(person: Person, platform: str | None = None) -> str:
    """Which language this person reads and why, for their home card; "" for plain English
    that nobody chose (the card as it always was)."""
    if person.language:
        return _("I speak {name} with you, as you chose (`/lab lang <code>` changes it)."
                 ).format(name=language_name(person.language))
    found = normalize(platform or person.platform_locale)
    if (found or current_locale()) == SOURCE:
        return ""
    if found is not None:
        return _("I speak {name} with you, as your app does (`/lab lang <code>` chooses "
                 "another).").format(name=language_name(found))
    return _("I speak {name} with you; choose another with `/lab lang <code>`: {choices}."
             ).format(name=language_name(current_locale()),
                      choices=", ".join(f"`{code}`" for code in LANGUAGES))


class LangArgs(Args):
    language: Annotated[str | None, Pos("language"), LanguageCheck] = None


@router.command(
    "me lang", args=LangArgs, access="anyone", topic="lab", aliases=("lang",),
    summary=N_("See or choose the language I use with you (en, es, fr, pt_BR, ar)."),
    examples=("/lab lang fr", "/lab lang default"),
)
async def lang(call: Call[LangArgs]) -> Reply:
    person, chosen = call.person, call.args.language
    if chosen is None:
        current = person.language
        if current:
            return Reply.say(_("I speak {name} with you, as you chose. Change it with "
                               "`/lab lang <code>`: {choices}.").format(
                name=language_name(current), choices=choices()))
        return Reply.say(_("You have not chosen a language, so I follow your app's language, "
                           "then the lab's. Choose one with `/lab lang <code>`: {choices}."
                           ).format(choices=choices()))
    person.language = chosen or None
    if not chosen:
        set_locale(None)
        return Reply.say(_("I will follow your app's language again, then the lab's."))
    set_locale(chosen)  # the answer is already in the language chosen
    with use_locale(chosen):
        return Reply.say(_("From now on I speak {name} with you.").format(
            name=language_name(chosen)))


@router.home_section(1)
async def language_section(call: Call[Any]) -> list[Block]:
    """Just below the member's labs and zone: the language they read, and how to change it."""
    line = language_line(call.person, call.actor.locale)
    return [Context(line)] if line else []
