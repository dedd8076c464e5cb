"""The summary's forms: the periods a new one covers, and the draft being edited."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import Summary


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
            "annex_by",
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
        self.fields["signer_title"].help_text = _(
            "Ví dụ: PHÓ BÍ THƯ. Phải có trước khi xuất báo cáo."
        )
        cc = self.instance.directive.cc if self.instance.directive_id else []
        if cc:  # the directive's own Nơi nhận, to pick from
            self.fields["recipients"].help_text = _(
                "Mỗi nơi một dòng. Nơi nhận của văn bản chỉ đạo: %(lines)s."
            ) % {"lines": "; ".join(" ".join(str(line).split()).rstrip(",.;") for line in cc)}
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
            Fieldset(_("Phụ lục số liệu"), "annex_by"),
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
