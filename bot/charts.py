"""Pictures: matplotlib's object API on the Agg backend (no pyplot global state, no screen),
figures out as PNG bytes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure


def new_figure(width: float, height: float) -> Figure:
    """A figure of `width` x `height` inches, not registered with pyplot."""
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
