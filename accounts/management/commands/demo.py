"""``manage.py demo``: load (idempotently) the demo tenant on the ``wuhan``
preset, with districts, units, a roster of city and district officers and a
login for every role, then print the logins."""

from __future__ import annotations

import datetime as dt
import os
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.choices import Role
from accounts.models import Membership, Policy, Tenant, User
from accounts.services import tenant_create
from duties.demo import load_demo_duties
from ledgers.demo import load_demo_ledgers, load_demo_review_today
from network.demo import load_demo_network  # issue 15 province network
from roster import services as roster
from roster.demo import load_demo_selection
from roster.demo_hosts import load_demo_hosts  # issue 11 roster
from roster.demo_today import load_demo_selection_today
from roster.demo_yangquan import load_demo_yangquan
from roster.models import District, Officer, Unit
from scoring.quotas import quota_report_build

SLUG = "wuhan-demo"
SECOND_SLUG = "yangquan-demo"
PASSWORD = "Demo-pass-2026"
#: the platform operator's login (issue 17: /platform/)
OPERATOR = "demo-operator"

DISTRICTS = [
    ("jiangan", "江岸区"),
    ("jianghan", "江汉区"),
    ("qiaokou", "硚口区"),
    ("hanyang", "汉阳区"),
    ("wuchang", "武昌区"),
    ("qingshan", "青山区"),
    ("hongshan", "洪山区"),
    ("donghu", "东湖高新区"),
]
UNITS = [
    ("武汉大学", "university", None),
    ("华中科技大学", "university", None),
    ("武汉理工大学", "university", None),
    ("华中农业大学", "university", None),
    ("中国地质大学（武汉）", "university", None),
    ("武汉科技大学", "university", "qingshan"),
    ("中科院武汉岩土力学研究所", "research_institute", "wuchang"),
    ("武汉市科技成果转化服务中心", "bureau_unit", None),
    ("武汉市科学技术情报研究所", "bureau_unit", None),
    ("武汉市生产力促进中心", "bureau_unit", None),
    ("光谷生物城", "park", "donghu"),
    ("汉阳经济开发区", "park", "hanyang"),
    ("江岸区科技企业孵化器", "incubator", "jiangan"),
    ("硚口区创新创业孵化基地", "incubator", "qiaokou"),
    ("江汉区技术转移服务中心", "intermediary", "jianghan"),
    ("洪山区科技成果转化中试基地", "other", "hongshan"),
    ("长江创新投资基金", "investment", "jiangan"),
    ("青山区工业互联网产业园", "park", "qingshan"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "晓东",
    "海燕",
    "志强",
    "建华",
    "丽华",
    "文博",
    "思远",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


class Command(BaseCommand):
    help = "Load the demo tenant (idempotent) and print its logins."

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=SLUG).first()
        if tenant is None:
            tenant = self._build()
            self._match(tenant)
            self.stdout.write(self.style.SUCCESS(f"Demo tenant {SLUG} created."))
        else:
            self.stdout.write(f"Demo tenant {SLUG} already present; nothing changed.")
        if not Tenant.objects.filter(slug=SECOND_SLUG).exists():
            self._build_second()
        load_demo_network(password=PASSWORD)  # issue 15: hubei-demo links the two cities
        self._operator()
        self._print_logins()

    def _operator(self) -> None:
        """Issue 17: the platform operator (a superuser, member of no tenant),
        who creates, suspends and deletes tenants at /platform/."""
        if not User.objects.filter(username=OPERATOR).exists():
            User.objects.create_superuser(
                username=OPERATOR, password=PASSWORD, email="", full_name="平台运营"
            )

    def _match(self, tenant: Tenant) -> None:
        """Issue 15: the matches page has content; the demands' side only
        (each demand's top ten), which keeps `make run` fast."""
        from ledgers.choices import EntryKind
        from matching.services import rematch_tenant

        rematch_tenant(tenant=tenant, kinds=[EntryKind.DEMAND])
        # the funnel's later steps: events and conversions that name demands
        from matching.demo import link_demo_funnel

        link_demo_funnel(tenant=tenant, year=2025)

    @transaction.atomic
    def _build_second(self) -> Tenant:
        """A second programme on a graded preset (yangquan), with its own
        selection chain, where the demo auditor also works (the tenant
        switcher has something to switch to)."""
        rng = random.Random(2026)
        tenant = tenant_create(
            slug=SECOND_SLUG,
            name="阳泉市科技特派员（演示）",
            preset="yangquan",
            admin_username="demo-yq-admin",
            admin_password=PASSWORD,
            effective_from=dt.date(2024, 1, 1),
        )
        auditor = User.objects.get(username="demo-auditor")
        Membership.objects.create(tenant=tenant, user=auditor, role=Role.AUDITOR)
        # issue 11: counties, officers serving their hosts, a county manager, a
        # change request and two rounds on Yangquan's own chain
        load_demo_yangquan(tenant=tenant, rng=rng, password=PASSWORD, name=_name)
        load_demo_duties(tenant=tenant)  # issue 13: agreements, quarterly reports
        return tenant

    @transaction.atomic
    def _build(self) -> Tenant:
        rng = random.Random(2025)  # the same roster on every machine
        tenant = tenant_create(
            slug=SLUG,
            name="武汉市科技成果转化联络员（演示）",
            preset="wuhan",
            admin_username="demo-admin",
            admin_password=PASSWORD,
            effective_from=dt.date(2024, 1, 1),
        )
        User.objects.filter(username="demo-admin").update(full_name="转化中心管理员")
        # The programme requires two-factor for its admins and auditors; under
        # `make run` the demo logins are exempt (MFA_EXEMPT_USERNAMES, local.py).
        policy = Policy.objects.for_tenant(tenant).get()
        policy.rules["mfa_required_roles"] = [Role.ADMIN, Role.AUDITOR]
        policy.save(update_fields=["rules"])
        districts = {
            code: roster.district_create(tenant=tenant, code=code, name=name)
            for code, name in DISTRICTS
        }
        units = {
            name: roster.unit_create(
                tenant=tenant, name=name, kind=kind, district=districts.get(code)
            )
            for name, kind, code in UNITS
        }
        roster.member_create(
            tenant=tenant,
            username="demo-auditor",
            password=PASSWORD,
            role=Role.AUDITOR,
            full_name="组织人事处审计员",
        )
        roster.member_create(
            tenant=tenant,
            username="demo-manager",
            password=PASSWORD,
            role=Role.DISTRICT_MANAGER,
            full_name="洪山区科技局管理员",
            districts=[districts["hongshan"], districts["wuchang"]],
        )
        roster.member_create(
            tenant=tenant,
            username="demo-reviewer",
            password=PASSWORD,
            role=Role.UNIT_REVIEWER,
            full_name="武汉大学科技处负责人",
            units=[units["武汉大学"], units["华中科技大学"], units["洪山区科技成果转化中试基地"]],
        )
        term = (dt.date(2025, 1, 1), dt.date(2026, 12, 31))
        city_units = [u for u in units.values() if u.kind in ("bureau_unit", "university")]
        for i in range(24):
            roster.officer_create(
                tenant=tenant,
                full_name=_name(rng),
                category="city",
                district=None,
                unit=city_units[i % len(city_units)],
                term_start=term[0],
                term_end=term[1],
                username="demo-city-officer" if i == 0 else None,
                password=PASSWORD if i == 0 else None,
                mobile=f"139{rng.randrange(10**8):08d}",
            )
        for code, district in districts.items():
            local = [u for u in units.values() if u.district_id == district.id] or city_units
            for i in range(5):
                login = code == "hongshan" and i == 0
                roster.officer_create(
                    tenant=tenant,
                    full_name=_name(rng),
                    category="district",
                    district=district,
                    unit=local[i % len(local)],
                    term_start=term[0],
                    term_end=term[1],
                    username="demo-officer" if login else None,
                    password=PASSWORD if login else None,
                    mobile=f"138{rng.randrange(10**8):08d}",
                )
        load_demo_ledgers(tenant=tenant, rng=rng)
        load_demo_selection(tenant=tenant, rng=rng)
        load_demo_hosts(tenant=tenant)  # issue 11 roster
        load_demo_duties(tenant=tenant)  # issue 13: plans, trainings
        # issue 14 item 8: journeys that finish today (appoint, answer an
        # objection, review a nomination, correct a returned entry)
        load_demo_selection_today(tenant=tenant)
        load_demo_review_today(tenant=tenant)
        for month in range(1, 13):  # the demo year's monthly quota reports
            quota_report_build(tenant=tenant, month=f"2025-{month:02d}")
        return tenant

    def _print_logins(self) -> None:
        tenant = Tenant.objects.get(slug=SLUG)
        self.stdout.write(
            f"Demo: {District.objects.for_tenant(tenant).count()} districts, "
            f"{Unit.objects.for_tenant(tenant).count()} units, "
            f"{Officer.objects.for_tenant(tenant).count()} officers.\n"
            f"Logins (password {PASSWORD}) at http://127.0.0.1:{os.environ.get('PORT', '8000')}"
            "/accounts/login/:\n"
            "  demo-admin         tenant admin (转化中心)\n"
            "  demo-auditor       auditor (组织人事处), also in yangquan-demo (tenant switcher)\n"
            "  demo-manager       district manager of 洪山区 and 武昌区\n"
            "  demo-reviewer      unit reviewer of 武汉大学, 华中科技大学 and a 洪山区 pilot base\n"
            "  demo-officer       district officer in 洪山区\n"
            "  demo-city-officer  city officer\n"
            "  demo-yq-admin      admin of yangquan-demo (科技特派员)\n"
            "  demo-yq-reviewer   unit reviewer of 阳泉学院 in yangquan-demo\n"
            "  demo-yq-manager    district manager of 盂县 in yangquan-demo\n"
            "  demo-hubei-admin   admin of hubei-demo, the province network of both\n"
            f"  {OPERATOR}      platform operator: every tenant at /platform/\n"
            "Waiting today: demo-admin appoints the round whose notice ended yesterday and\n"
            "answers a public objection; demo-reviewer endorses a nomination; demo-officer\n"
            "corrects a returned entry; demo-city-officer confirms a shared credit.\n"
            "The demo programme requires two-factor sign-in for admins and auditors;\n"
            "the demo logins are exempt under `make run` (MFA_EXEMPT_USERNAMES)."
        )
