"""The summary pages: who may draft, edit, export and download; bad input re-renders the
form with the text intact; an export runs (eagerly here, by a worker in CI's worker
test) and its page shows the progress bar, then the file."""

import datetime
import io

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.summaries.compose import summary_compose
from reports.summaries.models import Export, Summary

from ...api.conftest import token_client
from ...conftest import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def made_export(summary, reviewer):
    export = Export.objects.create(
        directive=summary.directive,
        summary=summary,
        format="docx",
        periods="Tháng 9/2021",
        snapshot={},
        status=Export.Status.DONE,
        progress=100,
        created_by=reviewer,
    )
    export.file.save("bao-cao.docx", ContentFile(b"PK\x03\x04 made"), save=True)
    return export


def _form(summary: Summary, **changes) -> dict:
    data = {
        "parent_body": summary.parent_body,
        "issuing_body": summary.issuing_body,
        "number": summary.number,
        "place": summary.place,
        "dated": summary.dated.strftime("%d/%m/%Y"),
        "title": summary.title,
        "subject": summary.subject,
        "situation": summary.situation,
        "results": summary.results,
        "difficulties": summary.difficulties,
        "proposals": summary.proposals,
        "recipients": summary.recipients,
        "signer_on_behalf": summary.signer_on_behalf,
        "signer_title": summary.signer_title,
        "signer_name": summary.signer_name,
        "margin_top": summary.margin_top,
        "margin_bottom": summary.margin_bottom,
        "margin_left": summary.margin_left,
        "margin_right": summary.margin_right,
        "annex_by": summary.annex_by,
        "version": summary.version,
    }
    return data | changes


# GET status per page for: reporter_a reporter_b reviewer leader
EXPECTED = {
    "summary list": (403, 403, 200, 200),
    "summary": (403, 403, 200, 403),
    "export": (403, 403, 200, 200),
    "export download": (403, 403, 200, 200),
}
PAGES = {
    "summary list": lambda s, e: reverse("reports:summary_list", args=[s.directive_id]),
    "summary": lambda s, e: reverse("reports:summary", args=[s.pk]),
    "export": lambda s, e: reverse("reports:export", args=[e.pk]),
    "export download": lambda s, e: reverse("reports:export_download", args=[e.pk]),
}


@pytest.mark.parametrize(
    ("page", "persona", "status"),
    [
        (page, persona, status)
        for page, statuses in EXPECTED.items()
        for persona, status in zip(
            ("reporter_a", "reporter_b", "reviewer", "leader"), statuses, strict=True
        )
    ],
)
def test_who_opens_the_summary_pages(page, persona, status, summary, made_export, client_for):
    response = client_for(persona).get(PAGES[page](summary, made_export))

    assert response.status_code == status
    if status == 403:
        assert "Bạn không có quyền" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(page, summary, made_export, client):
    response = client.get(PAGES[page](summary, made_export))

    assert response.status_code == 302
    assert response.url.startswith("/dang-nhap/")


@pytest.mark.parametrize("persona", ["reporter_a", "leader"])
def test_only_a_reviewer_drafts_edits_or_exports(persona, summary, small_directive, client_for):
    client = client_for(persona)
    before = list(Summary.objects.values())

    start = client.post(
        reverse("reports:summary_list", args=[small_directive.directive.pk]),
        {"period_from": small_directive.period.pk, "period_to": small_directive.period.pk},
    )
    edit = client.post(
        reverse("reports:summary", args=[summary.pk]),
        _form(summary, results="Sửa trộm", action="docx"),
    )

    assert (start.status_code, edit.status_code) == (403, 403)
    assert list(Summary.objects.values()) == before
    assert not Export.objects.exists()


def test_a_reviewer_drafts_a_summary_from_the_reports(small_directive, submitted_a, client_for):
    client = client_for("reviewer")
    response = client.post(
        reverse("reports:summary_list", args=[small_directive.directive.pk]),
        {"period_from": small_directive.period.pk, "period_to": small_directive.period.pk},
    )

    summary = Summary.objects.get()
    assert response.url == reverse("reports:summary", args=[summary.pk])
    assert submitted_a.achievements in summary.results
    page = client.get(response.url).content.decode()
    assert "Đã soạn bản nháp từ các báo cáo" in page
    assert submitted_a.achievements in page


def test_periods_in_the_wrong_order_are_refused_with_a_message(
    small_directive, client_for, draft_a
):
    october = draft_a.period
    response = client_for("reviewer").post(
        reverse("reports:summary_list", args=[small_directive.directive.pk]),
        {"period_from": october.pk, "period_to": small_directive.period.pk},
    )

    assert response.status_code == 200
    assert "Kỳ cuối phải sau hoặc trùng kỳ đầu." in response.content.decode()
    assert not Summary.objects.exists()


def test_bad_input_keeps_the_secretarys_text(summary, client_for):
    text = "Kết quả do thư ký viết lại, chưa lưu."
    response = client_for("reviewer").post(
        reverse("reports:summary", args=[summary.pk]),
        _form(summary, results=text, dated="31/02/2021", margin_left="99", action="docx"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert text in page
    assert "Ngày báo cáo viết theo dạng ngày/tháng/năm" in page
    assert "Lề nhiều nhất 35 mm." in page
    summary.refresh_from_db()
    assert summary.results != text
    assert not Export.objects.exists()


def test_a_save_over_someone_elses_newer_edit_is_refused(summary, client_for, leader):
    opened = _form(summary)
    summary.results = "Bản của đồng chí khác"
    summary.version += 1
    summary.updated_by = leader
    summary.save()
    mine = "Bản tôi sửa, chưa lưu"

    client = client_for("reviewer")
    refused = client.post(
        reverse("reports:summary", args=[summary.pk]), opened | {"results": mine, "action": "pdf"}
    )
    again = client.post(
        reverse("reports:summary", args=[summary.pk]),
        opened | {"results": mine, "version": summary.version, "action": "save"},
    )

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Bản nháp vừa được" in page and leader.get_full_name() in page
    assert mine in page
    assert f'name="version" value="{summary.version}"' in page
    assert not Export.objects.exists()
    assert again.status_code == 302
    summary.refresh_from_db()
    assert (summary.results, summary.version) == (mine, 3)


def test_the_page_says_when_reports_changed_since_the_draft(summary, draft_b, client_for):
    url = reverse("reports:summary", args=[summary.pk])
    client = client_for("reviewer")
    before = client.get(url).content.decode()
    draft_b.status = "submitted"
    draft_b.submitted_at = datetime.datetime(2021, 9, 19, 8, tzinfo=datetime.UTC)
    draft_b.save()

    after = client.get(url).content.decode()

    assert "reports-changed" not in before
    assert "Có 1 báo cáo được gửi hoặc sửa từ khi phần I–IV được viết." in after


def test_leadership_sees_drafts_listed_but_not_linked(summary, client_for):
    page = (
        client_for("leader")
        .get(reverse("reports:summary_list", args=[summary.directive_id]))
        .content.decode()
    )

    assert summary.name in page
    assert reverse("reports:summary", args=[summary.pk]) not in page
    assert "Soạn bản nháp" not in page


def test_a_file_lost_by_the_storage_is_a_clear_404(made_export, client_for):
    made_export.file.storage.delete(made_export.file.name)

    response = client_for("reviewer").get(reverse("reports:export_download", args=[made_export.pk]))

    assert response.status_code == 404


def test_saving_keeps_the_edit(summary, client_for, reviewer):
    response = client_for("reviewer").post(
        reverse("reports:summary", args=[summary.pk]),
        _form(summary, number="45-BC/HU", results="1. Kết quả\nĐã làm tốt.", action="save"),
    )

    summary.refresh_from_db()
    assert response.status_code == 302
    assert (summary.number, summary.results) == ("45-BC/HU", "1. Kết quả\nĐã làm tốt.")
    assert (summary.updated_by, summary.version) == (reviewer, 2)


def test_recomposing_rewrites_parts_one_to_four_and_keeps_the_header(
    summary, submitted_a, client_for
):
    client_for("reviewer").post(
        reverse("reports:summary", args=[summary.pk]),
        _form(summary, number="46-BC/HU", results="Bị viết lại", action="recompose"),
    )

    summary.refresh_from_db()
    assert summary.number == "46-BC/HU"
    assert submitted_a.achievements in summary.results


def test_exporting_saves_the_edit_then_makes_the_file(
    summary, client_for, django_capture_on_commit_callbacks
):
    client = client_for("reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:summary", args=[summary.pk]),
            _form(summary, number="47-BC/HU", results="1. Kết quả\nBa hội nghị.", action="docx"),
        )

    export = Export.objects.get()
    assert response.url == reverse("reports:export", args=[export.pk])
    assert export.status == Export.Status.DONE  # eager here; a worker in production
    assert export.created_by.username == "chuyenvien_btg"
    page = client.get(response.url).content.decode()
    assert "100%" in page and "Tải về" in page
    download = client.get(reverse("reports:export_download", args=[export.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bao-cao-136-cv-hu-thang-9-2021.docx"' in download["Content-Disposition"]
    made = docx.Document(io.BytesIO(b"".join(download.streaming_content)))
    texts = [p.text for p in made.paragraphs]
    assert "Ba hội nghị." in texts
    assert any("Số 47-BC/HU" in c.text for t in made.tables for c in t._cells)


REFUSED = "Chưa có chức vụ người ký (ví dụ: PHÓ BÍ THƯ)"


def test_an_export_without_the_signers_title_keeps_the_edit_and_says_why(summary, client_for):
    text = "1. Kết quả\nThư ký viết lại."
    response = client_for("reviewer").post(
        reverse("reports:summary", args=[summary.pk]),
        _form(summary, results=text, signer_title="", action="pdf"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in page
    assert "Thư ký viết lại." in page
    summary.refresh_from_db()
    assert (summary.results, summary.version) == (text, 2)  # saved, nothing lost
    assert f'name="version" value="{summary.version}"' in page  # the next save is not stale
    assert not Export.objects.exists()


def test_the_api_refuses_an_export_without_the_signers_title(summary, small_directive, reviewer):
    directive = small_directive.directive
    directive.signer_title = ""
    directive.save()
    summary.signer_title = ""
    summary.save()
    api = token_client(reviewer)

    drafted = api.post("/api/v1/exports/", {"summary": summary.pk, "format": "docx"}, format="json")
    composed = api.post(
        "/api/v1/exports/",
        {
            "directive": directive.pk,
            "period_from": small_directive.period.pk,
            "period_to": small_directive.period.pk,
            "format": "pdf",
        },
        format="json",
    )

    for response in (drafted, composed):
        assert response.status_code == 409
        assert REFUSED in response.json()["detail"]
        assert REFUSED in response.json()["reasons"]["signer_title"][0]
    assert not Export.objects.exists()


def test_a_draft_without_a_signer_is_offered_the_directives(summary, client_for):
    """A draft made before the directive's signer was filled in: its form offers it."""
    Summary.objects.filter(pk=summary.pk).update(signer_on_behalf="", signer_title="")

    page = client_for("reviewer").get(reverse("reports:summary", args=[summary.pk]))

    html = page.content.decode()
    assert 'name="signer_title" value="PHÓ BÍ THƯ"' in html
    assert 'name="signer_on_behalf" value="T/M BAN THƯỜNG VỤ"' in html


def test_the_form_offers_the_directives_own_recipients(summary, client_for):
    directive = summary.directive
    directive.cc = ["Như trên,", "Ban Tuyên giáo TU (b/c),", "Lưu VPHU."]
    directive.save()

    page = client_for("reviewer").get(reverse("reports:summary", args=[summary.pk]))

    assert (
        "Nơi nhận của văn bản chỉ đạo: Như trên; Ban Tuyên giáo TU (b/c); Lưu VPHU."
        in page.content.decode()
    )


def test_the_progress_fragment_polls_until_the_export_is_finished(summary, client_for):
    export = Export.objects.create(
        directive=summary.directive, format="pdf", periods="Tháng 9/2021", snapshot={}
    )
    client = client_for("leader")
    url = reverse("reports:export", args=[export.pk])

    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    Export.objects.filter(pk=export.pk).update(status="done", progress=100)
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert running.startswith('<div id="export-progress" hx-get')
    assert "<html" not in running
    assert 'hx-trigger="load delay:1s"' in running
    assert "hx-trigger" not in done
    assert "export-download" in done


def test_an_unfinished_export_cannot_be_downloaded(summary, client_for):
    export = Export.objects.create(
        directive=summary.directive, format="pdf", periods="Tháng 9/2021", snapshot={}
    )

    response = client_for("reviewer").get(reverse("reports:export_download", args=[export.pk]))

    assert response.status_code == 404


def test_the_history_lists_every_export(summary, made_export, client_for):
    page = client_for("leader").get(reverse("reports:summary_list", args=[summary.directive_id]))

    body = page.content.decode()
    assert reverse("reports:export_download", args=[made_export.pk]) in body
    assert "DOCX (Word)" in body
    assert made_export.created_by.get_full_name() in body


# The command line --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "periods"),
    [
        ("2021-09", "2021-09", "Tháng 9/2021"),
        ("2021-10", "2021-12", "Tháng 10/2021"),
        ("2021-08", "2021-10", "Tháng 9/2021 – Tháng 10/2021"),
    ],
)
def test_the_command_takes_the_periods_whose_cutoff_is_in_the_months(
    first, last, periods, small_directive, draft_a, tmp_path
):
    call_command(
        "export_summary",
        "--directive=136-CV/HU",
        f"--from={first}",
        f"--to={last}",
        "--format=xlsx",
        f"--out={tmp_path / 'x.xlsx'}",
    )

    assert Export.objects.get().periods == periods


def test_the_command_exports_a_range_of_months(small_directive, submitted_a, tmp_path):
    out = tmp_path / "bao-cao.docx"

    call_command(
        "export_summary",
        "--directive=136-CV/HU",
        "--from=2021-09",
        "--to=2021-12",
        "--format=docx",
        f"--out={out}",
    )

    made = docx.Document(str(out))
    assert any(submitted_a.achievements in p.text for p in made.paragraphs)
    export = Export.objects.get()
    assert (export.created_by, export.periods, export.summary) == (None, "Tháng 9/2021", None)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--directive=9-CV/HU", "--from=2021-09", "--to=2021-12"], "Không có văn bản số"),
        (["--directive=136-CV/HU", "--from=2021-13", "--to=2021-12"], "không đúng dạng"),
        (["--directive=136-CV/HU", "--from=2022-01", "--to=2022-03"], "không có kỳ nào"),
    ],
)
def test_the_command_explains_bad_arguments(arguments, message, small_directive, tmp_path):
    with pytest.raises(CommandError, match=message):
        call_command("export_summary", *arguments, "--format=pdf", f"--out={tmp_path / 'x'}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_makes_the_export_asked_for_in_a_request(worker, small_directive, client_for):
    summary = summary_compose(
        directive=small_directive.directive,
        period_from=small_directive.period,
        period_to=small_directive.period,
        today=datetime.date(2021, 12, 1),
    )
    summary.save()

    response = client_for("reviewer").post(
        reverse("reports:summary", args=[summary.pk]), _form(summary, action="xlsx")
    )

    export = Export.objects.get()
    assert response.url == reverse("reports:export", args=[export.pk])
    assert wait_for(lambda: Export.objects.get().status == Export.Status.DONE, 60)
    assert Export.objects.get().size > 0
