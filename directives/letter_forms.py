"""The forms of entering a directive from its letter: the letter itself (pasted or a
file, read at once), then its reading (header and sections) as the reviewer corrects it;
and how those forms become the service's arguments."""

import unicodedata

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workdays import calendar as workdays

from .forms import TaskForm
from .letter_reader import MAX_BYTES, LetterError, read_text, read_upload
from .letter_reader.files import upload_text
from .letter_to_directive import (
    MAX_SECTIONS,
    SectionDraft,
    TaskDraft,
    directive_import,
    doc_type_of,
    sections_of,
    subject_of,
)
from .models import Directive, Section, Task

LETTER_MAX_CHARS = 500_000


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class LetterForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp văn bản (.docx, .md, .txt)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".docx,.md,.txt"}),
    )
    text = forms.CharField(
        label=gettext_lazy("hoặc dán toàn văn"),
        required=False,
        max_length=LETTER_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if not upload and not text:
            raise forms.ValidationError(_("Chọn tệp văn bản hoặc dán toàn văn."))
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
            content = upload.read()
            try:
                data["proposal"] = read_upload(upload.name, content)
                data["letter"] = unicodedata.normalize("NFC", upload_text(upload.name, content))
            except LetterError as error:
                raise forms.ValidationError(str(error)) from error
        else:
            data["proposal"] = read_text(text)
            data["letter"] = unicodedata.normalize("NFC", text)
        if len(data["letter"]) > LETTER_MAX_CHARS:
            raise forms.ValidationError(
                _("Văn bản dài quá %(limit)s ký tự: hãy bỏ phần không thuộc văn bản.")
                % {"limit": f"{LETTER_MAX_CHARS:,}".replace(",", ".")}
            )
        proposal = data["proposal"]
        if len(proposal.sections) > MAX_SECTIONS:
            proposal.sections = proposal.sections[:MAX_SECTIONS]
            proposal.warnings.append(
                _("Chỉ giữ %(count)s mục đầu: văn bản có quá nhiều mục.") % {"count": MAX_SECTIONS}
            )
        return data


class HeaderForm(forms.Form):
    """The letter's header and footer, as read, for the reviewer to correct."""

    number = forms.CharField(label=gettext_lazy("Số và ký hiệu"), max_length=64)
    doc_type = forms.ChoiceField(
        label=gettext_lazy("Loại văn bản"), choices=Directive.DocType.choices
    )
    issued_on = forms.DateField(label=gettext_lazy("Ngày ban hành"))
    place = forms.CharField(label=gettext_lazy("Địa danh"), max_length=128, required=False)
    parent_issuer = forms.CharField(
        label=gettext_lazy("Cơ quan cấp trên"), max_length=255, required=False
    )
    issuer = forms.CharField(label=gettext_lazy("Cơ quan ban hành"), max_length=255)
    subject = forms.CharField(
        label=gettext_lazy("Trích yếu"), widget=forms.Textarea(attrs={"rows": 2})
    )
    recipients = forms.CharField(
        label=gettext_lazy("Kính gửi (mỗi dòng một nơi)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    based_on = forms.CharField(
        label=gettext_lazy("Căn cứ (mỗi dòng một văn bản)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    cc = forms.CharField(
        label=gettext_lazy("Nơi nhận (mỗi dòng một nơi)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signer_on_behalf = forms.CharField(
        label=gettext_lazy("Thẩm quyền ký"), max_length=128, required=False
    )
    signer_title = forms.CharField(
        label=gettext_lazy("Chức vụ người ký"), max_length=128, required=False
    )
    signer_name = forms.CharField(label=gettext_lazy("Người ký"), max_length=128, required=False)
    schedule = forms.ChoiceField(
        label=gettext_lazy("Chế độ báo cáo"),
        choices=Directive.Schedule.choices,
        initial=Directive.Schedule.MONTHLY,
    )
    letter = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].error_messages["invalid"] = _(
            "Ngày viết theo dạng ngày/tháng/năm, ví dụ 25/08/2021."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_number(self):
        number = " ".join(self.cleaned_data["number"].split())
        if Directive.objects.filter(number=number).exists():
            raise forms.ValidationError(_("Đã có văn bản số %(number)s.") % {"number": number})
        return number


class ImportTaskForm(TaskForm):
    """A task of the reading: its words, and the kind and deadline guessed from them for
    the reviewer to confirm or correct. Held to Task's rules as in the editor, on the
    letter's date (`issued_on`; today while the header's date is not valid)."""

    def __init__(self, *args, issued_on=None, **kwargs):
        directive = Directive(issued_on=issued_on or timezone.localdate())
        super().__init__(*args, instance=Task(section=Section(directive=directive)), **kwargs)
        self.fields["kind"].error_messages["invalid_choice"] = _(
            "Chọn loại nhiệm vụ trong danh sách."
        )
        self.fields["deadline"].widget.attrs["placeholder"] = "dd/mm/yyyy"  # no date shown
        self.helper.layout.append("DELETE")

    def draft(self) -> TaskDraft:
        task = self.instance  # as Task.clean left it: a date read from the words
        return TaskDraft(" ".join(task.text.split()), task.kind, task.deadline, task.deadline_words)


class CountedFormSet(forms.BaseFormSet):
    """A formset whose counts (the hidden TOTAL_FORMS and INITIAL_FORMS) were not made up:
    a negative count would read as "no rows" and save the letter without them."""

    def clean(self):
        super().clean()
        counts = self.management_form.cleaned_data
        if counts.get(TOTAL_FORM_COUNT, 0) < 0 or counts.get(INITIAL_FORM_COUNT, 0) < 0:
            raise ValidationError(
                _(
                    "Dữ liệu biểu mẫu không đầy đủ hoặc đã bị sửa. Đề nghị đọc lại văn bản "
                    "rồi kiểm tra và lưu."
                ),
                code="tampered",
            )


class BaseImportTaskFormSet(CountedFormSet):
    def drafts(self) -> list[TaskDraft]:
        """The section's tasks as the reviewer left them (deleted and blank rows left out)."""
        return [
            form.draft()
            for i, form in enumerate(self.forms)
            if (i < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]


# One blank row a section, for a task the reader missed.
ImportTaskFormSet = formset_factory(
    ImportTaskForm, formset=BaseImportTaskFormSet, extra=1, can_delete=True
)


class ImportSectionForm(forms.Form):
    """A section of the reading, with its tasks (a formset of their own, `task_forms`)."""

    number = forms.CharField(label=gettext_lazy("Số mục"), max_length=16)
    heading = forms.CharField(
        label=gettext_lazy("Tiêu đề mục"), widget=forms.Textarea(attrs={"rows": 1})
    )
    intro = forms.CharField(
        label=gettext_lazy("Phần mở đầu của mục"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    addressees = forms.CharField(
        label=gettext_lazy(
            "Đơn vị được giao (mỗi dòng một; thêm “(phối hợp)” sau tên đơn vị phối hợp)"
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, issued_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        tasks = self.initial.get("tasks", [])
        self.task_forms = ImportTaskFormSet(
            self.data if self.is_bound else None,
            prefix=f"{self.prefix}-nv",
            initial=None if self.is_bound else [vars(task) for task in tasks],
            form_kwargs={"issued_on": issued_on},
        )

    def clean(self):
        data = super().clean()
        if not self.task_forms.is_valid():
            raise forms.ValidationError(_("Có nhiệm vụ chưa đúng: xem các ô báo lỗi bên dưới."))
        data["tasks"] = self.task_forms.drafts()
        if data["tasks"] and not data.get("addressees", "").strip():
            self.add_error(
                "addressees", _("Mục có nhiệm vụ phải có đơn vị được giao (hoặc bỏ nhiệm vụ).")
            )
        return data


SectionFormSet = formset_factory(
    ImportSectionForm, formset=CountedFormSet, extra=0, can_delete=True
)


def initial_of(proposal, letter: str) -> tuple[dict, list[dict]]:
    """What the review's forms show first: the letter as the reader read it."""
    signer = proposal.signer
    header = {
        "number": proposal.number or "",
        "doc_type": doc_type_of(proposal.doc_type or ""),
        "issued_on": proposal.date,
        "place": proposal.place or "",
        "parent_issuer": proposal.parent_issuer or "",
        "issuer": proposal.issuer or "",
        "subject": subject_of(proposal.subject),
        "recipients": "\n".join(proposal.recipients),
        "based_on": "\n".join(proposal.based_on),
        "cc": "\n".join(proposal.cc),
        "signer_on_behalf": signer.authority or "",
        "signer_title": signer.title or "",
        "signer_name": signer.name or "",
        "letter": letter,
    }
    sections = [
        {
            "number": s.number,
            "heading": s.heading,
            "intro": s.intro,
            "addressees": "\n".join(s.addressees),
            "tasks": s.tasks,  # each with its guessed kind and deadline
        }
        for s in sections_of(proposal, exceptions=workdays.exceptions())
    ]
    return header, sections


def sections_of_formset(formset) -> list[SectionDraft]:
    """The sections as the reviewer corrected them (deleted ones left out)."""
    return [
        SectionDraft(
            number=f.cleaned_data["number"],
            heading=" ".join(f.cleaned_data["heading"].split()),
            intro=f.cleaned_data["intro"].strip(),
            addressees=lines(f.cleaned_data["addressees"]),
            tasks=f.cleaned_data["tasks"],
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def directive_from_forms(header: HeaderForm, formset) -> Directive:
    """The corrected reading saved as a draft directive (letter_to_directive)."""
    data = header.cleaned_data
    return directive_import(
        number=data["number"],
        doc_type=data["doc_type"],
        issued_on=data["issued_on"],
        issuer=data["issuer"],
        parent_issuer=data["parent_issuer"],
        sections=sections_of_formset(formset),
        letter=data["letter"],
        place=data["place"],
        subject=" ".join(data["subject"].split()),
        recipients=lines(data["recipients"]),
        based_on=data["based_on"],
        cc=lines(data["cc"]),
        signer_on_behalf=data["signer_on_behalf"],
        signer_title=data["signer_title"],
        signer_name=data["signer_name"],
        schedule=data["schedule"],
    )


def refusal_messages(error: ValidationError) -> list[str]:
    """The service's refusal as sentences; a field's error names the field."""
    if not hasattr(error, "error_dict"):
        return error.messages
    fields = {f.name: f.verbose_name for f in Directive._meta.get_fields() if f.concrete}
    return [
        f"{fields[name]}: {message}" if name in fields else message
        for name, messages in error.message_dict.items()
        for message in messages
    ]
