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
