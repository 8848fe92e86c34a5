"""The project's URLs plus the floors, under ``/bench-floor/<slug>/``. Only
the benchmark's settings (``bench.httpbench.settings``) mount this URLconf."""

from django.urls import path

from liaison.urls import urlpatterns as project_urlpatterns

from .floors import FloorEntryList, FloorOfficerList, FloorReviewList

urlpatterns = [
    path("bench-floor/<slug:slug>/officers/", FloorOfficerList.as_view()),
    path("bench-floor/<slug:slug>/review/", FloorReviewList.as_view()),
    path("bench-floor/<slug:slug>/<str:kind>/", FloorEntryList.as_view()),
    *project_urlpatterns,
]
