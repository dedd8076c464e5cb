"""/api/: the OpenAPI schema, its Swagger UI (served by the app, no CDN), version 1 of
the resources, and the pages where each user makes and revokes their own tokens."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import tokens, v1

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path(
        "tai-lieu/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", http_method_names=["get", "head"]
        ),
        name="docs",
    ),
    path("v1/", include(v1.urlpatterns)),
    *tokens.urlpatterns,
]
