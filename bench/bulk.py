# ruff: noqa: E402  (Django is set up before the project is imported)
"""make bench: reading every report of one period at once, through the API, against the
synthetic directive of bench/dashboards.py (N units × 9 tasks): the stream (CSV and
NDJSON) and the cursor pages of 1,000. Median time over R runs, queries, and the peak
memory Python allocated while streaming (tracemalloc).

    python bench/bulk.py --units 5000 --runs 3
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.test import Client

from bench import synthetic
from bench.dashboards import count_queries
from units.models import Membership


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    directive = synthetic.build(args.units)
    period = directive.periods.order_by("start").last()
    reviewer, _ = get_user_model().objects.get_or_create(username=f"bench-theodoi-{args.units}")
    Membership.objects.get_or_create(user=reviewer, unit=directive.issuer, role="reviewer")
    client = Client()
    client.force_login(reviewer)
    query = f"directive={directive.pk}&period={period.pk}"

    def stream(output: str) -> int:
        answer = client.get(f"/api/v1/reports/stream/?output={output}&{query}")
        assert answer.status_code == 200
        return sum(len(part) for part in answer.streaming_content)

    def pages() -> int:
        url, read = f"/api/v1/reports/bulk/?page_size=1000&{query}", 0
        while url:
            answer = client.get(url)
            assert answer.status_code == 200, answer.content[:300]
            read += len(answer.json()["results"])
            url = answer.json()["next"]
        return read

    print(f"Đôn đốc bulk reads — {args.units} units, one period ({period.label}), {args.runs} runs")
    print(f"{'read':28} {'median s':>9} {'queries':>8} {'peak MB':>8} {'size':>12}")
    for name, run in (
        ("stream, CSV", lambda: stream("csv")),
        ("stream, NDJSON", lambda: stream("ndjson")),
        ("cursor pages of 1,000", pages),
    ):
        size = run()
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        queries = count_queries(run)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{name:28} {statistics.median(times):9.2f} {queries:8d} {peak:8.1f} {size:12,}")


if __name__ == "__main__":
    main()
