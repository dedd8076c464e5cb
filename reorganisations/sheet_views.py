"""The unit tree as a spreadsheet (bảng đơn vị): downloaded with the units the user
administers, uploaded back to change them and add new ones (unit_sheet.py)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.administration.selectors import administered_units
from reports.spreadsheets.layout import CONTENT_TYPE
from reports.spreadsheets.views import SpreadsheetUploadForm
from units.permissions import requires

from .unit_sheet import FILENAME, MAX_ROWS, unit_sheet, unit_sheet_read


class UnitSheetForm(SpreadsheetUploadForm):
    """The period spreadsheet's upload form, worded for the unit sheet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.label = _("Tệp bảng đơn vị (.xlsx)")
        field.help_text = _("Bảng đơn vị đã tải từ trang này, tối đa 5 MB.")
        field.error_messages["required"] = _("Chọn tệp bảng đơn vị để nạp.")


@never_cache  # the administrator's units, as they stand now
@requires("unit.administer")
def unit_sheet_download(request):
    return HttpResponse(
        unit_sheet(request.user),
        content_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(as_attachment=True, filename=FILENAME)
        },
    )


@requires("unit.administer")
def unit_sheet_upload(request):
    """The page: a download link, and the upload form with every problem of the last try."""
    posted = request.method == "POST"
    form = UnitSheetForm(*((request.POST, request.FILES) if posted else ()))
    problems: list[str] = []
    if posted and form.is_valid():
        result = unit_sheet_read(form.cleaned_data["file"], request.user)
        if result.ok:
            if result.created or result.changed:
                messages.success(
                    request,
                    _("Đã nạp bảng đơn vị: %(created)d đơn vị mới, %(changed)d đơn vị thay đổi.")
                    % {"created": result.created, "changed": result.changed},
                )
            else:
                messages.info(request, _("Bảng đơn vị không có thay đổi nào; chưa lưu gì."))
            return redirect("accounts:units")
        problems = result.problems
    context = {
        "form": form,
        "problems": problems,
        "unit_count": administered_units(request.user).count(),
        "max_rows": f"{MAX_ROWS:,}".replace(",", "."),
        "tab": "acts",
    }
    return render(request, "reorganisations/unit_sheet.html", context)
