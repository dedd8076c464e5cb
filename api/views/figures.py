"""The dashboard's figures, as the overview shows them (reports.figures.engine), and a
directive's figures as JSON for the level above, which adds up those of its districts
(the exchange format: reports.figures.statistics)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from directives.models import Directive
from reports.figures import engine
from reports.figures.statistics import aggregate, directive_statistics, period_row

from ..serializers import (
    AggregateRequestSerializer,
    AggregateSerializer,
    DirectiveFiguresSerializer,
    FiguresQuerySerializer,
    StatisticsSerializer,
)
from .base import ApiViewSet, checked, query_id, responses

FIGURES = gettext_lazy("Số liệu tổng hợp")


class FiguresViewSet(ApiViewSet):
    """Figures read what leadership reads: the dashboard's rule."""

    serializer_class = AggregateRequestSerializer  # the one write's body, as OPTIONS tells

    rules = {
        "figures": "dashboard.view",
        "statistics": "dashboard.view",
        "aggregate": "dashboard.view",
    }

    @extend_schema(
        tags=[FIGURES],
        operation_id="directive_figures",
        summary=gettext_lazy("Số liệu của một văn bản, như trang tổng hợp"),
        description=gettext_lazy(
            "Đúng các con số trang tổng hợp (tổng quan) hiển thị, theo định nghĩa của DHIS2: "
            "phải nộp, đã nhận, đúng hạn, tỷ lệ đầy đủ, tỷ lệ đúng hạn, tiến độ bình quân, "
            "tỷ lệ hoàn thành, chậm tiến độ, quá hạn; mọi kỳ, hoặc một kỳ (kỳ không thuộc "
            "văn bản thì 404)."
        ),
        parameters=[
            OpenApiParameter(
                "id", int, OpenApiParameter.PATH, description=gettext_lazy("Mã văn bản.")
            ),
            FiguresQuerySerializer,
        ],
        responses=responses({200: DirectiveFiguresSerializer}, 400, 403, 404),
    )
    def figures(self, request, pk=None):
        directive = get_object_or_404(Directive, pk=pk)
        period_id = query_id(request, "period")
        trend = engine.trend(directive=directive)
        if period_id is not None:
            trend = [t for t in trend if t.period.pk == period_id]
            if not trend:
                raise NotFound(_("Văn bản này không có kỳ báo cáo đó."))
        return Response(
            {
                "directive": directive.pk,
                "number": directive.number,
                "periods": [
                    {"period": t.period.pk, **period_row(t.period), **t.figures.as_dict()}
                    for t in trend
                ],
            }
        )

    @extend_schema(
        tags=[FIGURES],
        operation_id="directive_statistics",
        summary=gettext_lazy("Số liệu của văn bản để gửi cấp trên (JSON)"),
        description=gettext_lazy(
            "Thông tin văn bản, số liệu từng kỳ và số liệu từng đơn vị trong kỳ hiện tại, "
            "dạng dondoc.statistics/1: cấp trên gửi nhiều bản như vậy vào "
            "/api/v1/statistics/aggregate/ để cộng."
        ),
        parameters=[
            OpenApiParameter(
                "id", int, OpenApiParameter.PATH, description=gettext_lazy("Mã văn bản.")
            ),
        ],
        responses=responses({200: StatisticsSerializer}, 403, 404),
    )
    def statistics(self, request, pk=None):
        directive = get_object_or_404(Directive.objects.select_related("issuer"), pk=pk)
        return Response(StatisticsSerializer(directive_statistics(directive)).data)

    @extend_schema(
        tags=[FIGURES],
        operation_id="statistics_aggregate",
        summary=gettext_lazy("Cộng số liệu các đơn vị cấp dưới"),
        description=gettext_lazy(
            "Nhận số liệu (dondoc.statistics/1) của các hệ thống cấp dưới, ví dụ các huyện "
            "gửi tỉnh, kiểm tra và cộng theo kỳ (cùng tên kỳ), kèm số liệu của một văn bản "
            "của hệ thống này nếu cho `directive` (không có thì 404). Số liệu đúng dạng mà "
            "không khớp nhau (đã nhận nhiều hơn phải nộp, ngày của kỳ không theo thứ tự) "
            "thì 409 kèm lý do. Không lưu gì."
        ),
        request=AggregateRequestSerializer,
        responses=responses({200: AggregateSerializer}, 400, 403, 404, 409),
    )
    def aggregate(self, request):
        body = AggregateRequestSerializer(data=request.data)
        data = checked(body)
        statistics = list(data["statistics"])
        if "directive" in data:
            own = Directive.objects.select_related("issuer").filter(pk=data["directive"]).first()
            if own is None:
                raise NotFound(_("Không có văn bản này."))
            statistics.insert(0, directive_statistics(own))
        return Response(AggregateSerializer(aggregate(statistics)).data)
