"""Each reader in their language, through the console: `/lab lang` and `/lab me lang`, the
language in `/lab members` and the home card, channel posts in the lab's language while
private replies are in the reader's, exports in the lab's language or the one asked for."""

from __future__ import annotations

from bot.bootstrap import App
from tests.conftest import Console


def _blocks(out: str) -> list[str]:
    """The console's messages, each from its `[mN]` line to the next."""
    parts: list[str] = []
    for line in out.splitlines():
        if line.startswith("[m"):
            parts.append(line)
        elif parts:
            parts[-1] += "\n" + line
    return parts


async def test_a_member_chooses_a_language_and_it_is_listed(lab: Console) -> None:
    out = await lab("Amara Okafor", "/lab lang es")
    assert "A partir de ahora" in out or "Español" in out
    out = await lab("Amara Okafor", "/lab help")
    assert "lo que puedes escribir" in out  # Spanish for her
    out = await lab("Priya Raman", "/lab help")
    assert "what you can type" in out  # English for the others
    out = await lab("Zoë Núñez", "/lab me lang fr")  # the Discord group's name works too
    out = await lab("Gemma Rhodes", "/lab members")
    amara = next(line for line in out.splitlines() if "Amara Okafor" in line)
    zoe = next(line for line in out.splitlines() if "Zoë Núñez" in line)
    priya = next(line for line in out.splitlines() if "Priya Raman" in line)
    assert amara.endswith("· Español") and zoe.endswith("· Français")
    assert "Español" not in priya and "English" not in priya  # nobody chose: unchanged
    out = await lab("Amara Okafor", "/lab home")
    assert "Español" in out and "/lab lang <code>" in out
    out = await lab("Amara Okafor", "/lab lang default")
    out = await lab("Amara Okafor", "/lab help")
    assert "what you can type" in out


async def test_channel_posts_in_the_labs_language_private_replies_in_the_readers(
        lab: Console) -> None:
    await lab("Gemma Rhodes", "/lab settings lang fr")
    await lab("Gemma Rhodes", "/lab lang es")  # Gemma reads Spanish; the lab's channel French
    out = await lab("Gemma Rhodes", "/lab role Priya secretary")
    (posted,) = [b for b in _blocks(out) if "sees this" not in b.splitlines()[0]]
    assert "a nommé *Priya Raman* secretary" in posted or "a nommé" in posted
    out = await lab("Gemma Rhodes", "/lab role Priya nonsense")
    (private,) = _blocks(out)
    assert "sees this" in private.splitlines()[0]
    assert "Gemma" not in private or "no" in private
    out = await lab("Gemma Rhodes", "/lab members")
    assert "Miembros de" in out  # a private reply: Spanish
    out = await lab("Priya Raman", "/lab leave")
    (posted,) = [b for b in _blocks(out) if "sees this" not in b.splitlines()[0]]
    assert "a quitté" in posted


async def test_an_export_is_in_the_labs_language_unless_asked(lab: Console, app: App) -> None:
    await lab("Gemma Rhodes", "/lab settings lang fr")
    await lab("Gemma Rhodes", '/lab minutes start "Kick-off"')
    await lab("Gemma Rhodes", "/lab note We met")
    await lab("Gemma Rhodes", "/lab minutes export md")
    await lab("Gemma Rhodes", "/lab minutes export md lang es")
    files = sorted(lab.adapter.files_dir.glob("*.md"))
    assert len(files) == 2
    texts = [f.read_text() for f in files]
    print(texts)
