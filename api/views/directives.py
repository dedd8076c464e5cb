"""Directives (read; reviewers create one from the letter reader's reading), units, their
assignments and the reporting periods."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from directives.letter_to_directive import SectionDraft, directive_import, doc_type_of, subject_of
from directives.models import Assignment, Directive, Section, Task
from reports.periods.models import ReportingPeriod
from units.models import Unit
from units.permissions import visible_directives

from .. import filters
from ..permissions import SIGNED_IN
from ..serializers import (
    AssignmentSerializer,
    DirectiveDetailSerializer,
    DirectiveImportSerializer,
    DirectiveSerializer,
    PeriodSerializer,
    UnitSerializer,
)
from .base import ApiViewSet, Conflict, checked, refused, responses

DIRECTIVES = gettext_lazy("Văn bản chỉ đạo")


@extend_schema_view(
    list=extend_schema(
        tags=[DIRECTIVES],
        summary=gettext_lazy("Danh sách văn bản"),
        description=gettext_lazy(
            "Các văn bản bạn được xem: văn bản đã ban hành; bộ phận theo dõi và lãnh đạo "
            "thấy cả văn bản đang soạn."
        ),
        responses=responses({200: DirectiveSerializer(many=True)}, 400, 404),
    ),
    retrieve=extend_schema(
        tags=[DIRECTIVES],
        summary=gettext_lazy("Một văn bản, với các mục và nhiệm vụ"),
        responses=responses({200: DirectiveDetailSerializer}, 403, 404),
    ),
    create=extend_schema(
        tags=[DIRECTIVES],
        summary=gettext_lazy("Nhập văn bản từ kết quả đọc (bộ phận theo dõi)"),
        description=gettext_lazy(
            "Gửi kết quả đọc văn bản theo dạng `manage.py import_directive --json` (đã sửa "
            "nếu cần). Văn bản được lưu ở trạng thái đang soạn: tên đơn vị được khớp với "
            "đơn vị đã có, tên chưa có thì tạo mới (tên số nhiều “Các …” thành nhóm đơn vị). "
            "Mỗi nhiệm vụ là nội dung của nó (loại và hạn được đọc từ lời văn bản, như "
            "trang nhập văn bản đoán) hoặc đối tượng ghi rõ loại (kind), hạn (deadline) và "
            "hạn theo văn bản (deadline_words); nhiệm vụ có thời hạn thiếu cả ngày lẫn lời "
            "thì 400. Kiểm tra rồi ban hành trên trang văn bản. Đúng dạng nhưng không lưu "
            "được (đã có văn bản số đó, cơ quan ban hành là nhóm đơn vị, lời hạn không ghi "
            "ngày nào …) thì 409 kèm lý do."
        ),
        request=DirectiveImportSerializer,
        responses=responses({201: DirectiveDetailSerializer}, 400, 403, 409),
    ),
)
class DirectiveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    rules = {"list": "directive.view", "retrieve": "directive.view", "create": "directive.edit"}
    object_rules = {"retrieve": "directive.view"}

    def get_queryset(self):
        directives = Directive.objects.select_related("issuer")
        if self.action == "list":
            return visible_directives(self.request.user, directives)
        return directives.prefetch_related(
            Prefetch(
                "sections",
                Section.objects.order_by("order").prefetch_related(
                    Prefetch("tasks", Task.objects.all())
                ),
            )
        )

    def get_serializer_class(self):
        return DirectiveSerializer if self.action == "list" else DirectiveDetailSerializer

    def create(self, request):
        data = checked(DirectiveImportSerializer(data=request.data))
        signer = data.get("signer") or {}
        doc_type = data.get("doc_type") or ""
        try:
            directive = directive_import(
                number=data["number"],
                doc_type=doc_type
                if doc_type in Directive.DocType.values
                else doc_type_of(doc_type),
                issued_on=data["date"],
                issuer=data["issuer"],
                parent_issuer=data.get("parent_issuer") or "",
                sections=[
                    SectionDraft(
                        number=section["number"],
                        heading=section.get("heading") or _("Mục %(number)s") % section,
                        intro=section.get("intro", ""),
                        addressees=section["units"],
                        tasks=section["tasks"],
                    )
                    for section in data["sections"]
                ],
                letter=data.get("letter", ""),
                place=data.get("place") or "",
                subject=subject_of(data["subject"]),
                based_on="\n".join(data["based_on"]),
                recipients=data["recipients"],
                cc=data["cc"],
                signer_on_behalf=signer.get("authority") or "",
                signer_title=signer.get("title") or "",
                signer_name=signer.get("name") or "",
            )
        except DjangoValidationError as refusal:  # a number already used …
            raise refused(refusal) from refusal
        except IntegrityError as clash:  # a name made by another import at the same moment
            raise Conflict(_("Không lưu được: dữ liệu vừa thay đổi, hãy gửi lại.")) from clash
        directive = self.get_queryset().get(pk=directive.pk)
        return Response(DirectiveDetailSerializer(directive).data, status=status.HTTP_201_CREATED)


UNITS = gettext_lazy("Đơn vị, phân công, kỳ báo cáo")


@extend_schema_view(
    list=extend_schema(
        tags=[UNITS],
        summary=gettext_lazy("Danh sách đơn vị"),
        description=gettext_lazy("Mọi đơn vị, kể cả đơn vị đã sáp nhập, giải thể (có ngày)."),
        responses=responses({200: UnitSerializer(many=True)}, 400, 404),
    )
)
class UnitViewSet(mixins.ListModelMixin, ApiViewSet):
    rules = {"list": SIGNED_IN}
    serializer_class = UnitSerializer
    filterset_class = filters.UnitFilter
    queryset = Unit.objects.prefetch_related("formed_from").order_by("name", "pk")


@extend_schema_view(
    list=extend_schema(
        tags=[UNITS],
        summary=gettext_lazy("Phân công: nhiệm vụ giao cho từng đơn vị"),
        description=gettext_lazy("Phân công của các văn bản bạn được xem."),
        responses=responses({200: AssignmentSerializer(many=True)}, 400, 403, 404),
    )
)
class AssignmentViewSet(mixins.ListModelMixin, ApiViewSet):
    rules = {"list": "directive.view"}
    serializer_class = AssignmentSerializer
    filterset_class = filters.AssignmentFilter

    def get_queryset(self):
        directives = visible_directives(self.request.user, Directive.objects.all())
        return (
            Assignment.objects.filter(task__section__directive__in=directives)
            .select_related("unit", "task__section")
            .order_by("task__section__directive_id", "task__section__order", "task__order", "pk")
        )


@extend_schema_view(
    list=extend_schema(
        tags=[UNITS],
        summary=gettext_lazy("Kỳ báo cáo"),
        description=gettext_lazy("Các kỳ báo cáo của các văn bản bạn được xem, kỳ cũ trước."),
        responses=responses({200: PeriodSerializer(many=True)}, 400, 403, 404),
    )
)
class PeriodViewSet(mixins.ListModelMixin, ApiViewSet):
    rules = {"list": "directive.view"}
    serializer_class = PeriodSerializer
    filterset_class = filters.PeriodFilter

    def get_queryset(self):
        directives = visible_directives(self.request.user, Directive.objects.all())
        return ReportingPeriod.objects.filter(directive__in=directives).order_by(
            "directive_id", "start", "cutoff", "pk"
        )
