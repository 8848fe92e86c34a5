"""The platform admin's pages (issue 17 item 1): only superusers reach them;
a tenant is opened from a preset, suspended (its members see a notice, the
API refuses, jobs and public pages skip it), reactivated, marked for
deletion, the deletion cancelled, and purged after its date with every row
of it gone, the other tenant untouched and a record that survives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import TenantStatus
from accounts.models import Membership, Policy, Tenant, User
from audit.models import AuditEvent
from audit.triggers import project_models
from ledgers.choices import EntryKind
from platformadmin.models import TenantPurge
from platformadmin.purge import doomed_rows
from platformadmin.selectors import tenant_overview_list
from platformadmin.services import tenant_mark_for_deletion
from platformadmin.tasks import purge_due_tenants
from roster.tasks import close_notices
from scoring.models import ExportJob
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db

SUSPENDED = "该机构已暂停使用"
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


@pytest.fixture
def operator(client, root):
    client.force_login(root)
    return client


def _tenant(slug: str) -> Tenant:
    return Tenant.objects.get(slug=slug)


# --- reach -----------------------------------------------------------------------------


PAGES = ("/platform/tenants/", "/platform/tenants/new/", "/platform/purges/")


def test_the_operator_needs_two_factor_sign_in(client, db):
    """A superuser without two-factor is sent to the enrolment page, coming
    back to the page asked for; enrolling gives a code, so that session goes
    on; with two-factor on, a session that signed in without a code is signed
    out and sent to the sign-in, which asks for it, then back."""
    import time_machine

    from accounts.mfa import mfa_setup
    from accounts.tests.test_two_factor import NOW, STEP, code_at

    ops = User.objects.create_superuser("ops", "ops@example.com", PASSWORD)
    client.force_login(ops)
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/two-factor/?next={page.replace('/', '%2F')}"
    html = client.get("/accounts/two-factor/?next=/platform/tenants/").content.decode()
    assert "管理平台前，请先开启两步验证。" in html
    with time_machine.travel(NOW, tick=False):
        device = mfa_setup(user=ops)
        enrolled = client.post(
            "/accounts/two-factor/?next=/platform/tenants/",
            {"action": "confirm", "otp": code_at(device, NOW)},
        )
    assert enrolled["Location"] == "/platform/tenants/"
    for page in PAGES:
        assert client.get(page).status_code == 200
    # another session, signed in without the code (force_login: as /admin/'s
    # password-only form did): signed out, sent to sign in again
    client.logout()
    client.force_login(ops)
    response = client.get("/platform/purges/")
    assert response["Location"] == "/accounts/login/?next=%2Fplatform%2Fpurges%2F"
    assert "_auth_user_id" not in client.session
    html = client.get(response["Location"]).content.decode()
    assert "请使用两步验证码重新登录后再管理平台。" in html
    later = NOW + STEP * 4
    with time_machine.travel(later, tick=False):
        step_one = client.post(response["Location"], {"username": "ops", "password": PASSWORD})
        assert step_one["Location"] == "/accounts/login/code/"
        signed_in = client.post("/accounts/login/code/", {"otp": code_at(device, later)})
    assert signed_in["Location"] == "/platform/purges/"
    assert client.get("/platform/purges/").status_code == 200


def test_the_admin_site_signs_in_through_the_portal_and_asks_what_the_platform_asks(client, db):
    """/admin/'s own login asked for a password alone: a superuser with
    two-factor on got in (and into every tenant) without a code. It now
    sends everyone to the portal's sign-in; an unverified session is sent
    back there like on the platform pages; the demo's exempt operator and a
    verified session reach the admin."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert client.get("/admin/login/?next=/admin/accounts/tenant/")["Location"] == (
        "/accounts/login/?next=/admin/accounts/tenant/"
    )
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/?next=/admin/"
    ops = User.objects.create_superuser("ops", "ops@example.com", PASSWORD)
    # the old way in: a password on /admin/login/ signs nobody in any more
    client.post("/admin/login/", {"username": "ops", "password": PASSWORD, "next": "/admin/"})
    assert "_auth_user_id" not in client.session
    client.force_login(ops)
    assert client.get("/admin/")["Location"] == "/accounts/two-factor/?next=%2Fadmin%2F"
    TOTPDevice.objects.create(user=ops, name="default", confirmed=True)
    assert client.get("/admin/accounts/tenant/")["Location"] == (
        "/accounts/login/?next=%2Fadmin%2Faccounts%2Ftenant%2F"
    )
    assert "_auth_user_id" not in client.session
    # the tests' root is exempt (MFA_EXEMPT_USERNAMES), as the demo's operator
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/tenant/").status_code == 200


def test_only_superusers_reach_the_platform_pages(client, world, root):
    alpha = world.tenant.pk
    for page in PAGES:
        assert client.get(page).status_code == 404  # signed out: 404, not a login page
    assert client.post(f"/platform/tenants/{alpha}/suspend/").status_code == 404
    client.force_login(world.users["admin"])  # a tenant admin is no platform admin
    for page in PAGES:
        assert client.get(page).status_code == 404
    assert client.post(f"/platform/tenants/{alpha}/suspend/").status_code == 404
    assert _tenant("alpha").status == TenantStatus.ACTIVE
    client.force_login(root)
    assert [client.get(page).status_code for page in PAGES] == [200, 200, 200]
    assert client.post(f"/platform/tenants/{alpha}/explode/").status_code == 404
    assert client.get(f"/platform/tenants/{alpha}/suspend/").status_code == 405


# --- the list ------------------------------------------------------------------------------


def test_list_shows_size_and_activity_and_searches(operator, world, other_world):
    User.objects.filter(username="alpha-auditor").update(
        last_login=dt.datetime(2026, 10, 5, 1, 2, tzinfo=dt.UTC)
    )
    rows = {t.slug: t for t in tenant_overview_list()}
    alpha = rows["alpha"]
    assert (alpha.officer_count, alpha.entry_count, alpha.member_count) == (
        4,
        len(EntryKind.values),
        5,
    )
    assert alpha.storage_bytes == world.evidence.size == 66
    assert alpha.last_login == dt.datetime(2026, 10, 5, 1, 2, tzinfo=dt.UTC)
    assert alpha.last_entry == max(e.created_at for e in world.entries.values())
    html = operator.get("/platform/tenants/?q=alph").content.decode()
    assert 'id="tenant-alpha"' in html and 'id="tenant-beta"' not in html
    assert "2026-10-05 09:02" in html  # shown in Asia/Shanghai
    assert "共 1 条" in html
    assert [t.slug for t in tenant_overview_list(q="BETA 科技")] == ["beta"]
    assert [t.slug for t in tenant_overview_list(status="suspended")] == []


def test_list_queries_do_not_grow_with_tenants(
    operator, world, other_world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert operator.get("/platform/tenants/").status_code == 200


# --- open ---------------------------------------------------------------------------------------


def test_open_a_tenant_with_a_password(operator, root):
    answer = operator.post(
        "/platform/tenants/new/",
        {
            "slug": "gamma",
            "name": "伽马市科技局",
            "preset": "puyang",
            "admin_username": "gamma-admin",
            "admin_password": PASSWORD,
        },
    )
    assert answer.status_code == 302 and answer["Location"] == "/platform/tenants/"
    gamma = _tenant("gamma")
    assert (gamma.name, gamma.preset, gamma.status) == ("伽马市科技局", "puyang", "active")
    assert list(Policy.objects.filter(tenant=gamma).values_list("version", "preset")) == [
        (1, "puyang")
    ]
    admin = Membership.objects.get(tenant=gamma)
    assert (admin.user.username, admin.role) == ("gamma-admin", "admin")
    assert admin.user.check_password(PASSWORD)
    created = AuditEvent.objects.get(tenant=gamma, object_type="tenant", action="create")
    assert created.actor_username == "root"


def test_open_a_tenant_with_an_invitation_link(operator):
    answer = operator.post(
        "/platform/tenants/new/",
        {"slug": "delta", "name": "德尔塔", "preset": "wuhan", "admin_username": "delta-admin"},
        follow=True,
    )
    html = answer.content.decode()
    user = User.objects.get(username="delta-admin")
    assert not user.has_usable_password()
    assert 'id="invitation-link"' in html and "/accounts/invite/" in html
    link = html.split('id="invitation-link" class="text-break">')[1].split("<")[0]
    page = operator.get(link.replace("http://testserver", ""), follow=True)
    assert page.status_code == 200 and 'name="new_password1"' in page.content.decode()


def test_open_refuses_a_taken_slug_and_writes_nothing(operator, world):
    before = (Tenant.objects.count(), User.objects.count())
    answer = operator.post(
        "/platform/tenants/new/",
        {"slug": "alpha", "name": "重复", "preset": "wuhan", "admin_username": "x-admin"},
    )
    assert answer.status_code == 200
    assert "标识为 “alpha” 的项目单位已存在。" in answer.content.decode()
    assert (Tenant.objects.count(), User.objects.count()) == before


# --- suspend and reactivate ------------------------------------------------------------------


def test_suspend_shows_members_the_notice_refuses_the_api_and_jobs_skip_it(
    client, operator, world, other_world
):
    answer = operator.post(f"/platform/tenants/{world.tenant.pk}/suspend/")
    assert answer.status_code == 302
    alpha = _tenant("alpha")
    assert alpha.status == TenantStatus.SUSPENDED and alpha.suspended_at is not None
    event = AuditEvent.objects.filter(tenant=alpha, object_type="tenant", action="update").get()
    assert event.actor_username == "root"
    assert event.changes["status"] == ["active", "suspended"]
    # the platform admin still opens it
    assert operator.get("/t/alpha/").status_code == 200
    # a member: the notice, on every page
    member = client.__class__()
    member.force_login(world.users["manager"])
    for page in ("/t/alpha/", "/t/alpha/officers/", "/t/alpha/jobs/"):
        answer = member.get(page)
        assert answer.status_code == 403, page
        assert SUSPENDED in answer.content.decode() and 'id="tenant-suspended"' in (
            answer.content.decode()
        )
    # the API: 403 with the message for members, 404 for outsiders
    answer = world.api("officer").get(world.url("officers/"))
    assert (answer.status_code, answer.json()["detail"]) == (403, SUSPENDED)
    assert other_world.api("admin").get(world.url("officers/")).status_code == 404
    assert other_world.api("admin").get(other_world.url("officers/")).status_code == 200
    # an outsider's page: 404 as before
    outsider = client.__class__()
    outsider.force_login(other_world.users["admin"])
    assert outsider.get("/t/alpha/").status_code == 404
    # public pages hide it; jobs skip it
    assert client.get("/public/alpha/notices/").status_code == 404
    assert client.get("/public/beta/notices/").status_code == 200
    assert close_notices(today="2026-03-07") == {"beta": 1}


def test_reactivate_lets_members_back(client, operator, world):
    operator.post(f"/platform/tenants/{world.tenant.pk}/suspend/")
    operator.post(f"/platform/tenants/{world.tenant.pk}/reactivate/")
    alpha = _tenant("alpha")
    assert (alpha.status, alpha.suspended_at) == (TenantStatus.ACTIVE, None)
    member = client.__class__()
    member.force_login(world.users["manager"])
    assert member.get("/t/alpha/").status_code == 200
    assert world.api("officer").get(world.url("officers/")).status_code == 200
    assert close_notices(today="2026-03-07") == {"alpha": 1}
    changes = list(
        AuditEvent.objects.filter(tenant=alpha, object_type="tenant", action="update")
        .order_by("id")
        .values_list("actor_username", "changes__status")
    )
    assert changes == [("root", ["active", "suspended"]), ("root", ["suspended", "active"])]


def test_suspending_twice_is_refused_with_a_message(operator, world):
    operator.post(f"/platform/tenants/{world.tenant.pk}/suspend/")
    page = operator.post(f"/platform/tenants/{world.tenant.pk}/suspend/", follow=True)
    assert "该机构已处于暂停状态" in page.content.decode()


# --- deletion ----------------------------------------------------------------------------------


def test_mark_for_deletion_and_cancel(operator, root, world):
    alpha = tenant_mark_for_deletion(actor=root, tenant=world.tenant, now=NOW)
    assert alpha.deletion_due_at == NOW + dt.timedelta(days=30)
    assert settings.TENANT_DELETION_RETENTION_DAYS == 30
    assert (alpha.status, alpha.deletion_requested_by) == (TenantStatus.SUSPENDED, "root")
    # reactivating a tenant marked for deletion is refused until it is cancelled
    page = operator.post(f"/platform/tenants/{alpha.pk}/reactivate/", follow=True)
    assert "请先取消删除" in page.content.decode()
    assert _tenant("alpha").status == TenantStatus.SUSPENDED
    operator.post(f"/platform/tenants/{alpha.pk}/cancel-delete/")
    alpha = _tenant("alpha")
    assert (alpha.deletion_due_at, alpha.deletion_requested_by, alpha.status) == (
        None,
        "",
        TenantStatus.SUSPENDED,
    )
    assert purge_due_tenants(now=(NOW + dt.timedelta(days=31)).isoformat()) == []
    assert _tenant("alpha")


def test_a_deletion_cancelled_after_the_job_listed_the_tenant_is_not_purged(
    root, world, other_world, monkeypatch
):
    """The daily job lists the due tenants once, then purges them one by one:
    the locked row decides, so a deletion cancelled (or postponed) in between
    spares the tenant."""
    from platformadmin import tasks
    from platformadmin.services import tenant_cancel_deletion

    tenant_mark_for_deletion(actor=root, tenant=world.tenant, now=NOW)
    tenant_mark_for_deletion(actor=root, tenant=other_world.tenant, now=NOW)
    purge = tasks.tenant_purge

    def change_of_mind_first(*, tenant, **kwargs):
        # between the listing and this tenant's purge, the platform admin acts
        tenant_cancel_deletion(actor=root, tenant=tenant)
        if tenant.slug == "beta":  # marked again: due 30 days after the job's time
            tenant_mark_for_deletion(actor=root, tenant=tenant, now=NOW + dt.timedelta(days=31))
        return purge(tenant=tenant, **kwargs)

    monkeypatch.setattr(tasks, "tenant_purge", change_of_mind_first)
    assert purge_due_tenants(now=(NOW + dt.timedelta(days=31)).isoformat()) == []
    assert list(Tenant.objects.order_by("slug").values_list("slug", "deletion_due_at")) == [
        ("alpha", None),
        ("beta", NOW + dt.timedelta(days=61)),
    ]
    assert not TenantPurge.objects.exists()
    assert not AuditEvent.objects.filter(object_type="tenantpurge").exists()


def test_mark_for_deletion_through_the_page(operator, world):
    page = operator.post(
        f"/platform/tenants/{world.tenant.pk}/delete/", {"next": "/platform/tenants/?q=al"}
    )
    assert page["Location"] == "/platform/tenants/?q=al"
    alpha = _tenant("alpha")
    assert alpha.deletion_requested_by == "root" and alpha.status == TenantStatus.SUSPENDED
    due = timezone.localtime(alpha.deletion_due_at).date().isoformat()
    html = operator.get("/platform/tenants/?status=deletion").content.decode()
    assert 'id="tenant-alpha"' in html and f"将于 {due} 删除" in html
    # a next outside the platform pages is ignored
    page = operator.post(
        f"/platform/tenants/{alpha.pk}/cancel-delete/", {"next": "https://evil.example/"}
    )
    assert page["Location"] == "/platform/tenants/"


def _all_rows() -> dict[str, set]:
    return {
        m._meta.label_lower: set(m._base_manager.values_list("pk", flat=True))
        for m in project_models()
    }


def test_purge_after_the_date_deletes_every_row_of_the_tenant_and_nothing_else(
    root, world, other_world, django_capture_on_commit_callbacks
):
    alpha_pk = world.tenant.pk
    evidence_file = world.evidence.file.name
    assert default_storage.exists(evidence_file)
    assert not ExportJob.objects.get(pk=world.export_job.pk).file  # not run: no file yet
    tenant_mark_for_deletion(actor=root, tenant=world.tenant, now=NOW)
    before = _all_rows()
    alpha_rows = {m._meta.label_lower: ids for m, ids in doomed_rows(world.tenant).items()}
    beta_rows = {m._meta.label_lower: ids for m, ids in doomed_rows(other_world.tenant).items()}
    # the append-only tables are among what goes
    for label in ("audit.auditevent", "ledgers.entryevent", "roster.nominationtransition"):
        assert alpha_rows[label], label
    alpha_users = set(
        User.objects.filter(username__startswith="alpha-").values_list("pk", flat=True)
    )
    assert len(alpha_users) == 5
    # not yet: the day before the date
    assert purge_due_tenants(now=(NOW + dt.timedelta(days=29)).isoformat()) == []
    assert _all_rows() == before
    with django_capture_on_commit_callbacks() as on_commit:
        assert purge_due_tenants(now=(NOW + dt.timedelta(days=30, seconds=1)).isoformat()) == [
            "alpha"
        ]
    # the files go once the purge has committed, not before
    assert default_storage.exists(evidence_file)
    for callback in on_commit:
        callback()
    after = _all_rows()
    record = TenantPurge.objects.get()
    # every row of alpha gone, and only those
    expected = {label: ids - alpha_rows.get(label, set()) for label, ids in before.items()}
    expected["accounts.user"] = before["accounts.user"] - alpha_users
    expected["accounts.tenant"] = before["accounts.tenant"] - {alpha_pk}
    expected["platformadmin.tenantpurge"] = {record.pk}
    purge_event = AuditEvent.objects.get(object_type="tenantpurge")
    expected["audit.auditevent"] = expected["audit.auditevent"] | {purge_event.pk}
    assert after == expected
    # beta untouched, row for row
    assert {
        m._meta.label_lower: ids for m, ids in doomed_rows(other_world.tenant).items()
    } == beta_rows
    assert not Tenant.objects.filter(pk=alpha_pk).exists()
    assert User.objects.filter(pk=root.pk).exists()
    assert not default_storage.exists(evidence_file)
    # the record: who asked, when it was due, counts that match what went
    assert (record.tenant_id, record.slug, record.name, record.requested_by) == (
        alpha_pk,
        "alpha",
        "alpha 科技局",
        "root",
    )
    assert record.due_at == NOW + dt.timedelta(days=30)
    # the job purged it; one file went (the evidence; the export job left none)
    assert record.purged_by == "" and record.files == 1

    assert record.counts == {
        **{label: len(ids) for label, ids in alpha_rows.items()},
        "accounts.user": 5,
        "accounts.tenant": 1,
    }
    assert record.counts["ledgers.entry"] == len(EntryKind.values)
    assert (purge_event.tenant_id, purge_event.action) == (None, "delete")
    assert purge_event.extra["slug"] == "alpha" and purge_event.extra["rows"] == record.total_rows


def test_a_purge_rolled_back_keeps_the_files(
    root, world, monkeypatch, django_capture_on_commit_callbacks
):
    evidence_file = world.evidence.file.name
    tenant_mark_for_deletion(actor=root, tenant=world.tenant, now=NOW)

    def fails(**kwargs):
        raise IntegrityError("the record could not be written")

    monkeypatch.setattr(TenantPurge.objects, "create", fails)
    with django_capture_on_commit_callbacks(execute=True) as on_commit:
        assert purge_due_tenants(now=(NOW + dt.timedelta(days=31)).isoformat()) == []
    assert on_commit == []
    assert default_storage.exists(evidence_file)
    assert _tenant("alpha").deletion_due_at == NOW + dt.timedelta(days=30)


def test_the_purge_record_is_append_only(root, world):
    tenant_mark_for_deletion(actor=root, tenant=world.tenant, now=NOW)
    purge_due_tenants(now=(NOW + dt.timedelta(days=31)).isoformat())
    record = TenantPurge.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        TenantPurge.objects.filter(pk=record.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        TenantPurge.objects.filter(pk=record.pk).update(slug="x")
    assert TenantPurge.objects.get().slug == "alpha"


def test_purges_page_lists_the_record(operator, root, world):
    tenant_mark_for_deletion(actor=root, tenant=world.tenant, now=NOW)
    purge_due_tenants(now=(NOW + dt.timedelta(days=31)).isoformat())
    html = operator.get("/platform/purges/").content.decode()
    assert "alpha 科技局" in html and "2026-12-02" in html and "root" in html
