"""The audit log (nhật ký hệ thống): every state change and export leaves one event,
written in the change's transaction, never changed or removed; reviewers read it."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directives.models import Directive, Role
from directives.services import directive_publish
from ops.audit import audit
from ops.models import AuditEvent, AuditLogIsAppendOnly
from reports.filing import extensions, services
from reports.summaries import pipeline
from reports.summaries.compose import summary_compose
from reports.summaries.models import Export

from ..factories import AddresseeFactory, DirectiveFactory, SectionFactory, TaskFactory

D = datetime.date
LOG = reverse("ops:audit")
pytestmark = pytest.mark.django_db


def _only(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


# The services write their events -----------------------------------------------------


def test_submit_accept_and_return_are_logged_by_who_did_them(small_directive, reporter_a, reviewer):
    slot = {"assignment": small_directive.assignment_a, "period": small_directive.period}
    data = {"assessment": "in_progress", "percent_done": 50, "achievements": "Bí mật xã A."}
    report = services.report_save_draft(**slot, by=reporter_a, data=data)
    services.report_submit(report=report, by=reporter_a)
    services.report_return(report=report, by=reviewer, reason="Thiếu số liệu.", notify=False)
    services.report_save_draft(**slot, by=reporter_a, data={"percent_done": 60})
    services.report_submit(report=report, by=reporter_a)
    services.report_accept(report=report, by=reviewer)

    events = list(AuditEvent.objects.order_by("pk"))
    assert [(e.action, e.actor) for e in events] == [
        ("report.draft_saved", reporter_a),
        ("report.submitted", reporter_a),
        ("report.returned", reviewer),
        ("report.revised", reporter_a),
        ("report.draft_saved", reporter_a),
        ("report.submitted", reporter_a),
        ("report.accepted", reviewer),
    ]
    for event in events:
        assert (event.object_type, event.object_id) == ("reports.progressreport", report.pk)
        assert event.directive_id == small_directive.directive.pk
        assert event.unit_id == small_directive.assignment_a.unit_id
        assert "Bí mật" not in event.summary  # names only, never the report's text
    assert _only("report.accepted").summary == (
        f"Tiếp nhận báo cáo — nhiệm vụ 1.1, Đảng bộ xã A, kỳ {small_directive.period.label}"
    )


def test_an_extension_request_and_its_grant_are_logged(small_directive, reporter_a, reviewer):
    slot = {"assignment": small_directive.assignment_a, "period": small_directive.period}
    request = extensions.extension_request(
        **slot, by=reporter_a, new_due=D(2021, 9, 30), reason="Chờ số liệu thôn."
    )
    extensions.extension_decide(extension=request, by=reviewer, grant=True)

    asked, granted = _only("extension.requested"), _only("extension.granted")
    assert (asked.actor, granted.actor) == (reporter_a, reviewer)
    assert granted.object_type == "reports.extensionrequest"
    assert granted.object_id == request.pk
    assert granted.unit_id == small_directive.assignment_a.unit_id
    assert "30/09/2021" in granted.summary
    assert "Chờ số liệu" not in asked.summary


def test_a_reviewer_reopening_a_period_is_logged(small_directive, reviewer):
    today = timezone.localdate()
    reopening = extensions.period_reopen(
        period=small_directive.period,
        unit=small_directive.assignment_b.unit,
        until=today + datetime.timedelta(days=3),
        by=reviewer,
    )

    event = _only("period.reopened")
    assert (event.actor, event.object_id) == (reviewer, reopening.pk)
    assert event.unit_id == small_directive.assignment_b.unit_id


@pytest.fixture
def summary(small_directive, submitted_a, reviewer):
    made = summary_compose(
        directive=small_directive.directive,
        period_from=small_directive.period,
        period_to=small_directive.period,
        by=reviewer,
        today=D(2021, 12, 1),
    )
    made.save()
    return made


def test_an_export_is_logged_when_asked_for_and_when_made(
    summary, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly
        export = pipeline.export_request(summary=summary, format="docx", by=reviewer)

    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    asked, made = _only("export.requested"), _only("export.made")
    assert (asked.actor, made.actor) == (reviewer, reviewer)
    assert (made.object_type, made.object_id) == ("reports.export", export.pk)
    assert made.directive_id == summary.directive_id
    assert not AuditEvent.objects.filter(action="export.failed").exists()


def test_a_failed_export_is_logged(summary, reviewer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setitem(pipeline.RENDERERS, Export.Format.PDF, broken)
    export = pipeline.export_now(summary=summary, format="pdf", by=reviewer)

    assert export.status == Export.Status.FAILED
    assert _only("export.failed").object_id == export.pk


def test_publishing_a_directive_is_logged_once(reviewer, unit_a):
    directive = DirectiveFactory(status=Directive.Status.DRAFT, number="150-CV/HU")
    section = SectionFactory(directive=directive, number="1")
    TaskFactory(section=section)
    AddresseeFactory(section=section, unit=unit_a, role=Role.LEAD)

    directive_publish(directive=directive, by=reviewer)

    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.directive_id) == (
        "directive.published",
        reviewer,
        directive.pk,
    )
    assert event.summary == "150-CV/HU: Ban hành văn bản"


def test_a_rolled_back_change_leaves_no_event(submitted_a, reviewer):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.report_accept(report=submitted_a, by=reviewer)
        assert AuditEvent.objects.filter(action="report.accepted").exists()
        raise RuntimeError("the caller fails after the service")

    assert not AuditEvent.objects.exists()
    submitted_a.refresh_from_db()
    assert submitted_a.status == "submitted"


# Append-only ---------------------------------------------------------------------------


@pytest.fixture
def event(reviewer):
    return audit(actor=reviewer, action="report.accepted", obj=reviewer, summary="Tiếp nhận")


def test_an_event_is_never_changed_or_removed(event):
    event.summary = "Sửa lại"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="Sửa lại")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.get().summary == "Tiếp nhận"


def test_postgresql_refuses_raw_sql_that_changes_or_removes_an_event(event):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; CI runs this test there")
    for sql in ("UPDATE ops_auditevent SET summary = 'x'", "DELETE FROM ops_auditevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get().summary == "Tiếp nhận"


def test_deleting_a_user_keeps_their_events_without_a_name(event, reviewer):
    User.objects.filter(pk=reviewer.pk).delete()  # SET_NULL: the trigger lets this through

    assert AuditEvent.objects.get().actor is None


# The page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("reporter_a", 403), ("reporter_b", 403), ("leader", 403), ("reviewer", 200)],
)
def test_only_reviewers_read_the_log(persona, status, client_for, submitted_a, draft_b):
    assert client_for(persona).get(LOG).status_code == status


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(LOG)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_log_never_shows_a_draft_text(client_for, small_directive, reporter_b):
    slot = {"assignment": small_directive.assignment_b, "period": small_directive.period}
    data = {"assessment": "in_progress", "achievements": "Bản nháp riêng của xã B"}
    services.report_save_draft(**slot, by=reporter_b, data=data)

    page = client_for("reviewer").get(LOG).content.decode()

    assert "Lưu báo cáo — nhiệm vụ 1.1, Đảng bộ xã B" in page
    assert "Bản nháp riêng của xã B" not in page


@pytest.fixture
def history(small_directive, reporter_a, reporter_b, reviewer):
    """Three events: unit A's submission (20/09/2021), unit B's draft (21/09), and a
    reviewer's acceptance of A (22/09), at 08:30 Vietnam time."""
    a, b = small_directive.assignment_a, small_directive.assignment_b
    rows = [
        (reporter_a, "report.submitted", a, D(2021, 9, 20)),
        (reporter_b, "report.draft_saved", b, D(2021, 9, 21)),
        (reviewer, "report.accepted", a, D(2021, 9, 22)),
    ]
    for actor, action, assignment, day in rows:
        AuditEvent.objects.create(
            at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30))),
            actor=actor,
            action=action,
            object_type="reports.progressreport",
            object_id=1,
            directive_id=small_directive.directive.pk,
            unit_id=assignment.unit_id,
            summary=f"{action} {assignment.unit.name}",
        )


def _shown(response) -> list[str]:
    return re.findall(r"report\.\w+ Đảng bộ xã [AB]", response.content.decode())


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, ["report.accepted Đảng bộ xã A", "report.draft_saved Đảng bộ xã B",
              "report.submitted Đảng bộ xã A"]),
        ({"action": "report.accepted"}, ["report.accepted Đảng bộ xã A"]),
        ({"actor": "reporter_b"}, ["report.draft_saved Đảng bộ xã B"]),
        ({"unit": "b"}, ["report.draft_saved Đảng bộ xã B"]),
        ({"since": "21/09/2021", "until": "21/09/2021"}, ["report.draft_saved Đảng bộ xã B"]),
        ({"since": "22/09/2021"}, ["report.accepted Đảng bộ xã A"]),
        ({"directive": "other"}, []),
    ],
)  # fmt: skip
def test_the_filters(query, shown, history, client_for, small_directive, request):
    query = dict(query)
    if query.get("actor"):
        query["actor"] = request.getfixturevalue(query["actor"]).pk
    if query.get("unit"):
        query["unit"] = small_directive.assignment_b.unit_id
    if query.get("directive"):
        query["directive"] = DirectiveFactory().pk

    response = client_for("reviewer").get(LOG, query)

    assert response.status_code == 200
    assert _shown(response) == shown


def test_times_are_shown_in_vietnam_time(history, client_for):
    page = client_for("reviewer").get(LOG).content.decode()

    assert "22/09/2021 08:30" in page


def test_a_bad_date_is_said_so(history, client_for):
    response = client_for("reviewer").get(LOG, {"since": "2021-09-22"})

    assert response.status_code == 200
    assert _shown(response) == []
    assert "is-invalid" in response.content.decode()


# The session, the user, the user's roles, the unread notices (base.html), the directives,
# units and users the filters offer (which also name each event's directive and unit),
# the count for the pages, and one page of events with their actors.
QUERIES = 9


def test_the_page_costs_the_same_few_queries_however_many_events(
    history, client_for, reviewer, small_directive
):
    client = client_for("reviewer")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LOG).status_code == 200
        return len(queries)

    few = count()
    for n in range(60):  # more than a page
        audit(
            actor=reviewer,
            action="directive.changed",
            obj=small_directive.directive,
            summary=f"Sửa {n}",
            directive_id=small_directive.directive.pk,
        )
    assert count() == few == QUERIES
    page = client.get(LOG).content.decode()
    assert page.count("<tr>") == 1 + 50  # the heading and one page
    assert "trang=2" in page


@pytest.mark.parametrize("model", ["auditevent", "outboxmessage"])
def test_the_admin_shows_the_records_and_changes_none(model, admin_client):
    listing = admin_client.get(f"/quan-tri/ops/{model}/")
    adding = admin_client.get(f"/quan-tri/ops/{model}/add/")

    assert listing.status_code == 200
    assert adding.status_code == 403
