"""API URLs: rating requests (issue 12)."""

from rest_framework.routers import SimpleRouter

from .ratings import RatingRequestViewSet

router = SimpleRouter()
router.register("rating-requests", RatingRequestViewSet, basename="rating-request")

urlpatterns = router.urls
