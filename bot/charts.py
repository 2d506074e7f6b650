"""Pictures: matplotlib's object API on the Agg backend (no pyplot global state, no screen),
figures out as PNG bytes. Labels in any script: `lettering` gives the font family list
(DejaVu Sans, then the Noto fallbacks of `bot.fonts`) and the labels no font here can draw,
which the alt text then names."""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from bot.fonts import FontChain, chain, static_copy
from bot.i18n import _
from bot.messages import shorten


def new_figure(width: float, height: float) -> Figure:
    """A figure of `width` x `height` inches, not registered with pyplot, on an Agg canvas
    (whose renderer measures the labels as they will be drawn)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


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


# --- layout: labels placed by their measured extents, never on top of one another ----------

def renderer(figure: Figure) -> RendererBase:
    """The renderer of `figure`'s Agg canvas (see `new_figure`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    assert isinstance(figure.canvas, FigureCanvasAgg), "draw on new_figure's canvas"
    drawer: RendererBase = figure.canvas.get_renderer()  # type: ignore[no-untyped-call]
    return drawer


def settle(figure: Figure) -> RendererBase:
    """Run the layout engine once (constrained layout sizes the axes around every label as
    first placed), then switch it off, so that labels moved or hidden afterwards by their
    measured extents stay where they are put; returns the renderer that measures them."""
    figure.draw_without_rendering()
    figure.set_layout_engine("none")
    return renderer(figure)


def extents(texts: Iterable[Text], renderer: RendererBase) -> list[Bbox]:
    """The drawn box (in pixels) of each visible, non-empty text: of its letters alone, also
    for an annotation (whose own extent takes in its leader line)."""
    return [box(t, renderer) for t in texts if t.get_visible() and t.get_text()]


def box(text: Text, renderer: RendererBase) -> Bbox:
    """The box (in pixels) of `text`'s letters, without an annotation's leader line."""
    return Text.get_window_extent(text, renderer)


def touch(a: Bbox, b: Bbox, pad: float = 0.0) -> bool:
    """Whether boxes `a` and `b` intersect (or come within `pad` pixels of each other)."""
    return bool(a.x0 < b.x1 + pad and b.x0 < a.x1 + pad and a.y0 < b.y1 + pad
                and b.y0 < a.y1 + pad)


def collisions(boxes: Sequence[Bbox], pad: float = 0.0) -> list[tuple[int, int]]:
    """The pairs of boxes that intersect (or come within `pad` pixels of each other)."""
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if touch(boxes[i], boxes[j], pad)]


def spread(targets: Sequence[float], sizes: Sequence[float], low: float, high: float,
           gap: float = 1.0) -> list[float]:
    """Centres for labels of `sizes` along one axis, each as near its target as it can be
    with no two closer than `gap` between their edges, all within [low, high] when they
    fit (otherwise they overflow past `high`, still apart). Returned in the given order."""
    order = sorted(range(len(targets)), key=lambda i: targets[i])
    centres = [0.0] * len(targets)
    edge = low  # the first free position, going up
    for i in order:
        centre = max(targets[i], edge + sizes[i] / 2)
        centres[i] = centre
        edge = centre + sizes[i] / 2 + gap
    ceiling = high  # then down from the top, pushing back whatever went over it
    for i in reversed(order):
        centre = min(centres[i], ceiling - sizes[i] / 2)
        centres[i] = centre
        ceiling = centre - sizes[i] / 2 - gap
    if order and centres[order[0]] - sizes[order[0]] / 2 < low:  # too many to fit: stack up
        edge = low
        for i in order:
            centres[i] = edge + sizes[i] / 2
            edge = centres[i] + sizes[i] / 2 + gap
    return centres


def wrapped(text: str, width: int, lines: int = 2) -> str:
    """`text` broken into at most `lines` lines of about `width` characters, the last one
    shortened with an ellipsis if the name is longer still (the alt text has it whole)."""
    parts = textwrap.wrap(text, width, break_long_words=True) or [""]
    if len(parts) > lines:
        rest = " ".join(parts[lines - 1:])
        parts = [*parts[:lines - 1], shorten(rest, width)]
    return "\n".join(parts)
