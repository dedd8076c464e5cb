"""Every endpoint for every persona, as tests/reports/test_view_permissions.py walks the
pages: who gets in, who is refused, and that refusals change nothing. A report the user
may not see is a 404; an action its role may not take on one it sees is a 403."""

import pytest

from directives.models import Directive
from reports.filing.models import ProgressReport, ReportTransition
from reports.summaries.models import Export

from ..conftest import PERSONAS

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
READS = {
    "directive list": lambda w: f"{V1}/directives/",
    "directive detail": lambda w: f"{V1}/directives/{w.directive.pk}/",
    "units": lambda w: f"{V1}/units/",
    "assignments": lambda w: f"{V1}/assignments/?directive={w.directive.pk}",
    "periods": lambda w: f"{V1}/periods/?directive={w.directive.pk}",
    "report list": lambda w: f"{V1}/reports/",
    "report pages": lambda w: f"{V1}/reports/bulk/?page_size=1000",
    "report stream": lambda w: f"{V1}/reports/stream/?output=csv",
    "report A (sent)": lambda w: f"{V1}/reports/{w.submitted_a.pk}/",
    "report B (draft)": lambda w: f"{V1}/reports/{w.draft_b.pk}/",
    "figures": lambda w: f"{V1}/directives/{w.directive.pk}/figures/",
    "statistics": lambda w: f"{V1}/directives/{w.directive.pk}/statistics/",
    "export list": lambda w: f"{V1}/exports/",
    "export": lambda w: f"{V1}/exports/{w.export.pk}/",
    "export download": lambda w: f"{V1}/exports/{w.export.pk}/download/",
}
# GET status per endpoint, for:       reporter_a reporter_b reviewer leader
READ_STATUS = {
    "directive list": (200, 200, 200, 200),
    "directive detail": (200, 200, 200, 200),
    "units": (200, 200, 200, 200),
    "assignments": (200, 200, 200, 200),
    "periods": (200, 200, 200, 200),
    "report list": (200, 200, 200, 200),
    "report pages": (200, 200, 200, 200),
    "report stream": (200, 200, 200, 200),
    "report A (sent)": (200, 404, 200, 200),
    "report B (draft)": (404, 200, 404, 404),
    "figures": (403, 403, 200, 200),
    "statistics": (403, 403, 200, 200),
    "export list": (403, 403, 200, 200),
    "export": (403, 403, 200, 200),
    "export download": (403, 403, 200, 200),
}
WALK = [
    pytest.param(endpoint, persona, code, id=f"{endpoint}-{persona}")
    for endpoint, codes in READ_STATUS.items()
    for persona, code in zip(PERSONAS[1:], codes, strict=True)
]


@pytest.mark.parametrize(("endpoint", "persona", "status"), WALK)
def test_every_read_for_every_persona(endpoint, persona, status, world, api_for):
    response = api_for(persona).get(READS[endpoint](world))

    assert response.status_code == status
    if response.streaming:
        body = b"".join(response.streaming_content)
        if endpoint == "export download":
            assert body.startswith(b"%PDF")
            return
        body = body.decode()
    else:
        body = response.content.decode()
    assert world.draft_b.achievements not in body or persona == "reporter_b"
    if status in (403, 404):
        assert response.json()["detail"]


@pytest.mark.parametrize("endpoint", READS)
def test_anonymous_callers_get_401(endpoint, world, api_for):
    response = api_for("anonymous").get(READS[endpoint](world))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_a_list_never_holds_another_units_draft(persona, world, api_for):
    ids = {r["id"] for r in api_for(persona).get(f"{V1}/reports/").json()["results"]}

    assert (world.draft_b.pk in ids) is (persona == "reporter_b")
    assert (world.submitted_a.pk in ids) is (persona != "reporter_b")
    drafts = api_for(persona).get(f"{V1}/reports/?status=draft").json()["results"]
    assert [r["id"] for r in drafts] == ([world.draft_b.pk] if persona == "reporter_b" else [])


def _snapshot():
    return (
        list(ProgressReport.objects.order_by("pk").values()),
        ReportTransition.objects.count(),
        Directive.objects.count(),
        Export.objects.count(),
    )


def _writes(w):
    report = {"assessment": "done", "percent_done": 100, "achievements": "Ghi đè"}
    slot = {"assignment": w.assignment_a.pk, "period": w.period.pk}
    a, b = f"{V1}/reports/{w.submitted_a.pk}", f"{V1}/reports/{w.draft_b.pk}"
    section = {"number": "1", "heading": "Thử", "units": ["Đảng bộ xã A"], "tasks": ["Thử."]}
    directive = {
        "number": "12-KH/HU",
        "date": "2021-10-01",
        "issuer": "Huyện ủy",
        "subject": "V/v thử",
        "sections": [section],
    }
    return {
        "file A's report": ("post", f"{V1}/reports/", {**slot, **report}),
        "edit B's draft": ("patch", f"{b}/", {"version": 1, **report}),
        "submit A's report": ("post", f"{a}/submit/", {}),
        "submit B's draft": ("post", f"{b}/submit/", {}),
        "accept A's report": ("post", f"{a}/accept/", {}),
        "return A's report": ("post", f"{a}/return/", {"reason": "Bổ sung số liệu."}),
        "accept B's draft": ("post", f"{b}/accept/", {}),
        "import a directive": ("post", f"{V1}/directives/", directive),
        "export": ("post", f"{V1}/exports/", {"summary": w.summary.pk, "format": "docx"}),
        "aggregate": (
            "post",
            f"{V1}/statistics/aggregate/",
            {"directive": w.directive.pk, "statistics": []},
        ),
    }


# Status per write, for:                reporter_a reporter_b reviewer leader
WRITE_STATUS = {
    # A: sent already (stale version 0); B and the reviewer (who files for its own board):
    # not theirs, not disclosed.
    "file A's report": (409, 404, 404, 403),
    "edit B's draft": (404, 200, 404, 404),
    "submit A's report": (403, 404, 403, 403),
    "submit B's draft": (404, 200, 404, 404),
    "accept A's report": (403, 404, 200, 403),
    "return A's report": (403, 404, 200, 403),
    "accept B's draft": (404, 403, 404, 404),  # unit B sees its draft; nobody reviews one
    "import a directive": (403, 403, 201, 403),
    "export": (403, 403, 202, 403),
    "aggregate": (403, 403, 200, 200),
}
WRITES = [
    pytest.param(write, persona, code, id=f"{write}-{persona}")
    for write, codes in WRITE_STATUS.items()
    for persona, code in zip(PERSONAS[1:], codes, strict=True)
]
ALLOWED = {(w, p) for w, p, code in (x.values for x in WRITES) if code in (200, 201, 202)}


@pytest.mark.parametrize(("write", "persona", "status"), WRITES)
def test_every_write_for_every_persona(write, persona, status, world, api_for):
    method, url, data = _writes(world)[write]
    before = _snapshot()

    response = getattr(api_for(persona), method)(url, data, format="json")

    assert response.status_code == status, response.content
    if (write, persona) not in ALLOWED and write != "aggregate":
        assert _snapshot() == before


@pytest.mark.parametrize("write", WRITE_STATUS)
def test_anonymous_writes_get_401_and_change_nothing(write, world, api_for):
    method, url, data = _writes(world)[write]
    before = _snapshot()

    response = getattr(api_for("anonymous"), method)(url, data, format="json")

    assert response.status_code == 401
    assert _snapshot() == before


@pytest.mark.parametrize("persona", ["anonymous", "reviewer"])
def test_options_on_every_endpoint_answers_without_a_server_error(persona, world, api_for):
    """OPTIONS (what an endpoint accepts) on every read and write, the schema and its
    page: DRF describes a write by its serializer, and one endpoint had none (500)."""
    urls = [read(world) for read in READS.values()]
    urls += [url for _method, url, _data in _writes(world).values()]
    urls += ["/api/schema/", "/api/tai-lieu/"]
    client = api_for(persona)

    answers = {url: client.options(url).status_code for url in urls}

    assert {url: code for url, code in answers.items() if code >= 500} == {}


def _refusals(w):
    """Requests the API refuses with DRF's or Django's own words: each must come back in
    Vietnamese. (method, url, body, content type, accept)"""
    missing = f"{V1}/reports/{w.draft_b.pk}/"  # unit B's draft: not there for the reviewer
    return {
        "no such report": ("get", missing, None, None, None),
        "no such report to accept": ("post", f"{missing}accept/", {}, "application/json", None),
        "no such directive": ("get", f"{V1}/directives/999999/", None, None, None),
        "no such page": ("get", f"{V1}/reports/?page=999", None, None, None),
        "HTML asked for": ("get", f"{V1}/reports/", None, None, "text/html"),
        "not JSON sent": ("post", f"{V1}/reports/", "văn bản", "text/plain", None),
        "broken JSON": ("post", f"{V1}/reports/", "{", "application/json", None),
    }


REFUSALS = ["no such report", "no such report to accept", "no such directive", "no such page",
            "HTML asked for", "not JSON sent", "broken JSON"]  # fmt: skip
ENGLISH = ("matches the given query", "Invalid page", "Could not satisfy", "Unsupported media",
           "Expecting", "line 1 column")  # fmt: skip


@pytest.mark.parametrize("refusal", REFUSALS)
def test_every_refusal_is_in_vietnamese(refusal, world, api_for):
    method, url, body, content_type, accept = _refusals(world)[refusal]
    client = api_for("reviewer")
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    if content_type:
        extra["content_type"] = content_type

    response = getattr(client, method)(url, body, **extra)

    assert 400 <= response.status_code < 500
    detail = response.json()["detail"]
    assert not [words for words in ENGLISH if words in detail], detail
    assert any(letter in detail for letter in "ăâđêôơưạảấầẩậắằẳặẹẻẽếềểệịọỏốồổộớờởợụủứừửựỳỷ"), detail
