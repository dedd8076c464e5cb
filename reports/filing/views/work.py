"""A unit's work: its start page and the report form."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directives.models import Assignment
from reports.periods.models import ReportingPeriod
from units import permissions
from units.forms import add_validation_error
from units.permissions import ensure, requires

from .. import selectors, services
from ..forms import ProgressReportForm
from ..models import ProgressReport
from ..slots import slot_state
from . import extensions
from .review import report_panels


@login_required
def home(request):
    roles = permissions.roles_of(request.user)
    if roles.oversees:
        return redirect("reports:dashboard_index")
    if roles.staff_unit_ids:
        return redirect("reports:unit_work")
    return redirect("directives:list")


@requires("unit_work.view")
def unit_work(request):
    """Everything the user's units owe across directives, overdue first, then soonest;
    what they sent lately. A unit's head sees it too, to follow and hand tasks down."""
    roles = permissions.roles_of(request.user)
    unit_ids = roles.staff_unit_ids
    work = selectors.unit_work(unit_ids=unit_ids)
    for item in (*work.owed, *work.sent):
        a = item.assignment
        item.can_file = permissions.can(request.user, "assignment.file", a)
        # Handed down once, from the task's own line: its deadline, or an ongoing task's.
        item.can_hand_down = (item.period is None or not a.task.has_deadline) and (
            permissions.can(request.user, "assignment.hand_down", a)
        )
    return render(
        request,
        "reports/unit_work.html",
        {
            "work": work,
            "units": selectors.units_of(unit_ids),
            "can_spreadsheet": permissions.can(request.user, "spreadsheet.own"),
        },
    )


def _set_version(form, version: int) -> None:
    """The form re-rendered after a save carries the version now in the database."""
    form.data = form.data.copy()
    form.data["version"] = version


@dataclass
class Saved:
    """What saving a report form came to: `done` the page to go to next (None: draw the
    form again, with its errors), `report` as saved, and a newer one someone else saved
    meanwhile (shown beside the form)."""

    done: HttpResponse | None
    report: ProgressReport | None
    by_someone_else: ProgressReport | None = None


def history(report: ProgressReport | None) -> dict:
    """A report's transitions for the timeline, and why it was last returned ("" if
    never): what the report form and the completion page show above and below it."""
    transitions = list(report.transitions.select_related("by")) if report else []
    returns = [t.reason for t in transitions if t.to_status == ProgressReport.Status.RETURNED]
    return {"transitions": transitions, "return_reason": returns[-1] if returns else ""}


def save_or_send(request, form, *, assignment, period, report, sent: str) -> Saved:
    """Save the unit's report as a draft, and send it if asked ("submit" in the POST):
    the report form and the completion form alike. A refusal keeps what was typed and
    says why beside the field; `sent` is the message once sent."""
    try:
        report = services.report_save_draft(
            assignment=assignment,
            period=period,
            by=request.user,
            data=form.report_data(),
            version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        add_validation_error(form, error)
        if getattr(error, "code", None) != "stale":
            return Saved(None, report)
        newer = ProgressReport.objects.filter(assignment=assignment, period=period).first()
        _set_version(form, newer.version if newer else 0)
        return Saved(None, report, newer)
    _set_version(form, report.version)
    if "submit" not in request.POST:
        messages.success(request, _("Đã lưu nháp báo cáo."))
        return Saved(redirect(request.get_full_path()), report)
    try:
        services.report_submit(report=report, by=request.user)
    except ValidationError as error:
        add_validation_error(form, error)
        messages.warning(request, _("Đã lưu nháp, nhưng báo cáo chưa gửi được."))
        return Saved(None, report)
    messages.success(request, sent)
    return Saved(redirect("reports:detail", pk=report.pk), report)


@login_required
def report_file(request, assignment_id: int, period_id: int):
    """The unit's report form for one task and one period: save a draft, or send it."""
    assignment, period = extensions.slot(assignment_id, period_id)
    ensure(request.user, "assignment.file", assignment)
    report = _report(assignment, period)
    if report and not permissions.can(request.user, "report.edit", report):
        return redirect("reports:detail", pk=report.pk)
    form = _report_form(request.POST or None, assignment, report)
    saved = Saved(None, report)
    if request.method == "POST" and form.is_valid():
        saved = save_or_send(
            request,
            form,
            assignment=assignment,
            period=period,
            report=report,
            sent=_("Đã gửi báo cáo."),
        )
        if saved.done:
            return saved.done
    return _report_page(request, form, assignment, period, saved)


@require_POST
@login_required
def request_extension(request, assignment_id: int, period_id: int):
    """Ask for more time from the report page; refused, the report page again, with the
    reason beside the request and the report as it was saved."""
    assignment, period = extensions.slot(assignment_id, period_id)
    asked = extensions.ask_extension(request, assignment, period)
    back = redirect("reports:file", assignment_id=assignment.pk, period_id=period.pk)
    report = _report(assignment, period)
    if asked is None or (report and not permissions.can(request.user, "report.edit", report)):
        return back
    form = _report_form(None, assignment, report)
    return _report_page(
        request, form, assignment, period, Saved(None, report), {"request": asked}, status=400
    )


def _report(assignment: Assignment, period: ReportingPeriod) -> ProgressReport | None:
    return (
        ProgressReport.objects.filter(assignment=assignment, period=period)
        .select_related("assignment__task__section__directive", "updated_by")
        .first()
    )


def _report_form(data, assignment: Assignment, report: ProgressReport | None):
    indicators = list(assignment.task.indicators.all())
    values = dict(report.indicator_values.values_list("indicator_id", "value")) if report else {}
    return ProgressReportForm(data, instance=report, indicators=indicators, values=values)


def _report_page(request, form, assignment, period, saved: Saved, forms=None, status=200):
    report = saved.report
    state = slot_state(assignment=assignment, period=period, report=report)
    context = {
        "form": form,
        "assignment": assignment,
        "period": period,
        "report": report,
        "saved_by_someone_else": saved.by_someone_else,
        "entry_closed": state.closed_reason,
        **history(report),
        "previous": selectors.previous_report(assignment=assignment, period=period),
        **report_panels(request, assignment, state, forms),
    }
    return render(request, "reports/report_form.html", context, status=status)


urlpatterns = [
    path("viec-cua-don-vi/", unit_work, name="unit_work"),
    path("bao-cao/nhiem-vu/<int:assignment_id>/ky/<int:period_id>/", report_file, name="file"),
    path(
        "bao-cao/nhiem-vu/<int:assignment_id>/ky/<int:period_id>/gia-han/",
        request_extension,
        name="request_extension",
    ),
]
