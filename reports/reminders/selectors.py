"""What the reminders tell the pages."""

import datetime

from django.db.models import Max

from reports.periods.models import ReportingPeriod

from .models import Reminder


def last_reminded(*, period: ReportingPeriod, unit_ids) -> dict[int, datetime.datetime]:
    """When each unit was last reminded of a report of the period (by beat or by "Nhắc
    ngay"), for the units that ever were: one query."""
    rows = (
        Reminder.objects.filter(period=period, assignment__unit_id__in=list(unit_ids))
        .values("assignment__unit_id")
        .annotate(last=Max("sent_at"))
    )
    return {row["assignment__unit_id"]: row["last"] for row in rows}
