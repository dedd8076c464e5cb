"""The reporting schedule a letter asks for (issue 18, pattern 11): read from its closing
instruction, proposed on the review page."""

import pytest
from django.urls import reverse

from directives.letter_reader import read_text
from directives.letter_reader.schedule import reporting_schedule

from ...conftest import login
from .helpers import read
from .test_unseen import SEED_CLOSING


@pytest.mark.parametrize(
    ("closing", "schedule"),
    [
        (
            "Nhận được Công văn này, các địa phương báo cáo kết quả về Ban Tuyên giáo "
            "Huyện ủy trước ngày 15 hằng tháng.",
            "monthly",
        ),
        ("Định kỳ hằng quý, các đơn vị báo cáo kết quả thực hiện về Văn phòng.", "quarterly"),
        ("Các đơn vị báo cáo sơ kết 6 tháng, tổng kết năm về Sở Nội vụ.", "half_yearly"),
        ("Các đơn vị báo cáo kết quả hằng năm trước ngày 10/12.", "yearly"),
    ],
)
def test_the_schedule_is_read_from_the_closing_instruction(closing, schedule):
    guess = reporting_schedule([closing], ["1. Giao Sở A hằng quý kiểm tra."])

    assert guess is not None
    assert (guess.schedule, guess.words) == (schedule, closing)


def test_a_period_in_a_sentence_that_asks_no_report_is_no_schedule():
    assert reporting_schedule(["Tổ chức kiểm tra hằng tháng tại cơ sở."], []) is None


def test_the_seed_letters_closing_gives_the_review_its_schedule():
    letter = read("136-CV-HU.md").replace(
        SEED_CLOSING,
        "Nhận được Công văn này, các địa phương, cơ quan, đơn vị báo cáo kết quả về Ban "
        "Tuyên giáo Huyện ủy trước ngày 15 hằng tháng.",
    )

    proposal = read_text(letter)

    assert proposal.schedule is not None
    assert proposal.schedule.schedule == "monthly"


@pytest.mark.django_db
def test_the_review_page_proposes_the_schedule_and_shows_its_words(reviewer):
    closing = (
        "Nhận được Công văn này, các địa phương, cơ quan, đơn vị báo cáo kết quả về Ban "
        "Tuyên giáo Huyện ủy định kỳ hằng quý."
    )
    letter = read("136-CV-HU.md").replace(SEED_CLOSING, closing)

    page = login(reviewer).post(reverse("directives:import"), {"text": letter})

    assert page.status_code == 200
    assert page.context["header"]["schedule"].value() == "quarterly"
    assert "Đọc từ văn bản: “Nhận được Công văn này" in page.content.decode()
