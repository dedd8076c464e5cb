"""CalendarException moves here from reports (issue 14: deadlines need the working days
below directives). The table stays where it is; only Django's state moves, and the
content type with it, so the permissions granted on it stay granted."""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="workdays", model="calendarexception").exists():
        ContentType.objects.filter(app_label="reports", model="calendarexception").update(
            app_label="workdays"
        )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="workdays", model="calendarexception").update(
        app_label="reports"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0008_report_text_limit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarException",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="ngày")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("day_off", "Ngày nghỉ"), ("working_day", "Ngày làm việc bù")],
                                max_length=16,
                                verbose_name="loại",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=255, verbose_name="ghi chú")),
                    ],
                    options={
                        "verbose_name": "ngày nghỉ, làm bù",
                        "verbose_name_plural": "lịch nghỉ, làm bù",
                        "ordering": ["date"],
                        "db_table": "reports_calendarexception",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
