"""Evidence files: the type read from the content, size and count limits, only editable
reports take files, who may upload, download and remove, and how a file is served."""

import datetime
import io
import os
import re
import struct
import zipfile
import zlib

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports.filing import evidence as rules
from reports.filing.evidence import DOCX, JPEG, PDF, PNG, XLSX, evidence_add, evidence_delete
from reports.filing.models import Evidence, PeriodReopening, ProgressReport
from reports.periods.models import ReportingPeriod

from ...conftest import PERSONAS, login
from ...factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

# Tiny real files, made here ---------------------------------------------------------------


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    """A 1×1 white pixel."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A JFIF header (SOI, APP0) and the end marker: what a JPEG starts and ends with."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/></Relationships>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
PPT_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def zip_of(entries: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return buffer.getvalue()


WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:document xmlns:w="{WORD_NS}">'
    "<w:body><w:p><w:r><w:t>Biên bản hội nghị quán triệt</w:t></w:r></w:p></w:body>"
    "</w:document>"
)


def types_of(*declarations: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CT_NS}">'
        + "".join(declarations)
        + "</Types>"
    )


def _entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {name: package.read(name) for name in package.namelist()}


def docx_bytes(
    *,
    main_type: str = WORD_MAIN,
    first: dict | None = None,
    target: str = "word/document.xml",
    document: str = DOCUMENT,
    rels: str | None = None,
) -> bytes:
    """A minimal Word document: the package's content types, its relationship to the main
    part, and the main part. `first` puts other entries ahead of them."""
    content_types = types_of(
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>',
    )
    return zip_of(
        {
            **(first or {}),
            "[Content_Types].xml": content_types,
            "_rels/.rels": RELS.format(target=target) if rels is None else rels,
            "word/document.xml": document,
        }
    )


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Chi bộ", "Số đảng viên dự"])
    workbook.active.append(["Chi bộ thôn 1", 45])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pptx_bytes() -> bytes:
    content_types = (
        f'<Types xmlns="{CT_NS}">'
        f'<Override PartName="/ppt/presentation.xml" ContentType="{PPT_MAIN}"/></Types>'
    )
    return zip_of(
        {
            "[Content_Types].xml": content_types,
            "_rels/.rels": RELS.format(target="ppt/presentation.xml"),
            "ppt/presentation.xml": "<p:presentation/>",
        }
    )


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def upload(name: str, content: bytes, claimed: str = "application/octet-stream"):
    """What the browser sends; its claimed content type is ignored by design."""
    return SimpleUploadedFile(name, content, content_type=claimed)


def attach(report: ProgressReport, name: str, content: bytes, content_type: str = PDF):
    """A file already on a report, whatever its status (as if added while it was a draft)."""
    evidence = Evidence(report=report, name=name, content_type=content_type, size=len(content))
    evidence.file.save(name, ContentFile(content), save=True)
    return evidence


# The rules: types by content ----------------------------------------------------------------

ACCEPTED = [
    pytest.param("bien-ban.pdf", pdf_bytes, PDF, ".pdf", id="pdf"),
    pytest.param("anh-hoi-nghi.png", png_bytes, PNG, ".png", id="png"),
    pytest.param("anh-hoi-nghi.jpg", jpeg_bytes, JPEG, ".jpg", id="jpg"),
    pytest.param("bao-cao.docx", docx_bytes, DOCX, ".docx", id="docx"),
    pytest.param("so-lieu.xlsx", xlsx_bytes, XLSX, ".xlsx", id="xlsx"),
]


@pytest.mark.parametrize(("name", "make", "content_type", "suffix"), ACCEPTED)
def test_each_accepted_type_is_stored_with_its_type_and_exact_bytes(
    name, make, content_type, suffix, draft_a, reporter_a
):
    content = make()

    evidence = evidence_add(report=draft_a, upload=upload(name, content), by=reporter_a)

    evidence.refresh_from_db()
    assert evidence.name == name
    assert evidence.content_type == content_type
    assert evidence.size == len(content)
    assert evidence.uploaded_by == reporter_a
    assert evidence.file.name.startswith("evidence/")
    assert evidence.file.name.endswith(suffix)
    with default_storage.open(evidence.file.name, "rb") as stored:
        assert stored.read() == content


def test_the_type_comes_from_the_content_not_the_name(draft_a, reporter_a):
    """A workbook named .docx is a workbook; a PDF named .png is a PDF."""
    as_docx = evidence_add(
        report=draft_a, upload=upload("so-lieu.docx", xlsx_bytes(), DOCX), by=reporter_a
    )
    as_png = evidence_add(
        report=draft_a, upload=upload("quet.png", pdf_bytes(), PNG), by=reporter_a
    )

    assert (as_docx.content_type, as_png.content_type) == (XLSX, PDF)
    assert as_docx.file.name.endswith(".xlsx")
    assert as_docx.name == "so-lieu.xlsx"  # offered for download as what it is


def test_a_docx_whose_parts_come_in_another_order_is_still_a_docx(draft_a, reporter_a):
    """filetype peeks at the first entries only; the package itself decides."""
    padding = {f"customXml/item{i}.xml": f"<x>{i}</x>" for i in range(6)}

    evidence = evidence_add(
        report=draft_a, upload=upload("bao-cao.docx", docx_bytes(first=padding)), by=reporter_a
    )

    assert evidence.content_type == DOCX


REFUSED = [
    pytest.param("chuong-trinh.exe", EXE, id="exe"),
    pytest.param("bao-cao.pdf", EXE, id="exe named pdf"),
    pytest.param("bao-cao.docx", zip_of({"ghi-chu.txt": "Không phải văn bản Word"}), id="zip"),
    pytest.param(
        "bao-cao.docx", zip_of({"word/document.xml": "<w:document/>"}), id="word folder only"
    ),
    pytest.param("bao-cao.docx", docx_bytes(main_type=WORD_MACRO_MAIN), id="docm named docx"),
    pytest.param("bao-cao.docx", pptx_bytes(), id="pptx named docx"),
    pytest.param("bao-cao.pdf", "Chỉ là văn bản thuần.\n".encode(), id="txt named pdf"),
    pytest.param("anh.png", b"<html><script>alert(1)</script></html>", id="html named png"),
    pytest.param("anh.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", id="gif"),
    pytest.param("bao-cao.docx", b"PK\x03\x04 not really a zip", id="broken zip"),
]


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_other_content_is_refused_naming_the_file(name, content, draft_a, reporter_a):
    with pytest.raises(ValidationError) as refused:
        evidence_add(report=draft_a, upload=upload(name, content, PDF), by=reporter_a)

    assert refused.value.messages == [f"Tệp “{name}” không phải PDF, DOCX, XLSX, JPG hoặc PNG."]
    assert not Evidence.objects.exists()


# The package is read as Office reads it: _rels/.rels names the main part, and that part,
# its content type and its root element decide.

STRICT_RELS = RELS.replace(
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
STRICT_DOCUMENT = DOCUMENT.replace(WORD_NS, "http://purl.oclc.org/ooxml/wordprocessingml/main")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(docx_bytes(target="/word/document.xml"), DOCX, id="absolute target"),
        pytest.param(docx_bytes(target="./word/document.xml"), DOCX, id="dot target"),
        pytest.param(
            docx_bytes(
                rels=STRICT_RELS.format(target="word/document.xml"), document=STRICT_DOCUMENT
            ),
            DOCX,
            id="strict ooxml",
        ),
        pytest.param(
            zip_of(
                {
                    "[Content_Types].xml": types_of(
                        f'<Default Extension="xml" ContentType="{WORD_MAIN}"/>'
                    ),
                    "_rels/.rels": RELS.format(target="word/document.xml"),
                    "word/document.xml": DOCUMENT,
                }
            ),
            DOCX,
            id="main type from a default",
        ),
        pytest.param(
            zip_of(
                {
                    "[Content_Types].xml": types_of(
                        f'<Override PartName="/WORD/Document.XML" ContentType="{WORD_MAIN}"/>'
                    ),
                    "_rels/.rels": RELS.format(target="word/document.xml"),
                    "Word/document.xml": DOCUMENT,
                }
            ),
            DOCX,
            id="part names in another case",
        ),
    ],
)
def test_the_main_part_is_found_as_office_finds_it(content, expected):
    assert rules.content_type_of(upload("x.docx", content)) == expected


def test_a_real_xlsx_and_docx_pass_the_package_check():
    assert rules.content_type_of(upload("x.xlsx", xlsx_bytes())) == XLSX
    assert rules.content_type_of(upload("x.docx", docx_bytes())) == DOCX


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ha">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    f'<w:document xmlns:w="{WORD_NS}"><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body>'
    "</w:document>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f'<w:document xmlns:w="{WORD_NS}"><w:body><w:t>&x;</w:t></w:body></w:document>'
)
DOCTYPE_ONLY = f'<!DOCTYPE w:document><w:document xmlns:w="{WORD_NS}"/>'
TWO_MAIN_RELS = RELS.replace(
    "</Relationships>",
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="evil.xml"/></Relationships>',
)
WORD_TEMPLATE_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
)
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _xlsx_as(main_type: str) -> bytes:
    """The real workbook written by openpyxl, its main part declared as main_type."""
    entries = {}
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes())) as package:
        for name in package.namelist():
            entries[name] = package.read(name)
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        main_type.encode(),
    )
    return zip_of(entries)


BYPASSES = [
    # What the review found: a Default for an extension claims the main type, and any
    # entry with that extension used to pass as the document.
    pytest.param(
        zip_of(
            {
                "[Content_Types].xml": types_of(
                    f'<Default Extension="xml" ContentType="{WORD_MAIN}"/>'
                ),
                "evil.xml": "<evil/>",
            }
        ),
        id="review: default xml",
    ),
    pytest.param(
        zip_of(
            {
                "[Content_Types].xml": types_of(
                    f'<Default Extension="exe" ContentType="{WORD_MAIN}"/>'
                ),
                "evil.exe": EXE,
            }
        ),
        id="review: default exe",
    ),
    # ... and the same with a relationship pointing at the impostor.
    pytest.param(
        zip_of(
            {
                "[Content_Types].xml": types_of(
                    f'<Default Extension="exe" ContentType="{WORD_MAIN}"/>'
                ),
                "_rels/.rels": RELS.format(target="evil.exe"),
                "evil.exe": EXE,
            }
        ),
        id="rels to an exe typed as word",
    ),
    pytest.param(
        zip_of(
            {
                "[Content_Types].xml": types_of(
                    f'<Default Extension="xml" ContentType="{WORD_MAIN}"/>'
                ),
                "_rels/.rels": RELS.format(target="evil.xml"),
                "evil.xml": "<evil/>",
            }
        ),
        id="rels to xml with another root",
    ),
    pytest.param(docx_bytes(target="word/missing.xml"), id="rels to a missing part"),
    pytest.param(
        zip_of({k: v for k, v in _entries(docx_bytes()).items() if k != "_rels/.rels"}),
        id="no rels",
    ),
    pytest.param(
        zip_of({k: v for k, v in _entries(docx_bytes()).items() if k != "word/document.xml"}),
        id="main part missing",
    ),
    pytest.param(
        docx_bytes(
            document='<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
        ),
        id="workbook root in a docx",
    ),
    pytest.param(docx_bytes(document=f'<w:body xmlns:w="{WORD_NS}"/>'), id="wrong root"),
    pytest.param(docx_bytes(document="<document/>"), id="root without namespace"),
    pytest.param(docx_bytes(document="PK not xml at all"), id="main part not xml"),
    pytest.param(docx_bytes(document=BILLION_LAUGHS), id="entity expansion"),
    pytest.param(docx_bytes(document=EXTERNAL_ENTITY), id="external entity"),
    pytest.param(docx_bytes(document=DOCTYPE_ONLY), id="doctype"),
    pytest.param(
        docx_bytes(
            rels=RELS.format(target="word/document.xml").replace("<Rel", "<!DOCTYPE r><Rel", 1)
        ),
        id="doctype in rels",
    ),
    pytest.param(docx_bytes(rels=TWO_MAIN_RELS.format(target="word/document.xml")), id="two mains"),
    pytest.param(
        docx_bytes(
            rels=RELS.format(target="https://evil.example/word/document.xml").replace(
                "/>", ' TargetMode="External"/>'
            )
        ),
        id="external target",
    ),
    pytest.param(docx_bytes(target="../word/document.xml"), id="target outside the package"),
    pytest.param(docx_bytes(main_type=WORD_TEMPLATE_MAIN), id="dotx named docx"),
    pytest.param(_xlsx_as(XLSM_MAIN), id="xlsm named xlsx"),
    pytest.param(
        docx_bytes(first={"WORD/DOCUMENT.XML": "<evil/>"}), id="two entries for the main part"
    ),
    pytest.param(
        docx_bytes(first={f"customXml/item{i}.xml": "" for i in range(rules._ZIP_MAX_ENTRIES)}),
        id="too many entries",
    ),
    pytest.param(
        docx_bytes(
            document=DOCUMENT.replace("</w:document>", " " * rules._MAIN_PART_MAX_BYTES)
            + "</w:document>"
        ),
        id="main part too big",
    ),
    pytest.param(
        docx_bytes(rels=RELS.format(target="word/document.xml") + " " * (1024 * 1024)),
        id="rels too big",
    ),
]


@pytest.mark.parametrize("content", BYPASSES)
def test_a_package_that_only_claims_to_be_a_document_is_refused(content, draft_a, reporter_a):
    with pytest.raises(ValidationError) as refused:
        evidence_add(report=draft_a, upload=upload("bao-cao.docx", content), by=reporter_a)

    assert refused.value.messages == [
        "Tệp “bao-cao.docx” không phải PDF, DOCX, XLSX, JPG hoặc PNG."
    ]
    assert not Evidence.objects.exists()


def test_the_main_part_is_read_only_up_to_its_root(monkeypatch):
    """A main part is not decompressed whole: its root element decides, then reading stops."""
    reads = []
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = original(self, n)
        if self.name == "word/document.xml":
            reads.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    padding = "<w:p/>" * (rules._MAIN_PART_MAX_BYTES // 10)
    content = docx_bytes(document=DOCUMENT.replace("<w:body>", "<w:body>" + padding))

    assert rules.content_type_of(upload("x.docx", content)) == DOCX
    assert sum(reads) <= rules._READ_CHUNK


def test_an_empty_file_is_refused(draft_a, reporter_a):
    with pytest.raises(ValidationError, match=re.escape("Tệp “trong.pdf” không có nội dung.")):
        evidence_add(report=draft_a, upload=upload("trong.pdf", b""), by=reporter_a)

    assert not Evidence.objects.exists()


def test_the_size_limit_comes_from_settings(settings, draft_a, reporter_a):
    settings.EVIDENCE_MAX_MB = 1
    limit = 1024 * 1024
    at_limit = pdf_bytes().ljust(limit, b"\n")
    over = pdf_bytes().ljust(limit + 1, b"\n")

    evidence_add(report=draft_a, upload=upload("vua-du.pdf", at_limit), by=reporter_a)
    with pytest.raises(ValidationError) as refused:
        evidence_add(report=draft_a, upload=upload("qua-lon.pdf", over), by=reporter_a)

    assert refused.value.messages == ["Tệp “qua-lon.pdf” lớn hơn 1 MB."]
    assert list(Evidence.objects.values_list("name", flat=True)) == ["vua-du.pdf"]


def test_the_default_limit_is_20_mb(draft_a, reporter_a):
    assert rules.max_mb() == 20
    over = pdf_bytes().ljust(20 * 1024 * 1024 + 1, b"\n")

    with pytest.raises(ValidationError, match="lớn hơn 20 MB"):
        evidence_add(report=draft_a, upload=upload("y.pdf", over), by=reporter_a)


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_a_sent_report_takes_no_new_file(status, small_directive, reporter_a):
    report = ProgressReportFactory(
        assignment=small_directive.assignment_a, period=small_directive.period, **{status: True}
    )

    with pytest.raises(ValidationError, match="Báo cáo đã gửi nên không đính kèm thêm tệp"):
        evidence_add(report=report, upload=upload("x.pdf", pdf_bytes()), by=reporter_a)

    assert not Evidence.objects.exists()


def test_a_report_sent_meanwhile_takes_no_new_file(draft_a, reporter_a):
    """The view holds the report as it was when the page was drawn; the rule reads it again."""
    ProgressReport.objects.filter(pk=draft_a.pk).update(
        status=ProgressReport.Status.SUBMITTED, submitted_at="2021-09-17T09:00+07:00"
    )

    with pytest.raises(ValidationError, match="Báo cáo đã gửi"):
        evidence_add(report=draft_a, upload=upload("x.pdf", pdf_bytes()), by=reporter_a)


def test_a_returned_report_takes_files(small_directive, reporter_a):
    report = ProgressReportFactory(
        assignment=small_directive.assignment_a, period=small_directive.period, returned=True
    )

    evidence_add(report=report, upload=upload("bo-sung.pdf", pdf_bytes()), by=reporter_a)

    assert report.evidence.count() == 1


def test_a_report_holds_at_most_20_files(draft_a, reporter_a):
    for i in range(rules.MAX_FILES_PER_REPORT):
        evidence_add(report=draft_a, upload=upload(f"tep-{i}.pdf", pdf_bytes()), by=reporter_a)

    with pytest.raises(ValidationError, match="đã có 20 tệp minh chứng"):
        evidence_add(report=draft_a, upload=upload("tep-21.pdf", pdf_bytes()), by=reporter_a)

    assert draft_a.evidence.count() == 20


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("C:\\Users\\canbo\\Desktop\\bien-ban.pdf", "bien-ban.pdf"),
        ("bie\u0302n-ba\u0309n.pdf", "biên-bản.pdf"),  # decomposed, as macOS sends it
        ("bao\x00\x1fcao.pdf", "baocao.pdf"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_the_name_kept_is_clean(sent, kept, draft_a, reporter_a):
    evidence = evidence_add(report=draft_a, upload=upload("x.pdf", pdf_bytes()), by=reporter_a)

    assert rules.clean_name(sent) == kept
    assert len(rules.clean_name(sent)) <= Evidence._meta.get_field("name").max_length
    assert evidence.name == "x.pdf"


def test_removing_a_file_deletes_the_stored_copy_after_commit(
    draft_a, reporter_a, django_capture_on_commit_callbacks
):
    evidence = evidence_add(report=draft_a, upload=upload("x.pdf", pdf_bytes()), by=reporter_a)
    stored = evidence.file.name

    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=evidence, by=reporter_a)

    assert not Evidence.objects.exists()
    assert not default_storage.exists(stored)


def test_a_sent_reports_files_stay(submitted_a, reporter_a):
    evidence = attach(submitted_a, "x.pdf", pdf_bytes())

    with pytest.raises(ValidationError, match=re.escape("không xóa được tệp “x.pdf”")):
        evidence_delete(evidence=evidence, by=reporter_a)

    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert default_storage.exists(evidence.file.name)


# Views: upload --------------------------------------------------------------------------------


def _upload_url(report) -> str:
    return reverse("reports:evidence_upload", args=[report.pk])


def _form_url(report) -> str:
    return reverse("reports:file", args=[report.assignment_id, report.period_id])


def _detail_url(report) -> str:
    return reverse("reports:detail", args=[report.pk])


def test_the_unit_uploads_from_the_form_and_returns_to_it(draft_a, reporter_a):
    client = login(reporter_a)

    response = client.post(
        _upload_url(draft_a),
        {"file": upload("bien-ban.pdf", pdf_bytes()), "next": _form_url(draft_a)},
    )

    assert response.status_code == 302
    assert response.url == _form_url(draft_a) + "#minh-chung"
    evidence = draft_a.evidence.get()
    assert (evidence.name, evidence.content_type, evidence.uploaded_by) == (
        "bien-ban.pdf",
        PDF,
        reporter_a,
    )


def test_several_files_at_once_each_accepted_or_refused_by_name(draft_a, reporter_a):
    kept = attach(draft_a, "da-co.pdf", pdf_bytes())
    client = login(reporter_a)

    response = client.post(
        _upload_url(draft_a),
        {
            "file": [upload("anh.png", png_bytes()), upload("virus.pdf", EXE)],
            "next": _detail_url(draft_a),
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Đã đính kèm tệp “anh.png”." in page
    assert "Tệp “virus.pdf” không phải PDF, DOCX, XLSX, JPG hoặc PNG." in page
    assert sorted(draft_a.evidence.values_list("name", flat=True)) == ["anh.png", "da-co.pdf"]
    assert Evidence.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Chưa chọn tệp minh chứng nào để đính kèm."),
        ({"file": upload("trong.pdf", b"")}, "Tệp “trong.pdf” không có nội dung."),
        (
            {"file": upload("bao-cao.docx", zip_of({"a.txt": "x"}))},
            "Tệp “bao-cao.docx” không phải PDF, DOCX, XLSX, JPG hoặc PNG.",
        ),
    ],
    ids=["missing", "empty", "wrong type"],
)
def test_bad_input_comes_back_with_a_message_and_loses_nothing(files, message, draft_a, reporter_a):
    kept = attach(draft_a, "da-co.pdf", pdf_bytes())

    response = login(reporter_a).post(
        _upload_url(draft_a), {**files, "next": _form_url(draft_a)}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain == [(_form_url(draft_a) + "#minh-chung", 302)]
    assert message in response.content.decode()
    assert list(draft_a.evidence.all()) == [kept]


def test_an_oversize_file_comes_back_with_a_message(settings, draft_a, reporter_a):
    settings.EVIDENCE_MAX_MB = 1
    big = pdf_bytes().ljust(1024 * 1024 + 10, b"\n")

    response = login(reporter_a).post(
        _upload_url(draft_a), {"file": upload("lon.pdf", big)}, follow=True
    )

    assert response.status_code == 200
    assert "Tệp “lon.pdf” lớn hơn 1 MB." in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_large_file_is_read_from_the_disk_backed_upload(settings, draft_a, reporter_a):
    """Past FILE_UPLOAD_MAX_MEMORY_SIZE Django spools the upload to a temporary file."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    content = docx_bytes(first={"word/media/image1.png": os.urandom(64 * 1024)})

    login(reporter_a).post(_upload_url(draft_a), {"file": upload("co-anh.docx", content)})

    evidence = draft_a.evidence.get()
    assert (evidence.content_type, evidence.size) == (DOCX, len(content))
    with default_storage.open(evidence.file.name, "rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/bao-cao/1/", "/tong-hop/", "", "javascript:alert(1)"],
)
def test_upload_returns_only_to_a_report_page(next_url, draft_a, reporter_a):
    response = login(reporter_a).post(
        _upload_url(draft_a), {"file": upload("x.pdf", pdf_bytes()), "next": next_url}
    )

    assert response.url == _detail_url(draft_a) + "#minh-chung"


# upload POST status for a draft of unit A and for unit A's sent report, per persona
UPLOAD = {
    "reporter_a": (302, 403),
    "reporter_b": (404, 404),
    "reviewer": (404, 403),
    "leader": (404, 403),
}


@pytest.mark.parametrize("persona", [*UPLOAD, "anonymous"])
def test_only_the_unit_uploads_and_only_while_editable(persona, draft_a, submitted_a, client_for):
    client = client_for(persona)
    results = []
    for report in (draft_a, submitted_a):
        before = Evidence.objects.count()
        response = client.post(_upload_url(report), {"file": upload("x.pdf", pdf_bytes())})
        results.append(response.status_code)
        if response.status_code != 302 or persona == "anonymous":
            assert Evidence.objects.count() == before

    if persona == "anonymous":
        assert results == [302, 302]
        assert not Evidence.objects.exists()
    else:
        assert tuple(results) == UPLOAD[persona]


def test_upload_refuses_get(draft_a, reporter_a):
    assert login(reporter_a).get(_upload_url(draft_a)).status_code == 405


# Views: download ------------------------------------------------------------------------------


def _download_url(evidence) -> str:
    return reverse("reports:evidence_download", args=[evidence.pk])


# GET status for a file on unit A's sent report and on unit B's draft, per persona
DOWNLOAD = {
    "reporter_a": (200, 404),
    "reporter_b": (404, 200),
    "reviewer": (200, 404),
    "leader": (200, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_file_is_served_to_whoever_may_see_the_report(persona, submitted_a, draft_b, client_for):
    sent = attach(submitted_a, "bien-ban.pdf", pdf_bytes())
    draft = attach(draft_b, "nhap-xa-b.pdf", pdf_bytes())
    client = client_for(persona)

    statuses = tuple(client.get(_download_url(e)).status_code for e in (sent, draft))

    if persona == "anonymous":
        assert statuses == (302, 302)
        assert client.get(_download_url(sent)).url.startswith(reverse("login"))
    else:
        assert statuses == DOWNLOAD[persona]


def test_a_download_is_an_attachment_with_the_original_name_and_exact_bytes(submitted_a, reviewer):
    content = xlsx_bytes()
    evidence = attach(submitted_a, "Số liệu quý III.xlsx", content, XLSX)

    response = login(reviewer).get(_download_url(evidence))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''S%E1%BB%91%20li%E1%BB%87u%20qu%C3%BD%20III.xlsx" in disposition
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content


def test_a_download_serves_the_stored_type_not_the_name(draft_a, reporter_a):
    evidence = evidence_add(
        report=draft_a, upload=upload("so-lieu.docx", xlsx_bytes()), by=reporter_a
    )

    response = login(reporter_a).get(_download_url(evidence))

    assert response["Content-Type"] == XLSX
    assert 'filename="so-lieu.xlsx"' in response["Content-Disposition"]


def test_a_file_missing_from_storage_is_not_found(submitted_a, reviewer):
    evidence = attach(submitted_a, "x.pdf", pdf_bytes())
    default_storage.delete(evidence.file.name)

    assert login(reviewer).get(_download_url(evidence)).status_code == 404


def test_files_are_not_served_from_a_public_url(submitted_a, reviewer):
    evidence = attach(submitted_a, "x.pdf", pdf_bytes())

    response = login(reviewer).get("/media/" + evidence.file.name)

    assert response.status_code == 404


# Views: remove --------------------------------------------------------------------------------


def _delete_url(evidence) -> str:
    return reverse("reports:evidence_delete", args=[evidence.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [("reporter_a", 302), ("reporter_b", 404), ("reviewer", 404), ("leader", 404)],
)
def test_only_the_unit_removes_a_file_from_its_draft(
    persona, status, draft_a, client_for, django_capture_on_commit_callbacks
):
    evidence = attach(draft_a, "x.pdf", pdf_bytes())

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(persona).post(_delete_url(evidence), {"next": _form_url(draft_a)})

    assert response.status_code == status
    assert Evidence.objects.filter(pk=evidence.pk).exists() == (status != 302)
    assert default_storage.exists(evidence.file.name) == (status != 302)
    if status == 302:
        assert response.url == _form_url(draft_a) + "#minh-chung"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("reporter_a", 403), ("reporter_b", 404), ("reviewer", 403), ("leader", 403)],
)
def test_nobody_removes_a_file_from_a_sent_report(persona, status, submitted_a, client_for):
    evidence = attach(submitted_a, "x.pdf", pdf_bytes())

    response = client_for(persona).post(_delete_url(evidence))

    assert response.status_code == status
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_remove_refuses_get(draft_a, reporter_a):
    evidence = attach(draft_a, "x.pdf", pdf_bytes())

    assert login(reporter_a).get(_delete_url(evidence)).status_code == 405
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# The report pages -----------------------------------------------------------------------------


def test_the_detail_page_lists_files_without_an_upload_form_for_a_reviewer(submitted_a, reviewer):
    evidence = attach(submitted_a, "bien-ban.pdf", pdf_bytes())

    page = login(reviewer).get(_detail_url(submitted_a)).content.decode()

    assert "bien-ban.pdf" in page
    assert _download_url(evidence) in page
    assert _upload_url(submitted_a) not in page
    assert _delete_url(evidence) not in page


def test_the_unit_gets_the_upload_form_on_its_drafts_detail_page(draft_a, reporter_a):
    evidence = attach(draft_a, "bien-ban.pdf", pdf_bytes())

    page = login(reporter_a).get(_detail_url(draft_a)).content.decode()

    assert _upload_url(draft_a) in page
    assert 'enctype="multipart/form-data"' in page
    assert _delete_url(evidence) in page
    assert f'name="next" value="{_detail_url(draft_a)}"' in page
    assert "mỗi tệp tối đa 20 MB" in page


def test_a_full_report_offers_no_more_uploads(draft_a, reporter_a):
    for i in range(rules.MAX_FILES_PER_REPORT):
        attach(draft_a, f"tep-{i}.pdf", pdf_bytes())

    page = login(reporter_a).get(_detail_url(draft_a)).content.decode()

    assert _upload_url(draft_a) not in page
    assert "Báo cáo đã có đủ 20 tệp minh chứng" in page


def test_files_go_up_before_any_draft_in_place_and_the_text_is_then_saved_on_it(
    small_directive, reporter_a
):
    """A draft had to be saved first, and uploading reloaded the page, losing what was
    typed. The form page now offers the upload at once; posted in place (htmx) the
    answer is the panel alone, with the new draft's version for the form, so the text
    typed meanwhile is then saved on that draft, not refused as stale."""
    a, p = small_directive.assignment_a, small_directive.period
    url = reverse("reports:file", args=[a.pk, p.pk])
    client = login(reporter_a)
    slot_upload = reverse("reports:evidence_upload_slot", args=[a.pk, p.pk])
    assert f'hx-post="{slot_upload}"' in client.get(url).content.decode()

    answer = client.post(
        slot_upload,
        {"file": upload("bien-ban.pdf", pdf_bytes()), "next": url},
        HTTP_HX_REQUEST="true",
    )

    panel = answer.content.decode()
    assert answer.status_code == 200
    assert panel.lstrip().startswith('<section id="minh-chung"')
    assert "Đã đính kèm tệp “bien-ban.pdf”." in panel
    assert 'name="version" value="1" id="id_version" hx-swap-oob="true"' in panel
    report = ProgressReport.objects.get(assignment=a, period=p)
    assert [e.name for e in report.evidence.all()] == ["bien-ban.pdf"]

    typed = {"assessment": "in_progress", "percent_done": 50, "version": 1}
    client.post(url, {**typed, "achievements": "Đã gõ trong lúc tải tệp"})
    report.refresh_from_db()
    assert report.achievements == "Đã gõ trong lúc tải tệp"
    assert report.evidence.count() == 1


def test_after_the_lock_date_files_stay_as_they_are_until_reopened(draft_a, reporter_a, reviewer):
    kept = attach(draft_a, "da-co.pdf", pdf_bytes())
    ReportingPeriod.objects.filter(pk=draft_a.period_id).update(lock_on=datetime.date(2021, 10, 25))

    with pytest.raises(ValidationError, match="Kỳ báo cáo đã khóa nhập sau ngày 25/10/2021"):
        evidence_add(report=draft_a, upload=upload("muon.pdf", pdf_bytes()), by=reporter_a)
    with pytest.raises(ValidationError, match=re.escape("Không xóa được tệp “da-co.pdf”.")):
        evidence_delete(evidence=kept, by=reporter_a)
    page = login(reporter_a).get(_detail_url(draft_a)).content.decode()
    assert "da-co.pdf" in page
    assert _upload_url(draft_a) not in page
    assert _delete_url(kept) not in page

    PeriodReopening.objects.create(
        period=draft_a.period, unit=draft_a.assignment.unit, until=timezone.localdate(), by=reviewer
    )
    evidence_add(report=draft_a, upload=upload("muon.pdf", pdf_bytes()), by=reporter_a)
    assert draft_a.evidence.count() == 2


def test_the_form_page_of_a_draft_has_the_panel_posting_in_place(draft_a, reporter_a):
    evidence = attach(draft_a, "bien-ban.pdf", pdf_bytes())

    page = login(reporter_a).get(_form_url(draft_a)).content.decode()

    assert _download_url(evidence) in page
    assert _upload_url(draft_a) in page
    assert f'name="next" value="{_form_url(draft_a)}"' in page
    assert f'hx-post="{_upload_url(draft_a)}"' in page  # in place: the text stays


def test_a_file_added_to_a_returned_report_takes_it_back_to_draft(
    small_directive, reporter_a, reviewer
):
    report = ProgressReportFactory(
        assignment=small_directive.assignment_a, period=small_directive.period, returned=True
    )

    evidence_add(report=report, upload=upload("bien-ban.pdf", pdf_bytes()), by=reporter_a)

    report.refresh_from_db()
    assert report.status == "draft"
    assert report.transitions.last().to_status == "draft"
