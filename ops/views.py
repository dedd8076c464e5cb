"""The audit log page (nhật ký hệ thống), for reviewers."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Value
from django.db.models.functions import Concat
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.models import Directive
from units.models import Unit
from units.permissions import requires

from .audit import ACTIONS
from .models import AuditEvent

PAGE = 50
DAY = ["%d/%m/%Y"]


class AuditFilterForm(forms.Form):
    directive = forms.TypedChoiceField(label=_("Văn bản"), coerce=int, required=False)
    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int, required=False)
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    actor = forms.TypedChoiceField(label=_("Người thực hiện"), coerce=int, required=False)
    since = forms.DateField(
        label=_("Từ ngày"), input_formats=DAY, required=False, help_text=_("dd/mm/yyyy")
    )
    until = forms.DateField(
        label=_("Đến ngày"), input_formats=DAY, required=False, help_text=_("dd/mm/yyyy")
    )

    def __init__(self, data, *, directives, units, actors):
        super().__init__(data)
        anything = [("", _("Tất cả"))]
        self.fields["directive"].choices = anything + list(directives.items())
        self.fields["unit"].choices = anything + list(units.items())
        self.fields["action"].choices = anything + list(ACTIONS.items())
        self.fields["actor"].choices = anything + list(actors.items())

    def filter(self, events):
        if not self.is_valid():
            return events.none()
        given = self.cleaned_data
        for field, lookup in (
            ("directive", "directive_id"),
            ("unit", "unit_id"),
            ("action", "action"),
            ("actor", "actor_id"),
        ):
            if given[field] not in (None, ""):
                events = events.filter(**{lookup: given[field]})
        # Days are Vietnam days: from its first moment to the next day's first moment.
        if given["since"]:
            events = events.filter(at__gte=_start_of(given["since"]))
        if given["until"]:
            events = events.filter(at__lt=_start_of(given["until"] + datetime.timedelta(days=1)))
        return events


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@requires("audit.view")
def audit_log(request):
    """Newest first, 50 a page; summaries name who, what, which task, unit and period."""
    directives = dict(
        Directive.objects.order_by("-issued_on", "number").values_list("pk", "number")
    )
    units = dict(Unit.objects.order_by("name").values_list("pk", "name"))
    actors = {pk: full_name.strip() or username for pk, username, full_name in _users_with_names()}
    form = AuditFilterForm(request.GET or None, directives=directives, units=units, actors=actors)
    events = AuditEvent.objects.select_related("actor")
    if request.GET:
        events = form.filter(events)
    page = Paginator(events, PAGE).get_page(request.GET.get("trang"))
    for event in page:
        event.unit_name = units.get(event.unit_id, "")
        event.directive_number = directives.get(event.directive_id, "")
        event.action_label = ACTIONS.get(event.action, event.action)
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "ops/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _users_with_names():
    """Everyone who can act, by name: the log's actor filter."""
    return (
        get_user_model()
        .objects.annotate(full=Concat("first_name", Value(" "), "last_name"))
        .order_by("username")
        .values_list("pk", "username", "full")
    )
