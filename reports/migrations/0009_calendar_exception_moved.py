"""CalendarException now lives in the workdays app (its table stays)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_report_text_limit"),
        ("workdays", "0001_calendar_exception_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CalendarException")],
            database_operations=[],
        ),
    ]
