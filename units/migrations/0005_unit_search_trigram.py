"""Unit search (`search_name LIKE '%word%'`: the matrix's filter, the API's, the
administration's) through a trigram index on PostgreSQL (pg_trgm), instead of reading
every unit. SQLite keeps its plain index."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS unit_search_name_trgm ON units_unit "
    "USING gin (search_name gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS unit_search_name_trgm"]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("units", "0004_membership_unit_admin_source")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
