"""Ledger pages: log, detail, review queue, evidence, libraries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledgers.models import Entry, EntryEvent, Evidence, Reference
from ledgers.services import entry_create, entry_submit

from .world import PNG

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": "alpha", **kwargs})


def _membership(world, role):
    return world.users[role].memberships.get()


def _submitted(world, officer_key="mine", title="待审对接会"):
    admin = _membership(world, "admin")
    entry = entry_create(
        tenant=world.tenant,
        membership=admin,
        kind="event",
        data={"title": title, "occurred_on": "2025-05-05"},
        officers=[world.officers[officer_key]],
    )
    return entry_submit(tenant=world.tenant, membership=admin, entry=entry)


def test_officer_logs_an_event_and_is_credited_without_picking_themselves(client, world):
    client.force_login(world.users["officer"])
    form = client.get(_url("entry-create", kind="event")).content.decode()
    assert "张三" not in form.split('name="officers"')[1].split("</select>")[0]
    response = client.post(
        _url("entry-create", kind="event"),
        {
            "title": "校企对接会",
            "occurred_on": "2025-06-01",
            "event_type": "docking",
            "venue": "光谷",
            "participants": "30",
            "officers": [world.officers["d2"].pk],
        },
    )
    entry = Entry.objects.get(title="校企对接会")
    assert response["Location"] == _url("entry-detail", pk=entry.pk)
    assert sorted(entry.credits.values_list("officer__full_name", flat=True)) == ["张三", "王五"]
    assert (entry.kind, entry.status, entry.participants) == ("event", "draft", 30)


def test_log_form_errors_write_nothing(client, world):
    client.force_login(world.users["officer"])
    before = Entry.objects.count()
    response = client.post(_url("entry-create", kind="event"), {"title": "", "occurred_on": "x"})
    assert response.status_code == 200
    assert response.content.decode().count("invalid-feedback") == 2
    assert Entry.objects.count() == before


def test_unknown_kind_is_404(client, world):
    client.force_login(world.users["officer"])
    assert client.get(_url("entry-create", kind="poem")).status_code == 404


def test_manager_verifies_from_the_queue(client, world):
    entry = _submitted(world)
    client.force_login(world.users["manager"])
    queue = client.get(_url("review-queue")).content.decode()
    assert "待审对接会" in queue
    response = client.post(
        _url("entry-action", pk=entry.pk, action="verify"), {"next": _url("review-queue")}
    )
    assert response["Location"] == _url("review-queue")
    entry.refresh_from_db()
    assert (entry.status, entry.verified_by) == ("verified", world.users["manager"])
    queue = client.get(_url("review-queue")).content.decode()  # the flash message is consumed
    assert 'class="list-group-item review-row"' not in queue


def test_queue_hides_other_districts_and_own_credits(client, world):
    _submitted(world, "d2", "二区的活动")
    _submitted(world, "d1", "一区的活动")
    client.force_login(world.users["manager"])
    html = client.get(_url("review-queue")).content.decode()
    assert "一区的活动" in html and "二区的活动" not in html
    # the district filter offers only the manager's own districts
    d1, d2 = world.districts["d1"], world.districts["d2"]
    assert f'<option value="{d1.code}">{d1.name}</option>' in html
    assert f'value="{d2.code}"' not in html


def test_return_needs_a_reason_and_then_records_it(client, world):
    entry = _submitted(world)
    client.force_login(world.users["manager"])
    client.post(_url("entry-action", pk=entry.pk, action="return"), {"reason": ""})
    entry.refresh_from_db()
    assert entry.status == "submitted"
    client.post(_url("entry-action", pk=entry.pk, action="return"), {"reason": "缺少签到表"})
    entry.refresh_from_db()
    assert (entry.status, entry.return_reason) == ("returned", "缺少签到表")
    assert EntryEvent.objects.filter(entry=entry, action="returned").get().reason == "缺少签到表"


def test_officer_cannot_verify_their_own_entry_from_the_page(client, world):
    entry = _submitted(world)
    client.force_login(world.users["officer"])
    assert client.get(_url("review-queue")).status_code == 403
    client.post(_url("entry-action", pk=entry.pk, action="verify"))
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_bulk_verify_verifies_the_ticked_entries_only(client, world):
    a, b, c = (_submitted(world, "d1", f"活动{i}") for i in range(3))
    client.force_login(world.users["manager"])
    client.post(_url("review-queue"), {"entries": [a.pk, b.pk]})
    assert [e.status for e in Entry.objects.filter(pk__in=[a.pk, b.pk, c.pk]).order_by("pk")] == [
        "verified",
        "verified",
        "submitted",
    ]


def test_bulk_verify_ignores_entries_out_of_reach(client, world):
    other = _submitted(world, "d2", "二区")
    client.force_login(world.users["manager"])
    client.post(_url("review-queue"), {"entries": [other.pk]})
    other.refresh_from_db()
    assert other.status == "submitted"


def test_evidence_upload_and_scoped_download(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    entry = world.entries["event"]
    client.force_login(world.users["manager"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        _url("evidence-upload", pk=entry.pk),
        {"file": SimpleUploadedFile("签到表.png", PNG, content_type="image/png")},
    )
    evidence = Evidence.objects.get(entry=entry)
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "签到表.png",
        "image/png",
        len(PNG),
    )
    response = client.get(_url("evidence-download", pk=entry.pk, evidence_pk=evidence.pk))
    assert b"".join(response.streaming_content) == PNG
    assert "attachment" in response["Content-Disposition"]
    client.force_login(world.users["officer"])  # the entry credits d1, not the officer
    assert (
        client.get(_url("evidence-download", pk=entry.pk, evidence_pk=evidence.pk)).status_code
        == 404
    )


def test_evidence_upload_refuses_a_disguised_file(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["manager"])
    entry = world.entries["event"]
    response = client.post(
        _url("evidence-upload", pk=entry.pk),
        {"file": SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Evidence.objects.filter(entry=entry).exists()
    assert list(tmp_path.rglob("*")) == []


def test_detail_shows_history_and_duplicate_warning(client, world):
    admin = _membership(world, "admin")
    first = entry_create(
        tenant=world.tenant,
        membership=admin,
        kind="achievement",
        data={"title": "新型电池", "institution": "某大学", "occurred_on": "2025-01-02"},
        officers=[world.officers["d1"]],
    )
    second = entry_create(
        tenant=world.tenant,
        membership=admin,
        kind="achievement",
        data={"title": " 新型电池 ", "institution": "某大学", "occurred_on": "2025-02-02"},
        officers=[world.officers["d1"]],
    )
    assert second.duplicate_of == first
    client.force_login(world.users["manager"])
    html = client.get(_url("entry-detail", pk=second.pk)).content.decode()
    assert 'id="duplicate-warning"' in html and _url("entry-detail", pk=first.pk) in html


def test_library_search_and_add(client, world):
    client.force_login(world.users["officer"])
    response = client.post(
        _url("reference-create"), {"library": "expert", "name": "王教授团队", "field": "新材料"}
    )
    assert response.status_code == 302
    html = client.get(_url("library") + "?library=expert&q=王教授").content.decode()
    assert "王教授团队" in html
    again = client.post(_url("reference-create"), {"library": "expert", "name": "王教授团队"})
    assert again.status_code == 200
    assert Reference.objects.filter(name="王教授团队").count() == 1


def test_auditor_reads_ledgers_but_cannot_log(client, world):
    client.force_login(world.users["auditor"])
    assert client.get(_url("my-work")).status_code == 200
    assert client.get(_url("entry-create", kind="event")).status_code == 403
    assert client.get(_url("reference-create")).status_code == 403
