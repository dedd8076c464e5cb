"""The resources of /api/v1/: a router for the collections, and the figures beside them.
Every view goes through api.permissions.Rules, which asks units.permissions."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import SimpleRouter

from .views.directives import AssignmentViewSet, DirectiveViewSet, PeriodViewSet, UnitViewSet
from .views.exports import ExportViewSet
from .views.figures import FiguresViewSet
from .views.reorganisations import ReorganisationViewSet
from .views.reports import ReportViewSet


@csrf_exempt  # nothing to protect: it answers 404 whatever comes
def not_found(request, rest=""):
    """Under /api/v1/, a path no resource answers is a JSON 404 too, not the site's page."""
    return JsonResponse({"detail": _("Không có tài nguyên này.")}, status=404)


router = SimpleRouter()
router.register("directives", DirectiveViewSet, basename="directive")
router.register("units", UnitViewSet, basename="unit")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("periods", PeriodViewSet, basename="period")
router.register("reports", ReportViewSet, basename="report")
router.register("exports", ExportViewSet, basename="export")
router.register("reorganisations", ReorganisationViewSet, basename="reorganisation")

urlpatterns = [
    *router.urls,
    path(
        "directives/<int:pk>/figures/",
        FiguresViewSet.as_view({"get": "figures"}),
        name="directive-figures",
    ),
    path(
        "directives/<int:pk>/statistics/",
        FiguresViewSet.as_view({"get": "statistics"}),
        name="directive-statistics",
    ),
    path(
        "statistics/aggregate/",
        FiguresViewSet.as_view({"post": "aggregate"}),
        name="statistics-aggregate",
    ),
    re_path(r"^(?P<rest>[\s\S]*)$", not_found),
]
