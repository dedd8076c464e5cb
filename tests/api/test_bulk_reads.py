"""Bulk reads of reports: cursor pages of up to 1,000, and a streaming export (CSV,
NDJSON) filterable like the list, in a fixed number of queries per page."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory, force_authenticate

from api.views.reports import ReportViewSet
from directives.services import assignments_sync
from reports.filing.models import ProgressReport
from reports.filing.selectors import report_rows
from reports.periods.services import periods_generate

from ..factories import (
    VN,
    AddresseeFactory,
    DirectiveFactory,
    ProgressReportFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UnitGroupFactory,
)
from .conftest import token_client

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _many(units: int, directive=None):
    """A directive of two tasks to `units` units, each having sent its September report."""
    units = UnitFactory.create_batch(units)
    directive = directive or DirectiveFactory()
    section = SectionFactory(directive=directive)
    TaskFactory.create_batch(2, section=section)
    AddresseeFactory(section=section, unit=None, group=UnitGroupFactory(members=units))
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=datetime.date(2021, 9, 10))
    period = directive.periods.get()
    for assignment in directive.sections.get().tasks.first().assignments.all():
        ProgressReportFactory(
            assignment=assignment,
            period=period,
            status=ProgressReport.Status.SUBMITTED,
            submitted_at=datetime.datetime(2021, 9, 20, 9, tzinfo=VN),
            achievements='=HYPERLINK("http://x")' if assignment.unit == units[0] else "Đã làm.",
        )
    return directive, period


def test_a_report_says_whether_it_was_sent_on_time(submitted_a, reviewer):
    """It was always null: the serializer read an attribute no report has."""
    on_time = token_client(reviewer).get(f"{V1}/reports/{submitted_a.pk}/").json()["on_time"]
    assert on_time is (submitted_a.submitted_at < datetime.datetime(2021, 9, 21, tzinfo=VN))
    assert on_time is not None


@pytest.mark.parametrize("units", [5, 40])
def test_cursor_pages_read_every_report_once_in_a_fixed_number_of_queries(units, reviewer):
    directive, _period = _many(units)
    client = token_client(reviewer)
    url, seen, counts = f"{V1}/reports/bulk/?directive={directive.pk}&page_size=3", [], []
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200, page.content
        counts.append(len(queries))
        seen += [r["id"] for r in page.json()["results"]]
        url = page.json()["next"]
    assert sorted(seen) == sorted(
        ProgressReport.objects.filter(period__directive=directive).values_list("pk", flat=True)
    )
    assert len(set(seen)) == len(seen) == units
    # The same few queries a page, however many reports (the first also reads the token).
    assert max(counts) <= 5 and len(set(counts[1:])) <= 1


def test_cursor_pages_hold_at_most_1000(reviewer):
    _many(2)
    client = token_client(reviewer)
    assert client.get(f"{V1}/reports/bulk/?page_size=1000").status_code == 200
    refused = client.get(f"{V1}/reports/bulk/?page_size=1001")
    assert refused.status_code == 400
    assert "1000" in json.dumps(refused.json(), ensure_ascii=False)
    assert client.get(f"{V1}/reports/bulk/?cursor=rác").status_code in (400, 404)


@pytest.mark.parametrize("output", ["csv", "ndjson"])
@pytest.mark.parametrize("units", [5, 40])
def test_the_stream_holds_every_report_in_a_fixed_number_of_queries(output, units, reviewer):
    directive, period = _many(units)
    _many(3)  # another directive's, filtered out
    client = token_client(reviewer)
    answer = client.get(f"{V1}/reports/stream/?output={output}&directive={directive.pk}")
    body = b"".join(answer.streaming_content).decode()
    assert answer.status_code == 200
    if output == "csv":
        assert answer["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    else:
        assert answer["Content-Type"].startswith("application/x-ndjson")
        rows = [json.loads(line) for line in body.splitlines()]
    assert len(rows) == units
    assert {str(r["period"]) for r in rows} == {str(period.pk)}
    assert {str(r["on_time"]) for r in rows} <= {"True", "true", "1"}
    formulas = [r["achievements"] for r in rows if "HYPERLINK" in r["achievements"]]
    # In CSV a formula stays text (a leading apostrophe); NDJSON carries the text as is.
    assert formulas == (
        ['\'=HYPERLINK("http://x")'] if output == "csv" else ['=HYPERLINK("http://x")']
    )


@pytest.mark.parametrize("chunk", [4, 7, 100])
def test_the_rows_are_read_a_chunk_at_a_time(chunk):
    """Two queries a chunk (the reports, their indicators), and, after a full last
    chunk, the one that finds no more; each report once, in order."""
    directive, _period = _many(20)
    reports = ProgressReport.objects.filter(period__directive=directive)
    with CaptureQueriesContext(connection) as queries:
        rows = list(report_rows(reports, chunk=chunk))
    assert [r["id"] for r in rows] == sorted(reports.values_list("pk", flat=True))
    assert len(queries) == 2 * -(-20 // chunk) + (20 % chunk == 0)


def test_the_stream_costs_the_same_queries_whatever_the_number(reviewer):
    counts = []
    for units in (3, 30):
        directive, _period = _many(units)
        client = token_client(reviewer)
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(f"{V1}/reports/stream/?output=ndjson&directive={directive.pk}")
            b"".join(answer.streaming_content)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_stream_shows_only_what_the_reader_may_see(small_directive, submitted_a, reporter_b):
    """Unit B's reporter sees its own draft and nothing of unit A."""
    ProgressReportFactory(assignment=small_directive.assignment_b, period=small_directive.period)
    body = b"".join(
        token_client(reporter_b).get(f"{V1}/reports/stream/?output=ndjson").streaming_content
    )
    rows = [json.loads(line) for line in body.decode().splitlines()]
    assert [r["unit"] for r in rows] == [small_directive.assignment_b.unit_id]


@pytest.mark.parametrize(
    "query", ["output=xml", "output=csv&directive=abc", "output=csv&status=lạ", "output="]
)
def test_a_bad_stream_request_is_400_in_vietnamese(query, reviewer):
    answer = token_client(reviewer).get(f"{V1}/reports/stream/?{query}")
    assert answer.status_code == 400
    assert any(ord(c) > 127 for c in json.dumps(answer.json(), ensure_ascii=False))


def test_head_on_the_stream_answers_its_headers_without_reading_the_reports(reviewer):
    """A server runs the view for HEAD and reads its whole answer to throw it away
    (gunicorn does): the stream must not read a directive's reports to write nothing."""
    directive, _period = _many(4)
    request = APIRequestFactory().head(
        f"{V1}/reports/stream/", {"output": "csv", "directive": directive.pk}
    )
    force_authenticate(request, user=reviewer)
    with CaptureQueriesContext(connection) as queries:
        answer = ReportViewSet.as_view({"get": "stream"})(request)
        body = b"".join(answer.streaming_content)  # as the server reads it
    assert answer.status_code == 200
    assert body.decode().count("\n") == 1  # the CSV's header, which the server drops
    assert not [q for q in queries if "reports_progressreport" in q["sql"]]
