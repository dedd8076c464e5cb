"""Every room's pages, under the one "reports" namespace (the URLs users know)."""

from reports.figures import portfolio_views
from reports.figures import views as figures
from reports.filing.views import (
    comments,
    completion,
    evidence,
    extensions,
    handing_down,
    review,
    work,
)
from reports.notifications import views as notifications
from reports.spreadsheets import views as spreadsheets
from reports.summaries import views as summaries

app_name = "reports"
urlpatterns = [
    *work.urlpatterns,
    *review.urlpatterns,
    *portfolio_views.urlpatterns,
    *figures.urlpatterns,
    *evidence.urlpatterns,
    *comments.urlpatterns,
    *extensions.urlpatterns,
    *completion.urlpatterns,
    *handing_down.urlpatterns,
    *notifications.urlpatterns,
    *spreadsheets.urlpatterns,
    *summaries.urlpatterns,
]
