"""Reading directives: the list, one directive laid out as the letter it is, and the file
it was read from."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_safe

from units.files import download
from units.permissions import ensure, requires, visible_directives

from ..models import Addressee, Assignment, Directive, LetterFile, Section, Task


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
        Directive.objects.select_related("issuer__parent", "letter_file").prefetch_related(
            Prefetch("sections", sections)
        ),
        pk=pk,
    )
    ensure(request.user, "directive.view", directive)
    return render(request, "directives/directive_detail.html", {"directive": directive})


@require_safe
@login_required
def letter_download(request, pk: int):
    """The file the directive was read from, as it was uploaded."""
    # By the directive's own id, which Django checks fits the database (a foreign key's
    # is not checked: a number past 64 bits was a 500 on SQLite).
    letters = LetterFile.objects.select_related("directive")
    letter_file = get_object_or_404(letters, directive__pk=pk)
    ensure(request.user, "letter_file.view", letter_file)
    return download(
        letter_file.file, filename=letter_file.name, content_type=letter_file.content_type
    )


urlpatterns = [
    path("", directive_list, name="list"),
    path("<int:pk>/", directive_detail, name="detail"),
    path("<int:pk>/van-ban-goc/tai-ve/", letter_download, name="letter_download"),
]
