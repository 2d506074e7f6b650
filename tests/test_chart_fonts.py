"""Charts draw names and options in any script, or say which they could not draw: the glyphs
matplotlib resolves for each label (its own font fallback, `_get_fontmap`) come from a font
that has them, and with the font search pointed at DejaVu Sans alone the alt text lists the
labels with gaps."""

from __future__ import annotations

import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import LoadFlags

from bot.charts import Lettering, lettering
from bot.domain.tally import count
from bot.domain.tally.election import build
from bot.features.votes.charts import results_chart
from bot.fonts import ENV, chain, dejavu_sans, invisible

OPTIONS = ("李小龍的方案", "案例研究 🚀", "नमस्ते दुनिया", "محمد الأمين", "김민준", "Research")


def resolved(letters: Lettering, text: str) -> dict[str, str]:
    """For each glyph matplotlib lays out for `text` (with libraqm, as the Agg backend
    does), the family of the font it comes from, keyed by its character; '' for a glyph
    that no font in the list has."""
    fonts = font_manager.fontManager._find_fonts_by_props(  # matplotlib's own resolution
        FontProperties(family=letters.family))
    ft = font_manager.get_font(fonts)
    out = {}
    for item in ft._layout(text, LoadFlags.NO_HINTING):
        if all(invisible(c) for c in item.char):
            continue
        family = item.ft_object.family_name
        # matplotlib's own last fallback, Last Resort, draws a placeholder box.
        out[item.char] = family if item.glyph_index and "Last Resort" not in family else ""
    return out


def test_every_option_is_drawn_from_a_font_that_has_it() -> None:
    fonts = chain()
    if any(fonts.missing(o, outline=True) for o in OPTIONS):
        pytest.skip("this machine has no outline font for every option's characters")
    letters = lettering(OPTIONS)
    assert letters.missing == ()
    assert letters.family[0] == "DejaVu Sans"
    for option in OPTIONS:
        drawn = resolved(letters, option)
        assert all(drawn.values()), (option, drawn)
    assert resolved(letters, "李")["李"] != "DejaVu Sans"  # from a CJK fallback


def test_with_dejavu_alone_the_labels_with_gaps_are_named(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, str(dejavu_sans()))
    letters = lettering(OPTIONS)
    assert letters.family == ["DejaVu Sans"]
    assert letters.missing == ("李小龍的方案", "案例研究 🚀", "नमस्ते दुनिया", "김민준")
    drawn = resolved(letters, "李 محمد")
    assert drawn["李"] == "" and drawn["م"] == "DejaVu Sans"  # Arabic stays with DejaVu
    assert "李小龍的方案" in letters.alt() and "Research" not in letters.alt()


@pytest.mark.parametrize("method", ["irv", "schulze"])
def test_the_vote_chart_names_in_its_alt_text_what_it_could_not_draw(
        method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ballots = [((OPTIONS[0], OPTIONS[1]), 3), ((OPTIONS[1], OPTIONS[0]), 2),
               ((OPTIONS[2],), 1), ((OPTIONS[3], OPTIONS[4]), 1)]
    election = build(method=method, seats=1, candidates=OPTIONS, ballots=ballots, seed="s")
    result = count(election)
    found = results_chart(1, "Which solution? 🚀", result)
    assert found is not None and found.data.startswith(b"\x89PNG")
    assert found.alt is not None
    if not any(chain().missing(o, outline=True) for o in (*OPTIONS, "🚀")):
        assert "could not draw" not in found.alt
    monkeypatch.setenv(ENV, str(dejavu_sans()))
    alone = results_chart(1, "Which solution? 🚀", result)
    assert alone is not None and alone.alt is not None
    assert "could not draw some characters of: Which solution? 🚀" in alone.alt
    for option in ("李小龍的方案", "案例研究 🚀", "नमस्ते दुनिया", "김민준"):
        assert option in alone.alt.split("could not draw")[1]
    assert len(alone.alt) <= 1000
