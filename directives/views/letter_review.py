"""Entering a directive by reading its letter: the reviewer pastes the text or uploads the
file, checks the reading beside the letter, corrects it and saves a draft directive."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.permissions import requires
from workdays import calendar as workdays

from ..letter_forms import (
    HeaderForm,
    LetterForm,
    SectionFormSet,
    directive_from_forms,
    initial_of,
    lines,
    refusal_messages,
)
from ..letter_to_directive import parse_addressee, resolve, task_guess


def _names(form) -> list[str]:
    return [parse_addressee(line)[0] for line in lines(form["addressees"].value() or "")]


def _guesses(form, issued_on, exceptions) -> list:
    """Each task form of the section beside what its words say of its kind and deadline
    (None for a blank row)."""
    rows = []
    for task in form.task_forms:
        text = (task["text"].value() or "").strip()
        guess = task_guess(text, issued_on=issued_on, exceptions=exceptions) if text else None
        rows.append((task, guess))
    return rows


def _review(request, header: HeaderForm, formset, issued_on=None, warnings=()):
    """The letter beside its reading; under each section, what its names resolve to and,
    under each task, the kind and deadline its words give."""
    issuers = [header[name].value() or "" for name in ("issuer", "parent_issuer")]
    names = [*issuers, *(n for f in formset for n in _names(f))]
    matches = {found.name: found for found in resolve(names)}
    day, exceptions = issued_on or timezone.localdate(), workdays.exceptions()
    rows = [
        (form, [matches[name] for name in _names(form)], _guesses(form, day, exceptions))
        for form in formset
    ]
    return render(
        request,
        "directives/directive_import_review.html",
        {
            "header": header,
            "formset": formset,
            "rows": rows,
            "issuer_matches": [matches[name] for name in issuers if name],
            "letter": header["letter"].value() or "",
            "warnings": warnings,
        },
    )


@requires("directive.edit")
def import_letter(request):
    """Step 1: the letter, pasted or uploaded; read, it goes straight to the review."""
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        proposal = form.cleaned_data["proposal"]
        header, sections = initial_of(proposal, form.cleaned_data["letter"])
        return _review(
            request,
            HeaderForm(initial=header),
            SectionFormSet(
                initial=sections, prefix="muc", form_kwargs={"issued_on": proposal.date}
            ),
            proposal.date,
            proposal.warnings,
        )
    return render(request, "directives/directive_import.html", {"form": form})


@requires("directive.edit")
@require_POST
def import_save(request):
    """Step 2: the corrected reading saved as a draft directive."""
    header = HeaderForm(request.POST)
    header_valid = header.is_valid()
    issued_on = header.cleaned_data.get("issued_on")  # the tasks' deadlines are read on it
    formset = SectionFormSet(request.POST, prefix="muc", form_kwargs={"issued_on": issued_on})
    if not (header_valid and formset.is_valid()):
        messages.error(request, _("Chưa lưu: xem các ô báo lỗi bên dưới."))
        return _review(request, header, formset, issued_on)
    try:
        directive = directive_from_forms(header, formset)
    except ValidationError as refusal:
        for message in refusal_messages(refusal):
            header.add_error(None, message)
        messages.error(request, _("Chưa lưu: xem các thông báo bên dưới."))
        return _review(request, header, formset, issued_on)
    messages.success(
        request,
        _("Đã lưu %(directive)s (đang soạn). Kiểm tra các mục, nhiệm vụ rồi ban hành.")
        % {"directive": directive},
    )
    return redirect("directives:structure", pk=directive.pk)


urlpatterns = [
    path("nhap/", import_letter, name="import"),
    path("nhap/luu/", import_save, name="import_save"),
]
