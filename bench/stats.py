"""Summaries of measured times, shared by the benchmarks."""

import statistics


def p95(values: list[float]) -> float:
    """The 95th percentile (0 for no values)."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20)[-1]
