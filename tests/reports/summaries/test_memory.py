"""An export's memory does not grow with its rows (issue 20): the summary of ten times the
units, over a year of monthly periods, exported in each format by `manage.py
export_summary` in a process of its own, peaks within 20% of the smaller one's. Both
sizes are above levels.ANNEX_UNITS_MAX, so that the documents' annexes are summed by
tree level in both.

The child reads the test database, so the data is committed (a transactional test) and
the database must be one a second process can open: PostgreSQL (CI runs it)."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench import exports, synthetic
from reports.summaries import levels

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the child process opens the test database: PostgreSQL's (CI runs it)",
    ),
]

SMALL, LARGE = 600, 6000  # units
GROWTH = 0.2


def _database_url() -> str:
    db = settings.DATABASES["default"]
    login = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{login}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _peak_mb(number: str, format: str, folder: Path) -> float:
    """The peak resident memory (MB) of a process exporting the directive's year."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",  # as deployed: files on disk
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": "memory-test-only",
        "ALLOWED_HOSTS": "testserver",
        "TWO_FACTOR_ROLES": "",
    }
    _seconds, peak_mb = exports.run_once(number, format, folder / f"{format}.out", env=env)
    return peak_mb


def test_an_exports_peak_memory_does_not_grow_with_its_rows(tmp_path):
    assert SMALL > levels.ANNEX_UNITS_MAX
    small, large = synthetic.build(SMALL), synthetic.build(LARGE)

    peaks = {
        format: (_peak_mb(small.number, format, tmp_path), _peak_mb(large.number, format, tmp_path))
        for format in ("docx", "xlsx", "pdf")
    }

    grown = {format: large / small - 1 for format, (small, large) in peaks.items()}
    assert all(abs(growth) <= GROWTH for growth in grown.values()), peaks
