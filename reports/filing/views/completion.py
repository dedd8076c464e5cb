"""A task with a deadline, for one unit: the unit declares it done (báo cáo hoàn thành)
or asks for more time; whoever judges it (a reviewer, or the unit that handed it down)
confirms or returns the declaration on the report page and decides the extension here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directives.models import Assignment
from units import permissions
from units.permissions import ensure

from ..forms import CompletionForm
from ..slots import deadline_state
from .extensions import ask_extension
from .review import report_panels
from .work import Saved, history, save_or_send


def _assignment_or_404(assignment_id: int) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related("unit", "task__section__directive", "parent__unit"),
        pk=assignment_id,
    )
    if not assignment.task.has_deadline:
        raise Http404
    return assignment


def _render(
    request, assignment, *, state=None, form=None, extension_form=None, saved=None, status=200
):
    """The task's page; `form` and `extension_form` as posted, with their errors."""
    state = state or deadline_state(assignment=assignment)
    user = request.user
    mine = permissions.can(user, "assignment.file", assignment)
    report = state.report if mine else state.readable_report  # nobody else reads a draft
    if form is None and mine and state.owes:
        form = CompletionForm(instance=report)
    context = {
        "assignment": assignment,
        "state": state,
        "report": report,
        "form": form if mine and state.owes else None,
        "saved_by_someone_else": saved and saved.by_someone_else,
        **history(report),
        **report_panels(request, assignment, state),
    }
    if extension_form is not None:
        context["extension_form"] = extension_form
    return render(request, "reports/completion.html", context, status=status)


@login_required
def completion(request, assignment_id: int):
    """The unit's page for a task with a deadline: the deadline (and its extension), the
    declaration that it is done, and, for a task handed down further, the units below."""
    assignment = _assignment_or_404(assignment_id)
    ensure(request.user, "deadline.view", assignment)
    if request.method != "POST":
        return _render(request, assignment)
    ensure(request.user, "assignment.file", assignment)
    state = deadline_state(assignment=assignment)
    report = state.report
    if report is not None and not permissions.can(request.user, "report.edit", report):
        messages.error(request, _("Báo cáo hoàn thành đã gửi, không sửa được nữa."))
        return redirect("reports:completion", assignment_id=assignment.pk)
    form = CompletionForm(request.POST, instance=report)
    saved = Saved(None, report)
    if form.is_valid():
        saved = save_or_send(
            request,
            form,
            assignment=assignment,
            period=None,
            report=report,
            sent=_("Đã báo cáo hoàn thành; chờ xác nhận."),
        )
        if saved.done:
            return saved.done
    # What was saved just now (if anything) is what the page shows around the form.
    state = deadline_state(assignment=assignment) if saved.report is not report else state
    return _render(request, assignment, state=state, form=form, saved=saved)


@require_POST
@login_required
def request_deadline_extension(request, assignment_id: int):
    """Ask for a later deadline; a refusal draws the task's page again with the form, the
    message beside the field, and what was typed."""
    assignment = _assignment_or_404(assignment_id)
    form = ask_extension(request, assignment, None)
    if form is None:
        return redirect("reports:completion", assignment_id=assignment.pk)
    return _render(request, assignment, extension_form=form, status=400)


urlpatterns = [
    path("bao-cao/nhiem-vu/<int:assignment_id>/hoan-thanh/", completion, name="completion"),
    path(
        "bao-cao/nhiem-vu/<int:assignment_id>/hoan-thanh/gia-han/",
        request_deadline_extension,
        name="request_deadline_extension",
    ),
]
