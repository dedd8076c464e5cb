"""A report read by whoever may see it, and the reviewer's accept / return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units import permissions
from units.permissions import ensure

from .. import selectors, services
from ..forms import ReturnForm
from ..models import ProgressReport
from ..slots import SlotState, deadline_state, slot_state
from . import comments, evidence, extensions, handing_down

# Each feature adds its part of the report pages: a function (request, assignment,
# slot state) -> context, reading the slot's state computed once for the page.
PANELS = (evidence.panel, comments.panel, extensions.panel, handing_down.panel)


def report_panels(request, assignment, state: SlotState, forms=None) -> dict:
    """Every panel's part; `forms`: the bound forms a refused post brings back, by name
    (extensions.panel's "request", "decide", "reopen")."""
    context = {"slot_state": state}
    for panel in PANELS:
        context.update(panel(request, assignment, state, forms))
    return context


def _report_or_404(pk: int) -> ProgressReport:
    return get_object_or_404(selectors.reports_with_context(), pk=pk)


def _render_detail(request, report: ProgressReport, return_form=None, status: int = 200):
    context = {
        "report": report,
        "transitions": report.transitions.select_related("by"),
        "indicator_values": report.indicator_values.select_related("indicator"),
        "can_edit": permissions.can(request.user, "report.edit", report),
        "can_review": permissions.can(request.user, "report.review", report)
        and report.status == ProgressReport.Status.SUBMITTED,
        "return_form": return_form or ReturnForm(),
    }
    if report.is_completion:
        state = deadline_state(assignment=report.assignment)
    else:
        state = slot_state(assignment=report.assignment, period=report.period, report=report)
    context.update(report_panels(request, report.assignment, state))
    return render(request, "reports/report_detail.html", context, status=status)


@login_required
def report_detail(request, pk: int):
    report = _report_or_404(pk)
    ensure(request.user, "report.view", report)
    return _render_detail(request, report)


@require_POST
@login_required
def report_accept(request, pk: int):
    report = _report_or_404(pk)
    ensure(request.user, "report.review", report)
    try:
        services.report_accept(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã xác nhận hoàn thành.") if report.is_completion else _("Đã tiếp nhận báo cáo."),
        )
    return redirect("reports:detail", pk=pk)


@require_POST
@login_required
def report_return(request, pk: int):
    report = _report_or_404(pk)
    ensure(request.user, "report.review", report)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, return_form=form, status=400)
    try:
        services.report_return(report=report, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã trả lại báo cáo để đơn vị bổ sung."))
    return redirect("reports:detail", pk=pk)


urlpatterns = [
    path("bao-cao/<int:pk>/", report_detail, name="detail"),
    path("bao-cao/<int:pk>/tiep-nhan/", report_accept, name="accept"),
    path("bao-cao/<int:pk>/tra-lai/", report_return, name="return"),
]
