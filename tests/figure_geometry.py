"""Geometry on drawn matplotlib figures, for the tests that check a figure's
layout (a label crossed by a line, a title outside the figure)."""
import numpy as np


def drawn(fig):
    """Draw ``fig`` on an Agg canvas (so text extents are known, as in the saved
    PNG) and return its renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def display_segment(ax, p, q):
    """The segment from data point ``p`` to ``q`` in display coordinates."""
    return tuple(ax.transData.transform([p, q]))


def line_segments(ax, line):
    """The segments of a drawn Line2D, in display coordinates (NaN gaps dropped)."""
    xy = ax.transData.transform(np.column_stack([line.get_xdata(), line.get_ydata()]))
    return [(a, b) for a, b in zip(xy[:-1], xy[1:]) if np.isfinite([a, b]).all()]


def crosses_box(p, q, box):
    """True when the segment p-q passes through the bounding box ``box``
    (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = p, q
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for d, low, high, start in ((dx, box.x0, box.x1, x0), (dy, box.y0, box.y1, y0)):
        if d == 0:
            if not low <= start <= high:
                return False
            continue
        t0, t1 = (low - start) / d, (high - start) / d
        lo, hi = max(lo, min(t0, t1)), min(hi, max(t0, t1))
        if lo > hi:
            return False
    return True


def inside(inner, outer, tol=0.5):
    """True when bounding box ``inner`` lies within ``outer`` (display units)."""
    return (inner.x0 >= outer.x0 - tol and inner.x1 <= outer.x1 + tol
            and inner.y0 >= outer.y0 - tol and inner.y1 <= outer.y1 + tol)
