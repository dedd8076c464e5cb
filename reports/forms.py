from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import ProgressReport

TEXT_LIMIT = 10_000  # characters per text field: a long report, not an attachment


class ProgressReportForm(forms.ModelForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Cần nêu lý do trả lại để đơn vị bổ sung.")},
    )
