"""Uploads: .md/.txt in the encodings offices use, .docx read like the text, and broken
files refused with a message the user understands."""

import io
import re
import unicodedata
import zipfile

import docx
import pytest

from directives.letter_reader import LetterError, read_text, read_upload

from .helpers import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
BROKEN = "Tệp .docx bị hỏng hoặc không phải văn bản Word."


def seed_docx() -> bytes:
    """The seed typed into Word: one paragraph per Markdown paragraph, bold kept, the
    headings as Word headings, the "  " line breaks as line breaks."""
    document = docx.Document()
    for block in re.split(r"\n\s*\n", SEED_TEXT.strip()):
        heading = re.match(r"^(#+)\s*", block)
        text = block[heading.end() :] if heading else block
        paragraph = (
            document.add_heading(level=len(heading.group(1)))
            if heading
            else (document.add_paragraph())
        )
        for k, line in enumerate(text.split("\n")):
            if k:
                paragraph.runs[-1].add_break()
            for part in re.split(r"(\*\*.+?\*\*|\*\*.+$|^.+?\*\*)", line.rstrip()):
                if part:
                    paragraph.add_run(part.replace("**", "").replace("\\*", "*")).bold = (
                        "**" in part
                    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_reads_like_the_markdown():
    assert read_upload("136.docx", seed_docx()).as_json() == read_text(SEED_TEXT).as_json()


def test_docx_list_numbering_is_written_out():
    document = docx.Document()
    document.add_paragraph("Số: 09/CT-UBND")
    document.add_paragraph("Sở Y tế", style="List Number")
    document.add_paragraph("Việc một.", style="List Bullet")
    document.add_paragraph("Việc hai.", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Nơi nhận:\n- Như trên."
    table.cell(0, 1).text = "CHỦ TỊCH\nNguyễn Văn A"
    out = io.BytesIO()
    document.save(out)
    p = read_upload("x.docx", out.getvalue())
    assert [(s.number, s.heading, len(s.tasks)) for s in p.sections] == [("1", "Sở Y tế", 2)]
    assert p.signer.name == "Nguyễn Văn A" and p.signer.title == "CHỦ TỊCH"


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"not a zip at all", id="not-a-zip"),
        pytest.param(b"", id="empty"),
        pytest.param(_zip({"hello.txt": b"hi"}), id="zip-without-document-xml"),
        pytest.param(_zip({"word/document.xml": b"<not xml"}), id="document-xml-not-xml"),
        pytest.param(None, id="truncated"),
    ],
)
def test_broken_docx_is_refused_clearly(data):
    if data is None:
        whole = seed_docx()
        data = whole[: len(whole) // 2]
    with pytest.raises(LetterError) as caught:
        read_upload("letter.docx", data)
    assert str(caught.value) == BROKEN


def test_zip_bomb_is_refused():
    bomb = _zip({"word/document.xml": b"<w/>", "word/media/x.bin": b"\0" * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(LetterError, match="quá lớn"):
        read_upload("bomb.docx", bomb)


def test_size_limit_and_extensions():
    with pytest.raises(LetterError, match=r"Tệp quá lớn: tối đa 5 MB\."):
        read_upload("big.txt", b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(LetterError, match="tối đa 1 MB"):
        read_upload("big.md", b"x" * (1024 * 1024 + 1), max_bytes=1024 * 1024)
    for name in ("letter.doc", "letter"):
        with pytest.raises(LetterError) as caught:
            read_upload(name, b"text")
        assert str(caught.value) == "Chỉ đọc được tệp .docx, .md, .txt, .pdf, .jpg hoặc .png."


def _cp1258(text: str) -> bytes:
    """Windows-1258 stores tone marks as combining characters after a precomposed base."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for c in unicodedata.normalize("NFD", text):
        if out and unicodedata.combining(c):
            base, marks = out[-1]
            out[-1] = (base + c, marks) if c not in tones else (base, marks + c)
        else:
            out.append((c, ""))
    return "".join(unicodedata.normalize("NFC", b) + m for b, m in out).encode("cp1258")


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(lambda t: t.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16-bom"),
        pytest.param(lambda t: t.encode("utf-16-be").join([b"\xfe\xff", b""]), id="utf-16-be"),
        pytest.param(_cp1258, id="cp1258"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
    ],
)
def test_text_encodings(encode):
    for name in ("136.md", "136.TXT"):
        assert read_upload(name, encode(SEED_TEXT)).as_json() == read_text(SEED_TEXT).as_json()
