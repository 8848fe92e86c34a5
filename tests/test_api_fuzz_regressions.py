"""Regressions found by running schemathesis against the served schema
(issue 10): every 5xx it found is reproduced here and must now be a 4xx."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

#: Larger than any 64-bit integer column (SQLite raises OverflowError on it).
HUGE = "-2310369096987821735936"


@pytest.mark.parametrize("prefix", ["videos/", "achievements/", "events/"])
@pytest.mark.parametrize("param", ["officer", "enterprise"])
def test_entry_list_refuses_an_id_filter_out_of_range(world, prefix, param):
    response = world.api("admin").get(world.url(prefix), {param: HUGE})
    assert response.status_code == 400
    assert response.json() == {param: ["不是有效的编号。"]}


@pytest.mark.parametrize("value", ["1.5", "0", "abc"])
def test_entry_list_refuses_an_officer_filter_that_is_no_id(world, value):
    response = world.api("admin").get(world.url("achievements/"), {"officer": value})
    assert response.status_code == 400
    assert response.json() == {"officer": ["不是有效的编号。"]}


def test_entry_list_still_filters_by_officer(world):
    api = world.api("admin")
    credited = api.get(world.url("achievements/"), {"officer": world.officers["d1"].pk})
    other = api.get(world.url("achievements/"), {"officer": world.officers["d2"].pk})
    assert [row["id"] for row in credited.json()["results"]] == [world.entries["achievement"].pk]
    assert other.json()["results"] == []


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def statuses(schema, method, path) -> list[str]:
    return sorted(schema["paths"][path][method]["responses"])


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("post", "/api/v1/auth/token/", ["200", "400", "429"]),
        ("post", "/api/v1/auth/mfa/confirm/", ["200", "400", "401", "429"]),
        (
            "post",
            "/api/v1/tenants/{tenant_slug}/achievements/",
            ["201", "400", "401", "403", "404", "409", "422"],
        ),
        (
            "patch",
            "/api/v1/tenants/{tenant_slug}/achievements/{id}/",
            ["200", "400", "401", "403", "404", "409", "412"],
        ),
        (
            "post",
            "/api/v1/tenants/{tenant_slug}/achievements/{id}/verify/",
            ["200", "400", "401", "403", "404", "409", "412", "422"],
        ),
        ("get", "/api/v1/tenants/{tenant_slug}/audit/", ["200", "400", "401", "403", "404"]),
        ("get", "/api/v1/tenants/{tenant_slug}/audit/{id}/", ["200", "401", "403", "404"]),
        ("get", "/api/v1/tenants/", ["200", "401"]),
        ("get", "/api/v1/public/{slug}/roster-changes/", ["200", "400", "404"]),
        (
            "post",
            "/api/v1/public/{slug}/notices/{notice_id}/objections/",
            ["201", "400", "403", "404", "409", "429"],
        ),
    ],
)
def test_schema_documents_the_error_statuses(schema, method, path, expected):
    assert statuses(schema, method, path) == expected


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("at__gte", "0001-01-01"),
        ("at__lte", "9999-12-31"),
        ("at__gte", "0001-01-01T00:00:00+08:00"),
        ("at__lte", "9999-12-31T23:59:59-05:00"),
    ],
)
def test_audit_list_refuses_a_moment_past_the_calendar(world, param, value):
    response = world.api("admin").get(world.url("audit/"), {param: value})
    assert response.status_code == 400
    assert response.json() == {param: ["日期超出可用范围。"]}


def test_audit_list_still_takes_the_first_and_last_representable_days(world):
    api = world.api("admin")
    everything = api.get(world.url("audit/"), {"at__gte": "0001-01-02", "at__lte": "9999-12-30"})
    assert everything.status_code == 200
    assert everything.json()["count"] == api.get(world.url("audit/")).json()["count"] > 0


@pytest.mark.parametrize(
    ("path", "param", "other"),
    [
        ("nominations/", "round", lambda w: w.round.pk),
        ("objections/", "notice", lambda w: w.objection.notice_id),
        ("change-requests/", "officer", lambda w: w.officers["d1"].pk),
    ],
)
def test_a_filter_by_another_tenants_id_answers_as_an_unknown_id(
    world, other_world, path, param, other
):
    client = world.api("admin")
    theirs = client.get(world.url(f"{path}?{param}={other(other_world)}"))
    nowhere = client.get(world.url(f"{path}?{param}=987654321"))
    assert theirs.status_code == nowhere.status_code == 200
    assert (
        theirs.json()
        == nowhere.json()
        == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
    )
    own = client.get(world.url(f"{path}?{param}={other(world)}"))
    assert own.status_code == 200 and own.json()["count"] >= 1


def test_a_missing_object_answers_404_in_the_callers_language(world):
    client = world.api("admin")
    chinese = client.get(world.url("achievements/987654321/"))
    english = client.get(world.url("officers/987654321/"), HTTP_ACCEPT_LANGUAGE="en")
    assert (chinese.status_code, chinese.json()) == (404, {"detail": "未找到。"})
    assert (english.status_code, english.json()) == (404, {"detail": "Not found."})


def test_an_api_path_no_route_matches_answers_json(world, client):
    response = world.api("admin").get("/api/v1/tenants/alpha/rankings/1234567890123456789012/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": "未找到。"}
    page = client.get("/t/alpha/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def _ok_schema(schema, method, path, status="200") -> dict:
    return schema["paths"][path][method]["responses"][status]["content"]["application/json"][
        "schema"
    ]


@pytest.mark.parametrize(
    ("method", "path", "status", "item"),
    [
        ("get", "/api/v1/tenants/{tenant_slug}/officers/headcount/", "200", "Headcount"),
        ("get", "/api/v1/tenants/{tenant_slug}/officers/rotation-due/", "200", "RotationDue"),
        ("get", "/api/v1/tenants/{tenant_slug}/officers/{id}/hosts/", "200", "HostAssignment"),
    ],
)
def test_plain_lists_are_documented_as_plain_lists(schema, method, path, status, item):
    """schemathesis (2026-12-01): these answer a JSON array, the schema said
    a paginated object."""
    assert _ok_schema(schema, method, path, status) == {
        "type": "array",
        "items": {"$ref": f"#/components/schemas/{item}"},
    }


def test_a_new_host_assignment_is_documented_as_one_object(schema):
    path = "/api/v1/tenants/{tenant_slug}/officers/{id}/hosts/"
    assert _ok_schema(schema, "post", path, "201") == {
        "$ref": "#/components/schemas/HostAssignment"
    }


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("PolicyVersion", "created_by"),
        ("ChangeRequest", "unit_name"),
        ("ChangeRequest", "decided_by"),
    ],
)
def test_fields_that_answer_null_are_documented_nullable(schema, component, field):
    """schemathesis (2026-12-01): a version the preset made has no author, a
    pending request no decider, a request without a host no unit name."""
    assert schema["components"]["schemas"][component]["properties"][field].get("nullable")


@pytest.mark.parametrize("path", ["officers/rotation-due/", "officers/headcount/", "reports/due/"])
def test_a_day_out_of_the_portals_years_is_refused(world, path):
    """rotation-due/?on=0001-01-01 answered 500 (a rotation looks years back);
    every ?on= of the API is read by one parser (liaison.api.dates)."""
    api = world.api("admin")
    for far in ("0001-01-01", "1900-12-31", "2199-01-01", "9999-12-31"):
        response = api.get(world.url(path), {"on": far})
        assert (response.status_code, response.json()) == (
            400,
            {"on": ["请填写 1901 年至 2198 年之间的日期。"]},
        ), (path, far)
    bad = api.get(world.url(path), {"on": "2026-3-1"})
    assert bad.json() == {"on": ["请按 YYYY-MM-DD 填写有效日期，如 2026-03-31。"]}
    for edge in ("1901-01-01", "2198-12-31"):
        assert api.get(world.url(path), {"on": edge}).status_code == 200, (path, edge)
