"""The directive editor's forms: the directive's facts, and its sections, addressees, tasks
and indicators. Messages are Vietnamese; the rules themselves live in services.py."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Unit, UnitGroup

from .models import Addressee, Directive, Indicator, Section, Task
from .services import HEADER_FIELDS

DATE_HELP = _("Ngày/tháng/năm, ví dụ 25/08/2021.")


class LinesField(forms.CharField):
    """A list of strings (a JSONField) typed one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


def _date_field_errors(label: str) -> dict:
    return {
        "invalid": _("%(label)s viết theo dạng ngày/tháng/năm, ví dụ 25/08/2021.")
        % {"label": label}
    }


class PublishForm(forms.Form):
    """Asked when a directive is published: the day its units start reporting from, so an
    older letter does not open every period since it was issued, each already overdue."""

    reporting_starts_on = forms.DateField(
        label=_("Các đơn vị báo cáo từ ngày"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        help_text=_(
            "Kỳ báo cáo đầu tiên là kỳ chốt số liệu sau ngày này. Chọn ngày ban hành của "
            "một văn bản cũ sẽ mở ngay mọi kỳ từ đó đến nay, các kỳ đã qua hạn đều quá hạn."
        ),
        error_messages={"required": _("Chọn ngày các đơn vị bắt đầu báo cáo.")}
        | _date_field_errors(_("Ngày bắt đầu báo cáo")),
    )

    @staticmethod
    def initial_for(directive: Directive) -> dict:
        """The day set on the directive, else the day after it was issued or today,
        whichever is later."""
        suggested = directive.reporting_starts_on or max(
            directive.issued_on + datetime.timedelta(days=1), timezone.localdate()
        )
        return {"reporting_starts_on": suggested}


class DirectiveForm(forms.ModelForm):
    recipients = LinesField(
        label=_("Kính gửi"), required=False, help_text=_("Mỗi dòng một nơi, ví dụ: Các chi bộ.")
    )
    cc = LinesField(
        label=_("Nơi nhận"), required=False, help_text=_("Mỗi dòng một nơi, ví dụ: Lưu Văn phòng.")
    )

    class Meta:
        model = Directive
        fields = [name.removesuffix("_id") for name in HEADER_FIELDS]
        widgets = {
            "issued_on": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
            "reporting_starts_on": forms.DateInput(
                format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}
            ),
            "reporting_ends_on": forms.DateInput(
                format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}
            ),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "based_on": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "number": {
                "required": _("Cần nhập số và ký hiệu của văn bản, ví dụ 136-CV/HU."),
                "unique": _("Đã có văn bản mang số và ký hiệu này."),
            },
            "issued_on": {"required": _("Cần nhập ngày ban hành.")},
            "issuer": {
                "required": _("Chọn cơ quan ban hành."),
                "invalid_choice": _("Chọn một cơ quan trong danh sách."),
            },
            "subject": {"required": _("Cần nhập trích yếu của văn bản.")},
            "lock_days": {
                "invalid": _("Số ngày khóa nhập là một số nguyên, ví dụ 10."),
                "min_value": _("Số ngày khóa nhập không được âm."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Unit.objects.order_by("name")
        for name in ("issued_on", "reporting_starts_on", "reporting_ends_on"):
            field = self.fields[name]
            field.error_messages |= _date_field_errors(str(field.label).capitalize())
            if not field.help_text:
                field.help_text = DATE_HELP
        for name in ("doc_type", "schedule"):
            self.fields[name].error_messages["invalid_choice"] = _("Chọn một mục trong danh sách.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Văn bản"),
                Row(Column("number"), Column("doc_type"), Column("issued_on"), Column("place")),
                Row(Column("issuer"), Column("issuing_authority"), Column("topic")),
                "subject",
                "based_on",
            ),
            Fieldset(
                _("Kính gửi, nơi nhận và chữ ký"),
                Row(Column("recipients"), Column("cc")),
                Row(Column("signer_on_behalf"), Column("signer_title"), Column("signer_name")),
            ),
            Fieldset(_("Toàn văn"), "body"),
            Fieldset(
                _("Chế độ báo cáo"),
                Row(
                    Column("schedule"),
                    Column("reporting_starts_on"),
                    Column("reporting_ends_on"),
                    Column("lock_days"),
                ),
                "reporters_hand_down",
            ),
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("reporting_starts_on"), data.get("reporting_ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "reporting_ends_on", _("Ngày kết thúc báo cáo phải sau ngày bắt đầu báo cáo.")
            )
        return data


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["number", "heading", "intro"]
        widgets = {
            "heading": forms.Textarea(attrs={"rows": 2}),
            "intro": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "number": {"required": _("Cần nhập số mục, ví dụ 1 hoặc II.")},
            "heading": {"required": _("Cần nhập tiêu đề mục.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(Column("number", css_class="col-md-2"), Column("heading")), "intro"
        )


class AddresseeForm(forms.ModelForm):
    """A unit or a group (not both), lead or support. `choices`: the unit and group
    choices computed once for a page that shows one such form per section."""

    class Meta:
        model = Addressee
        fields = ["unit", "group", "role"]

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()  # a closed unit (merged, dissolved) gets no new task
        self.fields["unit"].queryset = (
            Unit.objects.active_between(today, today).only("pk", "name").order_by("name")
        )
        self.fields["group"].queryset = UnitGroup.objects.order_by("name")
        self.fields["unit"].empty_label = _("— chọn đơn vị —")
        self.fields["group"].empty_label = _("— hoặc chọn nhóm đơn vị —")
        for name in ("unit", "group"):
            self.fields[name].error_messages["invalid_choice"] = _("Chọn một mục trong danh sách.")
        if choices is not None:
            self.fields["unit"].choices, self.fields["group"].choices = choices
        self.helper = _helper(Row(Column("unit"), Column("group"), Column("role")))

    @classmethod
    def shared_choices(cls):
        """The two choice lists, read once (two queries) for any number of forms."""
        form = cls()
        # iter(): list() alone would first ask the iterator's length, a COUNT query each.
        return [*iter(form.fields["unit"].choices)], [*iter(form.fields["group"].choices)]

    def clean(self):
        data = super().clean()
        if "unit" in data and "group" in data and (data["unit"] is None) == (data["group"] is None):
            # On a field, so the model's own check (unit XOR group) is not run twice.
            self.add_error(
                "group",
                _("Chọn một đơn vị hoặc một nhóm đơn vị (không chọn cả hai).")
                if data["unit"]
                else _("Chọn một đơn vị hoặc một nhóm đơn vị."),
            )
        return data


class TaskForm(forms.ModelForm):
    """A task's words, its kind, and its deadline: a date, or the letter's own words
    ("trong quý III/2026"), read into its last working day when no date is given."""

    class Meta:
        model = Task
        fields = ["text", "kind", "deadline", "deadline_words"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "30/06/2026"}),
        }
        error_messages = {
            "text": {"required": _("Cần nhập nội dung nhiệm vụ.")},
            "deadline": {"invalid": _("Ngày viết theo dạng ngày/tháng/năm, ví dụ 30/06/2026.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False  # left out: the task stays what it was
        self.helper = _helper(
            "text",
            Row(
                Column("kind", css_class="col-md-4"),
                Column("deadline", css_class="col-md-3"),
                Column("deadline_words", css_class="col-md-5"),
            ),
        )

    def clean_kind(self):
        return self.cleaned_data["kind"] or self.instance.kind


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit_of_measure", "aggregation", "required"]
        error_messages = {
            "name": {"required": _("Cần nhập tên chỉ tiêu.")},
            "aggregation": {"invalid_choice": _("Chọn một cách tổng hợp trong danh sách.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(
                Column("name", css_class="col-md-5"),
                Column("unit_of_measure", css_class="col-md-2"),
                Column("aggregation", css_class="col-md-3"),
                Column("required", css_class="col-md-2"),
            )
        )
