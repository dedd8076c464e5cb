"""A directive imported from the importer's reading; an export started, followed and
downloaded through the API."""

import pytest

from directives.models import Directive
from reports.summaries.models import Export
from reports.summaries.pipeline import CONTENT_TYPES, export_run

from .conftest import token_client

pytestmark = pytest.mark.django_db

READING = {  # as `manage.py import_directive --json` prints it
    "number": "140-CV/HU",
    "doc_type": "Công văn",
    "date": "2021-09-06",
    "place": "Đông Anh",
    "issuer": "Huyện ủy Đông Anh",
    "parent_issuer": "Đảng bộ thành phố",
    "subject": "V/v tăng cường tuyên truyền",
    "recipients": ["Các chi bộ, đảng bộ trực thuộc"],
    "based_on": ["Công văn số 251-CV/BTGTU"],
    "sections": [
        {
            "number": "1",
            "heading": "Đảng bộ xã A",
            "units": ["Đảng bộ xã A", "Công an huyện (phối hợp)"],
            "tasks": ["Tổ chức quán triệt.", "Báo cáo kết quả."],
        }
    ],
    "signer": {"name": "Nguyễn Văn A", "title": "PHÓ BÍ THƯ"},
    "cc": ["Lưu VPHU."],
}


def test_a_reading_is_saved_as_a_draft_directive(reviewer, unit_a):
    response = token_client(reviewer).post("/api/v1/directives/", READING, format="json")

    assert response.status_code == 201, response.content
    directive = Directive.objects.get(number="140-CV/HU")
    assert directive.status == Directive.Status.DRAFT
    assert directive.doc_type == Directive.DocType.CONG_VAN
    assert directive.subject == "tăng cường tuyên truyền"
    [section] = response.json()["sections"]
    assert [t["text"] for t in section["tasks"]] == ["Tổ chức quán triệt.", "Báo cáo kết quả."]
    assert directive.sections.get().addressees.filter(unit=unit_a).exists()

    again = token_client(reviewer).post("/api/v1/directives/", READING, format="json")
    assert again.status_code == 409  # well-formed, refused by a rule: a conflict
    assert "Đã có văn bản số 140-CV/HU." in again.json()["detail"]


def test_a_reading_with_the_same_section_twice_is_refused(reviewer):
    reading = {**READING, "sections": READING["sections"] * 2}

    response = token_client(reviewer).post("/api/v1/directives/", reading, format="json")

    assert response.status_code == 409
    assert "Số mục bị trùng" in str(response.json())
    assert not Directive.objects.filter(number="140-CV/HU").exists()


def _reading_with(*tasks) -> dict:
    return {**READING, "sections": [{**READING["sections"][0], "tasks": list(tasks)}]}


def test_a_reading_may_set_each_tasks_kind_and_deadline(reviewer, unit_a):
    reading = _reading_with(
        "Báo cáo kết quả trước ngày 15/12/2021.",  # read from its words
        {"text": "Tổ chức quán triệt.", "kind": "deadline", "deadline": "2021-10-15"},
        {  # its date read from the words: 31/12/2021, a Friday
            "text": "Tuyên truyền thường xuyên; sơ kết.",
            "kind": "both",
            "deadline_words": "trong quý IV/2021",
        },
        {"text": "Theo dõi dư luận.", "kind": "ongoing", "deadline": "2021-10-15"},
    )

    response = token_client(reviewer).post("/api/v1/directives/", reading, format="json")

    assert response.status_code == 201, response.content
    [section] = response.json()["sections"]
    assert [(t["kind"], t["deadline"], t["deadline_words"]) for t in section["tasks"]] == [
        ("deadline", "2021-12-15", "trước ngày 15/12/2021"),
        ("deadline", "2021-10-15", ""),
        ("both", "2021-12-31", "trong quý IV/2021"),
        ("ongoing", None, ""),  # an ongoing task keeps no date
    ]


@pytest.mark.parametrize(
    ("task", "field", "message"),
    [
        ({"text": "A", "kind": "doi_khi"}, "kind", "ongoing, deadline hoặc both"),
        ({"text": "A"}, "kind", "Cần loại nhiệm vụ"),
        ({"text": "A", "kind": "deadline", "deadline": "15/10/2021"}, "deadline", "YYYY-MM-DD"),
        ({"text": "A", "kind": "both", "deadline_words": "x" * 65}, "deadline_words", "64"),
        ({"text": "A", "kind": "deadline"}, "deadline", "cần ngày hoàn thành"),
        ({"text": "A", "kind": "deadline", "deadline": None}, "deadline", "cần ngày hoàn thành"),
        ({"kind": "ongoing"}, "text", "Cần nội dung nhiệm vụ"),
    ],
)
def test_a_bad_kind_or_deadline_is_a_400_that_says_why(task, field, message, reviewer):
    response = token_client(reviewer).post(
        "/api/v1/directives/", _reading_with("Tổ chức quán triệt.", task), format="json"
    )

    assert response.status_code == 400
    [reason] = response.json()["sections"]["0"]["tasks"]["1"][field]
    assert message in reason
    assert not Directive.objects.filter(number="140-CV/HU").exists()


def test_a_task_that_is_neither_text_nor_object_is_a_400(reviewer):
    response = token_client(reviewer).post("/api/v1/directives/", _reading_with(12), format="json")

    assert response.status_code == 400
    assert "chuỗi (nội dung) hoặc đối tượng" in str(response.json())


def test_deadline_words_that_name_no_date_are_refused_with_a_409(reviewer):
    task = {"text": "Sơ kết.", "kind": "deadline", "deadline_words": "sớm nhất có thể"}

    response = token_client(reviewer).post(
        "/api/v1/directives/", _reading_with("Tổ chức quán triệt.", task), format="json"
    )

    assert response.status_code == 409  # well-formed, refused by the task's rule
    assert "Nhiệm vụ 1.2: Nhiệm vụ có thời hạn cần ngày hoàn thành" in response.json()["detail"]
    assert not Directive.objects.filter(number="140-CV/HU").exists()


def test_an_export_from_request_to_file(small_directive, submitted_a, reviewer, leader):
    period = small_directive.period
    body = {
        "directive": small_directive.directive.pk,
        "period_from": period.pk,
        "period_to": period.pk,
        "format": "docx",
    }

    started = token_client(reviewer).post("/api/v1/exports/", body, format="json")

    assert started.status_code == 202, started.content
    export = started.json()
    assert (export["status"], export["download"]) == ("queued", None)
    export_run(export["id"])
    done = token_client(leader).get(f"/api/v1/exports/{export['id']}/").json()
    assert done["status"] == "done"
    response = token_client(leader).get(done["download"])
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[Export.Format.DOCX]
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_an_export_needs_periods_of_its_directive(small_directive, reviewer):
    body = {"directive": small_directive.directive.pk, "period_from": 987654, "format": "pdf"}

    response = token_client(reviewer).post("/api/v1/exports/", body, format="json")

    assert response.status_code == 404  # a period that names nothing: not found
    assert "987654" in response.json()["detail"]

    body = {**body, "period_from": small_directive.period.pk}  # no period_to
    response = token_client(reviewer).post("/api/v1/exports/", body, format="json")

    assert response.status_code == 409
    assert "Cần cho trường này khi không cho bản nháp." in response.json()["detail"]
