"""URLs: the annual assessment's grades (issue 12)."""

from django.urls import path

from . import grade_views

urlpatterns: list = [
    path("assessment/", grade_views.AssessmentRedirectView.as_view(), name="assessment-current"),
    path(
        "assessment/<year:year>/", grade_views.AssessmentPageView.as_view(), name="assessment-page"
    ),
    path(
        "assessment/<year:year>/officers/<int:officer_id>/grade/",
        grade_views.GradeSetPageView.as_view(),
        name="assessment-page-grade",
    ),
    path(
        "assessment/<year:year>/finalize/",
        grade_views.AssessmentFinalizePageView.as_view(),
        name="assessment-page-finalize",
    ),
    path(
        "assessment/<year:year>/letters/<int:unit_id>/",
        grade_views.ResultsLetterView.as_view(),
        name="assessment-letter",
    ),
    path(
        "assessment/<year:year>/export/",
        grade_views.AssessmentExportView.as_view(),
        name="assessment-export",
    ),
]
