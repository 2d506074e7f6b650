"""Pictures: matplotlib's object API on the Agg backend (no pyplot global state, no screen),
figures out as PNG bytes. Labels in any script: `lettering` gives the font family list
(DejaVu Sans, then the Noto fallbacks of `bot.fonts`) and the labels no font here can draw,
which the alt text then names."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from bot.fonts import FontChain, chain, static_copy
from bot.i18n import _


def new_figure(width: float, height: float) -> Figure:
    """A figure of `width` x `height` inches, not registered with pyplot."""
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --- lettering: which fonts draw the labels, and what none can -------------------------

_fonts_lock = threading.Lock()
_registered: dict[Path, str] = {}


@dataclass(frozen=True, slots=True)
class Lettering:
    """The font family list for a chart's labels (matplotlib draws each glyph from the first
    family that has it) and the labels with characters that no font here draws."""

    family: list[str]
    missing: tuple[str, ...]

    def alt(self) -> str:
        """The sentence for the alt text: which labels the picture shows with gaps (the alt
        text itself carries them whole)."""
        if not self.missing:
            return ""
        return _(" The picture could not draw some characters of: {missing}; they are "
                 "written out here.").format(missing=', '.join(self.missing))


def _family_of(path: Path) -> str:
    """Register `path` with matplotlib (once) and return the family name it is known by."""
    from matplotlib import font_manager

    if path not in _registered:
        font_manager.fontManager.addfont(str(path))
        _registered[path] = next(e.name for e in reversed(font_manager.fontManager.ttflist)
                                 if Path(e.fname) == path)
    return _registered[path]


def lettering(texts: Iterable[str], fonts: FontChain | None = None) -> Lettering:
    """The fonts `texts` need, in the chain's order, registered with matplotlib; only outline
    faces, as matplotlib cannot scale a bitmap-only (colour emoji) font."""
    fonts = fonts or chain()
    texts = [t for t in texts if t]
    joined = "\n".join(texts)
    family = []
    with _fonts_lock:
        for face in fonts.faces_for(joined, outline=True):
            path = face.path if face.direct else static_copy(face, joined)[0]
            family.append(_family_of(path))
    missing = tuple(t for t in dict.fromkeys(texts) if fonts.missing(t, outline=True))
    return Lettering(family, missing)
