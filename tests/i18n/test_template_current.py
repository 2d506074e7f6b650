"""The catalog template holds every string the code marks for translation: a string added
without re-extracting (README, "Languages") would reach every reader in English."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _key(message_id: str | tuple[str, ...], context: str | None) -> tuple[str | None, str]:
    return context, message_id if isinstance(message_id, str) else message_id[0]


def test_the_template_holds_every_string_the_code_marks() -> None:
    keywords = {**DEFAULT_KEYWORDS, "NP_": ((1, "c"), 2)}
    marked = set()
    for folder in ("bot", "adapters"):
        for _file, _line, message, _comments, context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=keywords):
            marked.add(_key(message, context))
    with open(ROOT / "bot" / "locale" / "messages.pot", "rb") as handle:
        template = {_key(m.id, m.context) for m in read_po(handle) if m.id}
    missing = sorted(str(k) for k in marked - template)
    assert not missing, f"{len(missing)} strings not in bot/locale/messages.pot (re-extract): " \
        + "; ".join(missing[:10])
