from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import ProgressReport, Summary

TEXT_LIMIT = 10_000  # characters per text field: a long report, not an attachment


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
        fields = ["assessment", "percent_done", "achievements", "difficulties", "proposals"]
        widgets = {
            "percent_done": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "achievements": forms.Textarea(attrs={"rows": 6}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
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
        for name in ("achievements", "difficulties", "proposals"):
            self.fields[name].max_length = TEXT_LIMIT
            self.fields[name].validators.append(
                MaxLengthValidator(
                    TEXT_LIMIT, _("Tối đa %(limit_value)d ký tự (đang có %(show_value)d).")
                )
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


class SummaryStartForm(forms.Form):
    """The periods a new summary covers: from one to another of the directive's."""

    period_from = forms.ModelChoiceField(queryset=None, label=_("Từ kỳ"))
    period_to = forms.ModelChoiceField(queryset=None, label=_("Đến kỳ"))

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("period_from", "period_to"):
            self.fields[name].queryset = periods
            self.fields[name].error_messages["invalid_choice"] = _("Chọn một kỳ của văn bản.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("period_from"), Column("period_to")))

    def clean(self):
        data = super().clean()
        first, last = data.get("period_from"), data.get("period_to")
        if first and last and last.start < first.start:
            raise ValidationError(_("Kỳ cuối phải sau hoặc trùng kỳ đầu."))
        return data


SUMMARY_TEXT_LIMIT = 2_000_000  # characters in a part: a province's quotes, not a book


class SummaryForm(forms.ModelForm):
    """The draft, and the version it was opened on (a save over a newer one is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Summary
        fields = [
            "parent_body",
            "issuing_body",
            "number",
            "place",
            "dated",
            "title",
            "subject",
            "situation",
            "results",
            "difficulties",
            "proposals",
            "recipients",
            "signer_on_behalf",
            "signer_title",
            "signer_name",
            "margin_top",
            "margin_bottom",
            "margin_left",
            "margin_right",
            "version",
        ]
        widgets = {
            "dated": forms.DateInput(format="%d/%m/%Y"),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "situation": forms.Textarea(attrs={"rows": 6}),
            "results": forms.Textarea(attrs={"rows": 14}),
            "difficulties": forms.Textarea(attrs={"rows": 6}),
            "proposals": forms.Textarea(attrs={"rows": 6}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "dated": {
                "invalid": _("Ngày báo cáo viết theo dạng ngày/tháng/năm, ví dụ 20/12/2021.")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("situation", "results", "difficulties", "proposals"):
            self.fields[name].validators.append(MaxLengthValidator(SUMMARY_TEXT_LIMIT))
        for name in ("margin_top", "margin_bottom", "margin_left", "margin_right"):
            self.fields[name].error_messages |= {
                "invalid": _("Lề là một số nguyên (mm)."),
                "min_value": _("Lề ít nhất %(limit_value)s mm."),
                "max_value": _("Lề nhiều nhất %(limit_value)s mm."),
            }
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "version",
            Fieldset(
                _("Phần đầu"),
                Row(Column("parent_body"), Column("issuing_body")),
                Row(Column("number"), Column("place"), Column("dated"), Column("title")),
                "subject",
            ),
            Fieldset(
                _("Nội dung"),
                "situation",
                "results",
                "difficulties",
                "proposals",
            ),
            Fieldset(
                _("Nơi nhận và chữ ký"),
                Row(
                    Column("recipients"),
                    Column("signer_on_behalf", "signer_title", "signer_name"),
                ),
            ),
            Fieldset(
                _("Lề trang"),
                Row(
                    Column("margin_top"),
                    Column("margin_bottom"),
                    Column("margin_left"),
                    Column("margin_right"),
                ),
            ),
        )
