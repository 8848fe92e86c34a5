"""Every mutating endpoint of the ledger, roster and accounts API leaves
its audit row: the action, the object, the change and the actor, in the
tenant's log. One table, one test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, User
from ledgers import services as ledger
from ledgers.models import Entry, Evidence, Reference
from roster import workflow
from roster.models import District, Nomination, OfficerGroup, SelectionRound, Unit
from roster.models import Officer as OfficerModel
from tests.world import PNG

from .conftest import recording

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


def _admin(w):
    return Membership.objects.get(user=w.users["admin"])


def _submitted(w, kind="achievement"):
    entry = w.entries[kind]
    return ledger.entry_submit(tenant=w.tenant, membership=_admin(w), entry=entry)


def _draft_nomination(w, advance=False):
    reviewer = Membership.objects.get(user=w.users["reviewer"])
    w.draft = workflow.nomination_create(
        membership=reviewer,
        round=w.round,
        data={"full_name": "候选人丙", "unit": w.units["u1"], "mobile": "13900000002"},
    )
    if advance:
        workflow.nomination_advance(membership=reviewer, nomination=w.draft)


@dataclass
class Case:
    """``who`` sends ``method`` to ``path(w)`` with ``body(w)``; the row
    ``(action, object_type)`` whose object is ``obj(w, response)`` shows
    ``changes`` (a subset: field -> [before, after])."""

    who: str
    method: str
    path: Callable
    body: Callable
    action: str
    object_type: str
    obj: Callable
    changes: dict = field(default_factory=dict)
    setup: Callable | None = None
    format: str = "json"
    status: int = 200


def w_user(role):
    """Placeholder for a user id known only once the world exists."""
    return f"USER:{role}"


def _new(model):
    return lambda w, r: model.objects.get(pk=r.json()["id"]).pk


CASES = {
    "members-create": Case(
        "admin",
        "post",
        lambda w: "members/",
        lambda w: {"username": "newbie", "password": "Another-pass-1!", "role": "auditor"},
        "create",
        "membership",
        lambda w, r: Membership.objects.get(user__username="newbie").pk,
        {"role": [None, "auditor"], "is_active": [None, True]},
        status=201,
    ),
    "members-create-user": Case(
        "admin",
        "post",
        lambda w: "members/",
        lambda w: {"username": "newbie", "password": "Another-pass-1!", "role": "auditor"},
        "create",
        "user",
        lambda w, r: User.objects.get(username="newbie").pk,
        {"username": [None, "newbie"], "password": [None, "***"]},
        status=201,
    ),
    "districts-create": Case(
        "admin",
        "post",
        lambda w: "districts/",
        lambda w: {"code": "d9", "name": "九区"},
        "create",
        "district",
        lambda w, r: District.objects.get(tenant=w.tenant, code="d9").pk,
        {"code": [None, "d9"], "name": [None, "九区"]},
        status=201,
    ),
    "units-create": Case(
        "admin",
        "post",
        lambda w: "units/",
        lambda w: {"name": "新单位", "kind": "park", "district": "d1"},
        "create",
        "unit",
        _new(Unit),
        {"name": [None, "新单位"], "kind": [None, "park"]},
        status=201,
    ),
    "officers-create": Case(
        "admin",
        "post",
        lambda w: "officers/",
        lambda w: {
            "full_name": "新人",
            "category": "city",
            "district": None,
            "term_start": "2025-01-01",
            "term_end": "2026-12-31",
        },
        "create",
        "officer",
        _new(OfficerModel),
        {"full_name": [None, "新人"], "category": [None, "city"]},
        status=201,
    ),
    "officers-disqualify": Case(
        "admin",
        "post",
        lambda w: f"officers/{w.officers['d2'].pk}/disqualify/",
        lambda w: {"reason": "fraud", "effective_on": "2025-06-30"},
        "update",
        "officer",
        lambda w, r: w.officers["d2"].pk,
        {"status": ["active", "disqualified"], "disqualification_reason": ["", "fraud"]},
    ),
    "officers-replace": Case(
        "manager",
        "post",
        lambda w: f"officers/{w.officers['d1'].pk}/replace/",
        lambda w: {"effective_on": "2025-07-01", "full_name": "接任者", "mobile": "13700000000"},
        "update",
        "officer",
        lambda w, r: w.officers["d1"].pk,
        {"status": ["active", "ended"], "term_end": ["2026-12-31", "2025-06-30"]},
        status=201,
    ),
    "groups-create": Case(
        "admin",
        "post",
        lambda w: "groups/",
        lambda w: {
            "kind": "working",
            "name": "二区工作组",
            "formed_on": "2025-01-01",
            "district": "d2",
            "leader_name": "二区科技局副局长",
            "deputy": w.officers["city"].pk,
        },
        "create",
        "officergroup",
        _new(OfficerGroup),
        {"name": [None, "二区工作组"]},
        status=201,
    ),
    "references-create": Case(
        "admin",
        "post",
        lambda w: "references/",
        lambda w: {"library": "expert", "name": "王教授"},
        "create",
        "reference",
        _new(Reference),
        {"name": [None, "王教授"], "library": [None, "expert"]},
        status=201,
    ),
    "entries-create": Case(
        "admin",
        "post",
        lambda w: "achievements/",
        lambda w: {
            "title": "新成果",
            "occurred_on": "2025-05-06",
            "officers": [w.officers["d1"].pk],
        },
        "create",
        "entry",
        _new(Entry),
        {"title": [None, "新成果"], "status": [None, "draft"], "kind": [None, "achievement"]},
        status=201,
    ),
    "entries-patch": Case(
        "admin",
        "patch",
        lambda w: f"achievements/{w.entries['achievement'].pk}/",
        lambda w: {"title": "改过的标题"},
        "update",
        "entry",
        lambda w, r: w.entries["achievement"].pk,
        {"title": ["alpha achievement", "改过的标题"]},
    ),
    "entries-submit": Case(
        "admin",
        "post",
        lambda w: f"events/{w.entries['event'].pk}/submit/",
        lambda w: {},
        "update",
        "entry",
        lambda w, r: w.entries["event"].pk,
        {"status": ["draft", "submitted"]},
    ),
    "entries-withdraw": Case(
        "admin",
        "post",
        lambda w: f"achievements/{w.entries['achievement'].pk}/withdraw/",
        lambda w: {"reason": "补充材料"},
        "update",
        "entry",
        lambda w, r: w.entries["achievement"].pk,
        {"status": ["submitted", "draft"]},
        setup=_submitted,
    ),
    "entries-verify": Case(
        "manager",
        "post",
        lambda w: f"achievements/{w.entries['achievement'].pk}/verify/",
        lambda w: {},
        "update",
        "entry",
        lambda w, r: w.entries["achievement"].pk,
        {"status": ["submitted", "verified"], "verified_by_id": [None, w_user("manager")]},
        setup=_submitted,
    ),
    "entries-return": Case(
        "manager",
        "post",
        lambda w: f"achievements/{w.entries['achievement'].pk}/return/",
        lambda w: {"reason": "证明材料不全"},
        "update",
        "entry",
        lambda w, r: w.entries["achievement"].pk,
        {"status": ["submitted", "returned"]},
        setup=_submitted,
    ),
    "entries-evidence": Case(
        "admin",
        "post",
        lambda w: f"achievements/{w.entries['achievement'].pk}/evidence/",
        lambda w: {"file": SimpleUploadedFile("proof.png", PNG, content_type="image/png")},
        "create",
        "evidence",
        lambda w, r: Evidence.objects.filter(entry=w.entries["achievement"]).latest("pk").pk,
        {"entry_id": [None, "ENTRY"]},
        format="multipart",
        status=201,
    ),
    "selection-rounds-create": Case(
        "admin",
        "post",
        lambda w: "selection-rounds/",
        lambda w: {"year": 2026, "category": "city", "seats": 4},
        "create",
        "selectionround",
        _new(SelectionRound),
        {"year": [None, 2026], "seats": [None, 4]},
        status=201,
    ),
    "nominations-create": Case(
        "reviewer",
        "post",
        lambda w: "nominations/",
        lambda w: {
            "round": w.round.pk,
            "full_name": "候选人乙",
            "unit": w.units["u1"].pk,
            "mobile": "13900000009",
        },
        "create",
        "nomination",
        _new(Nomination),
        {"full_name": [None, "候选人乙"], "stage": [None, "draft"]},
        status=201,
    ),
    "nominations-advance": Case(
        "reviewer",
        "post",
        lambda w: f"nominations/{w.draft.pk}/advance/",
        lambda w: {},
        "update",
        "nomination",
        lambda w, r: w.draft.pk,
        {"stage": ["draft", "submitted"]},
        setup=_draft_nomination,
    ),
    "nominations-withdraw": Case(
        "reviewer",
        "post",
        lambda w: f"nominations/{w.draft.pk}/withdraw/",
        lambda w: {},
        "update",
        "nomination",
        lambda w, r: w.draft.pk,
        {"stage": ["draft", "withdrawn"]},
        setup=_draft_nomination,
    ),
    "nominations-reject": Case(
        "reviewer",
        "post",
        lambda w: f"nominations/{w.draft.pk}/reject/",
        lambda w: {"reason": "不符合条件"},
        "update",
        "nomination",
        lambda w, r: w.draft.pk,
        {"stage": ["submitted", "rejected"]},
        setup=lambda w: _draft_nomination(w, advance=True),
    ),
    "objections-resolve": Case(
        "admin",
        "post",
        lambda w: f"objections/{w.objection.pk}/resolve/",
        lambda w: {"decision": "dismissed", "comment": "经核实不成立"},
        "update",
        "objection",
        lambda w, r: w.objection.pk,
        {"status": ["open", "dismissed"]},
    ),
}


def _expected(w, value):
    if isinstance(value, list):
        return [_expected(w, v) for v in value]
    if isinstance(value, str) and value.startswith("USER:"):
        return w.users[value[5:]].pk
    if value == "ENTRY":
        return w.entries["achievement"].pk
    return value


@pytest.mark.parametrize("name", list(CASES))
def test_mutating_endpoint_leaves_its_audit_row(world, name):
    case = CASES[name]
    if case.setup is not None:
        case.setup(world)
    client = world.api(case.who)
    with time_machine.travel(NOW, tick=False), recording(world.tenant) as rows:
        response = getattr(client, case.method)(
            world.url(case.path(world)), case.body(world), format=case.format
        )
    assert response.status_code == case.status, response.content
    event = rows.one(
        action=case.action,
        object_type=case.object_type,
        object_id=str(case.obj(world, response)),
    )
    shown = {key: event.changes.get(key) for key in case.changes}
    assert shown == {key: _expected(world, v) for key, v in case.changes.items()}
    assert (event.actor_id, event.actor_username, event.tenant_id) == (
        world.users[case.who].pk,
        f"alpha-{case.who}",
        world.tenant.pk,
    )
    assert event.at == NOW
    assert len(event.request_id) == 32
    assert response["X-Request-ID"] == event.request_id
    # one request, one id
    assert {e.request_id for e in rows} == {event.request_id}
