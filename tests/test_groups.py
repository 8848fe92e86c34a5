"""Officer groups: pairs, the guidance group, district working groups."""

from __future__ import annotations

import datetime as dt

import pytest

from roster.models import OfficerGroup
from roster.services import officer_create
from tests.world import TERM

pytestmark = pytest.mark.django_db


def _city(world, name):
    return officer_create(
        tenant=world.tenant,
        full_name=name,
        category="city",
        district=None,
        term_start=TERM[0],
        term_end=TERM[1],
    )


def _post(world, body, who="admin"):
    return world.api(who).post(world.url("groups/"), body, format="json")


def test_working_group_takes_the_districts_officers(world):
    group = world.group
    assert sorted(m.full_name for m in group.members.all()) == ["张三", "李四"]
    assert (group.leader_name, group.deputy) == ("一区科技局副局长", world.officers["city"])


def test_pair_is_two_city_officers_covering_two_hosts(world):
    other = _city(world, "城二")
    body = {
        "kind": "pair",
        "name": "第一组",
        "formed_on": "2025-01-01",
        "members": [world.officers["city"].id, other.id],
        "host_units": [world.units["u1"].id, world.units["u2"].id],
    }
    assert _post(world, body).status_code == 201
    again = _post(world, {**body, "name": "重复"})
    assert again.status_code == 400 and "members" in again.json()
    mixed = _post(world, {**body, "members": [world.officers["city"].id, world.officers["d1"].id]})
    assert mixed.status_code == 400
    one_host = _post(
        world,
        {
            **body,
            "members": [_city(world, "城三").id, _city(world, "城四").id],
            "host_units": [world.units["u1"].id],
        },
    )
    assert one_host.status_code == 400 and "host_units" in one_host.json()
    assert OfficerGroup.objects.filter(kind="pair").count() == 1


def test_guidance_group_of_five_with_a_leader_for_two_years(world):
    five = [_city(world, f"指导{i}") for i in range(5)]
    response = _post(
        world,
        {
            "kind": "guidance",
            "name": "指导组",
            "formed_on": "2025-03-01",
            "members": [o.id for o in five],
            "leader": five[0].id,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["until"] == "2027-02-28"
    four = _post(
        world,
        {
            "kind": "guidance",
            "formed_on": "2025-03-01",
            "members": [o.id for o in five[:4]],
            "leader": five[0].id,
        },
    )
    assert four.status_code == 400 and "members" in four.json()
    outsider = _post(
        world,
        {
            "kind": "guidance",
            "formed_on": "2025-03-01",
            "members": [o.id for o in five],
            "leader": world.officers["d1"].id,
        },
    )
    assert outsider.status_code == 400 and "leader" in outsider.json()


@pytest.mark.parametrize("who", ["auditor", "manager", "officer"])
def test_only_admins_form_groups(world, who):
    before = OfficerGroup.objects.count()
    response = _post(
        world,
        {
            "kind": "working",
            "formed_on": "2025-01-01",
            "district": "d2",
            "leader_name": "某人",
            "deputy": world.officers["city"].id,
        },
        who,
    )
    assert response.status_code == 403
    assert OfficerGroup.objects.count() == before


def test_groups_page_lists_and_forms(client, world):
    client.force_login(world.users["admin"])
    html = client.get("/t/alpha/groups/").content.decode()
    assert "一区工作组" in html and "一区科技局副局长" in html
    response = client.post(
        "/t/alpha/groups/",
        {
            "kind": "working",
            "formed_on": "2025-01-01",
            "district": world.districts["d2"].pk,
            "leader_name": "二区负责人",
            "deputy": world.officers["city"].pk,
        },
    )
    assert response.status_code == 302
    group = OfficerGroup.objects.get(leader_name="二区负责人")
    assert [m.full_name for m in group.members.all()] == ["王五"]
    assert group.formed_on == dt.date(2025, 1, 1)
