from rest_framework.routers import SimpleRouter

from .api import TenantExportViewSet

router = SimpleRouter()
router.register("tenant-exports", TenantExportViewSet, basename="tenant-export")
urlpatterns = router.urls
