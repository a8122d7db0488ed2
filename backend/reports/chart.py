"""Bar charts as plain numbers for a server-rendered SVG."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 180
PAD = 20


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    series: int


def bars(labels: list[str], *series: list[int]) -> list[Bar]:
    """Grouped bars, one group per label, one bar per series, scaled to the largest value."""
    top = max([1, *(value for values in series for value in values)])
    group = (WIDTH - 2 * PAD) / max(len(labels), 1)
    width = group * 0.8 / max(len(series), 1)
    result = []
    for index, label in enumerate(labels):
        for number, values in enumerate(series):
            height = (HEIGHT - 2 * PAD) * values[index] / top
            result.append(
                Bar(
                    x=round(PAD + index * group + group * 0.1 + number * width, 1),
                    y=round(HEIGHT - PAD - height, 1),
                    width=round(width, 1),
                    height=round(height, 1),
                    label=label,
                    value=values[index],
                    series=number,
                )
            )
    return result
