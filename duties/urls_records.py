"""URLs: the duties' record pages (issue 13): agreements, service days,
trainings and meetings."""

from django.urls import path

from . import record_views as v

urlpatterns = [
    path("agreements/", v.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/new/", v.AgreementCreateView.as_view(), name="agreement-create"),
    path("agreements/<int:pk>/file/", v.AgreementFileView.as_view(), name="agreement-file"),
    path("agreements/<int:pk>/renew/", v.AgreementRenewView.as_view(), name="agreement-renew"),
    path(
        "agreements/<int:pk>/download/",
        v.AgreementDownloadView.as_view(),
        name="agreement-download",
    ),
    path("service-days/", v.ServiceDayListView.as_view(), name="service-day-list"),
    path("trainings/", v.TrainingListView.as_view(), name="training-list"),
    path("trainings/new/", v.TrainingCreateView.as_view(), name="training-create"),
    path("trainings/<int:pk>/", v.TrainingDetailView.as_view(), name="training-detail"),
    path(
        "trainings/<int:pk>/attendance/",
        v.TrainingAttendanceView.as_view(),
        name="training-attendance",
    ),
    path("trainings/<int:pk>/signin/", v.TrainingSigninView.as_view(), name="training-signin"),
]
