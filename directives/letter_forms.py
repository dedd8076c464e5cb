"""The forms of entering a directive from its letter: the letter itself (pasted or a
file, read at once), then its reading (header and sections) as the reviewer corrects it;
and how those forms become the service's arguments."""

import unicodedata

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import formset_factory
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.text import whole_number
from workdays import calendar as workdays

from .forms import TaskForm
from .letter_files import letter_file_attach
from .letter_reader import ACCEPT, LetterError, max_bytes_for, read_file, read_text
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
    """The letter, pasted or as a file. A file is read at once (`reading`: its text, the
    pages read by OCR, its signatures), and kept by the view for the review."""

    file = forms.FileField(
        label=gettext_lazy("Tệp văn bản (.docx, .md, .txt, .pdf, .jpg, .png)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=gettext_lazy(
            "Bản PDF có chữ được đọc trực tiếp; bản quét, ảnh chụp (tối đa 10 trang) được "
            "nhận dạng chữ (OCR). Chữ ký số trên PDF được kiểm tra."
        ),
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
            limit = max_bytes_for(upload.name)
            if upload.size > limit:
                raise forms.ValidationError(
                    _("Tệp lớn hơn %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"}
                )
            content = upload.read()
            try:
                reading = read_file(upload.name, content)
            except LetterError as error:
                raise forms.ValidationError(str(error)) from error
            data["reading"], data["content"] = reading, content
            data["letter"] = reading.text
        else:
            data["letter"] = unicodedata.normalize("NFC", text)
        if len(data["letter"]) > LETTER_MAX_CHARS:
            raise forms.ValidationError(
                _("Văn bản dài quá %(limit)s ký tự: hãy bỏ phần không thuộc văn bản.")
                % {"limit": f"{LETTER_MAX_CHARS:,}".replace(",", ".")}
            )
        proposal = data["proposal"] = read_text(data["letter"])
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
    # Where each field was read, "number:7 date:15 …" (1-based lines), for the review.
    evidence = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    # The sentence the schedule was read from, shown under it while the review lasts.
    schedule_words = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    # The uploaded file (LetterFile) the letter was read from, kept for the review.
    letter_file = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].error_messages["invalid"] = _(
            "Ngày viết theo dạng ngày/tháng/năm, ví dụ 25/08/2021."
        )
        if words := (self["schedule_words"].value() or "").strip():
            self.fields["schedule"].help_text = _("Đọc từ văn bản: “%(words)s”") % {
                "words": words[:300]
            }
        self.helper = FormHelper()
        self.helper.form_tag = False

    def evidence_lines(self) -> dict[str, int]:
        """Where each header field was read: {"number": 7, …} (1-based lines)."""
        lines = {}
        for pair in str(self["evidence"].value() or "").split()[:20]:
            name, _sep, line = pair.partition(":")
            if name in self.fields and (number := whole_number(line, most=999_999)) is not None:
                lines[name] = number
        return lines

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
    # The line of the letter the section was read from (1-based, as the page numbers it).
    line = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

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


# The reader's names for the header's fields where the form's differ.
FIELD_OF = {"date": "issued_on"}


def initial_of(proposal, letter: str, letter_file=None) -> tuple[dict, list[dict]]:
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
        "letter_file": letter_file.pk if letter_file else "",
    }
    header["evidence"] = " ".join(
        f"{FIELD_OF.get(name, name)}:{line + 1}" for name, line in proposal.lines.items()
    )
    if proposal.schedule:  # "… báo cáo … trước ngày 15 hằng tháng": proposed, with its words
        header["schedule"] = proposal.schedule.schedule
        header["schedule_words"] = proposal.schedule.words
    sections = [
        {
            "number": s.number,
            "heading": s.heading,
            "intro": s.intro,
            "addressees": "\n".join(s.addressees),
            "tasks": s.tasks,  # each with its guessed kind and deadline
            "line": s.line + 1 if s.line is not None else None,
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


@transaction.atomic
def directive_from_forms(header: HeaderForm, formset, letter_file=None) -> Directive:
    """The corrected reading saved as a draft directive (letter_to_directive), with the
    file it was read from, if any."""
    data = header.cleaned_data
    directive = directive_import(
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
    if letter_file is not None:
        letter_file_attach(letter_file=letter_file, directive=directive)
    return directive


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
