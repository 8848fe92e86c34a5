"""Large exports run as a Celery job: 202, progress, then the file."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring.models import ExportJob

pytestmark = pytest.mark.django_db


def test_background_ranking_export_api(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EXPORT_INLINE_MAX_ROWS = 2  # the 4 officers make this a "large" export
    api = world.api("auditor")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.get(world.url("rankings/2025/export/"))
    assert response.status_code == 202
    job_id = response.json()["job"]
    status = api.get(world.url(f"exports/{job_id}/")).json()
    assert (status["status"], status["progress"], status["kind"]) == ("done", 100, "ranking")
    assert status["download"] == f"/api/v1/tenants/alpha/exports/{job_id}/download/"
    body = b"".join(api.get(status["download"]).streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert [ws.title for ws in book.worksheets] == ["市派联络员", "一区", "二区", "来源"]
    pools = book.worksheets[:3]
    names = {row[2] for ws in pools for row in ws.iter_rows(min_row=3, values_only=True)}
    assert names == {"张三", "李四", "王五", "赵六"}
    # the job's file carries who asked for it, and verifies
    provenance = {r[0]: r[2] for r in book["来源"].iter_rows(min_row=3, values_only=True)}
    assert provenance["user_id"] == str(world.users["auditor"].pk)
    assert provenance["rows"] == "4"
    check = api.post(
        world.url("exports/verify/"),
        {"file": SimpleUploadedFile("r.xlsx", body)},
        format="multipart",
    )
    assert (check.status_code, check.json()["valid"]) == (200, True)


def test_export_jobs_are_private_to_their_creator(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job_id = (
            world.api("auditor").get(world.url("rankings/2025/export/?background=1")).json()["job"]
        )
    assert world.api("manager").get(world.url(f"exports/{job_id}/")).status_code == 404
    assert world.api("admin").get(world.url(f"exports/{job_id}/")).status_code == 200
    pending = world.api("auditor").get(world.url(f"exports/{job_id}/download/"))
    assert pending.status_code == 409
    assert ExportJob.objects.get(pk=job_id).status == "pending"


def test_export_page_polls_then_offers_the_download(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/t/alpha/rankings/2025/export/?background=1")
    job = ExportJob.objects.exclude(pk=world.export_job.pk).get()
    assert response["Location"] == f"/t/alpha/exports/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and 'id="export-download"' in page
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="export-status"')


def test_the_task_is_idempotent(world, settings, tmp_path):
    from scoring.tasks import run_export

    settings.MEDIA_ROOT = str(tmp_path)
    job = world.export_job
    assert run_export(tenant_id=world.tenant.pk, job_id=job.pk) == "done"
    job.refresh_from_db()
    first = job.file.name
    assert run_export(tenant_id=world.tenant.pk, job_id=job.pk) == "skipped"
    job.refresh_from_db()
    assert job.file.name == first
    assert run_export(tenant_id=999, job_id=job.pk) == "skipped"  # another tenant's id: nothing


def test_a_tenant_suspended_meanwhile_fails_the_job(world, settings, tmp_path):
    """The platform admin suspends the tenant between the start and the run:
    the job fails (TenantSuspended is a PermissionDenied, not a 404) and no
    file is written."""
    from scoring.tasks import run_export

    settings.MEDIA_ROOT = str(tmp_path)
    from django.utils import timezone

    world.tenant.status, world.tenant.suspended_at = "suspended", timezone.now()
    world.tenant.save(update_fields=["status", "suspended_at"])
    assert run_export(tenant_id=world.tenant.pk, job_id=world.export_job.pk) == "failed"
    job = ExportJob.objects.get(pk=world.export_job.pk)
    assert (job.status, job.error, job.file.name) == ("failed", "organisation suspended", "")
    assert list(tmp_path.rglob("*.xlsx")) == []


def test_a_job_whose_creator_was_deleted_fails(world):
    from scoring.tasks import run_export

    ExportJob.objects.filter(pk=world.export_job.pk).update(created_by=None)
    assert run_export(tenant_id=world.tenant.pk, job_id=world.export_job.pk) == "failed"
    job = ExportJob.objects.get(pk=world.export_job.pk)
    assert (job.status, job.error) == ("failed", "no longer a member")


def test_a_running_jobs_progress_comes_from_the_cache(client, world):
    """Every kind keeps its progress in the cache while it runs (one path
    with the tenant export, which reads inside one transaction)."""
    from django.core.cache import cache

    from scoring.export_jobs import progress_key

    job = world.export_job
    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=1)
    cache.set(progress_key(job.pk), 35)
    try:
        assert world.api("admin").get(world.url(f"exports/{job.pk}/")).json()["progress"] == 35
        client.force_login(world.users["admin"])
        page = client.get(f"/t/alpha/exports/{job.pk}/").content.decode()
        assert 'data-status="running"' in page and "35%" in page
        assert "SHA-256" not in page
    finally:
        cache.delete(progress_key(job.pk))


def test_a_finished_workbook_shows_no_checksum(client, world, settings, tmp_path):
    from scoring.tasks import run_export

    settings.MEDIA_ROOT = str(tmp_path)
    assert run_export(tenant_id=world.tenant.pk, job_id=world.export_job.pk) == "done"
    assert ExportJob.objects.get(pk=world.export_job.pk).params == {"year": 2025}
    client.force_login(world.users["admin"])
    page = client.get(f"/t/alpha/exports/{world.export_job.pk}/").content.decode()
    assert 'id="export-download"' in page and "SHA-256" not in page
    download = client.get(f"/t/alpha/exports/{world.export_job.pk}/download/")
    assert download["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert download["Content-Disposition"].endswith('.xlsx"')
