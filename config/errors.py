"""The site's handler500: an unreachable database is a 503 ("try again in a minute"),
any other failure the usual 500. Nothing here may touch the database: the request's
session, user and the context processors all need it, so templates render without a
request. And `ErrorPages`: the Vietnamese 404 page with DEBUG on too, and a 405 page."""

import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views import defaults

RETRY_AFTER_SECONDS = 30

API_OUTAGE = _(
    "Hệ thống tạm thời không kết nối được cơ sở dữ liệu. Dữ liệu vừa gửi có thể chưa "
    "được lưu; đề nghị kiểm tra lại sau khoảng một phút và gửi lại nếu cần."
)
API_ERROR = _("Hệ thống gặp lỗi, yêu cầu chưa thực hiện được. Đề nghị thử lại sau ít phút.")


# SQLSTATE of a lost or refused server: connection exceptions (class 08), and the server
# shutting down or starting (57P01-57P03). A failure to connect at all carries none.
CONNECTION_STATES = ("08", "57P01", "57P02", "57P03")


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether the database could not be reached, here or down the chain of causes
    (psycopg's error arrives wrapped in Django's, and code may re-raise it as something
    else). A deadlock, a statement timeout or an IntegrityError is not an outage: 500."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, InterfaceError):
            return True
        if isinstance(exc, OperationalError):
            state = getattr(exc.__cause__, "sqlstate", None)
            return state is None or state.startswith(CONNECTION_STATES)
        seen.add(id(exc))
        exc = exc.__cause__
    return False


def server_error(request):
    # Django calls handler500 from inside its `except` block.
    outage = database_unreachable(sys.exc_info()[1])
    if request.path_info.startswith("/api/"):
        if outage:
            response = JsonResponse({"detail": API_OUTAGE}, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return JsonResponse({"detail": API_ERROR}, status=500)
    if not outage:
        return defaults.server_error(request)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ErrorPages:
    """With DEBUG on (`make run`), Django answers a missing page with its English debug
    page; users of the demo get the site's own 404 page, as in production. (With DEBUG
    off Django renders 404.html itself; 403.html is rendered in every mode.) An action's
    link opened in the browser (require_POST's empty 405) gets 405.html; the API answers
    its own 405 in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return defaults.page_not_found(request, Http404())  # no URL matched
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        return None
