"""The query parameters of the lists. The schema declares each precisely (an id is a
positive whole number, a status one of its values) and what it allows is answered: an id
that names nothing filters to an empty page, as any filter that matches nothing."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from directives.models import Assignment
from reports.filing.models import ProgressReport
from reports.periods.models import ReportingPeriod
from reports.summaries.models import Export
from units.models import Unit, fold

from .serializers import ANY_TEXT, MAX_ID


class StrictFilterSet(django_filters.FilterSet):
    """A parameter given twice is refused, not silently dropped; so is a blank one,
    except where blank means “not given” (blank_is_absent)."""

    blank_is_absent: tuple[str, ...] = ()

    def is_valid(self) -> bool:
        self.form.errors  # noqa: B018 (cleans the form, so errors can be added)
        for name in self.filters:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if name not in self.data:
                continue
            if len(values) != 1:
                self.form.add_error(name, _("Cần đúng một giá trị."))
            elif not values[0].strip() and name not in self.blank_is_absent:
                self.form.add_error(name, _("Cần đúng một giá trị, không để trống."))
        return super().is_valid()


class IdFilter(django_filters.NumberFilter):
    """A positive whole number naming an object; one that names nothing matches nothing."""

    field_class = forms.IntegerField

    def __init__(self, field_name, help_text):
        super().__init__(field_name=field_name, help_text=help_text, min_value=1, max_value=MAX_ID)
        extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})(self)


def _choices(choices, help_text):
    choice = django_filters.ChoiceFilter(choices=choices, help_text=help_text)
    extend_schema_field({"type": "string", "enum": [value for value, _label in choices]})(choice)
    return choice


class UnitFilter(StrictFilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=100,
        help_text=_("Tìm theo tên (không phân biệt dấu); để trống: mọi đơn vị."),
    )
    kind = _choices(Unit.Kind.choices, _("Loại đơn vị."))
    parent = IdFilter("parent_id", _("Đơn vị cấp trên."))
    blank_is_absent = ("q",)

    class Meta:
        model = Unit
        fields = ["q", "kind", "parent"]

    def search(self, queryset, name, value):
        return queryset.filter(search_name__contains=fold(value)) if value.strip() else queryset


extend_schema_field({"type": "string", "maxLength": 100, "pattern": ANY_TEXT})(
    UnitFilter.base_filters["q"]
)


class AssignmentFilter(StrictFilterSet):
    directive = IdFilter("task__section__directive_id", _("Văn bản."))
    unit = IdFilter("unit_id", _("Đơn vị được giao."))
    task = IdFilter("task_id", _("Nhiệm vụ."))

    class Meta:
        model = Assignment
        fields = ["directive", "unit", "task"]


class PeriodFilter(StrictFilterSet):
    directive = IdFilter("directive_id", _("Văn bản."))

    class Meta:
        model = ReportingPeriod
        fields = ["directive"]


class ReportFilter(StrictFilterSet):
    directive = IdFilter("period__directive_id", _("Văn bản."))
    period = IdFilter("period_id", _("Kỳ báo cáo."))
    unit = IdFilter("assignment__unit_id", _("Đơn vị báo cáo."))
    status = _choices(ProgressReport.Status.choices, _("Trạng thái báo cáo."))

    class Meta:
        model = ProgressReport
        fields = ["directive", "period", "unit", "status"]


class ExportFilter(StrictFilterSet):
    directive = IdFilter("directive_id", _("Văn bản."))
    status = _choices(Export.Status.choices, _("Trạng thái bản xuất."))

    class Meta:
        model = Export
        fields = ["directive", "status"]
