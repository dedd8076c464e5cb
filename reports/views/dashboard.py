"""The leadership dashboard."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from directives.models import Directive
from units.permissions import requires

from .. import dashboards, selectors


@requires("dashboard.view")
def dashboard_index(request):
    """The dashboard of the directive in force issued last, or the list to choose from."""
    directive = Directive.objects.in_force().first()
    if directive:
        return redirect("reports:dashboard", directive_id=directive.pk)
    return redirect("directives:list")


@requires("dashboard.view")
def dashboard(request, directive_id: int):
    directive = get_object_or_404(Directive, pk=directive_id)
    periods = list(directive.periods.all())
    chosen = request.GET.get("ky", "")
    period = next((p for p in periods if str(p.pk) == chosen), None)
    period = period or selectors.current_period(periods)
    matrix = dashboards.period_matrix(directive=directive, period=period) if period else None
    return render(
        request,
        "reports/dashboard.html",
        {"directive": directive, "periods": periods, "period": period, "matrix": matrix},
    )


urlpatterns = [
    path("tong-hop/", dashboard_index, name="dashboard_index"),
    path("tong-hop/<int:directive_id>/", dashboard, name="dashboard"),
]
