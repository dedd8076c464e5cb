"""(being written)"""

urlpatterns = []


def panel(request, report) -> dict:
    return {}
