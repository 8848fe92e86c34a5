"""URLs: ratings (issue 12)."""

urlpatterns: list = []
