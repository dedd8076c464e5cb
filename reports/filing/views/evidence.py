"""Evidence files on a report: the list and upload form on the report pages, upload,
download and removal.

Files are only ever served by `evidence_download`, after the permission check; the
storage is never exposed at a public URL.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, path, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from units.files import download
from units.permissions import can, ensure

from .. import evidence as rules
from .. import selectors, services
from ..models import Evidence, ProgressReport
from ..slots import deadline_state, slot_state
from .extensions import slot

# The pages that show a report's panels; `next` may only lead back to one of them.
REPORT_PAGES = {"reports:detail", "reports:file", "reports:completion"}


def report_page_url(request, report, fragment: str = "") -> str:
    """Where a panel's form returns to: the page it was posted from (`next`), if that is
    one of this site's report pages, else the report's detail page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(target)
        try:
            match = resolve(parts.path)
        except Resolver404:
            match = None
        if match and match.view_name in REPORT_PAGES:
            url = parts.path + (f"?{parts.query}" if parts.query else "")
            return url + (f"#{fragment}" if fragment else "")
    return reverse("reports:detail", args=[report.pk]) + (f"#{fragment}" if fragment else "")


def here(request) -> str:
    """The page being drawn, for the panels' `next` (a re-drawn POST has no page to
    return to: the form then falls back to the detail page)."""
    return request.get_full_path() if request.method == "GET" else ""


def on_form_page(request) -> bool:
    """On the report form, another form's unsaved text is lost when a panel posts."""
    match = getattr(request, "resolver_match", None)
    return bool(match and match.view_name in ("reports:file", "reports:completion"))


def panel(request, assignment, state, forms=None) -> dict:
    """The evidence list, and the upload form when the user may change the files. On the
    unit's form, before any draft: the upload form already (uploading makes the draft)."""
    report = state.report
    if report is None:
        if state.period is None or not on_form_page(request) or state.locked:
            return {}
        if not can(request.user, "assignment.file", assignment):
            return {}
        return {"evidence_panel": _panel_facts(request, None, [], True, assignment, state)}
    if not can(request.user, "evidence.view", report):
        return {}
    files = list(report.evidence.all())
    for item in files:
        item.type_label = rules.LABELS.get(item.content_type, item.content_type)
    # After the lock date the files stay as they are, like the text (the form says why).
    can_change = can(request.user, "evidence.change", report)
    can_change = can_change and not state.locked
    return {"evidence_panel": _panel_facts(request, report, files, can_change, assignment, state)}


def _panel_facts(request, report, files, can_change, assignment, state) -> dict:
    upload = (
        reverse("reports:evidence_upload", args=[report.pk])
        if report
        else reverse("reports:evidence_upload_slot", args=[assignment.pk, state.period.pk])
    )
    return {
        "report": report,
        "files": files,
        "can_change": can_change,
        "upload_url": upload,
        "room": max(rules.MAX_FILES_PER_REPORT - len(files), 0),
        "max_files": rules.MAX_FILES_PER_REPORT,
        "max_mb": rules.max_mb(),
        "accept": rules.ACCEPT,
        # Posted in place (htmx) the panel is drawn again for the page it was on.
        "next": here(request) or request.POST.get("next", ""),
    }


def _evidence_or_404(pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related(
            "report__assignment__task__section__directive", "report__period"
        ),
        pk=pk,
    )


@require_POST
@login_required
def evidence_upload(request, pk: int):
    """Attach one or more files. Each is accepted or refused on its own, with a message
    naming it; nothing already attached is touched. Posted in place (htmx), the answer
    is the panel alone: the report's text being typed above it stays as it is."""
    report = get_object_or_404(selectors.reports_with_context(), pk=pk)
    ensure(request.user, "evidence.change", report)
    return _attach(request, report)


@require_POST
@login_required
def evidence_upload_slot(request, assignment_id: int, period_id: int):
    """Files for a report not saved yet: its draft is made (empty: what is typed is saved
    with the form), then they are attached."""
    assignment, period = slot(assignment_id, period_id)
    ensure(request.user, "assignment.file", assignment)
    report = ProgressReport.objects.filter(assignment=assignment, period=period).first()
    if report is None:
        if not request.FILES.getlist("file"):
            messages.error(request, _("Chưa chọn tệp minh chứng nào để đính kèm."))
            return _answer(request, None, assignment, period)
        try:
            report = services.report_save_draft(
                assignment=assignment, period=period, by=request.user, data={}, version=0
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _answer(request, None, assignment, period)
    report = selectors.reports_with_context().get(pk=report.pk)
    ensure(request.user, "evidence.change", report)
    return _attach(request, report)


def _attach(request, report):
    uploads = request.FILES.getlist("file")
    if not uploads:
        messages.error(request, _("Chưa chọn tệp minh chứng nào để đính kèm."))
    for upload in uploads:
        try:
            evidence = rules.evidence_add(report=report, upload=upload, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã đính kèm tệp “%(name)s”.") % {"name": evidence.name})
    return _answer(request, report, report.assignment, report.period)


def _answer(request, report, assignment, period):
    """In place (htmx): the panel again, its messages inside it, and the form's version
    (a draft just made is version 1). Otherwise: back to the page, as before."""
    if not request.htmx:
        if report is None:
            return redirect("reports:file", assignment_id=assignment.pk, period_id=period.pk)
        return redirect(report_page_url(request, report, "minh-chung"))
    if report is not None and report.period_id is None:
        state = deadline_state(assignment=assignment)
    else:
        report = report and ProgressReport.objects.get(pk=report.pk)
        state = slot_state(assignment=assignment, period=period, report=report)
    context = panel(request, assignment, state) | {
        "in_place": True,
        "version": state.report.version if state.report else 0,
    }
    return render(request, "reports/_evidence.html", context)


@require_safe
@login_required
def evidence_download(request, pk: int):
    evidence = _evidence_or_404(pk)
    ensure(request.user, "evidence.view", evidence.report)
    return download(
        evidence.file,
        # Named by its content, even if stored under another name before that was the rule.
        filename=rules.named_as(evidence.name, evidence.content_type),
        content_type=evidence.content_type,
    )


@require_POST
@login_required
def evidence_remove(request, pk: int):
    evidence = _evidence_or_404(pk)
    report = evidence.report
    ensure(request.user, "evidence.change", report)
    try:
        rules.evidence_delete(evidence=evidence, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": evidence.name})
    return _answer(request, report, report.assignment, report.period)


urlpatterns = [
    path("bao-cao/<int:pk>/minh-chung/", evidence_upload, name="evidence_upload"),
    path(
        "bao-cao/nhiem-vu/<int:assignment_id>/ky/<int:period_id>/minh-chung/",
        evidence_upload_slot,
        name="evidence_upload_slot",
    ),
    path("minh-chung/<int:pk>/", evidence_download, name="evidence_download"),
    path("minh-chung/<int:pk>/xoa/", evidence_remove, name="evidence_delete"),
]
