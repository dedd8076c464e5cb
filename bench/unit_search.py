# ruff: noqa: E402  (Django is set up before the project is imported)
"""Unit search at national scale: `search_name LIKE '%…%'` over N units (default
50,000) with and without the trigram index (pg_trgm, units/migrations/0005), in a
database of its own that it makes and drops (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/unit_search.py
"""

import argparse
import os
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

import django

django.setup()

import psycopg
from django.conf import settings

from units.models import fold

WORDS = "Phước Sơn Hòa An Bình Thạnh Long Tân Mỹ Hưng Lộc Nghĩa Quang Thuận Thắng"
SYLLABLES = WORDS.split()
KINDS = ["Đảng bộ xã", "Chi bộ thôn", "Đảng bộ phường", "Chi bộ khu phố", "Đảng bộ thị trấn"]
QUERY = "SELECT id, name FROM units_unit WHERE search_name LIKE %s ORDER BY name LIMIT 50"


def median_ms(cursor, word: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + QUERY, [f"%{fold(word)}%"])
        times.append(cursor.fetchone()[0][0]["Execution Time"])
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        raise SystemExit("PostgreSQL only: set DATABASE_URL")
    admin = dict(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"])
    name = "dondoc_bench_unit_search"
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        with psycopg.connect(**(admin | {"dbname": name}), autocommit=True) as conn:
            cursor = conn.cursor()
            cursor.execute(
                "CREATE TABLE units_unit (id serial PRIMARY KEY, name text, search_name text)"
            )
            rng = random.Random(7)
            rows = []
            for i in range(args.units):
                unit = f"{rng.choice(KINDS)} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {i}"
                rows.append((unit, fold(unit)))
            with cursor.copy("COPY units_unit (name, search_name) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("CREATE INDEX ON units_unit (search_name)")  # Django's db_index
            cursor.execute("ANALYZE units_unit")
            plain = median_ms(cursor, "phước sơn", args.runs)
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX unit_search_name_trgm ON units_unit "
                "USING gin (search_name gin_trgm_ops)"
            )
            cursor.execute("ANALYZE units_unit")
            trigram = median_ms(cursor, "phước sơn", args.runs)
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
    print(
        f"{args.units} units, '%phuoc son%', median of {args.runs}: "
        f"btree only {plain:.1f} ms, trigram {trigram:.1f} ms ({plain / trigram:.1f}×)"
    )


if __name__ == "__main__":
    main()
