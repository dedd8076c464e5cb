from .views import (
    comments,
    dashboard,
    evidence,
    exports,
    extensions,
    filing,
    notifications,
    review,
    spreadsheets,
)

app_name = "reports"
urlpatterns = [
    *filing.urlpatterns,
    *review.urlpatterns,
    *dashboard.urlpatterns,
    *evidence.urlpatterns,
    *comments.urlpatterns,
    *extensions.urlpatterns,
    *notifications.urlpatterns,
    *spreadsheets.urlpatterns,
    *exports.urlpatterns,
]
