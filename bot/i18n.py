"""Every word a person reads, in their language: gettext catalogs (Babel) and the locale of the
reply being built.

The source language is English: `_("Poll #{number} closed.")` is both the message id and the
English text. Catalogs live in `bot/locale/<lang>/LC_MESSAGES/messages.po` and are compiled in
memory the first time a language is needed (`load_catalogs()` does all of them at start-up), so
there is no build step and nothing is fetched at run time. Placeholders are `str.format` names
(`{number}`), so a translation may put them in any order.

Which language is current is a context variable: the dispatcher sets the reader's for a private
reply, and code that builds something for someone else (a channel post, a reminder, a message
to another member) wraps it in `with use_locale(...)`. Asyncio tasks inherit it.

`en_XA` is a pseudo-locale for developers: every catalogued string comes back accented, 40%
longer and in brackets, so a string that stays plain was never catalogued, and a card that
overflows a platform limit when text grows fails when it is built.

This module imports nothing of ours: every floor, the pure domain included, may use it.
"""

from __future__ import annotations

import gettext
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE = "en"
PSEUDO = "en_XA"
# The languages with a catalog, and the pseudo-locale. Order is how they are listed.
LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "pt_BR", "ar")
LOCALES: tuple[str, ...] = (*LANGUAGES, PSEUDO)
RIGHT_TO_LEFT = frozenset({"ar"})
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

# Each language's own name, shown where a member chooses one (`/lab lang`).
NATIVE_NAMES = {
    "en": "English", "es": "Español", "fr": "Français", "pt_BR": "Português (Brasil)",
    "ar": "العربية", PSEUDO: "Ƥšéûđö (en_XA)",
}

_current: ContextVar[str] = ContextVar("actionlab_locale", default=SOURCE)


# --- which language ----------------------------------------------------------------------------


def normalize(tag: str | None) -> str | None:
    """The supported locale a language tag means, or None: "es-ES" and "es_419" are "es",
    "pt-BR" and "pt" are "pt_BR", "fr-CA" is "fr", "ar-SA" is "ar", "en-XA" the pseudo-locale.
    Slack reports "es-ES", Discord "pt-BR" or "es-ES", a member types "fr" or "pt-br"."""
    if not tag:
        return None
    cleaned = tag.strip().replace("-", "_")
    if not cleaned:
        return None
    lowered = cleaned.lower()
    for known in LOCALES:
        if lowered == known.lower():
            return known
    language = lowered.split("_", 1)[0]
    if language == "pt":
        return "pt_BR"
    return language if language in LANGUAGES else None


def resolve(*choices: str | None) -> str:
    """The first of `choices` that names a supported locale, else English. The callers pass,
    in order: what the member chose, their platform's locale, the lab's language."""
    for choice in choices:
        found = normalize(choice)
        if found is not None:
            return found
    return SOURCE


def current_locale() -> str:
    return _current.get()


def set_locale(locale: str | None) -> Token[str]:
    """Make `locale` current until `reset_locale(token)`; an unknown one means English."""
    return _current.set(resolve(locale))


def reset_locale(token: Token[str]) -> None:
    _current.reset(token)


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Build what is inside in `locale`: a channel post in the lab's language, a reminder or a
    message to another member in theirs."""
    token = set_locale(locale)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def is_rtl(locale: str | None = None) -> bool:
    return (locale or current_locale()) in RIGHT_TO_LEFT


def babel_locale(locale: str | None = None) -> Locale:
    code = locale or current_locale()
    return _babel_locale(SOURCE if code == PSEUDO else code)


@cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


# --- catalogs ----------------------------------------------------------------------------------


class PseudoTranslations(gettext.NullTranslations):
    """en_XA: the English text accented, padded to 140% and bracketed, placeholders, `code`,
    <time:...> tokens and URLs untouched."""

    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)


_ACCENTED = str.maketrans(
    "aceginorsuyzACEGINORSUYZ",
    "àçéğîñöŕšûýžÀÇÉĞÎÑÖŔŠÛÝŽ",
)
# Kept as they are: {placeholders}, `code`, <tokens>, URLs, *bold* markers are single chars.
_PROTECTED = re.compile(r"\{[^{}]*\}|`[^`]*`|<[^<>]*>|https?://\S+")
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"


def pseudo(message: str) -> str:
    if not message:
        return message
    out: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(message):
        out.append(message[last:match.start()].translate(_ACCENTED))
        out.append(match.group(0))
        last = match.end()
    out.append(message[last:].translate(_ACCENTED))
    text = "".join(out)
    padding = "~" * max(1, round(len(message) * 0.4) - 2)
    return f"{PSEUDO_OPEN}{text}{padding}{PSEUDO_CLOSE}"


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalog of `locale` (English for the source and any unknown one)."""
    if locale == PSEUDO:
        return PseudoTranslations()
    path = catalog_path(locale)
    if locale == SOURCE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_catalogs() -> dict[str, int]:
    """Compile every catalog now (start-up), so a broken one fails at once rather than at the
    first reply in that language. Returns each language's number of messages."""
    counts = {}
    for locale in LANGUAGES:
        found = translations(locale)
        counts[locale] = len(getattr(found, "_catalog", {}))
    return counts


def _(message: str) -> str:
    """`message` in the current locale (the English source when it has no translation)."""
    if not message:
        return message  # gettext("") would be the catalog's header
    return translations(current_locale()).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now (module-level tables whose
    words are translated where they are shown, with `_()`)."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark `message` with its `context` for the catalog without translating it now."""
    return message


def ngettext(singular: str, plural: str, n: int | Fraction | float | Decimal) -> str:
    """The form for `n` in the current locale (Arabic has six)."""
    return translations(current_locale()).ngettext(singular, plural, _count(n))


def pgettext(context: str, message: str) -> str:
    """`message` where the same English word needs different translations by `context`
    ("poll answer" yes versus "confirm" yes)."""
    return translations(current_locale()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str,
              n: int | Fraction | float | Decimal) -> str:
    return translations(current_locale()).npgettext(context, singular, plural, _count(n))


def _count(n: int | Fraction | float | Decimal) -> int:
    """gettext picks a plural form from an integer: 1.5 votes is "votes", like 2."""
    if isinstance(n, int):
        return n
    return int(n) if n == int(n) else 2


# --- formatting in the current locale ----------------------------------------------------------


def _zone(zone: str | tzinfo) -> tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def zone_name(moment: datetime, zone: str | tzinfo) -> str:
    """The zone's name in the current language at `moment` ("heure de l’Inde",
    "British Summer Time"), falling back to the IANA name when CLDR has none."""
    tz = _zone(zone)
    local = moment.astimezone(tz)
    try:
        name = babel_dates.get_timezone_name(local, "long", locale=babel_locale())
    except (LookupError, ValueError):
        name = ""
    return name or str(getattr(tz, "key", tz))


def format_day(moment: datetime | date, zone: str | tzinfo | None = None, *,
               year: bool = False) -> str:
    """A day in the reader's language: "Mon, Mar 29" / "lun. 29 mars" (with the year:
    "lun. 29 mars 2027")."""
    if isinstance(moment, datetime) and zone is not None:
        moment = moment.astimezone(_zone(zone))
    return babel_dates.format_skeleton("yMMMEd" if year else "MMMEd", moment,
                                       locale=babel_locale())


def format_clock(moment: datetime, zone: str | tzinfo | None = None) -> str:
    """A time of day in the reader's conventions ("6:30 PM", "18:30")."""
    if zone is not None:
        moment = moment.astimezone(_zone(zone))
    return babel_dates.format_time(moment, "short", locale=babel_locale())


def format_moment(moment: datetime, zone: str | tzinfo, *, named: bool = True) -> str:
    """A moment in `zone`, in the reader's language, naming the zone:
    "lun. 29 mars 2027, 18:30 (heure de l’Inde)"."""
    local = moment.astimezone(_zone(zone))
    text = pgettext("date and time", "{date}, {time}").format(
        date=format_day(local, year=True), time=format_clock(local))
    if not named:
        return text
    return pgettext("time in a zone", "{when} ({zone})").format(
        when=text, zone=zone_name(moment, zone))


def format_number(n: int | float | Decimal | Fraction, *, digits: int | None = None) -> str:
    """A number in the reader's conventions ("1,204", "1 204", "2,5")."""
    if isinstance(n, Fraction):
        n = float(n)
    if digits is None:
        return babel_numbers.format_decimal(n, locale=babel_locale())
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return babel_numbers.format_decimal(n, format=pattern, locale=babel_locale())


def format_percent(fraction: float) -> str:
    return babel_numbers.format_percent(fraction, locale=babel_locale())


def format_list(items: Sequence[str], style: str = "standard") -> str:
    """"a, b and c" / "a, b et c" / "a، وb وc"; `style` "or" for alternatives."""
    if not items:
        return ""
    return babel_lists.format_list(list(items), style=style,  # type: ignore[arg-type]
                                   locale=babel_locale())


def localizes_dates(locale: str | None = None) -> bool:
    """Whether dates are drawn by Babel for this reader: every language but the English
    source (and the pseudo-locale, which is English underneath), whose output stays exactly
    as the strftime patterns always made it."""
    return (locale or current_locale()) not in (SOURCE, PSEUDO)


_DATE_FIELDS = {"%a": "E", "%A": "EEEE", "%d": "d", "%e": "d", "%b": "MMM", "%B": "MMMM",
                "%Y": "y"}


def strftime_local(value: datetime | date | time, spec: str) -> str:
    """`value` as `spec` ("%a %d %b %Y, %H:%M") would show it, in the reader's language:
    a day with a weekday or a month name becomes Babel's skeleton of the same fields
    ("lun. 29 mars 2027"), a clock "%H:%M" the locale's short time ("18:30", "6:30 م").
    Numeric patterns ("%Y-%m-%d", "%H:%M" alone in ISO text) stay as they are, so what a
    person may type back keeps its form; English is always the strftime text itself."""
    if not localizes_dates():
        return format(value, spec)
    if not any(k in spec for k in ("%a", "%A", "%b", "%B")):
        if spec.strip() == "%H:%M" and isinstance(value, datetime | time):
            return format_clock_of(value)
        return format(value, spec)
    skeleton = "".join(sorted({v for k, v in _DATE_FIELDS.items() if k in spec},
                              key="yMEd".find))
    assert not isinstance(value, time)
    text = babel_dates.format_skeleton(skeleton, value, locale=babel_locale())
    if "%H" in spec and isinstance(value, datetime):
        text = pgettext("date and time", "{date}, {time}").format(
            date=text, time=format_clock_of(value))
    return text


def format_clock_of(value: datetime | time) -> str:
    """A clock time as the reader's locale writes it (no zone conversion)."""
    return babel_dates.format_time(value, "short", locale=babel_locale())


class Localized:
    """A date or time that formats itself in the reader's language inside `str.format`:
    `_("due {due:%a %d %b}").format(due=localized(item.due))` is "due Mon 29 Mar" in
    English, "due lun. 29 mars" in French."""

    __slots__ = ("value",)

    def __init__(self, value: datetime | date | time) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return strftime_local(self.value, spec) if spec else str(self.value)

    def __str__(self) -> str:
        return str(self.value)


def localized(value: datetime | date | time) -> Localized:
    return Localized(value)


_ORDINALS = {
    "zero": lambda: pgettext("ordinal zero", "{n}th"),
    "one": lambda: pgettext("ordinal one", "{n}st"),
    "two": lambda: pgettext("ordinal two", "{n}nd"),
    "few": lambda: pgettext("ordinal few", "{n}rd"),
    "many": lambda: pgettext("ordinal many", "{n}th"),
    "other": lambda: pgettext("ordinal other", "{n}th"),
}


def ordinal(n: int) -> str:
    """A rank in the reader's language: "1st", "1er", "1.º", "1º", "الأول" (the first ten by
    name where the catalog has a word for them)."""
    named = pgettext("ordinal word", f"#{n}") if 1 <= n <= 10 else f"#{n}"
    if named != f"#{n}":
        return named
    category = babel_locale().ordinal_form(n)
    return _ORDINALS.get(category, _ORDINALS["other"])().format(n=n)


# The first ten as words, for languages that name them ("الأول"); English leaves them as
# numbers (its translation is the msgid itself, so `ordinal` falls through to "1st").
ORDINAL_WORDS = (
    NP_("ordinal word", "#1"), NP_("ordinal word", "#2"), NP_("ordinal word", "#3"),
    NP_("ordinal word", "#4"), NP_("ordinal word", "#5"), NP_("ordinal word", "#6"),
    NP_("ordinal word", "#7"), NP_("ordinal word", "#8"), NP_("ordinal word", "#9"),
    NP_("ordinal word", "#10"),
)


# --- right to left -----------------------------------------------------------------------------

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
RLM = "\u200f"


def isolate_sentence(text: str, locale: str | None = None) -> str:
    """A whole sentence of a right-to-left language, isolated as right-to-left (RLI ... PDI) so
    names, numbers and command words inside it keep their places and the line reads from
    the right where the platform honours Unicode bidi; other languages unchanged."""
    if not text or not is_rtl(locale):
        return text
    return "\n".join(f"{RLI}{line}{PDI}" if line.strip() else line
                     for line in text.split("\n"))


def strip_isolates(text: str) -> str:
    """`text` without the bidi controls (for comparing and for terminals that draw them)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf" or ch in "\u200d")
