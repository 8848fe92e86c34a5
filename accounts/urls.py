from django.urls import path

from . import auth_views, views
from .policy import views as policy_views

tenant_urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    # issue 14 notifications: read one / all, open one, settings, the robot webhook
    path(
        "notifications/<int:pk>/read/",
        views.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path(
        "notifications/<int:pk>/open/",
        views.NotificationReadView.as_view(go=True),
        name="notification-open",
    ),
    path(
        "notifications/read-all/",
        views.NotificationReadView.as_view(),
        name="notifications-read-all",
    ),
    path(
        "notifications/preferences/",
        views.NotificationPreferenceView.as_view(),
        name="notification-preferences",
    ),
    path(
        "notifications/webhook/",
        views.WebhookView.as_view(),
        name="notification-webhook",
    ),
    path(
        "notifications/webhook/test/",
        views.WebhookTestView.as_view(),
        name="notification-webhook-test",
    ),
    path("jobs/", views.JobListView.as_view(), name="jobs"),
    path("policy/new/", policy_views.PolicyNewView.as_view(), name="policy-new"),
]

urlpatterns = [
    path("", views.ChooseTenantView.as_view(), name="choose-tenant"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", auth_views.LoginCodeView.as_view(), name="login-code"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/invite/<uidb64>/<token>/",
        auth_views.InvitationView.as_view(),
        name="invitation",
    ),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/two-factor/", auth_views.TwoFactorView.as_view(), name="two-factor"),
    path("accounts/api-token/", auth_views.ApiTokenView.as_view(), name="api-token"),
]
