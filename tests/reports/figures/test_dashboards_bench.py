"""`make bench`'s dashboards (bench/dashboards.py) run on the test database, SQLite or
PostgreSQL: every page answers, and every raw SQL statement runs beside it. (The
matrix's raw SQL once took the tasks as a PostgreSQL array, and the bench stopped there
on SQLite, the embedded default, with no test to say so.) Its figures are not checked
here: they are timings (bench/README.md)."""

import re
import sys

import pytest

from bench import dashboards

pytestmark = pytest.mark.django_db

NUMBER = r"\s+\d+(\.\d+)?"


def test_the_dashboards_bench_times_every_page_beside_its_raw_sql(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["dashboards.py", "--units", "30", "--requests", "2"])

    dashboards.main()

    lines = capsys.readouterr().out.splitlines()
    timed = {
        name: line
        for line in lines
        for name in ("Tổng quan", "Ma trận, trang 1", "Cần đôn đốc", "Một đơn vị", dashboards.BARE)
        if line.startswith(name)
    }
    # Median, p95, queries, SQL ms, CPU ms; then raw ms, ratio, SQL / raw.
    assert len(timed) == 5
    for name, line in timed.items():
        assert re.fullmatch(re.escape(name) + NUMBER * 8, line), line
    floor = next(line for line in lines if line.startswith(dashboards.FLOOR))
    assert re.fullmatch(re.escape(dashboards.FLOOR) + NUMBER * 5, floor), floor
