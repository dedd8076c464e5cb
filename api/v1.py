"""The resources of /api/v1/ (filled in by the API's resource modules)."""

urlpatterns: list = []
