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
