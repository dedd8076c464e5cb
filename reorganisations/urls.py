from django.urls import path

from . import sheet_views, views

app_name = "reorganisations"

urlpatterns = [
    path("", views.act_list, name="acts"),
    path("moi/", views.act_new, name="act_new"),
    path("<int:act_id>/", views.act_detail, name="act"),
    path("<int:act_id>/hoan-tac/", views.act_undo, name="act_undo"),
    path("bang-don-vi/", sheet_views.unit_sheet_upload, name="unit_sheet"),
    path("bang-don-vi/tai-ve/", sheet_views.unit_sheet_download, name="unit_sheet_download"),
]
