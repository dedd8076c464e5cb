"""PDF letters read through their text layer: the two-column header (issuer and number on
the left, quốc hiệu, tiêu ngữ, place and date on the right) comes out as a .docx's header
table does, left cell then right cell, so the reader reads a PDF as it reads the same
letter typed into Word. Broken, locked and oversized PDFs are refused in Vietnamese.

The letters are made here: a short made-up công văn in the official layout, rendered by
WeasyPrint; the same letter as text and as .docx; and, for the OCR and signature tests, a
scan of it (its page as an image wrapped back into a PDF) and its page as PNG and JPG.
"""

import datetime
import functools
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from directives.letter_reader import LetterError, read_text, read_upload
from directives.letter_reader.files import read_file, upload_text
from directives.letter_reader.page_text import Line
from directives.models import Directive

from ...conftest import login
from .helpers import norm

NUMBER = "215/UBND-VX"
ISSUER = "Ủy ban nhân dân tỉnh Lâm Giang"
SIGNER = "Trần Văn Bình"
SECTIONS = [("1", "Sở Y tế"), ("2", "Sở Giáo dục và Đào tạo"), ("3", "Công an tỉnh")]
TASKS = {
    "1": [
        "Chủ trì theo dõi chặt chẽ diễn biến dịch, hướng dẫn các cơ sở khám bệnh, chữa "
        "bệnh thu dung, điều trị kịp thời cho người bệnh.",
        "Tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh trước ngày 30/6/2026.",
    ],
    "2": ["Chỉ đạo các trường học tổ chức vệ sinh môi trường, diệt lăng quăng mỗi tuần."],
    "3": ["Phối hợp tuyên truyền người dân chủ động phòng bệnh; báo cáo hằng tháng."],
}
SUBJECT = "V/v tăng cường phòng, chống dịch sốt xuất huyết trên địa bàn tỉnh"
INTRO = (
    "Thời gian qua, số ca mắc sốt xuất huyết trên địa bàn tỉnh tăng nhanh, nhất là ở các "
    "khu dân cư đông đúc. Để chủ động phòng, chống dịch, Chủ tịch Ủy ban nhân dân tỉnh "
    "yêu cầu:"
)

STYLE = """
@page { size: A4; margin: 2cm 1.5cm 2cm 3cm; }
body { font-family: "Times New Roman", "Liberation Serif", serif; font-size: 14pt;
       line-height: 1.25; }
table { width: 100%; border-collapse: collapse; }
td { vertical-align: top; text-align: center; padding: 0; }
.head td:first-child { width: 40%; } .foot td:first-child { width: 50%; text-align: left; }
p { margin: 0 0 6pt; text-align: justify; text-indent: 1cm; }
td p, p.c { text-indent: 0; text-align: center; margin: 0 0 4pt; }
.head td p { font-size: 13pt; } .head td p.v { font-size: 12pt; }
.b { font-weight: bold; } .i { font-style: italic; }
p.to { margin: 0 0 0 3cm; text-indent: 0; text-align: left; }
.foot td:first-child p { text-align: left; font-size: 11pt; margin: 0; }
.foot td:first-child p.n { font-size: 12pt; }
"""

pytestmark = pytest.mark.django_db


def letter_html(extra_tasks: int = 0) -> str:
    """The letter in the official layout: a two-column header table and a footer table
    (Nơi nhận on the left, the signature on the right)."""
    tasks = {**TASKS, "1": TASKS["1"] + [_extra(k) for k in range(1, extra_tasks + 1)]}
    body = "".join(
        f'<p class="b">{number}. {heading}</p>'
        + "".join(f"<p>- {task}</p>" for task in tasks[number])
        for number, heading in SECTIONS
    )
    recipients = "".join(f'<p class="to">- {name};</p>' for _n, name in SECTIONS)
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<style>{STYLE}</style></head><body>
<table class="head"><tr>
<td><p>ỦY BAN NHÂN DÂN</p><p class="b">TỈNH LÂM GIANG</p><p>Số: {NUMBER}</p>
<p class="v">{SUBJECT}</p></td>
<td><p class="b v">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>
<p class="b">Độc lập - Tự do - Hạnh phúc</p>
<p class="i">Lâm Giang, ngày 12 tháng 3 năm 2026</p></td></tr></table>
<p class="c" style="margin-top: 14pt">Kính gửi:</p>{recipients}
<p style="margin-top: 8pt">{INTRO}</p>{body}
<table class="foot" style="margin-top: 12pt"><tr>
<td><p class="b i n">Nơi nhận:</p><p>- Như trên;</p><p>- Lưu: VT, VX.</p></td>
<td><p class="b">KT. CHỦ TỊCH</p><p class="b">PHÓ CHỦ TỊCH</p>
<p style="height: 2.2cm"></p><p class="b">{SIGNER}</p></td></tr></table>
</body></html>"""


def _extra(k: int) -> str:
    return (
        f"Nhiệm vụ bổ sung thứ {k}: rà soát các điểm nguy cơ tại khu dân cư, trường học, "
        "công trình xây dựng và báo cáo kết quả về Sở Y tế để tổng hợp chung."
    )


@functools.cache
def letter_pdf(extra_tasks: int = 0) -> bytes:
    from weasyprint import HTML

    return HTML(string=letter_html(extra_tasks)).write_pdf()


def letter_text() -> str:
    """The same letter as plain text (what a .txt or .md holds)."""
    sections = "\n\n".join(
        f"{number}. {heading}\n\n" + "\n\n".join(f"- {task}" for task in TASKS[number])
        for number, heading in SECTIONS
    )
    recipients = "\n".join(f"- {name};" for _n, name in SECTIONS)
    return (
        f"ỦY BAN NHÂN DÂN\nTỈNH LÂM GIANG\n\nSố: {NUMBER}\n\n{SUBJECT}\n\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nĐộc lập - Tự do - Hạnh phúc\n\n"
        f"Lâm Giang, ngày 12 tháng 3 năm 2026\n\nKính gửi:\n{recipients}\n\n{INTRO}\n\n"
        f"{sections}\n\nNơi nhận:\n- Như trên;\n- Lưu: VT, VX.\n\n"
        f"KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n{SIGNER}\n"
    )


def letter_docx() -> bytes:
    """The same letter typed into Word: the header and the signature in tables."""
    document = docx.Document()
    head = document.add_table(rows=1, cols=2)
    _cell(head.cell(0, 0), ["ỦY BAN NHÂN DÂN", "TỈNH LÂM GIANG", f"Số: {NUMBER}", SUBJECT])
    _cell(
        head.cell(0, 1),
        [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Lâm Giang, ngày 12 tháng 3 năm 2026",
        ],
    )
    document.add_paragraph("Kính gửi:")
    for _number, name in SECTIONS:
        document.add_paragraph(f"- {name};")
    document.add_paragraph(INTRO)
    for number, heading in SECTIONS:
        document.add_paragraph().add_run(f"{number}. {heading}").bold = True
        for task in TASKS[number]:
            document.add_paragraph(f"- {task}")
    foot = document.add_table(rows=1, cols=2)
    _cell(foot.cell(0, 0), ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VX."])
    _cell(foot.cell(0, 1), ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", SIGNER])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _cell(cell, paragraphs: list[str]) -> None:
    cell.text = paragraphs[0]
    for text in paragraphs[1:]:
        cell.add_paragraph(text)


def page_images(pdf: bytes, dpi: int = 200) -> list:
    """The PDF's pages as greyscale images, as a scanner gives them."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()


@functools.cache
def scanned_pdf(pdf: bytes | None = None, dpi: int = 200) -> bytes:
    """A scan: each page of the letter as an image, wrapped back into a PDF with no text."""
    images = page_images(pdf or letter_pdf(), dpi)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


@functools.cache
def letter_image(kind: str = "PNG", dpi: int = 200) -> bytes:
    out = io.BytesIO()
    page_images(letter_pdf(), dpi)[0].save(out, kind, dpi=(dpi, dpi))
    return out.getvalue()


def assert_the_letter(p, *, exact: bool = True) -> None:
    """The made-up letter's facts as the reader reads them. `exact=False` for OCR, whose
    words may differ by a letter: the headings are compared by their words."""
    assert p.number == NUMBER
    assert p.date == datetime.date(2026, 3, 12)
    assert p.place == "Lâm Giang"
    assert norm(p.issuer) == norm(ISSUER)
    assert [s.number for s in p.sections] == ["1", "2", "3"]
    assert [len(s.tasks) for s in p.sections] == [2, 1, 1]
    assert p.signer.name == SIGNER
    assert p.signer.title == "PHÓ CHỦ TỊCH"
    if exact:
        assert [(s.number, s.heading) for s in p.sections] == SECTIONS
        assert [t.text for t in p.sections[0].tasks] == TASKS["1"]
        assert p.subject == SUBJECT
        assert p.recipients == [name for _n, name in SECTIONS]


# The text layer ------------------------------------------------------------------------


def test_a_text_pdf_reads_like_the_letter():
    p = read_upload("215-UBND-VX.pdf", letter_pdf())

    assert_the_letter(p)
    assert p.warnings == []


def test_a_text_pdf_reads_as_the_same_letter_typed_into_word_and_as_text():
    from_pdf = read_upload("cong-van.pdf", letter_pdf()).as_json()
    from_word = read_upload("cong-van.docx", letter_docx()).as_json()

    assert from_pdf == read_text(letter_text()).as_json()
    # Word's Nơi nhận, a paragraph a line, loses its "Lưu" line to the reader (footer.py).
    assert from_pdf | {"cc": ["Như trên"]} == from_word


def test_the_header_comes_out_left_cell_then_right_cell():
    text = upload_text("cong-van.pdf", letter_pdf())

    order = [
        "ỦY BAN NHÂN DÂN",
        "TỈNH LÂM GIANG",
        f"Số: {NUMBER}",
        "V/v tăng cường",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lâm Giang, ngày 12 tháng 3 năm 2026",
        "Kính gửi:",
        "Thời gian qua",
        "Nơi nhận:",
        "- Lưu: VT, VX.",
        "KT. CHỦ TỊCH",
        SIGNER,
    ]
    plain = text.replace("**", "")
    positions = [plain.find(words) for words in order]
    assert -1 not in positions, [w for w, at in zip(order, positions, strict=True) if at < 0]
    assert positions == sorted(positions)


def test_a_paragraph_wrapped_over_lines_is_one_paragraph_and_bold_is_marked():
    text = upload_text("cong-van.pdf", letter_pdf())

    assert f"\n- {TASKS['1'][0]}\n" in text
    assert f"\n{INTRO}\n" in text
    assert "**1. Sở Y tế**" in text


def test_a_letter_over_two_pages_joins_the_paragraph_the_page_cut():
    pdf = letter_pdf(extra_tasks=12)
    import pypdfium2

    assert len(pypdfium2.PdfDocument(pdf)) >= 2

    p = read_upload("dai.pdf", pdf)

    assert [len(s.tasks) for s in p.sections] == [14, 1, 1]
    assert p.sections[0].tasks[13].text == _extra(12)
    assert p.signer.name == SIGNER


def test_a_text_pdf_is_not_read_by_ocr(monkeypatch):
    from directives.letter_reader import ocr

    def refuse(*args, **kwargs):
        raise AssertionError("OCR on a PDF with a text layer")

    monkeypatch.setattr(ocr, "ocr_lines", refuse)

    reading = read_file("cong-van.pdf", letter_pdf())

    assert (reading.ocr, reading.pages) == (False, [])
    assert reading.content_type == "application/pdf"


# Refused, in Vietnamese ----------------------------------------------------------------

BROKEN_PDF = "Tệp PDF bị hỏng hoặc không phải PDF."


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"not a pdf at all", id="not-a-pdf"),
        pytest.param(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", id="no-pages"),
        pytest.param(None, id="truncated"),
        pytest.param(b"PK\x03\x04 a zip named .pdf", id="zip"),
    ],
)
def test_a_broken_pdf_is_refused_clearly(data):
    if data is None:
        whole = letter_pdf()
        data = whole[: len(whole) // 3]

    with pytest.raises(LetterError) as caught:
        read_upload("cong-van.pdf", data)

    assert str(caught.value) == BROKEN_PDF


def _encrypted(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(letter_pdf())))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_locked_by_a_password_is_refused_clearly():
    with pytest.raises(LetterError) as caught:
        read_upload("mat.pdf", _encrypted("mat-khau"))

    assert str(caught.value) == (
        "Tệp PDF được đặt mật khẩu nên không đọc được: hãy gỡ mật khẩu rồi tải lên lại."
    )


def test_a_pdf_encrypted_only_against_changes_is_read():
    """Offices often lock a PDF against editing with an empty password to open it."""
    assert_the_letter(read_upload("khoa-sua.pdf", _encrypted("")))


def test_a_pdf_of_too_many_pages_is_refused_clearly():
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(51):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(LetterError) as caught:
        read_upload("dai.pdf", out.getvalue())

    assert str(caught.value) == "Tệp PDF có 51 trang: chỉ đọc văn bản dài tối đa 50 trang."


def test_other_files_are_refused_with_the_kinds_that_are_read():
    for name in ("cong-van.doc", "cong-van", "anh.gif"):
        with pytest.raises(LetterError) as caught:
            read_upload(name, b"text")
        assert str(caught.value) == "Chỉ đọc được tệp .docx, .md, .txt, .pdf, .jpg hoặc .png."


def test_a_pdf_or_an_image_may_be_larger_than_a_text_file():
    with pytest.raises(LetterError, match=r"Tệp quá lớn: tối đa 20 MB\."):
        read_upload("quet.pdf", b"%PDF-1.7" + b"x" * (20 * 1024 * 1024))


# The page: upload, review, save; the file is kept with the directive ------------------


def _upload(client, name: str, data: bytes):
    return client.post(reverse("directives:import"), {"file": SimpleUploadedFile(name, data)})


def _save(client, review):
    from ..test_letter_review import _accept

    return client.post(reverse("directives:import_save"), _accept(review))


def test_a_text_pdf_uploaded_on_the_page_is_reviewed_and_kept_with_the_directive(reviewer):
    client = login(reviewer)
    pdf = letter_pdf()

    review = _upload(client, "215-UBND-VX.pdf", pdf)

    assert review.status_code == 200
    assert review.context["header"]["number"].value() == NUMBER
    assert "Lâm Giang, ngày 12 tháng 3 năm 2026" in review.context["letter"]
    saved = _save(client, review)
    directive = Directive.objects.get()
    assert saved.url == reverse("directives:structure", args=[directive.pk])
    kept = directive.letter_file
    assert (kept.name, kept.content_type) == ("215-UBND-VX.pdf", "application/pdf")
    assert kept.size == len(pdf)
    assert kept.file.read() == pdf


def test_the_kept_file_downloads_from_the_directive_page(reviewer, leader, reporter_a, client):
    from ...factories import UnitFactory

    client_r = login(reviewer)
    _save(client_r, _upload(client_r, "215-UBND-VX.pdf", letter_pdf()))
    directive = Directive.objects.get()
    url = reverse("directives:letter_download", args=[directive.pk])

    page = client_r.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert f'href="{url}"' in page and "215-UBND-VX.pdf" in page
    download = client_r.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="215-UBND-VX.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == directive.letter_file.file.open().read()
    # A draft: those who oversee see it, a unit's reporter does not; nobody signed out.
    assert login(leader).get(url).status_code == 200
    assert login(reporter_a).get(url).status_code == 404
    assert client.get(url).status_code == 302
    # Published, every signed-in user may open the directive, and so its letter.
    Directive.objects.filter(pk=directive.pk).update(status=Directive.Status.ACTIVE)
    assert login(reporter_a).get(url).status_code == 200
    other = Directive.objects.create(
        number="1/X", issued_on=datetime.date(2026, 1, 1), issuer=UnitFactory(), subject="X"
    )
    assert client_r.get(reverse("directives:letter_download", args=[other.pk])).status_code == 404


def test_a_pasted_letter_keeps_no_file(reviewer):
    client = login(reviewer)
    review = client.post(reverse("directives:import"), {"text": letter_text()})

    _save(client, review)

    directive = Directive.objects.get()
    assert not hasattr(directive, "letter_file")
    url = reverse("directives:letter_download", args=[directive.pk])
    assert client.get(url).status_code == 404
    assert url not in client.get(reverse("directives:detail", args=[directive.pk])).content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("hong.pdf", b"%PDF-1.7 broken", BROKEN_PDF),
        ("anh.png", b"\x89PNG....", "Tệp ảnh bị hỏng hoặc không phải ảnh JPG, PNG."),
        ("anh.gif", b"GIF89a", "Chỉ đọc được tệp .docx, .md, .txt, .pdf, .jpg hoặc .png."),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message_on_the_page(name, data, message, reviewer):
    response = _upload(login(reviewer), name, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Directive.objects.exists()


def test_the_file_field_names_every_kind_it_reads(reviewer):
    page = login(reviewer).get(reverse("directives:import")).content.decode()

    assert "Tệp văn bản (.docx, .md, .txt, .pdf, .jpg, .png)" in page
    assert 'accept=".docx,.md,.txt,.pdf,.jpg,.jpeg,.png"' in page


# Any layout: no text is lost, nothing raises ------------------------------------------

WORDS = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ", min_size=1, max_size=8)
LINES = st.lists(
    st.builds(
        lambda x0, top, width, height, words, bold: Line(
            x0, top, x0 + width, top + height, [(" ".join(words), bold)]
        ),
        st.floats(0, 500),
        st.floats(0, 800),
        st.floats(1, 500),
        st.floats(1, 30),
        st.lists(WORDS, min_size=1, max_size=6),
        st.booleans(),
    ),
    max_size=40,
)


@given(pages=st.lists(LINES, min_size=1, max_size=3))
@settings(max_examples=200, deadline=None)
def test_every_word_placed_on_a_page_is_in_the_text(pages):
    from directives.letter_reader import page_text as layout

    text = layout._text(pages)  # the layout itself, without page_text's safety net

    placed = sorted(w for lines in pages for line in lines for w in line.text.split())
    assert sorted(text.replace("**", "").split()) == placed
