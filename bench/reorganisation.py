# ruff: noqa: E402  (Django is set up before the project is imported)
"""make bench: a reorganisation at scale, against the synthetic directive of
bench/dashboards.py (N units × 9 tasks × 12 monthly periods of 2025): every commune of
one district merged four into one on 1/7/2025, as the 2025 reorganisation did. For the
preview and for applying it (with the kept totals counted again): median time over R
runs, and the number of queries. Each run is rolled back.

    python bench/reorganisation.py --units 5000 --runs 3
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from bench import synthetic
from bench.dashboards import count_queries
from reorganisations import plans
from reorganisations.services import reorganisation_apply
from units.models import Membership, Unit

ACT = {"basis": "Nghị quyết thử tải", "basis_date": datetime.date(2025, 6, 16)}


def _plans(district: Unit) -> list[plans.Plan]:
    communes = list(district.children.filter(valid_to__isnull=True).order_by("pk"))
    return [
        plans.merge(
            sources=communes[i : i + 4],
            new=plans.NewUnit(f"Xã mới {i // 4}", kind="grassroots_party", parent=district),
            effective=datetime.date(2025, 7, 1),
            **ACT,
        )
        for i in range(0, len(communes) - 1, 4)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    directive = synthetic.build(args.units)
    district = directive.issuer.children.order_by("pk").first()
    admin, _ = get_user_model().objects.get_or_create(username=f"bench-tochuc-{args.units}")
    Membership.objects.get_or_create(user=admin, unit=directive.issuer, role="reviewer")
    communes = district.children.count()
    timings: dict[str, list[float]] = {"preview": [], "apply": []}
    queries: dict[str, int] = {}
    for _run in range(args.runs):
        with transaction.atomic():
            acts = _plans(district)
            started = time.perf_counter()
            queries["preview"] = count_queries(lambda acts=acts: [plans.preview(p) for p in acts])
            timings["preview"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            queries["apply"] = count_queries(
                lambda acts=acts: [reorganisation_apply(by=admin, plan=p) for p in acts]
            )
            timings["apply"].append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    print(
        f"Đôn đốc reorganisation — {connection.vendor}, {args.units} units: one district's "
        f"{communes} communes into {len(acts)} on 1/7/2025, {args.runs} runs (rolled back)"
    )
    for name, times in timings.items():
        print(f"{name:10} median {statistics.median(times):8.0f} ms   queries {queries[name]:6d}")


if __name__ == "__main__":
    main()
