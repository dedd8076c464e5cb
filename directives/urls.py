from .views import editor, letter_review, reading

app_name = "directives"
urlpatterns = [
    *reading.urlpatterns,
    *editor.urlpatterns,
    *letter_review.urlpatterns,
]
