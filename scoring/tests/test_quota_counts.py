"""The monthly quota report counts its entries in the database (issue 16):
its rows must be exactly those of the report counted entry by entry in the
engine (:func:`scoring.tests.quota_recount.quota_rows_recounted`) on varied ledgers: terms starting
and ending mid-year, renewed terms, pro-rating, disqualified officers,
co-credited entries (one district's officers together, and across
districts), submitted and verified entries, demands not marked valid, and
entries of other tenants and of other years."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.presets import preset_rules
from ledgers import services as ledger
from ledgers.models import Entry
from roster.models import Officer, OfficerRenewal
from roster.services import officer_create, officer_disqualify
from scoring import engine
from scoring.quotas import quota_counts, quota_rows
from scoring.tests.quota_recount import quota_rows_recounted
from scoring.tests.random_ledger import random_entry
from tests.world import centre

pytestmark = pytest.mark.django_db

D = dt.date
KINDS = ["achievement", "event", "event", "case", "video", "demand", "demand", "conversion"]
MONTHS = ["2025-01", "2025-02", "2025-03", "2025-05", "2025-06", "2025-09", "2025-12", "2026-02"]


def _officers(world) -> list:
    """The world's four officers and more: city and district officers whose
    terms start or end mid-year, one renewed after a gap, and two
    disqualified (before and within the year)."""
    tenant, d1, d2 = world.tenant, world.districts["d1"], world.districts["d2"]
    made = [
        ("城甲", "city", None, D(2025, 4, 15), D(2027, 4, 14)),
        ("城乙", "city", None, D(2023, 7, 1), D(2025, 8, 20)),
        ("城丙", "city", None, D(2024, 1, 1), D(2026, 12, 31)),
        ("区甲", "district", d1, D(2025, 2, 1), D(2027, 1, 31)),
        ("区乙", "district", d2, D(2023, 1, 1), D(2025, 6, 30)),
        ("区丙", "district", d2, D(2025, 1, 1), D(2026, 12, 31)),
        ("区丁", "district", d1, D(2025, 9, 10), D(2027, 9, 9)),
        ("区戊", "district", d1, D(2024, 1, 1), D(2026, 12, 31)),
    ]
    officers = list(world.officers.values()) + [
        officer_create(
            tenant=tenant,
            full_name=name,
            category=category,
            district=district,
            term_start=start,
            term_end=end,
        )
        for name, category, district, start, end in made
    ]
    renewed = officers[-2]  # 区丁: an earlier term, then a gap of two months
    OfficerRenewal.objects.create(
        tenant=tenant,
        officer=renewed,
        previous_start=D(2023, 7, 1),
        previous_end=D(2025, 7, 10),
        previous_status="ended",
        term_start=renewed.term_start,
        term_end=renewed.term_end,
    )
    reason = preset_rules("wuhan")["disqualification_reasons"][0]["code"]
    for officer, day in ((officers[-1], D(2024, 11, 1)), (officers[-3], D(2025, 5, 20))):
        officer_disqualify(
            tenant=tenant, officer=officer, reason=reason, effective_on=day, by=world.users["admin"]
        )
    return officers


def _ledger(world, rng: random.Random, entries: int) -> None:
    admin = world.users["admin"].memberships.get()
    logger = centre(world)
    officers = _officers(world)
    for i in range(entries):
        day = D(rng.choice([2024, 2025, 2025, 2025, 2026]), rng.randint(1, 12), rng.randint(1, 28))
        if day.year == 2026:
            day = day.replace(month=rng.randint(1, 2))
        # credited: officers whose current term holds the day
        serving = [o for o in officers if o.term_start <= day <= o.term_end]
        if not serving:
            continue
        team = rng.choice(["one", "one", "one", "district", "mixed"])
        district = [o for o in serving if o.district_id == rng.choice(serving).district_id]
        if team == "district" and len(district) > 1 and district[0].district_id:
            credited = rng.sample(district, min(len(district), rng.choice([2, 3])))
        else:  # one officer, or several of any category and district
            credited = rng.sample(serving, min(len(serving), 1 if team == "one" else 3))
        random_entry(
            world,
            rng,
            logger=logger,
            admin=admin,
            kind=rng.choice(KINDS),
            day=day,
            officers=credited,
            title=f"条目{i}",
            statuses=["draft", "submitted", "submitted", "verified", "verified"],
        )
    # demands not marked valid: counted as logged, not on the "valid" basis
    demands = list(
        Entry.objects.for_tenant(world.tenant).filter(kind="demand").values_list("id", flat=True)
    )
    Entry.objects.filter(id__in=rng.sample(demands, len(demands) // 3)).update(is_valid=False)


def _other_tenant(other_world) -> None:
    """Entries of another tenant in the same months never count here."""
    admin = other_world.users["admin"].memberships.get()
    for day in (D(2025, 3, 3), D(2025, 6, 9), D(2025, 12, 1)):
        for kind in ("achievement", "case", "video"):
            entry = ledger.entry_create(
                tenant=other_world.tenant,
                membership=admin,
                kind=kind,
                data={"title": f"他处{kind}{day}", "occurred_on": day},
                officers=list(other_world.officers.values()),
            )
            ledger.entry_submit(tenant=other_world.tenant, membership=admin, entry=entry)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counted_in_the_database_equals_counted_entry_by_entry(world, other_world, seed):
    _ledger(world, random.Random(seed), entries=150)
    _other_tenant(other_world)
    kinds_seen = set()
    for month in MONTHS:
        version, rows = quota_rows(tenant=world.tenant, month=month)
        assert (version, rows) == quota_rows_recounted(tenant=world.tenant, month=month)
        kinds_seen |= {(r["quota"], r["met"]) for r in rows}
    # the data reaches every quota of the preset, met and not met
    codes = {q.code for q in engine.Quota.from_policy(preset_rules("wuhan")["quotas"])}
    assert {code for code, _met in kinds_seen} == codes
    assert {met for _code, met in kinds_seen} == {True, False}


def test_an_officers_progress_reads_as_the_report(world):
    """The officer page's progress and the monthly report build an officer's
    fact alike: a disqualification ends the term in both (区丙, disqualified
    on 2025-05-20, has no rows after May in either)."""
    from scoring.quotas import officer_progress

    _ledger(world, random.Random(2), entries=60)
    officers = Officer.objects.for_tenant(world.tenant).select_related("district")
    for month in ["2025-03", "2025-05", "2025-06", "2025-12"]:
        _version, rows = quota_rows(tenant=world.tenant, month=month)
        for officer in officers:
            report = [
                (r["quota"], r["required"], r["counted"], r["verified"], r["met"])
                for r in rows
                if r["officer"] == officer.id
            ]
            progress = [
                (r["quota"], r["required"], r["counted"], r["verified"], r["met"])
                for r in officer_progress(officer=officer, month=month)
            ]
            assert progress == report, (month, officer.full_name)
    gone = officers.get(full_name="区丙")
    assert officer_progress(officer=gone, month="2025-06") == []


def test_the_cases_the_comparison_relies_on_occur(world, other_world):
    """Seed 1's ledger exercises what the comparison is for: pro-rated rows,
    verified below counted, entries co-credited inside one district, demands
    not marked valid."""
    from ledgers.models import Credit

    _ledger(world, random.Random(1), entries=150)
    _version, rows = quota_rows(tenant=world.tenant, month="2025-09")
    assert any("/" in r["required_exact"] for r in rows)  # pro-rated
    assert any(r["verified"] < r["counted"] for r in rows)
    assert any(r["officer"] is None and r["counted"] for r in rows)
    districts: dict[int, set] = {}
    for entry_id, district_id in Credit.objects.filter(
        entry__tenant=world.tenant, entry__status__in=["submitted", "verified"]
    ).values_list("entry_id", "officer__district_id"):
        districts.setdefault(entry_id, []).append(district_id)
    assert any(len(d) > len(set(d)) and None not in d for d in districts.values())
    assert Entry.objects.filter(tenant=world.tenant, kind="demand", is_valid=False).exists()


def test_counts_keyed_by_subject_kind_basis_and_period_start(world):
    """The counts from each quota's period start (month, quarter, year) to
    the month's end, all and verified, per kind and basis; a district counts
    an entry crediting two of its officers once."""
    from roster.models import Officer

    logger, admin = centre(world), world.users["admin"].memberships.get()
    city, d1, mine = world.officers["city"], world.officers["d1"], world.officers["mine"]
    for kind, day, verify, officers in (
        ("video", D(2025, 5, 2), True, [city]),
        ("video", D(2025, 4, 30), False, [city, d1]),
        ("video", D(2025, 2, 1), True, [city]),
        ("video", D(2025, 6, 1), True, [city]),  # after the month: not counted
        ("demand", D(2025, 1, 9), False, [d1, mine]),
        ("case", D(2025, 3, 5), True, [d1, mine]),
    ):
        entry = ledger.entry_create(
            tenant=world.tenant,
            membership=logger,
            kind=kind,
            data={"title": f"{kind}{day}", "occurred_on": day},
            officers=officers,
        )
        entry = ledger.entry_submit(tenant=world.tenant, membership=logger, entry=entry)
        if verify:
            ledger.entry_verify(tenant=world.tenant, membership=admin, entry=entry)
    quotas = engine.Quota.from_policy(preset_rules("wuhan")["quotas"])
    by_officer, by_district = quota_counts(
        tenant=world.tenant,
        month="2025-05",
        quotas=quotas,
        appointed=Officer.objects.for_tenant(world.tenant),
    )
    may, april, january = D(2025, 5, 1), D(2025, 4, 1), D(2025, 1, 1)
    # videos: a monthly quota (city) and a quarterly one (district officers)
    assert [by_officer[city.id, "video", "logged", s] for s in (may, april)] == [(1, 1), (2, 1)]
    assert (city.id, "video", "logged", january) not in by_officer  # no yearly video quota
    assert by_officer[d1.id, "demand", "valid", january] == (1, 0)
    assert by_officer[mine.id, "case", "logged", january] == (1, 1)
    assert by_officer[city.id, "demand", "valid", january] == (0, 0)  # credited no demand
    assert (city.id, "demand", "valid", may) not in by_officer  # no such quota
    assert dict(by_district) == {("d1", "case", "logged", january): (1, 1)}


def test_other_quotas_from_a_later_policy_version_count_alike(world, other_world):
    """From June a policy version adds quotas the preset lacks: district
    quotas per quarter on the "valid" basis and per month, an officer quota
    per quarter, a monthly one on the "valid" basis; months on both sides
    of the change count alike both ways."""
    from accounts.services import policy_publish

    rules = preset_rules("wuhan")
    district, city = {"scope": "district"}, {"scope": "officer", "category": "city"}
    rules["quotas"] += [
        district | {"kind": "demand", "count": 3, "period": "quarter", "basis": "valid"},
        district | {"kind": "event", "count": 2, "period": "month"},
        city | {"kind": "conversion", "count": 1, "period": "quarter"},
        dict(city, category="district", kind="demand", count=1, period="month", basis="valid"),
    ]
    policy_publish(tenant=world.tenant, rules=rules, effective_from=D(2025, 6, 1))
    _ledger(world, random.Random(4), entries=120)
    _other_tenant(other_world)
    for month in ["2025-05", "2025-06", "2025-08", "2025-11", "2025-12"]:
        version, rows = quota_rows(tenant=world.tenant, month=month)
        assert (version, rows) == quota_rows_recounted(tenant=world.tenant, month=month)
    assert version == 2
    assert {r["quota"] for r in rows} >= {"conversion/quarter", "demand/month/valid", "event/month"}


def _behind_as_before(rows: list[dict], keep) -> tuple[int, int]:
    """(officers, rows) behind among the rows ``keep`` picks, as
    ``notify_shortfalls`` counted them from the rows in Python."""
    behind = [r for r in rows if not r["met"] and keep(r)]
    return len({r["officer"] for r in behind if r["officer"]}), len(behind)


@pytest.mark.parametrize("seed", [1, 3])
def test_a_built_report_stores_the_rows_counted_entry_by_entry(
    world, other_world, seed, monkeypatch
):
    """The build streams its rows into the database in chunks (issue 16):
    the stored rows, read back, are exactly the entry-by-entry count's, in
    order, for reports smaller and larger than a chunk, built and rebuilt;
    the shortfall counts read from the stored rows are those counted from
    the rows in Python."""
    from scoring import quotas
    from scoring.models import QuotaReport

    monkeypatch.setattr(quotas, "CHUNK_ROWS", 8)  # several chunks
    _ledger(world, random.Random(seed), entries=150)
    _other_tenant(other_world)
    for month in ["2025-01", "2025-03", "2025-09", "2025-12"]:
        built = quotas.quota_report_build(tenant=world.tenant, month=month)
        version, rows = quota_rows_recounted(tenant=world.tenant, month=month)
        assert len(rows) > 2 * 8
        stored = QuotaReport.objects.get(pk=built.pk)
        assert (stored.policy_version, stored.rows) == (version, rows)
        assert built.row_count == len(rows) and built.rows == rows  # deferred, read if asked
        with connection.cursor() as cursor:
            cursor.execute(quotas._BEHIND[connection.vendor], [built.pk])
            groups = cursor.fetchall()
        by_district = {r["district"] for r in rows}
        assert {
            d: quotas._shortfall_message(month, [g for g in groups if g[0] == d])()
            for d in by_district
        } == {
            d: quotas._shortfall_message(month, [(d, False, n, p)])()
            for d in by_district
            for p, n in [_behind_as_before(rows, lambda r, d=d: r["district"] == d)]
        }
        centre_rows = _behind_as_before(rows, lambda r: r["category"] == "city" or not r["officer"])
        assert (
            sum(g[3] for g in groups if g[1]),
            sum(g[2] for g in groups if g[1]),
        ) == centre_rows
    # a rebuild replaces the rows: one report per month, the latest rows
    quotas.quota_report_build(tenant=world.tenant, month="2025-03")
    assert QuotaReport.objects.filter(tenant=world.tenant, month="2025-03").count() == 1
    assert (
        QuotaReport.objects.get(tenant=world.tenant, month="2025-03").rows
        == quota_rows_recounted(tenant=world.tenant, month="2025-03")[1]
    )


def test_the_shortfall_notices_count_the_stored_rows_behind(world, other_world):
    """The beat job's notices (counted in the database from the stored rows)
    tell the admin of the city officers and districts behind and the
    manager of their districts' officers: the numbers the rows give."""
    from accounts.models import Notification
    from roster.selectors import districts_in_reach
    from scoring.models import QuotaReport
    from scoring.tasks import build_quota_reports

    _ledger(world, random.Random(2), entries=120)
    build_quota_reports(month="2025-09")
    rows = QuotaReport.objects.get(tenant=world.tenant, month="2025-09").rows
    admin, manager = world.users["admin"], world.users["manager"]
    codes = set(
        districts_in_reach(membership=manager.memberships.get()).values_list("code", flat=True)
    )
    expected = {
        admin.pk: _behind_as_before(rows, lambda r: r["category"] == "city" or not r["officer"]),
        manager.pk: _behind_as_before(rows, lambda r: r["district"] in codes),
    }
    assert all(rows for _people, rows in expected.values())
    with translation.override(settings.LANGUAGE_CODE):  # the language they are sent in
        for user_id, (people, behind) in expected.items():
            notice = Notification.objects.get(
                tenant=world.tenant, user_id=user_id, key="quota:2025-09"
            )
            assert (notice.title, notice.body) == (
                _("%(month)s quotas: %(n)d officers behind") % {"month": "2025-09", "n": people},
                _("%(rows)d quota rows are behind; open the report for details.")
                % {"rows": behind},
            ), user_id
