"""Ledger rules (SPEC.md §5, API.md): who creates for whom, the transitions,
editing and correction, the complete history, and likely duplicates. Each
refusal is checked to change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ledgers import services
from ledgers.models import Entry, EntryEvent
from liaison.errors import Conflict

from .conftest import actions, make_entry, membership, state

pytestmark = pytest.mark.django_db


def _create(world, role, body, prefix="achievements/"):
    return world.api(role).post(world.url(prefix), body, format="json")


def _body(*officers, **extra):
    return {"title": "新成果", "occurred_on": "2025-05-06", "officers": list(officers), **extra}


# --- create ----------------------------------------------------------------------------


def test_officer_creates_entry_crediting_themselves_as_draft(world):
    mine = world.officers["mine"].pk
    response = _create(world, "officer", _body(mine, status="verified", institution="武汉大学"))
    assert response.status_code == 201, response.content
    body = response.json()
    entry = Entry.objects.get(pk=body["id"])
    assert body["status"] == entry.status == "draft"  # a posted status is ignored
    assert body["officers"] == [mine]
    assert entry.created_by == world.users["officer"]
    assert entry.tenant == world.tenant
    assert entry.kind == "achievement"
    assert entry.verified_at is None and entry.submitted_at is None
    (event,) = EntryEvent.objects.filter(entry=entry)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "created",
        world.users["officer"],
        "",
        "draft",
    )
    assert event.changes == {
        "title": [None, "新成果"],
        "occurred_on": [None, "2025-05-06"],
        "institution": [None, "武汉大学"],
        "officers": [None, [mine]],
    }


def test_officer_may_add_co_credited_officers_of_the_tenant(world):
    ids = sorted([world.officers["mine"].pk, world.officers["d2"].pk, world.officers["city"].pk])
    response = _create(world, "officer", _body(*ids))
    assert response.status_code == 201, response.content
    entry = Entry.objects.get(pk=response.json()["id"])
    assert sorted(entry.credits.values_list("officer_id", flat=True)) == ids


@pytest.mark.parametrize("others", [["d1"], ["d2"], ["d1", "city"]])
def test_officer_must_credit_themselves(world, others):
    before = Entry.objects.count()
    response = _create(world, "officer", _body(*[world.officers[o].pk for o in others]))
    assert response.status_code == 400
    assert "officers" in response.json()
    assert Entry.objects.count() == before


def test_create_needs_at_least_one_officer(world):
    before = Entry.objects.count()
    response = _create(world, "admin", _body())
    assert response.status_code == 400
    assert "officers" in response.json()
    assert Entry.objects.count() == before


@pytest.mark.parametrize("role", ["officer", "manager", "admin"])
def test_officer_ids_of_another_tenant_are_400(world, other_world, role):
    before = Entry.objects.count()
    own = world.officers["mine"].pk
    foreign = other_world.officers["mine"].pk
    response = _create(world, role, _body(own, foreign))
    assert response.status_code == 400, response.content
    assert "officers" in response.json()
    response = _create(world, role, _body(foreign))
    assert response.status_code == 400
    assert "officers" in response.json()
    assert Entry.objects.count() == before


@pytest.mark.parametrize(
    ("officers", "expected"),
    [
        (["d1"], 201),
        (["mine", "d1"], 201),
        (["d1", "d2"], 400),  # every credited officer must be in the manager's districts
        (["mine", "city"], 400),
        (["d2"], 400),
        (["city"], 400),
        (["d2", "city"], 400),
    ],
)
def test_manager_logs_for_officers_in_their_districts(world, officers, expected):
    before = Entry.objects.count()
    response = _create(world, "manager", _body(*[world.officers[o].pk for o in officers]))
    assert response.status_code == expected, response.content
    if expected == 201:
        entry = Entry.objects.get(pk=response.json()["id"])
        assert entry.status == "draft"
        assert entry.created_by == world.users["manager"]
        assert Entry.objects.count() == before + 1
    else:
        assert "officers" in response.json()
        assert Entry.objects.count() == before


@pytest.mark.parametrize("officers", [["d2"], ["city"], ["mine", "d1", "d2", "city"]])
def test_admin_logs_for_any_officer_of_the_tenant(world, officers):
    response = _create(world, "admin", _body(*[world.officers[o].pk for o in officers]))
    assert response.status_code == 201, response.content
    assert Entry.objects.get(pk=response.json()["id"]).status == "draft"


def test_officer_listed_twice_is_not_a_server_error(world):
    client = world.api("officer")
    client.raise_request_exception = False
    before = Entry.objects.count()
    mine = world.officers["mine"].pk
    response = client.post(world.url("achievements/"), _body(mine, mine), format="json")
    assert response.status_code in (201, 400), response.status_code
    if response.status_code == 400:
        assert "officers" in response.json()
        assert Entry.objects.count() == before
    else:
        entry = Entry.objects.get(pk=response.json()["id"])
        assert list(entry.credits.values_list("officer_id", flat=True)) == [mine]


def test_co_credited_officer_listed_twice_on_edit_is_not_a_server_error(world):
    entry = make_entry(world, ["mine"])
    before = state(entry)
    client = world.api("officer")
    client.raise_request_exception = False
    mine, d2 = world.officers["mine"].pk, world.officers["d2"].pk
    response = client.patch(
        world.url(f"achievements/{entry.pk}/"), {"officers": [mine, d2, d2]}, format="json"
    )
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert "officers" in response.json()
        assert state(entry) == before
    else:
        assert sorted(entry.credits.values_list("officer_id", flat=True)) == sorted([mine, d2])


@pytest.mark.parametrize(
    "bad",
    [
        {"occurred_on": "2025-13-45"},
        {"title": ""},
        {"title": "x" * 201},
        {"maturity": "ancient"},
    ],
)
def test_bad_input_on_create_is_400_and_creates_nothing(world, bad):
    before = (Entry.objects.count(), EntryEvent.objects.count())
    response = _create(world, "officer", {**_body(world.officers["mine"].pk), **bad})
    assert response.status_code == 400
    assert set(response.json()) == set(bad)
    assert (Entry.objects.count(), EntryEvent.objects.count()) == before


@pytest.mark.parametrize(
    "bad",
    [{"occurred_on": "not-a-date"}, {"title": "  "}, {"officers": []}, {"maturity": "ancient"}],
)
def test_bad_input_on_edit_is_400_and_changes_nothing(world, bad):
    entry = make_entry(world, ["mine"])
    before = state(entry)
    response = world.api("officer").patch(
        world.url(f"achievements/{entry.pk}/"), {"summary": "同时改的", **bad}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == set(bad)
    assert state(entry) == before


@pytest.mark.parametrize("role", ["auditor", "reviewer"])
def test_auditor_and_unit_reviewer_may_not_create(world, role):
    before = (Entry.objects.count(), EntryEvent.objects.count())
    response = _create(world, role, _body(world.officers["mine"].pk))
    assert response.status_code == 403
    assert (Entry.objects.count(), EntryEvent.objects.count()) == before


@pytest.mark.parametrize("role", ["auditor", "reviewer"])
def test_service_refuses_create_by_auditor_and_reviewer(world, role):
    with pytest.raises(PermissionDenied):
        services.entry_create(
            tenant=world.tenant,
            membership=membership(world, role),
            kind="achievement",
            data={"title": "x", "occurred_on": dt.date(2025, 1, 1)},
            officers=[world.officers["mine"]],
        )


# --- submit and withdraw ---------------------------------------------------------------


def _post(world, role, entry, action, body=None):
    return world.api(role).post(
        world.url(f"achievements/{entry.pk}/{action}/"), body or {}, format="json"
    )


def _patch(world, role, entry, body):
    return world.api(role).patch(world.url(f"achievements/{entry.pk}/"), body, format="json")


def _check_refused(world, entry, action, code, *roles, body=None):
    """Each of ``roles`` in turn asks for ``action`` on ``entry`` (a POST of
    submit, withdraw, verify or return; "edit" for a PATCH of ``body``) and
    gets ``code``; the entry is left as it was. Answers the last response."""
    before = state(entry)
    for role in roles:
        if action == "edit":
            response = _patch(world, role, entry, body)
        else:
            response = _post(world, role, entry, action, body)
        assert response.status_code == code, (role, response.content)
    assert state(entry) == before
    return response


def _credit_login(world, officer, login):
    """Make ``login``'s user the user of officer ``officer``, so that the
    login is credited on that officer's entries."""
    officer = world.officers[officer]
    officer.user = world.users[login]
    officer.save(update_fields=["user"])


def test_officer_submits_and_withdraws_own_entry(world):
    entry = make_entry(world, ["mine"])
    response = _post(world, "officer", entry, "submit")
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.status == "submitted" and entry.submitted_at is not None
    response = _post(world, "officer", entry, "withdraw")
    assert response.status_code == 200
    assert Entry.objects.get(pk=entry.pk).status == "draft"
    assert actions(entry) == ["created", "submitted", "withdrawn"]


def test_returned_entry_is_edited_and_resubmitted_by_the_officer(world):
    entry = make_entry(world, ["mine"], status="returned")
    assert entry.return_reason == "补充材料"
    response = world.api("officer").patch(
        world.url(f"achievements/{entry.pk}/"), {"summary": "补了合同"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Entry.objects.get(pk=entry.pk).status == "returned"
    response = _post(world, "officer", entry, "submit")
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == "submitted"
    assert entry.summary == "补了合同"
    assert entry.return_reason == ""
    assert actions(entry) == ["created", "submitted", "returned", "updated", "submitted"]


@pytest.mark.parametrize("start", ["submitted", "verified"])
def test_submit_from_other_states_is_409(world, start):
    entry = make_entry(world, ["mine"], status=start)
    _check_refused(world, entry, "submit", 409, "officer", "manager")


@pytest.mark.parametrize("start", ["draft", "returned", "verified"])
def test_withdraw_only_from_submitted(world, start):
    entry = make_entry(world, ["mine"], status=start)
    _check_refused(world, entry, "withdraw", 409, "officer", "admin")


# --- verify and return -----------------------------------------------------------------


@pytest.mark.parametrize("credits", [["mine"], ["mine", "d1"], ["mine", "d2"]])
def test_verify_refuses_credited_officer(world, credits):
    entry = make_entry(world, credits, status="submitted")
    _check_refused(world, entry, "verify", 403, "officer")


@pytest.mark.parametrize("credits", [["mine"], ["mine", "d2"]])
def test_return_refuses_credited_officer(world, credits):
    entry = make_entry(world, credits, status="submitted")
    _check_refused(world, entry, "return", 403, "officer", body={"reason": "自己退回"})


def test_verify_refuses_manager_who_is_a_credited_officer(world):
    """A district manager whose login is one of the credited officers may not
    verify it, though the entry is in their district."""
    _credit_login(world, "d1", "manager")
    entry = make_entry(world, ["d1"], status="submitted")
    before = state(entry)
    _check_refused(world, entry, "verify", 403, "manager")
    with pytest.raises(PermissionDenied):
        services.entry_verify(
            tenant=world.tenant, membership=membership(world, "manager"), entry=entry
        )
    with pytest.raises(PermissionDenied):
        services.entry_return(
            tenant=world.tenant, membership=membership(world, "manager"), entry=entry, reason="x"
        )
    assert state(entry) == before


def test_return_refuses_manager_who_is_a_credited_officer(world):
    _credit_login(world, "d1", "manager")
    entry = make_entry(world, ["d1"], status="submitted")
    _check_refused(world, entry, "return", 403, "manager", body={"reason": "自己退回"})


def test_verify_refuses_admin_who_is_a_credited_officer(world):
    _credit_login(world, "city", "admin")
    entry = make_entry(world, ["city"], status="submitted")
    _check_refused(world, entry, "verify", 403, "admin")


def test_manager_verifies_entry_crediting_officers_of_their_district(world):
    entry = make_entry(world, ["mine", "d1"], status="submitted")
    response = _post(world, "manager", entry, "verify")
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.status == "verified"
    assert entry.verified_by == world.users["manager"]
    assert entry.verified_at is not None
    assert response.json()["verified_at"] is not None


def test_city_officers_entries_are_verified_by_the_admin_only(world):
    """A city officer has no district: no district manager reaches the entry."""
    entry = make_entry(world, ["city"], status="submitted", by="centre")
    _check_refused(world, entry, "verify", 404, "manager")
    assert _post(world, "admin", entry, "verify").status_code == 200
    assert Entry.objects.get(pk=entry.pk).status == "verified"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_return_needs_a_reason(world, body):
    entry = make_entry(world, ["d1"], status="submitted")
    response = _check_refused(world, entry, "return", 400, "manager", body=body)
    assert "reason" in response.json()


def test_service_return_needs_a_reason(world):
    entry = make_entry(world, ["d1"], status="submitted")
    before = state(entry)
    with pytest.raises(ValidationError) as info:
        services.entry_return(
            tenant=world.tenant, membership=membership(world, "admin"), entry=entry, reason=" "
        )
    assert "reason" in info.value.message_dict
    assert state(entry) == before


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_return_sets_returned_and_reason(world, role):
    entry = make_entry(world, ["d1"], status="submitted", by="centre")
    response = _post(world, role, entry, "return", {"reason": "  缺少合同  "})
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.status == response.json()["status"] == "returned"
    assert entry.return_reason == response.json()["return_reason"] == "缺少合同"
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    assert (event.action, event.actor, event.from_status, event.to_status, event.reason) == (
        "returned",
        world.users[role],
        "submitted",
        "returned",
        "缺少合同",
    )


def test_service_return_sets_returned_and_reason(world):
    entry = make_entry(world, ["d1"], status="submitted")
    services.entry_return(
        tenant=world.tenant,
        membership=membership(world, "manager"),
        entry=entry,
        reason="  缺少合同 ",
    )
    entry.refresh_from_db()
    assert (entry.status, entry.return_reason) == ("returned", "缺少合同")
    assert actions(entry) == ["created", "submitted", "returned"]


@pytest.mark.parametrize("start", ["draft", "returned", "verified"])
def test_return_from_other_states_is_409(world, start):
    entry = make_entry(world, ["d1"], status=start, by="centre")
    _check_refused(world, entry, "return", 409, "admin", body={"reason": "再退一次"})


@pytest.mark.parametrize("start", ["draft", "returned", "verified"])
def test_service_refuses_return_from_other_states(world, start):
    entry = make_entry(world, ["d1"], status=start, by="centre")
    before = state(entry)
    with pytest.raises(Conflict):
        services.entry_return(
            tenant=world.tenant, membership=membership(world, "admin"), entry=entry, reason="x"
        )
    assert state(entry) == before


@pytest.mark.parametrize("start", ["draft", "returned", "verified"])
def test_verify_from_other_states_is_409(world, start):
    entry = make_entry(world, ["d1"], status=start, by="centre")
    _check_refused(world, entry, "verify", 409, "admin", "manager")


# --- edit and correction ---------------------------------------------------------------


@pytest.mark.parametrize("start", ["draft", "returned"])
def test_officer_edits_own_draft_and_returned_entries(world, start):
    entry = make_entry(world, ["mine"], status=start, institution="甲大学")
    response = _patch(world, "officer", entry, {"title": "新标题", "institution": "乙大学"})
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert (entry.title, entry.institution, entry.status) == ("新标题", "乙大学", start)
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "updated",
        world.users["officer"],
        start,
        start,
    )
    assert event.changes == {"title": ["测试成果", "新标题"], "institution": ["甲大学", "乙大学"]}


def test_officer_editing_submitted_entry_is_409(world):
    entry = make_entry(world, ["mine"], status="submitted")
    _check_refused(world, entry, "edit", 409, "officer", body={"title": "偷偷改"})


@pytest.mark.parametrize("body", [{"title": "偷偷改"}, {"title": "偷偷改", "reason": "我想改"}])
def test_officer_may_not_edit_verified_entry(world, body):
    entry = make_entry(world, ["mine"], status="verified")
    _check_refused(world, entry, "edit", 403, "officer", body=body)


def test_status_is_not_writable_through_patch(world):
    entry = make_entry(world, ["mine"])
    before = state(entry)
    response = _patch(world, "officer", entry, {"status": "verified"})
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    after = state(entry)
    after.pop("updated_at"), before.pop("updated_at")
    assert after == before  # status unchanged, so no history row either


def test_officer_may_not_uncredit_themselves(world):
    entry = make_entry(world, ["mine", "d1"])
    body = {"officers": [world.officers["d1"].pk]}
    response = _check_refused(world, entry, "edit", 400, "officer", body=body)
    assert "officers" in response.json()


def test_manager_may_not_move_entry_out_of_reach(world):
    entry = make_entry(world, ["d1"])
    body = {"officers": [world.officers["d2"].pk]}
    response = _check_refused(world, entry, "edit", 400, "manager", body=body)
    assert "officers" in response.json()


@pytest.mark.parametrize("role", ["manager", "admin"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_correcting_verified_entry_needs_a_reason(world, role, reason):
    entry = make_entry(world, ["d1"], status="verified")
    body = {"title": "更正"} if reason is None else {"title": "更正", "reason": reason}
    response = _check_refused(world, entry, "edit", 400, role, body=body)
    assert "reason" in response.json()


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_manager_or_admin_corrects_verified_entry_with_reason(world, role):
    entry = make_entry(world, ["d1"], status="verified", institution="甲大学", summary="原摘要")
    response = _patch(
        world,
        role,
        entry,
        {
            "title": "更正后的标题",
            "summary": "原摘要",
            "institution": "乙大学",
            "reason": "名称写错",
        },
    )
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert (entry.status, entry.title, entry.institution) == ("verified", "更正后的标题", "乙大学")
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    assert (event.action, event.actor, event.reason) == ("corrected", world.users[role], "名称写错")
    assert (event.from_status, event.to_status) == ("verified", "verified")
    # only changed fields, each with before and after
    assert event.changes == {
        "title": ["测试成果", "更正后的标题"],
        "institution": ["甲大学", "乙大学"],
    }
    assert actions(entry) == ["created", "submitted", "verified", "corrected"]


def test_correction_of_credited_officers_is_recorded(world):
    entry = make_entry(world, ["d1"], status="verified")
    ids = sorted([world.officers["d1"].pk, world.officers["mine"].pk])
    response = _patch(world, "manager", entry, {"officers": ids, "reason": "漏记合作者"})
    assert response.status_code == 200, response.content
    assert sorted(entry.credits.values_list("officer_id", flat=True)) == ids
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    assert event.action == "corrected"
    assert event.changes == {"officers": [[world.officers["d1"].pk], ids]}


# --- history ---------------------------------------------------------------------------

JOURNEY = [
    # action, actor, from, to
    ("created", "officer", "", "draft"),
    ("submitted", "officer", "draft", "submitted"),
    ("returned", "manager", "submitted", "returned"),
    ("updated", "officer", "returned", "returned"),
    ("submitted", "officer", "returned", "submitted"),
    ("verified", "manager", "submitted", "verified"),
    ("corrected", "admin", "verified", "verified"),
]


def _check_journey(world, entry_id: int) -> None:
    mine = world.officers["mine"].pk
    events = list(EntryEvent.objects.filter(entry_id=entry_id).order_by("at", "id"))
    assert [(e.action, e.actor, e.from_status, e.to_status) for e in events] == [
        (a, world.users[who], f, t) for a, who, f, t in JOURNEY
    ]
    created, submitted, returned, updated, resubmitted, verified, corrected = events
    assert created.changes == {
        "title": [None, "光伏清洗机器人"],
        "occurred_on": [None, "2025-04-08"],
        "institution": [None, "华中科技大学"],
        "officers": [None, [mine]],
    }
    assert submitted.changes == {} and resubmitted.changes == {} and verified.changes == {}
    assert returned.reason == "请补充合作协议"
    assert updated.changes == {
        "summary": ["", "已补充合作协议"],
        "maturity": ["", "pilot"],
    }
    assert updated.reason == ""
    assert corrected.changes == {"occurred_on": ["2025-04-08", "2025-04-09"]}
    assert corrected.reason == "日期录错"

    entry = Entry.objects.get(pk=entry_id)
    assert (entry.status, entry.occurred_on, entry.return_reason) == (
        "verified",
        dt.date(2025, 4, 9),
        "",
    )
    detail = world.api("officer").get(world.url(f"achievements/{entry_id}/"))
    assert detail.status_code == 200
    history = detail.json()["history"]
    assert [(h["action"], h["actor"], h["from_status"], h["to_status"]) for h in history] == [
        (a, world.users[who].username, f, t) for a, who, f, t in JOURNEY
    ]
    assert history[3]["changes"] == updated.changes
    assert history[6]["reason"] == "日期录错"


def test_full_journey_history_through_the_api(world):
    officer, manager, admin = world.api("officer"), world.api("manager"), world.api("admin")
    base = world.url("achievements/")
    created = officer.post(
        base,
        {
            "title": "光伏清洗机器人",
            "occurred_on": "2025-04-08",
            "institution": "华中科技大学",
            "officers": [world.officers["mine"].pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    steps = [
        (officer, "post", f"{pk}/submit/", {}),
        (manager, "post", f"{pk}/return/", {"reason": "请补充合作协议"}),
        (officer, "patch", f"{pk}/", {"summary": "已补充合作协议", "maturity": "pilot"}),
        (officer, "post", f"{pk}/submit/", {}),
        (manager, "post", f"{pk}/verify/", {}),
        (admin, "patch", f"{pk}/", {"occurred_on": "2025-04-09", "reason": "日期录错"}),
    ]
    for client, verb, path, body in steps:
        response = getattr(client, verb)(f"{base}{path}", body, format="json")
        assert response.status_code == 200, (path, response.content)
    _check_journey(world, pk)


def test_full_journey_history_through_the_services(world):
    """The same journey as above, done by the services; checks they record
    the exact history and the detail endpoint shows it."""
    officer, manager, admin = (membership(world, r) for r in ("officer", "manager", "admin"))
    t = world.tenant
    entry = services.entry_create(
        tenant=t,
        membership=officer,
        kind="achievement",
        data={
            "title": "光伏清洗机器人",
            "occurred_on": dt.date(2025, 4, 8),
            "institution": "华中科技大学",
        },
        officers=[world.officers["mine"]],
    )
    entry = services.entry_submit(tenant=t, membership=officer, entry=entry)
    entry = services.entry_return(
        tenant=t, membership=manager, entry=entry, reason="请补充合作协议"
    )
    entry = services.entry_update(
        tenant=t,
        membership=officer,
        entry=entry,
        data={"summary": "已补充合作协议", "maturity": "pilot"},
    )
    entry = services.entry_submit(tenant=t, membership=officer, entry=entry)
    entry = services.entry_verify(tenant=t, membership=manager, entry=entry)
    services.entry_update(
        tenant=t,
        membership=admin,
        entry=entry,
        data={"occurred_on": dt.date(2025, 4, 9)},
        reason="日期录错",
    )
    _check_journey(world, entry.pk)


def test_every_write_through_the_api_records_exactly_one_event(world):
    client = world.api("admin")
    base = world.url("achievements/")
    response = client.post(base, _body(world.officers["d1"].pk), format="json")
    pk = response.json()["id"]
    assert EntryEvent.objects.filter(entry_id=pk).count() == 1
    steps = [
        ("admin", "patch", f"{pk}/", {"title": "改一次"}, "updated"),
        ("admin", "post", f"{pk}/submit/", {}, "submitted"),
        ("admin", "post", f"{pk}/withdraw/", {}, "withdrawn"),
        ("admin", "patch", f"{pk}/", {"summary": "再改"}, "updated"),
        ("admin", "post", f"{pk}/submit/", {}, "submitted"),
        ("manager", "post", f"{pk}/return/", {"reason": "补材料"}, "returned"),
        ("admin", "post", f"{pk}/submit/", {}, "submitted"),
        ("manager", "post", f"{pk}/verify/", {}, "verified"),
        ("admin", "patch", f"{pk}/", {"title": "更正", "reason": "笔误"}, "corrected"),
    ]
    for n, (who, verb, path, body, action) in enumerate(steps, start=2):
        client = world.api(who)
        response = getattr(client, verb)(f"{base}{path}", body, format="json")
        assert response.status_code == 200, (path, response.content)
        events = list(EntryEvent.objects.filter(entry_id=pk).order_by("at", "id"))
        assert len(events) == n
        assert events[-1].action == action
        assert events[-1].actor == world.users[who]


def test_detail_includes_history_and_list_does_not(world):
    entry = make_entry(world, ["mine"], status="submitted")
    detail = world.api("officer").get(world.url(f"achievements/{entry.pk}/"))
    assert detail.status_code == 200
    assert [h["action"] for h in detail.json()["history"]] == ["created", "submitted"]
    assert detail.json()["history"][1]["actor"] == world.users["admin"].username
    listed = world.api("officer").get(world.url("achievements/")).json()["results"]
    assert "history" not in listed[0]


# --- duplicates ------------------------------------------------------------------------


def _admin_logs_for_d1(world, title, institution):
    """The admin logs an achievement crediting officer d1, through the API."""
    return _create(
        world, "admin", _body(world.officers["d1"].pk, title=title, institution=institution)
    )


def test_same_title_and_institution_flags_the_earliest(world):
    first = make_entry(world, ["d1"], title="Smart Sensor", institution="武汉大学")
    second = make_entry(world, ["d2"], title="Smart Sensor", institution="武汉大学")
    assert second.duplicate_of == first
    response = _create(
        world,
        "officer",
        _body(world.officers["mine"].pk, title="  smart SENSOR ", institution=" 武汉大学 "),
    )
    assert response.status_code == 201, response.content
    assert response.json()["duplicate_of"] == {"id": first.pk, "title": "Smart Sensor"}
    assert Entry.objects.get(pk=response.json()["id"]).duplicate_of_id == first.pk
    assert Entry.objects.get(pk=first.pk).duplicate_of is None


def test_duplicate_institution_compares_case_insensitively(world):
    first = make_entry(world, ["d1"], title="Smart Sensor", institution="Wuhan University")
    response = _admin_logs_for_d1(world, "SMART SENSOR", "wuhan university")
    assert response.json()["duplicate_of"] == {"id": first.pk, "title": "Smart Sensor"}


def test_different_institution_is_not_a_duplicate(world):
    make_entry(world, ["d1"], title="Smart Sensor", institution="武汉大学")
    response = _admin_logs_for_d1(world, "Smart Sensor", "华中科技大学")
    assert response.status_code == 201
    assert response.json()["duplicate_of"] is None


def test_same_title_in_another_tenant_never_counts(world, other_world):
    make_entry(other_world, ["d1"], title="Smart Sensor", institution="武汉大学")
    response = _admin_logs_for_d1(world, "Smart Sensor", "武汉大学")
    assert response.status_code == 201
    assert response.json()["duplicate_of"] is None


@pytest.mark.parametrize(
    ("prefix", "kind"), [("demands/", "demand"), ("conversions/", "conversion")]
)
def test_demands_and_conversions_compare_the_enterprise(world, prefix, kind):
    ent = world.reference
    admin = membership(world, "admin")
    other_ent = services.reference_create(
        tenant=world.tenant, membership=admin, library="enterprise", name="另一家公司"
    )
    first = make_entry(world, ["d1"], kind=kind, title="电池回收", enterprise=ent)
    body = {
        "title": " 电池回收",
        "occurred_on": "2025-07-01",
        "officers": [world.officers["d1"].pk],
    }
    same = _create(world, "admin", {**body, "enterprise": ent.pk}, prefix=prefix)
    assert same.status_code == 201, same.content
    assert same.json()["duplicate_of"] == {"id": first.pk, "title": "电池回收"}
    other = _create(world, "admin", {**body, "enterprise": other_ent.pk}, prefix=prefix)
    assert other.status_code == 201
    assert other.json()["duplicate_of"] is None


def test_enterprise_of_another_tenant_is_refused(world, other_world):
    before = Entry.objects.count()
    response = _create(
        world,
        "admin",
        {
            "title": "需求",
            "occurred_on": "2025-07-01",
            "officers": [world.officers["d1"].pk],
            "enterprise": other_world.reference.pk,
        },
        prefix="demands/",
    )
    assert response.status_code == 400
    assert "enterprise" in response.json()
    assert Entry.objects.count() == before
