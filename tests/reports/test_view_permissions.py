"""Every page for every persona: who gets in, who is refused, and that refusals change
nothing. A report the user may not see is a 404 (its existence is not disclosed); a page
the user's role does not open is a 403."""

from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ops.outbox import outbox_drain
from reports.filing.models import ProgressReport, ReportTransition
from reports.reminders.models import Reminder

from ..conftest import PERSONAS, login
from ..factories import ProgressReportFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

Status = ProgressReport.Status


@pytest.fixture
def world(small_directive, submitted_a, draft_b):
    sd = small_directive
    return SimpleNamespace(
        directive=sd.directive,
        period=sd.period,
        assignment_a=sd.assignment_a,
        assignment_b=sd.assignment_b,
        submitted_a=submitted_a,
        draft_b=draft_b,
    )


PAGES = {
    "home": lambda w: reverse("home"),
    "directive list": lambda w: reverse("directives:list"),
    "directive detail": lambda w: reverse("directives:detail", args=[w.directive.pk]),
    "unit work": lambda w: reverse("reports:unit_work"),
    "form A (sent)": lambda w: reverse("reports:file", args=[w.assignment_a.pk, w.period.pk]),
    "form B (draft)": lambda w: reverse("reports:file", args=[w.assignment_b.pk, w.period.pk]),
    "report A (sent)": lambda w: reverse("reports:detail", args=[w.submitted_a.pk]),
    "report B (draft)": lambda w: reverse("reports:detail", args=[w.draft_b.pk]),
    "follow-up of A": lambda w: reverse("reports:follow_up", args=[w.assignment_a.pk, w.period.pk]),
    "pending extensions": lambda w: reverse("reports:pending_extensions"),
    "notifications": lambda w: reverse("reports:notifications"),
    "spreadsheet": lambda w: reverse("reports:spreadsheet", args=[w.period.pk]),
    "spreadsheet download": lambda w: reverse("reports:spreadsheet_download", args=[w.period.pk]),
    "dashboard index": lambda w: reverse("reports:dashboard_index"),
    "deadline tasks": lambda w: reverse("reports:deadline_tasks") + "?so_lieu=open_overdue",
    "scorecard": lambda w: reverse("reports:scorecard"),
    "falling due": lambda w: reverse("reports:falling_due") + "?trong=30",
    "overview": lambda w: reverse("reports:overview", args=[w.directive.pk]),
    "rollup": lambda w: reverse("reports:rollup", args=[w.directive.pk]),
    "owed": lambda w: reverse("reports:owed", args=[w.directive.pk]),
    "unit page": lambda w: reverse(
        "reports:unit_page", args=[w.directive.pk, w.assignment_a.unit_id]
    ),
    "task page": lambda w: reverse(
        "reports:task_page", args=[w.directive.pk, w.assignment_a.task_id]
    ),
    "dashboard": lambda w: (
        reverse("reports:dashboard", args=[w.directive.pk]) + f"?ky={w.period.pk}"
    ),
}

# GET status code per page, for:  reporter_a reporter_b reviewer leader
# (302: home sends each role to its start page; unit A's sent report opens read-only.)
EXPECTED = {
    "home": (302, 302, 302, 302),
    "directive list": (200, 200, 200, 200),
    "directive detail": (200, 200, 200, 200),
    "unit work": (200, 200, 200, 403),  # the reviewer: its own board's work
    "form A (sent)": (302, 404, 404, 404),
    "form B (draft)": (404, 200, 404, 404),
    "report A (sent)": (200, 404, 200, 200),
    "report B (draft)": (404, 200, 404, 404),
    "follow-up of A": (302, 403, 200, 403),  # reporter_a: to its own form
    "pending extensions": (403, 403, 200, 403),
    "notifications": (200, 200, 200, 200),
    "spreadsheet": (200, 200, 200, 403),
    "spreadsheet download": (200, 200, 200, 403),
    "dashboard index": (403, 403, 200, 200),
    "deadline tasks": (403, 403, 200, 200),
    "scorecard": (403, 403, 200, 200),
    "falling due": (403, 403, 200, 200),
    "overview": (403, 403, 200, 200),
    "rollup": (403, 403, 200, 200),
    "owed": (403, 403, 200, 200),
    "unit page": (403, 403, 200, 200),
    "task page": (403, 403, 200, 200),
    "dashboard": (403, 403, 200, 200),
}
WALK = [
    pytest.param(page, persona, status, id=f"{page}-{persona}")
    for page, statuses in EXPECTED.items()
    for persona, status in zip(PERSONAS[1:], statuses, strict=True)
]


@pytest.mark.parametrize(("page", "persona", "status"), WALK)
def test_every_page_for_every_signed_in_persona(page, persona, status, world, client_for):
    response = client_for(persona).get(PAGES[page](world))

    assert response.status_code == status
    if status in (403, 404):
        body = response.content.decode()
        assert ("Bạn không có quyền" if status == 403 else "Không tìm thấy") in body
        assert world.draft_b.achievements not in body


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(page, world, client):
    url = PAGES[page](world)

    response = client.get(url)

    assert reverse("login") == "/dang-nhap/"
    assert response.status_code == 302
    assert response.url == f"/dang-nhap/?next={quote(url, safe='/')}"


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


WALKED = {
    "home", "directives:list", "directives:detail", "reports:unit_work", "reports:file",
    "reports:detail", "reports:dashboard_index", "reports:dashboard", "reports:accept",
    "reports:return", "reports:follow_up", "reports:request_extension", "reports:reopen",
    "reports:decide_extension", "reports:pending_extensions", "reports:evidence_upload",
    "reports:evidence_upload_slot",
    "reports:evidence_download", "reports:evidence_delete", "reports:comment_add",
    "reports:spreadsheet", "reports:spreadsheet_download", "reports:notifications",
    "reports:notification_open", "reports:notifications_read_all", "reports:overview",
    "reports:rollup", "reports:owed", "reports:unit_page", "reports:task_page",
    "reports:remind_unit", "reports:remind_all", "reports:deadline_tasks", "reports:scorecard",
    "reports:falling_due",
    "directives:import", "directives:import_save",  # in tests/directives/test_letter_review.py
    # walked, persona by persona, in tests/directives/letter_reader/test_ocr.py and test_pdf.py
    "directives:letter_page", "directives:letter_download",
    "api:schema", "api:docs", "api:tokens", "api:token_revoke",  # in tests/api/
    "api:directive-list", "api:directive-detail", "api:directive-figures",
    "api:directive-statistics", "api:unit-list", "api:assignment-list", "api:period-list",
    "api:report-list", "api:report-bulk", "api:report-stream", "api:report-detail",
    "api:report-submit", "api:report-accept",
    "api:report-return", "api:export-list", "api:export-detail", "api:export-download",
    "api:export-cancel", "reports:export_cancel",  # in summaries/test_cancel.py
    "api:statistics-aggregate",
    # walked in tests/reorganisations/test_api.py
    "api:reorganisation-list", "api:reorganisation-detail", "api:reorganisation-undo",
    # walked, persona by persona, in exports/test_views.py
    "reports:summary_list", "reports:summary", "reports:export", "reports:export_download",
    "reports:portfolio_export",  # in summaries/test_deadline_sections.py
    # walked, persona by persona, in tests/directives/test_editor.py
    "directives:create", "directives:edit", "directives:structure", "directives:publish",
    "directives:section_add", "directives:section_edit", "directives:section_delete",
    "directives:addressee_add", "directives:addressee_delete", "directives:task_add",
    "directives:task_edit", "directives:task_move", "directives:task_delete",
    "directives:indicator_add", "directives:indicator_edit", "directives:indicator_delete",
    # walked, persona by persona, in tests/ops/test_audit.py
    "ops:audit",
    # walked, persona by persona, in filing/test_completion.py and test_handing_down.py
    "reports:completion", "reports:request_deadline_extension", "reports:hand_down",
    "reports:take_back",
    # walked, persona by persona, in tests/accounts/test_administration.py
    "accounts:admin_home", "accounts:units", "accounts:unit_add", "accounts:unit",
    "accounts:unit_close", "accounts:groups", "accounts:group_add", "accounts:group",
    "accounts:accounts", "accounts:invite", "accounts:account", "accounts:account_active",
    "accounts:revoke", "accounts:role_requests", "accounts:role_request_approve",
    "accounts:role_request_refuse", "accounts:second_factor_reset",
    # walked, persona by persona, in tests/reorganisations/test_views.py and test_unit_sheet.py
    "reorganisations:acts", "reorganisations:act_new", "reorganisations:act",
    "reorganisations:act_undo", "reorganisations:unit_sheet", "reorganisations:unit_sheet_download",
    # walked in tests/accounts/test_second_factor.py
    "second_factor", "second_factor_enrol", "recovery_codes", "security", "sign_out_everywhere",
}  # fmt: skip
# Open to anyone: signing in and setting a password from an e-mailed link.
PUBLIC = {
    "login", "logout", "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete",
    "manifest", "service_worker",  # the installable app's, the same for all (tests/test_pwa.py)
}  # fmt: skip


def test_the_walk_covers_every_url():
    """A new page must join the walk above (and the write tests below) to pass."""
    assert set(_url_names(get_resolver().url_patterns)) - PUBLIC == WALKED


@pytest.mark.parametrize(
    ("persona", "start_page"),
    [
        ("reporter_a", "/viec-cua-don-vi/"),
        ("reviewer", "dashboard"),
        ("leader", "dashboard"),
    ],
)
def test_home_sends_each_role_to_its_start_page(persona, start_page, world, client_for):
    client = client_for(persona)
    if start_page == "dashboard":
        assert client.get("/").url == reverse("reports:dashboard_index")
        portfolio = client.get(reverse("reports:dashboard_index")).content.decode()
        overview = reverse("reports:overview", args=[world.directive.pk])
        assert f'href="{overview}"' in portfolio  # every directive in force, to choose from
    else:
        assert client.get("/").url == start_page


def test_a_reporter_never_sees_another_units_draft(world, client_for):
    page = client_for("reporter_a").get(reverse("reports:unit_work")).content.decode()

    assert "Bản nháp riêng của xã B" not in page
    assert reverse("reports:detail", args=[world.draft_b.pk]) not in page


@pytest.mark.parametrize("persona", ["reviewer", "leader"])
def test_the_dashboard_shows_no_draft(persona, world, client_for):
    page = client_for(persona).get(PAGES["dashboard"](world)).content.decode()

    assert reverse("reports:detail", args=[world.submitted_a.pk]) in page
    assert reverse("reports:detail", args=[world.draft_b.pk]) not in page


def test_a_period_of_another_directive_is_not_found(small_directive, reporter_a):
    other = ReportingPeriodFactory()
    url = reverse("reports:file", args=[small_directive.assignment_a.pk, other.pk])

    assert login(reporter_a).get(url).status_code == 404


# Writes -------------------------------------------------------------------------------

FORM_DATA = {
    "assessment": "done",
    "percent_done": "100",
    "achievements": "Ghi đè báo cáo của đơn vị khác",
    "difficulties": "",
    "proposals": "",
}


def _snapshot():
    return (
        list(ProgressReport.objects.order_by("pk").values()),
        ReportTransition.objects.count(),
    )


@pytest.mark.parametrize("persona", ["reporter_b", "reviewer", "leader"])
@pytest.mark.parametrize("unit_a_has", ["nothing", "a draft"])
@pytest.mark.parametrize("button", ["save", "submit"])
def test_nobody_but_unit_a_files_unit_a_report(
    button, unit_a_has, persona, small_directive, client_for
):
    if unit_a_has == "a draft":
        ProgressReportFactory(
            assignment=small_directive.assignment_a, period=small_directive.period
        )
    url = reverse("reports:file", args=[small_directive.assignment_a.pk, small_directive.period.pk])
    before = _snapshot()
    client = client_for(persona)

    assert client.get(url).status_code == 404
    assert client.post(url, {**FORM_DATA, button: ""}).status_code == 404
    assert _snapshot() == before


# POST status code for                   reporter_a reporter_b reviewer leader
REVIEW = {"reporter_a": 403, "reporter_b": 404, "reviewer": 302, "leader": 403}


@pytest.mark.parametrize("action", ["accept", "return"])
@pytest.mark.parametrize("persona", [*REVIEW, "anonymous"])
def test_only_a_reviewer_accepts_or_returns(action, persona, world, client_for):
    url = reverse(f"reports:{action}", args=[world.submitted_a.pk])
    before = _snapshot()

    response = client_for(persona).post(url, {"reason": "Bổ sung số liệu."})

    if persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith("/dang-nhap/")
    else:
        assert response.status_code == REVIEW[persona]
    world.submitted_a.refresh_from_db()
    if persona == "reviewer":
        assert world.submitted_a.status == {"accept": "accepted", "return": "returned"}[action]
    else:
        assert _snapshot() == before


@pytest.mark.parametrize("action", ["accept", "return"])
def test_a_reviewer_cannot_review_a_draft(action, world, client_for):
    url = reverse(f"reports:{action}", args=[world.draft_b.pk])
    before = _snapshot()

    response = client_for("reviewer").post(url, {"reason": "Bổ sung."})

    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("action", ["accept", "return"])
def test_review_actions_refuse_get(action, world, client_for):
    response = client_for("reviewer").get(reverse(f"reports:{action}", args=[world.submitted_a.pk]))

    assert response.status_code == 405
    world.submitted_a.refresh_from_db()
    assert world.submitted_a.status == Status.SUBMITTED


# POST status of the one-click reminder, for    reporter_a reporter_b reviewer leader
REMIND = {"reporter_a": 403, "reporter_b": 403, "reviewer": 302, "leader": 403}


@pytest.mark.parametrize("persona", REMIND)
def test_only_a_reviewer_sends_the_one_click_reminder(persona, world, client_for, reporter_b):
    url = reverse("reports:remind_unit", args=[world.directive.pk, world.assignment_b.unit_id])

    response = client_for(persona).post(url, {"ky": world.period.pk})

    assert response.status_code == REMIND[persona]
    sent = reporter_b.notifications.filter(message__contains="1.1").exists()
    assert sent is (persona == "reviewer")


@pytest.mark.parametrize("persona", ["reviewer", "leader"])
def test_each_unit_owing_links_its_page_and_only_a_reviewer_sees_its_reminder(
    persona, world, client_for
):
    """Cần đôn đốc's rows link with patterns reversed once (views.link_patterns)."""
    owed = reverse("reports:owed", args=[world.directive.pk]) + f"?ky={world.period.pk}"
    unit = world.assignment_b.unit_id

    page = client_for(persona).get(owed).content.decode()

    assert f'href="{reverse("reports:unit_page", args=[world.directive.pk, unit])}"' in page
    remind = f'action="{reverse("reports:remind_unit", args=[world.directive.pk, unit])}"'
    assert (remind in page) is (persona == "reviewer")


@pytest.mark.parametrize("persona", REMIND)
def test_only_a_reviewer_reminds_every_unit_owing(
    persona, world, client_for, reporter_b, django_capture_on_commit_callbacks
):
    """ "Nhắc tất cả": the worker reminds every unit owing a report (here unit B; unit A
    sent its own), once a day; the page then says when each unit was last reminded."""
    url = reverse("reports:remind_all", args=[world.directive.pk])
    owed = reverse("reports:owed", args=[world.directive.pk]) + f"?ky={world.period.pk}"
    reviewer = client_for("reviewer")
    assert "chưa nhắc" in reviewer.get(owed).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(persona).post(url, {"ky": world.period.pk})
    outbox_drain()

    assert response.status_code == REMIND[persona]
    sent = reporter_b.notifications.filter(message__contains="1.1").exists()
    assert sent is (persona == "reviewer")
    page = reviewer.get(owed).content.decode()
    if persona == "reviewer":
        reminded = Reminder.objects.get(assignment=world.assignment_b)
        local = timezone.localtime(reminded.sent_at)
        assert f"{local:%d/%m/%Y %H:%M}" in page
        assert "Nhắc tất cả" in page
    else:
        assert not Reminder.objects.exists()


# POST status of a file for unit B's report, by slot, for  reporter_a reporter_b reviewer leader
UPLOAD = {"reporter_a": 404, "reporter_b": 302, "reviewer": 404, "leader": 404}


@pytest.mark.parametrize("persona", UPLOAD)
def test_only_the_unit_uploads_by_slot(persona, world, client_for):
    """Only unit B's reporter (here with no file: it is told to choose one); the others
    are not told the slot exists, and nothing changes."""
    url = reverse("reports:evidence_upload_slot", args=[world.assignment_b.pk, world.period.pk])
    before = _snapshot()

    response = client_for(persona).post(url, {})

    assert response.status_code == UPLOAD[persona]
    assert _snapshot() == before
