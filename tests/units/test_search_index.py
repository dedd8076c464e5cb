"""Unit search reads a trigram index on PostgreSQL (pg_trgm): a name typed in part, in any
place of the name, finds its units without reading them all."""

import pytest
from django.db import connection

from units.models import Unit, fold

from ..factories import UnitFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's (CI runs it)"
    ),
]


def test_a_search_in_the_middle_of_a_name_uses_the_trigram_index():
    UnitFactory.create_batch(30)
    UnitFactory(name="Đảng bộ xã Phước Sơn")
    query = Unit.objects.filter(search_name__contains=fold("phước sơn"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table: make it choose
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "unit_search_name_trgm" in plan, plan
    assert [u.name for u in query] == ["Đảng bộ xã Phước Sơn"]
