"""What the API reads and writes. Field help is in Vietnamese: it is the schema's text."""

import contextlib
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directives.letter_to_directive import (
    MAX_SECTIONS,
    NAME_LIMIT,
    WORDS_LIMIT,
    TaskDraft,
    task_checked,
    task_refused,
)
from directives.models import Assignment, Directive, Section, Task
from reorganisations.models import Reorganisation
from reorganisations.plans import entry_problems
from reports.filing.models import TEXT_LIMIT as REPORT_TEXT_LIMIT
from reports.filing.models import ProgressReport, ReportTransition
from reports.filing.slots import sent_on_time
from reports.periods.models import ReportingPeriod
from reports.summaries.models import Export, Summary
from units.models import Unit

TEXT_LIMIT = 100_000  # characters in a directive's long texts, and a reason
MAX_ID = 2**31 - 1
COUNT_LIMIT = 10**9  # reports in one figure: far beyond a country, still a float's sum


# JSON types are kept: a number is not text, text is not a number (DRF would convert).


def _refuse_unless(field, data, *types) -> None:
    if isinstance(data, bool) or not isinstance(data, types):
        raise serializers.ValidationError(
            _("Sai kiểu dữ liệu: cần %(kind)s.") % {"kind": field.json_kind}
        )


# What the schema says of text, so that what it allows is accepted. A body's strings lose
# the characters XML forbids, NUL among them, as they arrive (api/parsers.py); when blank
# is refused, some character must be left that is not one of those, nor a space when the
# field trims (blank once trimmed is blank). A query's text is not cleaned: no NUL there.
# (Lone surrogates, cleaned too, are left out: a schema's regex may not name them, and no
# JSON encoder sends them unasked.)
ANY_TEXT = r"^[^\x00]*$"
_FORBIDDEN = r"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"  # as units.text
SOME_TEXT = rf"[^\s{_FORBIDDEN}]"
SOME_CHARACTER = rf"[^{_FORBIDDEN}]"


class Text(serializers.CharField):
    json_kind = _("chuỗi ký tự")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.read_only and not self.allow_blank:
            pattern = SOME_TEXT if self.trim_whitespace else SOME_CHARACTER
            self.validators.append(RegexValidator(pattern, _("Cần có chữ.")))

    def to_internal_value(self, data):
        _refuse_unless(self, data, str)
        return super().to_internal_value(data)


class Whole(serializers.IntegerField):
    json_kind = _("số nguyên")

    def to_internal_value(self, data):
        _refuse_unless(self, data, int)
        return super().to_internal_value(data)


class Number(serializers.FloatField):
    json_kind = _("số")

    def to_internal_value(self, data):
        _refuse_unless(self, data, int, float)
        return super().to_internal_value(data)


class Amount(serializers.DecimalField):
    """A JSON number kept to its decimal places: more digits after the point are cut
    (not refused: the schema says a number, and 1.005 is one)."""

    json_kind = _("số")

    def to_internal_value(self, data):
        _refuse_unless(self, data, int, float)
        with contextlib.suppress(InvalidOperation):  # inf, nan, too large: refused below
            data = Decimal(str(data)).quantize(Decimal(1).scaleb(-self.decimal_places), ROUND_DOWN)
        return super().to_internal_value(str(data))


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class Ref(serializers.PrimaryKeyRelatedField):
    """An object named by its id. One that does not exist, or that you may not see, is
    refused with the code does_not_exist: the view answers 404."""

    json_kind = _("mã (số nguyên)")
    default_error_messages = {
        "does_not_exist": _("Không có đối tượng mã {pk_value}, hoặc bạn không được xem."),
    }

    def to_internal_value(self, data):
        _refuse_unless(self, data, int)
        if not 1 <= data <= MAX_ID:
            raise serializers.ValidationError(
                _("Mã là số nguyên từ 1 đến %(max)s.") % {"max": MAX_ID}
            )
        return super().to_internal_value(data)


class Day(serializers.DateField):
    json_kind = _("ngày YYYY-MM-DD")

    def to_internal_value(self, data):
        _refuse_unless(self, data, str)
        return super().to_internal_value(data)


class HelpedModelSerializer(serializers.ModelSerializer):
    """Every model field documented: its help text, else its Vietnamese name."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if not kwargs.get("help_text"):
            kwargs["help_text"] = model_field.verbose_name
        return field_class, kwargs

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if not kwargs.get("help_text"):
            kwargs["help_text"] = relation_info.model_field.verbose_name
        return field_class, kwargs


# Errors --------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = Text(help_text=_("Lý do, bằng tiếng Việt."))


class ConflictSerializer(serializers.Serializer):
    detail = Text(help_text=_("Lý do, bằng tiếng Việt."))
    version = Whole(
        required=False,
        help_text=_("Phiên bản đang lưu: đối chiếu nội dung rồi gửi lại với số này."),
    )
    reasons = serializers.DictField(
        child=serializers.ListField(child=Text()),
        required=False,
        help_text=_("Lý do theo từng trường, khi có (ví dụ báo cáo thiếu nội dung khi gửi)."),
    )


# Units and directives ------------------------------------------------------------------


class UnitSerializer(HelpedModelSerializer):
    formed_from = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text=_("Các đơn vị hình thành nên đơn vị này khi sắp xếp (hợp nhất, chia tách…)."),
    )

    class Meta:
        model = Unit
        fields = [
            "id", "name", "short_name", "kind", "parent", "valid_from", "valid_to", "successor",
            "formed_from",
        ]  # fmt: skip


class PeriodSerializer(HelpedModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "directive", "label", "start", "cutoff", "due", "lock_on"]


class AssignmentSerializer(HelpedModelSerializer):
    directive = Whole(
        source="task.section.directive_id", read_only=True, help_text=_("Văn bản của nhiệm vụ.")
    )
    task_code = Text(
        source="task.code", read_only=True, help_text=_("Số hiệu nhiệm vụ, ví dụ 1.2.")
    )
    unit_name = Text(source="unit.name", read_only=True, help_text=_("Tên đơn vị được giao."))

    class Meta:
        model = Assignment
        fields = ["id", "directive", "task", "task_code", "unit", "unit_name", "role"]


class TaskSerializer(HelpedModelSerializer):
    code = Text(read_only=True, help_text=_("Số hiệu nhiệm vụ, ví dụ 1.2."))

    class Meta:
        model = Task
        fields = ["id", "code", "order", "text", "kind", "deadline", "deadline_words"]


class SectionSerializer(HelpedModelSerializer):
    tasks = TaskSerializer(many=True, read_only=True, help_text=_("Các nhiệm vụ của mục."))

    class Meta:
        model = Section
        fields = ["id", "number", "order", "heading", "intro", "tasks"]


class DirectiveSerializer(HelpedModelSerializer):
    issuer_name = Text(source="issuer.name", read_only=True, help_text=_("Tên cơ quan ban hành."))

    class Meta:
        model = Directive
        fields = [
            "id",
            "number",
            "doc_type",
            "issued_on",
            "place",
            "issuer",
            "issuer_name",
            "issuing_authority",
            "subject",
            "status",
            "schedule",
            "reporting_starts_on",
            "reporting_ends_on",
        ]


class DirectiveDetailSerializer(DirectiveSerializer):
    sections = SectionSerializer(many=True, read_only=True, help_text=_("Các mục của văn bản."))

    class Meta(DirectiveSerializer.Meta):
        fields = [
            *DirectiveSerializer.Meta.fields,
            "based_on",
            "recipients",
            "cc",
            "signer_on_behalf",
            "signer_title",
            "signer_name",
            "sections",
        ]


def _names(help_text, limit: int = NAME_LIMIT):
    return serializers.ListField(
        child=Text(max_length=limit),
        required=False,
        default=list,
        max_length=500,
        help_text=help_text,
    )


class ImportedTaskSerializer(serializers.Serializer):
    """A task whose kind and deadline the sender sets (Task's rules apply, as in the editor)."""

    text = Text(
        max_length=TEXT_LIMIT,
        error_messages={"required": _("Cần nội dung nhiệm vụ (text).")},
        help_text=_("Nội dung nhiệm vụ."),
    )
    kind = serializers.ChoiceField(
        choices=Task.Kind.choices,
        error_messages={
            "required": _("Cần loại nhiệm vụ (kind): ongoing, deadline hoặc both."),
            "invalid_choice": _("Loại nhiệm vụ (kind) là ongoing, deadline hoặc both."),
        },
        help_text=_(
            "Loại nhiệm vụ: ongoing (thường xuyên, báo cáo mỗi kỳ), deadline (có thời hạn), "
            "both (thường xuyên, có thời hạn)."
        ),
    )
    deadline = Day(
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid": _("Hạn hoàn thành (deadline) viết dạng YYYY-MM-DD.")},
        help_text=_(
            "Hạn hoàn thành (YYYY-MM-DD); bỏ qua với nhiệm vụ thường xuyên. Nhiệm vụ có thời "
            "hạn không ghi ngày thì ngày được đọc từ deadline_words."
        ),
    )
    deadline_words = Text(
        max_length=WORDS_LIMIT,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Hạn theo lời văn bản, ví dụ “trong quý III/2026” (ngày làm việc cuối)."),
    )


class ImportedTaskField(serializers.Field):
    """A task to import: its text (kind and deadline then read from its words, as the
    letter reader guesses them) or an ImportedTaskSerializer object that sets them."""

    default_error_messages = {
        "invalid": _("Một nhiệm vụ là chuỗi (nội dung) hoặc đối tượng có text và kind."),
        "null": _("Một nhiệm vụ là chuỗi (nội dung) hoặc đối tượng có text và kind."),
    }

    def to_internal_value(self, data) -> TaskDraft | str:
        if isinstance(data, str):
            return Text(max_length=TEXT_LIMIT).run_validation(data)
        if not isinstance(data, dict):
            self.fail("invalid")
        task = ImportedTaskSerializer(data=data)
        task.is_valid(raise_exception=True)
        return TaskDraft(**task.validated_data)

    def to_representation(self, value):
        return value


class ImportedTaskScheme(OpenApiSerializerFieldExtension):
    """The schema of ImportedTaskField: a text, or an object; one with a deadline gives
    its date or the words to read it from (without either, a 400)."""

    target_class = ImportedTaskField

    def map_serializer_field(self, auto_schema, direction):
        task = auto_schema._map_serializer(ImportedTaskSerializer(), direction)
        task["description"] = str(
            _(
                "Nhiệm vụ ghi rõ loại và hạn. Nhiệm vụ có thời hạn cần ngày (deadline) hoặc "
                "lời ghi hạn (deadline_words) đọc được ra ngày."
            )
        )
        text = {k: v for k, v in task["properties"]["text"].items() if k != "description"}
        task["anyOf"] = [
            {"properties": {"kind": {"enum": [Task.Kind.ONGOING]}}},
            {
                "required": ["deadline"],
                "properties": {"deadline": {"type": "string", "format": "date"}},
            },
            {
                "required": ["deadline_words"],
                "properties": {"deadline_words": {"type": "string", "pattern": text["pattern"]}},
            },
        ]
        return {"oneOf": [text, task]}


class ImportedSectionSerializer(serializers.Serializer):
    number = Text(max_length=16, help_text=_("Số mục: 1, 2, I, II …"))
    heading = Text(
        max_length=2000,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("Tiêu đề mục; để trống: “Mục <số>”."),
    )
    intro = Text(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, help_text=_("Lời dẫn của mục.")
    )
    units = _names(
        _(
            "Đơn vị, nhóm đơn vị được giao, như in trong văn bản; thêm “(phối hợp)” cho "
            "đơn vị phối hợp."
        )
    )
    tasks = serializers.ListField(
        child=ImportedTaskField(),
        required=False,
        default=list,
        max_length=500,
        help_text=_(
            "Các nhiệm vụ của mục: mỗi nhiệm vụ là nội dung (loại và hạn được đọc từ lời "
            "văn bản) hoặc đối tượng ghi rõ loại và hạn."
        ),
    )


class ImportedSignerSerializer(serializers.Serializer):
    name = Text(
        max_length=128, required=False, allow_blank=True, allow_null=True, help_text=_("Người ký.")
    )
    title = Text(
        max_length=128,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("Chức vụ người ký."),
    )
    authority = Text(
        max_length=128,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("Thẩm quyền ký, ví dụ T/M BAN THƯỜNG VỤ."),
    )


class DirectiveImportSerializer(serializers.Serializer):
    """The shape `manage.py import_directive --json` prints."""

    number = Text(max_length=64, help_text=_("Số và ký hiệu, ví dụ 136-CV/HU."))
    doc_type = Text(
        max_length=64,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("Loại văn bản như in (“Công văn”, “Chỉ thị” …) hoặc mã (cong_van …)."),
    )
    date = Day(help_text=_("Ngày ban hành (YYYY-MM-DD)."))
    place = Text(
        max_length=128, required=False, allow_blank=True, allow_null=True, help_text=_("Địa danh.")
    )
    issuer = Text(max_length=NAME_LIMIT, help_text=_("Cơ quan ban hành."))
    parent_issuer = Text(
        max_length=NAME_LIMIT,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("Cơ quan cấp trên của cơ quan ban hành."),
    )
    subject = Text(max_length=TEXT_LIMIT, help_text=_("Trích yếu (V/v …)."))
    recipients = _names(_("Kính gửi: mỗi nơi một phần tử."), limit=1000)
    based_on = _names(_("Căn cứ: mỗi văn bản một phần tử."), limit=TEXT_LIMIT)
    sections = ImportedSectionSerializer(
        many=True, max_length=MAX_SECTIONS, help_text=_("Các mục được đánh số.")
    )
    signer = ImportedSignerSerializer(required=False, help_text=_("Người ký."))
    cc = _names(_("Nơi nhận: mỗi nơi một phần tử."), limit=1000)
    letter = Text(
        max_length=2_000_000,
        required=False,
        allow_blank=True,
        help_text=_("Toàn văn văn bản, nếu có."),
    )

    def validate(self, data):
        """Each task that sets its kind, held to Task's rules on the letter's date. One
        with a deadline but neither date nor words is malformed (400, as the schema
        says); words that name no date are well-formed but refused (409)."""
        errors = {}
        for i, section in enumerate(data["sections"]):
            for j, task in enumerate(section["tasks"]):
                if isinstance(task, str):
                    continue  # read from its words when saved
                try:
                    section["tasks"][j] = task_checked(task, issued_on=data["date"])
                except DjangoValidationError as refusal:
                    code = "conflict" if task.deadline_words.strip() else "invalid"
                    message = task_refused(section["number"], j + 1, refusal)
                    where = errors.setdefault(i, {"tasks": {}})["tasks"]
                    where[j] = {
                        field: [serializers.ErrorDetail(message, code)]
                        for field in refusal.message_dict
                    }
        if errors:
            raise serializers.ValidationError({"sections": errors})
        return data


# Reports -------------------------------------------------------------------------------


class IndicatorValueSerializer(serializers.Serializer):
    indicator = Whole(min_value=1, max_value=MAX_ID, help_text=_("Mã chỉ tiêu của nhiệm vụ."))
    value = Amount(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        coerce_to_string=False,
        help_text=_("Giá trị (không âm, giữ 2 chữ số thập phân); null: xóa giá trị đã nhập."),
    )


class TransitionSerializer(HelpedModelSerializer):
    by_name = serializers.SerializerMethodField(help_text=_("Người thực hiện."))

    class Meta:
        model = ReportTransition
        fields = ["from_status", "to_status", "at", "by_name", "reason"]

    def get_by_name(self, transition) -> str:
        by = transition.by
        return (by.get_full_name() or by.username) if by else ""


class ReportSerializer(HelpedModelSerializer):
    directive = Whole(source="period.directive_id", read_only=True, help_text=_("Văn bản."))
    unit = Whole(source="assignment.unit_id", read_only=True, help_text=_("Đơn vị báo cáo."))
    unit_name = Text(
        source="assignment.unit.name", read_only=True, help_text=_("Tên đơn vị báo cáo.")
    )
    task = Whole(source="assignment.task_id", read_only=True, help_text=_("Nhiệm vụ."))
    task_code = Text(
        source="assignment.task.code", read_only=True, help_text=_("Số hiệu nhiệm vụ.")
    )
    period_label = Text(source="period.label", read_only=True, help_text=_("Tên kỳ báo cáo."))
    on_time = serializers.SerializerMethodField(
        help_text=_("Gửi lần đầu đúng hạn (null: chưa gửi)."),
    )
    indicators = serializers.SerializerMethodField(help_text=_("Giá trị các chỉ tiêu."))
    transitions = TransitionSerializer(
        many=True, read_only=True, help_text=_("Lịch sử trạng thái: ai, lúc nào, lý do.")
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "directive",
            "assignment",
            "unit",
            "unit_name",
            "task",
            "task_code",
            "period",
            "period_label",
            "status",
            "assessment",
            "percent_done",
            "achievements",
            "difficulties",
            "proposals",
            "version",
            "submitted_at",
            "on_time",
            "updated_at",
            "indicators",
            "transitions",
        ]

    def get_on_time(self, report) -> bool | None:
        return sent_on_time(report.submitted_at, report.period.due)

    @extend_schema_field(IndicatorValueSerializer(many=True))
    def get_indicators(self, report) -> list:
        return [
            {"indicator": value.indicator_id, "value": float(value.value)}
            for value in report.indicator_values.all()
        ]


def _report_text(help_text) -> Text:
    """One of a report's texts: kept as the unit wrote it, blank allowed until sending;
    at most the model's limit, as in the form and the spreadsheet."""
    return Text(
        max_length=REPORT_TEXT_LIMIT,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=help_text,
    )


class ReportContentSerializer(serializers.Serializer):
    """A report's text and figures, as the unit writes them."""

    assessment = serializers.ChoiceField(
        choices=ProgressReport.Assessment.choices, required=False, help_text=_("Tự đánh giá.")
    )
    percent_done = Whole(
        min_value=0, max_value=100, required=False, help_text=_("Tỷ lệ hoàn thành (%), 0–100.")
    )
    achievements = _report_text(_("Kết quả thực hiện (bắt buộc khi gửi)."))
    difficulties = _report_text(_("Khó khăn, vướng mắc."))
    proposals = _report_text(_("Kiến nghị, đề xuất."))
    indicators = IndicatorValueSerializer(
        many=True, required=False, max_length=500, help_text=_("Giá trị các chỉ tiêu.")
    )

    def service_data(self) -> dict:
        data = {k: v for k, v in self.validated_data.items() if k != "indicators"}
        if "indicators" in self.validated_data:
            data["indicators"] = {
                i["indicator"]: i["value"] for i in self.validated_data["indicators"]
            }
        return data


class ReportCreateSerializer(ReportContentSerializer):
    assignment = Ref(
        queryset=Assignment.objects.select_related("unit", "task__section__directive"),
        help_text=_("Phân công (nhiệm vụ giao cho đơn vị) được báo cáo."),
    )
    period = Ref(queryset=ReportingPeriod.objects.all(), help_text=_("Kỳ báo cáo."))
    version = Whole(
        min_value=0,
        max_value=MAX_ID,
        required=False,
        default=0,
        help_text=_("0 (mặc định): chưa có báo cáo; đã có thì trả về 409 kèm phiên bản đang lưu."),
    )


class ReportUpdateSerializer(ReportContentSerializer):
    version = Whole(
        min_value=0,
        max_value=MAX_ID,
        help_text=_("Phiên bản đã đọc; báo cáo đã được lưu sau đó thì trả về 409."),
    )


class ReturnSerializer(serializers.Serializer):
    reason = Text(max_length=TEXT_LIMIT, help_text=_("Lý do trả lại, để đơn vị bổ sung."))


# Figures -------------------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer):
    expected = Whole(min_value=0, max_value=COUNT_LIMIT, help_text=_("Số báo cáo phải nộp."))
    received = Whole(
        min_value=0,
        max_value=COUNT_LIMIT,
        help_text=_("Số báo cáo đã nhận (đã gửi ít nhất một lần)."),
    )
    on_time = Whole(
        min_value=0, max_value=COUNT_LIMIT, help_text=_("Số báo cáo gửi lần đầu đúng hạn.")
    )
    missing = Whole(min_value=0, max_value=COUNT_LIMIT, help_text=_("Số báo cáo chưa nhận."))
    overdue = Whole(
        min_value=0,
        max_value=COUNT_LIMIT,
        help_text=_("Số báo cáo quá hạn (chưa nhận, đã qua hạn)."),
    )
    behind = Whole(
        min_value=0, max_value=COUNT_LIMIT, help_text=_("Số báo cáo chậm tiến độ so với thời gian.")
    )
    completeness = Number(
        allow_null=True, help_text=_("Tỷ lệ đầy đủ (%): nhận / phải nộp; null khi không phải nộp.")
    )
    timeliness = Number(allow_null=True, help_text=_("Tỷ lệ đúng hạn (%): đúng hạn / phải nộp."))
    mean_percent = Number(
        allow_null=True, help_text=_("Tiến độ bình quân (%) của các báo cáo đã gửi.")
    )
    done_share = Number(
        allow_null=True, help_text=_("Tỷ lệ (%) nhiệm vụ tự đánh giá hoàn thành / phải nộp.")
    )


class PeriodFiguresSerializer(FiguresSerializer):
    period = Whole(help_text=_("Mã kỳ báo cáo."))
    label = Text(help_text=_("Tên kỳ."))
    start = Day(help_text=_("Từ ngày."))
    cutoff = Day(help_text=_("Ngày chốt số liệu."))
    due = Day(help_text=_("Hạn nộp."))


class DirectiveFiguresSerializer(serializers.Serializer):
    directive = Whole(help_text=_("Mã văn bản."))
    number = Text(help_text=_("Số và ký hiệu."))
    periods = PeriodFiguresSerializer(
        many=True, help_text=_("Số liệu từng kỳ, kỳ cũ trước (như trang tổng hợp).")
    )


class FiguresQuerySerializer(serializers.Serializer):
    period = Whole(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Chỉ kỳ này (mã kỳ của văn bản); để trống: mọi kỳ."),
    )


# Statistics exchanged between instances (a district's figures sent to its province) ---


class StatisticsDirectiveSerializer(serializers.Serializer):
    number = Text(max_length=64, help_text=_("Số và ký hiệu."))
    doc_type = Text(max_length=64, help_text=_("Loại văn bản (mã)."))
    subject = Text(max_length=TEXT_LIMIT, help_text=_("Trích yếu."))
    issued_on = Day(help_text=_("Ngày ban hành."))
    issuer = Text(max_length=NAME_LIMIT, help_text=_("Cơ quan ban hành."))
    schedule = Text(max_length=16, help_text=_("Chế độ báo cáo (mã)."))


class ExchangedFiguresSerializer(FiguresSerializer):
    """The figures with the counts behind the rates, so that sums stay exact."""

    readable = Whole(
        min_value=0,
        max_value=COUNT_LIMIT,
        help_text=_("Số báo cáo đã gửi, không đang sửa: cơ sở của tiến độ."),
    )
    percent_sum = Whole(
        min_value=0,
        max_value=100 * COUNT_LIMIT,
        help_text=_("Tổng tỷ lệ hoàn thành của các báo cáo đó."),
    )
    done = Whole(
        min_value=0, max_value=COUNT_LIMIT, help_text=_("Số báo cáo tự đánh giá hoàn thành.")
    )


def _check_counts(data: dict) -> None:
    """Counts that cannot all be true at once (each one is already at least 0)."""
    if data["received"] > data["expected"] or data["on_time"] > data["received"]:
        raise serializers.ValidationError(
            _("Số liệu không khớp: đúng hạn ≤ đã nhận ≤ phải nộp."), code="conflict"
        )


class StatisticsPeriodSerializer(ExchangedFiguresSerializer):
    label = Text(max_length=64, help_text=_("Tên kỳ."))
    start = Day(help_text=_("Từ ngày."))
    cutoff = Day(help_text=_("Ngày chốt số liệu."))
    due = Day(help_text=_("Hạn nộp."))

    def validate(self, data):
        _check_counts(data)
        if not data["start"] <= data["cutoff"] <= data["due"]:
            raise serializers.ValidationError(_("Ngày của kỳ không theo thứ tự."), code="conflict")
        return data


class StatisticsUnitSerializer(ExchangedFiguresSerializer):
    unit = Text(max_length=NAME_LIMIT, help_text=_("Tên đơn vị."))

    def validate(self, data):
        _check_counts(data)
        return data


class StatisticsLastPeriodSerializer(serializers.Serializer):
    label = Text(max_length=64, allow_null=True, help_text=_("Kỳ gần nhất (null: chưa có kỳ)."))
    units = StatisticsUnitSerializer(
        many=True, max_length=100_000, help_text=_("Số liệu từng đơn vị trong kỳ gần nhất.")
    )


class StatisticsSerializer(serializers.Serializer):
    """A directive's figures, machine-readable, for the level above to aggregate."""

    format = serializers.ChoiceField(
        choices=["dondoc.statistics/1"], help_text=_("Định dạng: dondoc.statistics/1.")
    )
    source = Text(max_length=NAME_LIMIT, help_text=_("Nơi gửi: cơ quan ban hành của văn bản."))
    made_at = serializers.DateTimeField(help_text=_("Lúc lập số liệu."))
    directive = StatisticsDirectiveSerializer(help_text=_("Văn bản."))
    periods = StatisticsPeriodSerializer(
        many=True, max_length=1000, help_text=_("Số liệu từng kỳ, kỳ cũ trước.")
    )
    last_period = StatisticsLastPeriodSerializer(help_text=_("Số liệu theo đơn vị, kỳ gần nhất."))


class AggregateRequestSerializer(serializers.Serializer):
    directive = Whole(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Văn bản của chính hệ thống này, cộng cùng số liệu cấp dưới (tùy chọn)."),
    )
    statistics = StatisticsSerializer(
        many=True,
        max_length=500,
        help_text=_("Số liệu các đơn vị cấp dưới gửi lên (định dạng dondoc.statistics/1)."),
    )


class AggregateSourceSerializer(serializers.Serializer):
    source = Text(help_text=_("Nơi gửi."))
    number = Text(help_text=_("Số và ký hiệu văn bản của nơi gửi."))
    periods = Whole(help_text=_("Số kỳ nơi gửi có."))


class AggregatePeriodSerializer(FiguresSerializer):
    label = Text(help_text=_("Tên kỳ: số liệu các nơi cùng tên kỳ được cộng."))
    sources = Whole(help_text=_("Số nơi có kỳ này."))


class AggregateSerializer(serializers.Serializer):
    sources = AggregateSourceSerializer(many=True, help_text=_("Các nơi được cộng."))
    periods = AggregatePeriodSerializer(many=True, help_text=_("Số liệu cộng theo kỳ."))


# Exports -------------------------------------------------------------------------------


class ExportSerializer(HelpedModelSerializer):
    download = serializers.SerializerMethodField(
        help_text=_("Đường dẫn tải tệp khi đã xong; null khi chưa.")
    )

    class Meta:
        model = Export
        fields = [
            "id",
            "directive",
            "summary",
            "format",
            "periods",
            "status",
            "progress",
            "size",
            "error",
            "created_at",
            "finished_at",
            "download",
        ]

    def get_download(self, export) -> str | None:
        if export.status != Export.Status.DONE:
            return None
        return reverse("api:export-download", args=[export.pk])


class ExportRequestSerializer(serializers.Serializer):
    summary = Ref(
        queryset=Summary.objects.select_related("directive", "period_from", "period_to"),
        required=False,
        help_text=_("Bản nháp báo cáo tổng hợp để xuất; hoặc cho văn bản và các kỳ."),
    )
    directive = Ref(
        queryset=Directive.objects.select_related("issuer__parent"),
        required=False,
        help_text=_("Văn bản: xuất bản soạn tự động từ các báo cáo (không cần bản nháp)."),
    )
    period_from = Ref(queryset=ReportingPeriod.objects.all(), required=False, help_text=_("Từ kỳ."))
    period_to = Ref(queryset=ReportingPeriod.objects.all(), required=False, help_text=_("Đến kỳ."))
    format = serializers.ChoiceField(choices=Export.Format.choices, help_text=_("Định dạng tệp."))

    def validate(self, data):
        if data.get("summary"):
            if any(data.get(k) for k in ("directive", "period_from", "period_to")):
                raise serializers.ValidationError(
                    _("Cho bản nháp, hoặc cho văn bản và các kỳ, không cho cả hai."),
                    code="conflict",
                )
            return data
        missing = [k for k in ("directive", "period_from", "period_to") if not data.get(k)]
        if missing:
            raise serializers.ValidationError(
                {k: [_("Cần cho trường này khi không cho bản nháp.")] for k in missing},
                code="conflict",
            )
        directive = data["directive"]
        wrong = [k for k in ("period_from", "period_to") if data[k].directive_id != directive.pk]
        if wrong:
            raise serializers.ValidationError(
                {k: [_("Kỳ không thuộc văn bản này.")] for k in wrong}, code="conflict"
            )
        return data


# Reorganisations -----------------------------------------------------------------------


class Flag(serializers.BooleanField):
    """true or false, nothing else (no "yes", no 1)."""

    json_kind = _("true hoặc false")

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(_("Sai kiểu dữ liệu: cần true hoặc false."))
        return data


class ReorganisationSerializer(HelpedModelSerializer):
    class Meta:
        model = Reorganisation
        fields = [
            "id", "kind", "basis", "basis_date", "effective", "note", "sources", "results",
            "applied_at", "undone_at",
        ]  # fmt: skip
        read_only_fields = fields


class NewUnitSerializer(serializers.Serializer):
    name = Text(max_length=255, help_text=_("Tên đơn vị mới."))
    kind = serializers.ChoiceField(choices=Unit.Kind.choices, help_text=_("Loại đơn vị."))
    parent = Ref(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Đơn vị cấp trên (để trống: như đơn vị cũ)."),
    )
    takes = serializers.ListField(
        child=Whole(min_value=1, max_value=MAX_ID),
        required=False,
        allow_null=True,
        max_length=1000,
        help_text=_("Mã các nhiệm vụ đơn vị này nhận (để trống: mọi nhiệm vụ)."),
    )
    staff = Flag(required=False, default=False, help_text=_("Nhận tài khoản của đơn vị cũ."))


class ReorganisationRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Reorganisation.Kind.choices, help_text=_("Hình thức."))
    basis = Text(max_length=255, help_text=_("Căn cứ: số, ký hiệu văn bản quyết định."))
    basis_date = Day(help_text=_("Ngày ban hành văn bản."))
    effective = Day(help_text=_("Ngày có hiệu lực: đơn vị mới nhận việc từ ngày này."))
    sources = serializers.ListField(
        child=Ref(queryset=Unit.objects.select_related("parent")),
        min_length=1,
        max_length=200,
        help_text=_("Các đơn vị được sắp xếp (giải thể, chia tách, đổi tên, chuyển: một)."),
    )
    into = Ref(
        queryset=Unit.objects.select_related("parent"),
        required=False,
        allow_null=True,
        help_text=_("Hợp nhất vào đơn vị này / đơn vị kế thừa khi giải thể."),
    )
    name = Text(max_length=255, required=False, help_text=_("Tên đơn vị mới, hoặc tên mới."))
    short_name = Text(max_length=64, required=False, allow_blank=True, help_text=_("Tên viết tắt."))
    unit_kind = serializers.ChoiceField(
        choices=Unit.Kind.choices, required=False, help_text=_("Loại đơn vị mới.")
    )
    parent = Ref(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Đơn vị cấp trên của đơn vị mới, hoặc nơi chuyển đến."),
    )
    parts = NewUnitSerializer(many=True, required=False, help_text=_("Chia tách: các đơn vị mới."))
    accounts = serializers.ChoiceField(
        choices=[("move", _("Chuyển sang đơn vị mới")), ("deactivate", _("Ngừng hoạt động"))],
        default="move",
        help_text=_("Tài khoản của đơn vị cũ."),
    )
    note = Text(required=False, allow_blank=True, max_length=2000, help_text=_("Ghi chú."))
    preview = Flag(
        required=False,
        default=False,
        help_text=_("true: chỉ xem trước việc sắp xếp sẽ làm gì, không thay đổi gì."),
    )

    def validate(self, data):
        problems = entry_problems(
            kind=data["kind"],
            sources=data["sources"],
            into=data.get("into"),
            name=data.get("name", ""),
            parent=data.get("parent"),
            parts=len(data.get("parts", [])),
        )
        if problems:
            raise serializers.ValidationError(problems, code="conflict")
        return data


class OutcomeSerializer(serializers.Serializer):
    name = Text(source="unit.name", help_text=_("Đơn vị mới."))
    open = Whole(source="open_count", help_text=_("Nhiệm vụ đang thực hiện chuyển sang."))
    assignments = Whole(source="copy_count", help_text=_("Mọi phân công chuyển sang."))
    reports = Whole(source="report_count", help_text=_("Báo cáo của các kỳ từ ngày hiệu lực."))
    accounts = serializers.ListField(
        child=Text(), source="usernames", help_text=_("Tài khoản chuyển sang.")
    )
    children = serializers.ListField(
        child=Whole(), source="child_ids", help_text=_("Đơn vị trực thuộc chuyển sang.")
    )


class PreviewSerializer(serializers.Serializer):
    problems = serializers.ListField(child=Text(), help_text=_("Điều ngăn việc áp dụng."))
    outcomes = OutcomeSerializer(many=True, help_text=_("Từng đơn vị mới nhận gì."))
    ended = Whole(source="ended_count", help_text=_("Nhiệm vụ đang thực hiện chấm dứt."))
    groups = serializers.ListField(
        child=Whole(), source="group_ids", help_text=_("Nhóm đơn vị được thêm đơn vị mới.")
    )
