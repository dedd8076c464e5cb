"""Where a page's form data enters: every posted text and query parameter cleaned once
(units.text), and a post too big to read answered with a page that says so, in
Vietnamese.

The API's JSON bodies are cleaned by its parser (api/parsers.py), which DRF reads
itself; this leaves DRF's views to it. It runs before the CSRF check (which reads
request.POST first otherwise) and makes no query.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse, QueryDict, UnreadablePostError
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.views import APIView

from units.text import clean_text

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class CleanInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cleaned = _cleaned(request.GET)  # search boxes and filters: no NUL into SQL
        if cleaned is not None:
            request.GET = cleaned
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return None
        if issubclass(getattr(view_func, "cls", object), APIView):
            return None  # DRF parses its own body
        try:
            posted = request.POST
        except TOO_BIG as refusal:
            return _too_big(request, refusal)
        except UnreadablePostError:
            return None  # the client went away: the CSRF check refuses it, as before
        cleaned = _cleaned(posted)
        if cleaned is not None:
            request._post = cleaned
        return None


def _cleaned(posted: QueryDict) -> QueryDict | None:
    """The posted data with every key and value cleaned; None when nothing changed."""
    changed = False
    lists = []
    for key, values in posted.lists():
        new_key, new_values = clean_text(key), [clean_text(value) for value in values]
        changed = changed or new_key != key or new_values != values
        lists.append((new_key, new_values))
    if not changed:
        return None
    cleaned = QueryDict(mutable=True, encoding=posted.encoding)
    for key, values in lists:
        cleaned.setlistdefault(key).extend(values)
    cleaned._mutable = False
    return cleaned


TOO_BIG = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def too_big_message(refusal: Exception) -> str:
    """What a person is told when what they sent exceeds the limits (the form pages
    here; the API, api/views/base.py)."""
    if isinstance(refusal, RequestDataTooBig):
        message = _(
            "Nội dung gửi lên quá lớn: phần chữ của một biểu mẫu tối đa %(mb)d MB. Văn bản "
            "dài thì tải lên tệp (.docx, .txt) thay vì dán toàn văn; đề nghị quay lại trang "
            "trước, rút gọn nội dung rồi gửi lại."
        ) % {"mb": _data_limit_mb()}
    else:
        message = _(
            "Biểu mẫu gửi lên có quá nhiều ô hoặc quá nhiều tệp. Đề nghị quay lại trang "
            "trước, gửi ít hơn mỗi lần."
        )
    return message


def _too_big(request, refusal: Exception):
    message = too_big_message(refusal)
    if request.path_info.startswith("/api/v1/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def _data_limit_mb() -> int:
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024), 1)
