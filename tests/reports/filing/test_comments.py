"""Comments on a report: the unit and the reviewers talk, leadership reads along, other
units see nothing; bad text comes back with a Vietnamese message and is not lost."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.filing.comments import MAX_CHARS, comment_add
from reports.filing.models import Comment

from ...conftest import login

pytestmark = pytest.mark.django_db

TEXT = "Đề nghị đơn vị bổ sung biên bản hội nghị ngày 10/9."


def _post_url(report) -> str:
    return reverse("reports:comment_add", args=[report.pk])


def _detail_url(report) -> str:
    return reverse("reports:detail", args=[report.pk])


def _form_url(report) -> str:
    return reverse("reports:file", args=[report.assignment_id, report.period_id])


# The rule ---------------------------------------------------------------------------------------


def test_a_comment_is_kept_trimmed_with_its_author(submitted_a, reviewer):
    comment = comment_add(report=submitted_a, author=reviewer, text=f"  \r\n{TEXT}\r\nCảm ơn.\n ")

    comment.refresh_from_db()
    assert comment.text == f"{TEXT}\nCảm ơn."
    assert (comment.report, comment.author) == (submitted_a, reviewer)


@pytest.mark.parametrize("text", ["", "   ", "\r\n\t"])
def test_an_empty_comment_is_refused(text, submitted_a, reviewer):
    with pytest.raises(ValidationError) as refused:
        comment_add(report=submitted_a, author=reviewer, text=text)

    assert refused.value.message_dict == {"text": ["Chưa nhập nội dung trao đổi."]}
    assert not Comment.objects.exists()


def test_a_comment_may_be_4000_characters_and_no_more(submitted_a, reviewer):
    comment_add(report=submitted_a, author=reviewer, text="a" * MAX_CHARS)

    with pytest.raises(ValidationError) as refused:
        comment_add(report=submitted_a, author=reviewer, text="a" * (MAX_CHARS + 1))

    assert MAX_CHARS == 4000
    assert refused.value.message_dict == {
        "text": ["Nội dung trao đổi dài 4.001 ký tự, quá giới hạn 4.000 ký tự. Đề nghị rút gọn."]
    }
    assert Comment.objects.count() == 1


# Who may post ---------------------------------------------------------------------------------

# POST status on unit A's sent report and on unit B's draft, per persona
POST = {
    "reporter_a": (302, 404),
    "reporter_b": (404, 302),
    "reviewer": (302, 404),
    "leader": (403, 404),
}


@pytest.mark.parametrize("persona", [*POST, "anonymous"])
def test_the_unit_and_the_reviewers_post_nobody_else(persona, submitted_a, draft_b, client_for):
    client = client_for(persona)
    statuses = []
    for report in (submitted_a, draft_b):
        before = Comment.objects.filter(report=report).count()
        response = client.post(_post_url(report), {"text": TEXT})
        statuses.append(response.status_code)
        posted = Comment.objects.filter(report=report).count() - before
        assert posted == (1 if persona != "anonymous" and response.status_code == 302 else 0)

    if persona == "anonymous":
        assert statuses == [302, 302]
        assert not Comment.objects.exists()
    else:
        assert tuple(statuses) == POST[persona]


def test_posting_refuses_get(submitted_a, reviewer):
    assert login(reviewer).get(_post_url(submitted_a)).status_code == 405


def test_a_posted_comment_shows_on_the_page_it_came_from(submitted_a, reviewer):
    response = login(reviewer).post(
        _post_url(submitted_a), {"text": TEXT, "next": _detail_url(submitted_a)}, follow=True
    )

    assert response.redirect_chain == [(_detail_url(submitted_a) + "#trao-doi", 302)]
    page = response.content.decode()
    assert "Đã gửi ý kiến trao đổi." in page
    assert TEXT in page
    assert reviewer.get_full_name() in page


def test_the_unit_posts_from_its_draft_form(draft_a, reporter_a):
    response = login(reporter_a).post(
        _post_url(draft_a), {"text": TEXT, "next": _form_url(draft_a)}
    )

    assert response.url == _form_url(draft_a) + "#trao-doi"
    assert draft_a.comments.get().author == reporter_a


@pytest.mark.parametrize("next_url", ["https://evil.example/", "/tong-hop/", ""])
def test_posting_returns_only_to_a_report_page(next_url, submitted_a, reviewer):
    response = login(reviewer).post(_post_url(submitted_a), {"text": TEXT, "next": next_url})

    assert response.url == _detail_url(submitted_a) + "#trao-doi"


# Bad text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Chưa nhập nội dung trao đổi."),
        (
            "Ý kiến dài. " * 400,
            "Nội dung trao đổi dài 4.799 ký tự, quá giới hạn 4.000 ký tự. Đề nghị rút gọn.",
        ),
    ],
    ids=["empty", "too long"],
)
def test_bad_text_comes_back_with_a_message_and_the_text_kept(text, message, submitted_a, reviewer):
    client = login(reviewer)

    response = client.post(
        _post_url(submitted_a), {"text": text, "next": _detail_url(submitted_a)}, follow=True
    )

    assert response.status_code == 200
    assert not Comment.objects.exists()
    page = response.content.decode()
    assert message in page
    textarea = re.search(r'<textarea name="text"[^>]*>\n(.*?)</textarea>', page, re.S)
    assert textarea and textarea.group(1) == text.replace("'", "&#x27;")
    assert "is-invalid" in textarea.group(0)
    # Shown once: a second visit starts afresh.
    again = client.get(_detail_url(submitted_a)).content.decode()
    assert message not in again


# What each persona sees -----------------------------------------------------------------------


def test_the_thread_is_in_order_escaped_and_marks_who_wrote(submitted_a, reporter_a, reviewer):
    comment_add(report=submitted_a, author=reviewer, text="Bổ sung số liệu <b>quý III</b>.")
    comment_add(report=submitted_a, author=reporter_a, text="Đơn vị đã bổ sung.")

    page = login(reviewer).get(_detail_url(submitted_a)).content.decode()

    first = page.index("Bổ sung số liệu &lt;b&gt;quý III&lt;/b&gt;.")
    second = page.index("Đơn vị đã bổ sung.")
    assert first < second
    assert "<b>quý III</b>" not in page
    thread = page[page.index('id="trao-doi"') :]
    assert "bộ phận theo dõi" in thread[:second]
    assert "đơn vị</span>" in thread


def test_leadership_reads_the_thread_without_a_form(submitted_a, reviewer, leader):
    comment_add(report=submitted_a, author=reviewer, text=TEXT)

    page = login(leader).get(_detail_url(submitted_a)).content.decode()

    assert TEXT in page
    assert _post_url(submitted_a) not in page


def test_the_unit_and_the_reviewer_get_the_form(submitted_a, reporter_a, reviewer):
    for user in (reporter_a, reviewer):
        page = login(user).get(_detail_url(submitted_a)).content.decode()

        assert _post_url(submitted_a) in page
        assert f'name="next" value="{_detail_url(submitted_a)}"' in page
        assert "Tối đa 4.000 ký tự." in page


def test_comments_show_the_date_as_vietnamese_write_it(submitted_a, reviewer):
    comment = comment_add(report=submitted_a, author=reviewer, text=TEXT)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=datetime.datetime(2021, 9, 18, 2, 5, tzinfo=datetime.UTC)
    )

    page = login(reviewer).get(_detail_url(submitted_a)).content.decode()

    assert "18/09/2021 09:05" in page


def test_the_draft_form_page_has_the_thread_and_warns_of_unsaved_text(draft_a, reporter_a):
    comment_add(report=draft_a, author=reporter_a, text=TEXT)

    page = login(reporter_a).get(_form_url(draft_a)).content.decode()

    assert TEXT in page
    assert _post_url(draft_a) in page
    assert f'name="next" value="{_form_url(draft_a)}"' in page
    assert "Lưu nháp trước khi gửi ý kiến" in page
