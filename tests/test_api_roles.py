"""Role matrix of the organisation API: each role × each verb, with exact
status codes, and proof that a refused request wrote nothing."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from roster.models import District, DistrictUserObjectPermission, Officer, Unit

from .world import ROLES

pytestmark = pytest.mark.django_db

# role -> expected status for GET of a list
LIST_READ = {
    "districts/": dict.fromkeys(ROLES, 200),
    "units/": dict.fromkeys(ROLES, 200),
    "officers/": dict.fromkeys(ROLES, 200),
    "policy/": dict.fromkeys(ROLES, 200),
    "members/": {"admin": 200, "auditor": 403, "manager": 403, "reviewer": 403, "officer": 403},
    "audit/": {"admin": 200, "auditor": 200, "manager": 403, "reviewer": 403, "officer": 403},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(LIST_READ))
def test_read_matrix(world, path, role):
    assert world.api(role).get(world.url(path)).status_code == LIST_READ[path][role]


CREATE = {
    "districts/": (District, {"code": "d9", "name": "九区"}),
    "units/": (Unit, {"name": "新单位", "kind": "park", "district": "d1"}),
    "members/": (
        Membership,
        {"username": "newbie", "password": "Another-pass-1!", "role": "auditor"},
    ),
    "officers/": (
        Officer,
        {
            "full_name": "新人",
            "category": "city",
            "district": None,
            "term_start": "2025-01-01",
            "term_end": "2026-12-31",
        },
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(CREATE))
def test_create_matrix_only_admin_writes(world, path, role):
    model, body = CREATE[path]
    before = model.objects.count()
    response = world.api(role).post(world.url(path), body, format="json")
    if role == "admin":
        assert response.status_code == 201, response.content
        assert model.objects.count() == before + 1
    else:
        assert response.status_code == 403
        assert model.objects.count() == before


def test_officer_list_is_limited_to_reach(world):
    def names(role):
        body = world.api(role).get(world.url("officers/")).json()
        return sorted(o["full_name"] for o in body["results"])

    assert names("admin") == ["张三", "李四", "王五", "赵六"]
    assert names("auditor") == ["张三", "李四", "王五", "赵六"]
    assert names("manager") == ["张三", "李四"]  # d1 only
    assert names("reviewer") == ["张三", "赵六"]  # dispatched by u1
    assert names("officer") == ["张三"]


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        ("admin", "d2", 200),
        ("auditor", "d2", 403),
        ("manager", "d1", 403),  # visible, may not
        ("manager", "d2", 404),  # out of reach: never 403
        ("reviewer", "city", 403),
        ("reviewer", "d2", 404),
        ("officer", "mine", 403),
        ("officer", "d1", 404),
    ],
)
def test_disqualify_matrix(world, role, target, status):
    officer = world.officers[target]
    response = world.api(role).post(
        world.url(f"officers/{officer.id}/disqualify/"),
        {"reason": "fraud", "effective_on": "2025-06-30"},
        format="json",
    )
    assert response.status_code == status
    officer.refresh_from_db()
    assert officer.status == ("disqualified" if status == 200 else "active")


def test_disqualify_records_reason_date_and_decider(world):
    officer = world.officers["d2"]
    response = world.api("admin").post(
        world.url(f"officers/{officer.id}/disqualify/"),
        {"reason": "law_violation", "effective_on": "2025-06-30"},
        format="json",
    )
    assert response.json()["status"] == "disqualified"
    officer.refresh_from_db()
    assert (
        officer.disqualification_reason,
        str(officer.disqualified_on),
        officer.disqualified_by,
    ) == ("law_violation", "2025-06-30", world.users["admin"])


def test_disqualify_refuses_unknown_reason_and_twice(world):
    officer = world.officers["d2"]
    url = world.url(f"officers/{officer.id}/disqualify/")
    bad = world.api("admin").post(
        url, {"reason": "lazy", "effective_on": "2025-06-30"}, format="json"
    )
    assert bad.status_code == 400
    assert "reason" in bad.json()
    ok = world.api("admin").post(
        url, {"reason": "fraud", "effective_on": "2025-06-30"}, format="json"
    )
    assert ok.status_code == 200
    again = world.api("admin").post(
        url, {"reason": "fraud", "effective_on": "2025-07-01"}, format="json"
    )
    assert again.status_code == 409
    officer.refresh_from_db()
    assert str(officer.disqualified_on) == "2025-06-30"


def test_members_create_district_manager_with_districts(world):
    response = world.api("admin").post(
        world.url("members/"),
        {
            "username": "mgr2",
            "password": "Another-pass-1!",
            "role": "district_manager",
            "districts": ["d1", "d2"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["username"], body["role"], body["districts"]) == (
        "mgr2",
        "district_manager",
        ["d1", "d2"],
    )
    assert "password" not in body
    listed = world.api("admin").get(world.url("members/?page_size=500")).json()["results"]
    assert next(m for m in listed if m["username"] == "mgr2")["districts"] == ["d1", "d2"]
    # the new manager sees both districts' officers and nothing else
    mgr = world.api("admin")
    mgr.credentials()
    assert (
        mgr.post(
            "/api/v1/auth/token/",
            {"username": "mgr2", "password": "Another-pass-1!"},
            format="json",
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x1", "password": "short", "role": "auditor"}, "password"),
        (
            {"username": "x2", "password": "Another-pass-1!", "role": "district_manager"},
            "districts",
        ),
        (
            {
                "username": "x3",
                "password": "Another-pass-1!",
                "role": "district_manager",
                "districts": ["nope"],
            },
            "districts",
        ),
        ({"username": "x4", "password": "Another-pass-1!", "role": "king"}, "role"),
        (
            {"username": "alpha-auditor", "password": "Another-pass-1!", "role": "auditor"},
            "username",
        ),
    ],
)
def test_members_bad_input_is_400_and_writes_nothing(world, body, field):
    before = (Membership.objects.count(), world.tenant.pk)
    response = world.api("admin").post(world.url("members/"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert (Membership.objects.count(), world.tenant.pk) == before


def test_members_other_tenants_district_code_is_unknown(world, other_world):
    response = world.api("admin").post(
        world.url("members/"),
        {
            "username": "mgr3",
            "password": "Another-pass-1!",
            "role": "district_manager",
            "districts": ["d1"],
        },
        format="json",
    )
    assert response.status_code == 201
    # "d1" resolved inside alpha, not beta
    assert response.json()["districts"] == ["d1"]
    granted = DistrictUserObjectPermission.objects.filter(user__username="mgr3")
    assert [g.content_object for g in granted] == [world.districts["d1"]]


def test_district_duplicate_code_is_400_in_chinese(world):
    response = world.api("admin").post(
        world.url("districts/"), {"code": "d1", "name": "重复"}, format="json"
    )
    assert response.status_code == 400
    assert District.objects.for_tenant(world.tenant).count() == 2
    assert response.json() == {"code": ["代码 “d1” 已被使用。"]}


def test_same_district_code_allowed_in_another_tenant(world, other_world):
    assert District.objects.filter(code="d1").count() == 2


def test_officer_create_with_login_and_validation(world):
    ok = world.api("admin").post(
        world.url("officers/"),
        {
            "full_name": "钱七",
            "category": "district",
            "district": "d2",
            "term_start": "2025-01-01",
            "term_end": "2026-12-31",
            "username": "qianqi",
            "password": "Another-pass-1!",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.content
    body = ok.json()
    assert (body["district"], body["status"], body["has_login"]) == ("d2", "active", True)
    assert "password" not in body and "username" not in body
    before = Officer.objects.count()
    for bad, field in (
        ({"category": "mayor"}, "category"),
        ({"category": "district", "district": None}, "district"),
        ({"term_end": "2024-12-31"}, "term_end"),
        ({"district": "zz"}, "district"),
    ):
        payload = {
            "full_name": "孙八",
            "category": "district",
            "district": "d1",
            "term_start": "2025-01-01",
            "term_end": "2026-12-31",
            "username": "sunba",
            "password": "Another-pass-1!",
            **bad,
        }
        response = world.api("admin").post(world.url("officers/"), payload, format="json")
        assert response.status_code == 400, (bad, response.content)
        assert field in response.json()
    assert Officer.objects.count() == before
    assert not Membership.objects.filter(user__username="sunba").exists()


def test_officer_filters(world):
    api = world.api("admin")
    got = api.get(world.url("officers/?category=district&district=d1")).json()
    assert sorted(o["full_name"] for o in got["results"]) == ["张三", "李四"]
    assert api.get(world.url("officers/?status=disqualified")).json()["count"] == 0


def test_policy_endpoint_exposes_the_wuhan_numbers(world):
    body = world.api("officer").get(world.url("policy/")).json()
    assert body["preset"] == "wuhan"
    assert body["version"] == 1
    assert body["points"] == {
        "achievement": 5,
        "demand": 5,
        "event": 10,
        "conversion": 100,
        "case": 0,
        "video": 0,
    }
    assert body["bonus"] == {"threshold": 1000, "amount": 100, "requires_conversion": True}
    assert body["excellence"]["ratio"] == "0.30"
    assert [c["code"] for c in body["categories"]] == ["city", "district"]
    assert body["notice_days"] == 5 and body["term_years"] == 2
    assert [r["code"] for r in body["disqualification_reasons"]] == [
        "no_management",
        "fraud",
        "law_violation",
        "image_damage",
    ]


def test_page_size_is_capped_at_500(world):
    for i in range(3):
        world.api("admin").post(
            world.url("districts/"), {"code": f"x{i}", "name": f"X{i}"}, format="json"
        )
    body = world.api("admin").get(world.url("districts/?page_size=2")).json()
    assert (body["count"], len(body["results"]), body["next"] is not None) == (5, 2, True)
    big = world.api("admin").get(world.url("districts/?page_size=100000")).json()
    assert len(big["results"]) == 5


@pytest.mark.parametrize("path", ["districts/", "units/", "officers/", "members/"])
def test_list_query_count_does_not_grow_with_rows(world, path, django_assert_max_num_queries):
    for i in range(20):
        world.api("admin").post(
            world.url("units/"), {"name": f"U{i}", "kind": "other"}, format="json"
        )
        world.api("admin").post(
            world.url("officers/"),
            {
                "full_name": f"O{i}",
                "category": "city",
                "term_start": "2025-01-01",
                "term_end": "2026-12-31",
            },
            format="json",
        )
        world.api("admin").post(
            world.url("members/"),
            {
                "username": f"m{i}",
                "password": "Another-pass-1!",
                "role": "district_manager",
                "districts": ["d1"],
            },
            format="json",
        )
    client = world.api("admin")
    with django_assert_max_num_queries(10):
        assert client.get(world.url(path) + "?page_size=500").status_code == 200


# --- co-credit confirmation (issue 10): confirm / decline × role ------------------------------

#: role -> status of confirm and of decline (with a reason) on an entry the
#: officer ``mine`` logged crediting a colleague who has not confirmed yet:
#: only the colleague's own login may (200); ``mine``'s own credit is
#: already confirmed (409); the other roles see the entry but are not
#: credited (403).
CO_CREDIT = {
    "admin": 403,
    "auditor": 403,
    "manager": 403,
    "reviewer": 403,
    "officer": 409,
    "colleague": 200,
}


@pytest.mark.parametrize("action", ["confirm", "decline"])
@pytest.mark.parametrize("role", list(CO_CREDIT))
def test_co_credit_matrix(world, role, action):
    import datetime as dt

    from ledgers.models import Credit, EntryEvent
    from roster.services import officer_create

    from .world import PASSWORD, TERM

    colleague = officer_create(
        tenant=world.tenant,
        full_name="孙八",
        category="district",
        district=world.districts["d1"],
        term_start=TERM[0],
        term_end=TERM[1],
        username="alpha-colleague",
        password=PASSWORD,
    )
    world.users["colleague"] = colleague.user
    created = world.api("officer").post(
        world.url("achievements/"),
        {
            "title": "合作成果",
            "occurred_on": str(dt.date(2025, 5, 6)),
            "officers": [world.officers["mine"].pk, colleague.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    events = EntryEvent.objects.filter(entry_id=pk).count()
    response = world.api(role).post(
        world.url(f"achievements/{pk}/{action}/"), {"reason": "我没有参与"}, format="json"
    )
    assert response.status_code == CO_CREDIT[role], response.content
    credit = Credit.objects.filter(entry_id=pk, officer=colleague)
    if CO_CREDIT[role] == 200:
        assert EntryEvent.objects.filter(entry_id=pk).count() == events + 1
        if action == "confirm":
            assert credit.get().confirmed is True
        else:
            assert not credit.exists()
    else:
        assert credit.get().confirmed is False
        assert EntryEvent.objects.filter(entry_id=pk).count() == events


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_disqualify_refuses_a_date_outside_the_term(world, day):
    officer = world.officers["d2"]
    response = world.api("admin").post(
        world.url(f"officers/{officer.id}/disqualify/"),
        {"reason": "fraud", "effective_on": day},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["effective_on"]
    officer.refresh_from_db()
    assert (officer.status, officer.disqualified_on) == ("active", None)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("0001-01-01", "0001-01-01", "term_start"), ("2025-01-01", "9999-12-31", "term_end")],
)
def test_officer_terms_out_of_any_programme_are_refused(world, start, end, field):
    before = Officer.objects.count()
    response = world.api("admin").post(
        world.url("officers/"),
        {
            "full_name": "错日期",
            "category": "city",
            "district": None,
            "term_start": start,
            "term_end": end,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Officer.objects.count() == before
