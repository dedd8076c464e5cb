"""Filing through the API: a draft, an edit (a stale version is a 409 that says who saved),
sending it, and the reviewer's answer; and the token that carries it all."""

import pytest

from api.models import ApiToken
from reports.filing.models import ProgressReport

from .conftest import token_client

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def test_a_report_from_draft_to_accepted(small_directive, reporter_a, reviewer):
    unit = token_client(reporter_a)
    slot = {"assignment": small_directive.assignment_a.pk, "period": small_directive.period.pk}

    created = unit.post(f"{V1}/reports/", {**slot, "percent_done": 30}, format="json")
    assert created.status_code == 201, created.content
    report = created.json()
    assert (report["status"], report["version"], report["percent_done"]) == ("draft", 1, 30)

    again = unit.post(f"{V1}/reports/", {**slot, "percent_done": 35}, format="json")
    assert again.status_code == 409
    assert again.json()["version"] == 1

    url = f"{V1}/reports/{report['id']}/"
    edit = {"version": 1, "assessment": "done", "percent_done": 100, "achievements": "Đã xong."}
    updated = unit.patch(url, edit, format="json")
    assert updated.status_code == 200, updated.content
    assert updated.json()["version"] == 2

    stale = unit.patch(url, {"version": 1, "achievements": "Bản cũ"}, format="json")
    assert stale.status_code == 409
    assert "vừa được" in stale.json()["detail"]
    assert stale.json()["version"] == 2
    assert ProgressReport.objects.get(pk=report["id"]).achievements == "Đã xong."

    sent = unit.post(f"{url}submit/", format="json")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "submitted"
    assert unit.patch(url, {"version": 2, "achievements": "Sửa"}, format="json").status_code == 403

    accepted = token_client(reviewer).post(f"{url}accept/", format="json")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert token_client(reviewer).post(f"{url}accept/", format="json").status_code == 409


def test_an_incomplete_report_is_not_sent(small_directive, reporter_a):
    unit = token_client(reporter_a)
    slot = {"assignment": small_directive.assignment_a.pk, "period": small_directive.period.pk}
    report = unit.post(f"{V1}/reports/", {**slot, "assessment": "done"}, format="json").json()

    response = unit.post(f"{V1}/reports/{report['id']}/submit/", format="json")

    assert response.status_code == 409  # well-formed, but not complete: not sent
    assert set(response.json()["reasons"]) == {"achievements", "percent_done"}
    assert ProgressReport.objects.get(pk=report["id"]).status == "draft"


def test_a_returned_report_carries_its_reason(submitted_a, reviewer, reporter_a):
    url = f"{V1}/reports/{submitted_a.pk}/"
    judge = token_client(reviewer)

    assert judge.post(f"{url}return/", {"reason": "  "}, format="json").status_code == 400
    response = judge.post(f"{url}return/", {"reason": "Bổ sung số liệu."}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert response.json()["transitions"][-1]["reason"] == "Bổ sung số liệu."
    mine = token_client(reporter_a).get(url).json()
    assert mine["status"] == "returned"
    edit = {"version": mine["version"], "achievements": "Đã bổ sung."}
    assert token_client(reporter_a).patch(url, edit, format="json").json()["status"] == "draft"


def test_bad_ids_are_400_ids_naming_nothing_404_never_500(small_directive, reporter_a):
    unit = token_client(reporter_a)
    for body in (
        {"assignment": "x", "period": None},
        {"assignment": 2**70, "period": 2**70},
        {"assignment": 0, "period": small_directive.period.pk},
    ):
        assert unit.post(f"{V1}/reports/", body, format="json").status_code == 400
    for body in (
        {"assignment": 987654, "period": small_directive.period.pk},
        {"assignment": small_directive.assignment_a.pk, "period": 987654},
        {"assignment": small_directive.assignment_b.pk, "period": small_directive.period.pk},
    ):  # names nothing, or another unit's: not found (not disclosed)
        response = unit.post(f"{V1}/reports/", body, format="json")
        assert response.status_code == 404
        assert "không được xem" in response.json()["detail"]
    assert unit.get(f"{V1}/reports/?period=987654").json()["count"] == 0  # an empty page
    assert unit.get(f"{V1}/reports/?period=0").status_code == 400
    assert unit.get(f"{V1}/reports/?status=lost").status_code == 400
    assert unit.get(f"{V1}/reports/?unit={2**70}").status_code == 400
    assert unit.get(f"{V1}/reports/{2**70}/").status_code == 404


def test_a_revoked_token_is_refused(small_directive, reporter_a, client):
    token, key = ApiToken.issue(user=reporter_a, name="tích hợp")
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}

    assert client.get(f"{V1}/reports/", **headers).status_code == 200
    token.revoke()
    response = client.get(f"{V1}/reports/", **headers)

    assert response.status_code == 401
    assert "thu hồi" in response.json()["detail"]
    assert client.get(f"{V1}/reports/", HTTP_AUTHORIZATION="Token dd_sai").status_code == 401


def test_the_session_of_the_pages_works_too(small_directive, reporter_a, client):
    client.force_login(reporter_a)

    assert client.get(f"{V1}/reports/").status_code == 200


def test_list_filters_naming_nothing_give_an_empty_page(small_directive, reporter_a):
    unit = token_client(reporter_a)

    for url in (
        f"{V1}/assignments/?directive=987654",
        f"{V1}/periods/?directive=987654",
        f"{V1}/units/?parent=987654",
        f"{V1}/exports/?directive=987654",
    ):
        response = unit.get(url)
        assert response.status_code in (200, 403), url
        if response.status_code == 200:
            assert response.json()["count"] == 0, url
    assert unit.get(f"{V1}/units/?q=").json()["count"] > 0  # blank: not given
    assert unit.get(f"{V1}/assignments/?directive=").status_code == 400
    assert unit.get(f"{V1}/assignments/?unit=1&unit=2").status_code == 400


@pytest.mark.parametrize(
    ("path", "persona"),
    [
        ("/directives/", "reviewer"),
        ("/reports/", "reporter_a"),
        ("/statistics/aggregate/", "reviewer"),
    ],
)
def test_a_body_too_big_is_a_400_in_vietnamese_in_json(path, persona, request, settings):
    """It was Django's HTML page: the limit is met while DRF reads the body."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    answer = token_client(request.getfixturevalue(persona)).post(
        f"{V1}{path}", {"text": "x" * 4096}, format="json"
    )
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/json"
    assert "quá lớn" in answer.json()["detail"]
