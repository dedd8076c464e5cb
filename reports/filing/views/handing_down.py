"""Handing a task down (giao việc tiếp): the page that gives a task to units below, and
the panel beside the unit's own report that shows how they are doing, with their texts
to draw on."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directives.handing_down import assignment_hand_down, assignment_take_back, units_below
from directives.models import Assignment
from units.permissions import can, ensure

from ..forms import DateInput
from ..notices import handed_down_notify
from ..slots import deadline_states, slot_states
from .evidence import on_form_page


class HandDownForm(forms.Form):
    """A tick and a deadline for each unit below that does not have the task yet."""

    def __init__(self, *args, units, deadline_needed: bool, due, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        for unit in units:
            self.fields[f"unit_{unit.pk}"] = forms.BooleanField(label=unit.name, required=False)
            self.fields[f"deadline_{unit.pk}"] = forms.DateField(
                label=_("Hạn hoàn thành"),
                required=False,
                widget=DateInput,
                initial=due if deadline_needed else None,
                error_messages={"invalid": _("Nhập ngày dạng dd/mm/yyyy.")},
            )

    def rows(self):
        return [(u, self[f"unit_{u.pk}"], self[f"deadline_{u.pk}"]) for u in self.units]

    def chosen(self) -> dict:
        return {
            u: self.cleaned_data[f"deadline_{u.pk}"]
            for u in self.units
            if self.cleaned_data[f"unit_{u.pk}"]
        }


def _assignment_or_404(assignment_id: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("unit", "task__section__directive", "parent__unit"),
        pk=assignment_id,
    )


def _back(assignment: Assignment):
    if assignment.task.has_deadline:
        return redirect("reports:completion", assignment_id=assignment.pk)
    return redirect("reports:unit_work")


@login_required
def hand_down(request, assignment_id: int):
    """Give the task to units below, each with its own deadline."""
    assignment = _assignment_or_404(assignment_id)
    ensure(request.user, "assignment.hand_down", assignment)
    given = list(assignment.handed_down.select_related("unit").order_by("unit__name"))
    taken = {a.unit_id for a in given}
    candidates = [u for u in units_below(assignment.unit) if u.pk not in taken]
    form = HandDownForm(
        request.POST or None,
        units=candidates,
        deadline_needed=assignment.task.has_deadline,
        due=assignment.due,
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = assignment_hand_down(assignment=assignment, units=form.chosen(), by=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            handed_down_notify(assignments=made)
            names = ", ".join(a.unit.name for a in made)
            messages.success(request, _("Đã giao nhiệm vụ cho %(units)s.") % {"units": names})
            return _back(assignment)
    context = {"assignment": assignment, "form": form, "given": given}
    return render(request, "reports/hand_down.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def take_back(request, pk: int):
    sub = get_object_or_404(
        Assignment.objects.select_related("unit", "task__section__directive", "parent"), pk=pk
    )
    if sub.parent is None:
        return redirect("reports:unit_work")
    ensure(request.user, "assignment.hand_down", sub.parent)
    try:
        assignment_take_back(assignment=sub, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi nhiệm vụ giao %(unit)s.") % {"unit": sub.unit.name})
    return redirect("reports:hand_down", assignment_id=sub.parent_id)


def panel(request, assignment, state, forms=None) -> dict:
    """The units this task was handed down to, each in the same slot (the same period,
    or its own deadline): status, and the text it sent, to draw on in the unit's report."""
    subs = list(assignment.handed_down.select_related("unit", "task").order_by("unit__name"))
    can_hand_down = can(request.user, "assignment.hand_down", assignment)
    if not subs and not can_hand_down:
        return {}
    if state.period is None:
        states = deadline_states(subs, today=state.today)
    else:
        states = slot_states([(a.pk, a.unit_id, state.period) for a in subs], today=state.today)
        states = {a.pk: states[a.pk, state.period.pk] for a in subs}
    return {
        "handed_down_panel": {
            "rows": [(a, states[a.pk]) for a in subs],
            "can_hand_down": can_hand_down,
            "assignment": assignment,
            # Drawn on in the unit's own report, on its form.
            "insert": on_form_page(request) and can(request.user, "assignment.file", assignment),
        }
    }


urlpatterns = [
    path("bao-cao/nhiem-vu/<int:assignment_id>/giao-tiep/", hand_down, name="hand_down"),
    path("giao-tiep/<int:pk>/thu-hoi/", take_back, name="take_back"),
]
