from django.urls import path, re_path

from . import import_views, officer_views, views
from . import selection_views as sel

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("policy/", views.PolicyView.as_view(), name="policy"),
    path("districts/", views.DistrictListView.as_view(), name="district-list"),
    path("districts/new/", views.DistrictCreateView.as_view(), name="district-create"),
    path("districts/<int:pk>/edit/", views.DistrictUpdateView.as_view(), name="district-update"),
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/new/", views.UnitCreateView.as_view(), name="unit-create"),
    path("units/<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit-update"),
    path("members/", views.MemberListView.as_view(), name="member-list"),
    path("members/new/", views.MemberCreateView.as_view(), name="member-create"),
    path("officers/", views.OfficerListView.as_view(), name="officer-list"),
    path("officers/new/", views.OfficerCreateView.as_view(), name="officer-create"),
    # issue 11 roster: the officer page, its actions, change requests
    path("officers/<int:pk>/", officer_views.OfficerDetailView.as_view(), name="officer-detail"),
    re_path(
        r"^officers/(?P<pk>\d+)/(?P<action>disqualify|suspend|resume|host|replace|request)/$",
        officer_views.OfficerActionView.as_view(),
        name="officer-action",
    ),
    path(
        "change-requests/",
        officer_views.ChangeRequestListView.as_view(),
        name="change-request-list",
    ),
    re_path(
        r"^change-requests/(?P<pk>\d+)/(?P<decision>approve|reject)/$",
        officer_views.ChangeRequestActionView.as_view(),
        name="change-request-action",
    ),
    path("selection/", sel.RoundListView.as_view(), name="round-list"),
    path("selection/new/", sel.RoundCreateView.as_view(), name="round-create"),
    path("selection/<int:pk>/", sel.RoundDetailView.as_view(), name="round-detail"),
    re_path(
        r"^selection/(?P<pk>\d+)/(?P<action>publish-notice|appoint)/$",
        sel.RoundActionView.as_view(),
        name="round-action",
    ),
    path("nominations/", sel.NominationListView.as_view(), name="nomination-list"),
    path("nominations/new/", sel.NominationCreateView.as_view(), name="nomination-create"),
    path("nominations/<int:pk>/", sel.NominationDetailView.as_view(), name="nomination-detail"),
    path(  # issue 11 selection: the printable 推荐表
        "nominations/<int:pk>/form/", sel.NominationPrintView.as_view(), name="nomination-print"
    ),
    re_path(
        r"^nominations/(?P<pk>\d+)/(?P<action>advance|reject|withdraw)/$",
        sel.NominationActionView.as_view(),
        name="nomination-action",
    ),
    path("objections/", sel.ObjectionListView.as_view(), name="objection-list"),
    path(
        "selection/<int:pk>/appointment-notice/",
        sel.AppointmentNoticeView.as_view(),
        name="appointment-notice",
    ),
    path("groups/", sel.GroupListView.as_view(), name="group-list"),
    path("officers/export/", views.OfficerExportView.as_view(), name="officer-export"),
    path("officers/import/", import_views.RosterImportView.as_view(), name="officer-import"),
    path(
        "selection/<int:pk>/nominations/import/",
        import_views.NominationImportView.as_view(),
        name="nomination-import",
    ),
]
