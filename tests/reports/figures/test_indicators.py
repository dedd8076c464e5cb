"""Indicators in the browser: each one's total by its aggregation, and its total in each
period, on the overview, the task page and the roll-up, equal to what the summary
export reads."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from directives.models import Indicator
from reports.figures.indicators import indicator_totals
from reports.filing.models import IndicatorValue
from reports.summaries.tally import tally

from ...conftest import login
from ...factories import VN, ProgressReportFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def figures(small_directive):
    """Two periods; "Số tin, bài" summed over them, "Số chi bộ" the latest figure. Unit A
    sent both periods, unit B only September, and has a draft in October."""
    sd = small_directive
    october = ReportingPeriodFactory(
        directive=sd.directive,
        label="Tháng 10/2021",
        start=D(2021, 9, 15),
        cutoff=D(2021, 10, 14),
        due=D(2021, 10, 18),
    )
    articles = Indicator.objects.create(task=sd.task, name="Số tin, bài", unit_of_measure="bài")
    branches = Indicator.objects.create(
        task=sd.task,
        name="Số chi bộ đã quán triệt",
        unit_of_measure="chi bộ",
        aggregation=Indicator.Aggregation.LATEST,
        order=1,
    )
    given = [
        (sd.assignment_a, sd.period, 100, 12, True),
        (sd.assignment_a, october, 63, 15, True),
        (sd.assignment_b, sd.period, 40, 7, True),
        (sd.assignment_b, october, 1000, 900, False),  # a draft: never counted
    ]
    for assignment, period, n_articles, n_branches, sent in given:
        report = ProgressReportFactory(
            assignment=assignment,
            period=period,
            submitted=sent,
            submitted_at=datetime.datetime(2021, 10, 1, 9, tzinfo=VN) if sent else None,
        )
        IndicatorValue.objects.create(report=report, indicator=articles, value=n_articles)
        IndicatorValue.objects.create(report=report, indicator=branches, value=n_branches)
    return sd, october, articles, branches


def test_each_indicator_is_totalled_by_its_aggregation_and_by_period(figures):
    sd, october, articles, branches = figures

    totals = indicator_totals(
        indicators=[articles, branches], periods=[sd.period, october], by_period=True
    )

    assert [(t.value, t.units) for t in totals] == [(Decimal(203), 2), (Decimal(22), 2)]
    assert [v for _p, v in totals[0].by_period] == [Decimal(140), Decimal(63)]
    assert [v for _p, v in totals[1].by_period] == [Decimal(19), Decimal(15)]
    exported = tally(directive=sd.directive, periods=[sd.period, october])
    assert [(t.value, t.units) for t in exported.indicators] == [(t.value, t.units) for t in totals]


@pytest.mark.parametrize("page", ["overview", "task page", "rollup"])
def test_leadership_reads_the_totals_on_the_pages(page, figures, leader):
    sd, october, _articles, _branches = figures
    urls = {
        "overview": reverse("reports:overview", args=[sd.directive.pk]),
        "task page": reverse("reports:task_page", args=[sd.directive.pk, sd.task.pk]),
        "rollup": reverse("reports:rollup", args=[sd.directive.pk]),
    }

    html = login(leader).get(f"{urls[page]}?ky={october.pk}").content.decode()

    assert '<span class="fs-4 rate" data-total>203</span> bài' in html
    assert '<span class="fs-4 rate" data-total>22</span> chi bộ' in html
    assert "<title>140</title>" in html  # September's bar
    assert "Cộng đến hết tháng 10/2021" in html


def test_the_totals_stop_at_the_period_chosen(figures, leader):
    sd, _october, _articles, _branches = figures
    url = reverse("reports:overview", args=[sd.directive.pk]) + f"?ky={sd.period.pk}"

    html = login(leader).get(url).content.decode()

    assert '<span class="fs-4 rate" data-total>140</span> bài' in html
