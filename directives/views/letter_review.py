"""Entering a directive by reading its letter: the reviewer pastes the text or uploads the
file, checks the reading beside the letter (and beside the pages of a scan, with who
signed a signed PDF), corrects it and saves a draft directive with the file kept."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from units.permissions import ensure, requires
from units.text import whole_number
from workdays import calendar as workdays

from ..letter_files import letter_file_keep
from ..letter_forms import (
    HeaderForm,
    LetterForm,
    SectionFormSet,
    directive_from_forms,
    initial_of,
    lines,
    refusal_messages,
)
from ..letter_reader.text import normalize
from ..letter_to_directive import parse_addressee, resolve, task_guess
from ..models import LetterFile


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


@dataclass(frozen=True)
class Check:
    """One guess of the reading, how sure it is (0 to 1), and the line of the letter it
    rests on (1-based; None when nothing was read)."""

    confidence: float
    text: str
    line: int | None = None


HEADER_FIELDS = ("number", "issued_on", "issuer", "subject", "recipients")


def _match_check(found, where: str, line: int | None) -> Check:
    if found.unit:
        said = _("%(where)s: “%(name)s” là %(unit)s") % {
            "where": where,
            "name": found.name,
            "unit": found.unit.name,
        }
        return Check(found.confidence, said, line)
    if found.group:
        said = _("%(where)s: “%(name)s” là nhóm %(group)s") % {
            "where": where,
            "name": found.name,
            "group": found.group.name,
        }
        return Check(0.9, said, line)
    said = _("%(where)s: “%(name)s” chưa có trong danh mục, sẽ thêm mới") % {
        "where": where,
        "name": found.name,
    }
    return Check(0.4 if found.makes_group else 0.3, said, line)


def _checks(header: HeaderForm, rows, issuer_matches) -> list[Check]:
    """Every guess of the reading with what it rests on, least sure first: a header field
    not read, a name matching no unit or only loosely, an item addressed to nobody."""
    lines = header.evidence_lines()
    checks = []
    for name in HEADER_FIELDS:
        label = header.fields[name].label
        value = header[name].value() or ""
        value = f"{value:%d/%m/%Y}" if isinstance(value, datetime.date) else str(value).strip()
        if not value:
            checks.append(Check(0.0, _("Chưa đọc được: %(field)s") % {"field": label}))
        else:
            value = value.splitlines()[0][:80]
            checks.append(Check(0.9, f"{label}: {value}", lines.get(name)))
    where = header.fields["issuer"].label
    checks += [_match_check(found, where, lines.get("issuer")) for found in issuer_matches]
    for form, matches, _tasks in rows:
        line = form["line"].value()
        line = whole_number(str(line or ""))
        where = _("Mục %(number)s") % {"number": form["number"].value()}
        checks += [_match_check(found, where, line) for found in matches]
        if not matches:
            checks.append(
                Check(0.5, _("%(where)s: không giao cho đơn vị nào") % {"where": where}, line)
            )
    return sorted(checks, key=lambda check: check.confidence)


def _review(request, header: HeaderForm, formset, issued_on=None, warnings=(), letter_file=None):
    """The letter (and the pages of a scan) beside its reading; under each section, what
    its names resolve to and, under each task, the kind and deadline its words give."""
    issuers = [header[name].value() or "" for name in ("issuer", "parent_issuer")]
    names = [*issuers, *(n for f in formset for n in _names(f))]
    matches = {found.name: found for found in resolve(names)}
    day, exceptions = issued_on or timezone.localdate(), workdays.exceptions()
    rows = [
        (form, [matches[name] for name in _names(form)], _guesses(form, day, exceptions))
        for form in formset
    ]
    issuer_matches = [matches[name] for name in issuers if name]
    letter = header["letter"].value() or ""
    return render(
        request,
        "directives/directive_import_review.html",
        {
            "header": header,
            "formset": formset,
            "rows": rows,
            "issuer_matches": issuer_matches,
            "letter": letter,
            # numbered as the reader numbers them, so a guess can point at its line
            "letter_lines": normalize(letter).split("\n") if letter else [],
            "checks": _checks(header, rows, issuer_matches),
            "warnings": warnings,
            "letter_file": letter_file,
            "page_urls": [
                reverse("directives:letter_page", args=[letter_file.pk, number])
                for number in range(1, len(letter_file.pages) + 1)
            ]
            if letter_file
            else [],
        },
    )


def _carried(request, header: HeaderForm) -> LetterFile | None:
    """The upload the review carries, if any: one the reviewer may see, else a 404."""
    pk = whole_number(str(header["letter_file"].value() or "").strip())
    if pk is None:
        return None
    letter_file = get_object_or_404(LetterFile.objects.select_related("directive"), pk=pk)
    ensure(request.user, "letter_file.view", letter_file)
    return letter_file


@requires("directive.edit")
def import_letter(request):
    """Step 1: the letter, pasted or uploaded; read, it goes straight to the review."""
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal, letter_file = data["proposal"], None
        if "reading" in data:
            letter_file = letter_file_keep(
                name=data["file"].name,
                data=data["content"],
                reading=data["reading"],
                by=request.user,
            )
        header, sections = initial_of(proposal, data["letter"], letter_file)
        return _review(
            request,
            HeaderForm(initial=header),
            SectionFormSet(
                initial=sections, prefix="muc", form_kwargs={"issued_on": proposal.date}
            ),
            proposal.date,
            proposal.warnings,
            letter_file,
        )
    return render(request, "directives/directive_import.html", {"form": form})


@requires("directive.edit")
@require_POST
def import_save(request):
    """Step 2: the corrected reading saved as a draft directive."""
    header = HeaderForm(request.POST)
    letter_file = _carried(request, header)
    header_valid = header.is_valid()
    issued_on = header.cleaned_data.get("issued_on")  # the tasks' deadlines are read on it
    formset = SectionFormSet(request.POST, prefix="muc", form_kwargs={"issued_on": issued_on})
    if not (header_valid and formset.is_valid()):
        messages.error(request, _("Chưa lưu: xem các ô báo lỗi bên dưới."))
        return _review(request, header, formset, issued_on, letter_file=letter_file)
    try:
        directive = directive_from_forms(header, formset, letter_file)
    except ValidationError as refusal:
        for message in refusal_messages(refusal):
            header.add_error(None, message)
        messages.error(request, _("Chưa lưu: xem các thông báo bên dưới."))
        return _review(request, header, formset, issued_on, letter_file=letter_file)
    messages.success(
        request,
        _("Đã lưu %(directive)s (đang soạn). Kiểm tra các mục, nhiệm vụ rồi ban hành.")
        % {"directive": directive},
    )
    return redirect("directives:structure", pk=directive.pk)


@require_safe
@login_required
def letter_page(request, pk: int, number: int):
    """A page image of a letter read by OCR, shown beside its reading."""
    letter_file = get_object_or_404(LetterFile, pk=pk)
    ensure(request.user, "letter_file.pages", letter_file)
    if not 1 <= number <= len(letter_file.pages):
        raise Http404
    try:
        handle = letter_file.page(number)
    except (FileNotFoundError, ValueError) as error:  # the row outlived its stored copy
        raise Http404 from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_cache=True)
    return response


urlpatterns = [
    path("nhap/", import_letter, name="import"),
    path("nhap/luu/", import_save, name="import_save"),
    path("nhap/trang/<int:pk>/<int:number>/", letter_page, name="letter_page"),
]
