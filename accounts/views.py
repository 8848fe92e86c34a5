"""The tenant chooser and the root redirect, notifications, jobs. The policy
designer: :mod:`accounts.policy.views`. Sign-in and the user's security
pages: :mod:`accounts.auth_views`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from liaison.api.permissions import ADMIN, ALL_ROLES
from liaison.views import TenantPageMixin

from .choices import JOB_LABELS
from .models import JobRun
from .notifications import mark_read, notification_list
from .selectors import membership_list, tenant_list


class ChooseTenantView(LoginRequiredMixin, TemplateView):
    """Root of the portal: straight to the tenant when the user has one,
    else a list of their tenants to choose from."""

    template_name = "accounts/choose_tenant.html"

    def get(self, request, *args, **kwargs):
        tenants = list(tenant_list(user=request.user))
        if len(tenants) == 1:
            return redirect(reverse("home", kwargs={"tenant_slug": tenants[0].slug}))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = {m.tenant_id: m for m in membership_list(user=self.request.user)}
        context["choices"] = [
            (t, memberships.get(t.id)) for t in tenant_list(user=self.request.user)
        ]
        return context


class NotificationListView(TenantPageMixin, TemplateView):
    """The member's notifications; opening the page marks them read."""

    roles = ALL_ROLES
    template_name = "accounts/notifications.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(notification_list(membership=self.membership)[:200])
        mark_read(membership=self.membership)
        context["notifications"] = items
        return context


class JobListView(TenantPageMixin, TemplateView):
    """Scheduled jobs: each job's last run, outcome and duration, and history."""

    roles = ADMIN
    template_name = "accounts/jobs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = list(JobRun.objects.for_tenant(self.tenant).order_by("-started_at")[:100])
        latest = {}
        for run in runs:
            latest.setdefault(run.name, run)
        context.update(
            runs=runs,
            latest=sorted(latest.values(), key=lambda r: r.name),
            schedule=[
                (name, JOB_LABELS.get(name, name), describe_schedule(job["schedule"]))
                for name, job in sorted(settings.CELERY_BEAT_SCHEDULE.items())
            ],
        )
        return context


WEEKDAYS = [
    gettext_lazy("Sunday"),
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
]


def describe_schedule(schedule) -> str:
    """A beat crontab in words (Asia/Shanghai): the cases the schedule uses."""
    minute, hour = str(schedule._orig_minute), str(schedule._orig_hour)
    day, weekday = str(schedule._orig_day_of_month), str(schedule._orig_day_of_week)
    if hour == "*":
        return _("Every hour at minute %(minute)s") % {"minute": minute.zfill(2)}
    time = f"{hour.zfill(2)}:{minute.zfill(2)}"
    if day != "*":
        return _("On day %(day)s of each month at %(time)s") % {"day": day, "time": time}
    if weekday != "*" and weekday.isdigit():
        return _("Every %(weekday)s at %(time)s") % {
            "weekday": WEEKDAYS[int(weekday) % 7],
            "time": time,
        }
    return _("Every day at %(time)s") % {"time": time}
