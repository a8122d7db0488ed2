"""The burn-down chart as plain numbers for a server-rendered SVG (no script, no network): the
balance over time as a step line with a focusable point per month, a value axis in Kč, a time
axis of months (the year under January), the forecast at the recent pace as a dashed line, and
the dates on which credit expires. The forecast is whatever the credit queries computed; the
chart only draws it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.charts import Label, Plot, Tick, value_axis

PLOT = Plot(width=720, height=280, left=124, right=16, top=16, bottom=44)
FORECAST_HORIZON = timedelta(days=365)
EXPIRY_HORIZON = timedelta(days=400)  # a package bought today, valid 12 months, still shows


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    at: datetime
    balance: int


@dataclass(frozen=True, slots=True)
class Marker:
    x: float
    at: datetime
    amount: int  # what expires then (haléře)


@dataclass(frozen=True, slots=True)
class Chart:
    plot: Plot
    history: str  # "x,y x,y …" for a polyline
    forecast: str  # dashed line from now to zero, or ""
    points: list[Point]
    value_ticks: list[Tick]
    time_ticks: list[Tick]
    expiries: list[Marker]
    forecast_end: datetime | None

    # the old names the page's caption used
    @property
    def width(self) -> int:
        return self.plot.width

    @property
    def height(self) -> int:
        return self.plot.height


def shown_points(points: list[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    """From the month before the first with any credit: no row of empty months leads in."""
    first = next((index for index, (_, balance) in enumerate(points) if balance), len(points) - 1)
    return points[max(first - 1, 0) :]


def burn_down(
    points: list[tuple[datetime, int]],
    runs_out_at: datetime | None,
    *,
    value_label: Label = str,
    month_label: Callable[[datetime], str] = lambda at: str(at.month),
    expiring: Sequence[tuple[datetime, int]] = (),
    lapses: Sequence[tuple[datetime, int]] = (),
) -> Chart:
    """Balance over time, and the forecast to zero when it falls within a year from now: drawn at
    the recent pace, dropping on each date where part of a lot lapses unused (``lapses``)."""
    points = shown_points(points)
    start, now = points[0][0], points[-1][0]
    forecast_end = runs_out_at if runs_out_at and runs_out_at - now <= FORECAST_HORIZON else None
    expiries = [(at, amount) for at, amount in expiring if now < at <= now + EXPIRY_HORIZON]
    end = max([now, *([forecast_end] if forecast_end else []), *(at for at, _ in expiries)])
    span = max((end - start).total_seconds(), 1)
    plot = PLOT
    top, value_ticks = value_axis(max(balance for _, balance in points), plot, value_label)

    def x(at: datetime) -> float:
        return round(plot.left + plot.inner_width * (at - start).total_seconds() / span, 1)

    def y(balance: int) -> float:
        return round(plot.baseline - plot.inner_height * balance / top, 1)

    # a step line: the balance holds until the next point
    steps: list[str] = []
    for (at, balance), (next_at, _) in zip(points, [*points[1:], points[-1]], strict=True):
        steps.append(f"{x(at)},{y(balance)}")
        steps.append(f"{x(next_at)},{y(balance)}")
    path = _forecast_path(now, points[-1][1], forecast_end, lapses) if forecast_end else []
    forecast = " ".join(f"{x(at)},{y(balance)}" for at, balance in path)
    return Chart(
        plot=plot,
        history=" ".join(steps),
        forecast=forecast,
        points=[Point(x(at), y(balance), at, balance) for at, balance in points],
        value_ticks=value_ticks,
        time_ticks=_months(start, end, x, month_label),
        expiries=[Marker(x(at), at, amount) for at, amount in expiries],
        forecast_end=forecast_end,
    )


def _forecast_path(
    now: datetime, balance: int, end: datetime, lapses: Sequence[tuple[datetime, int]]
) -> list[tuple[datetime, float]]:
    """The simulated balance: the draws go on at one pace until ``end``; each lapse is a drop."""
    wanted = sorted((at, amount) for at, amount in lapses if now < at <= end)
    seconds = max((end - now).total_seconds(), 1)
    pace = (balance - sum(amount for _, amount in wanted)) / seconds
    path: list[tuple[datetime, float]] = [(now, balance)]
    lapsed = 0
    for at, amount in wanted:
        before = balance - pace * (at - now).total_seconds() - lapsed
        lapsed += amount
        path += [(at, before), (at, max(before - amount, 0))]
    return [*path, (end, 0)]


def _months(
    start: datetime, end: datetime, x: Callable[[datetime], float], label: Callable[[datetime], str]
) -> list[Tick]:
    """A tick at the first of every month in the range (every other when more than 14), the
    year under the first tick and under January."""
    ticks: list[datetime] = []
    at = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if at < start:
        at = (at + timedelta(days=32)).replace(day=1)
    while at <= end:
        ticks.append(at)
        at = (at + timedelta(days=32)).replace(day=1)
    every = 1 if len(ticks) <= 14 else 2  # a year and its edges fit; beyond, every other month
    chosen = ticks[::every]
    return [
        Tick(position=x(at), label=label(at), extra=str(at.year) if index == 0 or at.month == 1 else "")
        for index, at in enumerate(chosen)
    ]
