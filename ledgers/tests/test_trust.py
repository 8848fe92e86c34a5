"""Issue 10 (trust) on the ledgers: four eyes for every role, credits within
reach, cross-district entries go to the centre, co-credit confirmation,
a manager's withdraw as a return, and the dates an entry may carry.

"Today" is fixed (time_machine) at 2025-07-01 01:00 in Asia/Shanghai,
which is still 2025-06-30 in UTC."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership, Notification
from ledgers import services
from ledgers.models import Credit, Entry, EntryEvent
from ledgers.selectors import review_queue
from roster import services as roster
from scoring.services import ranking_finalize
from tests.world import PASSWORD, TERM, centre

from .conftest import actions, make_entry, membership, state

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 30, 17, 0, tzinfo=dt.UTC)  # 2025-07-01 01:00 in Shanghai

CREATOR_REFUSED = "此台账由您登记，须由其他人员审核或退回。"
CREDITED_REFUSED = "计入该台账记录的联络员不能对其审核通过或退回。"
REACH_REFUSED = "此台账只能由转化中心，或管辖全部计分联络员所在区的区级管理员审核或退回。"
FUTURE = "日期不能晚于今天。"
OUT_OF_TERM = "该日期不在任何计分联络员的任期内，请选择计分联络员任期内的日期。"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(world, entry, action=""):
    return world.url(f"achievements/{entry.pk}/{action + '/' if action else ''}")


def _post(world, who, entry, action, body=None):
    return world.api(who).post(_url(world, entry, action), body or {}, format="json")


def _link(world, officer: str, login: str) -> None:
    """Make ``login``'s user the user of officer ``officer`` (a member who is
    also a credited officer)."""
    o = world.officers[officer]
    o.user = world.users[login]
    o.save(update_fields=["user"])


def _colleague(world, name="孙八", district="d1", login="colleague"):
    """A district officer with a login of their own."""
    officer = roster.officer_create(
        tenant=world.tenant,
        full_name=name,
        category="district",
        district=world.districts[district] if district else None,
        term_start=TERM[0],
        term_end=TERM[1],
        username=f"{world.tenant.slug}-{login}",
        password=PASSWORD,
    )
    world.officers[login] = officer
    world.users[login] = officer.user
    return officer


def _manager_of_both(world):
    user = roster.member_create(
        tenant=world.tenant,
        username=f"{world.tenant.slug}-manager2",
        password=PASSWORD,
        role="district_manager",
        districts=[world.districts["d1"], world.districts["d2"]],
    ).user
    world.users["manager2"] = user
    return user


def _translated_detail(response) -> str:
    return response.json()["detail"]


# --- four eyes, for every role ---------------------------------------------------------

#: role -> an officer whose login the role's user becomes, visible to that role
CREDITED_AS = {
    "admin": "city",
    "auditor": "city",
    "manager": "d1",
    "reviewer": "city",  # city is hosted by u1, the reviewer's unit
    "officer": "mine",
}

#: role -> status of verify/return by the role's member on an entry crediting them
CREDITED_STATUS = {"admin": 403, "auditor": 403, "manager": 403, "reviewer": 403, "officer": 403}


@pytest.mark.parametrize("role", ["admin", "auditor", "manager", "reviewer", "officer"])
def test_verify_and_return_refuse_a_credited_member_of_every_role(world, role):
    if role != "officer":
        _link(world, CREDITED_AS[role], role)
    entry = make_entry(world, [CREDITED_AS[role]], status="submitted", by="centre")
    before = state(entry)
    for action, body in (("verify", {}), ("return", {"reason": "自己退回"})):
        response = _post(world, role, entry, action, body)
        assert response.status_code == CREDITED_STATUS[role], (action, response.content)
    assert state(entry) == before
    assert entry.pk not in set(
        review_queue(membership=membership(world, role)).values_list("id", flat=True)
    )


@pytest.mark.parametrize("role", ["admin", "manager", "officer"])
def test_verify_and_return_refuse_the_member_who_logged_the_entry(world, role):
    """Admin, manager and officer log entries; none verifies or returns their own."""
    credited = {"admin": ["d2"], "manager": ["d1"], "officer": ["mine"]}[role]
    entry = make_entry(world, credited, by=role)
    entry = services.entry_submit(
        tenant=world.tenant, membership=membership(world, role), entry=entry
    )
    before = state(entry)
    for action, body in (("verify", {}), ("return", {"reason": "自己退回"})):
        response = _post(world, role, entry, action, body)
        assert response.status_code == 403, (action, response.content)
        if role != "officer":  # officers are refused by role before the four-eyes rule
            assert _translated_detail(response) == CREATOR_REFUSED
    assert state(entry) == before
    queue = review_queue(membership=membership(world, role)).values_list("id", flat=True)
    assert entry.pk not in set(queue)


@pytest.mark.parametrize("role", ["auditor", "reviewer"])
def test_roles_that_do_not_review_are_refused_on_a_visible_entry(world, role):
    entry = make_entry(world, ["city"], status="submitted", by="centre")  # city: u1, seen by both
    before = state(entry)
    assert _post(world, role, entry, "verify").status_code == 403
    assert _post(world, role, entry, "return", {"reason": "x"}).status_code == 403
    assert state(entry) == before
    assert list(review_queue(membership=membership(world, role))) == []


def test_admin_who_is_a_credited_officers_user_is_refused_with_the_reason(world):
    _link(world, "city", "admin")
    entry = make_entry(world, ["city", "d2"], status="submitted", by="centre")
    response = _post(world, "admin", entry, "verify")
    assert response.status_code == 403
    assert _translated_detail(response) == CREDITED_REFUSED
    # the centre logged it: a third admin, neither credited nor its logger, verifies it
    assert _post(world, "centre", entry, "verify").status_code == 403
    world.users["third"] = roster.member_create(
        tenant=world.tenant, username="alpha-third", password=PASSWORD, role="admin"
    ).user
    response = _post(world, "third", entry, "verify")
    assert response.status_code == 200, response.content
    assert Entry.objects.get(pk=entry.pk).verified_by == world.users["third"]


def test_an_officers_entry_is_verified_by_their_manager(world):
    entry = make_entry(world, ["mine"], by="officer")
    services.entry_submit(tenant=world.tenant, membership=membership(world, "officer"), entry=entry)
    assert [e.pk for e in review_queue(membership=membership(world, "manager"))] == [entry.pk]
    response = _post(world, "manager", entry, "verify")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verified"
    assert actions(entry) == ["created", "submitted", "verified"]


# --- cross-district entries go to the centre -------------------------------------------


@pytest.mark.parametrize(
    ("credits", "manager", "manager2", "admin"),
    [
        (["d1"], 200, 200, 200),
        (["mine", "d1"], 200, 200, 200),
        (["d1", "d2"], 403, 200, 200),  # manager holds d1 only; manager2 holds both
        (["d2"], 404, 200, 200),
        (["d1", "city"], 403, 403, 200),  # a city officer: the centre verifies
        (["city"], 404, 404, 200),
    ],
)
def test_multi_district_entries_are_verified_by_the_admin_or_a_manager_of_every_district(
    world, credits, manager, manager2, admin
):
    _manager_of_both(world)
    for who, expected in (("manager", manager), ("manager2", manager2), ("admin", admin)):
        entry = make_entry(world, credits, status="submitted", by="centre", title=f"{who} 核")
        before = state(entry)
        response = _post(world, who, entry, "verify")
        assert response.status_code == expected, (who, response.content)
        if expected == 200:
            assert Entry.objects.get(pk=entry.pk).verified_by == world.users[who]
        else:
            assert state(entry) == before
            if expected == 403:
                assert _translated_detail(response) == REACH_REFUSED
            queue = review_queue(membership=membership(world, who)).values_list("id", flat=True)
            assert entry.pk not in set(queue)


def test_review_queue_lists_only_what_the_manager_may_verify(world):
    ok = make_entry(world, ["d1"], status="submitted", by="centre", title="可审")
    make_entry(world, ["d1", "d2"], status="submitted", by="centre", title="跨区")
    make_entry(world, ["d1", "city"], status="submitted", by="centre", title="含市级")
    own = make_entry(world, ["d1"], by="manager", title="自己登记")
    services.entry_submit(tenant=world.tenant, membership=membership(world, "manager"), entry=own)
    assert [e.title for e in review_queue(membership=membership(world, "manager"))] == [ok.title]
    assert [e.title for e in review_queue(membership=membership(world, "admin"))] == [
        "可审",
        "跨区",
        "含市级",
        "自己登记",
    ]


def test_bulk_verify_refuses_own_and_out_of_reach_entries(world, client):
    ok = make_entry(world, ["d1"], status="submitted", by="centre", title="可审")
    cross = make_entry(world, ["d1", "d2"], status="submitted", by="centre", title="跨区")
    own = make_entry(world, ["d1"], by="manager", title="自己登记")
    services.entry_submit(tenant=world.tenant, membership=membership(world, "manager"), entry=own)
    client.force_login(world.users["manager"])
    url = reverse("review-queue", kwargs={"tenant_slug": world.tenant.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert "可审" in page.content.decode() and "跨区" not in page.content.decode()
    response = client.post(url, {"entries": [ok.pk, cross.pk, own.pk]})
    assert response.status_code == 302
    statuses = dict(
        Entry.objects.filter(pk__in=[ok.pk, cross.pk, own.pk]).values_list("pk", "status")
    )
    assert statuses == {ok.pk: "verified", cross.pk: "submitted", own.pk: "submitted"}


# --- credits within reach --------------------------------------------------------------


def _create(world, who, officers, **extra):
    body = {"title": "新成果", "occurred_on": "2025-05-06", "officers": officers, **extra}
    return world.api(who).post(world.url("achievements/"), body, format="json")


@pytest.mark.parametrize("outside", ["d2", "city"])
def test_manager_crediting_an_officer_outside_their_districts_is_refused_like_an_unknown_id(
    world, outside
):
    before = Entry.objects.count()
    out_pk = world.officers[outside].pk
    unknown = 999999
    refused = _create(world, "manager", [world.officers["d1"].pk, out_pk])
    missing = _create(world, "manager", [world.officers["d1"].pk, unknown])
    assert refused.status_code == missing.status_code == 400
    assert list(refused.json()) == ["officers"]
    assert [m.replace(str(out_pk), "ID") for m in refused.json()["officers"]] == [
        m.replace(str(unknown), "ID") for m in missing.json()["officers"]
    ]
    assert Entry.objects.count() == before


def test_manager_may_not_add_an_officer_outside_their_districts_by_patch(world):
    entry = make_entry(world, ["d1"], by="manager")
    before = state(entry)
    response = world.api("manager").patch(
        _url(world, entry),
        {"officers": [world.officers["d1"].pk, world.officers["d2"].pk]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["officers"]
    assert state(entry) == before


def test_admin_credits_any_officer_and_an_officer_any_colleague(world):
    everyone = [world.officers[n].pk for n in ("mine", "d1", "d2", "city")]
    assert _create(world, "admin", everyone).status_code == 201
    response = _create(world, "officer", everyone)
    assert response.status_code == 201, response.content
    other_world_officer = 10**6
    assert (
        _create(world, "officer", [world.officers["mine"].pk, other_world_officer]).status_code
        == 400
    )


def test_manager_form_offers_only_their_districts_officers(world, client):
    client.force_login(world.users["manager"])
    page = client.get(
        reverse("entry-create", kwargs={"tenant_slug": world.tenant.slug, "kind": "achievement"})
    )
    choices = {o.pk for o in page.context["form"].fields["officers"].queryset}
    assert choices == {world.officers["mine"].pk, world.officers["d1"].pk}


def test_officer_form_lists_no_officers_and_resolves_typed_colleagues(world, client):
    colleague = _colleague(world)
    client.force_login(world.users["officer"])
    url = reverse("entry-create", kwargs={"tenant_slug": world.tenant.slug, "kind": "achievement"})
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "王五" not in html and "赵六" not in html  # no list of the tenant's officers
    response = client.post(
        url,
        {
            "title": "合作成果",
            "occurred_on": "2025-06-01",
            "officers": f"孙八, #{world.officers['d2'].pk}",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    entry = Entry.objects.get(title="合作成果")
    assert sorted(entry.credits.values_list("officer_id", "confirmed")) == sorted(
        [(world.officers["mine"].pk, True), (colleague.pk, False), (world.officers["d2"].pk, False)]
    )
    response = client.post(
        url, {"title": "另一个", "occurred_on": "2025-06-01", "officers": "无此人"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["officers"] == ["没有名为“无此人”的同事。"]
    assert not Entry.objects.filter(title="另一个").exists()


# --- co-credit confirmation ------------------------------------------------------------


def test_co_credit_confirm_flow(world, django_capture_on_commit_callbacks):
    colleague = _colleague(world)
    mine = world.officers["mine"]
    with django_capture_on_commit_callbacks(execute=True):  # issue 14: told after commit
        response = _create(world, "officer", [mine.pk, colleague.pk])
    assert response.status_code == 201, response.content
    assert response.json()["credits"] == [
        {"officer": mine.pk, "confirmed": True},
        {"officer": colleague.pk, "confirmed": False},
    ]
    entry = Entry.objects.get(pk=response.json()["id"])
    note = Notification.objects.get(user=world.users["colleague"])
    assert note.title == "请确认共同计分：新成果"
    assert note.link == f"/t/{world.tenant.slug}/entries/{entry.pk}/"

    before = state(entry)
    refused = _post(world, "officer", entry, "submit")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "须待 孙八 确认共同计分后才能提交审核。"
    assert state(entry) == before

    assert world.api("colleague").get(_url(world, entry)).status_code == 200
    confirmed = _post(world, "colleague", entry, "confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["credits"] == [
        {"officer": mine.pk, "confirmed": True},
        {"officer": colleague.pk, "confirmed": True},
    ]
    credit = Credit.objects.get(entry=entry, officer=colleague)
    assert credit.confirmed_at == NOW
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "confirmed",
        world.users["colleague"],
        "draft",
        "draft",
    )
    assert _post(world, "colleague", entry, "confirm").status_code == 409  # once only

    submitted = _post(world, "officer", entry, "submit")
    assert submitted.status_code == 200, submitted.content
    assert actions(entry) == ["created", "confirmed", "submitted"]


def test_co_credit_decline_drops_the_officer(world):
    colleague = _colleague(world)
    mine = world.officers["mine"]
    entry = Entry.objects.get(pk=_create(world, "officer", [mine.pk, colleague.pk]).json()["id"])
    before = state(entry)
    for body in ({}, {"reason": "  "}):
        response = _post(world, "colleague", entry, "decline", body)
        assert response.status_code == 400
        assert list(response.json()) == ["reason"]
    assert state(entry) == before

    response = _post(world, "colleague", entry, "decline", {"reason": "我没有参与"})
    assert response.status_code == 200, response.content
    assert response.json()["credits"] == [{"officer": mine.pk, "confirmed": True}]
    assert response.json()["officers"] == [mine.pk]
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    assert (event.action, event.actor, event.reason, event.changes) == (
        "declined",
        world.users["colleague"],
        "我没有参与",
        {"officers": [sorted([mine.pk, colleague.pk]), [mine.pk]]},
    )
    # the colleague no longer sees it; the logging officer can now submit it
    assert world.api("colleague").get(_url(world, entry)).status_code == 404
    assert _post(world, "officer", entry, "submit").status_code == 200


@pytest.mark.parametrize("who", ["admin", "auditor", "manager"])
def test_confirm_and_decline_refuse_members_not_credited(world, who):
    colleague = _colleague(world)
    entry = Entry.objects.get(
        pk=_create(world, "officer", [world.officers["mine"].pk, colleague.pk]).json()["id"]
    )
    before = state(entry)
    assert _post(world, who, entry, "confirm").status_code == 403
    assert _post(world, who, entry, "decline", {"reason": "x"}).status_code == 403
    assert state(entry) == before


def test_confirm_is_404_for_an_officer_who_cannot_see_the_entry_and_across_tenants(
    world, other_world
):
    _colleague(world)
    entry = make_entry(world, ["colleague"], by="centre")
    assert _post(world, "officer", entry, "confirm").status_code == 404
    assert _post(world, "officer", entry, "decline", {"reason": "x"}).status_code == 404
    foreign = make_entry(other_world, ["mine"], by="centre")
    for who in ("admin", "officer", "colleague"):
        url = other_world.url(f"achievements/{foreign.pk}/confirm/")
        assert world.api(who).post(url).status_code == 404
        url = world.url(f"achievements/{foreign.pk}/decline/")
        assert world.api(who).post(url, {"reason": "x"}, format="json").status_code == 404


def test_the_logging_officers_own_credit_needs_no_confirmation(world):
    entry = Entry.objects.get(
        pk=_create(world, "officer", [world.officers["mine"].pk]).json()["id"]
    )
    assert _post(world, "officer", entry, "confirm").status_code == 409
    assert _post(world, "officer", entry, "submit").status_code == 200


def test_entries_logged_by_a_manager_or_admin_need_no_confirmation(world):
    _colleague(world)
    for who in ("manager", "admin"):
        response = _create(world, who, [world.officers["mine"].pk, world.officers["colleague"].pk])
        assert response.status_code == 201
        assert [c["confirmed"] for c in response.json()["credits"]] == [True, True]
        entry = Entry.objects.get(pk=response.json()["id"])
        assert _post(world, who, entry, "submit").status_code == 200
    assert not Notification.objects.filter(user=world.users["colleague"]).exists()


def test_an_officer_adding_a_colleague_by_patch_starts_them_unconfirmed(world):
    colleague = _colleague(world)
    entry = make_entry(world, ["mine"], by="officer")
    response = world.api("officer").patch(
        _url(world, entry), {"officers": [world.officers["mine"].pk, colleague.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["credits"] == [
        {"officer": world.officers["mine"].pk, "confirmed": True},
        {"officer": colleague.pk, "confirmed": False},
    ]
    assert _post(world, "officer", entry, "submit").status_code == 409


def test_the_entry_page_asks_the_colleague_and_my_work_lists_it(world, client):
    colleague = _colleague(world)
    entry = Entry.objects.get(
        pk=_create(world, "officer", [world.officers["mine"].pk, colleague.pk]).json()["id"]
    )
    slug = world.tenant.slug
    client.force_login(world.users["colleague"])
    work = client.get(reverse("my-work", kwargs={"tenant_slug": slug}))
    assert [e.pk for e in work.context["awaiting"]] == [entry.pk]
    detail = client.get(reverse("entry-detail", kwargs={"tenant_slug": slug, "pk": entry.pk}))
    html = detail.content.decode()
    assert 'id="co-credit-request"' in html
    assert f"/entries/{entry.pk}/confirm/" in html and f"/entries/{entry.pk}/decline/" in html
    # the logging officer sees who has not confirmed, and no submit button
    client.force_login(world.users["officer"])
    detail = client.get(reverse("entry-detail", kwargs={"tenant_slug": slug, "pk": entry.pk}))
    assert 'id="co-credit-waiting"' in detail.content.decode()
    assert detail.context["can_submit"] is False
    # declining without a reason on the page changes nothing; confirming works
    client.force_login(world.users["colleague"])
    action = "entry-action"
    before = state(entry)
    client.post(reverse(action, kwargs={"tenant_slug": slug, "pk": entry.pk, "action": "decline"}))
    assert state(entry) == before
    response = client.post(
        reverse(action, kwargs={"tenant_slug": slug, "pk": entry.pk, "action": "confirm"})
    )
    assert response.status_code == 302
    assert Credit.objects.get(entry=entry, officer=colleague).confirmed is True


# --- withdraw by a manager or admin is a return ----------------------------------------


def _officers_submitted(world):
    entry = make_entry(world, ["mine"], by="officer")
    return services.entry_submit(
        tenant=world.tenant, membership=membership(world, "officer"), entry=entry
    )


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_withdraw_of_someone_elses_entry_is_a_return_with_a_reason(world, who):
    entry = _officers_submitted(world)
    before = state(entry)
    response = _post(world, who, entry, "withdraw")
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert state(entry) == before
    response = _post(world, who, entry, "withdraw", {"reason": "材料不全"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["return_reason"]) == ("returned", "材料不全")
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    assert (event.action, event.actor, event.from_status, event.to_status, event.reason) == (
        "returned",
        world.users[who],
        "submitted",
        "returned",
        "材料不全",
    )


def test_withdraw_as_return_obeys_four_eyes(world):
    entry = make_entry(world, ["d1", "d2"], status="submitted", by="centre")
    before = state(entry)
    response = _post(world, "manager", entry, "withdraw", {"reason": "退回"})
    assert response.status_code == 403
    assert state(entry) == before


def test_own_withdraw_stays_a_plain_withdraw(world):
    entry = _officers_submitted(world)
    response = _post(world, "officer", entry, "withdraw")
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    mine = make_entry(world, ["d1"], by="manager", status="submitted")
    response = _post(world, "manager", mine, "withdraw")
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert actions(mine)[-1] == "withdrawn"


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("9999-12-31", FUTURE),
        ("2025-07-02", FUTURE),  # tomorrow in Shanghai
        ("0001-01-01", OUT_OF_TERM),
        ("2024-12-31", OUT_OF_TERM),  # the day before every credited term starts
    ],
)
@pytest.mark.parametrize("who", ["officer", "manager", "admin"])
def test_create_refuses_future_dates_and_dates_outside_every_term(world, who, day, message):
    before = Entry.objects.count()
    response = _create(world, who, [world.officers["mine"].pk], occurred_on=day)
    assert response.status_code == 400
    assert response.json() == {"occurred_on": [message]}
    assert Entry.objects.count() == before


def test_today_in_shanghai_is_allowed_though_utc_is_still_yesterday(world):
    response = _create(world, "officer", [world.officers["mine"].pk], occurred_on="2025-07-01")
    assert response.status_code == 201, response.content


def test_a_date_inside_one_credited_officers_term_is_enough(world):
    old = roster.officer_create(
        tenant=world.tenant,
        full_name="旧人",
        category="city",
        district=None,
        term_start=dt.date(2023, 1, 1),
        term_end=dt.date(2024, 12, 31),
    )
    response = _create(
        world, "admin", [old.pk, world.officers["city"].pk], occurred_on="2024-06-01"
    )
    assert response.status_code == 201, response.content
    response = _create(world, "admin", [world.officers["city"].pk], occurred_on="2024-06-01")
    assert response.json() == {"occurred_on": [OUT_OF_TERM]}


def test_edit_refuses_bad_dates(world):
    entry = make_entry(world, ["mine"], by="officer")
    before = state(entry)
    for day, message in (("9999-12-31", FUTURE), ("0001-01-01", OUT_OF_TERM)):
        response = world.api("officer").patch(
            _url(world, entry), {"occurred_on": day}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"occurred_on": [message]}
    assert state(entry) == before


#: a year is finalised once it has ended: these tests stand in March 2026
LATER = dt.datetime(2026, 3, 1, 2, tzinfo=dt.UTC)


def test_a_finalised_year_takes_no_new_entries(world):
    with time_machine.travel(LATER, tick=False):
        ranking_finalize(membership=membership(world, "admin"), year=2025)
        before = Entry.objects.count()
        response = _create(world, "admin", [world.officers["mine"].pk], occurred_on="2025-05-06")
        assert response.status_code == 409
        assert response.json()["detail"] == "2025 年度已定稿，不能再登记该年度的台账。"
        assert Entry.objects.count() == before
        # a date that is also out of every term is a 400 first
        response = _create(world, "admin", [world.officers["mine"].pk], occurred_on="0001-01-01")
        assert response.status_code == 400
        # the open year still takes entries
        response = _create(world, "admin", [world.officers["mine"].pk], occurred_on="2026-02-01")
        assert response.status_code == 201


def test_moving_an_entry_into_a_finalised_year_is_409(world):
    with time_machine.travel(LATER, tick=False):
        entry = make_entry(world, ["mine"], occurred_on=dt.date(2026, 2, 1))
        ranking_finalize(membership=membership(world, "admin"), year=2025)
        before = state(entry)
        response = world.api("admin").patch(
            _url(world, entry), {"occurred_on": "2025-12-01"}, format="json"
        )
        assert response.status_code == 409
        assert state(entry) == before
        # moving within the open year is fine
        response = world.api("admin").patch(
            _url(world, entry), {"occurred_on": "2026-02-02"}, format="json"
        )
        assert response.status_code == 200


def test_a_finalised_year_check_uses_the_tenant(world, other_world):
    with time_machine.travel(LATER, tick=False):
        other_admin = Membership.objects.get(user=other_world.users["admin"])
        ranking_finalize(membership=other_admin, year=2025)
        response = _create(world, "admin", [world.officers["mine"].pk], occurred_on="2025-05-06")
        assert response.status_code == 201


def test_centre_helper_is_an_admin(world):
    assert centre(world).role == "admin"


def test_api_forms_offer_an_officer_only_themselves(world):
    """The ``officers`` field resolves any colleague for an officer, but an
    HTML form (the browsable API) offers them only their own appointment."""
    from ledgers.api.serializers import serializer_for

    def offered(who):
        context = {"tenant": world.tenant, "membership": membership(world, who)}
        field = serializer_for("achievement")(context=context).fields["officers"]
        return set(field.child_relation.get_choices())

    officers = world.officers
    assert offered("officer") == {officers["mine"].pk}
    assert offered("manager") == {officers["mine"].pk, officers["d1"].pk}
    assert offered("admin") == {o.pk for o in officers.values()}


def test_an_unconfirmed_colleague_may_not_edit_before_answering(world):
    colleague = _colleague(world)
    entry = Entry.objects.get(
        pk=_create(world, "officer", [world.officers["mine"].pk, colleague.pk]).json()["id"]
    )
    before = state(entry)
    response = world.api("colleague").patch(
        _url(world, entry), {"officers": [colleague.pk]}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "请先确认或拒绝您在此台账的共同计分。"
    assert state(entry) == before
    assert _post(world, "colleague", entry, "confirm").status_code == 200
    response = world.api("colleague").patch(_url(world, entry), {"title": "改名"}, format="json")
    assert response.status_code == 200
