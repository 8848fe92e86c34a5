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
from scoring.shares import shares_refresh

from .choices import EntryAction, EntryStatus, EventType, Library
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
VENUES = ["光谷科技会展中心", "武汉科技成果转化服务中心", "汉阳经开区会议室", "洪山区创新大厦"]


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
    officers = list(Officer.objects.for_tenant(tenant).select_related("district"))
    city = [o for o in officers if o.category == "city"]
    by_district: dict[int, list[Officer]] = {}
    for o in officers:
        if o.district_id:
            by_district.setdefault(o.district_id, []).append(o)
    plans: list[tuple[dict, list[Officer]]] = []

    def add(kind, day, credited, **fields):
        plans.append(({"kind": kind, "occurred_on": day, **fields}, credited))

    def day_in(month):
        return dt.date(year, month, rng.randint(1, 28))

    for month in range(1, 13):
        for officer in city:
            for _ in range(rng.choice([1, 2, 2, 3])):
                tech = rng.choice(TECH)
                add(
                    "achievement",
                    day_in(month),
                    [officer],
                    title=tech,
                    institution=rng.choice(EXPERTS)[:6],
                    field=rng.choice(FIELDS),
                    expert=rng.choice(experts),
                    maturity=rng.choice(["lab", "prototype", "pilot"]),
                    summary=f"{tech}，已完成实验验证，具备转化条件。",
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
                    add(
                        "demand",
                        day_in(month),
                        [officer],
                        title=rng.choice(NEEDS),
                        enterprise=refs[ent],
                        field=rng.choice(FIELDS),
                        budget=Decimal(rng.choice([20, 50, 80, 120])),
                        is_valid=rng.random() < 0.85,
                        summary=f"{ent}提出：{rng.choice(NEEDS)}。",
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
    entries, statuses = [], []
    for fields, _credited in plans:
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
        entries.append(
            Entry(
                tenant=tenant,
                status=status,
                created_by=admin,
                return_reason="佐证材料不完整，请补充合同或照片。" if status == "returned" else "",
                # the stamps the transitions leave (the database checks them)
                submitted_at=None if status == "draft" else now,
                verified_at=now if status == "verified" else None,
                verified_by=admin if status == "verified" else None,
                **fields,
            )
        )
    Entry.objects.bulk_create(entries, batch_size=500)
    credits, events = [], []
    for entry, (_fields, credited), status in zip(entries, plans, statuses, strict=True):
        credits += [Credit(entry=entry, officer=o) for o in dict.fromkeys(credited)]
        events.append(
            EntryEvent(
                entry=entry,
                action=EntryAction.CREATED,
                actor=admin,
                to_status=EntryStatus.DRAFT,
                at=now,
            )
        )
        if status != "draft":
            events.append(
                EntryEvent(
                    entry=entry,
                    action=EntryAction.SUBMITTED,
                    actor=admin,
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
                    actor=admin,
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
