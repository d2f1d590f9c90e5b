"""The reports' charts as PNG bytes, drawn by matplotlib's Agg canvas (no pyplot, no
display, no global figure state: each call owns its figure, so calls may run in threads).

matplotlib is imported on the first chart, not with the server or the command line.

Charts carry numbers and our own labels only; people's names stay in the HTML around them
(escaped there), so a name can never be read as matplotlib markup or miss a font's glyph.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COLOURS = ("#3b6ea5", "#d1793b", "#4f9a59", "#b8474c", "#7d62a8", "#8c6b54")
_DRAWING = threading.Lock()  # rc_context changes matplotlib's global settings: one chart at a time
STYLE: dict[Any, Any] = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


@contextmanager
def _figure(width: float = 6.4, height: float = 2.8) -> Iterator[Figure]:
    """A figure on its own Agg canvas, drawn with the charts' style."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _DRAWING, mpl.rc_context(STYLE):
        figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        yield figure


def heat_map(grid: Sequence[Sequence[int]], title: str) -> bytes:
    """Seven rows (Monday first) of 24 hourly counts."""
    with _figure(6.4, 2.6) as figure:
        axes = figure.add_subplot()
        image = axes.imshow(grid, aspect="auto", cmap="Blues", interpolation="nearest")
        axes.set_yticks(range(7), WEEKDAYS)
        axes.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)])
        axes.set_xlabel("hour (UTC)")
        axes.set_title(title)
        figure.colorbar(image, ax=axes, label="messages")
        return _png(figure)


def lines(labels: Sequence[str], series: Sequence[Sequence[float]], title: str) -> bytes:
    """One numbered line per series (#1, #2, … — the page names them)."""
    with _figure() as figure:
        axes = figure.add_subplot()
        for number, values in enumerate(series, start=1):
            colour = COLOURS[(number - 1) % len(COLOURS)]
            axes.plot(labels, values, marker="o", color=colour, label=f"#{number}")
        if series:
            axes.legend(loc="upper left", ncols=min(len(series), 6), frameon=False)
        axes.set_ylabel("messages")
        axes.set_title(title)
        axes.tick_params(axis="x", labelrotation=45)
        return _png(figure)


def bars(labels: Sequence[str], groups: dict[str, Sequence[float]], title: str, unit: str) -> bytes:
    """Grouped bars: one colour per group, one slot per label."""
    with _figure() as figure:
        axes = figure.add_subplot()
        width = 0.8 / max(len(groups), 1)
        for number, (name, values) in enumerate(groups.items()):
            places = [i + (number - (len(groups) - 1) / 2) * width for i in range(len(labels))]
            axes.bar(places, values, width, label=name, color=COLOURS[number % len(COLOURS)])
        axes.set_xticks(range(len(labels)), labels)
        axes.tick_params(axis="x", labelrotation=45 if len(labels) > 6 else 0)
        axes.set_ylabel(unit)
        axes.set_title(title)
        if len(groups) > 1:
            axes.legend(frameon=False)
        return _png(figure)


def rings(sizes: Sequence[int], names: Sequence[str]) -> bytes:
    """Concentric circles, innermost first, each labelled with its name and size."""
    from matplotlib.patches import Circle

    with _figure(4.2, 4.2) as figure:
        axes = figure.add_subplot()
        count = len(sizes)
        for j in reversed(range(count)):
            radius = (j + 1) / count
            colour = COLOURS[j % len(COLOURS)]
            axes.add_patch(Circle((0, 0), radius, facecolor=colour, alpha=0.25, edgecolor=colour))
            axes.text(0, radius - 0.5 / count, f"{names[j]}\n{sizes[j]}", ha="center", va="center")
        axes.set_xlim(-1.05, 1.05)
        axes.set_ylim(-1.05, 1.05)
        axes.set_aspect("equal")
        axes.axis("off")
        return _png(figure)
