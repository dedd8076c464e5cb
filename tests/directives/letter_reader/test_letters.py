"""What the corpus shows beyond expected.json: 136-CV/HU reads as the demo loads it, the
notes of EXPECTED.md, and the forms real letters vary in."""

import json
import unicodedata

import pytest

from directives.letter_reader import read_text
from directives.letter_reader.proposal import JSON_KEYS

from .helpers import EXPECTED, read


@pytest.fixture(scope="module")
def seed():
    return read_text(read("136-CV-HU.md"))


def test_136_reads_as_the_demo_loads_it(seed):
    from demo import data as demo

    assert seed.number == demo.NUMBER
    assert seed.subject == "V/v " + demo.SUBJECT
    assert seed.recipients == demo.RECIPIENTS
    assert seed.based_on == [demo.BASED_ON]
    assert seed.preamble == demo.PREAMBLE
    assert seed.cc == demo.CC
    assert seed.closing == [demo.CLOSING]
    assert [(s.number, s.heading) for s in seed.sections] == [
        (number, heading) for number, heading, *_ in demo.SECTIONS
    ]
    assert [len(s.tasks) for s in seed.sections] == [4, 1, 2, 2]
    assert [[t.text for t in s.tasks] for s in seed.sections] == [
        tasks for _, _, _, tasks, _ in demo.SECTIONS
    ]
    assert [s.intro for s in seed.sections] == [[i] if i else [] for _, _, i, _, _ in demo.SECTIONS]


def test_136_header_and_footer(seed):
    assert seed.place == "Tuy Phước"
    assert seed.issuer == "Huyện ủy Tuy Phước"
    assert seed.doc_type == "Công văn" and seed.doc_type_code == "CV"
    assert seed.signer.name == "Nguyễn Đình Thuận"
    assert [u.is_group for s in seed.sections for u in s.units] == [False, False, True, True, False]


def test_json_has_the_documented_keys(seed):
    data = seed.as_json()
    assert tuple(data) == JSON_KEYS
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["date"] == "2021-08-25"
    assert data["signer"] == {"name": "Nguyễn Đình Thuận", "title": None}
    assert data["sections"][1]["units"] == [
        "Mặt trận Tổ quốc Việt Nam",
        "các hội, đoàn thể chính trị - xã hội cấp huyện",
    ]
    assert {tuple(s) for s in data["sections"]} == {("number", "heading", "units", "tasks")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_unicode_form_does_not_matter(name):
    text = read(name)
    assert read_text(unicodedata.normalize("NFD", text)).as_json() == read_text(text).as_json()


def test_cantho_notes():
    p = read_text(read("01-cantho-ct09-nuoc-duoi-dat.md"))
    s = {x.number: x for x in p.sections}
    assert p.place == "Cần Thơ" and p.doc_type_code == "CT"
    assert s["2"].tasks == [] and len(s["2"].items) == 1  # general: context, not tasks
    assert [t.label for t in s["4"].tasks] == ["a", "b", "c", "d", "đ", "e"]
    assert [[u.name for u in t.units] for t in s["8"].tasks] == [
        [],
        ["Thanh tra thành phố"],
        ["Công an thành phố"],
        ["Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ"],
    ]
    assert len(s["8"].tasks[3].subtasks) == 3
    assert "Đối với các công trình xây mới" in s["11"].tasks[0].text
    assert p.closing[0].startswith("Trên đây là Chỉ thị")
    assert len(p.cc) == 13 and p.cc[-1] == "Lưu: VT, KTD"


def test_vpcp_notes():
    p = read_text(read("02-vpcp-cv11414-cao-toc-ben-luc-long-thanh.md"))
    assert p.doc_type_code is None  # VPCP is the office, not a type
    assert p.sections[1].tasks[0].text.startswith("chỉ đạo chủ đầu tư")
    assert p.closing[0].startswith("Văn phòng Chính phủ xin thông báo")
    assert len(p.cc) == 7
    assert p.cc[5].startswith("VPCP: BTCN") and p.cc[5].endswith("các Vụ: KTTH, QHĐP, TH")
    assert p.signer.authority == "KT. BỘ TRƯỞNG, CHỦ NHIỆM"
    assert not any("Quý Thành viên" in r for r in p.recipients)


def test_vptw_notes():
    p = read_text(read("03-vptw-tb432-tre-em-hoan-canh-dac-biet.md"))
    s = {x.number: x for x in p.sections}
    assert p.parent_issuer == "Ban Chấp hành Trung ương"
    assert [t.label for t in s["4.1"].tasks] == ["(i)", "(ii)"]
    assert [u.role for u in s["4.2"].units] == ["lead", "support", "support"]
    assert s["4.6"].tasks[0].text.endswith("trong quá trình triển khai.")
    assert p.closing == [
        "Văn phòng Trung ương Đảng xin thông báo để các cơ quan có liên quan biết, thực hiện."
    ]
    assert [c.rstrip(",") for c in p.cc] == [
        "Các cơ quan, ban đảng Trung ương",
        "Các tỉnh uỷ, thành uỷ, đảng uỷ trực thuộc Trung ương",
        "Các đồng chí Uỷ viên Ban Chấp hành Trung ương Đảng",
        "Văn phòng Tổng Bí thư",
        "Lưu Văn phòng Trung ương Đảng",
    ]
    assert "[1]" not in p.preamble[0]


KE_HOACH = """\
TỈNH ỦY BÌNH ĐỊNH
BAN TUYÊN GIÁO
*
Số 24-ĐA/TU

ĐẢNG CỘNG SẢN VIỆT NAM
Quy Nhơn, ngày 3 tháng 2 năm 2024

ĐỀ ÁN
NÂNG CAO CHẤT LƯỢNG CÔNG TÁC TUYÊN TRUYỀN

Căn cứ Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị về tăng cường bảo vệ nền tảng;
Căn cứ Kế hoạch số 165/KH-UBND ngày 01/9/2023 của Ủy ban nhân dân tỉnh;

I. MỤC ĐÍCH, YÊU CẦU

1. Nâng cao nhận thức của cán bộ, đảng viên.

2. Bảo đảm sự lãnh đạo của cấp ủy.

II. NHIỆM VỤ VÀ GIẢI PHÁP

1. Giao Ban Tuyên giáo Huyện ủy, Văn phòng Huyện ủy

+ Tham mưu tổ chức hội nghị.
+ Theo dõi, đôn đốc.

2. Đề nghị UBND huyện và các hội, đoàn thể

Chỉ đạo các phòng chuyên môn thực hiện.

Nơi nhận:
- Như trên,
- Lưu VT.
T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ
Trần Văn Nam
"""


def test_roman_sections_plus_bullets_and_a_party_header():
    p = read_text(KE_HOACH)
    assert p.number == "24-ĐA/TU" and p.doc_type == "Đề án" and p.doc_type_code == "ĐA"
    assert p.date.isoformat() == "2024-02-03" and p.place == "Quy Nhơn"
    assert p.issuer == "Ban Tuyên giáo Tỉnh ủy Bình Định"
    assert p.subject == "NÂNG CAO CHẤT LƯỢNG CÔNG TÁC TUYÊN TRUYỀN"
    assert len(p.based_on) == 2 and p.based_on[1].startswith("Kế hoạch số 165/KH-UBND")
    numbers = [(s.number, s.addressed) for s in p.sections]
    assert numbers == [
        ("I", False),
        ("I.1", False),
        ("I.2", False),
        ("II", False),
        ("II.1", True),
        ("II.2", True),
    ]
    assert [u.name for u in p.sections[4].units] == [
        "Ban Tuyên giáo Huyện ủy",
        "Văn phòng Huyện ủy",
    ]
    assert [len(s.tasks) for s in p.sections[4:]] == [2, 1]
    assert [u.name for u in p.sections[5].units] == ["UBND huyện", "các hội, đoàn thể"]
    assert p.signer.authority == "T/M BAN THƯỜNG VỤ" and p.signer.title == "PHÓ BÍ THƯ"
    assert p.signer.name == "Trần Văn Nam" and p.cc == ["Như trên", "Lưu VT"]


def test_markdown_forms_do_not_break_a_heading():
    text = (
        "Số: 09/CT-UBND\n\n"
        "# **1. Ủy ban nhân dân**\n**huyện**\n\n- Việc \\*một\\*.\n\n"
        "| **2\\. Sở Y tế** |\n\n_a)_ Việc hai[^1].\n\nb) Việc ba.\n"
    )
    p = read_text(text)
    assert [(s.number, s.heading) for s in p.sections] == [
        ("1", "Ủy ban nhân dân huyện"),
        ("2", "Sở Y tế"),
    ]
    assert [t.text for t in p.sections[0].tasks] == ["Việc *một*."]
    assert [t.text for t in p.sections[1].tasks] == ["Việc hai.", "Việc ba."]


@pytest.mark.parametrize("text", ["", " \n\t", "\x00\x01", "1.", "Kính gửi:", "Nơi nhận:\n-"])
def test_empty_or_odd_input_gives_warnings_not_errors(text):
    p = read_text(text)
    assert p.warnings and tuple(p.as_json()) == JSON_KEYS
