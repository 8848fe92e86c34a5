"""URLs: grades (issue 12)."""

urlpatterns: list = []
