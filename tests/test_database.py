"""PostgreSQL settings the app sets for itself (docs/deploy.md, "PostgreSQL")."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's (CI runs it)")
def test_postgresql_compiles_no_query_just_in_time():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
