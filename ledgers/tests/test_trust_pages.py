"""The entry page as the trust rules' users read it (found walking the pages
in a browser): who a submission waits for, why a reviewer has no verify
button, a manager's withdraw said as a return, history with names.

"Today" is fixed (time_machine) at 2025-07-01 01:00 in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Notification
from ledgers.models import Entry

from .test_trust import _colleague, _create, _post

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 30, 17, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _page(world, client, who, entry):
    client.force_login(world.users[who])
    url = reverse("entry-detail", kwargs={"tenant_slug": world.tenant.slug, "pk": entry.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _logged_with_colleague(world, colleague=None):
    """An officer's entry crediting a colleague (created unless given)."""
    colleague = colleague or _colleague(world)
    response = _create(world, "officer", [world.officers["mine"].pk, colleague.pk])
    return Entry.objects.get(pk=response.json()["id"]), colleague


def test_the_waiting_note_names_the_colleague_in_one_chinese_sentence(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # issue 14: told after commit
        entry, _colleague_officer = _logged_with_colleague(world)
    html = _page(world, client, "officer", entry)
    assert "须待 孙八 确认共同计分后才能提交审核。" in html
    # the colleague is told by the creator's name, not their login
    note = Notification.objects.get(user=world.users["colleague"])
    assert note.body.startswith("张三 登记了")


def test_history_shows_officer_names_not_ids(world, client):
    entry, _colleague_officer = _logged_with_colleague(world)
    assert _post(world, "colleague", entry, "decline", {"reason": "没参加"}).status_code == 200
    html = _page(world, client, "officer", entry)
    assert "计分联络员：张三、孙八 → 张三" in html
    entry2, _ = _logged_with_colleague(world, world.officers["colleague"])
    assert _post(world, "colleague", entry2, "confirm").status_code == 200
    assert "确认人：— → 孙八" in _page(world, client, "officer", entry2)


def test_a_manager_sees_why_their_own_entry_has_no_verify_button(world, client):
    response = _create(world, "manager", [world.officers["d1"].pk])
    entry = Entry.objects.get(pk=response.json()["id"])
    assert _post(world, "manager", entry, "submit").status_code == 200
    html = _page(world, client, "manager", entry)
    assert 'id="review-refusal"' in html
    assert "此台账由您登记，须由其他人员审核或退回。" in html
    assert "/verify/" not in html
    # the admin may review it: no note, the buttons
    html = _page(world, client, "admin", entry)
    assert 'id="review-refusal"' not in html and f"/entries/{entry.pk}/verify/" in html


def test_a_managers_withdraw_of_an_officers_entry_is_announced_as_a_return(world, client):
    response = _create(world, "officer", [world.officers["mine"].pk])
    entry = Entry.objects.get(pk=response.json()["id"])
    assert _post(world, "officer", entry, "submit").status_code == 200
    client.force_login(world.users["manager"])
    url = reverse(
        "entry-action",
        kwargs={"tenant_slug": world.tenant.slug, "pk": entry.pk, "action": "withdraw"},
    )
    page = client.post(url, {"reason": "请补充照片"}, follow=True).content.decode()
    entry.refresh_from_db()
    assert entry.status == "returned"
    assert "已退回联络员。" in page
    assert "已撤回为草稿" not in page
