from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("viec-cua-don-vi/", views.unit_work, name="unit_work"),
    path(
        "bao-cao/nhiem-vu/<int:assignment_id>/ky/<int:period_id>/",
        views.report_file,
        name="file",
    ),
    path("bao-cao/<int:pk>/", views.report_detail, name="detail"),
    path("bao-cao/<int:pk>/tiep-nhan/", views.report_accept, name="accept"),
    path("bao-cao/<int:pk>/tra-lai/", views.report_return, name="return"),
    path("tong-hop/", views.dashboard_index, name="dashboard_index"),
    path("tong-hop/<int:directive_id>/", views.dashboard, name="dashboard"),
]
