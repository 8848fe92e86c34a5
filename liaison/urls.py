"""Root URLs: pages under /t/<slug>/, the API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path, register_converter

from accounts.urls import tenant_urlpatterns
from liaison.converters import YearConverter
from roster.selection_views import (  # issue 11 selection: the public application form
    PublicApplicationView,
    PublicNoticeView,
    PublicRosterChangesView,
)

# Registered before any app's URLs are imported: they use <year:year>.
register_converter(YearConverter, "year")

handler404 = "liaison.views.not_found"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("liaison.api.urls", "api"))),
    path("", include("accounts.urls")),
    path("platform/", include("platformadmin.urls")),  # issue 17 platform admin
    path("public/<slug:slug>/notices/", PublicNoticeView.as_view(), name="public-notices"),
    path(  # issue 11 selection
        "public/<slug:slug>/rounds/<int:round_id>/apply/",
        PublicApplicationView.as_view(),
        name="public-application-form",
    ),
    path(
        "public/<slug:slug>/notices/<int:notice_id>/object/",
        PublicNoticeView.as_view(),
        name="public-objection-form",
    ),
    path(
        "public/<slug:slug>/roster-changes/",
        PublicRosterChangesView.as_view(),
        name="public-roster-changes-page",
    ),
    path("t/<slug:tenant_slug>/", include(tenant_urlpatterns)),
    path("t/<slug:tenant_slug>/", include("roster.urls")),
    path("t/<slug:tenant_slug>/", include("ledgers.urls")),
    path("t/<slug:tenant_slug>/", include("scoring.urls")),
    path("t/<slug:tenant_slug>/", include("audit.urls")),  # issue 10 audit
    path("t/<slug:tenant_slug>/", include("assessment.urls_grades")),  # issue 12
    path("t/<slug:tenant_slug>/", include("assessment.urls_policy")),  # issue 11 designer
    path("t/<slug:tenant_slug>/", include("assessment.urls_ratings")),  # issue 12
    path("t/<slug:tenant_slug>/", include("duties.urls_records")),  # issue 13
    path("t/<slug:tenant_slug>/", include("assessment.urls_file")),  # issue 13 officer's file
    path("public/<slug:slug>/", include("assessment.urls_public")),  # issue 12 rating links
    path("t/<slug:tenant_slug>/", include("duties.urls_reports")),  # issue 13
    path("t/<slug:tenant_slug>/", include("network.urls")),  # issue 15 province network
    path("t/<slug:tenant_slug>/", include("matching.urls")),  # issue 15 matches pages
    path("t/<slug:tenant_slug>/", include("portability.urls")),  # issue 17 tenant export
]

# No /media/ route, not even under DEBUG: evidence and export files are
# served only by views that check the tenant and the caller
# (ledgers EvidenceDownloadView, scoring ExportDownloadView and the API).
