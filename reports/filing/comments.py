"""Comments on a report (trao đổi) between the unit and the reviewers.

Who may write is the permission module's to say ("report.comment"); this checks the text.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from units.text import is_blank

from .models import Comment, ProgressReport
from .notices import comment_added_notify

MAX_CHARS = 4000


def comment_text_clean(text: str) -> str:
    """The text as it will be kept, or a ValidationError on the "text" field."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise ValidationError(
            {"text": _("Nội dung có ký tự không hợp lệ (ký tự rỗng).")}, code="null_characters"
        )
    if is_blank(text):
        raise ValidationError({"text": _("Chưa nhập nội dung trao đổi.")}, code="empty")
    if len(text) > MAX_CHARS:
        raise ValidationError(
            {
                "text": _(
                    "Nội dung trao đổi dài %(length)s ký tự, quá giới hạn %(max)s ký tự. "
                    "Đề nghị rút gọn."
                )
                % {
                    "length": number_format(len(text), force_grouping=True),
                    "max": number_format(MAX_CHARS, force_grouping=True),
                }
            },
            code="too_long",
        )
    return text


@transaction.atomic
def comment_add(*, report: ProgressReport, author, text: str) -> Comment:
    """Post a comment; the other side (unit or reviewers) gets an in-app notice."""
    comment = Comment.objects.create(report=report, author=author, text=comment_text_clean(text))
    comment_added_notify(comment=comment)
    return comment
