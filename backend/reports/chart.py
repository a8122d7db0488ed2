"""Grouped bar charts of the reports, as numbers for a server-rendered SVG with a value axis,
a label under every group, a legend, and each bar's value for hover and keyboard focus."""

from __future__ import annotations

from dataclasses import dataclass

from backend.charts import Label, Plot, Tick, value_axis

PLOT = Plot(width=720, height=260, left=124, right=12, top=14, bottom=40)
MAX_LABELLED_GROUPS = 12  # beyond this every other group's label is left out, so none collide


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    text: str  # "led 2026 · nabídnuto: 34 000 Kč", read on hover and focus


@dataclass(frozen=True, slots=True)
class BarChart:
    plot: Plot
    bars: list[Bar]
    value_ticks: list[Tick]
    group_ticks: list[Tick]
    legend: list[str]  # the series' names, in the order of their colours

    @property
    def empty(self) -> bool:
        return not any(bar.height for bar in self.bars)


def bar_chart(
    groups: list[str],
    series: list[tuple[str, list[int]]],
    value_label: Label,
    axis_labels: list[tuple[str, str]] | None = None,
    plot: Plot = PLOT,
) -> BarChart:
    """One group of bars per name in ``groups`` (oldest first), one bar per series; under each
    group its ``axis_labels`` (two short lines, such as "led" and "2026"), else its name."""
    largest = max([0, *(value for _, values in series for value in values)])
    top, ticks = value_axis(largest, plot, value_label)
    group = plot.inner_width / max(len(groups), 1)
    width = group * 0.7 / max(len(series), 1)
    bars: list[Bar] = []
    for index, name in enumerate(groups):
        for number, (series_name, values) in enumerate(series):
            height = plot.inner_height * values[index] / top
            bars.append(
                Bar(
                    x=round(plot.left + index * group + group * 0.15 + number * width, 1),
                    y=round(plot.baseline - height, 1),
                    width=round(width, 1),
                    height=round(height, 1),
                    series=number,
                    text=f"{name} · {series_name}: {value_label(values[index])}",
                )
            )
    every = 1 if len(groups) <= MAX_LABELLED_GROUPS else 2
    lines = axis_labels or [(name, "") for name in groups]
    group_ticks = [
        Tick(
            position=round(plot.left + (index + 0.5) * group, 1), label=lines[index][0], extra=lines[index][1]
        )
        for index in range(len(groups))
        if (len(groups) - 1 - index) % every == 0  # the latest is always labelled
    ]
    return BarChart(
        plot=plot, bars=bars, value_ticks=ticks, group_ticks=group_ticks, legend=[name for name, _ in series]
    )
