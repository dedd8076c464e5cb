# ruff: noqa: E501
"""A snapshot as `reports.summaries.snapshot` freezes it, for testing the renderers alone;
the small directive with its signer, as a summary needs one to be exported; and a draft
summary of it."""

import pytest

from reports.summaries.compose import summary_compose

LEGEND = {
    "accepted": "Đã tiếp nhận",
    "submitted": "Đã gửi",
    "returned": "Trả lại để bổ sung",
    "revising": "Đang bổ sung",
    "missing": "Chưa nộp",
    "overdue": "Quá hạn",
}
FORMULA = '=HYPERLINK("http://attacker.example","Bấm vào")'


def make_snapshot(units: int = 3, periods: int = 2) -> dict:
    """`units` units (the last one named with a formula payload), `periods` periods."""
    names = [f"Đảng bộ xã Phước {i}" for i in range(1, units)] + [FORMULA]
    labels = [f"Tháng {9 + p}/2021" for p in range(periods)]
    annex_rows = [
        [i + 1, name, 2 * periods, 2 * periods - 1, periods, periods, 1, 75.0, 50.0]
        for i, name in enumerate(names)
    ]
    total = ["", "Tổng cộng", *[sum(r[c] for r in annex_rows) for c in range(2, 7)], 75.0, 50.0]
    return {
        "version": 1,
        "made_at": "2021-12-20T09:30:00+07:00",
        "directive": {
            "number": "136-CV/HU",
            "subject": "Tăng cường công tác chỉ đạo, định hướng, quản lý thông tin trên mạng xã hội",
        },
        "periods": f"{labels[0]} – {labels[-1]}",
        "header": {
            "parent_body": "ĐẢNG BỘ TỈNH BÌNH ĐỊNH",
            "issuing_body": "HUYỆN ỦY TUY PHƯỚC",
            "number": "Số 45-BC/HU",
            "place_date": "Tuy Phước, ngày 20 tháng 12 năm 2021",
            "title": "BÁO CÁO",
            "subject": "kết quả thực hiện Công văn số 136-CV/HU, ngày 25/8/2021 của Ban Thường vụ Huyện ủy",
        },
        "parts": [
            {
                "heading": "I. TÌNH HÌNH TRIỂN KHAI",
                "paragraphs": [
                    {"text": "Có 13/16 báo cáo được gửi (đạt 81,3%).", "heading": False},
                ],
            },
            {
                "heading": "II. KẾT QUẢ THỰC HIỆN",
                "paragraphs": [
                    {"text": "1. Ủy ban nhân dân huyện", "heading": True},
                    {"text": "- Đảng bộ xã Phước 1: Đã tổ chức 3 hội nghị quán triệt.", "heading": False},
                    {"text": f"- Đảng bộ xã Phước 2: {FORMULA}", "heading": False},
                ],
            },
            {
                "heading": "III. KHÓ KHĂN, VƯỚNG MẮC",
                "paragraphs": [{"text": "Kinh phí còn hạn chế.", "heading": False}],
            },
            {
                "heading": "IV. KIẾN NGHỊ, ĐỀ XUẤT",
                "paragraphs": [{"text": "Đề nghị bổ sung kinh phí.", "heading": False}],
            },
        ],
        "recipients": ["Ban Tuyên giáo Tỉnh ủy (b/c),", "Thường trực Huyện ủy,", "Lưu VPHU."],
        "signature": {"on_behalf": "T/M BAN THƯỜNG VỤ", "title": "PHÓ BÍ THƯ", "name": "Nguyễn Đình Thuận"},
        "margins_mm": {"top": 20, "bottom": 20, "left": 30, "right": 15},
        "annex": {
            "title": "PHỤ LỤC: TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ",
            "columns": [
                "STT", "Đơn vị", "Phải nộp", "Đã nộp", "Đúng hạn", "Đã tiếp nhận",
                "Chưa nộp", "Tỷ lệ đầy đủ (%)", "Tỷ lệ đúng hạn (%)",
            ],
            "rows": annex_rows,
            "total": total,
        },
        "matrix": {
            "columns": ["Kỳ báo cáo", "Đơn vị", "1.1", "1.2"],
            "tasks": [
                {"code": "1.1", "name": "Tuyên truyền, quán triệt"},
                {"code": "1.2", "name": "Theo dõi dư luận"},
            ],
            "legend": LEGEND,
            "rows": [
                [label, name, "accepted", "overdue" if i % 2 else ""]
                for label in labels
                for i, name in enumerate(names)
            ],
        },
        "indicators": {
            "columns": ["Nhiệm vụ", "Chỉ tiêu", "Đơn vị tính", "Cách tổng hợp", "Kết quả", "Số đơn vị"],
            "rows": [["1.2", "Số tin, bài tuyên truyền", "tin", "Cộng dồn các kỳ", 123.0, 12]],
        },
    }  # fmt: skip


@pytest.fixture
def snapshot() -> dict:
    return make_snapshot()


@pytest.fixture
def small_directive(small_directive):
    """The small directive (tests/conftest.py), signed as Party letters are."""
    directive = small_directive.directive
    directive.signer_on_behalf = "T/M BAN THƯỜNG VỤ"
    directive.signer_title = "PHÓ BÍ THƯ"
    directive.signer_name = "Nguyễn Đình Thuận"
    directive.save()
    return small_directive


@pytest.fixture
def summary(small_directive, submitted_a, draft_b, reviewer):
    """A saved draft of the small directive's September: unit A sent, unit B a draft."""
    made = summary_compose(
        directive=small_directive.directive,
        period_from=small_directive.period,
        period_to=small_directive.period,
        by=reviewer,
    )
    made.save()
    return made
