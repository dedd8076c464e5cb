"""Progress reports: read what you may see, file your unit's (draft → submit), review
(accept, return with a reason). Each write calls the service the pages call."""

import csv
import io
import json
from itertools import islice

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from directives.models import Assignment
from reports.filing import selectors, services
from reports.filing.models import ProgressReport, ReportTransition
from reports.spreadsheets.cells import csv_text
from units.permissions import can, filing_unit_ids, visible_reports

from .. import filters
from ..permissions import SIGNED_IN
from ..serializers import (
    MAX_ID,
    ReportCreateSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
    ReturnSerializer,
)
from .base import ApiViewSet, Conflict, Cursor, checked, refused, responses

REPORTS = gettext_lazy("Báo cáo tiến độ")
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _filter_help(name: str):
    return filters.ReportFilter.base_filters[name].extra["help_text"]


class BulkReportSerializer(ReportSerializer):
    """A report as the cursor pages give it: its history left out, as in the stream (the
    report's own page has it); its own name in the schema, these pages have no count."""

    class Meta(ReportSerializer.Meta):
        fields = list(selectors.REPORT_ROW)  # what report_rows gives, the one list


STREAM_TYPES = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}


class _AnyAccept(DefaultContentNegotiation):
    """The stream is written whatever the client accepts (its type is `output`'s); an
    error is answered in JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _json_default(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _ndjson_lines(rows):
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, default=_json_default) + "\n"


def _csv_lines(rows):
    """CSV with a BOM (Excel reads it as UTF-8), a text that looks like a formula kept as
    text (spreadsheets.cells.csv_text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(selectors.REPORT_ROW)
    for row in rows:
        row["indicators"] = json.dumps(row["indicators"])
        writer.writerow(
            [csv_text(_json_default(v) if hasattr(v, "isoformat") else v) for v in row.values()]
        )
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _saved(save, slot: dict):
    """Run report_save_draft; a stale version is a 409 with the version now saved."""
    try:
        return save()
    except DjangoValidationError as refusal:
        if getattr(refusal, "code", None) == "stale":
            current = ProgressReport.objects.filter(**slot).values_list("version", flat=True)
            raise Conflict(" ".join(refusal.messages), current.first()) from refusal
        raise refused(refusal) from refusal


@extend_schema_view(
    list=extend_schema(
        tags=[REPORTS],
        summary=gettext_lazy("Danh sách báo cáo"),
        description=gettext_lazy(
            "Các báo cáo bạn được xem: của đơn vị mình (kể cả bản nháp); bộ phận theo dõi "
            "và lãnh đạo xem mọi báo cáo đã gửi, không bao giờ thấy bản nháp của đơn vị khác."
        ),
        responses=responses({200: ReportSerializer(many=True)}, 400, 404),
    ),
    retrieve=extend_schema(
        tags=[REPORTS],
        summary=gettext_lazy("Một báo cáo"),
        responses=responses({200: ReportSerializer}, 404),
    ),
    create=extend_schema(
        tags=[REPORTS],
        summary=gettext_lazy("Lưu nháp báo cáo mới (cán bộ của đơn vị)"),
        description=gettext_lazy(
            "Tạo bản nháp báo cáo của đơn vị mình cho một phân công và một kỳ. Phân công "
            "hay kỳ không có (hoặc không phải của đơn vị mình) thì 404. Đã có báo cáo cho "
            "phân công và kỳ đó thì trả về 409 kèm phiên bản đang lưu: sửa bằng PATCH với "
            "phiên bản đó; kỳ đã khóa, báo cáo đã gửi … cũng là 409 kèm lý do."
        ),
        request=ReportCreateSerializer,
        responses=responses(
            {
                201: ReportSerializer,
                200: OpenApiResponse(
                    ReportSerializer, description=gettext_lazy("Đã lưu vào báo cáo đã có.")
                ),
            },
            400,
            403,
            404,
            409,
        ),
    ),
    partial_update=extend_schema(
        tags=[REPORTS],
        summary=gettext_lazy("Sửa bản nháp (hoặc báo cáo bị trả lại)"),
        description=gettext_lazy(
            "Ghi các trường được gửi. `version` là phiên bản bạn đã đọc: nếu có người lưu "
            "sau đó, không ghi gì và trả về 409 kèm lời nhắn và phiên bản đang lưu."
        ),
        request=ReportUpdateSerializer,
        responses=responses({200: ReportSerializer}, 400, 403, 404, 409),
    ),
    submit=extend_schema(
        tags=[REPORTS],
        summary=gettext_lazy("Gửi báo cáo"),
        description=gettext_lazy(
            "Gửi báo cáo cho bộ phận theo dõi. Thiếu nội dung bắt buộc (hay đã gửi, kỳ đã "
            "khóa) thì trả về 409 với lý do, từng trường ở “reasons”."
        ),
        request=None,
        responses=responses({200: ReportSerializer}, 403, 404, 409),
    ),
    bulk=extend_schema(
        tags=[REPORTS],
        summary=gettext_lazy("Đọc hàng loạt báo cáo, theo con trỏ"),
        description=gettext_lazy(
            "Như danh sách, lọc như danh sách, nhưng mỗi trang đến 1000 báo cáo và đi "
            "tiếp bằng con trỏ (“next”): không đếm tổng, báo cáo mới gửi không làm lệch "
            "trang."
        ),
        # The serializer itself, not wrapped: so the schema reads a list (its filters, its
        # cursor and page size).
        responses={**responses({}, 400, 404), 200: BulkReportSerializer(many=True)},
    ),
    stream=extend_schema(
        tags=[REPORTS],
        summary=gettext_lazy("Tải mọi báo cáo (CSV hoặc NDJSON)"),
        description=gettext_lazy(
            "Mọi báo cáo danh sách sẽ trả (cùng bộ lọc), trong một tệp ghi dần khi đọc: "
            "CSV (UTF-8, có BOM; văn bản trông như công thức được giữ là văn bản) hoặc "
            "NDJSON (mỗi dòng một báo cáo). Không có lịch sử trạng thái."
        ),
        parameters=[
            OpenApiParameter(
                "output",
                str,
                enum=list(STREAM_TYPES),
                description=gettext_lazy("Định dạng: csv hoặc ndjson (mặc định)."),
            ),
            *(
                OpenApiParameter(name, ID_SCHEMA, description=_filter_help(name))
                for name in ("directive", "period", "unit")
            ),
            OpenApiParameter(
                "status",
                str,
                enum=ProgressReport.Status.values,
                description=gettext_lazy("Trạng thái báo cáo."),
            ),
        ],
        responses={
            **{
                (200, media): OpenApiResponse(
                    OpenApiTypes.STR, description=gettext_lazy("Các báo cáo, ghi dần.")
                )
                for media in ("text/csv", "application/x-ndjson")
            },
            **responses({}, 400, 404),
        },
    ),
    accept=extend_schema(
        tags=[REPORTS],
        summary=gettext_lazy("Tiếp nhận báo cáo (bộ phận theo dõi)"),
        description=gettext_lazy(
            "Chỉ chuyên viên theo dõi, không phải của đơn vị báo cáo; chỉ báo cáo đang chờ "
            "xem xét (khác thì 409)."
        ),
        request=None,
        responses=responses({200: ReportSerializer}, 403, 404, 409),
    ),
    return_for_revision=extend_schema(
        tags=[REPORTS],
        summary=gettext_lazy("Trả lại báo cáo để bổ sung (bộ phận theo dõi)"),
        description=gettext_lazy(
            "Trả lại cho đơn vị kèm lý do; đơn vị được báo. Chỉ báo cáo đang chờ xem xét."
        ),
        request=ReturnSerializer,
        responses=responses({200: ReportSerializer}, 400, 403, 404, 409),
    ),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = ReportSerializer
    filterset_class = filters.ReportFilter
    rules = {
        "list": SIGNED_IN,
        "bulk": SIGNED_IN,
        "stream": SIGNED_IN,
        "retrieve": SIGNED_IN,
        "create": "unit_work.view",  # a reporter of some unit; which one, the body says
        "partial_update": SIGNED_IN,
        "submit": SIGNED_IN,
        "accept": SIGNED_IN,
        "return_for_revision": SIGNED_IN,
    }
    object_rules = {
        "retrieve": "report.view",
        "partial_update": "report.edit",
        "submit": "report.edit",
        "accept": "report.review",
        "return_for_revision": "report.review",
    }

    def _answer(self, report, code=status.HTTP_200_OK) -> Response:
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(report).data, status=code)

    def create(self, request):
        body = ReportCreateSerializer(data=request.data)
        # Only the units one files for: another unit's assignment is not disclosed.
        body.fields["assignment"].queryset = body.fields["assignment"].queryset.filter(
            unit_id__in=filing_unit_ids(request.user)
        )
        data = checked(body)
        assignment: Assignment = data["assignment"]
        period = data["period"]
        if not can(request.user, "assignment.file", assignment):
            raise PermissionDenied(_("Văn bản này không còn nhận báo cáo."))
        slot = {"assignment": assignment, "period": period}
        existed = ProgressReport.objects.filter(**slot).exists()
        report = _saved(
            lambda: services.report_save_draft(
                **slot,
                by=request.user,
                data=body.service_data(),
                version=body.validated_data["version"],
            ),
            slot,
        )
        return self._answer(report, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        report = self.get_object()
        body = ReportUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        slot = {"assignment": report.assignment, "period": report.period}
        _saved(
            lambda: services.report_save_draft(
                **slot,
                by=request.user,
                data=body.service_data(),
                version=body.validated_data["version"],
            ),
            slot,
        )
        return self._answer(report)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        try:
            services.report_submit(report=report, by=request.user)
        except DjangoValidationError as refusal:
            raise refused(refusal) from refusal
        return self._answer(report)

    @action(
        detail=False,
        methods=["get"],
        pagination_class=Cursor,
        serializer_class=BulkReportSerializer,
    )
    def bulk(self, request):
        """The list, by cursor: pages of up to 1,000, read as the stream reads them
        (report_rows: two queries a page, whatever its size; no history)."""
        size, after = self.paginator.get_page_size(request), self.paginator.position(request)
        reports = self.filter_queryset(self._readable(request)).filter(pk__gt=after)
        rows = list(islice(selectors.report_rows(reports, chunk=size), size))
        following = self.paginator.link(request, rows[-1]["id"]) if len(rows) == size else None
        return Response({"next": following, "previous": None, "results": rows})

    def _readable(self, request):
        return visible_reports(request.user, ProgressReport.objects.filter(period__isnull=False))

    def get_queryset(self):
        reports = selectors.reports_with_context().prefetch_related(
            "indicator_values",
            Prefetch("transitions", ReportTransition.objects.select_related("by")),
        )
        # A period's reports. (A declaration that a task with a deadline is done, a
        # report with no period, is filed on its own page, not through this endpoint.)
        reports = reports.filter(period__isnull=False)
        return visible_reports(self.request.user, reports).order_by("period__start", "pk")

    @action(detail=False, methods=["get"], content_negotiation_class=_AnyAccept)
    def stream(self, request):
        """Every report the list would give, as one CSV or NDJSON download, written as it
        is read (report_rows): constant memory, two queries each 2,000 reports."""
        output = request.query_params.get("output", "ndjson")
        if output not in STREAM_TYPES or len(request.query_params.getlist("output")) > 1:
            raise ValidationError({"output": [_("Chọn một trong: csv, ndjson.")]})
        reports = self.filter_queryset(self._readable(request))
        lines = _csv_lines if output == "csv" else _ndjson_lines
        # HEAD: the same headers, no reports read (a server reads the body to drop it).
        rows = () if request.method == "HEAD" else selectors.report_rows(reports)
        answer = StreamingHttpResponse(lines(rows), content_type=STREAM_TYPES[output])
        answer["Content-Disposition"] = f'attachment; filename="bao-cao.{output}"'
        return answer

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self.get_object()
        try:
            services.report_accept(report=report, by=request.user)
        except DjangoValidationError as refusal:
            raise refused(refusal) from refusal
        return self._answer(report)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_revision(self, request, pk=None):
        report = self.get_object()
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.report_return(
                report=report, by=request.user, reason=body.validated_data["reason"]
            )
        except DjangoValidationError as refusal:
            raise refused(refusal) from refusal
        return self._answer(report)
