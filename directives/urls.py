from .views import editor, importing, reading

app_name = "directives"
urlpatterns = [
    *reading.urlpatterns,
    *editor.urlpatterns,
    *importing.urlpatterns,
]
