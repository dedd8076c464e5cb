"""The accounts app's pages under the one "accounts" namespace: administration (quản lý)."""

from .administration import views as administration

app_name = "accounts"
urlpatterns = administration.urlpatterns
