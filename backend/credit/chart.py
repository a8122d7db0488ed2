"""The burn-down chart as plain numbers for a server-rendered SVG: no script, no network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WIDTH = 640
HEIGHT = 220
PAD_LEFT = 8
PAD_RIGHT = 8
PAD_TOP = 10
PAD_BOTTOM = 36  # room for the month names and, under January, the year
FORECAST_HORIZON = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    history: str  # "x,y x,y …" for a polyline
    forecast: str  # dashed line from now to zero, or ""
    months: list[tuple[float, datetime]]  # x positions of month ticks
    top: int  # the balance the top edge stands for (haléře)
    baseline: float  # y of zero


def burn_down(points: list[tuple[datetime, int]], runs_out_at: datetime | None) -> Chart:
    """Balance over time, and the forecast to zero when it falls within a year from now."""
    start, now = points[0][0], points[-1][0]
    end = now
    forecast_end = runs_out_at if runs_out_at and runs_out_at - now <= FORECAST_HORIZON else None
    if forecast_end:
        end = forecast_end
    span = max((end - start).total_seconds(), 1)
    top = max(max(balance for _, balance in points), 1)
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(at: datetime) -> float:
        return round(PAD_LEFT + inner_w * (at - start).total_seconds() / span, 1)

    def y(balance: int) -> float:
        return round(PAD_TOP + inner_h * (1 - balance / top), 1)

    # a step line: the balance holds until the next point
    steps: list[str] = []
    for (at, balance), (next_at, _) in zip(points, [*points[1:], points[-1]], strict=True):
        steps.append(f"{x(at)},{y(balance)}")
        steps.append(f"{x(next_at)},{y(balance)}")
    forecast = f"{x(now)},{y(points[-1][1])} {x(forecast_end)},{y(0)}" if forecast_end else ""
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        history=" ".join(steps),
        forecast=forecast,
        months=[(x(at), at) for at, _ in points[:-1]],
        top=top,
        baseline=y(0),
    )
