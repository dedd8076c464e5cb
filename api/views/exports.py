"""Exports of the summary report: start one (202: it is made in the background), follow
its progress, download the file."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from reports.summaries.compose import summary_compose
from reports.summaries.models import Export
from reports.summaries.pipeline import (
    CONTENT_TYPES,
    export_cancel,
    export_download,
    export_request,
)

from .. import filters
from ..serializers import ExportRequestSerializer, ExportSerializer
from .base import ApiViewSet, checked, refused, responses

EXPORTS = gettext_lazy("Xuất báo cáo tổng hợp")
FILE = OpenApiResponse(OpenApiTypes.BINARY, description=gettext_lazy("Tệp DOCX, XLSX hoặc PDF."))


@extend_schema_view(
    list=extend_schema(
        tags=[EXPORTS],
        summary=gettext_lazy("Lịch sử xuất"),
        responses=responses({200: ExportSerializer(many=True)}, 400, 403, 404),
    ),
    retrieve=extend_schema(
        tags=[EXPORTS],
        summary=gettext_lazy("Một bản xuất: trạng thái, tiến độ"),
        responses=responses({200: ExportSerializer}, 403, 404),
    ),
    create=extend_schema(
        tags=[EXPORTS],
        summary=gettext_lazy("Xuất báo cáo tổng hợp (bộ phận theo dõi)"),
        description=gettext_lazy(
            "Cho một bản nháp báo cáo tổng hợp (`summary`), hoặc văn bản và các kỳ "
            "(`directive`, `period_from`, `period_to`: bản soạn tự động từ các báo cáo), và "
            "định dạng. Nội dung được chốt ngay; tệp được tạo ở nền: theo dõi bằng "
            "GET /api/v1/exports/{id}/ rồi tải về khi trạng thái là “done”. Bản nháp, văn "
            "bản hay kỳ không có thì 404; cho cả hai cách, thiếu kỳ, kỳ không thuộc văn bản, "
            "chưa có chức vụ người ký thì 409 kèm lý do."
        ),
        request=ExportRequestSerializer,
        responses=responses({202: ExportSerializer}, 400, 403, 404, 409),
    ),
    cancel=extend_schema(
        tags=[EXPORTS],
        summary=gettext_lazy("Hủy bản xuất đang chờ hoặc đang tạo (bộ phận theo dõi)"),
        description=gettext_lazy(
            "Bản xuất chuyển sang “cancelled”: đang chờ thì không chạy, đang tạo thì dừng "
            "trong khoảng một giây và không giữ tệp nào. Bản xuất đã kết thúc thì 409."
        ),
        request=None,
        responses=responses({200: ExportSerializer}, 403, 404, 409),
    ),
    download=extend_schema(
        tags=[EXPORTS],
        summary=gettext_lazy("Tải tệp của bản xuất"),
        description=gettext_lazy("Chỉ khi bản xuất đã xong; chưa xong hay lỗi thì 404."),
        responses=responses(
            {(200, media): FILE for media in CONTENT_TYPES.values()},
            403,
            404,
        ),
    ),
)
class ExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ExportSerializer
    filterset_class = filters.ExportFilter
    queryset = (
        Export.objects.defer("snapshot").select_related("directive").order_by("-created_at", "-pk")
    )
    rules = {
        "list": "export.view",
        "retrieve": "export.view",
        "download": "export.view",
        "create": "summary.edit",
        "cancel": "summary.edit",
    }

    def create(self, request):
        body = ExportRequestSerializer(data=request.data)
        data = checked(body)
        try:
            summary = data.get("summary") or summary_compose(
                directive=data["directive"],
                period_from=data["period_from"],
                period_to=data["period_to"],
                by=request.user,
            )
            export = export_request(summary=summary, format=data["format"], by=request.user)
        except DjangoValidationError as refusal:
            raise refused(refusal) from refusal
        return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        export = self.get_object()
        if not export_cancel(export=export, by=request.user):
            raise refused(
                DjangoValidationError(
                    gettext_lazy("Bản xuất đã kết thúc: không hủy được."), code="finished"
                )
            )
        return Response(ExportSerializer(export).data)

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return export_download(self.get_object())
