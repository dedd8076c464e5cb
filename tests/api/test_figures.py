"""The API's figures are the dashboard's: the same function, the same numbers as the
overview page shows, for the same directive and period."""

import datetime

import pytest
from django.urls import reverse

from reports.figures import engine as figures
from reports.filing.models import ProgressReport

from ..conftest import login
from ..factories import ProgressReportFactory, ReportingPeriodFactory
from .conftest import token_client

pytestmark = pytest.mark.django_db

NAMES = (
    "expected", "received", "on_time", "missing", "overdue", "behind",
    "completeness", "timeliness", "mean_percent", "done_share",
)  # fmt: skip


@pytest.fixture
def two_months(small_directive, submitted_a, draft_b):
    october = ReportingPeriodFactory(
        directive=small_directive.directive,
        label="Tháng 10/2021",
        start=datetime.date(2021, 9, 15),
        cutoff=datetime.date(2021, 10, 14),
        due=datetime.date(2021, 10, 20),
    )
    ProgressReportFactory(
        assignment=small_directive.assignment_a,
        period=october,
        accepted=True,
        assessment=ProgressReport.Assessment.DONE,
        percent_done=100,
    )
    return small_directive.directive, [small_directive.period, october]


@pytest.mark.parametrize("persona", ["reviewer", "leader"])
def test_the_figures_are_the_overviews(persona, two_months, request):
    directive, periods = two_months
    user = request.getfixturevalue(persona)

    api = token_client(user).get(f"/api/v1/directives/{directive.pk}/figures/").json()
    page = login(user).get(reverse("reports:overview", args=[directive.pk])).context
    trend = figures.trend(directive=directive)

    assert [p["period"] for p in api["periods"]] == [p.pk for p in periods]
    for row, shown, computed in zip(api["periods"], page["trend"], trend, strict=True):
        for name in NAMES:
            assert row[name] == getattr(shown.figures, name) == getattr(computed.figures, name)
    assert api["periods"][0]["received"] == 1
    assert api["periods"][0]["expected"] == 2


def test_one_periods_figures_are_the_overviews_for_that_period(two_months, reviewer):
    directive, periods = two_months

    for period in periods:
        api = token_client(reviewer).get(
            f"/api/v1/directives/{directive.pk}/figures/?period={period.pk}"
        )
        page = login(reviewer).get(
            reverse("reports:overview", args=[directive.pk]) + f"?ky={period.pk}"
        )

        [row] = api.json()["periods"]
        assert row["period"] == page.context["period"].pk == period.pk
        for name in NAMES:
            assert row[name] == getattr(page.context["current"], name)


def test_a_period_of_another_directive_is_a_404(two_months, reviewer):
    directive, _periods = two_months
    other = ReportingPeriodFactory()

    response = token_client(reviewer).get(
        f"/api/v1/directives/{directive.pk}/figures/?period={other.pk}"
    )

    assert response.status_code == 404
    assert "không có kỳ" in response.json()["detail"]


def test_the_statistics_add_up_across_instances(two_months, reviewer):
    directive, periods = two_months
    client = token_client(reviewer)
    statistics = client.get(f"/api/v1/directives/{directive.pk}/statistics/").json()

    assert statistics["format"] == "dondoc.statistics/1"
    assert [p["label"] for p in statistics["periods"]] == [p.label for p in periods]
    assert {u["unit"] for u in statistics["last_period"]["units"]} == {
        "Đảng bộ xã A",
        "Đảng bộ xã B",
    }

    summed = client.post(
        "/api/v1/statistics/aggregate/",
        {"directive": directive.pk, "statistics": [statistics, statistics]},
        format="json",
    )

    assert summed.status_code == 200, summed.content
    september = summed.json()["periods"][0]
    assert september["sources"] == 3
    assert september["expected"] == 3 * statistics["periods"][0]["expected"]
    assert september["completeness"] == statistics["periods"][0]["completeness"]


def test_statistics_that_do_not_add_up_are_refused(two_months, reviewer):
    directive, _periods = two_months
    client = token_client(reviewer)
    statistics = client.get(f"/api/v1/directives/{directive.pk}/statistics/").json()
    statistics["periods"][0]["received"] = statistics["periods"][0]["expected"] + 1

    response = client.post(
        "/api/v1/statistics/aggregate/", {"statistics": [statistics]}, format="json"
    )

    assert response.status_code == 409


def test_aggregating_with_a_directive_that_names_nothing_is_a_404(reviewer):
    response = token_client(reviewer).post(
        "/api/v1/statistics/aggregate/",
        {"directive": 987654, "statistics": []},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["detail"] == "Không có văn bản này."
