"""What an outside probe sent that the app did not take well: characters no XML file may
hold, JSON nested past any use, a file whose name lies about its content, texts made of
invisible characters, a tampered formset count, a letter too big to post, and a GET that
changed something. Each is refused or cleaned, never a server error."""

import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives.models import Directive
from reports.filing.comments import comment_add
from reports.filing.evidence import PDF, evidence_add
from reports.filing.models import Comment, Evidence, ProgressReport
from reports.filing.services import report_save_draft, report_submit
from reports.notifications.models import Notification
from units.models import Unit

from .api.conftest import token_client
from .conftest import login
from .directives.test_letter_review import _accept
from .factories import ProgressReportFactory
from .reports.filing.test_evidence import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
NOT_XML = "\ufffe\uffff\x01\x0b\x1f"


def _download(client, period):
    return client.get(reverse("reports:spreadsheet_download", args=[period.pk]))


def _cells(response) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row]


# 1. Characters XML 1.0 forbids --------------------------------------------------------------


def test_clean_text_drops_what_xml_forbids_and_keeps_the_rest():
    from units.text import clean_text

    kept = "Tab\tdòng\nmới\r\n, ký tự: €, ‘’, 😀, \u200b, \ufffd, \U0010fffd"

    assert clean_text(kept) == kept
    assert clean_text(f"A{NOT_XML}\x00\ud800\udfffB") == "AB"


def test_clean_text_drops_the_controls_that_turn_the_text_around_it():
    """An unclosed U+202E in one unit's text reversed the names of the units after it in
    a summary's paragraph (DOCX and PDF): the embedding, override and isolate controls
    are dropped; right-to-left letters themselves are kept."""
    from units.text import clean_text

    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert clean_text(f"مرحبا שלום {controls}Xã A") == "مرحبا שלום Xã A"


def _post_report_a(sd, reporter_a, button: str, **texts):
    """Unit A's report form for the period, posted with `texts` and `button` pressed."""
    url = reverse("reports:file", args=[sd.assignment_a.pk, sd.period.pk])
    data = {"assessment": "in_progress", "percent_done": "30", button: ""}
    data |= {"achievements": "", "difficulties": "", "proposals": ""} | texts
    return login(reporter_a).post(url, data)


def test_a_forbidden_character_typed_in_the_report_form_is_not_stored(small_directive, reporter_a):
    sd = small_directive
    response = _post_report_a(
        sd,
        reporter_a,
        "save",
        achievements=f"Đã họp{NOT_XML} triển khai.",
        difficulties="Thiếu\ufffe kinh phí",
    )

    assert response.status_code == 302
    report = ProgressReport.objects.get(assignment=sd.assignment_a, period=sd.period)
    assert (report.achievements, report.difficulties) == ("Đã họp triển khai.", "Thiếu kinh phí")
    assert _download(login(reporter_a), sd.period).status_code == 200


def test_a_forbidden_character_sent_through_the_api_is_not_stored(small_directive, reporter_a):
    sd = small_directive
    body = {
        "assignment": sd.assignment_a.pk,
        "period": sd.period.pk,
        "percent_done": 30,
        "achievements": f"Đã họp{NOT_XML} triển khai.",
        "proposals": "Đề nghị\ud800 hỗ trợ",  # a lone surrogate, as JSON may write it
    }

    response = token_client(reporter_a).post(
        f"{V1}/reports/", json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get(assignment=sd.assignment_a, period=sd.period)
    assert (report.achievements, report.proposals) == ("Đã họp triển khai.", "Đề nghị hỗ trợ")
    assert _download(login(reporter_a), sd.period).status_code == 200


def test_the_period_spreadsheet_opens_whatever_text_is_already_stored(
    small_directive, reporter_a, reviewer
):
    sd = small_directive
    ProgressReportFactory(
        assignment=sd.assignment_a,
        period=sd.period,
        submitted=True,
        submitted_by=reporter_a,
        achievements=f"Kết quả{NOT_XML} tốt",
    )
    sd.assignment_a.unit.name += "\ufffe"
    Unit.objects.filter(pk=sd.assignment_a.unit_id).update(name=sd.assignment_a.unit.name)

    response = _download(login(reviewer), sd.period)

    assert response.status_code == 200
    assert "Kết quả tốt" in _cells(response)
    assert "Đảng bộ xã A" in _cells(response)


def test_a_forbidden_character_in_an_uploaded_letter_is_not_kept(reviewer):
    text = "HUYỆN ỦY\ufffe TUY PHƯỚC\nSố 1-CV/HU\n\nVề việc\uffff thử\x01 nghiệm"

    response = login(reviewer).post(
        reverse("directives:import"),
        {"file": SimpleUploadedFile("cong-van.txt", text.encode())},
    )

    assert response.status_code == 200
    letter = response.context["header"]["letter"].value()
    assert letter == "HUYỆN ỦY TUY PHƯỚC\nSố 1-CV/HU\n\nVề việc thử nghiệm"


# 2. JSON nested past any use ------------------------------------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("path", "persona"),
    [("/reports/", "reporter_a"), ("/exports/", "reviewer"), ("/statistics/aggregate/", "leader")],
)
def test_json_nested_too_deep_is_a_400_in_vietnamese(path, persona, small_directive, request):
    response = token_client(request.getfixturevalue(persona)).post(
        V1 + path, _nested(1100), content_type="application/json"
    )

    assert response.status_code == 400
    assert "lồng nhau quá sâu" in response.json()["detail"]


def test_json_nested_deeper_than_any_body_needs_is_refused_too(small_directive, reporter_a):
    body = {"assignment": small_directive.assignment_a.pk, "achievements": json.loads(_nested(80))}

    response = token_client(reporter_a).post(
        f"{V1}/reports/", json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 400
    assert "lồng nhau quá sâu" in response.json()["detail"]


def test_a_body_that_is_not_json_is_a_400_in_vietnamese(small_directive, reporter_a):
    response = token_client(reporter_a).post(
        f"{V1}/reports/", '{"assignment": ', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Nội dung gửi lên không phải JSON hợp lệ")


# 3. Evidence named by its content ---------------------------------------------------------


def test_evidence_takes_the_extension_of_what_it_is(draft_a, reporter_a):
    def added(name, content):
        upload = SimpleUploadedFile(name, content, "application/octet-stream")
        return evidence_add(report=draft_a, upload=upload, by=reporter_a).name

    assert added("poly.html", pdf_bytes()) == "poly.pdf"
    assert added("anh.svg", png_bytes()) == "anh.png"
    assert added("bien-ban", pdf_bytes()) == "bien-ban.pdf"
    assert added("bien-ban v1.2", pdf_bytes()) == "bien-ban v1.2.pdf"
    assert added("Quét.PDF", pdf_bytes()) == "Quét.PDF"


def test_a_pdf_named_html_downloads_as_a_pdf(draft_a, reporter_a):
    client = login(reporter_a)
    client.post(
        reverse("reports:evidence_upload", args=[draft_a.pk]),
        {"file": SimpleUploadedFile("poly.html", pdf_bytes(), "text/html")},
    )
    evidence = Evidence.objects.get()

    response = client.get(reverse("reports:evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    assert 'filename="poly.pdf"' in response["Content-Disposition"]
    assert ".html" not in response["Content-Disposition"]


def test_evidence_stored_under_a_lying_name_still_downloads_by_its_type(draft_a, reporter_a):
    evidence = evidence_add(
        report=draft_a,
        upload=SimpleUploadedFile("poly.pdf", pdf_bytes(), PDF),
        by=reporter_a,
    )
    Evidence.objects.filter(pk=evidence.pk).update(name="poly.html")  # kept before the fix

    response = login(reporter_a).get(reverse("reports:evidence_download", args=[evidence.pk]))

    assert 'filename="poly.pdf"' in response["Content-Disposition"]


# 4. Texts of invisible characters are empty -----------------------------------------------

INVISIBLE = ["\u200b", "\u200c\u200d", "\u2060\ufeff", "\xa0\xa0", " \u200b\n\u3000\u00ad "]


@pytest.mark.parametrize("text", INVISIBLE)
def test_is_blank_sees_through_invisible_characters(text):
    from units.text import is_blank

    assert is_blank(text)
    assert not is_blank(text + "x")


@pytest.mark.parametrize("text", INVISIBLE)
def test_a_report_of_invisible_characters_is_not_sent(text, small_directive, reporter_a):
    sd = small_directive
    report = report_save_draft(
        assignment=sd.assignment_a,
        period=sd.period,
        by=reporter_a,
        data={"assessment": "blocked", "achievements": text, "difficulties": text},
    )

    with pytest.raises(ValidationError) as refusal:
        report_submit(report=report, by=reporter_a)

    assert set(refusal.value.message_dict) == {"achievements", "difficulties"}
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT


def test_a_report_of_invisible_characters_is_not_sent_from_the_form(small_directive, reporter_a):
    response = _post_report_a(
        small_directive, reporter_a, "submit", achievements="\u200b\u200c\u2060\ufeff"
    )

    assert "Cần nêu kết quả thực hiện trước khi gửi báo cáo." in response.content.decode()
    assert not ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED).exists()


@pytest.mark.parametrize("text", INVISIBLE)
def test_a_comment_of_invisible_characters_is_refused(text, submitted_a, reviewer):
    with pytest.raises(ValidationError) as refusal:
        comment_add(report=submitted_a, author=reviewer, text=text)

    assert refusal.value.message_dict == {"text": ["Chưa nhập nội dung trao đổi."]}
    assert not Comment.objects.exists()


def test_a_comment_of_invisible_characters_posted_is_refused(submitted_a, reviewer):
    response = login(reviewer).post(
        reverse("reports:comment_add", args=[submitted_a.pk]), {"text": "\u200b\u200d\ufeff"}
    )

    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_a_return_reason_of_invisible_characters_is_refused(submitted_a, reviewer):
    response = login(reviewer).post(
        reverse("reports:return", args=[submitted_a.pk]), {"reason": "\u200b\u2060"}
    )

    assert response.status_code < 500
    submitted_a.refresh_from_db()
    assert submitted_a.status == ProgressReport.Status.SUBMITTED


# 5. A tampered formset count on the letter's review ---------------------------------------


@pytest.fixture
def letter() -> str:
    from demo import data as demo

    return demo.LETTER.read_text(encoding="utf-8")


@pytest.mark.parametrize("field", ["muc-TOTAL_FORMS", "muc-INITIAL_FORMS", "muc-0-nv-TOTAL_FORMS"])
def test_a_negative_form_count_saves_nothing(field, letter, reviewer):
    client = login(reviewer)
    data = _accept(client.post(reverse("directives:import"), {"text": letter}))
    data |= {"issuer": "Cơ quan chưa từng có", field: "-1"}
    units = Unit.objects.count()

    response = client.post(reverse("directives:import_save"), data)

    assert response.status_code == 200
    assert "Dữ liệu biểu mẫu không đầy đủ hoặc đã bị sửa" in response.content.decode()
    assert not Directive.objects.exists()
    assert Unit.objects.count() == units


# 6. A letter too big to post ----------------------------------------------------------------


def test_a_pasted_letter_too_big_to_post_gets_a_message_in_vietnamese(reviewer):
    client = login(reviewer)

    response = client.post(reverse("directives:import"), {"text": "Nội dung. " * 500_000})

    assert response.status_code == 400
    page = response.content.decode()
    assert "quá lớn" in page
    assert "tải lên tệp" in page
    assert 'id="bell"' in page  # the site's page, with its header, not a bare one
    assert client.get(reverse("directives:import")).status_code == 200


# 7. Opening a notification ----------------------------------------------------------------


def test_a_get_of_a_notification_changes_nothing(reporter_a):
    notice = Notification.objects.create(user=reporter_a, message="Nhắc hạn.", url="/van-ban/")
    client = login(reporter_a)

    response = client.get(reverse("reports:notification_open", args=[notice.pk]))

    assert response.status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None
    assert 'data-unread="1"' in client.get(reverse("reports:notifications")).content.decode()


def test_the_list_opens_a_notification_by_a_post_that_marks_it_read(reporter_a):
    notice = Notification.objects.create(user=reporter_a, message="Nhắc hạn.", url="/van-ban/")
    client = login(reporter_a)
    url = reverse("reports:notification_open", args=[notice.pk])

    page = client.get(reverse("reports:notifications")).content.decode()
    assert f'<form method="post" action="{url}"' in page
    assert f'href="{url}"' not in page

    response = client.post(url)

    assert (response.status_code, response.url) == (302, "/van-ban/")
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'data-unread="' not in client.get(reverse("reports:notifications")).content.decode()


def test_opening_a_notification_needs_the_csrf_token(reporter_a):
    from django.test import Client

    notice = Notification.objects.create(user=reporter_a, message="Nhắc hạn.", url="/van-ban/")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter_a)

    response = client.post(reverse("reports:notification_open", args=[notice.pk]))

    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


# Digits that are not numbers ------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["²", "１", "١٢", "-1", "1e3", " 7", "", None, "9" * 20, str(2**63)]
)
def test_whole_number_takes_ascii_digits_that_fit_a_database_id(text):
    from units.text import whole_number

    assert whole_number(text) is None


def test_whole_number_reads_a_number_up_to_its_limit():
    from units.text import whole_number

    assert whole_number("0012") == 12
    assert whole_number(str(2**63 - 1)) == 2**63 - 1
    assert whole_number("2100", most=2100) == 2100
    assert whole_number("2101", most=2100) is None


@pytest.mark.parametrize("value", ["²", "9" * 20])
def test_a_number_in_a_link_that_is_not_one_is_ignored(value, small_directive, leader, reviewer):
    """str.isdigit() says yes to "²", which int() and the database refuse: a server error
    on the roll-up, the portfolio and a new reorganisation, each now shown as if the
    parameter were absent. (Too many digits for the database was one as well.)"""
    directive = small_directive.directive
    pages = [
        (leader, reverse("reports:rollup", args=[directive.pk]), "don_vi"),
        (leader, reverse("reports:dashboard_index"), "nam"),
        (leader, reverse("reports:dashboard_index"), "van_ban"),
        (leader, reverse("reports:dashboard_index"), "don_vi"),
        (reviewer, reverse("reorganisations:act_new"), "don_vi"),
    ]
    for user, url, name in pages:
        client = login(user)
        client.raise_request_exception = False

        assert client.get(url, {name: value}).status_code == 200, (url, name)


def test_a_directive_id_too_big_for_the_database_finds_no_letter(reviewer):
    """The letter is looked up by its directive's id: on SQLite a number past 64 bits
    was a server error (PostgreSQL: not found)."""
    url = reverse("directives:letter_download", args=["9" * 20])
    client = login(reviewer)
    client.raise_request_exception = False

    assert client.get(url).status_code == 404


def test_a_get_of_a_post_only_page_says_so_in_vietnamese(small_directive, reviewer):
    """A link to an action (accept, publish …) opened in the browser: 405 with the site's
    page in Vietnamese, not an empty one. The API's 405 stays JSON."""
    url = reverse("reports:accept", args=[1])
    response = login(reviewer).get(url)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "script-src" in response["Content-Security-Policy"]
    assert "Thao tác này chỉ thực hiện bằng nút bấm trên trang" in response.content.decode()
    api = token_client(reviewer).get("/api/v1/reports/1/accept/")
    assert api.status_code == 405 and api["Content-Type"] == "application/json"
