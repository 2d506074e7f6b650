"""The language machinery: locale tags, the reader's language in order, formatting per
locale, the pseudo-locale, and `/lab lang` / `/lab settings lang` through the console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from babel.messages.catalog import Catalog

from adapters.console.app import WORKSPACE, slug
from bot import i18n
from bot.bootstrap import App
from bot.domain.wording import plural
from bot.i18n import _, format_list, format_moment, normalize, ordinal, resolve, use_locale
from tests.conftest import Console


def test_platform_tags_map_to_supported_locales() -> None:
    assert normalize("es-ES") == "es"
    assert normalize("pt-BR") == "pt_BR"
    assert normalize("pt") == "pt_BR"
    assert normalize("fr-CA") == "fr"
    assert normalize("ar-SA") == "ar"
    assert normalize("en-XA") == "en_XA"
    assert normalize("de-DE") is None
    assert normalize("") is None


def test_chosen_then_platform_then_lab_then_english() -> None:
    assert resolve("fr", "es-ES", "ar") == "fr"
    assert resolve(None, "es-ES", "ar") == "es"
    assert resolve(None, "de-DE", "ar") == "ar"
    assert resolve(None, None, None) == "en"


def test_a_moment_in_french_names_the_zone() -> None:
    moment = datetime(2027, 3, 29, 13, 0, tzinfo=UTC)
    with use_locale("fr"):
        text = format_moment(moment, "Asia/Kolkata")
    assert text.startswith("lun. 29 mars 2027")
    assert "18:30" in text and "Inde" in text
    with use_locale("en"):
        assert "India" in format_moment(moment, "Asia/Kolkata")


def test_lists_and_ordinals_follow_the_locale() -> None:
    with use_locale("fr"):
        assert format_list(["a", "b", "c"]) == "a, b et c"
    with use_locale("en"):
        assert [ordinal(n) for n in (1, 2, 3, 4, 11)] == ["1st", "2nd", "3rd", "4th", "11th"]


def test_the_locale_is_scoped() -> None:
    with use_locale("en_XA"):
        assert i18n.current_locale() == "en_XA"
        with use_locale("fr"):
            assert i18n.current_locale() == "fr"
        assert i18n.current_locale() == "en_XA"
    assert i18n.current_locale() == "en"


def test_the_pseudo_locale_brackets_and_lengthens_but_keeps_placeholders() -> None:
    with use_locale("en_XA"):
        text = _("Poll #{number}: {title}")
        counted = plural(3, "slot")
    assert text.startswith(i18n.PSEUDO_OPEN) and text.endswith(i18n.PSEUDO_CLOSE)
    assert "{number}" in text and "{title}" in text
    assert len(text) >= len("Poll #{number}: {title}") * 1.3
    assert "3" in counted and counted.startswith(i18n.PSEUDO_OPEN)


def test_every_catalog_compiles() -> None:
    counts = i18n.load_catalogs()
    assert set(counts) == set(i18n.LANGUAGES)


async def _choose(app: App, name: str, language: str | None) -> None:
    """What `/lab lang` records (the command waits for a place in Discord's /lab tree)."""
    async with app.ctx.uow() as uow:
        person = await uow.people.by_identity("console", WORKSPACE, slug(name))
        assert person is not None
        person.language = language
        await uow.commit()


async def test_the_labs_language_then_the_members_own_choice(lab: Console, app: App) -> None:
    out = await lab("Gemma Rhodes", "/lab settings lang en_XA")
    assert i18n.PSEUDO_OPEN in out  # the answer is in the lab's new language
    out = await lab("Amara Okafor", "/lab help")
    assert i18n.PSEUDO_OPEN in out
    await _choose(app, "Amara Okafor", "en")
    out = await lab("Amara Okafor", "/lab help")
    assert i18n.PSEUDO_OPEN not in out  # their own choice wins over the lab's
    out = await lab("Gemma Rhodes", "/lab settings lang default")
    out = await lab("Priya Raman", "/lab help")
    assert i18n.PSEUDO_OPEN not in out


async def test_an_unknown_lab_language_is_refused_with_the_choices(lab: Console) -> None:
    out = await lab("Gemma Rhodes", "/lab settings lang klingon")
    assert "`klingon` is not a language" in out and "`pt_BR`" in out


def _catalog(locale: str) -> Catalog:
    from babel.messages.pofile import read_po
    with i18n.catalog_path(locale).open("rb") as po:
        return read_po(po, locale=locale, domain=i18n.DOMAIN)


def test_every_message_is_translated_in_every_catalog_with_the_same_placeholders() -> None:
    """Every msgid of the template is in each catalog, translated, not fuzzy; its
    {placeholders} and `commands` agree with the English, and a plural entry has as many
    forms as the language's Plural-Forms header says (Arabic six, Spanish three)."""
    import re

    from babel.messages.pofile import read_po

    placeholder, code = re.compile(r"\{[^{}]*\}"), re.compile(r"`/lab[^`]*`")
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    wanted = {(m.id, m.context) for m in template if m.id}
    problems: list[str] = []
    for locale in i18n.LANGUAGES:
        if locale == i18n.SOURCE:
            continue
        catalog = _catalog(locale)
        assert not catalog.fuzzy, f"{locale}: the header is marked fuzzy (compile skips it)"
        found = {(m.id, m.context): m for m in catalog if m.id}
        for key in sorted(wanted, key=str):
            m = found.get(key)
            if m is None:
                problems.append(f"{locale}: missing {key[0]!r}")
                continue
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            forms = m.string if isinstance(m.string, tuple) else (m.string,)
            if m.fuzzy or not all(forms):
                problems.append(f"{locale}: untranslated or fuzzy {ids[0]!r}")
                continue
            if isinstance(m.id, tuple) and len(forms) != catalog.num_plurals:
                problems.append(f"{locale}: {len(forms)} plural forms, not "
                                f"{catalog.num_plurals}, for {ids[0]!r}")
            names = set().union(*(placeholder.findall(i) for i in ids))
            commands = set().union(*(code.findall(i) for i in ids))
            for form in forms:
                if set(placeholder.findall(form)) - names or (
                        len(ids) == 1 and set(placeholder.findall(form)) != names):
                    problems.append(f"{locale}: placeholders differ in {form!r}")
                if set(code.findall(form)) - commands:
                    problems.append(f"{locale}: a command changed in {form!r}")
    assert problems == [], "\n".join(problems[:40])


def test_no_english_word_is_slotted_into_a_translated_sentence() -> None:
    """The sentences translators reported: names of meetings and votes, roles, the audit
    log's verbs, counted verbs and early/late are whole sentences in each language."""
    from bot.domain.availability import comfort_mark
    from bot.domain.wording import meeting_name, role_word
    from bot.features.lab.audit_words import Known, sentence

    known = Known(zone="UTC", people={2: "Amara Okafor"}, meetings={}, polls={}, minutes={})
    with use_locale("es"):
        assert meeting_name(3, "Kick-off", start=True) == "Reunión n.º 3 (Kick-off)"
        assert role_word("secretary") == "secretario/a"
        said = sentence("member.role", "Gemma", {"member": 2, "before": "member",
                                                  "after": "facilitator"}, known)
        assert said == "Gemma hizo a Amara Okafor facilitador/a (antes: miembro)."
    with use_locale("fr"):
        said = sentence("member.left", None, {}, known)
        assert said == "Le bot a quitté le lab."
        early = comfort_mark(datetime(2027, 1, 11, 6, 0, tzinfo=UTC), timedelta(hours=1),
                             "UTC")
        assert early == "tôt pour vous"
    with use_locale("en"):
        assert meeting_name(3, "Kick-off") == "meeting #3 (Kick-off)"
        assert sentence("member.left", None, {}, known) == "The bot left the lab."
