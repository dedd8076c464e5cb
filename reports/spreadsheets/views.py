"""A period's spreadsheet (bảng tính kỳ báo cáo): download the reports as XLSX, fill
them in offline, upload them back as drafts. A reporter gets its own units' rows, a
reviewer every unit's."""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from reports.periods.models import ReportingPeriod
from units import permissions
from units.models import Unit
from units.permissions import ensure

from . import download, layout, upload


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp bảng tính (.xlsx)"),
        help_text=gettext_lazy("Bảng tính đã tải từ trang này, tối đa 5 MB."),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{layout.CONTENT_TYPE}"}),
        error_messages={
            "required": gettext_lazy("Chọn tệp bảng tính để nhập."),
            "empty": gettext_lazy("Tệp trống."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _scope(user):
    """Whose rows the user downloads and uploads: a reviewer every unit's, a reporter
    its own units'. Anyone else is refused."""
    if permissions.can(user, "spreadsheet.all"):
        return Unit.objects.values_list("pk", flat=True)
    ensure(user, "spreadsheet.own")
    return permissions.filing_unit_ids(user)


def _period(user, period_id: int) -> ReportingPeriod:
    period = get_object_or_404(ReportingPeriod.objects.select_related("directive"), pk=period_id)
    ensure(user, "directive.view", period.directive)
    return period


@login_required
def period_spreadsheet(request, period_id: int):
    """The page: a download link, and the upload form with the errors of the last try."""
    unit_ids = _scope(request.user)
    period = _period(request.user, period_id)
    form = SpreadsheetUploadForm(
        *((request.POST, request.FILES) if request.method == "POST" else ())
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = upload.period_workbook_import(
                period=period, unit_ids=unit_ids, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            errors = error.messages
        else:
            if saved:
                messages.success(
                    request,
                    _(
                        "Đã lưu %(count)d báo cáo dưới dạng nháp. Đơn vị kiểm tra rồi gửi từng "
                        "báo cáo trên trang Việc của đơn vị."
                    )
                    % {"count": saved},
                )
            else:
                messages.info(request, _("Bảng tính không có thay đổi nào; chưa lưu báo cáo nào."))
            return redirect("reports:spreadsheet", period_id=period.pk)
    return render(
        request,
        "reports/period_spreadsheet.html",
        {
            "period": period,
            "directive": period.directive,
            "form": form,
            "errors": errors,
            "row_count": layout.period_assignments(period=period, unit_ids=unit_ids).count(),
            "all_units": permissions.can(request.user, "spreadsheet.all"),
            "in_force": period.directive.is_in_force,
        },
    )


@never_cache  # it holds the unit's drafts
@login_required
def period_spreadsheet_download(request, period_id: int):
    unit_ids = _scope(request.user)
    period = _period(request.user, period_id)
    content = download.period_workbook(period=period, unit_ids=unit_ids, by=request.user)
    return HttpResponse(
        content,
        content_type=layout.CONTENT_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=layout.workbook_filename(period)
            )
        },
    )


urlpatterns = [
    path("ky-bao-cao/<int:period_id>/bang-tinh/", period_spreadsheet, name="spreadsheet"),
    path(
        "ky-bao-cao/<int:period_id>/bang-tinh/tai-ve/",
        period_spreadsheet_download,
        name="spreadsheet_download",
    ),
]
