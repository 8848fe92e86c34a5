"""The tenant export as a background job for the tenant admin: started on a
page or through the API, progress, then the zip; no other role, no other
tenant; an audit trace."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse

from audit.models import AuditEvent
from scoring.export_jobs import progress_key
from scoring.models import ExportJob
from scoring.tasks import run_export

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _job(world, **fields) -> ExportJob:
    """A tenant export job, as the admin starts it."""
    fields.setdefault("created_by", world.users["admin"])
    return ExportJob.objects.create(tenant=world.tenant, kind="tenant", **fields)


def _zip_manifest(response) -> dict:
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return json.loads(archive.read("manifest.json"))


def test_admin_starts_follows_and_downloads(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["admin"])
    url = reverse("tenant-export-list", kwargs={"tenant_slug": "alpha"})
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = ExportJob.objects.get(tenant=world.tenant, kind="tenant")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "tenant-export-page", kwargs={"tenant_slug": "alpha", "pk": job.pk}
    )
    assert (job.status, job.progress, job.created_by) == ("done", 100, world.users["admin"])
    assert job.filename.startswith("alpha-2") and job.filename.endswith(".zip")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert (
        reverse("tenant-export-download", kwargs={"tenant_slug": "alpha", "pk": job.pk})
        in page.content.decode()
    )
    download = client.get(
        reverse("tenant-export-download", kwargs={"tenant_slug": "alpha", "pk": job.pk})
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    manifest = _zip_manifest(download)
    assert manifest["tenant"] == "alpha"
    assert sum(manifest["models"].values()) == job.params["rows"]
    # the audit trace: the job row (trigger) and the export, by the admin
    trace = AuditEvent.objects.filter(tenant=world.tenant, object_id=str(job.pk)).filter(
        object_type="exportjob"
    ) | AuditEvent.objects.filter(tenant=world.tenant, action="export")
    assert sorted(trace.values_list("object_type", "action", "actor_username")) == [
        ("exportjob", "create", "alpha-admin"),
        ("exportjob", "update", ""),  # the worker: running, then done
        ("exportjob", "update", ""),
        ("request", "export", "alpha-admin"),  # the download
        ("tenant", "export", "alpha-admin"),  # the zip written, for the admin who asked
    ]


def test_a_running_job_shows_progress_and_the_download_waits(client, world):
    """The worker keeps a running job's progress in the cache (it reads the
    tenant inside one transaction): the page and the API show it."""
    job = _job(world, filename="x.zip", status="running")
    cache.set(progress_key(job.pk), 40)
    assert world.api("admin").get(world.url(f"tenant-exports/{job.pk}/")).json()["progress"] == 40
    client.force_login(world.users["admin"])
    page = client.get(reverse("tenant-export-page", kwargs={"tenant_slug": "alpha", "pk": job.pk}))
    assert 'data-status="running"' in page.content.decode()
    assert "40%" in page.content.decode()
    download = client.get(
        reverse("tenant-export-download", kwargs={"tenant_slug": "alpha", "pk": job.pk})
    )
    assert download.status_code == 302


@pytest.mark.parametrize("role", ["auditor", "manager", "reviewer", "officer"])
def test_other_roles_may_not(client, world, role):
    job = _job(world, filename="x.zip")
    run_export(tenant_id=world.tenant.pk, job_id=job.pk)
    client.force_login(world.users[role])
    kw = {"tenant_slug": "alpha"}
    assert client.get(reverse("tenant-export-list", kwargs=kw)).status_code == 403
    assert client.post(reverse("tenant-export-list", kwargs=kw)).status_code == 403
    for name in ("tenant-export-page", "tenant-export-download"):
        assert client.get(reverse(name, kwargs={**kw, "pk": job.pk})).status_code == 403
    assert ExportJob.objects.filter(kind="tenant").count() == 1


def test_another_tenant_sees_nothing(client, world, other_world):
    job = _job(world, filename="x.zip")
    run_export(tenant_id=world.tenant.pk, job_id=job.pk)
    client.force_login(other_world.users["admin"])
    for name in ("tenant-export-page", "tenant-export-download"):
        for slug in ("alpha", "beta"):
            url = reverse(name, kwargs={"tenant_slug": slug, "pk": job.pk})
            assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("tenant-export-list", kwargs={"tenant_slug": "alpha"})).status_code
        == 404
    )
    assert ExportJob.objects.filter(kind="tenant").count() == 1


def test_platform_admin_may(client, world, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x-Pass-123456")
    job = _job(world, filename="x.zip")
    run_export(tenant_id=world.tenant.pk, job_id=job.pk)
    client.force_login(root)
    url = reverse("tenant-export-download", kwargs={"tenant_slug": "alpha", "pk": job.pk})
    assert client.get(url).status_code == 200


def test_api_start_status_download(world, django_capture_on_commit_callbacks):
    api = world.api("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(world.url("tenant-exports/"))
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    job = ExportJob.objects.get(pk=response.json()["id"], kind="tenant")
    detail = api.get(world.url(f"tenant-exports/{job.pk}/")).json()
    assert (detail["status"], detail["progress"]) == ("done", 100)
    job.refresh_from_db()
    # the zip's digest and row count at the top level, as before ExportJob
    assert (detail["sha256"], detail["rows"]) == (job.params["sha256"], job.params["rows"])
    assert len(detail["sha256"]) == 64 and detail["rows"] > 0
    assert detail["download"] == f"/api/v1/tenants/alpha/tenant-exports/{job.pk}/download/"
    download = api.get(detail["download"])
    assert download.status_code == 200
    assert _zip_manifest(download)["tenant"] == "alpha"
    assert world.api("auditor").get(world.url("tenant-exports/")).status_code == 403
    assert world.api("officer").post(world.url("tenant-exports/")).status_code == 403
    assert ExportJob.objects.filter(kind="tenant").count() == 1


def test_a_redelivered_task_changes_nothing(world):
    job = _job(world, filename="x.zip")
    assert run_export(tenant_id=world.tenant.pk, job_id=job.pk) == "done"
    job.refresh_from_db()
    assert run_export(tenant_id=world.tenant.pk, job_id=job.pk) == "skipped"
    assert ExportJob.objects.get(pk=job.pk).params["sha256"] == job.params["sha256"]


def test_the_shared_export_routes_serve_the_zip_to_admins(client, world):
    """A tenant zip is an ExportJob like the ranking's: the shared page shows
    its checksum, the shared download sends it as a zip by its file name."""
    job = _job(world, filename="alpha-20261201.zip")
    assert run_export(tenant_id=world.tenant.pk, job_id=job.pk) == "done"
    job.refresh_from_db()
    assert len(job.params["sha256"]) == 64 and job.params["rows"] > 0
    assert job.file.name.startswith(f"exports/{world.tenant.pk}/") and job.file.name[-4:] == ".zip"
    client.force_login(world.users["admin"])
    page = client.get(f"/t/alpha/exports/{job.pk}/").content.decode()
    assert f"SHA-256 <code>{job.params['sha256']}</code>" in page
    for response in (
        client.get(f"/t/alpha/exports/{job.pk}/download/"),
        world.api("admin").get(world.url(f"exports/{job.pk}/download/")),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"] == 'attachment; filename="alpha-20261201.zip"'
        assert _zip_manifest(response)["tenant"] == "alpha"
    listed = world.api("admin").get(world.url("exports/")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {row["kind"] for row in rows} == {"ranking", "tenant"}


def test_a_zip_started_by_a_demoted_admin_is_neither_built_nor_shown(client, world):
    """Only admins see a whole-tenant export, even the one they started before
    losing the role: the shared routes answer 404 and the worker refuses."""
    from accounts.models import Membership

    job = _job(world, filename="x.zip", created_by=world.users["officer"])
    assert Membership.objects.get(tenant=world.tenant, user=world.users["officer"]).role == (
        "officer"
    )
    assert run_export(tenant_id=world.tenant.pk, job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.error, job.file.name) == ("failed", "no longer allowed", "")
    ExportJob.objects.filter(pk=job.pk).update(status="done")
    api = world.api("officer")
    assert api.get(world.url(f"exports/{job.pk}/")).status_code == 404
    assert api.get(world.url(f"exports/{job.pk}/download/")).status_code == 404
    listed = api.get(world.url("exports/")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == []
    client.force_login(world.users["officer"])
    for url in (f"/t/alpha/exports/{job.pk}/", f"/t/alpha/exports/{job.pk}/download/"):
        assert client.get(url).status_code == 404, url
