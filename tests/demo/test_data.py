"""load_demo: Công văn 136-CV/HU as the letter reads, loaded once however often it runs."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from demo import data as demo
from directives.models import Assignment, Directive, Task
from ops.models import AuditEvent
from reports.filing.models import ProgressReport, ReportTransition
from reports.filing.slots import sent_by
from units import permissions
from units.models import Membership, Unit

pytestmark = pytest.mark.django_db
User = get_user_model()

SEED = demo.LETTER


@pytest.fixture
def loaded():
    demo.load_demo()
    return Directive.objects.get(number="136-CV/HU")


def counts() -> dict[str, int]:
    models = [Unit, Directive, Task, Assignment, ProgressReport, ReportTransition, Membership]
    return {model.__name__: model.objects.count() for model in models}


def test_loading_twice_changes_nothing(loaded):
    before = counts()
    demo.load_demo()
    assert counts() == before


def test_the_header_reads_as_the_letter(loaded):
    assert loaded.issued_on == datetime.date(2021, 8, 25)
    assert loaded.issuer.name == "Huyện ủy Tuy Phước"
    assert loaded.issuer.parent.name == "Đảng bộ tỉnh Bình Định"
    assert loaded.issuing_authority == "Ban Thường vụ Huyện ủy"
    assert loaded.signer_name == "Nguyễn Đình Thuận"
    assert loaded.based_on.startswith("Công văn số 251-CV/BTGTU ngày 12/8/2021")
    assert loaded.recipients[0] == "Ủy ban nhân dân huyện"
    assert loaded.cc[-1] == "Lưu VPHU"
    assert [s.number for s in loaded.sections.all()] == ["1", "2", "3", "4"]
    assert [s.tasks.count() for s in loaded.sections.all()] == [4, 1, 2, 2]


def test_every_task_is_the_letters_own_words(loaded):
    letter = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    for task in Task.objects.filter(section__directive=loaded):
        assert task.text in letter, task.code


def test_groups_fan_out_to_every_member(loaded):
    communes = Unit.objects.filter(name__in=[f"Đảng bộ {c}" for c in demo.COMMUNES])
    assert communes.count() == 13
    section_3 = Assignment.objects.filter(task__section__directive=loaded, task__section__number=3)
    assert section_3.count() == 2 * len(demo.GRASSROOTS)
    lead_of_1 = Assignment.objects.filter(
        task__section__directive=loaded, task__section__number=1, role="lead"
    )
    assert set(lead_of_1.values_list("unit__name", flat=True)) == {demo.UBND}


def test_past_periods_hold_on_time_late_missing_and_one_returned(loaded):
    september = loaded.periods.get(label="Tháng 9/2021")
    reports = list(ProgressReport.objects.filter(period=september).select_related("period"))
    expected = Assignment.objects.filter(task__section__directive=loaded).count()
    on_time = [r for r in reports if sent_by(r.submitted_at, r.period.due)]
    assert 0 < len(reports) < expected  # some missing
    assert 0 < len(reports) - len(on_time) < len(on_time)  # most on time, some late
    returned = ProgressReport.objects.filter(status="returned")
    assert returned.count() == 1
    assert returned.get().transitions.last().reason == demo.RETURN_REASON


def test_the_demo_units_still_owe_their_last_report(loaded):
    december = loaded.periods.get(label="Tháng 12/2021")
    owed = ProgressReport.objects.filter(
        period=december, assignment__unit__name__in=demo.DEMO_UNITS
    )
    assert not owed.exists()


def test_ban_tuyen_giao_files_its_own_tasks_and_the_office_accepts_them(loaded):
    """The reviewing board has tasks of its own (4.1, 4.2); its account files them and
    another unit's reviewer accepts them."""
    board = Unit.objects.get(name=demo.BAN_TUYEN_GIAO)
    accepted = ReportTransition.objects.filter(
        report__assignment__unit=board, to_status=ProgressReport.Status.ACCEPTED
    )

    assert board.pk in permissions.filing_unit_ids(User.objects.get(username="bantuyengiao"))
    assert accepted.exists()
    assert set(accepted.values_list("by__username", flat=True)) == {"vanphonghu"}


def test_the_log_tells_the_demos_history_at_its_own_time_and_by_its_own_people(loaded):
    """load_demo's audit rows carried the load's time and "Hệ thống": each now carries
    the moment the report was sent or accepted, and the account that did it."""
    sent = ReportTransition.objects.filter(
        to_status=ProgressReport.Status.SUBMITTED, report__assignment__unit__name=demo.UBND
    ).first()
    logged = AuditEvent.objects.get(
        action="report.submitted", object_id=sent.report_id, object_type="reports.progressreport"
    )

    assert (logged.at, logged.actor.username) == (sent.at, "ubnd")
    assert logged.at.year == 2021
    accepted = AuditEvent.objects.filter(action="report.accepted")
    assert accepted.exists()
    assert not accepted.filter(actor=None).exists()
    loaded_at = timezone.now() - datetime.timedelta(hours=1)
    assert not accepted.filter(at__gte=loaded_at).exists()  # none at the load's time


def test_refuses_public_demo_passwords_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not Membership.objects.exists()
    call_command("load_demo", "--force")
    assert Membership.objects.filter(user__username="lanhdao", role="leadership").exists()


def test_every_sent_report_gives_its_tasks_required_indicators(loaded):
    sent = ProgressReport.objects.filter(
        period__directive=loaded,
        submitted_at__isnull=False,
        assignment__task__indicators__required=True,
    ).distinct()

    assert sent.exists()
    for report in sent.prefetch_related("indicator_values", "assignment__task__indicators"):
        required = {i.pk for i in report.assignment.task.indicators.all() if i.required}
        assert required <= {v.indicator_id for v in report.indicator_values.all()}


def test_the_demo_reviewer_is_kept_out_of_the_django_admin(loaded, client):
    client.login(username="bantuyengiao", password=demo.PASSWORD)

    assert client.get("/quan-tri/workdays/calendarexception/add/").status_code == 302
    assert client.get("/quan-tri/units/membership/").status_code == 302


def test_the_kept_totals_agree_with_a_full_recount_after_the_demo(loaded):
    """Four months of the demo's reports, saved, sent, accepted and returned through the
    services, and a second load: nothing drifted (reports/figures/kept.py)."""
    from reports.figures.kept import figures_check
    from reports.figures.models import KeptTotals

    demo.load_demo()
    assert KeptTotals.objects.filter(period__directive=loaded, received__gt=0).exists()
    assert [(d.number, drifted) for d, drifted in figures_check(repair=False) if drifted] == []
