"""URLs of API v1."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from accounts.api.notifications import NotificationViewSet  # issue 14
from accounts.api.views import (
    MemberViewSet,
    MfaConfirmView,
    MfaDisableView,
    MfaSetupView,
    MfaStatusView,
    PolicySchemaView,
    PolicyVersionsView,
    PolicyView,
    TenantListView,
    TokenView,
)
from audit.api.views import AuditEventViewSet
from ledgers.api.views import ENTRY_VIEWSETS, ReferenceViewSet
from roster.api.hosts import ChangeRequestViewSet
from roster.api.selection import (
    NominationViewSet,
    ObjectionViewSet,
    PublicApplicationView,
    PublicNoticeListView,
    PublicObjectionView,
    PublicRosterChangesView,
    SelectionRoundViewSet,
)
from roster.api.views import DistrictViewSet, OfficerGroupViewSet, OfficerViewSet, UnitViewSet
from scoring.api.views import (
    ExportJobViewSet,
    QuotaReportViewSet,
    RankingExportView,
    RankingFinalizeView,
    RankingView,
)

router = SimpleRouter()
router.register("districts", DistrictViewSet, basename="district")
router.register("units", UnitViewSet, basename="unit")
router.register("members", MemberViewSet, basename="member")
router.register("officers", OfficerViewSet, basename="officer")
for prefix, viewset in ENTRY_VIEWSETS.items():
    router.register(prefix, viewset, basename=viewset.kind)
router.register("references", ReferenceViewSet, basename="reference")
router.register("exports", ExportJobViewSet, basename="export")
router.register("selection-rounds", SelectionRoundViewSet, basename="selection-round")
router.register("nominations", NominationViewSet, basename="nomination")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("groups", OfficerGroupViewSet, basename="group")
router.register("quota-reports", QuotaReportViewSet, basename="quota-report")
router.register("audit", AuditEventViewSet, basename="audit")  # issue 10 audit
router.register("change-requests", ChangeRequestViewSet, basename="change-request")  # issue 11
router.register("notifications", NotificationViewSet, basename="notification")  # issue 14

tenant_urls = [
    path("policy/", PolicyView.as_view(), name="policy"),
    path("policy/schema/", PolicySchemaView.as_view(), name="policy-schema"),  # issue 11 policy
    path(
        "policy/versions/", PolicyVersionsView.as_view(), name="policy-versions"
    ),  # issue 11 policy
    path("", include("assessment.api.urls_policy")),  # issue 11 policy: the what-if preview
    path("rankings/<year:year>/", RankingView.as_view(), name="ranking"),
    path("rankings/<year:year>/finalize/", RankingFinalizeView.as_view(), name="ranking-finalize"),
    path("rankings/<year:year>/export/", RankingExportView.as_view(), name="ranking-export"),
    path("", include("assessment.api.urls_grades")),  # issue 12
    path("", include("assessment.api.urls_ratings")),  # issue 12
    path("", include("duties.api.urls")),  # issue 13
    path("", include("assessment.api.urls_file")),  # issue 13 the officer's file
    path("", include("network.api.urls")),  # issue 15 province network
    path("", include("matching.api.urls")),  # issue 15 matching
    path("", include("portability.api_urls")),  # issue 17 tenant export
    path("", include("audit.api.urls_exports")),  # issue 14 exports (before the router's exports/)
    *router.urls,
]

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/mfa/", MfaStatusView.as_view(), name="mfa-status"),
    path("auth/mfa/setup/", MfaSetupView.as_view(), name="mfa-setup"),
    path("auth/mfa/confirm/", MfaConfirmView.as_view(), name="mfa-confirm"),
    path("auth/mfa/disable/", MfaDisableView.as_view(), name="mfa-disable"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("tenants/", TenantListView.as_view(), name="tenants"),
    path("tenants/<slug:tenant_slug>/", include(tenant_urls)),
    path("public/<slug:slug>/", include("assessment.api.urls_public")),  # issue 12
    path("public/<slug:slug>/notices/", PublicNoticeListView.as_view(), name="public-notices"),
    path(
        "public/<slug:slug>/roster-changes/",
        PublicRosterChangesView.as_view(),
        name="public-roster-changes",
    ),
    path(
        "public/<slug:slug>/notices/<int:notice_id>/objections/",
        PublicObjectionView.as_view(),
        name="public-objection",
    ),
    path(
        "public/<slug:slug>/rounds/<int:round_id>/applications/",
        PublicApplicationView.as_view(),
        name="public-application",
    ),
]
