"""The role × action matrix of API.md ("Resources", "Selection workflow" and
"Additions — Trust") as a table: path, method, role -> the exact status.

Each row runs in one world; a row whose action changes state makes a fresh
target for every role (``target``), so each role meets the same state. Every
refused request (4xx) is proven to have written nothing. Rows for routes of
the Additions that are not merged yet skip with "route not merged yet" only
while their path does not resolve. Cells the code does not honour yet are
listed in ``BUGS`` and run as strict xfails, each on its own.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import Resolver404, resolve

from accounts.choices import Role
from accounts.models import Membership
from ledgers import services as ledger
from roster import services as roster
from roster import workflow
from roster.models import Officer
from scoring.models import RankingSnapshot
from scoring.services import ranking_finalize

from .sweep import changed, db_state
from .world import PASSWORD, ROLES, TERM, World, build_world

pytestmark = pytest.mark.django_db

KINDS = {
    "achievement": "achievements",
    "demand": "demands",
    "event": "events",
    "conversion": "conversions",
    "case": "cases",
    "video": "videos",
}
NOW = dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)
_SERIAL = itertools.count(1)


@dataclass
class Row:
    """``path`` (under the tenant, or absolute when it starts with ``/``) and
    ``body`` are built from the world, the row's target and the role."""

    method: str
    path: Callable[[World, Any], str]
    expect: dict[str, int]
    body: Callable[[World, Any, str], dict] = lambda w, t, role: {}
    target: Callable[[World, str], Any] = lambda w, role: None
    #: a path (under the tenant) that must resolve for the row to run: the
    #: route of another branch whose rule the row checks on an existing route
    needs: str = ""


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def _roles(**statuses: int) -> dict[str, int]:
    assert set(statuses) == set(ROLES), statuses
    return statuses


def _m(w: World, who: str) -> Membership:
    return Membership.objects.get(user=w.users[who], tenant=w.tenant)


# --- targets: fresh objects in a known state -------------------------------------------------


def _entry(w: World, *, by: str = "admin2", credits=("d1",), submit=False, kind="event"):
    entry = ledger.entry_create(
        tenant=w.tenant,
        membership=_m(w, by),
        kind=kind,
        data={"title": f"矩阵 {kind} {next(_SERIAL)}", "occurred_on": dt.date(2025, 3, 3)},
        officers=[w.officers[c] for c in credits],
    )
    if submit:
        ledger.entry_submit(tenant=w.tenant, membership=_m(w, by), entry=entry)
    return entry


def _officer(w: World, district: str) -> Officer:
    return roster.officer_create(
        tenant=w.tenant,
        full_name="矩阵官",
        category="district",
        district=w.districts[district],
        term_start=TERM[0],
        term_end=TERM[1],
    )


def _draft_nomination(w: World):
    return workflow.nomination_create(
        membership=_m(w, "reviewer"),
        round=w.round,
        data={"full_name": "候选人丁", "unit": w.units["u1"], "mobile": "13900000009"},
    )


def _submitted_nomination(w: World):
    nomination = _draft_nomination(w)
    return workflow.nomination_advance(membership=_m(w, "reviewer"), nomination=nomination)


def _round_ready_for_notice(w: World):
    """A fresh city round with one nomination at centre_verified."""
    selection = workflow.round_create(
        membership=_m(w, "admin"), year=2027, category="district", seats=2
    )
    nomination = workflow.nomination_create(
        membership=_m(w, "reviewer"),
        round=selection,
        data={"full_name": "候选人戊", "unit": w.units["u1"], "mobile": "13900000008"},
    )
    for who in ("reviewer", "reviewer", "manager", "admin"):
        # the centre's step records the deputy director's approval (its reference)
        comment = "分管领导审定：武科转〔2026〕9号" if who == "admin" else ""
        workflow.nomination_advance(membership=_m(w, who), nomination=nomination, comment=comment)
    return selection


def _city_nomination_at_leader_approval(w: World):
    """A city nomination (wuhan: no notice) endorsed by its unit: the next
    step is 局党组审定, the admin's with the decision's reference."""
    selection = workflow.round_create(
        membership=_m(w, "admin"), year=2027, category="city", seats=1
    )
    nomination = workflow.nomination_create(
        membership=_m(w, "reviewer"),
        round=selection,
        data={
            "full_name": f"候选人{next(_SERIAL)}",
            "unit": w.units["u1"],
            "mobile": "13900000007",
        },
    )
    for who in ("reviewer", "reviewer"):
        workflow.nomination_advance(membership=_m(w, who), nomination=nomination)
    return nomination


def _city_round_over_its_seat(w: World):
    """A city round of 1 seat with 2 verified nominations (no notice)."""
    first = _city_nomination_at_leader_approval(w)
    selection = first.round
    second = workflow.nomination_create(
        membership=_m(w, "reviewer"),
        round=selection,
        data={
            "full_name": f"候选人{next(_SERIAL)}",
            "unit": w.units["u1"],
            "mobile": "13900000006",
        },
    )
    workflow.nomination_advance(membership=_m(w, "reviewer"), nomination=second)
    workflow.nomination_advance(membership=_m(w, "reviewer"), nomination=second)
    for nomination in (first, second):
        workflow.nomination_advance(
            membership=_m(w, "admin"), nomination=nomination, comment="局党组会议纪要〔2026〕1号"
        )
    selection.first = first
    return selection


def _self_nomination_round(w: World):
    selection = workflow.round_create(
        membership=_m(w, "admin"), year=2027, category="district", seats=1
    )
    selection.self_nomination = True  # as a programme with 自荐 would have it
    selection.save(update_fields=["self_nomination"])
    return selection


def _objection(w: World):
    return workflow.objection_file(
        tenant=w.tenant,
        notice=w.nomination.notice,
        nomination=w.nomination,
        contact="13800000001",
        reason="另有异议",
        today=dt.date(2026, 3, 4),
    )


def _dated(w: World, occurred_on: str) -> dict:
    return {
        "title": f"日期 {next(_SERIAL)}",
        "occurred_on": occurred_on,
        "officers": [w.officers["mine"].id],
    }


def _finalised(w: World, year: int):
    if not RankingSnapshot.objects.for_tenant(w.tenant).filter(year=year).exists():
        ranking_finalize(membership=_m(w, "admin"), year=year)


def _co_credited(w: World):
    """An entry the officer ``peer`` logged crediting the officer login
    ``mine`` too: ``mine``'s confirmation is outstanding."""
    return _entry(w, by="peer", credits=("peer", "mine"))


# --- the table ------------------------------------------------------------------------------

_LOGGERS_201 = _roles(admin=201, auditor=403, manager=201, reviewer=403, officer=201)
_ADMIN_ONLY = _roles(admin=201, auditor=403, manager=403, reviewer=403, officer=403)
_NOMINATION_READERS = _roles(admin=200, auditor=200, manager=200, reviewer=200, officer=403)
_VERIFY_D1 = _roles(admin=200, auditor=403, manager=200, reviewer=404, officer=404)
_VERIFY_MINE = _roles(admin=200, auditor=403, manager=200, reviewer=403, officer=403)

ROWS: dict[str, Row] = {
    "districts list": Row("get", lambda w, t: "districts/", _all(200)),
    "districts create": Row(
        "post",
        lambda w, t: "districts/",
        _ADMIN_ONLY,
        lambda w, t, r: {"code": f"m-{r}", "name": r},
    ),
    "units list": Row("get", lambda w, t: "units/", _all(200)),
    "units create": Row(
        "post",
        lambda w, t: "units/",
        _ADMIN_ONLY,
        lambda w, t, r: {"name": f"矩阵单位{r}", "kind": "park", "district": "d1"},
    ),
    "policy read": Row("get", lambda w, t: "policy/", _all(200)),
    # issue 11 policy: the schema, versions and the what-if preview
    "policy schema": Row("get", lambda w, t: "policy/schema/", _all(200)),
    "policy versions list": Row("get", lambda w, t: "policy/versions/", _all(200)),
    "policy versions create": Row(
        "post",
        lambda w, t: "policy/versions/",
        _ADMIN_ONLY,
        lambda w, t, r: {"effective_from": "2027-01-01", "note": r, "rules": {"notice_days": 7}},
    ),
    "policy preview": Row(
        "post",
        lambda w, t: "policy/preview/",
        _roles(admin=200, auditor=403, manager=403, reviewer=403, officer=403),
        lambda w, t, r: {"effective_from": "2025-01-01", "rules": {"points": {}}},
    ),
    "members list": Row(
        "get",
        lambda w, t: "members/",
        _roles(admin=200, auditor=403, manager=403, reviewer=403, officer=403),
    ),
    "members create": Row(
        "post",
        lambda w, t: "members/",
        _ADMIN_ONLY,
        lambda w, t, r: {
            "username": f"matrix-{r}",
            "password": "Another-pass-1!",
            "role": "auditor",
        },
    ),
    "officers list": Row("get", lambda w, t: "officers/", _all(200)),
    "officers create": Row(
        "post",
        lambda w, t: "officers/",
        _ADMIN_ONLY,
        lambda w, t, r: {
            "full_name": f"新人{r}",
            "category": "city",
            "term_start": "2025-01-01",
            "term_end": "2026-12-31",
        },
    ),
    "disqualify a d1 officer": Row(
        "post",
        lambda w, t: f"officers/{t.id}/disqualify/",
        _roles(admin=200, auditor=403, manager=403, reviewer=404, officer=404),
        lambda w, t, r: {"reason": "fraud", "effective_on": "2025-06-30"},
        lambda w, r: _officer(w, "d1"),
    ),
    "disqualify a d2 officer": Row(
        "post",
        lambda w, t: f"officers/{t.id}/disqualify/",
        _roles(admin=200, auditor=403, manager=404, reviewer=404, officer=404),
        lambda w, t, r: {"reason": "fraud", "effective_on": "2025-06-30"},
        lambda w, r: _officer(w, "d2"),
    ),
    "statement of the officer login's own": Row(
        "get",
        lambda w, t: f"officers/{w.officers['mine'].id}/statement/?year=2025",
        _roles(admin=200, auditor=200, manager=200, reviewer=403, officer=200),
    ),
    "statement of a d2 officer": Row(
        "get",
        lambda w, t: f"officers/{w.officers['d2'].id}/statement/?year=2025",
        _roles(admin=200, auditor=200, manager=404, reviewer=404, officer=404),
    ),
    # issue 13 the officer's file (一人一档): the officer, the district's
    # managers, the centre and auditors; unit reviewers and others: 404
    "officer file of the officer login's own": Row(
        "get",
        lambda w, t: f"officers/{w.officers['mine'].id}/file/",
        _roles(admin=200, auditor=200, manager=200, reviewer=404, officer=200),
    ),
    "officer file of a d2 officer": Row(
        "get",
        lambda w, t: f"officers/{w.officers['d2'].id}/file/",
        _roles(admin=200, auditor=200, manager=404, reviewer=404, officer=404),
    ),
    "officer file workbook": Row(
        "get",
        lambda w, t: f"officers/{w.officers['mine'].id}/file.xlsx",
        _roles(admin=200, auditor=200, manager=200, reviewer=404, officer=200),
    ),
    "rankings read": Row(
        "get",
        lambda w, t: "rankings/2025/",
        _roles(admin=200, auditor=200, manager=200, reviewer=403, officer=403),
    ),
    # issue 16 item 3: one pool a page at a time; a pool out of reach is 404
    "rankings read, one pool paged": Row(
        "get",
        lambda w, t: "rankings/2025/?pool=district:d1&page_size=1",
        _roles(admin=200, auditor=200, manager=200, reviewer=403, officer=403),
    ),
    "rankings read, a pool out of a manager's reach": Row(
        "get",
        lambda w, t: "rankings/2025/?pool=city",
        _roles(admin=200, auditor=200, manager=404, reviewer=403, officer=403),
    ),
    "rankings finalize": Row(
        "post",
        lambda w, t: "rankings/2025/finalize/",
        _roles(admin=200, auditor=403, manager=403, reviewer=403, officer=403),
    ),
    "rankings export": Row(
        "get",
        lambda w, t: "rankings/2025/export/",
        _roles(admin=200, auditor=200, manager=403, reviewer=403, officer=403),
    ),
    # issue 14 exports: every member may check a file; no file → 400, nothing written
    # (the files themselves: tests/test_export_provenance.py)
    "exports verify without a file": Row("post", lambda w, t: "exports/verify/", _all(400)),
    # issue 12 grades
    "assessment year read": Row(
        "get",
        lambda w, t: "assessments/2025/",
        _roles(admin=200, auditor=200, manager=200, reviewer=403, officer=403),
    ),
    "assessment grade set": Row(
        "post",
        lambda w, t: f"assessments/2025/officers/{w.officers['d1'].id}/",
        _roles(admin=200, auditor=403, manager=403, reviewer=403, officer=403),
        lambda w, t, r: {"grade": "qualified", "reason": "矩阵"},
    ),
    "assessment finalize": Row(
        "post",
        lambda w, t: "assessments/2025/finalize/",
        _roles(admin=200, auditor=403, manager=403, reviewer=403, officer=403),
    ),
    "quota reports list": Row(
        "get",
        lambda w, t: "quota-reports/",
        _roles(admin=200, auditor=200, manager=200, reviewer=403, officer=403),
    ),
    "quota reports build": Row(
        "post", lambda w, t: "quota-reports/", _ADMIN_ONLY, lambda w, t, r: {"month": "2025-04"}
    ),
    "quota report read": Row(
        "get",
        lambda w, t: f"quota-reports/{w.quota_report.id}/",
        _roles(admin=200, auditor=200, manager=200, reviewer=403, officer=403),
    ),
    # --- selection workflow
    "selection rounds list": Row("get", lambda w, t: "selection-rounds/", _NOMINATION_READERS),
    "selection rounds create": Row(
        "post",
        lambda w, t: "selection-rounds/",
        _ADMIN_ONLY,
        lambda w, t, r: {"year": 2027, "category": "city", "seats": 3},
    ),
    "nominations list": Row("get", lambda w, t: "nominations/", _NOMINATION_READERS),
    "nominations create": Row(
        "post",
        lambda w, t: "nominations/",
        _roles(admin=201, auditor=403, manager=201, reviewer=201, officer=403),
        lambda w, t, r: {
            "round": w.round.id,
            "full_name": f"候选人{r}",
            "unit": w.units["u1"].id,
            "mobile": "13900000007",
        },
    ),
    "nomination advance a draft": Row(
        "post",
        lambda w, t: f"nominations/{t.id}/advance/",
        _roles(admin=403, auditor=403, manager=403, reviewer=200, officer=404),
        lambda w, t, r: {"comment": ""},
        lambda w, r: _draft_nomination(w),
    ),
    "nomination reject a submitted one": Row(
        "post",
        lambda w, t: f"nominations/{t.id}/reject/",
        _roles(admin=403, auditor=403, manager=403, reviewer=200, officer=404),
        lambda w, t, r: {"reason": "材料不全"},
        lambda w, r: _submitted_nomination(w),
    ),
    "nomination withdraw a draft": Row(
        "post",
        lambda w, t: f"nominations/{t.id}/withdraw/",
        _roles(admin=403, auditor=403, manager=403, reviewer=200, officer=404),
        lambda w, t, r: {"comment": ""},
        lambda w, r: _draft_nomination(w),
    ),
    "round publish notice": Row(
        "post",
        lambda w, t: f"selection-rounds/{t.id}/publish-notice/",
        # rounds are tenant-wide (their notices are public): visible, not an officer's to act on
        _roles(admin=201, auditor=403, manager=403, reviewer=403, officer=403),
        lambda w, t, r: {"start": "2026-12-01", "end": "2026-12-07"},
        lambda w, r: _round_ready_for_notice(w),
    ),
    "round appoint while an objection is open": Row(
        "post",
        lambda w, t: f"selection-rounds/{w.round.id}/appoint/",
        _roles(admin=409, auditor=403, manager=403, reviewer=403, officer=403),
    ),
    "nomination advance a leader approval without its reference": Row(
        "post",
        lambda w, t: f"nominations/{t.id}/advance/",
        _roles(admin=400, auditor=403, manager=403, reviewer=403, officer=404),
        lambda w, t, r: {"comment": ""},
        lambda w, r: _city_nomination_at_leader_approval(w),
    ),
    "nomination advance a leader approval with its reference": Row(
        "post",
        lambda w, t: f"nominations/{t.id}/advance/",
        _roles(admin=200, auditor=403, manager=403, reviewer=403, officer=404),
        lambda w, t, r: {"comment": "局党组会议纪要〔2026〕2号"},
        lambda w, r: _city_nomination_at_leader_approval(w),
    ),
    "round appoint a choice within the seats (no notice)": Row(
        "post",
        lambda w, t: f"selection-rounds/{t.id}/appoint/",
        _roles(admin=200, auditor=403, manager=403, reviewer=403, officer=403),
        lambda w, t, r: {"nominations": [t.first.id]},
        lambda w, r: _city_round_over_its_seat(w),
    ),
    "round appoint more verified than seats, no choice": Row(
        "post",
        lambda w, t: f"selection-rounds/{t.id}/appoint/",
        _roles(admin=409, auditor=403, manager=403, reviewer=403, officer=403),
        lambda w, t, r: {},
        lambda w, r: _city_round_over_its_seat(w),
    ),
    "round publish notice where the category has none": Row(
        "post",
        lambda w, t: f"selection-rounds/{t.id}/publish-notice/",
        _roles(admin=409, auditor=403, manager=403, reviewer=403, officer=403),
        lambda w, t, r: {},
        lambda w, r: _city_round_over_its_seat(w),
    ),
    "public application to a round open to self-nomination": Row(
        "post",
        lambda w, t: f"/api/v1/public/{w.tenant.slug}/rounds/{t.id}/applications/",
        _all(201),
        lambda w, t, r: {"full_name": "自荐人", "unit": w.units["u1"].id, "mobile": "13700000009"},
        lambda w, r: _self_nomination_round(w),
    ),
    "objection resolve": Row(
        "post",
        lambda w, t: f"objections/{t.id}/resolve/",
        _roles(admin=200, auditor=403, manager=403, reviewer=403, officer=404),
        lambda w, t, r: {"decision": "dismissed", "comment": "不实"},
        lambda w, r: _objection(w),
    ),
}

for _kind, _prefix in KINDS.items():
    ROWS[f"{_prefix} list"] = Row("get", lambda w, t, p=_prefix: f"{p}/", _all(200))
    ROWS[f"{_prefix} create"] = Row(
        "post",
        lambda w, t, p=_prefix: f"{p}/",
        _LOGGERS_201,
        lambda w, t, r, k=_kind: {
            "title": f"矩阵 {k} {r}",
            "occurred_on": "2025-04-01",
            "officers": [w.officers["mine"].id],
        },
    )


def _change_request(w: World, district: str):
    from roster.hosts import change_request_file

    return change_request_file(
        membership=_m(w, "admin"), officer=w.officers[district], kind="other", reason="矩阵"
    )


_MANAGERS_READ = _roles(admin=200, auditor=200, manager=200, reviewer=403, officer=403)
# issue 11 roster: hosts, rotation due, headcount, change requests
ROWS.update(
    {
        "hosts of the officer login's own": Row(
            "get", lambda w, t: f"officers/{w.officers['mine'].id}/hosts/", _all(200)
        ),
        "hosts post for a d1 officer": Row(
            "post",
            lambda w, t: f"officers/{t.id}/hosts/",
            _roles(admin=201, auditor=403, manager=403, reviewer=404, officer=404),
            lambda w, t, r: {"unit": w.units["u1"].id, "start": "2025-03-01"},
            lambda w, r: _officer(w, "d1"),
        ),
        "hosts post for a d2 officer": Row(
            "post",
            lambda w, t: f"officers/{t.id}/hosts/",
            _roles(admin=201, auditor=403, manager=404, reviewer=404, officer=404),
            lambda w, t, r: {"unit": w.units["u1"].id, "start": "2025-03-01"},
            lambda w, r: _officer(w, "d2"),
        ),
        "rotation due": Row(
            "get", lambda w, t: "officers/rotation-due/?on=2025-06-01", _MANAGERS_READ
        ),
        "headcount": Row("get", lambda w, t: "officers/headcount/?on=2025-06-01", _MANAGERS_READ),
        "change requests list": Row("get", lambda w, t: "change-requests/", _all(200)),
        "change request about the officer login's own": Row(
            "post",
            lambda w, t: "change-requests/",
            _roles(admin=201, auditor=403, manager=201, reviewer=201, officer=201),
            lambda w, t, r: {"officer": w.officers["mine"].id, "kind": "other", "reason": "调整"},
        ),
        "change request about a d2 officer": Row(
            "post",
            lambda w, t: "change-requests/",
            _roles(admin=201, auditor=403, manager=400, reviewer=400, officer=400),
            lambda w, t, r: {"officer": w.officers["d2"].id, "kind": "other", "reason": "调整"},
        ),
        "change request approve (d1)": Row(
            "post",
            lambda w, t: f"change-requests/{t.id}/approve/",
            _roles(admin=200, auditor=403, manager=403, reviewer=404, officer=404),
            lambda w, t, r: {"comment": "同意"},
            lambda w, r: _change_request(w, "d1"),
        ),
        "change request reject (d2)": Row(
            "post",
            lambda w, t: f"change-requests/{t.id}/reject/",
            _roles(admin=200, auditor=403, manager=404, reviewer=404, officer=404),
            lambda w, t, r: {"comment": "不同意"},
            lambda w, r: _change_request(w, "d2"),
        ),
    }
)
ROWS.update(
    {
        "entry edit a draft crediting the officer login": Row(
            "patch",
            lambda w, t: f"events/{t.id}/",
            _roles(admin=200, auditor=403, manager=200, reviewer=403, officer=200),
            lambda w, t, r: {"title": f"改 {r}"},
            lambda w, r: _entry(w, credits=("mine",)),
        ),
        "entry PUT is not served": Row(
            "put",
            lambda w, t: f"events/{w.entries['event'].id}/",
            _all(405),
            lambda w, t, r: {"title": "x"},
        ),
        "entry DELETE is not served": Row(
            "delete", lambda w, t: f"events/{w.entries['event'].id}/", _all(405)
        ),
        "entry submit a draft crediting the officer login": Row(
            "post",
            lambda w, t: f"events/{t.id}/submit/",
            _roles(admin=200, auditor=403, manager=200, reviewer=403, officer=200),
            target=lambda w, r: _entry(w, credits=("mine",)),
        ),
        "verify an entry crediting d1": Row(
            "post",
            lambda w, t: f"events/{t.id}/verify/",
            _VERIFY_D1,
            target=lambda w, r: _entry(w, submit=True),
        ),
        "verify an entry crediting the officer login": Row(
            "post",
            lambda w, t: f"events/{t.id}/verify/",
            _VERIFY_MINE,
            target=lambda w, r: _entry(w, credits=("mine",), submit=True),
        ),
        "verify an entry the admin created": Row(
            "post",
            lambda w, t: f"events/{t.id}/verify/",
            _roles(admin=403, auditor=403, manager=200, reviewer=404, officer=404),
            target=lambda w, r: _entry(w, by="admin", submit=True),
        ),
        "verify an entry the manager created": Row(
            "post",
            lambda w, t: f"events/{t.id}/verify/",
            _roles(admin=200, auditor=403, manager=403, reviewer=404, officer=404),
            target=lambda w, r: _entry(w, by="manager", submit=True),
        ),
        "verify an entry crediting the manager's own officer record": Row(
            "post",
            lambda w, t: f"events/{t.id}/verify/",
            _roles(admin=200, auditor=403, manager=403, reviewer=404, officer=404),
            target=lambda w, r: _entry(w, credits=("manager_self",), submit=True),
        ),
        "verify a cross-district entry": Row(
            "post",
            lambda w, t: f"events/{t.id}/verify/",
            _roles(admin=200, auditor=403, manager=403, reviewer=404, officer=404),
            target=lambda w, r: _entry(w, credits=("d1", "d2"), submit=True),
        ),
        "return an entry crediting d1": Row(
            "post",
            lambda w, t: f"events/{t.id}/return/",
            _VERIFY_D1,
            lambda w, t, r: {"reason": "请补充材料"},
            lambda w, r: _entry(w, submit=True),
        ),
        "return without a reason": Row(
            "post",
            lambda w, t: f"events/{t.id}/return/",
            _roles(admin=400, auditor=403, manager=400, reviewer=404, officer=404),
            target=lambda w, r: _entry(w, submit=True),
        ),
        "return an entry crediting the officer login": Row(
            "post",
            lambda w, t: f"events/{t.id}/return/",
            _VERIFY_MINE,
            lambda w, t, r: {"reason": "请补充材料"},
            lambda w, r: _entry(w, credits=("mine",), submit=True),
        ),
        "return an entry the admin created": Row(
            "post",
            lambda w, t: f"events/{t.id}/return/",
            _roles(admin=403, auditor=403, manager=200, reviewer=404, officer=404),
            lambda w, t, r: {"reason": "请补充材料"},
            lambda w, r: _entry(w, by="admin", submit=True),
        ),
        "return an entry the manager created": Row(
            "post",
            lambda w, t: f"events/{t.id}/return/",
            _roles(admin=200, auditor=403, manager=403, reviewer=404, officer=404),
            lambda w, t, r: {"reason": "请补充材料"},
            lambda w, r: _entry(w, by="manager", submit=True),
        ),
        "return an entry crediting the manager's own officer record": Row(
            "post",
            lambda w, t: f"events/{t.id}/return/",
            _roles(admin=200, auditor=403, manager=403, reviewer=404, officer=404),
            lambda w, t, r: {"reason": "请补充材料"},
            lambda w, r: _entry(w, credits=("manager_self",), submit=True),
        ),
        "manager credits an officer outside their districts": Row(
            "post",
            lambda w, t: "events/",
            _roles(admin=201, auditor=403, manager=400, reviewer=403, officer=201),
            lambda w, t, r: {
                "title": f"跨区 {r}",
                "occurred_on": "2025-04-01",
                "officers": [w.officers["mine"].id, w.officers["d2"].id],
            },
        ),
        "entry dated after today": Row(
            "post",
            lambda w, t: "events/",
            _roles(admin=400, auditor=403, manager=400, reviewer=403, officer=400),
            lambda w, t, r: _dated(w, "2026-12-01"),
        ),
        "entry dated outside every credited officer's term": Row(
            "post",
            lambda w, t: "events/",
            _roles(admin=400, auditor=403, manager=400, reviewer=403, officer=400),
            lambda w, t, r: _dated(w, "2024-06-01"),
        ),
        "entry dated in a finalised year": Row(
            "post",
            lambda w, t: "events/",
            _roles(admin=409, auditor=403, manager=409, reviewer=403, officer=409),
            lambda w, t, r: _dated(w, "2025-04-01"),
            lambda w, r: _finalised(w, 2025),
        ),
        # --- Additions — Trust: routes of other branches (skip until merged)
        "co-credit confirm": Row(
            "post",
            lambda w, t: f"events/{t.id}/confirm/",
            _roles(admin=403, auditor=403, manager=403, reviewer=403, officer=200),
            target=lambda w, r: _co_credited(w),
        ),
        "co-credit decline": Row(
            "post",
            lambda w, t: f"events/{t.id}/decline/",
            _roles(admin=403, auditor=403, manager=403, reviewer=403, officer=200),
            lambda w, t, r: {"reason": "不是我做的"},
            lambda w, r: _co_credited(w),
        ),
        "co-credit confirm by an officer it does not credit": Row(
            "post",
            lambda w, t: f"events/{t.id}/confirm/",
            _roles(admin=403, auditor=403, manager=403, reviewer=404, officer=404),
            target=lambda w, r: _entry(w, by="peer", credits=("peer", "d1")),
        ),
        "submit while a co-credit is outstanding": Row(
            "post",
            lambda w, t: f"events/{t.id}/submit/",
            _roles(admin=409, auditor=403, manager=409, reviewer=403, officer=409),
            target=lambda w, r: _co_credited(w),
            needs="events/1/confirm/",
        ),
        "audit log read": Row(
            "get",
            lambda w, t: "audit/",
            _roles(admin=200, auditor=200, manager=403, reviewer=403, officer=403),
        ),
        "two-factor setup": Row("post", lambda w, t: "/api/v1/auth/mfa/setup/", _all(200)),
    }
)


# issue 12 ratings: rating links (API.md "Annual assessment")
def _graded(w: World) -> None:
    """Give the world Yangquan's graded assessment (rating criteria for hosts)."""
    from accounts.models import Policy
    from accounts.presets import preset_rules

    policy = Policy.objects.get(tenant=w.tenant)
    if policy.rules.get("assessment", {}).get("method") != "graded":
        policy.rules["assessment"] = preset_rules("yangquan")["assessment"]
        Policy.objects.filter(pk=policy.pk).update(rules=policy.rules)


def _rating_body(officer: str):
    return lambda w, t, r: {
        "officer": w.officers[officer].id,
        "year": 2026,
        "rater_kind": "host",
        "rater_name": "派驻单位",
    }


ROWS.update(
    {
        "rating request send": Row(
            "post",
            lambda w, t: "rating-requests/",
            _roles(admin=201, auditor=403, manager=201, reviewer=403, officer=403),
            _rating_body("d1"),
            lambda w, r: _graded(w),
        ),
        "rating request send for another district": Row(
            "post",
            lambda w, t: "rating-requests/",
            _roles(admin=201, auditor=403, manager=400, reviewer=403, officer=403),
            _rating_body("d2"),
            lambda w, r: _graded(w),
        ),
        "rating requests read": Row(
            "get",
            lambda w, t: "rating-requests/",
            _roles(admin=200, auditor=200, manager=200, reviewer=403, officer=403),
        ),
    }
)


# issue 13 duties API (API.md "Additions — Duties")
_RECORD_OWN = _roles(admin=201, auditor=403, manager=201, reviewer=403, officer=201)
_ROLE_INDEX = {role: i + 1 for i, role in enumerate(ROLES)}


def _duty_agreement(w: World, officer: str = "d1", *, filed: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from duties import services as duties

    from .world import PNG

    return duties.agreement_create(
        tenant=w.tenant,
        membership=_m(w, "admin2"),
        officer=w.officers[officer],
        host_unit=w.units["u1"],
        start=dt.date(2025, 3, 1),
        end=dt.date(2026, 2, 28),
        upload=SimpleUploadedFile("s.png", PNG, content_type="image/png") if filed else None,
    )


def _duty_report(w: World, officer: str = "d1", *, by: str = "admin2", submit: bool = True):
    """A fresh weekly plan of ``officer`` (each call its own week of 2025)."""
    from duties import services as duties

    report = duties.report_create(
        tenant=w.tenant,
        membership=_m(w, by),
        officer=w.officers[officer],
        kind="weekly_plan",
        period=f"2025-W{next(_SERIAL) % 52 + 1:02d}",
        body="矩阵周计划",
    )
    if submit:
        report = duties.report_submit(tenant=w.tenant, membership=_m(w, by), report=report)
    return report


ROWS.update(
    {
        "agreements list": Row("get", lambda w, t: "agreements/", _all(200)),
        "agreements create for the officer login's own": Row(
            "post",
            lambda w, t: "agreements/",
            _RECORD_OWN,
            lambda w, t, r: {
                "officer": w.officers["mine"].id,
                "host_unit": w.units["u1"].id,
                "start": "2025-03-01",
                "end": "2026-02-28",
            },
        ),
        "agreements create for a d1 officer": Row(
            "post",
            lambda w, t: "agreements/",
            _roles(admin=201, auditor=403, manager=201, reviewer=403, officer=400),
            lambda w, t, r: {
                "officer": w.officers["d1"].id,
                "host_unit": w.units["u1"].id,
                "start": "2025-03-01",
                "end": "2026-02-28",
            },
        ),
        "agreement renew (d1)": Row(
            "post",
            lambda w, t: f"agreements/{t.id}/renew/",
            _roles(admin=201, auditor=403, manager=201, reviewer=404, officer=404),
            lambda w, t, r: {"end": "2027-02-28"},
            lambda w, r: _duty_agreement(w),
        ),
        "agreement renew of the officer login's own": Row(
            "post",
            lambda w, t: f"agreements/{t.id}/renew/",
            _roles(admin=201, auditor=403, manager=201, reviewer=403, officer=201),
            lambda w, t, r: {"end": "2027-02-28"},
            lambda w, r: _duty_agreement(w, "mine"),
        ),
        "agreement file download (d1)": Row(
            "get",
            lambda w, t: f"agreements/{t.id}/file/",
            _roles(admin=200, auditor=200, manager=200, reviewer=404, officer=404),
            target=lambda w, r: _duty_agreement(w, filed=True),
        ),
        "reports list": Row("get", lambda w, t: "reports/", _all(200)),
        "reports due": Row("get", lambda w, t: "reports/due/?on=2026-03-10", _all(200)),
        "reports create for the officer login's own": Row(
            "post",
            lambda w, t: "reports/",
            _RECORD_OWN,
            lambda w, t, r: {
                "officer": w.officers["mine"].id,
                "kind": "monthly_plan",
                "period": f"2025-{_ROLE_INDEX[r]:02d}",
                "body": "矩阵月计划",
            },
        ),
        "report submit of the officer login's own draft": Row(
            "post",
            lambda w, t: f"reports/{t.id}/submit/",
            _roles(admin=403, auditor=403, manager=403, reviewer=403, officer=200),
            target=lambda w, r: _duty_report(w, "mine", by="officer", submit=False),
        ),
        "report accept (d1)": Row(
            "post",
            lambda w, t: f"reports/{t.id}/accept/",
            _roles(admin=200, auditor=403, manager=200, reviewer=404, officer=404),
            target=lambda w, r: _duty_report(w),
        ),
        "report accept of the officer login's own": Row(
            "post",
            lambda w, t: f"reports/{t.id}/accept/",
            _roles(admin=200, auditor=403, manager=200, reviewer=403, officer=403),
            target=lambda w, r: _duty_report(w, "mine", by="officer"),
        ),
        "report return (d1)": Row(
            "post",
            lambda w, t: f"reports/{t.id}/return/",
            _roles(admin=200, auditor=403, manager=200, reviewer=404, officer=404),
            lambda w, t, r: {"reason": "请补充"},
            lambda w, r: _duty_report(w),
        ),
        "service days list": Row("get", lambda w, t: "service-days/", _all(200)),
        "service days create for the officer login's own": Row(
            "post",
            lambda w, t: "service-days/",
            _RECORD_OWN,
            lambda w, t, r: {
                "officer": w.officers["mine"].id,
                "host_unit": w.units["u1"].id,
                "start": f"2025-{_ROLE_INDEX[r]:02d}-01",
                "end": f"2025-{_ROLE_INDEX[r]:02d}-05",
            },
        ),
        "trainings list": Row("get", lambda w, t: "trainings/", _all(200)),
        "trainings create": Row(
            "post",
            lambda w, t: "trainings/",
            _roles(admin=201, auditor=403, manager=201, reviewer=403, officer=403),
            lambda w, t, r: {
                "title": f"矩阵培训{r}",
                "kind": "training",
                "held_on": "2025-06-06",
                "attendees": [w.officers["d1"].id],
            },
        ),
    }
)


def _note(w: World, who: str):
    from accounts.notifications import notify

    return notify(
        tenant=w.tenant, user=w.users[who], key=f"matrix-{next(_SERIAL)}", title="矩阵", body="通知"
    )


# issue 14 notifications: everyone reads and marks their own; another's is not found
ROWS.update(
    {
        "notifications list": Row("get", lambda w, t: "notifications/", _all(200)),
        "notification read of one's own": Row(
            "post",
            lambda w, t: f"notifications/{t.id}/read/",
            _all(200),
            target=lambda w, r: _note(w, r),
        ),
        "notification read of another member's": Row(
            "post",
            lambda w, t: f"notifications/{t.id}/read/",
            _all(404),
            target=lambda w, r: _note(w, "admin2"),
        ),
    }
)


# issue 15 province network: tenant admins only; the other roles get 403
def _province(w: World):
    from accounts.models import Tenant
    from accounts.services import tenant_create
    from network import services as network
    from network.selectors import network_of

    slug = f"{w.tenant.slug}-prov"
    province = Tenant.objects.filter(slug=slug).first() or tenant_create(
        slug=slug,
        name="矩阵省协会",
        preset="hubei",
        admin_username=f"{slug}-admin",
        admin_password=PASSWORD,
    )
    admin = Membership.objects.get(tenant=province, user__username=f"{slug}-admin")
    net = network_of(tenant=province) or network.network_create(
        tenant=province, membership=admin, name="矩阵网络"
    )
    return province, admin, net


def _invited(w: World, home: World | None = None):
    """A fresh open invitation of ``w``'s tenant to the matrix network (of
    ``home``, the world under test, when ``w`` is another programme)."""
    from network import services as network
    from network.models import NetworkMember

    province, admin, net = _province(home or w)
    member = NetworkMember.objects.filter(tenant=w.tenant, network=net).first()
    if member is not None and member.status != "left":
        network._end(member)
    return network.member_invite(tenant=province, membership=admin, network=net, slug=w.tenant.slug)


def _joined(w: World, home: World | None = None):
    """``w``'s tenant as an active member of the matrix network (``home``'s)."""
    from network import services as network
    from network.models import NetworkMember

    member = NetworkMember.objects.filter(tenant=w.tenant, status="active").first()
    if member is None:
        member = network.member_accept(
            tenant=w.tenant, membership=_m(w, "admin"), member=_invited(w, home)
        )
    return member


def _verified_demand(w: World, credits=("d1",)):
    entry = _entry(w, kind="demand", credits=credits, submit=True)
    return ledger.entry_verify(tenant=w.tenant, membership=_m(w, "admin"), entry=entry)


def _published(w: World):
    from network import services as network

    _joined(w)
    return network.item_publish(
        tenant=w.tenant, membership=_m(w, "admin"), entry=_verified_demand(w)
    )


_NETWORK_ADMIN = {"admin": 200, "auditor": 403, "manager": 403, "reviewer": 403, "officer": 403}

ROWS.update(
    {
        "network read": Row("get", lambda w, t: "network/", _NETWORK_ADMIN),
        "network figures": Row("get", lambda w, t: "network/figures/", _NETWORK_ADMIN),
        "network figures export": Row(
            "get", lambda w, t: "network/figures/export/", _NETWORK_ADMIN
        ),
        "network published list": Row("get", lambda w, t: "network/published/", _NETWORK_ADMIN),
        "network start": Row(
            "post",
            lambda w, t: "network/",
            {**_NETWORK_ADMIN, "admin": 201},
            lambda w, t, r: {"name": "市级也可建网"},
        ),
        "network opt in": Row(
            "post",
            lambda w, t: f"network/members/{t.id}/accept/",
            _NETWORK_ADMIN,
            target=lambda w, r: _invited(w),
        ),
        "network leave": Row(
            "post",
            lambda w, t: f"network/members/{t.id}/leave/",
            _NETWORK_ADMIN,
            target=lambda w, r: _joined(w),
        ),
        "network remove a city programme (not the province)": Row(
            "post",
            lambda w, t: f"network/members/{t.id}/remove/",
            {**_NETWORK_ADMIN, "admin": 404},
            target=lambda w, r: _joined(w),
        ),
        "network publish a verified demand": Row(
            "post",
            lambda w, t: "network/published/",
            {**_NETWORK_ADMIN, "admin": 201},
            lambda w, t, r: {"entry": t.id},
            target=lambda w, r: (_joined(w), _verified_demand(w))[1],
        ),
        "network unpublish one's own": Row(
            "post",
            lambda w, t: f"network/published/{t.id}/unpublish/",
            {**_NETWORK_ADMIN, "admin": 204},
            target=lambda w, r: _published(w),
        ),
    }
)


def _peer_item(w: World):
    """An achievement another programme of the matrix network published
    (the programme and the item made once per world)."""
    from network import services as network
    from network.tests.test_network import _verified

    if getattr(w, "peer_item", None) is None:
        peer = build_world(f"{w.tenant.slug}-peer")
        _joined(peer, home=w)
        entry = _verified(peer, "achievement", "矩阵 achievement 网络成果")
        w.peer_item = network.item_publish(
            tenant=peer.tenant, membership=_m(peer, "admin"), entry=entry
        )
    return w.peer_item


def _network_suggestion(w: World, credits=("d1",)):
    """A fresh verified demand of the world's (crediting ``credits``) with the
    peer's published achievement among its suggestions: a NetworkMatch."""
    from matching.models import NetworkMatch
    from matching.services import matches_for

    _joined(w)
    item = _peer_item(w)
    demand = _verified_demand(w, credits)
    matches_for(tenant=w.tenant, entry=demand)
    return NetworkMatch.objects.get(tenant=w.tenant, entry=demand, published=item)


def _network_feedback(w: World, t, role: str) -> dict:
    return {"demand": t.entry_id, "published": t.published_id, "verdict": "not_relevant"}


#: feedback on a pair: the roles that give it (the auditor and the unit
#: reviewer do not: 403), on a demand in their reach (d1: the officer, 404)
_FEEDBACK_D1 = _roles(admin=201, auditor=403, manager=201, reviewer=403, officer=404)

# issue 15 matching: suggestions for an entry in reach (the world's entries credit
# d1: the officer and the unit reviewer do not reach them); feedback (an addition)
ROWS.update(
    {
        "matches for a demand": Row(
            "get",
            lambda w, t: f"matches/?demand={w.entries['demand'].id}",
            _roles(admin=200, auditor=200, manager=200, reviewer=404, officer=404),
        ),
        "matches for an achievement": Row(
            "get",
            lambda w, t: f"matches/?achievement={w.entries['achievement'].id}",
            _roles(admin=200, auditor=200, manager=200, reviewer=404, officer=404),
        ),
        "matches without an entry": Row("get", lambda w, t: "matches/", _all(400)),
        "match feedback": Row(
            "post",
            lambda w, t: "matches/feedback/",
            _FEEDBACK_D1,
            lambda w, t, r: {
                "demand": t.id,
                "achievement": w.entries["achievement"].id,
                "verdict": "not_relevant",
            },
            target=lambda w, r: _entry(w, kind="demand"),
        ),
        # the network variant: a fresh suggestion from another programme's
        # published achievement for each role; out of the manager's districts, 404
        "match feedback on a network suggestion": Row(
            "post",
            lambda w, t: "matches/feedback/",
            _FEEDBACK_D1,
            _network_feedback,
            target=lambda w, r: _network_suggestion(w),
        ),
        "match feedback on a network suggestion for a d2 demand": Row(
            "post",
            lambda w, t: "matches/feedback/",
            {**_FEEDBACK_D1, "manager": 404},
            _network_feedback,
            target=lambda w, r: _network_suggestion(w, credits=("d2",)),
        ),
        # issue 15 item 2 (an addition): the funnel for a year, in the caller's reach
        "matches funnel": Row(
            "get",
            lambda w, t: "matches/funnel/?year=2025",
            _roles(admin=200, auditor=200, manager=200, reviewer=403, officer=200),
        ),
        "matches funnel without a year": Row(
            "get",
            lambda w, t: "matches/funnel/",
            _roles(admin=400, auditor=400, manager=400, reviewer=403, officer=400),
        ),
    }
)

# issue 17 item 2: the whole tenant as a zip, tenant admins only
_TENANT_EXPORT = {"auditor": 403, "manager": 403, "reviewer": 403, "officer": 403}


def _tenant_export(w: World, role: str):
    from scoring.models import ExportJob

    return ExportJob.objects.create(
        tenant=w.tenant, kind="tenant", filename="tenant.zip", status="running"
    )


ROWS.update(
    {
        "tenant exports list": Row(
            "get", lambda w, t: "tenant-exports/", {**_TENANT_EXPORT, "admin": 200}
        ),
        "tenant export start": Row(
            "post", lambda w, t: "tenant-exports/", {**_TENANT_EXPORT, "admin": 202}
        ),
        "tenant export status": Row(
            "get",
            lambda w, t: f"tenant-exports/{t.id}/",
            {**_TENANT_EXPORT, "admin": 200},
            target=_tenant_export,
        ),
        "tenant export download before it is done": Row(
            "get",
            lambda w, t: f"tenant-exports/{t.id}/download/",
            {**_TENANT_EXPORT, "admin": 409},
            target=_tenant_export,
        ),
    }
)

#: (row, role) -> why the code does not answer as API.md says yet (strict xfail).
#: (row, role) -> why the cell is known to fail (a strict xfail); empty now that
#: the ledger rules of issue 10 (four eyes, reach, dates) have landed.
BUGS: dict[tuple[str, str], str] = {}


def _cases():
    cases = []
    for row in ROWS:
        roles = tuple(r for r in ROLES if (row, r) not in BUGS)
        cases.append(pytest.param(row, roles, id=row))
        for role in ROLES:
            if (row, role) in BUGS:
                mark = pytest.mark.xfail(strict=True, reason=BUGS[(row, role)])
                cases.append(pytest.param(row, (role,), marks=mark, id=f"{row} [{role}]"))
    return cases


def _matrix_world() -> World:
    """World alpha with a second admin (``admin2``, who logs the entries the
    admin under test did not create), an officer login ``peer`` in d1, and an
    officer record ``manager_self`` whose login is the district manager."""
    w = build_world("alpha")
    w.users["admin2"] = roster.member_create(
        tenant=w.tenant, username="alpha-admin2", password=PASSWORD, role=Role.ADMIN
    ).user
    w.officers["peer"] = roster.officer_create(
        tenant=w.tenant,
        full_name="孙七",
        category="district",
        district=w.districts["d1"],
        term_start=TERM[0],
        term_end=TERM[1],
        username="alpha-peer",
        password=PASSWORD,
    )
    w.users["peer"] = w.officers["peer"].user
    w.officers["manager_self"] = _officer(w, "d1")
    Officer.objects.filter(pk=w.officers["manager_self"].pk).update(user=w.users["manager"])
    return w


def _route_merged(url: str) -> bool:
    try:
        resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize(("row_name", "roles"), _cases())
def test_api_matrix(db, row_name, roles):
    row = ROWS[row_name]
    with time_machine.travel(NOW, tick=False):
        w = _matrix_world()
        if row.needs and not _route_merged(w.url(row.needs)):
            pytest.skip("route not merged yet")
        failures = []
        for role in roles:
            target = row.target(w, role)
            path = row.path(w, target)
            url = path if path.startswith("/") else w.url(path)
            if not _route_merged(url):
                pytest.skip("route not merged yet")
            client = w.api(role)
            before = db_state()
            response = getattr(client, row.method)(url, row.body(w, target, role), format="json")
            wrote = changed(before, db_state())
            expected = row.expect[role]
            if response.status_code != expected:
                failures.append((role, expected, response.status_code, response.content[:200]))
            elif response.status_code >= 400 and wrote:
                failures.append((role, "refused but wrote", wrote))
        assert failures == []


def _totp(secret: str, at: dt.datetime) -> str:
    """RFC 6238: HMAC-SHA1 over the 30-second counter, 6 digits."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at.timestamp()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


@pytest.mark.parametrize("role", ROLES)
def test_two_factor_setup_and_confirm_for_every_role(world, role):
    if not _route_merged("/api/v1/auth/mfa/confirm/"):
        pytest.skip("route not merged yet")
    with time_machine.travel(NOW, tick=False):
        client = world.api(role)
        setup = client.post("/api/v1/auth/mfa/setup/", {}, format="json")
        assert setup.status_code == 200
        secret = setup.json()["secret"]
        assert setup.json()["otpauth_url"].startswith("otpauth://totp/")
        wrong = client.post("/api/v1/auth/mfa/confirm/", {"otp": "000000"}, format="json")
        if _totp(secret, NOW) != "000000":
            assert wrong.status_code == 400
    # django-otp throttles a device after a wrong code (1 s, doubling): the
    # right code comes a few seconds later, as a person would type it.
    later = NOW + dt.timedelta(seconds=5)
    with time_machine.travel(later, tick=False):
        ok = client.post("/api/v1/auth/mfa/confirm/", {"otp": _totp(secret, later)}, format="json")
        assert ok.status_code == 200


def test_the_matrix_covers_every_role_of_every_row():
    for name, row in ROWS.items():
        assert set(row.expect) == set(ROLES), name
    assert len(ROWS) >= 60
    assert {k[0] for k in BUGS} <= set(ROWS)


# --- platform-admin (issue 17): a suspended tenant's API -------------------------------------

SUSPENDED_MESSAGE = "该机构已暂停使用"


@pytest.mark.parametrize("role", ROLES)
def test_a_suspended_tenants_api_refuses_every_role_and_writes_nothing(world, other_world, role):
    from django.utils import timezone

    from accounts.models import Tenant

    Tenant.objects.filter(pk=world.tenant.pk).update(
        status="suspended", suspended_at=timezone.now()
    )
    api = world.api(role)
    before = db_state()
    for method, path, body in (
        ("get", "officers/", None),
        ("get", "events/", None),
        ("post", "events/", {"title": "x", "occurred_on": "2025-03-03"}),
        ("delete", f"districts/{world.districts['d2'].pk}/", None),
    ):
        answer = getattr(api, method)(world.url(path), body, format="json")
        assert (answer.status_code, answer.json()["detail"]) == (403, SUSPENDED_MESSAGE), path
    assert changed(before, db_state()) == []
    # an outsider still gets 404, as for any tenant not theirs
    assert other_world.api(role).get(world.url("officers/")).status_code == 404
