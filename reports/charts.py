"""Geometry for the inline SVG charts. Numbers only: templates draw them, so labels stay autoescaped."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Bar", "bars", "Segment", "stacked", "Span", "timeline", "gauge"]

BAR_AREA = 360  # px of the longest bar
STACK_WIDTH = 600


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    cls: str
    y: int
    width: float


def bars(items: list[tuple[str, int, str]], row: int = 26) -> tuple[list[Bar], int]:
    """Horizontal bars (label, value, css class) -> bars and the chart height."""
    top = max((v for _, v, _ in items), default=0) or 1
    out = [Bar(label, v, cls, i * row, round(BAR_AREA * v / top, 1) if v else 0) for i, (label, v, cls) in enumerate(items)]
    return out, max(len(items), 1) * row


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    cls: str
    x: float
    width: float
    percent: float


def stacked(items: list[tuple[str, int, str]]) -> list[Segment]:
    total = sum(v for _, v, _ in items)
    out, x = [], 0.0
    for label, v, cls in items:
        w = STACK_WIDTH * v / total if total else 0.0
        pct = 100 * v / total if total else 0.0
        # 2 failures in 7,391 tests must not read as "0.0%"
        out.append(Segment(label, v, cls, round(x, 2), round(w, 2), round(pct, 1) if pct >= 0.1 or v == 0 else 0.1))
        x += w
    return out


@dataclass(frozen=True)
class Span:
    label: str
    outcome: str
    cls: str
    y: int
    x: float
    width: float
    duration: float | None  # seconds; None when the step never started


def timeline(steps: list[tuple[str, str, str, float | None, float | None]], width: int = 520, row: int = 24) -> tuple[list[Span], int, float]:
    """Steps (label, outcome, css class, start offset s, duration s) -> spans, height, total seconds."""
    ends = [(s or 0) + (d or 0) for _, _, _, s, d in steps]
    total = max(ends, default=0.0) or 1.0
    out = []
    for i, (label, outcome, cls, start, dur) in enumerate(steps):
        x = width * (start or 0) / total
        w = max(width * (dur or 0) / total, 2.0 if dur is not None else 0.0)  # a 0.01 s step stays visible
        out.append(Span(label, outcome, cls, i * row, round(x, 2), round(w, 2), dur))
    return out, max(len(steps), 1) * row, total


def gauge(value: int, radius: int = 52) -> dict[str, float]:
    """A ring filled to value/100: stroke-dasharray numbers for an SVG circle."""
    circ = 2 * math.pi * radius
    filled = circ * max(0, min(100, value)) / 100
    return {"r": radius, "circumference": round(circ, 2), "filled": round(filled, 2), "rest": round(circ - filled, 2)}
