"""Cancelling an export (issue 20): a queued one never starts; a running one stops at its
next check, within about a second, keeping nothing; who may cancel, on the page and
through the API."""

import pytest
from django.urls import reverse

from ops.models import AuditEvent
from reports import tasks
from reports.summaries import pipeline
from reports.summaries.models import Export

from ...api.conftest import token_client
from ...conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(summary, reviewer):
    return pipeline.export_request(summary=summary, format="xlsx", by=reviewer)


def test_a_cancelled_export_never_starts(queued, reviewer):
    assert pipeline.export_cancel(export=queued, by=reviewer)

    assert tasks.make_export.run(queued.pk) == "cancelled"
    queued.refresh_from_db()
    assert (queued.status, queued.file.name, queued.figures.name) == ("cancelled", "", "")
    assert queued.finished_at is not None
    assert AuditEvent.objects.filter(action="export.cancelled", actor=reviewer).count() == 1


def test_a_running_export_stops_and_keeps_nothing(queued, reviewer, monkeypatch, settings):
    """Cancelled while its workbook is being written (after its figures were frozen)."""
    storage = queued.figures.storage
    seen = {}

    def cancelled_meanwhile(snapshot, out, progress):
        seen["figures"] = Export.objects.get(pk=queued.pk).figures.name
        pipeline.export_cancel(export=queued, by=reviewer)  # another page, meanwhile
        progress(0.6)
        raise AssertionError("the run went on after it was cancelled")

    monkeypatch.setattr(pipeline, "CHECK_EVERY", 0.0)
    monkeypatch.setitem(pipeline.RENDERERS, "xlsx", cancelled_meanwhile)

    export = pipeline.export_run(queued.pk)

    assert export.status == Export.Status.CANCELLED
    assert seen["figures"] and not storage.exists(seen["figures"])
    export.refresh_from_db()
    assert (export.status, export.file.name, export.figures.name) == ("cancelled", "", "")


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_run_asks_within_a_second_even_when_its_bar_does_not_move(queued, reviewer):
    assert pipeline._claim(queued.pk)
    queued.refresh_from_db()
    clock = Clock()
    progress = pipeline._Progress(queued, clock=clock)
    progress(0.5)
    pipeline.export_cancel(export=queued, by=reviewer)

    clock.now = 0.5
    progress(0.5)  # no write yet: not a second since the last one
    clock.now = 1.0
    with pytest.raises(pipeline.ExportCancelled):
        progress(0.5)


def test_a_finished_export_is_not_cancelled(queued, reviewer):
    pipeline.export_run(queued.pk)

    assert not pipeline.export_cancel(export=queued, by=reviewer)
    queued.refresh_from_db()
    assert queued.status == Export.Status.DONE and queued.file


def test_the_secretary_cancels_from_the_export_page(queued, reviewer, leader):
    page = reverse("reports:export", args=[queued.pk])
    cancel = reverse("reports:export_cancel", args=[queued.pk])
    assert 'id="export-cancel"' in login(reviewer).get(page).content.decode()
    assert 'id="export-cancel"' not in login(leader).get(page).content.decode()
    assert login(leader).post(cancel).status_code == 403
    assert login(reviewer).get(cancel).status_code == 405

    response = login(reviewer).post(cancel, follow=True)

    text = response.content.decode()
    assert "Đã hủy bản xuất." in text and "Bản xuất đã bị hủy lúc" in text
    assert 'id="export-cancel"' not in text
    queued.refresh_from_db()
    assert queued.status == Export.Status.CANCELLED
    again = login(reviewer).post(cancel, follow=True).content.decode()
    assert "Bản xuất đã kết thúc trước khi hủy" in again
    history = login(reviewer).get(reverse("reports:summary", args=[queued.summary_id]))
    assert '<span class="badge text-bg-secondary">Đã hủy</span>' in history.content.decode()


def test_an_export_is_cancelled_through_the_api(queued, reviewer, leader):
    url = f"/api/v1/exports/{queued.pk}/cancel/"
    assert token_client(leader).post(url).status_code == 403

    response = token_client(reviewer).post(url)

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = token_client(reviewer).post(url)
    assert again.status_code == 409 and "đã kết thúc" in again.json()["detail"]
