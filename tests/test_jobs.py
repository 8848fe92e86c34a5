"""Scheduled jobs: quota notifications reach exactly the right managers,
reminders and dormant flags are sent once, every run is logged, the beat
schedule has every job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import JobRun, Notification
from accounts.tasks import close_stale_job_runs
from roster.models import Notice
from roster.services import member_create
from roster.tasks import close_notices, flag_dormant_officers, remind_terms_ending
from scoring.tasks import build_quota_reports
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def _titles(user):
    return sorted(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_quota_job_notifies_each_manager_about_their_officers_once(
    world, other_world, django_capture_on_commit_callbacks
):
    d2_manager = member_create(
        tenant=world.tenant,
        username="mgr-d2",
        password=PASSWORD,
        role="district_manager",
        districts=[world.districts["d2"]],
        email="d2@example.com",
    ).user
    with django_capture_on_commit_callbacks(execute=True):
        build_quota_reports(month="2025-03")
    # d1 has 张三 and 李四 behind (district quotas are yearly, pro-rated); d2 has 王五
    assert _titles(world.users["manager"]) == ["2025-03 任务指标：2 名联络员未完成"]
    assert _titles(d2_manager) == ["2025-03 任务指标：1 名联络员未完成"]
    assert _titles(world.users["admin"]) == ["2025-03 任务指标：1 名联络员未完成"]  # city: 赵六
    assert _titles(world.users["auditor"]) == [] and _titles(world.users["officer"]) == []
    assert [m.to for m in mail.outbox] == [["d2@example.com"]]
    build_quota_reports(month="2025-03")  # again: one report, nothing sent twice
    assert Notification.objects.filter(tenant=world.tenant).count() == 3
    runs = JobRun.objects.filter(tenant=world.tenant, name="quota-reports")
    assert [(r.outcome, r.detail["month"]) for r in runs] == [("ok", "2025-03")] * 2


def test_term_end_reminders_go_to_admins_and_the_districts_managers_once(world):
    remind_terms_ending(today="2026-12-10")
    assert len(_titles(world.users["admin"])) == 4
    assert sorted(_titles(world.users["manager"])) == [
        "张三的任期将于 2026-12-31 届满",
        "李四的任期将于 2026-12-31 届满",
    ]
    remind_terms_ending(today="2026-12-11")
    assert Notification.objects.filter(tenant=world.tenant).count() == 6


def test_dormant_flags_and_notice_closing(world):
    result = flag_dormant_officers(today="2025-06-01")
    assert result["alpha"] == Notification.objects.filter(tenant=world.tenant).count() > 0
    assert close_notices(today="2026-03-07")["alpha"] == 1
    assert Notice.objects.get(tenant=world.tenant).closed_at is not None
    assert close_notices(today="2026-03-08")["alpha"] == 0
    assert set(JobRun.objects.filter(tenant=world.tenant).values_list("name", flat=True)) == {
        "dormant-officers",
        "close-notices",
    }


def test_notification_page_lists_and_mark_all_read_clears_the_menu_count(client, world):
    remind_terms_ending(today="2026-12-10")
    client.force_login(world.users["manager"])
    home = client.get("/t/alpha/").content.decode()
    assert 'id="unread-count">2<' in home
    page = client.get("/t/alpha/notifications/").content.decode()
    assert "张三的任期" in page
    # issue 14: opening the page no longer marks everything read; the button does
    assert 'id="unread-count">2<' in client.get("/t/alpha/").content.decode()
    client.post("/t/alpha/notifications/read-all/")
    assert 'id="unread-count"' not in client.get("/t/alpha/").content.decode()


def test_jobs_page_for_admins(client, world):
    close_notices(today="2026-03-07")
    client.force_login(world.users["admin"])
    html = client.get("/t/alpha/jobs/").content.decode()
    assert "close-notices" not in html and "到期关闭公示" in html and "月度任务指标报表" in html
    assert "已关闭公示 1 项" in html and "closed=" not in html
    assert "每月1日 02:00" in html and "每周一 08:00" in html and "每天 00:10" in html
    assert "<td>到期关闭公示</td>" in html and '<td class="text-nowrap">已完成</td>' in html
    client.force_login(world.users["manager"])
    assert client.get("/t/alpha/jobs/").status_code == 403


def test_the_platforms_own_jobs_are_not_on_the_tenants_jobs_page(client, world):
    """The purge of tenants and the worker's heartbeat are the platform's: a
    tenant's admin sees every other scheduled job, and not those two."""
    from accounts.choices import JOB_LABELS, PLATFORM_JOBS

    client.force_login(world.users["admin"])
    response = client.get("/t/alpha/jobs/")
    shown = [name for name, _label, _when in response.context["schedule"]]
    platform = {"tenant-purge", "worker-heartbeat"}
    assert shown == sorted(set(settings.CELERY_BEAT_SCHEDULE) - platform)
    assert platform == PLATFORM_JOBS
    html = response.content.decode()
    for name in PLATFORM_JOBS:
        assert str(JOB_LABELS[name]) not in html
    assert "删除已到删除日期的机构" not in html and "后台任务进程心跳" not in html
    assert "到期关闭公示" in html


def test_every_job_is_on_the_beat_schedule():
    tasks = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "scoring.tasks.build_quota_reports",
        "roster.tasks.close_notices",
        "roster.tasks.remind_terms_ending",
        "roster.tasks.flag_dormant_officers",
        "accounts.tasks.close_stale_job_runs",
        "assessment.tasks.remind_rating_links",  # issue 12 ratings
        "duties.tasks.remind_reports_due",  # issue 13 reports
        "duties.tasks.notify_reports_late",  # issue 13 reports
        "duties.tasks.remind_agreements_ending",  # issue 13 records
        "accounts.tasks.send_daily_digests",  # issue 14 notifications
        "platformadmin.tasks.purge_due_tenants",  # issue 17 platform admin
        "matching.tasks.send_weekly_match_digests",  # issue 15 matches
        "ops.tasks.worker_heartbeat",  # issue 17 readyz: not on the tenants' jobs page
    }


def test_runs_whose_worker_stopped_are_marked_failed_after_six_hours(world):
    now = timezone.now()
    stale = JobRun.objects.create(
        tenant=world.tenant, name="rescore", started_at=now - dt.timedelta(hours=7)
    )
    recent = JobRun.objects.create(
        tenant=world.tenant, name="rescore", started_at=now - dt.timedelta(hours=5)
    )
    done = JobRun.objects.create(
        tenant=world.tenant,
        name="close-notices",
        started_at=now - dt.timedelta(days=2),
        finished_at=now - dt.timedelta(days=2),
        outcome="ok",
    )

    assert close_stale_job_runs() == 1

    stale.refresh_from_db()
    assert (stale.outcome, stale.detail) == (
        "failed",
        {"error": "no end recorded: the worker stopped while running it"},
    )
    assert stale.finished_at is not None
    assert JobRun.objects.get(pk=recent.pk).outcome == "running"
    assert JobRun.objects.get(pk=done.pk).outcome == "ok"
    assert close_stale_job_runs() == 0
    assert JobRun.objects.get(pk=done.pk).duration_label == "0.0 秒"
    stale.refresh_from_db()
    assert stale.duration_label == "420 分 0 秒"
    assert JobRun.objects.get(pk=recent.pk).duration_label == ""


# --- platform-admin (issue 17): a suspended tenant is skipped; the daily purge ---


def test_jobs_skip_a_suspended_tenant(world, other_world):
    from accounts.models import Tenant

    Tenant.objects.filter(pk=world.tenant.pk).update(
        status="suspended", suspended_at=timezone.now()
    )
    assert close_notices(today="2026-03-07") == {"beta": 1}
    assert set(remind_terms_ending(today="2026-12-10")) == {"beta"}
    assert set(flag_dormant_officers(today="2025-06-01")) == {"beta"}
    assert set(build_quota_reports(month="2025-03")["tenants"]) == {"beta"}
    assert JobRun.objects.filter(tenant=world.tenant).count() == 0
    assert Notification.objects.filter(tenant=world.tenant).count() == 0


#: Every beat job that runs per tenant, with the arguments of a day that
#: gives it work, and the beat jobs of the platform as a whole.
PER_TENANT_JOBS = {
    "scoring.tasks.build_quota_reports": {"month": "2025-03"},
    "roster.tasks.close_notices": {"today": "2026-03-07"},
    "roster.tasks.remind_terms_ending": {"today": "2026-12-10"},
    "roster.tasks.flag_dormant_officers": {"today": "2025-06-01"},
    "assessment.tasks.remind_rating_links": {"today": "2026-03-07"},
    "duties.tasks.remind_reports_due": {"today": "2026-03-07"},
    "duties.tasks.notify_reports_late": {"today": "2026-03-07"},
    "duties.tasks.remind_agreements_ending": {"today": "2026-03-07"},
    "accounts.tasks.send_daily_digests": {"now": "2026-03-07T10:00:00+00:00"},
    "matching.tasks.send_weekly_match_digests": {"now": "2026-03-09T00:00:00+00:00"},
}
PLATFORM_TASKS = {
    "accounts.tasks.close_stale_job_runs",
    "platformadmin.tasks.purge_due_tenants",
    "ops.tasks.worker_heartbeat",
}


def test_every_beat_job_is_either_per_tenant_or_the_platforms():
    tasks = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == set(PER_TENANT_JOBS) | PLATFORM_TASKS


@pytest.mark.parametrize("task", sorted(PER_TENANT_JOBS))
def test_each_per_tenant_job_skips_a_suspended_tenant(world, other_world, task):
    from django.utils.module_loading import import_string

    from accounts.models import Tenant

    Tenant.objects.filter(pk=world.tenant.pk).update(
        status="suspended", suspended_at=timezone.now()
    )
    import_string(task)(**PER_TENANT_JOBS[task])
    runs = list(JobRun.objects.values_list("tenant__slug", "outcome"))
    assert runs == [("beta", "ok")]
    assert Notification.objects.filter(tenant=world.tenant).count() == 0


def test_a_per_tenant_job_that_fails_marks_the_run_failed(world, other_world):
    from accounts.notifications import per_tenant_job

    def boom(tenant, detail):
        detail["step"] = "half-way"
        raise RuntimeError(f"no luck with {tenant.slug}")

    with pytest.raises(RuntimeError):
        per_tenant_job("close-notices", boom)
    run = JobRun.objects.get()  # the first tenant failed; the job stopped there
    assert (run.tenant.slug, run.outcome, run.detail) == (
        "alpha",
        "failed",
        {"step": "half-way", "error": "no luck with alpha"},
    )
    assert run.finished_at is not None
    assert per_tenant_job("close-notices", lambda tenant, _detail: 7, key="closed") == {
        "alpha": 7,
        "beta": 7,
    }
    assert list(JobRun.objects.filter(outcome="ok").values_list("detail", flat=True)) == [
        {"closed": 7},
        {"closed": 7},
    ]


def test_daily_purge_takes_only_tenants_past_their_date(world, other_world):
    from accounts.models import Tenant
    from platformadmin.models import TenantPurge
    from platformadmin.tasks import purge_due_tenants

    due = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    Tenant.objects.filter(pk=world.tenant.pk).update(
        status="suspended", suspended_at=due - dt.timedelta(days=30), deletion_due_at=due
    )
    assert purge_due_tenants(now="2026-12-01T02:59:59+00:00") == []
    assert purge_due_tenants(now="2026-12-01T03:00:00+00:00") == ["alpha"]
    assert list(Tenant.objects.values_list("slug", flat=True)) == ["beta"]
    assert list(TenantPurge.objects.values_list("slug", "due_at")) == [("alpha", due)]
    assert settings.CELERY_BEAT_SCHEDULE["tenant-purge"]["task"] == (
        "platformadmin.tasks.purge_due_tenants"
    )
