"""Reading directives: the list and one directive laid out as the letter it is."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import path

from units.permissions import ensure, requires, visible_directives

from ..models import Addressee, Assignment, Directive, Section, Task


@requires("directive.view")
def directive_list(request):
    directives = visible_directives(request.user, Directive.objects.select_related("issuer"))
    return render(request, "directives/directive_list.html", {"directives": directives})


@requires("directive.view")
def directive_detail(request, pk: int):
    sections = Section.objects.prefetch_related(
        Prefetch("addressees", Addressee.objects.select_related("unit", "group")),
        Prefetch(
            "tasks",
            Task.objects.prefetch_related(
                Prefetch(
                    "assignments",
                    Assignment.objects.select_related("unit").order_by("role", "unit__name"),
                )
            ),
        ),
    )
    directive = get_object_or_404(
        Directive.objects.select_related("issuer__parent").prefetch_related(
            Prefetch("sections", sections)
        ),
        pk=pk,
    )
    ensure(request.user, "directive.view", directive)
    return render(request, "directives/directive_detail.html", {"directive": directive})


urlpatterns = [
    path("", directive_list, name="list"),
    path("<int:pk>/", directive_detail, name="detail"),
]
