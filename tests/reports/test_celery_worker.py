"""A real Celery worker, not eager mode: returning a report queues the notice after commit
and a worker sends it. With REDIS_URL set (CI) the broker is Redis; without it, Kombu's
in-memory transport, which a worker thread in this process can consume."""

import pytest
from django.core import mail

from reports.filing import services
from reports.filing.models import ProgressReport

from ..conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_returned_report_notice_is_sent_by_a_worker(worker, submitted_a, reviewer, reporter_a):
    reporter_a.email = "xa_a@dondoc.invalid"
    reporter_a.save()

    services.report_return(report=submitted_a, by=reviewer, reason="Thiếu số liệu chi bộ.")

    assert ProgressReport.objects.get(pk=submitted_a.pk).status == "returned"
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker never sent the notice"
    assert mail.outbox[0].to == ["xa_a@dondoc.invalid"]
    assert "Thiếu số liệu chi bộ." in mail.outbox[0].body
