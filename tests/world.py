"""Shared fixtures: a tenant with a member of every role, and a second tenant
whose rows must never show through. Related rows are built through the
services, so fixtures obey the same rules as users."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import Membership, Tenant, User
from accounts.services import tenant_create
from ledgers.choices import EntryKind
from ledgers.models import Entry, Evidence, Reference
from ledgers.services import entry_create, evidence_add, reference_create
from roster import services as roster
from roster import workflow
from roster.groups import group_create
from roster.hosts import change_request_file
from roster.models import (
    ChangeRequest,
    District,
    Nomination,
    Objection,
    Officer,
    OfficerGroup,
    SelectionRound,
    Unit,
)
from scoring.models import ExportJob, QuotaReport
from scoring.quotas import quota_report_build
from scoring.services import ranking_export_start

PASSWORD = "Test-pass-word-1!"
TERM = (dt.date(2025, 1, 1), dt.date(2026, 12, 31))
#: The smallest valid PNG: signature, IHDR of a 1x1 image, IDAT, IEND.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass
class World:
    """One tenant and what lives in it, by name."""

    tenant: Tenant
    users: dict[str, User] = field(default_factory=dict)
    districts: dict[str, District] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    officers: dict[str, Officer] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    reference: Reference | None = None
    evidence: Evidence | None = None
    export_job: ExportJob | None = None
    round: SelectionRound | None = None
    nomination: Nomination | None = None
    objection: Objection | None = None
    group: OfficerGroup | None = None
    quota_report: QuotaReport | None = None
    change_request: ChangeRequest | None = None  # issue 11 roster

    def api(self, who: str) -> APIClient:
        """An API client authenticated with ``who``'s token."""
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=self.users[who])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    def url(self, path: str) -> str:
        return f"/api/v1/tenants/{self.tenant.slug}/{path}"


def build_world(slug: str, preset: str = "wuhan") -> World:
    """A tenant with districts d1, d2; unit u1 in d1; a member of each role
    (the manager holds d1, the reviewer u1); officers: ``mine`` (the officer
    login's own, in d1), ``d1`` (another in d1), ``d2`` (in d2), ``city``."""
    tenant = tenant_create(
        slug=slug,
        name=f"{slug} 科技局",
        preset=preset,
        admin_username=f"{slug}-admin",
        admin_password=PASSWORD,
    )
    w = World(tenant=tenant)
    w.users["admin"] = User.objects.get(username=f"{slug}-admin")
    for code, name in (("d1", "一区"), ("d2", "二区")):
        w.districts[code] = roster.district_create(tenant=tenant, code=code, name=name)
    w.units["u1"] = roster.unit_create(
        tenant=tenant, name=f"{slug}大学", kind="university", district=w.districts["d1"]
    )
    w.units["u2"] = roster.unit_create(
        tenant=tenant, name=f"{slug}研究院", kind="research_institute", district=w.districts["d2"]
    )
    w.users["auditor"] = roster.member_create(
        tenant=tenant, username=f"{slug}-auditor", password=PASSWORD, role=Role.AUDITOR
    ).user
    w.users["manager"] = roster.member_create(
        tenant=tenant,
        username=f"{slug}-manager",
        password=PASSWORD,
        role=Role.DISTRICT_MANAGER,
        districts=[w.districts["d1"]],
    ).user
    w.users["reviewer"] = roster.member_create(
        tenant=tenant,
        username=f"{slug}-reviewer",
        password=PASSWORD,
        role=Role.UNIT_REVIEWER,
        units=[w.units["u1"]],
    ).user
    if preset == "wuhan":
        w.officers["mine"] = roster.officer_create(
            tenant=tenant,
            full_name="张三",
            category="district",
            district=w.districts["d1"],
            unit=w.units["u1"],
            term_start=TERM[0],
            term_end=TERM[1],
            username=f"{slug}-officer",
            password=PASSWORD,
        )
        w.users["officer"] = w.officers["mine"].user
        w.officers["d1"] = roster.officer_create(
            tenant=tenant,
            full_name="李四",
            category="district",
            district=w.districts["d1"],
            term_start=TERM[0],
            term_end=TERM[1],
        )
        w.officers["d2"] = roster.officer_create(
            tenant=tenant,
            full_name="王五",
            category="district",
            district=w.districts["d2"],
            unit=w.units["u2"],
            term_start=TERM[0],
            term_end=TERM[1],
        )
        w.officers["city"] = roster.officer_create(
            tenant=tenant,
            full_name="赵六",
            category="city",
            district=None,
            unit=w.units["u1"],
            term_start=TERM[0],
            term_end=TERM[1],
        )
        admin = Membership.objects.get(user=w.users["admin"])
        w.reference = reference_create(
            tenant=tenant, membership=admin, library="enterprise", name=f"{slug}科技有限公司"
        )
        for kind in EntryKind.values:
            w.entries[kind] = entry_create(
                tenant=tenant,
                membership=admin,
                kind=kind,
                data={"title": f"{slug} {kind}", "occurred_on": dt.date(2025, 3, 3)},
                officers=[w.officers["d1"]],
            )
        w.evidence = evidence_add(
            tenant=tenant,
            membership=admin,
            entry=w.entries["achievement"],
            upload=SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
        )
        w.export_job = ranking_export_start(membership=admin, year=2025)
        build_selection(w)
        w.group = group_create(
            membership=admin,
            kind="working",
            name="一区工作组",
            formed_on=dt.date(2025, 1, 1),
            district=w.districts["d1"],
            leader_name="一区科技局副局长",
            deputy=w.officers["city"],
        )
        w.quota_report = quota_report_build(tenant=tenant, month="2025-03")
        # issue 11 roster: a pending change request about the d1 officer
        w.change_request = change_request_file(
            membership=admin, officer=w.officers["d1"], kind="other", reason="工作调整"
        )
    return w


def build_selection(w: World) -> None:
    """A district round with one nomination walked to public notice (from u1
    in d1, by the unit reviewer, then the manager and the centre; the notice
    runs 2026-03-02 to 2026-03-06) and one open objection against it."""
    admin = Membership.objects.get(user=w.users["admin"])
    reviewer = Membership.objects.get(user=w.users["reviewer"])
    manager = Membership.objects.get(user=w.users["manager"])
    w.round = workflow.round_create(membership=admin, year=2026, category="district", seats=5)
    w.nomination = workflow.nomination_create(
        membership=reviewer,
        round=w.round,
        data={
            "full_name": "候选人甲",
            "unit": w.units["u1"],
            "mobile": "13900000001",
            "email": "jia@example.com",
        },
    )
    workflow.nomination_advance(membership=reviewer, nomination=w.nomination)
    workflow.nomination_advance(membership=reviewer, nomination=w.nomination)
    workflow.nomination_advance(membership=manager, nomination=w.nomination)
    # the centre's check, approved by the deputy director (wuhan 第七条（二）4)
    workflow.nomination_advance(
        membership=admin, nomination=w.nomination, comment="分管领导审定：武科转〔2026〕1号"
    )
    notice = workflow.notice_publish(
        membership=admin, round=w.round, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 6)
    )
    w.nomination.refresh_from_db()
    w.objection = workflow.objection_file(
        tenant=w.tenant,
        notice=notice,
        nomination=w.nomination,
        contact="13800000000",
        reason="材料不实",
        today=dt.date(2026, 3, 3),
    )


@pytest.fixture
def world(db) -> World:
    return build_world("alpha")


@pytest.fixture
def other_world(db) -> World:
    return build_world("beta")


ROLES = ("admin", "auditor", "manager", "reviewer", "officer")


def centre(w: World) -> Membership:
    """A second tenant admin (``w.users["centre"]``), made on first use: four
    eyes forbid the member who logged an entry to verify or return it, so
    entries the admin logs are reviewed by the centre's other admin."""
    # Looked up each time: worlds shared by a module outlive each test's rollback.
    found = Membership.objects.filter(
        tenant=w.tenant, user__username=f"{w.tenant.slug}-centre"
    ).first()
    if found is None:
        found = roster.member_create(
            tenant=w.tenant,
            username=f"{w.tenant.slug}-centre",
            password=PASSWORD,
            role=Role.ADMIN,
        )
    w.users["centre"] = found.user
    return found
