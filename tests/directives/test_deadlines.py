"""A task's kind and deadline read from its own words: dates as written, named spans
resolved to their last working day (weekends, public holidays and Tết included)."""

import datetime

import pytest

from directives.deadlines import BOTH, DEADLINE, ONGOING, read_deadline

D = datetime.date
ISSUED = D(2026, 3, 2)


@pytest.mark.parametrize(
    ("words", "kind", "date"),
    [
        ("Hoàn thành trước ngày 30/6/2026.", DEADLINE, D(2026, 6, 30)),
        ("báo cáo kết quả chậm nhất ngày 15/12", DEADLINE, D(2026, 12, 15)),
        ("Xong trước ngày 5-1", DEADLINE, D(2027, 1, 5)),  # January next: after the letter
        # 30/9/2026 is a Wednesday; 31/12/2026 a Thursday.
        ("Hoàn thành trong quý III/2026", DEADLINE, D(2026, 9, 30)),
        ("trong Quý 4 năm 2026", DEADLINE, D(2026, 12, 31)),
        # 31/1/2026 is a Saturday: the last working day of the month is Friday 30/1.
        ("hoàn thành trong tháng 1/2026", DEADLINE, D(2026, 1, 30)),
        # 30/6/2029 is a Saturday: Friday 29/6.
        ("sơ kết 6 tháng đầu năm 2029", DEADLINE, D(2029, 6, 29)),
        ("tổng kết 6 tháng cuối năm 2026", DEADLINE, D(2026, 12, 31)),
        ("Thực hiện thường xuyên.", ONGOING, None),
        ("Thường xuyên theo dõi; báo cáo kết quả trước ngày 15/12/2026", BOTH, D(2026, 12, 15)),
        ("Tuyên truyền sâu rộng trong cán bộ, đảng viên.", ONGOING, None),
        ("hoàn thành trong năm 2027", DEADLINE, D(2027, 12, 31)),
        # A day in words, as written, not the month it names.
        ("bàn giao mặt bằng trước ngày 20 tháng 11 năm 2026.", DEADLINE, D(2026, 11, 20)),
        ("chậm nhất là ngày 5 tháng 4", DEADLINE, D(2026, 4, 5)),
        ("trước ngày 29/2", DEADLINE, D(2028, 2, 29)),  # the next 29 February
    ],
)
def test_the_words_give_the_kind_and_the_deadline(words, kind, date):
    read = read_deadline(words, issued_on=ISSUED)

    assert (read.kind, read.date) == (kind, date)


def test_a_span_that_ends_in_tet_ends_on_the_working_day_before():
    """Tết Quý Sửu falls on Monday 31/1/2033: "tháng 1/2033" ends on Friday 28/1, the
    last working day before it; a day off entered in the admin moves it earlier still."""
    read = read_deadline("hoàn thành trong tháng 1/2033", issued_on=D(2032, 11, 1))
    assert read.date == D(2033, 1, 28)
    assert read.words == "tháng 1/2033"

    off = {D(2033, 1, 28): "day_off"}  # an extra day off before Tết
    read = read_deadline("hoàn thành trong tháng 1/2033", issued_on=D(2032, 11, 1), exceptions=off)
    assert read.date == D(2033, 1, 27)


def test_a_day_in_words_keeps_its_words_over_a_line_break():
    read = read_deadline("bàn giao mặt bằng trước ngày 30\ntháng 11 năm 2025.", issued_on=ISSUED)

    assert (read.date, read.words) == (D(2025, 11, 30), "trước ngày 30 tháng 11 năm 2025")


def test_the_first_deadline_written_is_taken_and_its_words_kept():
    read = read_deadline(
        "Hoàn thành trong quý II/2026; tổng kết trước ngày 15/12/2026.", issued_on=ISSUED
    )

    assert (read.date, read.words) == (D(2026, 6, 30), "quý II/2026")


@pytest.mark.parametrize(
    "words",
    [
        "trước ngày 31/2/2026",
        "trong tháng 13/2026",
        "ngày 30/6/2026 vừa qua",
        # The date of a document cited is not a deadline, nor is its month.
        "Thực hiện Kế hoạch số 12/KH-UBND ngày 13 tháng 11 năm 2026 của tỉnh.",
        "hoàn thành trong năm 0000",  # no such year
    ],
)
def test_no_date_from_words_that_name_none(words):
    read = read_deadline(words, issued_on=ISSUED)

    assert read.date is None


@pytest.mark.parametrize(
    ("words", "kind", "date", "said"),
    [
        # A month with no cue: the period a report covers, or a span cited.
        ("Báo cáo kết quả hoạt động của chính quyền 2 cấp tháng 11/2025.", ONGOING, None, ""),
        ("phương hướng, nhiệm vụ trọng tâm từ nay đến tháng 6/2027", ONGOING, None, ""),
        ("Nghị quyết phiên họp Chính phủ thường kỳ tháng 9 năm 2025", ONGOING, None, ""),
        ("Giải ngân tính đến hết ngày 31 tháng 10 năm 2025 đạt 72%", ONGOING, None, ""),
        ("bố trí kinh phí chi thường xuyên theo quy định", ONGOING, None, ""),
        # With one.
        (
            "tháo gỡ khó khăn xong cuối tháng 12 năm 2025",
            DEADLINE,
            D(2025, 12, 31),
            "tháng 12 năm 2025",
        ),
        (
            "bảo đảm đến hết năm 2025 không còn vướng mắc",
            DEADLINE,
            D(2025, 12, 31),
            "đến hết năm 2025",
        ),
        ("hoàn thành trong năm 2026", DEADLINE, D(2026, 12, 31), "trong năm 2026"),
        (
            "bảo đảm tiến độ hoàn thành Dự án vào năm 2026.",
            DEADLINE,
            D(2026, 12, 31),
            "vào năm 2026",
        ),
        ("Dự án khởi công vào năm 2024.", ONGOING, None, ""),
        (
            "tổ chức trong tuần ngày 15 đến ngày 31 tháng 12 năm 2026",
            DEADLINE,
            D(2026, 12, 31),
            "ngày 15 đến ngày 31 tháng 12 năm 2026",
        ),
    ],
)
def test_what_the_new_corpus_taught(words, kind, date, said):
    """Deadlines as the unseen letters write them (issue 18)."""
    deadline = read_deadline(words, issued_on=ISSUED)

    assert (deadline.kind, deadline.date, deadline.words) == (kind, date, said)
