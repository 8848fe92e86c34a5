"""The tenant chooser and the root redirect, notifications, jobs. The policy
designer: :mod:`accounts.policy.views`. Sign-in and the user's security
pages: :mod:`accounts.auth_views`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from liaison.api.permissions import ADMIN, ALL_ROLES
from liaison.views import TenantFormView, TenantPageMixin

from .choices import JOB_LABELS, PLATFORM_JOBS, WebhookFormat
from .forms import NotificationPreferenceForm, WebhookForm
from .models import JobRun, Notification, TenantWebhook
from .notifications import (
    mark_read,
    notification_list,
    notification_mark_read,
    preference_for,
    preference_set,
    unread,
)
from .selectors import membership_list, tenant_list
from .webhooks import webhook_set, webhook_test


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


class NotificationListView(TenantPageMixin, ListView):
    """The member's notifications, newest first, unread ones marked; each
    opens its page (and is then read); one or all can be marked read."""

    roles = ALL_ROLES
    template_name = "accounts/notifications.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return notification_list(membership=self.membership).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_here"] = unread(membership=self.membership).count()
        return context


class NotificationReadView(TenantPageMixin, View):
    """POST: mark one notification read (``open``: and go to its page);
    POST to ``read-all``: every one. Another member's answers 404."""

    roles = ALL_ROLES
    go = False

    def post(self, request, *args, **kwargs):
        back = reverse("notifications", kwargs={"tenant_slug": self.tenant.slug})
        if "pk" not in kwargs:
            mark_read(membership=self.membership)
            messages.success(request, _("Every notification is marked read."))
            return redirect(back)
        try:
            note = notification_mark_read(membership=self.membership, notification_id=kwargs["pk"])
        except Notification.DoesNotExist:
            raise Http404 from None
        if self.go and note.link.startswith("/") and not note.link.startswith("//"):
            return redirect(note.link)
        return redirect(back)


class NotificationPreferenceView(TenantFormView):
    """The member's own notification settings (every role)."""

    roles = ALL_ROLES
    form_class = NotificationPreferenceForm
    list_url_name = "notifications"
    title = gettext_lazy("Notification settings")
    success_message = gettext_lazy("Your notification settings are saved.")

    def extra_form_kwargs(self):
        return {}

    def get_initial(self):
        pref = preference_for(tenant=self.tenant, user=self.request.user)
        return {"email": pref.email, "language": pref.language}

    def perform(self, form):
        return preference_set(membership=self.membership, **form.cleaned_data)


class WebhookView(TenantFormView):
    """The tenant admin's robot webhook (WeCom or DingTalk)."""

    form_class = WebhookForm
    template_name = "accounts/webhook.html"
    list_url_name = "notification-webhook"
    title = gettext_lazy("Group robot (webhook)")
    success_message = gettext_lazy("The webhook is saved.")

    def extra_form_kwargs(self):
        return {}

    def get_initial(self):
        hook = TenantWebhook.objects.for_tenant(self.tenant).first()
        if hook is None:
            return {"format": WebhookFormat.WECOM, "enabled": True}
        return {
            "url": hook.url,
            "format": hook.format,
            "kinds": hook.kinds,
            "enabled": hook.enabled,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hook"] = TenantWebhook.objects.for_tenant(self.tenant).first()
        return context

    def perform(self, form):
        return webhook_set(membership=self.membership, **form.cleaned_data)


class WebhookTestView(TenantPageMixin, View):
    """POST: send a test message to the robot now and say how it went."""

    roles = ADMIN

    def post(self, request, tenant_slug):
        try:
            status = webhook_test(membership=self.membership)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if 200 <= status < 300:
                messages.success(
                    request, _("The test message was sent (HTTP %(status)d).") % {"status": status}
                )
            elif status:
                messages.error(
                    request,
                    _("The robot answered HTTP %(status)d: check the address and its key.")
                    % {"status": status},
                )
            else:
                messages.error(request, _("The robot's address could not be reached."))
        return HttpResponseRedirect(
            reverse("notification-webhook", kwargs={"tenant_slug": tenant_slug})
        )


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
                if name not in PLATFORM_JOBS  # the platform's own (issue 17)
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
