"""An export's frozen figures (issue 20): the rows of its tables kept in a stream file
beside the snapshot, read back row by row, and the same file made from them every time."""

import datetime
import io
import re
import zipfile

import pytest

from reports.summaries import frozen, pipeline, workbook

from ...factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def test_tables_written_to_a_stream_are_read_back_row_by_row_as_often_as_asked():
    store = io.BytesIO()
    keeper = frozen.Stream(store)
    matrix = keeper.keep(["Tháng 9/2021", f"Đảng bộ xã {i}", "accepted"] for i in range(2500))
    empty = keeper.keep(iter(()))
    annex = keeper.keep([[1, '=HYPERLINK("x")', 2, None, 87.5]])
    snapshot = {"matrix": {"rows": matrix}, "annex": {"rows": annex, "total": []}}

    ready = frozen.attached(snapshot, lambda: io.BytesIO(store.getvalue()))

    rows = ready["matrix"]["rows"]
    assert len(rows) == 2500 and matrix == {"at": 0, "count": 2500}
    assert list(rows)[-1] == ["Tháng 9/2021", "Đảng bộ xã 2499", "accepted"]
    assert sum(1 for _row in rows) == 2500  # again, from the start
    assert list(ready["annex"]["rows"]) == [[1, '=HYPERLINK("x")', 2, None, 87.5]]
    assert list(frozen.Rows(lambda: io.BytesIO(store.getvalue()), **empty)) == []
    assert snapshot["matrix"]["rows"] is matrix  # the stored snapshot keeps its offsets


def test_rows_kept_inline_stay_in_the_snapshot():
    snapshot = {"annex": {"rows": frozen.Inline().keep(iter([[1, "A"]]))}}

    assert frozen.attached(snapshot, None) == {"annex": {"rows": [[1, "A"]]}}


def test_rows_in_a_file_the_export_lost_are_not_taken_for_none():
    with pytest.raises(ValueError, match="annex"):
        frozen.attached({"annex": {"rows": {"at": 0, "count": 3}}}, None)


@pytest.mark.parametrize("format", ["docx", "xlsx", "pdf"])
def test_an_export_keeps_its_rows_beside_its_snapshot(format, summary, reviewer):
    export = pipeline.export_now(summary=summary, format=format, by=reviewer)

    for table in ("matrix", "annex"):
        assert set(export.snapshot[table]["rows"]) == {"at", "count"}
    assert export.figures.name.endswith(".jsonl.gz")
    annex = export.frozen()["annex"]
    assert [row[1] for row in annex["rows"]] == ["Đảng bộ xã A", "Đảng bộ xã B"]
    drawn = [
        ["Tháng 9/2021", "Đảng bộ xã A", "submitted"],
        ["Tháng 9/2021", "Đảng bộ xã B", "overdue"],
    ]
    matrix = list(export.frozen()["matrix"]["rows"])
    assert matrix == (drawn if format == "xlsx" else [])  # only a workbook draws it


# What a file holds of the moment it was written, set aside to compare two makings.
STAMPS = {
    "docx": [re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")],
    "xlsx": [re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")],
    "pdf": [re.compile(rb"/(CreationDate|ModDate) \([^)]*\)"), re.compile(rb"/ID \[[^\]]*\]")],
}


def content(data: bytes, format: str) -> list[tuple[str, bytes]]:
    """A file's content without its own time stamps: each part of a zip (DOCX, XLSX),
    the PDF's bytes."""
    parts = [("", data)]
    if format != "pdf":
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            parts = [(name, packed.read(name)) for name in sorted(packed.namelist())]
    for pattern in STAMPS[format]:
        parts = [(name, pattern.sub(b"", part)) for name, part in parts]
    return parts


@pytest.mark.parametrize("format", ["docx", "xlsx", "pdf"])
def test_an_export_made_twice_from_its_snapshot_is_the_same(format, summary, reviewer):
    export = pipeline.export_now(summary=summary, format=format, by=reviewer)
    made = export.file.open("rb").read()

    again = io.BytesIO()
    pipeline.RENDERERS[format](export.frozen(), again)

    assert content(again.getvalue(), format) == content(made, format)
    if format != "pdf":  # (a PDF's text is compressed)
        assert b"136-CV/HU" in b"".join(part for _name, part in content(made, format))


def test_the_bar_moves_through_every_phase_of_an_export(
    summary, small_directive, reviewer, monkeypatch
):
    """Freezing the figures (a step a period) and writing the file (row by row) each move
    the bar: it never goes back, and does not jump from the start to the end."""
    for month in (10, 11, 12):
        ReportingPeriodFactory(
            directive=small_directive.directive,
            label=f"Tháng {month}/2021",
            start=datetime.date(2021, month - 1, 15),
            cutoff=datetime.date(2021, month, 14),
            due=datetime.date(2021, month, 20),
        )
    summary.period_to = small_directive.directive.periods.order_by("start").last()
    summary.save()
    offered = []
    shown = pipeline._Progress.__call__
    monkeypatch.setattr(
        pipeline._Progress,
        "__call__",
        lambda self, fraction: (offered.append(fraction), shown(self, fraction))[1],
    )
    monkeypatch.setattr(workbook, "PROGRESS_EVERY", 1)  # a step a row, on so small a workbook

    pipeline.export_now(summary=summary, format="xlsx", by=reviewer)

    assert offered == sorted(offered)
    freezing = [f for f in offered if 0 < f < pipeline.FIGURES_SHARE]
    writing = [f for f in offered if pipeline.FIGURES_SHARE < f < 1]
    assert len(set(freezing)) >= 4  # after the tally, then a period at a time
    assert len(set(writing)) >= 4
