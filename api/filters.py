"""The query parameters of the lists. A filter naming an object that does not exist is a
400 with the reason, never an empty list that hides a typo."""

import django_filters
from django.utils.translation import gettext_lazy as _

from directives.models import Assignment, Directive, Task
from reports.models import Export, ProgressReport, ReportingPeriod
from units.models import Unit, fold


class StrictFilterSet(django_filters.FilterSet):
    """A parameter given blank or twice is refused, not silently dropped."""

    def is_valid(self) -> bool:
        self.form.errors  # noqa: B018 (cleans the form, so errors can be added)
        for name in self.filters:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if name in self.data and (len(values) != 1 or not values[0].strip()):
                self.form.add_error(name, _("Cần đúng một giá trị, không để trống."))
        return super().is_valid()


def _choice(queryset, help_text, field_name):
    return django_filters.ModelChoiceFilter(
        queryset=queryset, field_name=field_name, help_text=help_text
    )


class UnitFilter(StrictFilterSet):
    q = django_filters.CharFilter(
        method="search", max_length=100, help_text=_("Tìm theo tên (không phân biệt dấu).")
    )
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices, help_text=_("Loại đơn vị."))
    parent = _choice(Unit.objects.all(), _("Đơn vị cấp trên."), "parent")

    class Meta:
        model = Unit
        fields = ["q", "kind", "parent"]

    def search(self, queryset, name, value):
        return queryset.filter(search_name__contains=fold(value)) if value.strip() else queryset


class AssignmentFilter(StrictFilterSet):
    directive = _choice(Directive.objects.all(), _("Văn bản."), "task__section__directive")
    unit = _choice(Unit.objects.all(), _("Đơn vị được giao."), "unit")
    task = _choice(Task.objects.all(), _("Nhiệm vụ."), "task")

    class Meta:
        model = Assignment
        fields = ["directive", "unit", "task"]


class PeriodFilter(StrictFilterSet):
    directive = _choice(Directive.objects.all(), _("Văn bản."), "directive")

    class Meta:
        model = ReportingPeriod
        fields = ["directive"]


class ReportFilter(StrictFilterSet):
    directive = _choice(Directive.objects.all(), _("Văn bản."), "period__directive")
    period = _choice(ReportingPeriod.objects.all(), _("Kỳ báo cáo."), "period")
    unit = _choice(Unit.objects.all(), _("Đơn vị báo cáo."), "assignment__unit")
    status = django_filters.ChoiceFilter(
        choices=ProgressReport.Status.choices, help_text=_("Trạng thái báo cáo.")
    )

    class Meta:
        model = ProgressReport
        fields = ["directive", "period", "unit", "status"]


class ExportFilter(StrictFilterSet):
    directive = _choice(Directive.objects.all(), _("Văn bản."), "directive")
    status = django_filters.ChoiceFilter(
        choices=Export.Status.choices, help_text=_("Trạng thái bản xuất.")
    )

    class Meta:
        model = Export
        fields = ["directive", "status"]
