"""Each reader in their language, through the console: `/lab lang` and `/lab me lang`, the
language in `/lab members` and the home card, channel posts in the lab's language while
private replies are in the reader's, dates and ordinals per locale, poll answers in each
language's words, exports in the lab's language or the one asked for."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.bootstrap import App
from bot.domain.availability import Answer
from bot.i18n import _, use_locale
from storage.models import PollAnswer
from tests.conftest import Console


def said(locale: str, message: str) -> str:
    with use_locale(locale):
        return _(message)


def _messages(out: str) -> list[str]:
    """The console's messages, each from its `[mN]` line to the next."""
    parts: list[str] = []
    for line in out.splitlines():
        if line.startswith("[m"):
            parts.append(line)
        elif parts:
            parts[-1] += "\n" + line
    return parts


def posted(out: str) -> list[str]:
    return [m for m in _messages(out) if "sees this" not in m.splitlines()[0]]


def private(out: str) -> list[str]:
    return [m for m in _messages(out) if "sees this" in m.splitlines()[0]]


HELP = "actionlab: what you can type"


async def test_a_member_chooses_a_language_and_it_is_listed(lab: Console) -> None:
    out = await lab("Amara Okafor", "/lab lang es")
    assert "Español" in out
    assert said("es", HELP) in await lab("Amara Okafor", "/lab help")
    assert HELP in await lab("Priya Raman", "/lab help")  # English for the others
    await lab("Zoë Núñez", "/lab me lang fr")  # the Discord group's name works too
    out = await lab("Gemma Rhodes", "/lab members")
    line = {name: next(x for x in out.splitlines() if name in x)
            for name in ("Amara Okafor", "Zoë Núñez", "Priya Raman")}
    assert line["Amara Okafor"].endswith("· Español")
    assert line["Zoë Núñez"].endswith("· Français")
    assert line["Priya Raman"].endswith("(IST)") or "·" in line["Priya Raman"]
    assert "English" not in line["Priya Raman"]  # nobody chose: the line as it always was
    out = await lab("Amara Okafor", "/lab home")
    assert "Hola, Amara Okafor" in out and "Español" in out and "/lab lang <code>" in out
    await lab("Amara Okafor", "/lab lang default")
    assert HELP in await lab("Amara Okafor", "/lab help")


async def test_channel_posts_in_the_labs_language_private_replies_in_the_readers(
        lab: Console) -> None:
    await lab("Gemma Rhodes", "/lab settings lang fr")
    await lab("Gemma Rhodes", "/lab lang es")  # Gemma reads Spanish; the channel French
    out = await lab("Gemma Rhodes", "/lab role Priya secretary")
    (post,) = posted(out)
    assert "Gemma Rhodes a nommé *Priya Raman* secretary de Action Lab 1." in post
    out = await lab("Gemma Rhodes", "/lab members")
    (reply,) = private(out)
    assert "Miembros de Action Lab 1" in reply
    out = await lab("Priya Raman", "/lab leave")  # Priya chose nothing: the lab's French
    assert any("a quitté Action Lab 1" in m for m in posted(out))


async def test_dates_and_ordinals_in_the_readers_language(lab: Console) -> None:
    await lab("Amara Okafor", "/lab lang fr")
    out = await lab("Amara Okafor", "/lab me tz")
    assert "lun. 4 janv. 2027" in out and "WAT (Africa/Lagos)" in out  # still names the zone
    out = await lab("Priya Raman", "/lab me tz")
    assert "Mon 04 Jan 2027, 15:30 IST (Asia/Kolkata)" in out  # English exactly as before
    await lab("Priya Raman", "/lab lang ar")
    out = await lab("Priya Raman", "/lab me tz")
    assert "الاثنين، 4 يناير 2027" in out


async def test_poll_answers_in_each_languages_own_words(lab: Console, app: App) -> None:
    await lab("Gemma Rhodes", '/lab poll new "M1" 2027-01-11 window 09:00-13:00')
    for who, line in (("Amara Okafor", "/lab poll answer 1 1 sí"),
                      ("Zoë Núñez", "/lab poll answer 1 1 talvez"),
                      ("Priya Raman", "/lab poll answer 1 non 1"),
                      ("Gemma Rhodes", "/lab poll answer 1 1 نعم")):
        out = await lab(who, line)
        assert "not" not in out.lower() or "answer" in out.lower(), out
    async with app.ctx.uow() as uow:
        rows = list(await uow.session.scalars(select(PollAnswer)))
    assert sorted(r.answer for r in rows) == sorted(
        [Answer.YES, Answer.MAYBE, Answer.NO, Answer.YES])


async def test_an_export_is_in_the_labs_language_unless_asked(lab: Console) -> None:
    await lab("Gemma Rhodes", "/lab settings lang fr")
    await lab("Gemma Rhodes", '/lab minutes start "Kick-off"')
    await lab("Gemma Rhodes", "/lab note We met")
    await lab("Gemma Rhodes", "/lab minutes export md")
    await lab("Gemma Rhodes", "/lab minutes export md lang es")
    out = await lab("Gemma Rhodes", "/lab minutes export md lang klingon")
    assert "`klingon`" in out and "`pt_BR`" in out
    files: list[Path] = sorted(lab.adapter.files_dir.glob("*.md"))
    french, spanish = (f.read_text() for f in files)
    assert "# Compte rendu : Kick-off" in french and "lun. 4 janv. 2027" in french
    assert "# Acta: Kick-off" in spanish
