"""The Yangquan demo's annual assessment of 2025 (issue 12): the last full
year's commissioners, rating requests answered by their hosts and county
offices (some unanswered, one expired), the counties' opinions and an
integrity mark, so that the 年度考核等次 page shows a believable draft:

======  =======  ============  =======  ==============================
who     opinion  host          results  proposal (score)
======  =======  ============  =======  ==============================
1       优秀      5 5 5 5       5        优秀 (100.00)
2       优秀      5 5 4 5       5        优秀 (98.33)
3       优秀      5 4 4 5       4        合格: beyond the 2 places (90.00)
4       合格      4 4 4 4       4        合格 (73.33)
5       合格      4 4 3 4       4        合格 (71.67)
6       合格      waiting       3        合格 (60.00)
7       合格      3 4 4 3       expired  合格 (65.00)
8       合格      4 4 4 3       4        不合格: integrity mark (71.67)
9       不合格    2 3 2 2       2        不合格 (28.33)
10      —         waiting       waiting  待评: nothing to grade (0.00)
======  =======  ============  =======  ==============================

Ten commissioners: at most 20% excellent, 2 places, so the third officer
above 85 falls to 合格 (the cap). Their one-year terms (第十四条（五）) ran
their course at the end of 2025. Fixed names and dates: the same data on
every machine; only the links still open expire 30 days after the demo is
loaded.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Membership, Tenant
from roster import services as roster
from roster.choices import OfficerStatus
from roster.models import District, Officer, Unit

from .models import Rating
from .ratings import (
    assessment_mark_record,
    district_opinion_set,
    rating_request_create,
    rating_submit,
)

YEAR = 2025
TERM = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
#: the requests went out after the year's end; answers came within days
SENT, ANSWERED = dt.date(2026, 1, 5), dt.date(2026, 1, 12)
HOST_CRITERIA = ("duties", "service", "conversion", "satisfaction")
WAITING, EXPIRED = "waiting", "expired"

#: (name, county, opinion, host scores or state, results score or state)
COHORT = [
    ("高志远", "chengqu", "excellent", (5, 5, 5, 5), 5),
    ("韩雪梅", "jiaoqu", "excellent", (5, 5, 4, 5), 5),
    ("武建国", "yuxian", "excellent", (5, 4, 4, 5), 4),
    ("郝丽娟", "chengqu", "qualified", (4, 4, 4, 4), 4),
    ("乔永刚", "jiaoqu", "qualified", (4, 4, 3, 4), 4),
    ("贾春燕", "yuxian", "qualified", WAITING, 3),
    ("闫海涛", "chengqu", "qualified", (3, 4, 4, 3), EXPIRED),
    ("田晓峰", "jiaoqu", "qualified", (4, 4, 4, 3), 4),
    ("常振华", "yuxian", "unqualified", (2, 3, 2, 2), 2),
    ("苗丽萍", "chengqu", None, WAITING, WAITING),
]
#: the officer with a research-integrity record (第十三条（一）, 第十七条 廉洁自律)
MARKED = "田晓峰"
COUNTY_OFFICE = {"chengqu": "城区科技局", "jiaoqu": "郊区科技局", "yuxian": "盂县科技局"}


def load_demo_assessment(
    *,
    tenant: Tenant,
    members: dict[str, Membership],
    districts: dict[str, District],
    hosts: dict[str, list[Unit]],
    units: list[Unit],
) -> list[Officer]:
    """The 2025 cohort and its assessment draft (see the module's table)."""
    admin, manager = members["admin"], members["manager"]
    cohort = []
    for i, (full_name, county, opinion, host, results) in enumerate(COHORT):
        officer = roster.officer_create(
            tenant=tenant,
            full_name=full_name,
            category="commissioner",
            district=districts[county],
            unit=units[i % 2],
            term_start=TERM[0],
            term_end=TERM[1],
        )
        cohort.append(officer)
        # the county's manager asks about their own county's officers
        sender = manager if county == "yuxian" else admin
        _rate(tenant, sender, officer, "host", hosts[county][0].name, host)
        _rate(tenant, sender, officer, "district", COUNTY_OFFICE[county], results)
        if opinion:
            district_opinion_set(
                membership=sender,
                officer=officer,
                year=YEAR,
                level=opinion,
                comment="" if opinion == "qualified" else _OPINION_NOTES[opinion],
            )
        if full_name == MARKED:
            assessment_mark_record(
                membership=admin,
                officer=officer,
                year=YEAR,
                kind="integrity_record",
                note="2025年10月科技项目结题材料存在数据造假，已列入科研失信记录。",
            )
    # the one-year agreements ran their course at the end of 2025
    Officer.objects.filter(pk__in=[o.pk for o in cohort]).update(status=OfficerStatus.ENDED)
    return cohort


_OPINION_NOTES = {
    "excellent": "服务企业主动，年度技术攻关成效突出。",
    "unqualified": "全年仅到岗服务两次，季度进展未按时报送。",
}


def _rate(tenant, sender: Membership, officer, kind: str, rater: str, answer) -> None:
    """A rating request and, unless it waits or expired, its answer."""
    sent = timezone.localdate() if answer == WAITING else SENT
    _request, token = rating_request_create(
        membership=sender,
        officer=officer,
        year=YEAR,
        rater_kind=kind,
        rater_name=rater,
        today=sent,
    )
    if answer in (WAITING, EXPIRED):
        return
    codes = HOST_CRITERIA if kind == "host" else ("results",)
    scores = dict(zip(codes, answer if kind == "host" else (answer,), strict=True))
    rating = rating_submit(tenant=tenant, token=token, scores=scores, today=ANSWERED)
    submitted = timezone.make_aware(dt.datetime.combine(ANSWERED, dt.time(10, officer.id % 60)))
    Rating.objects.filter(pk=rating.pk).update(submitted_at=submitted)
