"""Extension requests and their decisions, and reopening a locked period for a unit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directives.models import Assignment
from reports.periods.models import ReportingPeriod
from units import permissions
from units.forms import add_validation_error
from units.permissions import ensure, requires

from ..extensions import extension_decide, extension_request, period_reopen
from ..forms import ExtensionDecisionForm, ExtensionRequestForm, ReopenForm
from ..models import ExtensionRequest
from ..slots import SlotState, slot_state


def slot(assignment_id: int, period_id: int) -> tuple[Assignment, ReportingPeriod]:
    assignment = get_object_or_404(
        Assignment.objects.select_related("unit", "task__section__directive"), pk=assignment_id
    )
    period = get_object_or_404(
        ReportingPeriod, pk=period_id, directive_id=assignment.task.section.directive_id
    )
    return assignment, period


def _deadline(assignment_id: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("unit", "task__section__directive", "parent__unit"),
        pk=assignment_id,
    )


def panel(request, assignment: Assignment, state: SlotState, forms=None) -> dict:
    """What the report pages show of extensions and locking for one task and period."""
    user = request.user
    can_decide = permissions.can(user, "extension.decide", assignment)
    forms = forms or {}
    period = state.period
    return {
        "slot": {"assignment": assignment, "period": period},
        "extension_requests": state.extensions,
        "effective_due": state.due,
        "original_due": period.due if period else state.original,
        "extension_url": reverse("reports:request_extension", args=[assignment.pk, period.pk])
        if period
        else reverse("reports:request_deadline_extension", args=[assignment.pk]),
        "extension_form": forms.get("request", ExtensionRequestForm())
        if state.owes
        and not state.pending_extension
        and permissions.can(user, "extension.request", assignment)
        else None,
        "decision_form": forms.get("decide", ExtensionDecisionForm())
        if can_decide and state.pending_extension
        else None,
        # Reopened for the unit: until when, on the unit's form and the reviewer's page.
        "reopened_until": state.reopened_until if state.reopened else None,
        "reopen_form": forms.get("reopen", ReopenForm())
        if state.locked and permissions.can(user, "period.reopen", assignment)
        else None,
    }


def _renderslot(request, assignment, period, forms, status=400):
    state = slot_state(assignment=assignment, period=period)
    context = {
        "assignment": assignment,
        "period": period,
        "report": state.report,
        "slot_state": state,
        **panel(request, assignment, state, forms),
    }
    return render(request, "reports/follow_up.html", context, status=status)


def ask_extension(request, assignment, period) -> ExtensionRequestForm | None:
    """The request posted for a period's report, or (period None) a task's deadline: None
    once it is sent, else the form with the reason beside its field and what was typed."""
    ensure(request.user, "extension.request", assignment)
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            extension_request(
                assignment=assignment, period=period, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Đã gửi đề nghị gia hạn."))
            return None
    return form


@require_POST
@login_required
def decide_extension(request, pk: int):
    extension = get_object_or_404(ExtensionRequest.objects.select_related("assignment"), pk=pk)
    if extension.period_id is None:  # a task's deadline: decided on the task's page
        assignment, period = _deadline(extension.assignment_id), None
        back = redirect("reports:completion", assignment_id=assignment.pk)
    else:
        assignment, period = slot(extension.assignment_id, extension.period_id)
        back = redirect("reports:follow_up", assignment_id=assignment.pk, period_id=period.pk)
    ensure(request.user, "extension.decide", assignment)
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        grant = "grant" in request.POST
        try:
            extension_decide(
                extension=extension, by=request.user, grant=grant, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            if getattr(error, "error_dict", None) and period is not None:
                add_validation_error(form, error)
                return _renderslot(request, assignment, period, {"decide": form})
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã cho gia hạn.") if grant else _("Đã không cho gia hạn."))
        return back
    if period is None:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    return _renderslot(request, assignment, period, {"decide": form})


@require_POST
@login_required
def reopen(request, assignment_id: int, period_id: int):
    assignment, period = slot(assignment_id, period_id)
    ensure(request.user, "period.reopen", assignment)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            period_reopen(period=period, unit=assignment.unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Đã mở lại kỳ báo cáo cho đơn vị."))
            return redirect("reports:follow_up", assignment_id=assignment.pk, period_id=period.pk)
    return _renderslot(request, assignment, period, {"reopen": form})


@login_required
def follow_up(request, assignment_id: int, period_id: int):
    """A reviewer's page for one unit's task in one period: the report's state, extension
    requests to decide, reopening. The unit itself works on the report form."""
    assignment, period = slot(assignment_id, period_id)
    if permissions.can(request.user, "assignment.file", assignment):
        return redirect("reports:file", assignment_id=assignment.pk, period_id=period.pk)
    ensure(request.user, "extension.decide", assignment)
    return _renderslot(request, assignment, period, {}, status=200)


@requires("review.queue")
def pending_extensions(request):
    pending = (
        ExtensionRequest.objects.filter(
            status=ExtensionRequest.Status.PENDING, assignment__parent__isnull=True
        )
        .select_related("assignment__unit", "assignment__task__section", "period", "requested_by")
        .order_by("requested_at")
    )
    return render(request, "reports/extension_list.html", {"pending": pending})


urlpatterns = [
    path(
        "bao-cao/nhiem-vu/<int:assignment_id>/ky/<int:period_id>/theo-doi/",
        follow_up,
        name="follow_up",
    ),
    path(
        "bao-cao/nhiem-vu/<int:assignment_id>/ky/<int:period_id>/mo-lai/",
        reopen,
        name="reopen",
    ),
    path("gia-han/<int:pk>/quyet-dinh/", decide_extension, name="decide_extension"),
    path("gia-han/", pending_extensions, name="pending_extensions"),
]
