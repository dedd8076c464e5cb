"""A summary of many units, as a reader can use it (issue 20): above ANNEX_UNITS_MAX
units the DOCX and PDF annexes sum the units by the tree level below the issuer, and say
where each unit's figures are; the workbook keeps every unit and the matrix. Only the
workbook draws the matrix, so only its export reads the slots one by one."""

import datetime
import io

import docx
import openpyxl
import pytest
from django.urls import reverse

from directives.models import Role
from directives.services import assignments_sync
from reports.figures import engine
from reports.filing.models import ProgressReport
from reports.periods.services import periods_generate
from reports.summaries import levels, pipeline
from reports.summaries.compose import summary_compose
from units.models import Unit, UnitGroup

from ...factories import (
    VN,
    AddresseeFactory,
    DirectiveFactory,
    MembershipFactory,
    SectionFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def province():
    """A province committee over two districts of three communes each, and one unit
    outside the tree (a front), all given one monthly task; half the communes report."""
    top = UnitFactory(name="Tỉnh ủy", kind=Unit.Kind.PARTY_COMMITTEE)
    districts = [UnitFactory(name=f"Huyện ủy {d}", parent=top) for d in "AB"]
    communes = [
        UnitFactory(name=f"Xã {d}{n}", parent=districts["AB".index(d)])
        for d in "AB"
        for n in range(3)
    ]
    front = UnitFactory(name="Mặt trận tỉnh", kind=Unit.Kind.FRONT)
    directive = DirectiveFactory(issuer=top, issued_on=D(2021, 8, 25))
    section = SectionFactory(directive=directive, number="1", order=1)
    task = TaskFactory(section=section, order=1)
    for unit in [*communes, front]:
        AddresseeFactory(section=section, unit=unit, role=Role.LEAD)
    assignments_sync(directive=directive)
    periods_generate(directive=directive, until=D(2021, 9, 14))
    period = directive.periods.get()
    for commune in communes[::2]:
        ProgressReport.objects.create(
            assignment=commune.assignments.get(),
            period=period,
            status="submitted",
            submitted_at=datetime.datetime(2021, 9, 17, 9, tzinfo=VN),
        )
    reviewer = MembershipFactory(unit=top, role="reviewer", user=UserFactory()).user
    summary = summary_compose(
        directive=directive, period_from=period, period_to=period, by=reviewer,
        today=D(2021, 9, 25),
    )  # fmt: skip
    summary.save()
    return {"summary": summary, "reviewer": reviewer, "directive": directive, "task": task}


def _docx_annex(export) -> list[list[str]]:
    document = docx.Document(io.BytesIO(export.file.open("rb").read()))
    table = document.tables[-1]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_a_large_annex_is_summed_by_the_level_below_the_issuer(province, monkeypatch):
    monkeypatch.setattr(levels, "ANNEX_UNITS_MAX", 3)
    export = pipeline.export_now(
        summary=province["summary"], format="docx", by=province["reviewer"]
    )

    annex = export.frozen()["annex"]
    assert [row[1] for row in annex["rows"]] == [
        "Huyện ủy A (3 đơn vị)", "Huyện ủy B (3 đơn vị)", "Mặt trận tỉnh",
    ]  # fmt: skip
    assert [row[2:4] for row in annex["rows"]] == [[3, 2], [3, 1], [1, 0]]
    total = engine.total(
        directive=province["directive"], periods=list(province["directive"].periods.all())
    )
    assert annex["total"][2:4] == [total.expected, total.received] == [7, 3]
    assert "7 đơn vị" in annex["note"] and "XLSX" in annex["note"]
    assert list(export.frozen()["matrix"]["rows"]) == []  # only a workbook draws it
    shown = _docx_annex(export)
    assert [row[1] for row in shown[1:-1]] == [row[1] for row in annex["rows"]]


def test_the_workbook_keeps_every_unit_and_the_matrix(province, monkeypatch):
    monkeypatch.setattr(levels, "ANNEX_UNITS_MAX", 3)
    export = pipeline.export_now(
        summary=province["summary"], format="xlsx", by=province["reviewer"]
    )

    frozen = export.frozen()
    assert len(frozen["annex"]["rows"]) == len(list(frozen["annex"]["rows"])) == 7
    assert len(frozen["matrix"]["rows"]) == len(list(frozen["matrix"]["rows"])) == 7
    book = openpyxl.load_workbook(export.file.open("rb"))
    assert "Xã A0" in {c for row in book["Phụ lục"].iter_rows(values_only=True) for c in row}


def test_a_small_annex_stays_unit_by_unit(province):
    export = pipeline.export_now(summary=province["summary"], format="pdf", by=province["reviewer"])

    assert len(export.frozen()["annex"]["rows"]) == 7 and "note" not in export.snapshot["annex"]


def _export(province, format="docx", by="auto"):
    summary = province["summary"]
    summary.annex_by = by
    summary.save()
    return pipeline.export_now(summary=summary, format=format, by=province["reviewer"])


def test_the_secretary_sums_the_annex_a_level_further_down(province):
    export = _export(province, by="below2")

    annex = export.frozen()["annex"]
    assert [row[1] for row in annex["rows"]] == [
        "Mặt trận tỉnh",
        "Xã A0",
        "Xã A1",
        "Xã A2",
        "Xã B0",
        "Xã B1",
        "Xã B2",
    ]  # fmt: skip: each its own row, the front as high as it stands
    assert "cấp dưới của các đơn vị trực thuộc Tỉnh ủy" in annex["note"]


def test_the_secretary_sums_the_annex_by_the_groups_given_the_task(province):
    group = UnitGroup.objects.create(name="Các xã ven biển")
    group.members.add(*Unit.objects.filter(name__in=["Xã A0", "Xã A1", "Xã B0"]))
    AddresseeFactory(section=province["task"].section, unit=None, group=group, role=Role.LEAD)

    annex = _export(province, by="group").frozen()["annex"]

    assert [(row[1], *row[2:4]) for row in annex["rows"]] == [
        ("Các xã ven biển (3 đơn vị)", 3, 1),  # of A0, A2, B1, only A0 reported
        ("Các đơn vị khác (4 đơn vị)", 4, 2),
    ]
    assert "nhóm đơn vị" in annex["note"]


def test_the_secretary_asks_for_every_unit_however_many(province, monkeypatch):
    monkeypatch.setattr(levels, "ANNEX_UNITS_MAX", 3)

    export = _export(province, by="unit")

    assert len(export.frozen()["annex"]["rows"]) == 7 and "note" not in export.snapshot["annex"]
    assert len(_docx_annex(export)) == 1 + 7 + 1  # header, the units, the total


def test_the_choice_is_made_on_the_draft_and_kept_by_its_export(province, client):
    summary = province["summary"]
    client.force_login(province["reviewer"])
    page = client.get(reverse("reports:summary", args=[summary.pk])).content.decode()
    assert 'name="annex_by"' in page and "Cộng theo nhóm đơn vị được giao nhiệm vụ" in page

    form = {name: value for name, value in _fields(summary).items()} | {"annex_by": "below"}
    client.post(reverse("reports:summary", args=[summary.pk]), form)

    summary.refresh_from_db()
    assert summary.annex_by == "below"
    export = pipeline.export_now(summary=summary, format="pdf", by=province["reviewer"])
    assert export.snapshot["annex_by"] == "below" and "note" in export.snapshot["annex"]
    bad = client.post(reverse("reports:summary", args=[summary.pk]), form | {"annex_by": "x"})
    assert bad.status_code == 200 and "không phải là một trong các lựa chọn" in bad.content.decode()


def _fields(summary) -> dict:
    """What the edit page posts, as it stands."""
    from reports.summaries.forms import SummaryForm

    form = SummaryForm(instance=summary, initial={"version": summary.version})
    data = {name: form[name].value() for name in form.fields}
    data["dated"] = summary.dated.strftime("%d/%m/%Y")
    return {name: "" if value is None else value for name, value in data.items()}
