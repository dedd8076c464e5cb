"""The report form (its indicators, and the version it was opened on), the reviewer's
return, and the extension and reopening forms of the report pages."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import REPORT_FIELDS, TEXT_FIELDS, TEXT_LIMIT_MESSAGE, ProgressReport


def _plain(value):
    """12.00 shows as 12, 3.50 as 3,5: a figure as people write it."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class ProgressReportForm(forms.ModelForm):
    """The report, its indicator values (one field per indicator of the task) and the
    version it was opened on, so a save over someone else's newer one is caught."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = ProgressReport
        fields = REPORT_FIELDS
        widgets = {
            "percent_done": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "achievements": forms.Textarea(attrs={"rows": 6}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            **{name: {"max_length": TEXT_LIMIT_MESSAGE} for name in TEXT_FIELDS},
            "percent_done": {
                "invalid": _("Tỷ lệ hoàn thành phải là một số nguyên từ 0 đến 100."),
                "max_value": _("Tỷ lệ hoàn thành không vượt quá %(limit_value)s%%."),
                "min_value": _("Tỷ lệ hoàn thành không được âm."),
            },
        }
        help_texts = {
            "achievements": _("Những việc đơn vị đã làm trong kỳ: văn bản, hội nghị, số liệu."),
        }

    def __init__(self, *args, indicators=(), values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        values = values or {}
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=str(indicator),
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=_plain(values.get(indicator.pk)),
                help_text=_("Bắt buộc khi gửi báo cáo.") if indicator.required else "",
                error_messages={
                    "invalid": _("Nhập một số, ví dụ 12 hoặc 3,5."),
                    "min_value": _("Giá trị chỉ tiêu không được âm."),
                },
                localize=True,
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("assessment", css_class="col-md-6"),
                Column("percent_done", css_class="col-md-6"),
            ),
            "achievements",
            "difficulties",
            "proposals",
            "version",
        )
        if self.indicators:
            self.helper.layout.insert(
                1,
                Fieldset(
                    _("Chỉ tiêu"),
                    *[Field(f"indicator_{i.pk}") for i in self.indicators],
                ),
            )

    def report_data(self) -> dict:
        """What services.report_save_draft takes: the fields and the indicator values."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["indicators"] = {
            i.pk: self.cleaned_data.get(f"indicator_{i.pk}") for i in self.indicators
        }
        return data


class CompletionForm(forms.ModelForm):
    """The unit's declaration that a task with a deadline is done: the result, and the
    version it was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = ProgressReport
        fields = TEXT_FIELDS
        widgets = {
            "achievements": forms.Textarea(attrs={"rows": 6}),
            "difficulties": forms.Textarea(attrs={"rows": 2}),
            "proposals": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"achievements": _("Kết quả thực hiện")}
        help_texts = {
            "achievements": _("Việc đã hoàn thành: văn bản đã ban hành, số liệu, sản phẩm."),
        }
        error_messages = {name: {"max_length": TEXT_LIMIT_MESSAGE} for name in TEXT_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def report_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in TEXT_FIELDS}


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Cần nêu lý do trả lại để đơn vị bổ sung.")},
    )


class DateInput(forms.DateInput):
    """The browser's date picker; it sends yyyy-mm-dd and shows the user's own format."""

    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class ExtensionRequestForm(forms.Form):
    new_due = forms.DateField(label=_("Xin gia hạn đến ngày"), widget=DateInput)
    reason = forms.CharField(
        label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ExtensionDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Bắt buộc khi không cho gia hạn."),
    )


class ReopenForm(forms.Form):
    until = forms.DateField(label=_("Mở cho đơn vị nhập đến ngày"), widget=DateInput)
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
