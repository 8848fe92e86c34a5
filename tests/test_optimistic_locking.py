"""Optimistic locking (API.md "Optimistic locking"): GET sends a strong ETag,
a PATCH (or a POST action on the object) with a stale If-Match answers 412
and changes nothing; the tag is compared under a row lock, so two requests
carrying the same tag cannot both win."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from ledgers.models import Entry
from ledgers.tests.conftest import make_entry, state
from roster.models import Nomination
from tests.concurrency import race

pytestmark = pytest.mark.django_db

TAG = re.compile(r'^"\d+-[0-9a-f]{32}"$')


def etag(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


def test_get_of_an_entry_sends_a_strong_etag(world):
    entry = world.entries["achievement"]
    url = world.url(f"achievements/{entry.pk}/")
    tag = etag(world.api("admin"), url)
    assert TAG.match(tag)
    assert tag.startswith(f'"{entry.pk}-')
    assert etag(world.api("admin"), url) == tag  # same version, same tag


@pytest.mark.parametrize(
    "path",
    ["nominations/{nomination}/", "officers/{officer}/", "policy/"],
)
def test_get_of_a_nomination_officer_and_policy_sends_an_etag(world, path):
    url = world.url(path.format(nomination=world.nomination.pk, officer=world.officers["d1"].pk))
    assert TAG.match(etag(world.api("admin"), url))


def test_lists_send_no_etag(world):
    assert "ETag" not in world.api("admin").get(world.url("achievements/"))


def test_patch_with_stale_if_match_is_412_and_changes_nothing(world):
    entry = world.entries["achievement"]
    url = world.url(f"achievements/{entry.pk}/")
    admin = world.api("admin")
    stale = etag(admin, url)
    assert admin.patch(url, {"title": "第一次修改"}).status_code == 200
    before = state(entry)

    response = admin.patch(url, {"title": "第二次修改"}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert set(response.json()) == {"detail"}
    assert state(entry) == before
    assert Entry.objects.get(pk=entry.pk).title == "第一次修改"


def test_patch_with_current_if_match_succeeds_and_sends_the_new_tag(world):
    entry = world.entries["achievement"]
    url = world.url(f"achievements/{entry.pk}/")
    admin = world.api("admin")
    current = etag(admin, url)

    response = admin.patch(url, {"title": "改好了"}, HTTP_IF_MATCH=current)

    assert response.status_code == 200
    assert Entry.objects.get(pk=entry.pk).title == "改好了"
    assert TAG.match(response["ETag"])
    assert response["ETag"] != current
    assert response["ETag"] == etag(admin, url)


def test_patch_without_if_match_works_as_before(world):
    entry = world.entries["achievement"]
    response = world.api("admin").patch(
        world.url(f"achievements/{entry.pk}/"), {"title": "无条件修改"}
    )
    assert response.status_code == 200
    assert Entry.objects.get(pk=entry.pk).title == "无条件修改"


def test_if_match_star_and_lists_and_weak_tags(world):
    entry = world.entries["achievement"]
    url = world.url(f"achievements/{entry.pk}/")
    admin = world.api("admin")
    current = etag(admin, url)
    assert admin.patch(url, {"title": "甲"}, HTTP_IF_MATCH="*").status_code == 200
    current = etag(admin, url)
    assert admin.patch(url, {"title": "乙"}, HTTP_IF_MATCH=f"W/{current}").status_code == 412
    assert admin.patch(url, {"title": "乙"}, HTTP_IF_MATCH=f'"1-0", {current}').status_code == 200


def test_stale_if_match_on_a_transition_is_412(world):
    entry = make_entry(world, ["d1"], status="submitted")
    url = world.url(f"achievements/{entry.pk}/")
    admin = world.api("admin")
    stale = etag(admin, url)
    Entry.objects.filter(pk=entry.pk).update(title="别人改过")

    response = admin.post(f"{url}verify/", {}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert Entry.objects.get(pk=entry.pk).status == "submitted"


def test_stale_if_match_on_a_nomination_step_is_412(world):
    nomination = world.nomination
    url = world.url(f"nominations/{nomination.pk}/")
    admin = world.api("admin")
    stale = etag(admin, url)
    Nomination.objects.filter(pk=nomination.pk).update(position="处长")

    response = admin.post(f"{url}reject/", {"reason": "不符合条件"}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert Nomination.objects.get(pk=nomination.pk).stage == "on_notice"


def test_if_match_on_another_tenants_entry_is_404(world, other_world):
    entry = other_world.entries["achievement"]
    response = world.api("admin").patch(
        world.url(f"achievements/{entry.pk}/"), {"title": "越界"}, HTTP_IF_MATCH='"1-x"'
    )
    assert response.status_code == 404


def test_if_match_from_a_role_without_the_right_is_403(world):
    entry = world.entries["achievement"]
    url = world.url(f"achievements/{entry.pk}/")
    auditor = world.api("auditor")
    response = auditor.patch(url, {"title": "审计改"}, HTTP_IF_MATCH=etag(auditor, url))
    assert response.status_code == 403


# --- races (PostgreSQL: real row locks across connections) -----------------------------


def test_two_patches_with_the_same_etag_second_is_412(world):
    entry = world.entries["achievement"]
    url = world.url(f"achievements/{entry.pk}/")
    admin, manager = world.api("admin"), world.api("manager")
    tag = etag(admin, url)
    assert admin.patch(url, {"title": "甲的修改"}, HTTP_IF_MATCH=tag).status_code == 200
    assert manager.patch(url, {"title": "乙的修改"}, HTTP_IF_MATCH=tag).status_code == 412
    assert Entry.objects.get(pk=entry.pk).title == "甲的修改"


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks across connections need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_with_the_same_etag_one_wins(world):
    entry = world.entries["achievement"]
    url = world.url(f"achievements/{entry.pk}/")
    tag = etag(world.api("admin"), url)
    clients = [world.api("admin" if i % 2 else "manager") for i in range(8)]

    def patch(i):
        return lambda: clients[i].patch(url, {"title": f"修改{i}"}, HTTP_IF_MATCH=tag).status_code

    results = race([patch(i) for i in range(8)])

    assert sorted(results) == [200] + [412] * 7
    winner = results.index(200)
    assert Entry.objects.get(pk=entry.pk).title == f"修改{winner}"
