"""What every server-drawn SVG chart shares: a plot area inside the axes and "nice" axis steps
(1, 2 or 5 times a power of ten), so that the value axis reads 0, 20 000, 40 000 … and not
0, 17 193, 34 386. Pure numbers; the pages draw them (no script, nothing inline: strict CSP)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Label = Callable[[int], str]


@dataclass(frozen=True, slots=True)
class Plot:
    """The rectangle inside the axes, in the SVG's own units."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def inner_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def baseline(self) -> float:
        return self.height - self.bottom


@dataclass(frozen=True, slots=True)
class Tick:
    position: float  # y for a value axis, x for a time or category axis
    label: str
    extra: str = ""  # a second line (the year under January)


def nice_step(largest: int, steps: int = 4) -> int:
    """A round step such that ``steps`` of them reach ``largest`` (at least 1)."""
    if largest <= 0:
        return 1
    rough = largest / steps
    magnitude = 10 ** (len(str(int(rough))) - 1)
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * magnitude >= rough:
            return max(int(multiple * magnitude), 1)
    return 10 * magnitude


def value_axis(largest: int, plot: Plot, label: Label, steps: int = 4) -> tuple[int, list[Tick]]:
    """The top of the value axis (a whole number of steps above ``largest``) and its ticks."""
    step = nice_step(largest, steps)
    top = step * max(-(-largest // step), 1)
    ticks = [
        Tick(position=round(plot.baseline - plot.inner_height * value / top, 1), label=label(value))
        for value in range(0, top + 1, step)
    ]
    return top, ticks
