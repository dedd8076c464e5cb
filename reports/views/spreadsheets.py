"""(helper-owned, being written)"""

urlpatterns = []
