# ruff: noqa: E402  (Django is set up before the project is imported)
"""make bench: the summary export of the synthetic directive (N units × 9 tasks × 12
monthly periods) over its whole year, in each format, as a secretary's automation runs
it: `manage.py export_summary`, each run a process of its own.

For each format: the median wall time over R runs and the largest peak memory (the
child's own high-water mark: `bench/peak.py`), with the file's size. The export reads
the reports, freezes the figures, renders and stores the file: all of it is measured.

    python bench/exports.py --units 5000 --runs 3
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from bench import peak, synthetic

FORMATS = ("docx", "xlsx", "pdf")


def run_once(number: str, format: str, out: Path, env: dict | None = None) -> tuple[float, float]:
    """One export of the directive's year in a child process (`env`: its environment, by
    default this one's): (seconds, peak MB of that process)."""
    return peak.run(
        ROOT / "manage.py",
        "export_summary",
        f"--directive={number}",
        "--from=2025-01",
        "--to=2025-12",
        f"--format={format}",
        f"--out={out}",
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    directive = synthetic.build(args.units)
    print(f"{directive.number}: ready in {time.perf_counter() - started:.0f} s")
    print("| format | median s | max s | peak MB | file KB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for format in FORMATS:
            out = Path(folder) / f"summary.{format}"
            runs = [run_once(directive.number, format, out) for _ in range(args.runs)]
            seconds = [s for s, _mb in runs]
            print(
                f"| {format.upper()} | {statistics.median(seconds):.1f} | {max(seconds):.1f} "
                f"| {max(mb for _s, mb in runs):.0f} | {out.stat().st_size / 1024:.0f} |"
            )


if __name__ == "__main__":
    main()
