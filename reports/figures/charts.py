"""Charts drawn on the server as SVG (no CDN, no JavaScript): the geometry here, the
drawing in templates/reports/_chart.html, the same figures always offered as a table."""

from dataclasses import dataclass

WIDTH, HEIGHT = 720, 240
LEFT, BOTTOM, TOP = 40, 28, 12


@dataclass
class Bar:
    x: float
    y: float
    height: float
    value: float | None
    series: int


@dataclass
class Chart:
    width: int
    height: int
    bar_width: float
    bars: list[Bar]
    labels: list[tuple[float, str]]  # x, text
    grid: list[tuple[float, int]]  # y, percent
    series: list[str]


def percent_bars(labels: list[str], series: list[tuple[str, list[float | None]]]) -> Chart:
    """Grouped bars of percentages (0–100), one group per label."""
    plot_h = HEIGHT - BOTTOM - TOP
    group_w = (WIDTH - LEFT) / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    bars = []
    for i, _label in enumerate(labels):
        for s, (_name, values) in enumerate(series):
            value = values[i]
            h = plot_h * (value or 0) / 100
            x = LEFT + i * group_w + group_w * 0.1 + s * bar_w
            bars.append(Bar(round(x, 1), round(TOP + plot_h - h, 1), round(h, 1), value, s))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bar_width=round(bar_w - 1, 1),
        bars=bars,
        labels=[(round(LEFT + (i + 0.5) * group_w, 1), label) for i, label in enumerate(labels)],
        grid=[(round(TOP + plot_h * (1 - p / 100), 1), p) for p in (0, 25, 50, 75, 100)],
        series=[name for name, _values in series],
    )


SMALL_WIDTH, SMALL_HEIGHT = 320, 96


def value_bars(labels: list[str], values: list) -> Chart:
    """Small bars of one indicator's figure in each period, scaled to the largest (a
    period with no figure draws no bar)."""
    left, bottom, top = 36, 18, 8
    plot_h = SMALL_HEIGHT - bottom - top
    largest = max((float(v) for v in values if v is not None), default=0) or 1
    group_w = (SMALL_WIDTH - left) / max(len(labels), 1)
    bars = []
    for i, value in enumerate(values):
        h = plot_h * float(value or 0) / largest
        x = left + i * group_w + group_w * 0.15
        bars.append(Bar(round(x, 1), round(top + plot_h - h, 1), round(h, 1), value, 0))
    step = max(1, len(labels) // 6)  # at most about six labels under the bars
    return Chart(
        width=SMALL_WIDTH,
        height=SMALL_HEIGHT,
        bar_width=round(group_w * 0.7, 1),
        bars=bars,
        labels=[
            (round(left + (i + 0.5) * group_w, 1), label)
            for i, label in enumerate(labels)
            if i % step == 0
        ],
        grid=[(round(top + plot_h * (1 - f), 1), round(largest * f)) for f in (0, 0.5, 1)],
        series=[],
    )
