"""Tasks with a deadline in the summaries: a directive's draft says them in the Government
Office's terms and its files carry a table of them unit by unit (DOCX, XLSX, PDF); and the
summary across directives for a year or a quarter, made from the portfolio."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.filing import services
from reports.summaries.compose import summary_compose
from reports.summaries.pipeline import RENDERERS
from reports.summaries.snapshot import add_figures, draft_snapshot

from ...conftest import login

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2021, 10, 5)


@pytest.fixture
def w(deadline_directive, reviewer):
    """UBND huyện declared 1.1 on 20/09 and it was confirmed; xã A has not."""
    w = deadline_directive
    ubnd = w.assignment(w.deadline_task, w.ubnd)
    report = services.report_save_draft(
        assignment=ubnd, period=None, by=w.ubnd_reporter, data={"achievements": "Xong."}
    )
    report = services.report_submit(
        report=report,
        by=w.ubnd_reporter,
        at=datetime.datetime(2021, 9, 20, 9, tzinfo=datetime.UTC),
    )
    services.report_accept(report=report, by=reviewer)
    return w


# 1.1 to two units, 1.2 to two units: UBND's 1.1 done on time; xã A's 1.1 overdue; both
# 1.2 within (31/12).
IN_WORDS = (
    "4 nhiệm vụ được giao; 1 nhiệm vụ đã hoàn thành (đúng hạn 1, quá hạn 0); chưa hoàn "
    "thành 3 (trong hạn 2, quá hạn 1)"
)


@pytest.fixture
def snapshot(w, reviewer):
    period = w.directive.periods.order_by("start").first()
    summary = summary_compose(
        directive=w.directive, period_from=period, period_to=period, by=reviewer, today=TODAY
    )
    summary.save()
    return summary, add_figures(draft_snapshot(summary), directive=w.directive, today=TODAY)


def test_the_draft_says_them_in_the_government_offices_terms(snapshot):
    summary, frozen = snapshot
    assert f"Về các nhiệm vụ có thời hạn: {IN_WORDS}." in summary.situation
    assert frozen["deadlines"]["sentence"] == IN_WORDS
    rows = {row[1]: row[2:] for row in frozen["deadlines"]["rows"]}
    assert rows["UBND huyện"] == [2, 1, 0, 1, 0, 0, 100.0]
    assert rows["Đảng bộ xã A"] == [2, 0, 0, 1, 1, 0, 0.0]
    assert frozen["deadlines"]["total"][2:] == [4, 1, 0, 2, 1, 0, 50.0]


def _rendered(frozen, fmt) -> bytes:
    out = io.BytesIO()
    RENDERERS[fmt](frozen, out)
    return out.getvalue()


def test_each_file_carries_the_table_unit_by_unit(snapshot):
    _summary, frozen = snapshot
    title = frozen["deadlines"]["title"]

    doc = Document(io.BytesIO(_rendered(frozen, "docx")))
    assert title in [p.text for p in doc.paragraphs]
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells][:3] == ["STT", "Đơn vị", "Được giao"]
    assert "UBND huyện" in [row.cells[1].text for row in table.rows]

    book = load_workbook(io.BytesIO(_rendered(frozen, "xlsx")), read_only=True)
    sheet = book["Nhiệm vụ có thời hạn"]
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert IN_WORDS in values and "Đảng bộ xã A" in values

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(_rendered(frozen, "pdf"))).pages)
    assert "NHIỆM VỤ CÓ THỜI HẠN" in text and "Đảng bộ xã A" in text


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_the_summary_across_directives_for_a_quarter(fmt, w, reviewer):
    url = reverse("reports:portfolio_export") + f"?trang_thai=tat_ca&nam=2021&quy=3&dinh_dang={fmt}"

    response = login(reviewer).get(url)

    assert response.status_code == 200
    assert f"bao-cao-nhiem-vu-quy-iii-2021.{fmt}" in response["Content-Disposition"]
    body = response.content
    if fmt == "docx":
        text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
        # Due in the third quarter: 1.1 to two units (1.2 is due in December).
        assert "2 nhiệm vụ được giao; 1 nhiệm vụ đã hoàn thành (đúng hạn 1" in text
        assert "Đảng bộ xã A: nhiệm vụ 1.1 (150-KH/HU), hạn 30/09/2021" in text
        # The trích yếu in lower case after "BÁO CÁO"; a citation as compose cites one.
        assert "kết quả thực hiện các nhiệm vụ được giao, quý III/2021" in text
        assert "- Kế hoạch số 150-KH/HU, ngày 25/8/2021 của Huyện ủy: 2 nhiệm vụ" in text
    elif fmt == "xlsx":
        book = load_workbook(io.BytesIO(body), read_only=True)
        assert "Ma trận" not in book.sheetnames  # a summary across directives has none
        cells = [v for row in book["Phụ lục"].iter_rows(values_only=True) for v in row]
        assert "150-KH/HU (Huyện ủy)" in cells
    else:
        assert body.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("reporter_a", 403), ("leader", 403), ("reviewer", 200)],
)
def test_who_makes_the_summary_across_directives(persona, status, w, client_for):
    url = reverse("reports:portfolio_export") + "?dinh_dang=xlsx"
    assert client_for(persona).get(url).status_code == status
