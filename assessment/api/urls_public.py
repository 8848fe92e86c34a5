"""URLs: public (issue 12)."""

urlpatterns: list = []
