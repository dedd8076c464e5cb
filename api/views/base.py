"""What every resource shares: the permission bridge, JSON in and out, a rule's refusal
as the pages give it, malformed data as a 400, an object named that does not exist as a
404, well-formed data a rule or the state of things refuses as a 409, and the
responses each operation declares in the schema."""

import base64
import binascii
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import (
    NotAcceptable,
    NotFound,
    ParseError,
    UnsupportedMediaType,
    ValidationError,
)
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.viewsets import GenericViewSet

from config.middleware import TOO_BIG, too_big_message

from ..parsers import JSONParser
from ..permissions import Rules
from ..serializers import MAX_ID, ConflictSerializer, ErrorSerializer

ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=_(
            "Dữ liệu không hợp lệ: mỗi trường sai kèm danh sách lý do; lỗi chung ở "
            "“non_field_errors” hoặc “detail”."
        ),
    ),
    401: OpenApiResponse(
        ErrorSerializer, description=_("Chưa đăng nhập, hoặc mã truy cập sai hay đã thu hồi.")
    ),
    403: OpenApiResponse(
        ErrorSerializer, description=_("Vai trò của bạn không được làm việc này.")
    ),
    404: OpenApiResponse(
        ErrorSerializer,
        description=_(
            "Không có, hoặc bạn không được xem (không tiết lộ); cả khi dữ liệu gửi nêu mã "
            "một đối tượng như vậy."
        ),
    ),
    409: OpenApiResponse(
        ConflictSerializer,
        description=_(
            "Xung đột: đã có người lưu sau phiên bản bạn đọc, hoặc dữ liệu đúng dạng nhưng "
            "trái quy định hay trạng thái hiện tại (lý do ở “detail”, từng trường ở “reasons”)."
        ),
    ),
    429: OpenApiResponse(ErrorSerializer, description=_("Gửi quá nhiều yêu cầu; thử lại sau.")),
}


OK = {
    200: _("Thành công."),
    201: _("Đã tạo."),
    202: _("Đã nhận yêu cầu; tệp được tạo ở nền."),
}


def responses(ok: dict, *errors: int) -> dict:
    """ok: {status: OpenApiResponse or serializer}; errors: the codes besides 401 and 429,
    which every operation may answer."""
    described = {
        code: body if isinstance(body, OpenApiResponse) else OpenApiResponse(body, OK[code])
        for code, body in ok.items()
    }
    return {**described, **{code: ERRORS[code] for code in sorted({*errors, 401, 429})}}


DIGITS = re.compile(r"[0-9]{1,10}")


def query_id(request, name: str) -> int | None:
    """A positive whole number from the query string (None if not given); anything else,
    blank or repeated included, is a 400 that says so."""
    if name not in request.query_params:
        return None
    values = request.query_params.getlist(name)
    if len(values) != 1 or not DIGITS.fullmatch(values[0]) or not 1 <= int(values[0]) <= MAX_ID:
        raise ValidationError({name: [_("Cần đúng một số nguyên dương.")]})
    return int(values[0])


class Cursor(CursorPagination):
    """Pages of up to 1,000 read by a cursor (the last id read, opaque to the client):
    each page a fixed number of queries, none counting everything, and a report filed
    meanwhile never shifts a page. The view reads the rows (`position`, `link`); this
    class validates and describes the parameters."""

    ordering = "pk"
    page_size = 50
    max_page_size = 1_000
    page_size_query_param = "page_size"
    cursor_query_description = _("Con trỏ trang: lấy từ “next” của trang trước.")
    page_size_query_description = _("Số mục mỗi trang, từ 1 đến 1000 (mặc định 50).")

    def get_page_size(self, request):
        size = query_id(request, self.page_size_query_param)
        if size is not None and size > self.max_page_size:
            raise ValidationError({self.page_size_query_param: [_("Mỗi trang tối đa 1000 mục.")]})
        return size or self.page_size

    def position(self, request) -> int:
        """The id after which the page starts (0: the first page)."""
        values = request.query_params.getlist(self.cursor_query_param)
        if not values:
            return 0
        try:
            decoded = base64.urlsafe_b64decode(values[0].encode("ascii")).decode("ascii")
            after = int(decoded.removeprefix("sau="))
            if len(values) != 1 or not decoded.startswith("sau=") or not 0 < after <= MAX_ID:
                raise ValueError
        except (ValueError, UnicodeError, binascii.Error):
            # As DRF's own cursor pages answer: the page it names does not exist.
            raise NotFound(_("Con trỏ trang không hợp lệ: dùng đúng liên kết “next”.")) from None
        return after

    def link(self, request, after: int) -> str:
        cursor = base64.urlsafe_b64encode(f"sau={after}".encode()).decode()
        return replace_query_param(request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_paginated_response_schema(self, schema):
        return _described(super().get_paginated_response_schema(schema))

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] |= {"minimum": 1, "maximum": self.max_page_size}
        return parameters


def _described(paginated: dict) -> dict:
    described = {
        "count": _("Tổng số mục."),
        "next": _("Trang sau (null: đang ở trang cuối)."),
        "previous": _("Trang trước (null: đang ở trang đầu)."),
        "results": _("Các mục của trang này."),
    }
    for name, text in described.items():
        if name in paginated["properties"]:
            paginated["properties"][name]["description"] = text
    return paginated


class Pages(PageNumberPagination):
    page_query_description = _("Số trang (mỗi trang 50 mục), từ 1.")
    invalid_page_message = _("Không có trang {page_number}.")

    def paginate_queryset(self, queryset, request, view=None):
        query_id(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] |= {"minimum": 1, "maximum": MAX_ID}
        return parameters

    def get_paginated_response_schema(self, schema):
        return _described(super().get_paginated_response_schema(schema))


class Conflict(Exception):
    def __init__(self, detail: str, version: int | None = None, reasons: dict | None = None):
        super().__init__(detail)
        self.detail, self.version, self.reasons = detail, version, reasons


def as_drf(error: DjangoValidationError) -> ValidationError:
    return ValidationError(serializers.as_serializer_error(error))


def refused(error: DjangoValidationError) -> Conflict:
    """A service's refusal of well-formed data (a rule of the work, not of the format):
    a 409 with the reasons, field by field when the service gives them."""
    reasons = error.message_dict if hasattr(error, "error_dict") else None
    return Conflict(" ".join(error.messages), reasons=reasons)


NOT_FOUND, CONFLICT = "does_not_exist", "conflict"


def _leaves(errors) -> list:
    if isinstance(errors, dict):
        return [leaf for e in errors.values() for leaf in _leaves(e)]
    if isinstance(errors, list):
        return [leaf for e in errors for leaf in _leaves(e)]
    return [errors]


def checked(body: serializers.Serializer) -> dict:
    """The body's validated data. Malformed: 400 with each field's reasons. Well-formed
    but naming an object that does not exist (or that you may not see): 404. Well-formed
    but contradicting itself or the state of things: 409 with the reasons."""
    if body.is_valid():
        return body.validated_data
    leaves = _leaves(body.errors)
    codes = {getattr(leaf, "code", None) for leaf in leaves}
    if not codes <= {NOT_FOUND, CONFLICT}:
        raise ValidationError(body.errors)
    detail = " ".join(dict.fromkeys(str(leaf) for leaf in leaves))
    if NOT_FOUND in codes:
        raise NotFound(detail)
    raise Conflict(detail)


def _in_vietnamese(exc, request):
    """DRF's and Django's refusals whose words their Vietnamese catalogues lack."""
    if isinstance(exc, Http404):  # get_object_or_404: "No Directive matches …"
        return NotFound(_("Không có, hoặc bạn không được xem."))
    if isinstance(exc, NotAcceptable):
        return NotAcceptable(_("API chỉ trả lời JSON: gửi Accept: application/json."))
    if isinstance(exc, UnsupportedMediaType):
        return UnsupportedMediaType(
            request.content_type,
            _("API chỉ nhận JSON (Content-Type: application/json), không nhận “{type}”.").format(
                type=request.content_type
            ),
        )
    return exc


class ApiViewSet(GenericViewSet):
    permission_classes = [Rules]
    pagination_class = Pages
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    rules: dict[str, str] = {}
    object_rules: dict[str, str] = {}

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = as_drf(exc)
        exc = _in_vietnamese(exc, self.request)
        if isinstance(exc, TOO_BIG):  # met while DRF reads the body: JSON, not Django's page
            exc = ParseError(too_big_message(exc))
        if isinstance(exc, Conflict):
            body = {"detail": exc.detail}
            if exc.version is not None:
                body["version"] = exc.version
            if exc.reasons:
                body["reasons"] = exc.reasons
            return Response(body, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)
