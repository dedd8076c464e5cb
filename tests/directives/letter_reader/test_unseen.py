"""Letters the reader was never shown (issue 18): each pattern that failed on real
directives, as a general rule, with made-up lines of that shape put into the corpus's
letters. The structure read must not change."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directives.letter_reader import read_text
from directives.letter_reader.addressees import addressees
from directives.letter_to_directive import sections_of

from .helpers import read
from .test_letters import KE_HOACH

TVPL_PAGE = "02-vpcp-cv11414-cao-toc-ben-luc-long-thanh.md"
# Lines that cite another document with its number and date, inside a letter: a web
# page's list of related documents looks like this too, but only after the letter.
CITATIONS = [
    "Xem thêm chi tiết tại Kế hoạch 45/KH-UBND ngày 02/3/2026.",
    "văn số 123/SNV-TCCB ngày 05/01/2026), Giám đốc Sở giao:",
    "Thực hiện Công văn 77/UBND-VX năm 2026 của UBND tỉnh,",
]


def _shape(text: str) -> list[tuple[str, int, list[str]]]:
    proposal = read_text(text)
    return [(s.number, len(s.items), sorted(u.name for u in s.units)) for s in proposal.sections]


def _insert(text: str, after: str, line: str) -> str:
    lines = text.splitlines()
    at = next(i for i, x in enumerate(lines) if x.startswith(after)) + 1
    return "\n".join([*lines[:at], line, *lines[at:]])


@pytest.mark.parametrize("citation", CITATIONS)
def test_a_citation_inside_the_letter_does_not_end_the_page(citation):
    page = read(TVPL_PAGE)
    before = _shape(page)

    after = _shape(_insert(page, "1. Ủy ban nhân dân tỉnh Đồng Nai:", citation))

    assert [s[0] for s in after] == [s[0] for s in before]
    assert [s[2] for s in after] == [s[2] for s in before]


@settings(max_examples=25, deadline=None)
@given(position=st.floats(0.35, 0.85), citation=st.sampled_from(CITATIONS))
def test_a_citation_anywhere_in_the_body_keeps_every_section(position, citation):
    page = read(TVPL_PAGE)
    lines = page.splitlines()
    body = [i for i, x in enumerate(lines) if x.strip()]
    at = body[int(position * len(body))]
    before = [s[0] for s in _shape(page)]

    after = [s[0] for s in _shape("\n".join([*lines[:at], citation, *lines[at:]]))]

    assert after == before


def test_a_symbol_with_a_dot_is_read_whole():
    letter = read("136-CV-HU.md").replace("136-CV/HU", "11554/VPCP-V.I", 1)

    assert read_text(letter).number == "11554/VPCP-V.I"


@pytest.mark.parametrize(
    ("printed", "authority", "title"),
    [
        ("T/M BAN THƯỜNG\nVỤ\nPHÓ BÍ THƯ", "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"),
        ("T/M BỘ CHÍNH\nTRỊ", "T/M BỘ CHÍNH TRỊ", None),
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH THƯỜNG\nTRỰC", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH THƯỜNG TRỰC"),
    ],
)
def test_a_signature_line_printed_over_two_lines_is_read_whole(printed, authority, title):
    letter = KE_HOACH.replace("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ", printed)

    signer = read_text(letter).signer

    assert (signer.authority, signer.title, signer.name) == (authority, title, "Trần Văn Nam")


# An opening sentence, and the units it addresses: (name, is a group).
OPENINGS = [
    ("Vụ Pháp chế chủ trì rà soát các văn bản", [("Vụ Pháp chế", False)]),
    ("Tập đoàn Điện lực Việt Nam khẩn trương hoàn thành", [("Tập đoàn Điện lực Việt Nam", False)]),
    (
        "Tổng công ty Đường sắt Việt Nam bố trí kinh phí",
        [("Tổng công ty Đường sắt Việt Nam", False)],
    ),
    (
        "Ban quản lý Khu kinh tế tỉnh tập trung thu hút đầu tư",
        [("Ban quản lý Khu kinh tế tỉnh", False)],
    ),
    (
        "Các chủ rừng là tổ chức (công ty lâm nghiệp, ban quản lý rừng) có trách nhiệm",
        [("Các chủ rừng là tổ chức", True)],
    ),
    (
        "Các lực lượng chức năng phải tăng cường tuần tra, kiểm soát",
        [("Các lực lượng chức năng", True)],
    ),
    ("Vụ việc phức tạp cần được xử lý dứt điểm", []),
]


@pytest.mark.parametrize(("opening", "units"), OPENINGS)
def test_kinds_of_unit_not_known_before(opening, units):
    assert [(u.name, u.is_group) for u in addressees(opening)] == units


SEED_CLOSING = (
    "Ban Thường vụ Huyện ủy yêu cầu các địa phương, cơ quan, đơn vị triển khai thực hiện "
    "nghiêm túc./."
)


@pytest.mark.parametrize(
    "closing",
    [
        "Nhận được Công văn này, các địa phương, cơ quan, đơn vị báo cáo kết quả về Ban Tuyên "
        "giáo Huyện ủy trước ngày 15 hằng tháng",
        "(Kèm theo Báo cáo số 45-BC/HU của Ban Tuyên giáo Huyện ủy)",
    ],
)
def test_the_closing_instruction_or_an_attachment_is_not_the_last_task(closing):
    seed = read("136-CV-HU.md")
    assert SEED_CLOSING in seed
    letter = seed.replace(SEED_CLOSING, closing)

    proposal = read_text(letter)

    assert [len(s.tasks) for s in proposal.sections] == [4, 1, 2, 2]
    assert proposal.closing[0].startswith(closing[:30])


# A made-up công điện: its recipients follow "… điện:" instead of "Kính gửi".
CONG_DIEN = """THỦ TƯỚNG CHÍNH PHỦ
-------
Số: 12/CĐ-TTg

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Nội, ngày 05 tháng 02 năm 2026

CÔNG ĐIỆN
Về việc tập trung ứng phó với mưa lớn

THỦ TƯỚNG CHÍNH PHỦ điện:
- Bộ trưởng các Bộ: Nông nghiệp và Môi trường, Công an, Quốc phòng;
- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố.

Để chủ động ứng phó với mưa lớn, Thủ tướng Chính phủ yêu cầu:

1. Chủ tịch Ủy ban nhân dân các tỉnh, thành phố chỉ đạo sơ tán người dân khỏi vùng nguy hiểm.

2. Bộ Công an chỉ đạo lực lượng tại chỗ hỗ trợ người dân.

Nơi nhận:
- Như trên;
- Lưu: VT.

KT. THỦ TƯỚNG
PHÓ THỦ TƯỚNG
Trần Văn B
"""


def test_a_cong_diens_recipients_follow_its_sender():
    proposal = read_text(CONG_DIEN)

    assert proposal.doc_type == "Công điện"
    assert proposal.recipients == [
        "Bộ trưởng các Bộ: Nông nghiệp và Môi trường, Công an, Quốc phòng",
        "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố",
    ]
    assert proposal.preamble == ["Để chủ động ứng phó với mưa lớn, Thủ tướng Chính phủ yêu cầu:"]


def test_a_heading_ending_in_dien_is_no_cong_dien():
    letter = CONG_DIEN.replace("THỦ TƯỚNG CHÍNH PHỦ điện:", "Về bảo đảm cung cấp điện:")

    assert read_text(letter).recipients == []


@pytest.mark.parametrize(
    ("printed", "recipients"),
    [
        ("Kính gửi: Ủy ban nhân dân các xã", ["Ủy ban nhân dân các xã"]),
        (
            "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc\nTrung ương.",
            ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"],
        ),
    ],
)
def test_an_inline_kinh_gui_keeps_to_its_own_line(printed, recipients):
    """With no blank line after it, "Kính gửi: X" swallowed the letter's first paragraph."""
    letter = CONG_DIEN.replace(
        "THỦ TƯỚNG CHÍNH PHỦ điện:\n- Bộ trưởng các Bộ: Nông nghiệp và Môi trường, Công an, "
        "Quốc phòng;\n- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố.\n\n",
        printed + "\n",
    )

    proposal = read_text(letter)

    assert proposal.recipients == recipients
    assert proposal.preamble[0].startswith("Để chủ động ứng phó")


@pytest.mark.parametrize(
    ("opening", "units"),
    [
        ("Ban Thường vụ cơ bản nhất trí với Tờ trình số 12 của Ban cán sự đảng UBND tỉnh", []),
        ("Bộ Chính trị đánh giá cao kết quả đạt được", []),
        (
            "Ban Thường vụ giao Ban Tuyên giáo chủ trì, phối hợp với Văn phòng Tỉnh ủy tham mưu",
            [("Ban Tuyên giáo", "lead"), ("Văn phòng Tỉnh ủy", "support")],
        ),
        (
            "Ủy ban nhân dân các xã giao công an xã theo dõi",
            [("Ủy ban nhân dân các xã", "lead")],
        ),
    ],
)
def test_the_issuer_speaking_is_not_an_addressee(opening, units):
    """A statement in the issuer's name assigns nothing; what it hands on ("giao") goes to
    whoever follows; a unit that hands on is still the one addressed."""
    assert [(u.name, u.role) for u in addressees(opening)] == units


@pytest.mark.parametrize(
    ("opening", "units"),
    [
        (
            "Căn cứ kế hoạch này, Giám đốc các Sở; Chủ tịch UBND các xã tổ chức triển khai",
            ["Giám đốc các Sở", "Chủ tịch UBND các xã"],
        ),
        (
            "Theo chức năng, nhiệm vụ được giao, Công an tỉnh chủ trì tổ chức kiểm tra",
            ["Công an tỉnh"],
        ),
        (
            "Trên cơ sở nội dung Kết luận, đề nghị các sở, ngành khẩn trương triển khai",
            ["các sở, ngành"],
        ),
        ("Theo dõi, đôn đốc, kiểm tra việc thực hiện Kế hoạch", []),
        ("Căn cứ tình hình thực tế, tổ chức kiểm tra định kỳ", []),
    ],
)
def test_an_addressee_after_an_opening_clause(opening, units):
    """Pattern 2: "Căn cứ …, X tổ chức …" is addressed to X; an opening clause that no unit
    follows addresses nobody."""
    assert [u.name for u in addressees(opening)] == units


@pytest.mark.parametrize(
    ("opening", "units"),
    [
        (
            "Giao người đứng đầu các phòng, các trường; Chủ tịch UBND các xã thực hiện",
            ["người đứng đầu các phòng", "người đứng đầu các trường", "Chủ tịch UBND các xã"],
        ),
        (
            "Thủ trưởng các cơ quan tham mưu, giúp việc Tỉnh ủy chỉ đạo rà soát",
            ["Thủ trưởng các cơ quan tham mưu, giúp việc Tỉnh ủy"],
        ),
        (
            "Giám đốc Sở Y tế; Giám đốc Sở Tài chính có trách nhiệm",
            ["Giám đốc Sở Y tế", "Giám đốc Sở Tài chính"],
        ),
    ],
)
def test_several_addressees_sharing_one_head_noun(opening, units):
    """Pattern 3: addressees split by ";" (a person's title included), a bare group after
    a title shares it, and a head noun is not cut at its first comma."""
    assert [u.name for u in addressees(opening)] == units


@pytest.mark.parametrize(
    ("opening", "units"),
    [
        ("Giao Phó Thủ tướng Nguyễn Văn An chỉ đạo các bộ liên quan", ["Phó Thủ tướng"]),
        (
            "Đồng chí Trần Văn Bình, Phó Chủ tịch UBND tỉnh chỉ đạo các sở",
            ["Phó Chủ tịch UBND tỉnh"],
        ),
        ("Giao Chủ tịch Lê Thị Hoa chủ trì, phối hợp với Sở Nội vụ", ["Chủ tịch", "Sở Nội vụ"]),
        ("Bộ trưởng Bộ Công an chỉ đạo lực lượng", ["Bộ trưởng Bộ Công an"]),
        ("Bí thư Tỉnh ủy Hà Tĩnh chủ trì", ["Bí thư Tỉnh ủy Hà Tĩnh"]),
    ],
)
def test_a_named_office_holder_is_addressed_by_the_office(opening, units):
    """Pattern 7: the role is the addressee; the person's name belongs to no unit record
    (the scope line: no records about individuals)."""
    assert [u.name for u in addressees(opening)] == units


@pytest.mark.parametrize(
    ("opening", "units"),
    [
        (
            "Sở Y tế chủ trì và phối hợp với Sở Tài chính tham mưu",
            [("Sở Y tế", "lead"), ("Sở Tài chính", "support")],
        ),
        (
            "Sở Y tế chủ trì, phối hợp chặt chẽ với Sở Tài chính, Công an tỉnh tham mưu",
            [("Sở Y tế", "lead"), ("Sở Tài chính", "support"), ("Công an tỉnh", "support")],
        ),
        (
            "Giao Sở Nội vụ chủ trì, Sở Tài chính và Sở Tư pháp phối hợp thực hiện",
            [("Sở Nội vụ", "lead"), ("Sở Tài chính", "support"), ("Sở Tư pháp", "support")],
        ),
        (
            "Sở Nội vụ (chủ trì), phối hợp với Sở Tài chính tham mưu",
            [("Sở Nội vụ", "lead"), ("Sở Tài chính", "support")],
        ),
    ],
)
def test_a_partner_is_a_supporting_unit(opening, units):
    """Pattern 10: whoever "phối hợp" is named, before or after the verb, supports."""
    assert [(u.name, u.role) for u in addressees(opening)] == units


# A made-up thông báo kết luận: items headed by a topic, the addressee opening the next
# paragraph.
THONG_BAO = """VĂN PHÒNG CHÍNH PHỦ
-------
Số: 45/TB-VPCP

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Nội, ngày 10 tháng 3 năm 2026

THÔNG BÁO
Kết luận của Phó Thủ tướng tại cuộc họp về các dự án giao thông

Ngày 05 tháng 3 năm 2026, Phó Thủ tướng đã chủ trì cuộc họp. Văn phòng Chính phủ
thông báo ý kiến kết luận như sau:

1. Về kiến nghị xây dựng cầu Bình Minh:

Giao Bộ Xây dựng, Bộ Tài chính nghiên cứu, xem xét kiến nghị của tỉnh, báo cáo
Thủ tướng Chính phủ trong tháng 4 năm 2026.

2. Về vốn cho dự án đường ven biển:

Phó Thủ tướng ghi nhận đề xuất của tỉnh.

Giao Ủy ban nhân dân tỉnh Gia Lai hoàn thiện hồ sơ dự án.

Giao Bộ Tài chính tổng hợp, cân đối vốn.

3. Về tiến độ chung:

Các dự án cần bám sát tiến độ đã đề ra.

Văn phòng Chính phủ thông báo để các cơ quan biết, thực hiện./.

Nơi nhận:
- Như trên;
- Lưu: VT.

KT. BỘ TRƯỞNG, CHỦ NHIỆM
PHÓ CHỦ NHIỆM
Nguyễn Văn C
"""


def test_a_topic_headed_item_is_addressed_in_its_next_paragraph():
    """Pattern 5: "2. Về …:" then "Giao Bộ A …": the item is Bộ A's; each paragraph that
    hands a task to someone else keeps its own units."""
    proposal = read_text(THONG_BAO)
    sections = {s.number: s for s in proposal.sections}

    assert [u.name for u in sections["1"].units] == ["Bộ Xây dựng", "Bộ Tài chính"]
    assert len(sections["1"].tasks) == 1
    assert [u.name for u in sections["2"].units] == ["Ủy ban nhân dân tỉnh Gia Lai", "Bộ Tài chính"]
    assert [[u.name for u in t.units] for t in sections["2"].tasks] == [
        ["Ủy ban nhân dân tỉnh Gia Lai"],
        ["Bộ Tài chính"],
    ]
    assert not sections["3"].addressed


def test_the_pages_summary_before_the_letter_does_not_end_it():
    """Pattern 1, before the letter: a TVPL page may open with a summary that ends "Xem
    chi tiết tại Công văn <its own number> ngày …"; the letter follows it whole."""
    page = read(TVPL_PAGE)
    before = _shape(page)
    summary = (
        "## Văn phòng Chính phủ thông báo ý kiến về dự án cao tốc\n\n"
        "- Đẩy nhanh tiến độ dự án.\n\n"
        "Xem chi tiết tại Công văn 11414/VPCP-CN ngày 20/11/2025.\n"
    )

    after = _shape(
        page.replace("**VĂN PHÒNG CHÍNH\nPHỦ**", summary + "**VĂN PHÒNG CHÍNH\nPHỦ**", 1)
    )

    assert after == before


@pytest.mark.parametrize(
    ("opening", "units"),
    [
        (
            "Cục Kết cấu hạ tầng xây dựng tham mưu việc chỉ đạo",
            [("Cục Kết cấu hạ tầng xây dựng", "lead")],
        ),
        (
            "Cục Kinh tế - Quản lý đầu tư xây dựng",
            [("Cục Kinh tế - Quản lý đầu tư xây dựng", "lead")],
        ),
        (
            "Ban Quản lý dự án khẩn trương tiếp tục chủ trì, phối hợp với Sở Xây dựng khảo sát",
            [("Ban Quản lý dự án", "lead"), ("Sở Xây dựng", "support")],
        ),
        ("Các đơn vị tổ chức trực ban và thực hiện nghiêm túc", [("Các đơn vị", "lead")]),
        ("Sở Nội vụ xây dựng kế hoạch", [("Sở Nội vụ", "lead")]),
        ("Bộ Nội vụ đánh giá kỹ tình hình hoạt động", [("Bộ Nội vụ", "lead")]),
        ("Các cơ quan, đơn vị nghiêm túc thực hiện", [("Các cơ quan, đơn vị", "lead")]),
    ],
)
def test_a_unit_name_may_end_in_a_verb(opening, units):
    """A name holding a verb ("… đầu tư xây dựng") ends where the sentence's own verb
    starts; a partner after words before "chủ trì" still supports."""
    assert [(u.name, u.role) for u in addressees(opening)] == units


def test_a_comrade_named_by_office_is_the_office():
    units = addressees("Đồng chí Phó Giám đốc Trung tâm Y tế - Phó Trưởng tiểu ban: Phụ trách")

    assert [u.name for u in units] == ["Phó Giám đốc Trung tâm Y tế - Phó Trưởng tiểu ban"]


def test_numbered_slogans_are_no_tasks():
    letter = read("136-CV-HU.md").replace(
        SEED_CLOSING,
        SEED_CLOSING
        + "\n\nV. KHẨU HIỆU TUYÊN TRUYỀN\n\n1. Quốc hội Việt Nam - cơ quan đại biểu cao nhất"
        " của Nhân dân!\n\n2. Ủy ban nhân dân các cấp gần dân, vì dân!",
    )

    slogans = [s for s in read_text(letter).sections if s.number.startswith("V.")]

    assert [(s.addressed, len(s.items)) for s in slogans] == [(False, 0), (False, 0)]


FIELDS_ITEM = """
2. Tổ chức tập huấn cho cán bộ làm công tác việc làm

- Nội dung thực hiện: Tổ chức tập huấn, bồi dưỡng chuyên môn cho cán bộ cấp xã.

- Cơ quan chủ trì: Sở Nội vụ, Sở Tài chính.

- Cơ quan phối hợp: Bảo hiểm xã hội tỉnh, Ủy ban nhân dân các xã.

- Thời gian thực hiện: Năm 2026 và các năm tiếp theo.
"""


def test_an_item_laid_out_as_labelled_fields_is_one_task():
    """An item of a kế hoạch as fields (nội dung, chủ trì, phối hợp, thời gian) is one
    task for whoever leads it, supported by the partners."""
    letter = KE_HOACH.replace("\nNơi nhận:", FIELDS_ITEM + "\nNơi nhận:", 1)

    section = next(s for s in read_text(letter).sections if (s.heading or "").startswith("Tổ chức"))

    assert [(u.name, u.role) for u in section.units] == [
        ("Sở Nội vụ", "lead"),
        ("Sở Tài chính", "lead"),
        ("Bảo hiểm xã hội tỉnh", "support"),
        ("Ủy ban nhân dân các xã", "support"),
    ]
    assert [t.text for t in section.tasks] == [
        "Tổ chức tập huấn, bồi dưỡng chuyên môn cho cán bộ cấp xã."
    ]


ENUMERATED = """
1. Về đánh giá tình hình

Thời gian qua, các cơ quan đạt được một số kết quả như sau:

(1) Công tác tham mưu ngày càng bài bản.

(2) Công tác thông tin được nâng cao.

Tuy nhiên, công tác thông tin còn chậm.

Quá trình tổ chức thực hiện nếu có khó khăn, vướng mắc thì các cơ quan kịp thời báo cáo.
"""


def test_paragraphs_opening_with_enumerators_are_the_tasks():
    """Pattern 4 of the new corpus: "(1) …", "(2) …" paragraphs are the items (what
    follows the last goes on with it), and "Quá trình tổ chức thực hiện nếu có khó khăn
    …" closes the letter."""
    letter = CONG_DIEN.replace(
        "1. Chủ tịch Ủy ban nhân dân các tỉnh, thành phố chỉ đạo sơ tán người dân khỏi vùng "
        "nguy hiểm.\n\n2. Bộ Công an chỉ đạo lực lượng tại chỗ hỗ trợ người dân.\n",
        ENUMERATED,
    )

    proposal = read_text(letter)

    assert [len(s.items) for s in proposal.sections] == [2]
    assert proposal.sections[0].items[1].text.endswith("Tuy nhiên, công tác thông tin còn chậm.")
    assert proposal.closing[0].startswith("Quá trình tổ chức thực hiện")


UNNUMBERED = """VĂN PHÒNG CHÍNH PHỦ
-------
Số: 500/VPCP-CN

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Nội, ngày 12 tháng 3 năm 2026

V/v dự án đường ven biển

Kính gửi: Bộ trưởng Bộ Xây dựng.

Về kiến nghị của Ủy ban nhân dân tỉnh Gia Lai, Phó Thủ tướng có ý kiến như sau:

Trên cơ sở báo cáo của tỉnh, Bộ Xây dựng làm việc với các cơ quan liên quan để hoàn thiện
hồ sơ dự án, báo cáo Thủ tướng Chính phủ trong tháng 4 năm 2026.

Văn phòng Chính phủ thông báo để các cơ quan biết, thực hiện./.

Nơi nhận:
- Như trên;
- Lưu: VT.

KT. BỘ TRƯỞNG, CHỦ NHIỆM
PHÓ CHỦ NHIỆM
Nguyễn Văn C
"""


def test_a_letter_with_no_numbered_item_has_one_section():
    """A letter that only says "… có ý kiến như sau:" and what a unit must do: one
    section, its task that paragraph, entered as mục 1."""
    proposal = read_text(UNNUMBERED)

    [section] = proposal.sections
    assert [u.name for u in section.units] == ["Bộ Xây dựng"]
    assert [t.text[:30] for t in section.tasks] == ["Trên cơ sở báo cáo của tỉnh, B"]
    assert [draft.number for draft in sections_of(proposal)] == ["1"]


def test_a_bold_name_wrapped_after_its_first_word_is_read_whole():
    """Pattern 12 of the new corpus: a page converter wraps "**VĂN PHÒNG CHÍNH PHỦ**" and
    "**Phạm Mạnh Cường**" after their first word."""
    letter = UNNUMBERED.replace("VĂN PHÒNG CHÍNH PHỦ\n", "**VĂN\nPHÒNG CHÍNH PHỦ**\n", 1).replace(
        "Nguyễn Văn C", "**Phạm\nMạnh Cường**"
    )

    proposal = read_text(letter)

    assert (proposal.issuer, proposal.signer.name) == ("Văn phòng Chính phủ", "Phạm Mạnh Cường")


@pytest.mark.parametrize(
    ("head", "next_line", "units"),
    [
        # The label on its own line, the task starting with its verb on the next.
        ("4. Giao Công an tỉnh", "Chỉ đạo Công an các xã tăng cường tuần tra.", ["Công an tỉnh"]),
        # A name wrapped at the page's width goes on.
        ("4. Văn phòng", "Trung ương Đảng theo dõi, đôn đốc.", ["Văn phòng Trung ương Đảng"]),
    ],
)
def test_a_label_line_on_a_page_without_blank_lines(head, next_line, units):
    """Pattern 7 of the new corpus: on a page whose lines wrap at its width, a label line
    ends where the next line opens with a verb."""
    page = read(TVPL_PAGE)
    at = "Văn phòng Chính phủ xin thông báo để Bộ Xây dựng và"

    sections = read_text(page.replace(at, f"{head}\n{next_line}\n{at}", 1)).sections

    assert sections[-1].number == "4"
    assert [u.name for u in sections[-1].units] == units


@pytest.mark.parametrize(
    ("item", "heading", "units"),
    [
        (
            "2. Chủ tịch Ủy ban nhân dân các tỉnh: Khánh Hòa, Đắk Lắk:\n\n- Chỉ đạo sơ tán dân.",
            "Chủ tịch Ủy ban nhân dân các tỉnh: Khánh Hòa, Đắk Lắk:",
            ["Chủ tịch Ủy ban nhân dân tỉnh Khánh Hòa", "Chủ tịch Ủy ban nhân dân tỉnh Đắk Lắk"],
        ),
        (
            "2. Các Bộ: Quốc phòng, Tài chính kịp thời xuất cấp phương tiện cho địa phương.",
            None,
            ["Bộ Quốc phòng", "Bộ Tài chính"],
        ),
    ],
)
def test_members_named_after_a_plural_are_each_addressed(item, heading, units):
    """Pattern 10 of the new corpus: "… các tỉnh: A, B" and "Các Bộ: A, B …" name one
    addressee each."""
    letter = CONG_DIEN.replace("2. Bộ Công an chỉ đạo lực lượng tại chỗ hỗ trợ người dân.", item)

    section = read_text(letter).sections[1]

    assert (section.heading, [u.name for u in section.units]) == (heading, units)


def test_a_sentence_ending_at_a_full_line_does_not_start_a_task():
    """Pattern 11: on a page wrapped at its width, a full line ending a sentence followed
    by another full line is a soft wrap; a paragraph opens with a shorter, indented line."""
    page = read(TVPL_PAGE)
    old = page[page.index("3. Bộ Xây dựng:") : page.index("Văn phòng Chính phủ xin thông báo")]
    new = (
        "3. Bộ Xây dựng: chỉ đạo Ban Quản lý dự án, các nhà\n"
        "thầu tăng cường nhân lực, máy móc thiết bị thi công, nguồn lực tài chính, đẩy\n"
        "nhanh tiến độ thi công để đảm bảo thông xe tuyến chính trong năm 2025 đúng hạn.\n"
        "Trong đó, ưu tiên các hạng mục cầu vượt, nút giao và đường gom của dự án này,\n"
        "bảo đảm chất lượng công trình.\n"
    )

    sections = read_text(page.replace(old, new)).sections

    assert [len(s.items) for s in sections] == [3, 1, 1]
    assert sections[2].items[0].text.endswith("bảo đảm chất lượng công trình.")


def test_a_title_wrapped_after_its_first_letter_is_the_subject():
    """A page converter wraps "Ý KIẾN CHỈ ĐẠO …" after "Ý"; the paragraph after it is
    not part of the subject."""
    letter = THONG_BAO.replace(
        "THÔNG BÁO\nKết luận của Phó Thủ tướng tại cuộc họp về các dự án giao thông",
        "THÔNG BÁO\nÝ\nKIẾN CHỈ ĐẠO CỦA PHÓ THỦ TƯỚNG VỀ CÁC DỰ ÁN GIAO THÔNG",
    )

    assert read_text(letter).subject == "Ý KIẾN CHỈ ĐẠO CỦA PHÓ THỦ TƯỚNG VỀ CÁC DỰ ÁN GIAO THÔNG"
