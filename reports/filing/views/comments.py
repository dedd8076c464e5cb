"""Comments on a report: the thread and a small form on the report pages, and posting.

A refused comment comes back to the page it was written on with the message and the
text as typed (kept in the session for that one redraw), so nothing is lost.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import Membership
from units.permissions import can, ensure

from .. import comments as rules
from .. import selectors
from .evidence import here, on_form_page, report_page_url

# More than anyone means to keep, yet bounded: the session is not a document store.
KEPT_CHARS = 10 * rules.MAX_CHARS


def _draft_key(report) -> str:
    return f"reports:comment_draft:{report.pk}"


def panel(request, assignment, state, forms=None) -> dict:
    report = state.report
    if report is None or not can(request.user, "report.view", report):
        return {}
    comments = list(report.comments.select_related("author"))
    unit_id = report.assignment.unit_id
    unit_staff = set(
        Membership.objects.filter(
            unit_id=unit_id,
            role=Membership.Role.REPORTER,
            user_id__in={c.author_id for c in comments if c.author_id},
        ).values_list("user_id", flat=True)
    )
    for comment in comments:
        comment.by_unit = comment.author_id in unit_staff
    can_post = can(request.user, "report.comment", report)
    draft = request.session.pop(_draft_key(report), None) if can_post else None
    return {
        "comments_panel": {
            "report": report,
            "comments": comments,
            "can_post": can_post,
            "text": draft["text"] if draft else "",
            "errors": draft["errors"] if draft else [],
            "on_form_page": on_form_page(request),
            "max_chars": number_format(rules.MAX_CHARS, force_grouping=True),
            "next": here(request),
        }
    }


@require_POST
@login_required
def comment_post(request, pk: int):
    report = get_object_or_404(selectors.reports_with_context(), pk=pk)
    ensure(request.user, "report.comment", report)
    text = request.POST.get("text", "")
    try:
        rules.comment_add(report=report, author=request.user, text=text)
    except ValidationError as error:
        request.session[_draft_key(report)] = {
            "text": text[:KEPT_CHARS],
            "errors": error.messages,
        }
    else:
        messages.success(request, _("Đã gửi ý kiến trao đổi."))
    return redirect(report_page_url(request, report, "trao-doi"))


urlpatterns = [
    path("bao-cao/<int:pk>/trao-doi/", comment_post, name="comment_add"),
]
