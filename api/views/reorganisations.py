"""Reorganisations of units: the acts the user may see, a new one previewed or applied,
one undone. The rules are the pages' (reorganisations.services, units.permissions)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from reorganisations import plans
from reorganisations.selectors import visible_acts
from reorganisations.services import reorganisation_apply, reorganisation_undo
from units.permissions import ensure

from ..serializers import (
    PreviewSerializer,
    ReorganisationRequestSerializer,
    ReorganisationSerializer,
)
from .base import ApiViewSet, checked, refused, responses

ACTS = gettext_lazy("Sắp xếp đơn vị")


@extend_schema_view(
    list=extend_schema(
        tags=[ACTS],
        summary=gettext_lazy("Các lần sắp xếp đơn vị"),
        description=gettext_lazy("Những lần sắp xếp có đơn vị bạn quản trị."),
        responses=responses({200: ReorganisationSerializer(many=True)}, 400, 403, 404),
    ),
    retrieve=extend_schema(
        tags=[ACTS],
        summary=gettext_lazy("Một lần sắp xếp"),
        responses=responses({200: ReorganisationSerializer}, 403, 404),
    ),
    create=extend_schema(
        tags=[ACTS],
        summary=gettext_lazy("Xem trước hoặc áp dụng một lần sắp xếp đơn vị"),
        description=gettext_lazy(
            "Hợp nhất (`sources`, và `into` hoặc `name`), chia tách (một đơn vị, `parts`), "
            "đổi tên (`name`), chuyển nơi trực thuộc (`parent`), giải thể (`into`: đơn vị "
            "kế thừa, hoặc để trống). Với `preview`: true, trả lời việc sắp xếp sẽ làm gì "
            "(200), không thay đổi gì. Không áp dụng được (đơn vị đã ngừng hoạt động, thiếu "
            "căn cứ…) thì 409 kèm lý do."
        ),
        request=ReorganisationRequestSerializer,
        responses=responses(
            {200: PreviewSerializer, 201: ReorganisationSerializer}, 400, 403, 404, 409
        ),
    ),
    undo=extend_schema(
        tags=[ACTS],
        summary=gettext_lazy("Hoàn tác một lần sắp xếp"),
        description=gettext_lazy("Được cho đến khi đơn vị mới gửi báo cáo đầu tiên; sau đó 409."),
        request=None,
        responses=responses({200: ReorganisationSerializer}, 403, 404, 409),
    ),
)
class ReorganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ReorganisationSerializer
    rules = {
        "list": "unit.administer",
        "retrieve": "unit.administer",
        "create": "unit.administer",
        "undo": "unit.administer",
    }

    def get_queryset(self):
        return visible_acts(self.request.user)

    def create(self, request):
        data = dict(checked(ReorganisationRequestSerializer(data=request.data)))
        preview_only = data.pop("preview")
        where = data["sources"][0].parent  # a part's parent left out: as the old unit's
        parts = [
            plans.NewUnit(
                part["name"], part["kind"], part.get("parent") or where,
                takes=frozenset(part["takes"]) if part.get("takes") is not None else None,
                staff=part["staff"],
            )
            for part in data.pop("parts", [])
        ]  # fmt: skip
        plan = plans.build(**data, parts=parts)
        ensure(request.user, "unit.reorganise", plan)
        if preview_only:
            return Response(PreviewSerializer(plans.preview(plan)).data)
        try:
            act = reorganisation_apply(by=request.user, plan=plan)
        except DjangoValidationError as error:
            raise refused(error) from error
        return Response(ReorganisationSerializer(act).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        act = self.get_object()
        try:
            act = reorganisation_undo(by=request.user, act=act)
        except DjangoValidationError as error:
            raise refused(error) from error
        return Response(ReorganisationSerializer(act).data)
