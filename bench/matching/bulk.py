"""Bulk matching benchmark (issue 15, item 1): how long the matcher takes to
match a whole tenant (``matching.services.rematch_tenant``) and one new
demand (``matching.services.matches_for``), on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres liaison_match_bulk
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_match_bulk \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_match_bulk \\
        .venv/bin/python bench/matching/bulk.py --entries 20000 [--profile]

Builds the tenant ``match-bulk-<N>`` (refuses when it exists: use a fresh
database per size) with N verified entries, half demands and half
achievements, whose titles and descriptions recombine the Chinese texts of
this folder's labelled set (a record's title and text with one sentence of
another record, so the texts are varied, not N copies of 996), the records'
field labels, random maturities, 20 districts, enterprises for the demands,
experts for half the achievements, 300 experts and 60 platforms in the
reference libraries, one crediting officer per entry and "not relevant"
feedback on 1 % of the demands. Entries, credits and feedback are written
with COPY / bulk inserts without audit rows (as ``bench/generate.py``).

Then it times, printing a table:

1. ``rematch_tenant`` on the empty match tables (first fill);
2. ``rematch_tenant`` again (every entry's rows replaced);
3. ``matches_for`` of one new demand in a fresh process (cold: jieba's
   dictionary loaded and every candidate segmented) and of another in this
   process after the runs (warm: the segmentation cache is full).

``--profile`` runs the second run under cProfile and prints its 30 most
expensive functions (cumulative), and the SQL statements issued are counted
throughout.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings.local")
os.environ.setdefault("DEBUG", "0")  # no query log: production-like

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Tenant, User  # noqa: E402
from accounts.services import tenant_create  # noqa: E402
from ledgers.models import Entry, Reference  # noqa: E402
from matching import engine, services  # noqa: E402
from matching.models import Match, MatchFeedback, MatchRun  # noqa: E402
from roster.models import District, Officer  # noqa: E402

DISTRICTS = 20
OFFICERS = 400
ENTERPRISES = 500
EXPERTS = 300
PLATFORMS = 60
FEEDBACK_SHARE = 0.01
MATURITIES = ["lab", "prototype", "pilot", "industrial"]
INSTITUTIONS = [
    "武汉大学",
    "华中科技大学",
    "武汉理工大学",
    "中国地质大学",
    "华中农业大学",
    "湖北大学",
]
ADMIN_PASSWORD = "Bench-pass-2026-x9"  # noqa: S105 - a throwaway benchmark login
NULL = r"\N"
ENTRY_COLUMNS = (
    "id",
    "tenant_id",
    "kind",
    "title",
    "occurred_on",
    "status",
    "summary",
    "field",
    "institution",
    "maturity",
    "is_valid",
    "expert_id",
    "enterprise_id",
    "event_type",
    "venue",
    "mode",
    "registration_no",
    "platform",
    "link",
    "return_reason",
    "created_at",
    "updated_at",
    "submitted_at",
    "verified_at",
    "verified_by_id",
)


def slug_for(n: int) -> str:
    return f"match-bulk-{n}"


def load_records() -> dict[str, list[dict]]:
    out = {}
    for side, name in (("demand", "demands.jsonl"), ("achievement", "achievements.jsonl")):
        with open(HERE / name, encoding="utf-8") as f:
            out[side] = [json.loads(line) for line in f]
    return out


def sentences(text: str) -> list[str]:
    """A text's sentences (the abstracts end them with 。 or a full stop)."""
    return [s for s in re.split(r"(?<=[。；;.])", text) if len(s.strip()) > 4]


def clean(text: str) -> str:
    """A value fit for COPY's text format."""
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ")


class Texts:
    """Recombined titles and descriptions: a record's title and its first
    sentences, plus one sentence of another record of either side."""

    def __init__(self, records: dict[str, list[dict]], rng: random.Random):
        self.rng = rng
        self.records = records
        self.pool = [s for side in records.values() for r in side for s in sentences(r["text"])]

    def make(self, side: str) -> tuple[str, str, str]:
        record = self.rng.choice(self.records[side])
        own = sentences(record["text"]) or [record["text"]]
        keep = own[: self.rng.randint(1, 2 if side == "demand" else 3)]
        text = "".join(keep) + self.rng.choice(self.pool)
        return record["title"][:200], text, record["field"]


def build(n: int, rng: random.Random) -> tuple[Tenant, dict]:
    """The tenant and its rows; returns it and what was written."""
    records = load_records()
    texts = Texts(records, rng)
    labels = sorted({r["field"] for side in records.values() for r in side})
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL session_replication_role = replica")  # no audit rows
        tenant = tenant_create(
            slug=slug_for(n),
            name=f"匹配基准 {n}",
            preset="wuhan",
            admin_username=f"{slug_for(n)}-admin",
            admin_password=ADMIN_PASSWORD,
            effective_from=dt.date(2025, 1, 1),
        )
        admin = User.objects.get(username=f"{slug_for(n)}-admin")
        districts = District.objects.bulk_create(
            District(tenant=tenant, code=f"d{i:02d}", name=f"基准区{i:02d}")
            for i in range(1, DISTRICTS + 1)
        )
        officers = Officer.objects.bulk_create(
            Officer(
                tenant=tenant,
                full_name=f"区派联络员{i:04d}",
                category="district",
                district=rng.choice(districts),
                term_start=dt.date(2024, 3, 1),
                term_end=dt.date(2026, 2, 28),
            )
            for i in range(1, OFFICERS + 1)
        )

        def refs(library, count, prefix):
            rows = []
            for i in range(1, count + 1):
                title, text, field = texts.make("achievement")
                rows.append(
                    Reference(
                        tenant=tenant,
                        library=library,
                        name=f"{prefix}{i:04d} {title[:60]}",
                        organisation=rng.choice(INSTITUTIONS),
                        field=field if library != "enterprise" else rng.choice(labels),
                        district=rng.choice(districts),
                        note=text if library != "enterprise" else "",
                    )
                )
            return Reference.objects.bulk_create(rows)

        enterprises = refs("enterprise", ENTERPRISES, "企业")
        experts = refs("expert", EXPERTS, "专家团队")
        refs("platform", PLATFORMS, "创新平台")
        stamp = now.isoformat()
        entries, credits = io.StringIO(), io.StringIO()
        demands, achievements = [], []
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('ledgers_entry', 'id')")
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
            for entry_id in range(first, first + n):
                side = "demand" if (entry_id - first) % 2 == 0 else "achievement"
                title, text, field = texts.make(side)
                expert = enterprise = NULL
                if side == "demand":
                    demands.append(entry_id)
                    maturity = rng.choice(["", *MATURITIES])
                    enterprise = str(rng.choice(enterprises).id)
                    institution = ""
                else:
                    achievements.append(entry_id)
                    maturity = rng.choice(MATURITIES)
                    institution = rng.choice(INSTITUTIONS)
                    if rng.random() < 0.5:
                        expert = str(rng.choice(experts).id)
                day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
                row = [
                    str(entry_id),
                    str(tenant.id),
                    side,
                    clean(title),
                    day.isoformat(),
                    "verified",
                    clean(text),
                    field,
                    institution,
                    maturity,
                    "t",
                    expert,
                    enterprise,
                    *([""] * 6),
                    "",
                    stamp,
                    stamp,
                    stamp,
                    stamp,
                    str(admin.id),
                ]
                entries.write("\t".join(row) + "\n")
                credits.write(f"{entry_id}\t{rng.choice(officers).id}\n")
            for table, columns, buffer in (
                ("ledgers_entry", ENTRY_COLUMNS, entries),
                ("ledgers_credit", ("entry_id", "officer_id"), credits),
            ):
                buffer.seek(0)
                cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
        feedback = [
            MatchFeedback(
                tenant=tenant,
                demand_id=demand,
                achievement_id=rng.choice(achievements),
                verdict="not_relevant",
                by=admin,
                at=now,
            )
            for demand in rng.sample(demands, max(1, round(len(demands) * FEEDBACK_SHARE)))
        ]
        MatchFeedback.objects.bulk_create(feedback)
    with connection.cursor() as cursor:
        for table in ("ledgers_entry", "ledgers_credit", "ledgers_reference", "matching_match"):
            cursor.execute(f"ANALYZE {table}")
    return tenant, {"entries": n, "feedback": len(feedback), "texts": texts}


class Statements:
    """Counts the SQL statements this connection runs (cheap, unlike the
    debug cursor's log)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def new_demand(tenant: Tenant, texts: Texts) -> Entry:
    """A verified demand added now, as the ledgers would after review."""
    title, text, field = texts.make("demand")
    admin = User.objects.get(username=f"{tenant.slug}-admin")
    now = timezone.now()
    return Entry.objects.create(
        tenant=tenant,
        kind="demand",
        title=title,
        summary=text,
        field=field,
        occurred_on=now.date(),
        status="verified",
        submitted_at=now,
        verified_at=now,
        verified_by=admin,
        enterprise=Reference.objects.for_tenant(tenant).filter(library="enterprise").first(),
    )


def timed(fn):
    statements = Statements()
    started = time.perf_counter()
    with connection.execute_wrapper(statements):
        result = fn()
    return result, time.perf_counter() - started, statements.count


def cold_child(slug: str, seed: int) -> None:
    """The cold new demand, in a fresh process: prints its figures as JSON."""
    tenant = Tenant.objects.get(slug=slug)
    texts = Texts(load_records(), random.Random(seed))  # noqa: S311 - synthetic data
    demand = new_demand(tenant, texts)
    rows, seconds, count = timed(lambda: services.matches_for(tenant=tenant, entry=demand))
    print(json.dumps({"seconds": seconds, "statements": count, "rows": len(rows)}))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="cProfile the second run")
    parser.add_argument("--cold-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("bulk.py needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    if args.cold_child:
        cold_child(args.cold_child, args.seed + 1)
        return 0
    n = args.entries
    if Tenant.objects.filter(slug=slug_for(n)).exists():
        print(f"{slug_for(n)} exists: use a fresh database.", file=sys.stderr)
        return 1
    rng = random.Random(args.seed)  # noqa: S311 - synthetic data, not security
    started = time.perf_counter()
    tenant, built = build(n, rng)
    print(
        f"built {slug_for(n)}: {n:,} entries ({n - n // 2:,} demands, {n // 2:,} achievements), "
        f"{built['feedback']} feedback rows, in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    results = []

    def fill():
        return services.rematch_tenant(tenant=tenant)

    done, seconds, count = timed(fill)
    matches = Match.objects.for_tenant(tenant).count()
    runs = MatchRun.objects.for_tenant(tenant).count()
    results.append(("rematch_tenant, first fill", done, seconds, count))
    print(f"  first fill: {done:,} entries, {seconds:.1f} s, {count:,} statements", flush=True)
    if args.profile:
        profiler = cProfile.Profile()
        done, seconds, count = timed(lambda: profiler.runcall(fill))
        name = "rematch_tenant, replacing every row (under cProfile)"
    else:
        done, seconds, count = timed(fill)
        name = "rematch_tenant, replacing every row"
    results.append((name, done, seconds, count))
    print(f"  refill: {seconds:.1f} s", flush=True)
    child = subprocess.run(  # noqa: S603 - this script, fixed arguments
        [sys.executable, __file__, "--cold-child", tenant.slug, "--seed", str(args.seed)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    cold = json.loads(child.stdout.strip().splitlines()[-1])
    results.append(
        ("matches_for, new demand, cold process", 1, cold["seconds"], cold["statements"])
    )
    demand = new_demand(tenant, built["texts"])
    _rows, seconds, count = timed(lambda: services.matches_for(tenant=tenant, entry=demand))
    results.append(("matches_for, new demand, warm process", 1, seconds, count))

    print()
    print(f"N = {n:,} entries; {matches:,} Match rows, {runs:,} MatchRun rows after the first fill")
    print(f"engine.EXACT_UP_TO = {engine.EXACT_UP_TO}, batch size = {settings.MATCHING_BATCH_SIZE}")
    print()
    print("| step | entries | seconds | entries/s | SQL statements |")
    print("|---|---:|---:|---:|---:|")
    for name, entries, seconds, count in results:
        print(f"| {name} | {entries:,} | {seconds:.1f} | {entries / seconds:,.0f} | {count:,} |")
    if args.profile:
        print()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
