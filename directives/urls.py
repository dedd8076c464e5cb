from .views import editor, reading

app_name = "directives"
urlpatterns = [
    *reading.urlpatterns,
    *editor.urlpatterns,
]
