"""The directive editor, for reviewers: the directive's facts and schedule, then its
structure (sections, the units each addresses, tasks in order, indicators) on one page,
publishing, and the history of changes made after publishing.

Plain POST-redirect-GET pages: every change goes through a function of services.py, which
records it and keeps a published directive's assignments in line.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from units.forms import add_validation_error
from units.permissions import requires

from .. import services
from ..forms import (
    AddresseeForm,
    DirectiveForm,
    IndicatorForm,
    PublishForm,
    SectionForm,
    TaskForm,
)
from ..models import Addressee, Directive, Indicator, Section, Task

HISTORY_LIMIT = 200
NOT_SAVED = gettext_lazy("Chưa lưu: xem các thông báo bên dưới.")


def _structure_url(directive_id: int, anchor: str = "") -> str:
    url = reverse("directives:structure", args=[directive_id])
    return f"{url}#{anchor}" if anchor else url


def _refusal(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# The directive's facts ---------------------------------------------------------------


def _directive_form_page(request, form, directive=None):
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.directive_save(directive=form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Đã lưu thông tin văn bản.")
                if directive
                else _("Đã tạo bản nháp văn bản. Thêm các mục, đơn vị được giao và nhiệm vụ."),
            )
            return redirect(_structure_url(saved.pk))
    if request.method == "POST":
        messages.error(request, NOT_SAVED)
    return render(request, "directives/directive_form.html", {"form": form, "directive": directive})


@requires("directive.edit")
def directive_create(request):
    return _directive_form_page(request, DirectiveForm(request.POST or None))


@requires("directive.edit")
def directive_edit(request, pk: int):
    directive = get_object_or_404(Directive, pk=pk)
    return _directive_form_page(
        request, DirectiveForm(request.POST or None, instance=directive), directive
    )


# The structure page ------------------------------------------------------------------


@requires("directive.edit")
def directive_structure(request, pk: int):
    """Sections in order, each with its addressees, tasks and indicators, and a small form
    to add to each; publishing; the history. A fixed number of queries however long."""
    directive = get_object_or_404(Directive.objects.select_related("issuer"), pk=pk)
    sections = list(
        directive.sections.order_by("order", "pk").prefetch_related(
            Prefetch(
                "addressees",
                Addressee.objects.select_related("unit", "group").order_by("role", "pk"),
            ),
            Prefetch(
                "tasks",
                Task.objects.order_by("order", "pk").prefetch_related(
                    Prefetch("indicators", Indicator.objects.order_by("order", "pk"))
                ),
            ),
        )
    )
    choices = AddresseeForm.shared_choices()
    for section in sections:
        section.addressee_form = AddresseeForm(choices=choices, auto_id=f"s{section.pk}_%s")
        section.task_form = TaskForm(auto_id=f"s{section.pk}_%s")
        for task in section.tasks.all():
            task.indicator_form = IndicatorForm(auto_id=f"t{task.pk}_%s")
    return render(
        request,
        "directives/structure.html",
        {
            "directive": directive,
            "sections": sections,
            "section_form": SectionForm(initial={"number": str(len(sections) + 1)}),
            "problems": [] if directive.is_published else services.directive_problems(directive),
            "publish_form": PublishForm(initial=PublishForm.initial_for(directive)),
            "changes": directive.changes.select_related("by")[:HISTORY_LIMIT],
        },
    )


@requires("directive.edit")
@require_POST
def directive_publish(request, pk: int):
    directive = get_object_or_404(Directive, pk=pk)
    if directive.is_published:
        messages.info(request, _("Văn bản này đã được ban hành."))
        return redirect(_structure_url(directive.pk))
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chưa ban hành được văn bản:"))
        _refusal(request, ValidationError(form.errors))
        return redirect(_structure_url(directive.pk) + "#ban-hanh")
    try:
        services.directive_publish(
            directive=directive,
            by=request.user,
            reporting_starts_on=form.cleaned_data["reporting_starts_on"],
        )
    except ValidationError as error:
        messages.error(request, _("Chưa ban hành được văn bản:"))
        _refusal(request, error)
    else:
        messages.success(
            request, _("Đã ban hành văn bản: các đơn vị đã được giao nhiệm vụ và kỳ báo cáo.")
        )
    return redirect(_structure_url(directive.pk))


# Sections, addressees, tasks, indicators: one small form page each ------------------


def _form_page(request, *, form, directive, title, save, done, anchor=""):
    """Show `form`; on a valid POST call `save(instance)` (a service), then back to the
    structure page. A refusal re-renders the form with what the user typed."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.save(commit=False))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect(_structure_url(directive.pk, anchor or _anchor(saved)))
    if request.method == "POST":
        messages.error(request, NOT_SAVED)
    return render(
        request,
        "directives/editor_form.html",
        {"form": form, "directive": directive, "title": title},
    )


def _anchor(obj) -> str:
    if isinstance(obj, Section):
        return f"muc-{obj.pk}"
    if isinstance(obj, Task):
        return f"nhiem-vu-{obj.pk}"
    if isinstance(obj, Indicator):
        return f"nhiem-vu-{obj.task_id}"
    return f"muc-{obj.section_id}"


def _section(section_id: int) -> Section:
    return get_object_or_404(Section.objects.select_related("directive"), pk=section_id)


def _task(task_id: int) -> Task:
    return get_object_or_404(Task.objects.select_related("section__directive"), pk=task_id)


def _indicator(indicator_id: int) -> Indicator:
    return get_object_or_404(
        Indicator.objects.select_related("task__section__directive"), pk=indicator_id
    )


@requires("directive.edit")
def section_add(request, pk: int):
    directive = get_object_or_404(Directive, pk=pk)
    form = SectionForm(
        request.POST or None,
        instance=Section(directive=directive),
        initial={"number": str(directive.sections.count() + 1)},
    )
    return _form_page(
        request,
        form=form,
        directive=directive,
        title=_("Thêm mục"),
        save=lambda section: services.section_save(section=section, by=request.user),
        done=_("Đã thêm mục."),
    )


@requires("directive.edit")
def section_edit(request, section_id: int):
    section = _section(section_id)
    return _form_page(
        request,
        form=SectionForm(request.POST or None, instance=section),
        directive=section.directive,
        title=_("Sửa mục %(number)s") % {"number": section.number},
        save=lambda section: services.section_save(section=section, by=request.user),
        done=_("Đã lưu mục."),
    )


@requires("directive.edit")
@require_POST
def section_delete(request, section_id: int):
    section = _section(section_id)
    try:
        services.section_delete(section=section, by=request.user)
    except ValidationError as error:
        _refusal(request, error)
        return redirect(_structure_url(section.directive_id, f"muc-{section.pk}"))
    messages.success(request, _("Đã xóa mục %(number)s.") % {"number": section.number})
    return redirect(_structure_url(section.directive_id))


@requires("directive.edit")
def addressee_add(request, section_id: int):
    section = _section(section_id)
    return _form_page(
        request,
        form=AddresseeForm(request.POST or None, instance=Addressee(section=section)),
        directive=section.directive,
        title=_("Giao mục %(number)s cho đơn vị") % {"number": section.number},
        save=lambda addressee: services.addressee_add(addressee=addressee, by=request.user),
        done=_("Đã giao mục %(number)s cho đơn vị.") % {"number": section.number},
    )


@requires("directive.edit")
@require_POST
def addressee_delete(request, addressee_id: int):
    addressee = get_object_or_404(
        Addressee.objects.select_related("section__directive", "unit", "group"),
        pk=addressee_id,
    )
    services.addressee_remove(addressee=addressee, by=request.user)
    messages.success(
        request, _("Đã bỏ đơn vị khỏi mục %(number)s.") % {"number": addressee.section.number}
    )
    return redirect(_structure_url(addressee.section.directive_id, f"muc-{addressee.section_id}"))


@requires("directive.edit")
def task_add(request, section_id: int):
    section = _section(section_id)
    return _form_page(
        request,
        form=TaskForm(request.POST or None, instance=Task(section=section)),
        directive=section.directive,
        title=_("Thêm nhiệm vụ vào mục %(number)s") % {"number": section.number},
        save=lambda task: services.task_save(task=task, by=request.user),
        done=_("Đã thêm nhiệm vụ."),
    )


@requires("directive.edit")
def task_edit(request, task_id: int):
    task = _task(task_id)
    return _form_page(
        request,
        form=TaskForm(request.POST or None, instance=task),
        directive=task.section.directive,
        title=_("Sửa nhiệm vụ %(code)s") % {"code": task.code},
        save=lambda task: services.task_save(task=task, by=request.user),
        done=_("Đã lưu nhiệm vụ %(code)s.") % {"code": task.code},
    )


@requires("directive.edit")
@require_POST
def task_move(request, task_id: int):
    task = _task(task_id)
    services.task_move(task=task, up=request.POST.get("huong") != "xuong", by=request.user)
    return redirect(_structure_url(task.section.directive_id, f"nhiem-vu-{task.pk}"))


@requires("directive.edit")
@require_POST
def task_delete(request, task_id: int):
    task = _task(task_id)
    code = task.code
    try:
        services.task_delete(task=task, by=request.user)
    except ValidationError as error:
        _refusal(request, error)
        return redirect(_structure_url(task.section.directive_id, f"nhiem-vu-{task_id}"))
    messages.success(request, _("Đã xóa nhiệm vụ %(code)s.") % {"code": code})
    return redirect(_structure_url(task.section.directive_id, f"muc-{task.section_id}"))


@requires("directive.edit")
def indicator_add(request, task_id: int):
    task = _task(task_id)
    return _form_page(
        request,
        form=IndicatorForm(request.POST or None, instance=Indicator(task=task)),
        directive=task.section.directive,
        title=_("Thêm chỉ tiêu cho nhiệm vụ %(code)s") % {"code": task.code},
        save=lambda indicator: services.indicator_save(indicator=indicator, by=request.user),
        done=_("Đã thêm chỉ tiêu."),
    )


@requires("directive.edit")
def indicator_edit(request, indicator_id: int):
    indicator = _indicator(indicator_id)
    return _form_page(
        request,
        form=IndicatorForm(request.POST or None, instance=indicator),
        directive=indicator.task.section.directive,
        title=_("Sửa chỉ tiêu của nhiệm vụ %(code)s") % {"code": indicator.task.code},
        save=lambda indicator: services.indicator_save(indicator=indicator, by=request.user),
        done=_("Đã lưu chỉ tiêu."),
    )


@requires("directive.edit")
@require_POST
def indicator_delete(request, indicator_id: int):
    indicator = _indicator(indicator_id)
    try:
        services.indicator_delete(indicator=indicator, by=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Đã xóa chỉ tiêu “%(name)s”.") % {"name": indicator.name})
    return redirect(
        _structure_url(indicator.task.section.directive_id, f"nhiem-vu-{indicator.task_id}")
    )


urlpatterns = [
    path("moi/", directive_create, name="create"),
    path("<int:pk>/sua/", directive_edit, name="edit"),
    path("<int:pk>/cau-truc/", directive_structure, name="structure"),
    path("<int:pk>/ban-hanh/", directive_publish, name="publish"),
    path("<int:pk>/muc/them/", section_add, name="section_add"),
    path("muc/<int:section_id>/sua/", section_edit, name="section_edit"),
    path("muc/<int:section_id>/xoa/", section_delete, name="section_delete"),
    path("muc/<int:section_id>/don-vi/them/", addressee_add, name="addressee_add"),
    path("don-vi-duoc-giao/<int:addressee_id>/xoa/", addressee_delete, name="addressee_delete"),
    path("muc/<int:section_id>/nhiem-vu/them/", task_add, name="task_add"),
    path("nhiem-vu/<int:task_id>/sua/", task_edit, name="task_edit"),
    path("nhiem-vu/<int:task_id>/di-chuyen/", task_move, name="task_move"),
    path("nhiem-vu/<int:task_id>/xoa/", task_delete, name="task_delete"),
    path("nhiem-vu/<int:task_id>/chi-tieu/them/", indicator_add, name="indicator_add"),
    path("chi-tieu/<int:indicator_id>/sua/", indicator_edit, name="indicator_edit"),
    path("chi-tieu/<int:indicator_id>/xoa/", indicator_delete, name="indicator_delete"),
]
