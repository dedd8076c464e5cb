"""The summary report sent upward (báo cáo tổng hợp): drafts composed from the reports and
edited by the secretary, their exports (DOCX, XLSX, PDF) made in the background with a
progress bar, and the history of every export of a directive."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from directives.models import Directive
from ops.audit import audit
from reports.figures.portfolio import Slice
from reports.periods import selectors
from units.models import fold
from units.permissions import can, ensure, requires

from .compose import (
    reports_changed_since,
    signer_prefill,
    summary_compose,
    summary_recompose,
    summary_save,
)
from .forms import SummaryForm, SummaryStartForm
from .models import Export, Summary
from .pipeline import CONTENT_TYPES, RENDERERS, export_cancel, export_download, export_request
from .portfolio import portfolio_snapshot, span_label

HISTORY_PAGE = 25


def _history(exports, request):
    exports = exports.defer("snapshot").select_related("created_by", "summary")
    return Paginator(exports, HISTORY_PAGE).get_page(request.GET.get("trang"))


@requires("export.view")
def summary_list(request, directive_id: int):
    """A directive's summaries and its export history; reviewers start a new summary."""
    directive = get_object_or_404(Directive, pk=directive_id)
    periods = directive.periods.order_by("start")
    listed = list(periods)
    current = selectors.current_period(listed)
    form = SummaryStartForm(
        request.POST or None,
        periods=periods,
        initial={"period_from": listed[0] if listed else None, "period_to": current},
    )
    if request.method == "POST":
        ensure(request.user, "summary.edit")
        if form.is_valid():
            summary = summary_compose(
                directive=directive,
                period_from=form.cleaned_data["period_from"],
                period_to=form.cleaned_data["period_to"],
                by=request.user,
            )
            summary.save()
            messages.success(request, _("Đã soạn bản nháp từ các báo cáo. Sửa lại trước khi xuất."))
            return redirect("reports:summary", summary_id=summary.pk)
    summaries = directive.summaries.select_related("period_from", "period_to", "updated_by")
    return render(
        request,
        "reports/exports/summary_list.html",
        {
            "directive": directive,
            "period": current,
            "form": form,
            "summaries": summaries,
            "history": _history(directive.exports.all(), request),
        },
    )


def _refused(form: SummaryForm, error: ValidationError, version: int) -> None:
    """The form again with the reason, and the draft's version as it now stands."""
    form.add_error(None, error)
    form.data = form.data.copy()
    form.data["version"] = version


@requires("summary.edit")
def summary_edit(request, summary_id: int):
    """Edit the draft; save it, write parts I–IV again from the reports, or export it
    (the draft is saved first, so what is exported is what the secretary sees)."""
    summary = get_object_or_404(
        Summary.objects.select_related("directive", "period_from", "period_to"), pk=summary_id
    )
    if request.method != "POST":
        signer_prefill(summary)  # a draft made before the directive's signer was known
    form = SummaryForm(request.POST or None, instance=summary)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        unsaved = _("Bản nháp chưa được lưu: xem các thông báo bên dưới.")
        if not form.is_valid():
            messages.error(request, unsaved)
        else:
            summary = form.save(commit=False)
            if action == "recompose":
                summary_recompose(summary)
            try:
                summary_save(
                    summary=summary, edited_from=form.cleaned_data["version"], by=request.user
                )
            except ValidationError as error:
                _refused(form, error, Summary.objects.get(pk=summary.pk).version)
                messages.error(request, unsaved)
            else:
                if action not in Export.Format.values:
                    messages.success(
                        request,
                        _("Đã viết lại phần I–IV từ các báo cáo.")
                        if action == "recompose"
                        else _("Đã lưu bản nháp."),
                    )
                    return redirect("reports:summary", summary_id=summary.pk)
                try:
                    export = export_request(summary=summary, format=action, by=request.user)
                except ValidationError as refusal:  # saved, not exported: the page says why
                    _refused(form, refusal, summary.version)
                    messages.error(
                        request, _("Đã lưu bản nháp nhưng chưa xuất: xem các thông báo bên dưới.")
                    )
                else:
                    return redirect("reports:export", export_id=export.pk)
    return render(
        request,
        "reports/exports/summary_form.html",
        {
            "summary": summary,
            "directive": summary.directive,
            "form": form,
            "formats": Export.Format.choices,
            "changed": reports_changed_since(summary),
            "history": _history(summary.exports.all(), request),
        },
    )


@never_cache
@requires("export.view")
def export_detail(request, export_id: int):
    """An export's progress; htmx polls the bar until the file is made."""
    export = get_object_or_404(
        Export.objects.defer("snapshot").select_related("directive", "created_by", "summary"),
        pk=export_id,
    )
    template = (
        "reports/exports/_export_progress.html"
        if request.htmx
        else "reports/exports/export_detail.html"
    )
    return render(
        request,
        template,
        {
            "export": export,
            "directive": export.directive,
            "can_cancel": not export.is_finished and can(request.user, "summary.edit"),
        },
    )


@require_POST
@requires("summary.edit")
def export_stop(request, export_id: int):
    """Cancel an export still being made (the secretary asked for the wrong one, or it
    takes too long): its run stops and nothing is kept."""
    export = get_object_or_404(
        Export.objects.defer("snapshot").select_related("directive"), pk=export_id
    )
    if export_cancel(export=export, by=request.user):
        messages.success(request, _("Đã hủy bản xuất."))
    else:
        messages.info(request, _("Bản xuất đã kết thúc trước khi hủy: không có gì thay đổi."))
    return redirect("reports:export", export_id=export.pk)


@requires("export.view")
def export_file(request, export_id: int):
    export = get_object_or_404(
        Export.objects.defer("snapshot").select_related("directive"), pk=export_id
    )
    return export_download(export)


@never_cache
@requires("summary.edit")
def portfolio_export(request):
    """The summary across directives ("Báo cáo kết quả thực hiện các nhiệm vụ được giao,
    quý IV/2026") of the portfolio's slice, made at once: a small document, one query
    for its figures whatever the number of directives."""
    slice = Slice.from_query(request.GET)
    fmt = request.GET.get("dinh_dang", Export.Format.DOCX)
    fmt = fmt if fmt in Export.Format.values else Export.Format.DOCX
    snapshot = portfolio_snapshot(slice=slice)
    out = io.BytesIO()
    RENDERERS[fmt](snapshot, out)
    name = slugify(fold(f"bao cao nhiem vu {span_label(slice)}").replace("/", " "))
    audit(
        actor=request.user,
        action="export.made",
        obj=None,
        summary=_("Xuất báo cáo tổng hợp các văn bản (%(fmt)s): %(subject)s")
        % {"fmt": fmt.upper(), "subject": snapshot["header"]["subject"]},
    )
    return HttpResponse(
        out.getvalue(),
        content_type=CONTENT_TYPES[fmt],
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=f"{name}.{fmt}"
            )
        },
    )


urlpatterns = [
    path("tong-hop/bao-cao-cac-van-ban/", portfolio_export, name="portfolio_export"),
    path("tong-hop/<int:directive_id>/bao-cao-tong-hop/", summary_list, name="summary_list"),
    path("bao-cao-tong-hop/<int:summary_id>/", summary_edit, name="summary"),
    path("ban-xuat/<int:export_id>/", export_detail, name="export"),
    path("ban-xuat/<int:export_id>/tai-ve/", export_file, name="export_download"),
    path("ban-xuat/<int:export_id>/huy/", export_stop, name="export_cancel"),
]
