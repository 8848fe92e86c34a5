"""API URLs: the annual assessment's grades (issue 12)."""

from django.urls import path

from .grades import AssessmentFinalizeView, AssessmentGradeView, AssessmentYearView

urlpatterns: list = [
    path("assessments/<year:year>/", AssessmentYearView.as_view(), name="assessment-year"),
    path(
        "assessments/<year:year>/officers/<int:officer_id>/",
        AssessmentGradeView.as_view(),
        name="assessment-grade",
    ),
    path(
        "assessments/<year:year>/finalize/",
        AssessmentFinalizeView.as_view(),
        name="assessment-finalize",
    ),
]
