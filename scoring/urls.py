from django.urls import path

from . import views

urlpatterns = [
    path("rankings/", views.RankingRedirectView.as_view(), name="ranking-current"),
    path("rankings/<int:year>/", views.RankingPageView.as_view(), name="ranking-page"),
    path(
        "rankings/<int:year>/finalize/",
        views.RankingFinalizePageView.as_view(),
        name="ranking-page-finalize",
    ),
    path(
        "officers/<int:pk>/statement/<int:year>/",
        views.StatementPageView.as_view(),
        name="statement-page",
    ),
    path(
        "officers/<int:pk>/statement/<int:year>/export/",
        views.StatementExportView.as_view(),
        name="statement-export",
    ),
]
