"""The summary's data (tally), its first draft (compose), its snapshot and the export
pipeline, on the small directive: unit A sent its report, unit B only has a draft."""

import datetime
import io
import threading
import time
from decimal import Decimal

import docx
import openpyxl
import pytest
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from directives.models import Indicator, Role
from directives.services import assignments_sync
from ops.models import OutboxMessage
from ops.outbox import outbox_drain
from reports import tasks
from reports.filing.models import ExtensionRequest, IndicatorValue, ProgressReport
from reports.periods.selectors import periods_between
from reports.summaries import pipeline
from reports.summaries.compose import summary_compose, summary_recompose
from reports.summaries.models import Export
from reports.summaries.sentences import split
from reports.summaries.snapshot import add_figures, draft_snapshot, paragraphs, place_date
from reports.summaries.tally import tally

from ...conftest import login
from ...factories import (
    AddresseeFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    TaskFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

SEPTEMBER_DUE = datetime.date(2021, 9, 20)
LATER = datetime.date(2021, 12, 1)


@pytest.fixture
def october(small_directive):
    return ReportingPeriodFactory(
        directive=small_directive.directive,
        label="Tháng 10/2021",
        start=datetime.date(2021, 9, 15),
        cutoff=datetime.date(2021, 10, 14),
        due=datetime.date(2021, 10, 20),
    )


@pytest.fixture
def summary(small_directive, submitted_a, draft_b, reviewer):
    made = summary_compose(
        directive=small_directive.directive,
        period_from=small_directive.period,
        period_to=small_directive.period,
        by=reviewer,
        today=LATER,
    )
    made.save()
    return made


def test_tally_counts_sent_reports_and_never_reads_a_draft(small_directive, submitted_a, draft_b):
    data = tally(directive=small_directive.directive, periods=[small_directive.period], today=LATER)

    a = data.units[small_directive.assignment_a.unit_id]
    b = data.units[small_directive.assignment_b.unit_id]
    assert (a.figures.expected, a.figures.received, a.figures.missing) == (1, 1, 0)
    assert (b.figures.expected, b.figures.received, b.figures.missing) == (1, 0, 1)
    assert (data.total.expected, data.total.received) == (2, 1)
    assert list(data.matrix()) == [
        ["Tháng 9/2021", a.name, "submitted"],
        ["Tháng 9/2021", b.name, "overdue"],
    ]
    said = [line for gathered in data.said.values() for line in gathered.lines()]
    assert said and not any("Bản nháp riêng" in line for line in said)


def test_on_time_is_judged_against_the_due_date_in_vietnam(small_directive):
    period = small_directive.period
    # 23:30 on the due date in Vietnam is 16:30 UTC: on time. 00:30 the day after is not.
    ProgressReportFactory(
        assignment=small_directive.assignment_a,
        period=period,
        submitted=True,
        submitted_at=datetime.datetime(2021, 9, 20, 16, 30, tzinfo=datetime.UTC),
    )
    ProgressReportFactory(
        assignment=small_directive.assignment_b,
        period=period,
        submitted=True,
        submitted_at=datetime.datetime(2021, 9, 20, 17, 30, tzinfo=datetime.UTC),
    )

    data = tally(directive=small_directive.directive, periods=[period], today=LATER)

    assert data.units[small_directive.assignment_a.unit_id].figures.on_time == 1
    assert data.units[small_directive.assignment_b.unit_id].figures.on_time == 0
    assert data.total.timeliness == 50.0


def test_a_unit_closed_before_a_period_is_not_expected_in_it(small_directive, october):
    unit_b = small_directive.assignment_b.unit
    unit_b.valid_to = datetime.date(2021, 9, 10)
    unit_b.save()

    data = tally(
        directive=small_directive.directive,
        periods=[small_directive.period, october],
        today=LATER,
    )

    assert data.units[unit_b.pk].figures.expected == 1  # September only
    assert [row[:2] for row in data.matrix()].count(["Tháng 10/2021", unit_b.name]) == 0


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("sum", Decimal(12)), ("latest", Decimal(7)), ("max", Decimal(7))],
)
def test_indicators_are_totalled_as_their_aggregation_says(
    aggregation, expected, small_directive, october
):
    indicator = Indicator.objects.create(
        task=small_directive.task,
        name="Số tin, bài",
        unit_of_measure="bài",
        aggregation=aggregation,
    )
    for period, value in ((small_directive.period, 5), (october, 7)):
        report = ProgressReportFactory(
            assignment=small_directive.assignment_a, period=period, submitted=True
        )
        IndicatorValue.objects.create(report=report, indicator=indicator, value=value)
    draft = ProgressReportFactory(assignment=small_directive.assignment_b, period=october)
    IndicatorValue.objects.create(report=draft, indicator=indicator, value=1000)

    data = tally(
        directive=small_directive.directive, periods=[small_directive.period, october], today=LATER
    )

    assert [(t.indicator, t.value, t.units) for t in data.indicators] == [(indicator, expected, 1)]


def test_periods_between_takes_either_order(small_directive, october):
    directive = small_directive.directive

    assert periods_between(directive, october, small_directive.period) == [
        small_directive.period,
        october,
    ]


def test_the_first_draft_is_written_from_what_units_sent(summary, submitted_a, small_directive):
    assert summary.issuing_body == small_directive.directive.issuer.name.upper()
    assert summary.number == "-BC/HU"
    assert summary.subject.startswith("kết quả thực hiện Công văn số 136-CV/HU, ngày")
    assert "có 1/2 báo cáo phải nộp đã được gửi (đạt 50,0%)" in summary.situation
    assert "Đảng bộ xã B (thiếu 1)" in summary.situation
    assert f"- Đảng bộ xã A: {submitted_a.achievements}" in summary.results
    assert "Bản nháp riêng của xã B" not in summary.results + summary.difficulties
    assert summary.results.splitlines()[0].startswith("1. ")


def test_a_summary_without_a_number_is_not_called_so_and_periods_read_mid_sentence(
    summary, small_directive, october, reviewer
):
    """ "Số -BC/HU" named a summary with no number yet; "từ Tháng 9/2021" was capitalised
    mid-sentence."""
    two = summary_compose(
        directive=small_directive.directive,
        period_from=small_directive.period,
        period_to=october,
        today=LATER,
    )

    assert summary.name == "Báo cáo tổng hợp (chưa có số)"
    assert str(summary).startswith("Báo cáo tổng hợp (chưa có số) · ")
    summary.number = "45-BC/HU"
    assert summary.name == "Số 45-BC/HU"
    assert "Trong kỳ tháng 9/2021, 1/2 đơn vị" in summary.situation
    assert "Trong các kỳ từ tháng 9/2021 đến tháng 10/2021, 0/2 đơn vị" in two.situation
    summary.number = "-BC/HU"
    summary.save()
    page = login(reviewer).get(reverse("reports:summary_list", args=[small_directive.directive.pk]))
    assert "Báo cáo tổng hợp (chưa có số)" in page.content.decode()
    assert "Số -BC/HU" not in page.content.decode()


def test_the_subject_and_citations_read_as_36_hd_vptw_asks(summary):
    """The trích yếu of a báo cáo starts in lower case after "BÁO CÁO"; a citation puts a
    comma before "ngày"."""
    cited = "Công văn số 136-CV/HU, ngày 25/8/2021 của Ban Thường vụ Huyện ủy"

    assert summary.subject == f"kết quả thực hiện {cited}"
    # The directive's trích yếu "V/v triển khai …" (về việc) reads "về việc triển khai …".
    assert summary.situation.startswith(f"Thực hiện {cited} về việc triển khai thực hiện ")
    assert "136-CV/HU ngày" not in summary.subject + summary.situation


def test_the_recipients_are_the_directives_offices_never_the_parent_body(
    small_directive, submitted_a
):
    """Nơi nhận: the body above, as the directive's own Nơi nhận names it ("(b/c)"), and
    its archive line; "Như trên" (the units) and the header's parent body are not offices
    a report goes to."""
    directive = small_directive.directive
    directive.issuer.parent = UnitFactory(name="Đảng bộ tỉnh Bình Định")
    directive.issuer.save()
    period = small_directive.period

    directive.cc = [
        "Như trên,",
        "Ban Tuyên giáo TU (b/c),",
        "Thường trực Huyện ủy,",
        "Ban Tuyên giáo HU,",
        "Lưu VPHU.",
    ]
    cited = summary_compose(directive=directive, period_from=period, period_to=period)
    directive.cc = []
    bare = summary_compose(directive=directive, period_from=period, period_to=period)

    assert cited.parent_body == "ĐẢNG BỘ TỈNH BÌNH ĐỊNH"  # the header keeps it
    assert cited.recipients == "Ban Tuyên giáo TU (b/c),\nLưu VPHU."
    assert bare.recipients == "Lưu Văn phòng."
    assert "Bình Định" not in cited.recipients + bare.recipients


def test_the_figures_say_how_many_units_reported(summary, small_directive, october):
    two = summary_compose(
        directive=small_directive.directive,
        period_from=small_directive.period,
        period_to=october,
        today=LATER,
    )

    assert "Trong kỳ tháng 9/2021, 1/2 đơn vị đã báo cáo, đạt 50,0%; " in summary.situation
    assert "0/2 đơn vị đã báo cáo đủ các kỳ, đạt 0,0%; " in two.situation


@pytest.fixture
def chorus(small_directive, october):
    """Three units, two tasks, two periods; much of what they write is the same sentence."""
    sd = small_directive
    police = UnitFactory(name="Công an huyện")
    AddresseeFactory(section=sd.section, unit=police, role=Role.SUPPORT)
    second = TaskFactory(section=sd.section, order=2, text="Theo dõi dư luận trên mạng xã hội.")
    assignments_sync(directive=sd.directive)
    a, b = sd.assignment_a, sd.assignment_b
    c1, c2 = (police.assignments.get(task=task) for task in (sd.task, second))
    september, proposal = sd.period, "Đề nghị tổ chức tập huấn cho cán bộ cơ sở."
    for assignment, period, said in (
        (a, september, {"achievements": "Đã tổ chức 3 hội nghị quán triệt. Đã in 200 tờ rơi.",
                        "proposals": proposal}),
        (a, october, {"achievements": "Đã tổ chức 5 hội nghị quán triệt.\n"
                                      "Tăng cường tuyên truyền trên mạng xã hội.",
                      "difficulties": "Kinh phí còn hạn chế.", "proposals": proposal}),
        (b, september, {"achievements": "  tăng cường tuyên truyền trên mạng   xã hội "}),
        (b, october, {"achievements": "- Tăng cường tuyên truyền trên mạng xã hội.",
                      "proposals": "đề nghị tổ chức tập huấn cho cán bộ cơ sở"}),
        (c1, october, {"achievements": "TĂNG CƯỜNG tuyên truyền trên mạng xã hội!",
                       "proposals": proposal.upper()}),
        (c2, september, {"achievements": "Tăng cường tuyên truyền trên mạng xã hội."}),
    ):  # fmt: skip
        ProgressReportFactory(assignment=assignment, period=period, submitted=True, **said)
    return summary_compose(
        directive=sd.directive, period_from=september, period_to=october, today=LATER
    )


def test_a_sentence_several_units_said_is_written_once_with_their_names(chorus):
    for part, sentence in (
        (chorus.results, "Tăng cường tuyên truyền trên mạng xã hội"),
        (chorus.proposals, "Đề nghị tổ chức tập huấn cho cán bộ cơ sở"),
    ):
        [line] = [line for line in part.splitlines() if sentence.lower() in line.lower()]
        assert line.startswith(f"- {sentence} (") and line.endswith(").")
        names = line[line.index("(") + 1 : -2].split(", ")
        assert sorted(names) == ["Công an huyện", "Đảng bộ xã A", "Đảng bộ xã B"]
    assert chorus.results.lower().count("tăng cường tuyên truyền") == 1
    assert chorus.proposals.lower().count("tập huấn") == 1


def test_each_unit_and_task_is_quoted_at_its_latest_with_what_earlier_periods_add(chorus):
    """October's "5 hội nghị" supersedes September's "3" (the same sentence, another
    figure); September's leaflets, never said again, are kept."""
    assert "- Đảng bộ xã A: Đã in 200 tờ rơi. Đã tổ chức 5 hội nghị quán triệt." in (
        chorus.results.splitlines()
    )
    assert "3 hội nghị" not in chorus.results
    assert chorus.difficulties == "- Đảng bộ xã A: Kinh phí còn hạn chế."


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Họp tại TP. Hồ Chí Minh. Phát 100% tờ rơi; in 1.234 bản.",
         ["Họp tại TP. Hồ Chí Minh", "Phát 100% tờ rơi; in 1.234 bản"]),
        ("- Đã làm A\n+ đã làm B;\n\n...", ["Đã làm A", "đã làm B"]),
        # A sign before a figure is no bullet: "-15%" stays a fall of 15%.
        ("-15% so với cùng kỳ\n+3 hội nghị\n•Đã in", ["-15% so với cùng kỳ", "+3 hội nghị",
                                                      "Đã in"]),
        ("Họp với xã A. Sau đó tổng kết.", ["Họp với xã A. Sau đó tổng kết"]),  # kept whole
        ("Ngày 25/8/2021 họp. Ngày 30/8/2021 tổng kết!", ["Ngày 25/8/2021 họp",
                                                         "Ngày 30/8/2021 tổng kết"]),
    ],
)  # fmt: skip
def test_a_text_is_cut_into_sentences_where_they_end(text, said):
    assert [sentence.text for sentence in split(text)] == said


def test_recomposing_takes_in_reports_sent_since(summary, small_directive, draft_b):
    draft_b.status = ProgressReport.Status.SUBMITTED
    draft_b.submitted_at = datetime.datetime(2021, 9, 19, 8, tzinfo=datetime.UTC)
    draft_b.achievements = "Xã B đã tổ chức 2 hội nghị."
    draft_b.save()

    summary_recompose(summary, today=LATER)

    assert "có 2/2 báo cáo phải nộp đã được gửi" in summary.situation
    assert "Xã B đã tổ chức 2 hội nghị." in summary.results


def test_place_and_date_follow_the_party_rules():
    assert place_date("Tuy Phước", datetime.date(2022, 1, 5)) == (
        "Tuy Phước, ngày 05 tháng 01 năm 2022"
    )
    assert place_date("Tuy Phước", datetime.date(2021, 12, 20)) == (
        "Tuy Phước, ngày 20 tháng 12 năm 2021"
    )


def test_numbered_lines_become_sub_headings():
    assert paragraphs("1. Ủy ban\n\n- Xã A: làm tốt\n2.1. Chi tiết\nIV. Kiến nghị") == [
        {"text": "1. Ủy ban", "heading": True},
        {"text": "- Xã A: làm tốt", "heading": False},
        {"text": "2.1. Chi tiết", "heading": True},
        {"text": "IV. Kiến nghị", "heading": True},
    ]


def test_the_snapshot_freezes_the_text_and_the_figures(summary, small_directive):
    snapshot = add_figures(
        draft_snapshot(summary), directive=small_directive.directive, today=LATER
    )

    assert snapshot["header"]["number"] == "Số      -BC/HU"
    assert snapshot["periods"] == "Tháng 9/2021"
    assert snapshot["annex"]["total"][2:7] == [2, 1, 1, 0, 1]
    assert [row[1] for row in snapshot["annex"]["rows"]] == ["Đảng bộ xã A", "Đảng bộ xã B"]
    assert snapshot["matrix"]["legend"]["overdue"] == "Quá hạn"
    assert snapshot["parts"][1]["heading"] == "II. KẾT QUẢ THỰC HIỆN"


@pytest.mark.parametrize("format", ["docx", "xlsx", "pdf"])
def test_an_export_makes_its_file_and_keeps_it(format, summary, reviewer):
    export = pipeline.export_now(summary=summary, format=format, by=reviewer)

    assert export.status == Export.Status.DONE
    assert export.progress == 100
    assert export.size == export.file.size > 0
    assert pipeline.export_filename(export) == f"bao-cao-136-cv-hu-thang-9-2021.{format}"
    with export.file.open("rb") as made:
        head = made.read(4)
    assert head == (b"%PDF" if format == "pdf" else b"PK\x03\x04")


def test_a_made_export_never_changes(summary, small_directive, draft_b, reviewer):
    first = pipeline.export_now(summary=summary, format="xlsx", by=reviewer)
    made = first.file.open("rb").read()
    draft_b.status = ProgressReport.Status.SUBMITTED
    draft_b.submitted_at = datetime.datetime(2021, 9, 19, 8, tzinfo=datetime.UTC)
    draft_b.save()

    again = pipeline.export_run(first.pk)  # a redelivered task
    second = pipeline.export_now(summary=summary, format="xlsx", by=reviewer)

    assert again.file.open("rb").read() == made
    annex = openpyxl.load_workbook(second.file.open("rb"))["Phụ lục"]
    totals = [row for row in annex.iter_rows(values_only=True) if "Tổng cộng" in row]
    assert totals[0][3] == 2  # the second export sees both reports
    annex = openpyxl.load_workbook(io.BytesIO(made))["Phụ lục"]
    totals = [row for row in annex.iter_rows(values_only=True) if "Tổng cộng" in row]
    assert totals[0][3] == 1  # the first still says what it said


def test_a_retried_export_reuses_the_figures_frozen_before(summary, small_directive, draft_b):
    export = pipeline._new_export(summary, "docx", None)
    add_figures(export.snapshot, directive=small_directive.directive, today=LATER)
    export.save()
    draft_b.status = ProgressReport.Status.SUBMITTED
    draft_b.submitted_at = datetime.datetime(2021, 9, 19, 8, tzinfo=datetime.UTC)
    draft_b.save()

    pipeline.export_run(export.pk)

    export.refresh_from_db()
    text = "\n".join(
        cell.text for table in docx.Document(export.file.open("rb")).tables for cell in table._cells
    )
    assert export.snapshot["annex"]["total"][3] == 1
    assert "Tổng cộng" in text


def test_an_export_without_the_signers_title_is_refused(summary, reviewer):
    """The signature block would print an empty chức vụ line: the export is refused, the
    draft kept as it is, and nothing queued."""
    summary.signer_title = "  "
    summary.save()

    with pytest.raises(ValidationError) as refused:
        pipeline.export_request(summary=summary, format="docx", by=reviewer)
    with pytest.raises(ValidationError):
        pipeline.export_now(summary=summary, format="pdf", by=reviewer)

    assert refused.value.message_dict == {
        "signer_title": [
            "Chưa có chức vụ người ký (ví dụ: PHÓ BÍ THƯ): điền ở mục “Nơi nhận và chữ ký” "
            "rồi xuất lại."
        ]
    }
    assert not Export.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_draft_takes_the_signer_from_the_directive(summary):
    assert (summary.signer_on_behalf, summary.signer_title, summary.signer_name) == (
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Nguyễn Đình Thuận",
    )


def test_a_failed_render_is_recorded_not_raised(summary, monkeypatch):
    def broken(snapshot, out, progress=None):
        raise RuntimeError("renderer broke")

    monkeypatch.setitem(pipeline.RENDERERS, "docx", broken)

    export = pipeline.export_now(summary=summary, format="docx")

    assert export.status == Export.Status.FAILED
    assert "Không tạo được tệp" in export.error
    assert not export.file


def test_a_closed_unit_keeps_its_history_in_the_annex(summary, small_directive):
    """A unit merged away after the period still shows in that period's summary."""
    unit_a = small_directive.assignment_a.unit
    unit_a.valid_to = datetime.date(2021, 10, 1)
    unit_a.successor = UnitFactory(name="Đảng bộ xã A mới")
    unit_a.save()

    snapshot = add_figures(draft_snapshot(summary), directive=small_directive.directive)

    assert "Đảng bộ xã A" in [row[1] for row in snapshot["annex"]["rows"]]


def test_the_stored_file_name_is_kept_under_the_directive(summary):
    export = pipeline._new_export(summary, "pdf", None)
    export.file.save("tệp.pdf", ContentFile(b"%PDF"), save=False)

    assert export.file.name.startswith(f"exports/{summary.directive_id}/")


def test_the_tally_agrees_with_the_dashboard_figures(small_directive, october, submitted_a):
    """Same rules as reports.figures: a closed unit, a late report, a draft, an extension."""
    from reports.figures.engine import trend

    unit_b = small_directive.assignment_b.unit
    unit_b.valid_to = datetime.date(2021, 9, 30)  # closed during October's period
    unit_b.save()
    ProgressReportFactory(
        assignment=small_directive.assignment_a,
        period=october,
        submitted=True,
        submitted_at=datetime.datetime(2021, 10, 25, 3, tzinfo=datetime.UTC),  # late
    )
    ExtensionRequest.objects.create(
        assignment=small_directive.assignment_b,
        period=small_directive.period,
        new_due=datetime.date(2022, 1, 10),
        reason="Thiếu người",
        status=ExtensionRequest.Status.GRANTED,
    )
    periods = [small_directive.period, october]

    data = tally(directive=small_directive.directive, periods=periods, today=LATER)
    dashboard = trend(directive=small_directive.directive, periods=periods, today=LATER)

    for name in ("expected", "received", "on_time"):
        assert getattr(data.total, name) == sum(getattr(t.figures, name) for t in dashboard)
    # Unit B's September report is not overdue: its extension runs to 10/01/2022.
    assert ["Tháng 9/2021", unit_b.name, "missing"] in list(data.matrix())


def test_a_quarter_kept_beside_new_months_is_not_counted_twice(small_directive, october):
    quarter = ReportingPeriodFactory(
        directive=small_directive.directive,
        label="Quý IV/2021",
        start=datetime.date(2021, 9, 15),
        cutoff=datetime.date(2021, 12, 14),
        due=datetime.date(2021, 12, 20),
    )

    months = periods_between(small_directive.directive, small_directive.period, october)

    assert months == [small_directive.period, october]
    assert quarter in periods_between(small_directive.directive, small_directive.period, quarter)


def test_a_schedule_change_keeps_a_period_a_summary_covers(summary, small_directive, october):
    from reports.periods.services import periods_generate

    summary.period_to = october  # a period with no report yet
    summary.save()
    directive = small_directive.directive
    directive.schedule = "quarterly"
    directive.save()

    periods_generate(directive=directive, until=datetime.date(2021, 12, 31))

    assert directive.periods.filter(pk=october.pk).exists()


def _running(export, *, started: datetime.timedelta, heartbeat: datetime.timedelta | None):
    """Make `export` look held by a run that started and last wrote a heartbeat that long ago
    (heartbeat None: a row from before heartbeats)."""
    now = timezone.now()
    Export.objects.filter(pk=export.pk).update(
        status="running",
        started_at=now - started,
        heartbeat_at=None if heartbeat is None else now - heartbeat,
        attempts=1,
    )


def test_a_run_finds_an_export_another_run_holds(summary, settings):
    settings.EXPORT_LEASE_SECONDS = 120
    export = pipeline._new_export(summary, "docx", None)
    assert pipeline._claim(export.pk)

    with pytest.raises(pipeline.ExportBusy) as busy:
        pipeline.export_run(export.pk)

    assert 110 < busy.value.wait.total_seconds() <= 120  # the lease of a run just claimed
    export.refresh_from_db()
    assert (export.status, export.attempts) == (Export.Status.RUNNING, 1)
    assert export.heartbeat_at == export.started_at  # the claim is the first heartbeat


def test_a_run_still_beating_is_not_taken_over_however_long_it_has_run(summary, settings):
    settings.EXPORT_LEASE_SECONDS = 120
    export = pipeline._new_export(summary, "docx", None)
    _running(export, started=datetime.timedelta(hours=1), heartbeat=datetime.timedelta(seconds=30))

    with pytest.raises(pipeline.ExportBusy) as busy:
        pipeline.export_run(export.pk)

    assert 85 < busy.value.wait.total_seconds() <= 90  # 120 s after its last heartbeat
    export.refresh_from_db()
    assert (export.status, export.attempts) == (Export.Status.RUNNING, 1)


@pytest.mark.parametrize(
    "silent, retry_in",
    [
        (50, range(66, 73)),  # what is left of the lease, and a second
        (119, [tasks.BUSY_RETRY_MIN]),  # the lease is just passing: soon, not at once
    ],
)
def test_a_busy_export_is_tried_again_when_the_lease_would_pass(
    silent, retry_in, summary, settings
):
    settings.EXPORT_LEASE_SECONDS = 120
    export = pipeline._new_export(summary, "docx", None)
    _running(
        export, started=datetime.timedelta(minutes=5), heartbeat=datetime.timedelta(seconds=silent)
    )

    with pytest.raises(Retry) as retry:
        tasks.make_export.apply(args=[export.pk])

    assert retry.value.when in retry_in


@pytest.mark.parametrize("lease", [120, 45])
def test_a_run_whose_heartbeat_stopped_is_taken_over_after_the_lease(lease, summary, settings):
    """Its worker was killed: the run started minutes ago (far less than the task's time
    limit) and has written nothing for longer than the lease."""
    settings.EXPORT_LEASE_SECONDS = lease
    export = pipeline._new_export(summary, "docx", None)
    _running(
        export,
        started=datetime.timedelta(seconds=lease + 60),
        heartbeat=datetime.timedelta(seconds=lease + 1),
    )

    made = pipeline.export_run(export.pk)

    assert (made.status, made.attempts) == (Export.Status.DONE, 2)
    made.refresh_from_db()
    assert (made.status, made.progress) == (Export.Status.DONE, 100)
    assert made.heartbeat_at >= made.started_at > timezone.now() - datetime.timedelta(minutes=1)


def test_a_run_from_before_heartbeats_is_judged_by_its_start(summary, settings):
    settings.EXPORT_LEASE_SECONDS = 120
    recent, old = (pipeline._new_export(summary, "docx", None) for _ in range(2))
    _running(recent, started=datetime.timedelta(seconds=60), heartbeat=None)
    _running(old, started=datetime.timedelta(seconds=121), heartbeat=None)

    with pytest.raises(pipeline.ExportBusy) as busy:
        pipeline.export_run(recent.pk)
    made = pipeline.export_run(old.pk)

    assert 55 < busy.value.wait.total_seconds() <= 60
    assert (made.status, made.attempts) == (Export.Status.DONE, 2)


def test_progress_writes_carry_a_heartbeat_a_few_times_a_second_at_most(summary):
    export = pipeline._new_export(summary, "docx", None)
    assert pipeline._claim(export.pk)
    export.refresh_from_db()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    clock = [1000.0]
    progress = pipeline._Progress(export, clock=lambda: clock[0])

    def beat():
        return Export.objects.values_list("progress", "heartbeat_at").get(pk=export.pk)

    Export.objects.filter(pk=export.pk).update(heartbeat_at=long_ago)
    progress(0.10)
    percent, at = beat()
    assert percent == 10 and at > long_ago

    Export.objects.filter(pk=export.pk).update(heartbeat_at=long_ago)
    clock[0] += 0.1
    progress(0.20)  # a tenth of a second later: not worth a write
    assert beat() == (10, long_ago)


@pytest.mark.django_db(transaction=True)  # the heartbeat thread has a connection of its own
def test_a_long_step_without_progress_still_beats(summary, settings, monkeypatch):
    """A save or an upload that reports nothing for longer than the lease must not pass for
    a dead worker: the run's own thread keeps beating."""
    settings.EXPORT_LEASE_SECONDS = 3  # a beat every second
    export = pipeline._new_export(summary, "docx", None)
    render = pipeline.RENDERERS["docx"]
    beats = []

    def slow(snapshot, out, progress=None):
        for _ in range(2):
            beats.append(Export.objects.get(pk=export.pk).heartbeat_at)
            time.sleep(1.6)
        beats.append(Export.objects.get(pk=export.pk).heartbeat_at)
        return render(snapshot, out)

    monkeypatch.setitem(pipeline.RENDERERS, "docx", slow)

    pipeline.export_run(export.pk)

    assert beats[0] < beats[1] < beats[2]
    export.refresh_from_db()
    assert (export.status, export.attempts) == (Export.Status.DONE, 1)
    assert not [t for t in threading.enumerate() if t.name.endswith("-heartbeat")]


def test_a_run_taken_over_while_still_alive_leaves_the_export_to_the_new_run(summary, monkeypatch):
    """A run silent for longer than the lease, but not dead: once it notices, it stops
    without marking the export made or failed (the run that took over makes it)."""
    export = pipeline._new_export(summary, "docx", None)
    render = pipeline.RENDERERS["docx"]

    def slow(snapshot, out, progress=None):
        # Meanwhile another run took the export over.
        Export.objects.filter(pk=export.pk).update(
            attempts=2, started_at=timezone.now(), heartbeat_at=timezone.now()
        )
        return render(snapshot, out, progress=progress)

    monkeypatch.setitem(pipeline.RENDERERS, "docx", slow)
    message = OutboxMessage.objects.create(task=tasks.make_export.name, args=[export.pk])

    tasks.make_export.apply(args=[export.pk], kwargs={"outbox_id": message.pk})

    export.refresh_from_db()
    assert (export.status, export.attempts, export.error) == (Export.Status.RUNNING, 2, "")
    assert not export.file
    message.refresh_from_db()
    assert message.done_at is None  # left open: if the run that took over dies, it is resent


def test_an_export_that_keeps_dying_is_marked_failed(summary):
    export = pipeline._new_export(summary, "docx", None)
    long_ago = timezone.now() - pipeline.lease() - datetime.timedelta(seconds=1)
    Export.objects.filter(pk=export.pk).update(
        status="running", started_at=long_ago, heartbeat_at=long_ago, attempts=pipeline.MAX_ATTEMPTS
    )

    made = pipeline.export_run(export.pk)

    assert made.status == Export.Status.FAILED
    assert "sau nhiều lần thử" in made.error
    made.refresh_from_db()
    assert made.status == Export.Status.FAILED


def test_an_export_asked_for_while_the_broker_is_down_is_made_once_it_is_back(
    summary, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    with monkeypatch.context() as down:
        down.setattr(tasks.make_export, "apply_async", unreachable)
        with django_capture_on_commit_callbacks(execute=True):
            export = pipeline.export_request(summary=summary, format="pdf")
        assert outbox_drain() == 0  # still down: nothing goes out

    export.refresh_from_db()
    assert export.status == Export.Status.QUEUED
    assert OutboxMessage.objects.get().done_at is None

    assert outbox_drain(now=timezone.now() + datetime.timedelta(minutes=5)) == 1

    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    assert OutboxMessage.objects.get().done_at is not None
