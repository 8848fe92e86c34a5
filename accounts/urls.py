from django.urls import path

from . import views

tenant_urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("jobs/", views.JobListView.as_view(), name="jobs"),
    path("policy/new/", views.PolicyVersionCreateView.as_view(), name="policy-new"),
]

urlpatterns = [
    path("", views.ChooseTenantView.as_view(), name="choose-tenant"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/invite/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
]
