from django.urls import path

from . import views

app_name = "reorganisations"

urlpatterns = [
    path("", views.act_list, name="acts"),
    path("moi/", views.act_new, name="act_new"),
    path("<int:act_id>/", views.act_detail, name="act"),
    path("<int:act_id>/hoan-tac/", views.act_undo, name="act_undo"),
]
