"""API URLs of the duties (issue 13): agreements, plans and reports, service
days, trainings."""

from rest_framework.routers import SimpleRouter

from .views import AgreementViewSet, ReportViewSet, ServiceDayViewSet, TrainingViewSet

router = SimpleRouter()
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("reports", ReportViewSet, basename="report")
router.register("service-days", ServiceDayViewSet, basename="service-day")
router.register("trainings", TrainingViewSet, basename="training")

urlpatterns = router.urls
