from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.signin import passwords
from reports.filing.views.work import home

urlpatterns = [
    path("", home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    *passwords.urlpatterns,
    path("van-ban/", include("directives.urls")),
    path("api/", include("api.urls")),
    path("", include("reports.urls")),
    path("nhat-ky/", include("ops.urls")),
    path("quan-ly/", include("accounts.urls")),
    path("quan-tri/", admin.site.urls),
]

# A database that cannot be reached answers 503, not 500 (config/errors.py).
handler500 = "config.errors.server_error"
