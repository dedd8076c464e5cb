from django.contrib import admin
from django.urls import include, path

from accounts.second_factor import views as second_factor
from accounts.signin import passwords
from accounts.signin import views as signin
from config import pwa
from reports.filing.views.work import home

urlpatterns = [
    path("", home, name="home"),
    # The web app manifest and the service worker, at the root the worker's scope needs.
    *pwa.urlpatterns,
    *signin.urlpatterns,
    *passwords.urlpatterns,
    *second_factor.urlpatterns,
    path("van-ban/", include("directives.urls")),
    path("api/", include("api.urls")),
    path("", include("reports.urls")),
    path("nhat-ky/", include("ops.urls")),
    path("quan-ly/sap-xep/", include("reorganisations.urls")),
    path("quan-ly/", include("accounts.urls")),
    path("quan-tri/", admin.site.urls),
]

# A database that cannot be reached answers 503, not 500 (config/errors.py).
handler500 = "config.errors.server_error"
