"""A year of realistic ledger entries for the demo tenant, in every status.

Built in bulk (one demo load must stay quick on SQLite), with the history a
real journey leaves: created, submitted, then verified or returned, and the
verified entries' stored shares.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership, Tenant
from roster.models import District, Officer
from roster.selectors import districts_in_reach
from roster.services import member_create
from scoring.shares import shares_refresh

from . import demo_titles, services
from .choices import EntryAction, EntryStatus, EventType, Library
from .demo_titles import Teller
from .models import Credit, Entry, EntryEvent, Reference

FIELDS = [
    "新材料",
    "生物医药",
    "光电子信息",
    "智能制造",
    "新能源",
    "节能环保",
    "现代农业",
    "人工智能",
]
TECH = [
    "一种高稳定性锂电池正极材料",
    "柔性显示基板制备工艺",
    "工业机器人视觉定位系统",
    "新型病毒快速检测试剂盒",
    "光纤传感健康监测装置",
    "秸秆综合利用技术",
    "氢燃料电池双极板",
    "桥梁缺陷智能识别算法",
    "高效光伏组件封装胶膜",
    "中药有效成分提取工艺",
    "水体重金属吸附材料",
    "智能仓储调度平台",
]
#: The field each demo achievement and need belongs to (the matcher reads it).
TECH_FIELD = {
    "一种高稳定性锂电池正极材料": "新能源",
    "柔性显示基板制备工艺": "光电子信息",
    "工业机器人视觉定位系统": "智能制造",
    "新型病毒快速检测试剂盒": "生物医药",
    "光纤传感健康监测装置": "光电子信息",
    "秸秆综合利用技术": "现代农业",
    "氢燃料电池双极板": "新能源",
    "桥梁缺陷智能识别算法": "人工智能",
    "高效光伏组件封装胶膜": "新能源",
    "中药有效成分提取工艺": "生物医药",
    "水体重金属吸附材料": "节能环保",
    "智能仓储调度平台": "人工智能",
    "产线自动化改造": "智能制造",
    "产品检测效率提升": "人工智能",
    "降低能耗的工艺优化": "节能环保",
    "新产品配方研发": "新材料",
    "质量追溯系统建设": "人工智能",
    "废水处理工艺升级": "节能环保",
    "关键零部件国产化替代": "智能制造",
}
NEEDS = [
    "产线自动化改造",
    "产品检测效率提升",
    "降低能耗的工艺优化",
    "新产品配方研发",
    "质量追溯系统建设",
    "废水处理工艺升级",
    "关键零部件国产化替代",
]
ENTERPRISES = [
    "武汉光谷新材料有限公司",
    "湖北长江精工机械股份有限公司",
    "武汉华创生物科技有限公司",
    "武汉江城智能装备有限公司",
    "湖北楚天环保科技有限公司",
    "武汉汉阳电子有限公司",
    "武汉青山钢铁配套有限公司",
    "武汉东湖光电有限公司",
]
EXPERTS = [
    "武汉大学新材料研究团队",
    "华中科技大学智能制造团队",
    "武汉理工大学复合材料团队",
    "华中农业大学作物育种团队",
    "中国地质大学环境工程团队",
]
#: The universities the demo's achievements come from (the experts' own).
INSTITUTIONS = ["武汉大学", "华中科技大学", "武汉理工大学", "华中农业大学", "中国地质大学（武汉）"]
VENUES = ["光谷科技会展中心", "武汉科技成果转化服务中心", "汉阳经开区会议室", "洪山区创新大厦"]


class _Reviewers:
    """Who logs and who reviews a demo entry, as four eyes require: an
    officer with a login logs their own work, the district manager logs for
    officers of their districts, the centre's admin for the rest; the
    reviewer is never the one who logged it nor a credited officer — the
    district manager where every credited officer is theirs, else the admin,
    else the centre's second reviewer (a member without a login)."""

    def __init__(self, *, tenant: Tenant, admin) -> None:
        self.admin = admin
        manager = Membership.objects.for_tenant(tenant).filter(role="district_manager").first()
        self.manager = manager.user if manager else None
        self.manager_districts = (
            set(districts_in_reach(membership=manager).values_list("id", flat=True))
            if manager
            else set()
        )
        self._centre = None
        self.tenant = tenant

    @property
    def centre(self):
        if self._centre is None:
            self._centre = member_create(
                tenant=self.tenant,
                username=f"{self.tenant.slug}-centre-reviewer",
                password=None,
                role="admin",
                full_name="转化中心复核员",
            ).user
        return self._centre

    def _managed(self, credited: list[Officer]) -> bool:
        return self.manager is not None and all(
            o.district_id in self.manager_districts for o in credited
        )

    def creator(self, credited: list[Officer]):
        if credited[0].user_id:
            return credited[0].user
        return self.manager if self._managed(credited) else self.admin

    def verifier(self, credited: list[Officer], creator):
        barred = {creator.pk} | {o.user_id for o in credited if o.user_id}
        if self._managed(credited) and self.manager.pk not in barred:
            return self.manager
        return self.admin if self.admin.pk not in barred else self.centre


def _keep(value, _draw):
    """``value``, the random draw it replaced thrown away: the demo's other
    random choices stay what they were."""
    return value


def load_demo_ledgers(*, tenant: Tenant, rng: random.Random, year: int = 2025) -> int:
    """Create the demo year's entries; returns how many."""
    admin = Membership.objects.for_tenant(tenant).filter(role="admin").first().user
    refs = {
        name: Reference.objects.create(
            tenant=tenant, library=Library.ENTERPRISE, name=name, field=rng.choice(FIELDS)
        )
        for name in ENTERPRISES
    }
    experts = [
        Reference.objects.create(
            tenant=tenant,
            library=Library.EXPERT,
            name=name,
            organisation=name[:4],
            field=rng.choice(FIELDS),
        )
        for name in EXPERTS
    ]
    for name, library in (
        ("武汉市新材料中试平台", Library.PLATFORM),
        ("湖北省智能制造创新中心", Library.PLATFORM),
        ("长江创新投资基金", Library.INVESTMENT),
        ("武汉技术产权交易所", Library.INTERMEDIARY),
        ("光谷科技成果转化项目（2025）", Library.PROJECT),
    ):
        Reference.objects.create(tenant=tenant, library=library, name=name)
    # the demo's draws follow this order: kept explicit, so a change of the
    # officers' default ordering (issue 16) does not reshuffle the demo
    officers = list(
        Officer.objects.for_tenant(tenant)
        .select_related("district", "user")
        .order_by("category", "district__code", "full_name")
    )
    city = [o for o in officers if o.category == "city"]
    by_district: dict[int, list[Officer]] = {}
    for o in officers:
        if o.district_id:
            by_district.setdefault(o.district_id, []).append(o)
    plans: list[tuple[dict, list[Officer]]] = []
    # each drawn topic told as one of its concrete items, in turn
    tell_achievement = Teller(demo_titles.ACHIEVEMENTS, owners=INSTITUTIONS)
    tell_need = Teller(demo_titles.NEEDS)

    def add(kind, day, credited, **fields):
        plans.append(({"kind": kind, "occurred_on": day, **fields}, credited))

    def day_in(month):
        return dt.date(year, month, rng.randint(1, 28))

    for month in range(1, 13):
        for officer in city:
            for _ in range(rng.choice([1, 2, 2, 3])):
                tech = rng.choice(TECH)
                title, what = tell_achievement(tech)
                add(
                    "achievement",
                    day_in(month),
                    [officer],
                    title=title,
                    # one achievement is always its institution's
                    institution=_keep(tell_achievement.institution(title), rng.choice(EXPERTS)),
                    field=_keep(TECH_FIELD[tech], rng.choice(FIELDS)),
                    expert=rng.choice(experts),
                    maturity=rng.choice(["lab", "prototype", "pilot"]),
                    summary=f"{what}；已完成实验验证，具备转化条件。",
                )
            for _ in range(rng.choice([1, 2, 2])):
                partner = rng.choice(officers)
                credited = [officer] if partner is officer else [officer, partner]
                add(
                    "event",
                    day_in(month),
                    credited,
                    title=f"{rng.choice(FIELDS)}领域成果对接会",
                    venue=rng.choice(VENUES),
                    event_type=rng.choice(
                        [EventType.ROADSHOW, EventType.DOCKING, EventType.ENTERPRISE_VISIT]
                    ),
                    participants=rng.randint(12, 80),
                )
            if rng.random() < 0.8:
                add(
                    "video",
                    day_in(month),
                    [officer],
                    title=f"{rng.choice(TECH)}成果推介短视频",
                    platform="douyin",
                    link="https://www.douyin.com/video/demo",
                )
        for members in by_district.values():
            for officer in members:
                if rng.random() < 0.5:
                    ent = rng.choice(ENTERPRISES)
                    need = rng.choice(NEEDS)
                    title, ask = tell_need(need)
                    add(
                        "demand",
                        day_in(month),
                        [officer],
                        title=title,
                        enterprise=refs[ent],
                        field=_keep(TECH_FIELD[need], rng.choice(FIELDS)),
                        budget=Decimal(rng.choice([20, 50, 80, 120])),
                        is_valid=rng.random() < 0.85,
                        summary=_keep(f"{ent}提出：{ask}。", rng.choice(NEEDS)),
                    )
                if rng.random() < 0.45:
                    add(
                        "event",
                        day_in(month),
                        [officer],
                        title="企业技术需求走访",
                        event_type=EventType.ENTERPRISE_VISIT,
                        venue=rng.choice(ENTERPRISES),
                        participants=rng.randint(3, 12),
                    )
                if month % 3 == 0 and rng.random() < 0.7:
                    add(
                        "video",
                        day_in(month),
                        [officer],
                        title="园区企业创新故事",
                        platform="douyin",
                        link="https://www.douyin.com/video/demo",
                    )
    # conversions: a few dozen, some across city and district officers
    for _ in range(40):
        officer = rng.choice(city)
        credited = [officer]
        if rng.random() < 0.4:
            credited.append(rng.choice([o for o in officers if o.district_id]))
        add(
            "conversion",
            day_in(rng.randint(2, 12)),
            credited,
            title=f"{rng.choice(TECH)}技术许可",
            enterprise=refs[rng.choice(ENTERPRISES)],
            mode=rng.choice(["transfer", "licence", "joint"]),
            contract_amount=Decimal(rng.choice([30, 60, 100, 150, 300])),
            contract_date=day_in(rng.randint(2, 12)),
            registration_no=f"42010{rng.randint(10**8, 10**9 - 1)}",
        )
    for district in District.objects.for_tenant(tenant):
        members = by_district.get(district.id, [])
        if members:
            add(
                "case",
                day_in(rng.randint(5, 11)),
                members[:1],
                title=f"{district.name}成果转化典型案例",
                summary="以需求为导向，促成校企合作落地。",
            )

    today = timezone.localdate()
    now = timezone.now()
    people = _Reviewers(tenant=tenant, admin=admin)
    entries, statuses, roles = [], [], []
    for fields, credited in plans:
        late = (
            fields["occurred_on"] >= today - dt.timedelta(days=40)
            or fields["occurred_on"].month >= 11
        )
        roll = rng.random()
        if late:
            status = (
                "draft"
                if roll < 0.25
                else "submitted"
                if roll < 0.75
                else "returned"
                if roll < 0.85
                else "verified"
            )
        else:
            status = "verified" if roll < 0.93 else "returned" if roll < 0.97 else "submitted"
        statuses.append(status)
        creator = people.creator(credited)
        verifier = people.verifier(credited, creator)
        roles.append((creator, verifier))
        entries.append(
            Entry(
                tenant=tenant,
                status=status,
                created_by=creator,
                return_reason="佐证材料不完整，请补充合同或照片。" if status == "returned" else "",
                submitted_at=now if status != "draft" else None,
                verified_at=now if status == "verified" else None,
                verified_by=verifier if status == "verified" else None,
                **fields,
            )
        )
    Entry.objects.bulk_create(entries, batch_size=500)
    credits, events = [], []
    for entry, (_fields, credited), status, (creator, verifier) in zip(
        entries, plans, statuses, roles, strict=True
    ):
        # co-credited colleagues confirmed before the entries were submitted
        credits += [
            Credit(entry=entry, officer=o, confirmed=True, confirmed_at=now)
            for o in dict.fromkeys(credited)
        ]
        events.append(
            EntryEvent(
                entry=entry,
                action=EntryAction.CREATED,
                actor=creator,
                to_status=EntryStatus.DRAFT,
                at=now,
            )
        )
        if status != "draft":
            events.append(
                EntryEvent(
                    entry=entry,
                    action=EntryAction.SUBMITTED,
                    actor=creator,
                    from_status="draft",
                    to_status="submitted",
                    at=now,
                )
            )
        if status in ("verified", "returned"):
            events.append(
                EntryEvent(
                    entry=entry,
                    action=status,
                    actor=verifier,
                    from_status="submitted",
                    to_status=status,
                    at=now,
                    reason=entry.return_reason,
                )
            )
    Credit.objects.bulk_create(credits, batch_size=1000)
    EntryEvent.objects.bulk_create(events, batch_size=1000)
    shares_refresh(tenant=tenant, entries=Entry.objects.filter(status=EntryStatus.VERIFIED))
    return len(entries)


#: Why the district manager returns demo-officer's entry of the day.
RETURN_REASON = "缺少活动签到表和现场照片，请补充后重新提交。"


def load_demo_review_today(*, tenant: Tenant, today: dt.date | None = None) -> None:
    """issue 14 item 8: demo-officer logs two enterprise visits of today
    through the services; the district manager returns one with the reason
    and verifies the other, so the officer finds a returned entry to correct
    and both notifications (sent after commit) unread. A third, a joint
    roadshow, credits demo-city-officer too and waits for that colleague to
    confirm the shared credit (a notification to them)."""
    today = today or timezone.localdate()
    mine = (
        Membership.objects.for_tenant(tenant)
        .select_related("user")
        .get(user__username="demo-officer")
    )
    manager = Membership.objects.for_tenant(tenant).get(user__username="demo-manager")
    officer = Officer.objects.for_tenant(tenant).get(user=mine.user)
    colleague = Officer.objects.for_tenant(tenant).get(user__username="demo-city-officer")
    day = min(today, officer.term_end)  # inside the demo terms
    for title, verify in (("企业技术需求走访（待补充材料）", False), ("中试基地开放日", True)):
        entry = services.entry_create(
            tenant=tenant,
            membership=mine,
            kind="event",
            data={
                "title": title,
                "occurred_on": day,
                "venue": "洪山区科技成果转化中试基地",
                "event_type": EventType.ENTERPRISE_VISIT,
                "participants": 15,
            },
            officers=[officer],
        )
        entry = services.entry_submit(tenant=tenant, membership=mine, entry=entry)
        if verify:
            services.entry_verify(tenant=tenant, membership=manager, entry=entry)
        else:
            services.entry_return(
                tenant=tenant, membership=manager, entry=entry, reason=RETURN_REASON
            )
    services.entry_create(
        tenant=tenant,
        membership=mine,
        kind="event",
        data={
            "title": "光谷生物城成果路演（联合）",
            "occurred_on": day,
            "venue": "光谷生物城",
            "event_type": EventType.ROADSHOW,
            "participants": 40,
        },
        officers=[officer, colleague],
    )
