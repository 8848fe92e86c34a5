"""HTTP benchmark of the API lists against bare DRF floors (issue 16 item 5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench_s \\
        .venv/bin/python bench/http_lists.py --scale S [--seconds 15] [--clients 16]

Needs the tenant of ``bench/generate.py`` (``bench-<scale>``). The script

1. adds, once, the review queue the generator does not make:
   ``--submitted`` (2,000) submitted entries of the year, one credit each,
   titled ``bench-http review N`` (verified entries, shares and tallies are
   untouched, so ``run.py`` reads the same ranking);
2. gives the tenant's admin an API token and a browser session;
3. starts gunicorn (2 sync workers, ``bench.httpbench.settings``: the
   project's URLs plus the floors of ``bench/httpbench/floors.py``) on
   127.0.0.1;
4. checks that each endpoint's first page equals its floor's rows exactly;
5. for each endpoint then its floor: ``--warmup`` seconds of load, then
   ``--seconds`` measured, ``--clients`` threads each sending one request
   after the other (a new connection per request: gunicorn's sync workers
   do not keep connections alive), and prints req/s, p50 and p99.

It asserts nothing but the correctness checks (exit status 1 if one fails).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.httpbench.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.choices import Role  # noqa: E402
from accounts.models import Membership, Tenant  # noqa: E402
from ledgers.models import Credit, Entry  # noqa: E402
from roster.models import Officer  # noqa: E402

REVIEW_TITLE = "bench-http review"


def add_review_queue(tenant: Tenant, n: int, year: int, seed: int) -> int:
    """Submitted entries for the review queue, once; replica mode keeps the
    audit triggers off for this synthetic load (as ``generate.py`` does)."""
    existing = Entry.objects.filter(tenant=tenant, title__startswith=REVIEW_TITLE).count()
    if existing:
        return existing
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible
    officers = list(Officer.objects.filter(tenant=tenant).values_list("id", flat=True))
    kinds = ["achievement", "event", "demand", "video", "case", "conversion"]
    start = timezone.make_aware(dt.datetime(year, 12, 1))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        entries = Entry.objects.bulk_create(
            Entry(
                tenant=tenant,
                kind=rng.choices(kinds, weights=[40, 33, 15, 6, 5, 1])[0],
                title=f"{REVIEW_TITLE} {i}",
                occurred_on=dt.date(year, rng.randint(1, 11), rng.randint(1, 28)),
                status="submitted",
                submitted_at=start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 20)),
            )
            for i in range(n)
        )
        Credit.objects.bulk_create(
            Credit(entry=entry, officer_id=rng.choice(officers)) for entry in entries
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledgers_entry; ANALYZE ledgers_credit")
    return n


def db_costs(membership: Membership) -> None:
    """What ``count`` costs beside the page itself (best of 5, in process):
    the page-number answer pays both, the cursor answer the page only."""
    from ledgers.selectors import entry_list
    from roster.selectors import officer_list

    def best(fn) -> float:
        times = []
        for _ in range(5):
            began = time.perf_counter()
            fn()
            times.append(time.perf_counter() - began)
        return min(times) * 1000

    print("\ndatabase, best of 5 (ms):   count   first page (rows only)")
    for name, rows in (
        ("achievements", entry_list(membership=membership, kind="achievement")),
        ("demands", entry_list(membership=membership, kind="demand")),
        ("officers", officer_list(membership=membership)),
    ):
        count = best(lambda rows=rows: rows.count())
        page = best(lambda rows=rows: list(rows.prefetch_related(None)[:50]))
        print(f"  {name:24} {count:7.1f} {page:8.1f}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.httpbench.settings", "DEBUG": "0"}
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "liaison.wsgi:application",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--timeout=120",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


#: wrk's durations: "850.00us", "62.10ms", "1.20s", "2.00m"
_WRK_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _WRK_UNIT[unit]


def load_wrk(port: int, path: str, headers, *, clients: int, seconds: float, warmup: float):
    """wrk (C, two threads) with ``clients`` connections in a closed loop: a
    load generator that leaves the two cores to the server and PostgreSQL
    (the Python client below spends a share of them). ``warmup`` seconds of
    wrk first, discarded."""
    command = ["wrk", "-t2", f"-c{max(clients, 2)}", "--latency", "--timeout", "60s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    url = f"http://127.0.0.1:{port}{path}"
    # wrk counts 4xx/5xx only: a redirect (a session sent to the login page)
    # would pass for a fast answer, so one request before and one after must
    # answer 200 (a Lua response() hook that counts them slows wrk to a crawl
    # on the 90 KB review page)
    probes = [get(port, path, headers)[0]]
    if warmup:
        subprocess.run([*command, f"-d{warmup:g}s", url], capture_output=True, check=True)  # noqa: S603
    out = subprocess.run(  # noqa: S603 - wrk, fixed arguments
        [*command, f"-d{seconds:g}s", url], capture_output=True, text=True, check=True
    ).stdout
    probes.append(get(port, path, headers)[0])
    found = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", out)
    # "Latency Distribution" lines: "     50%  141.00ms"
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s|m))\s*$", out, re.M))
    if found is None or not {"50", "99"} <= percentiles.keys():
        raise SystemExit(f"wrk printed no request count or latencies:\n{out}")
    requests, took = int(found[1]), _wrk_ms(found[2] + found[3]) / 1000
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)  # wrk: 4xx and 5xx only
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rps": requests / took,
        "p50": _wrk_ms(percentiles["50"]),
        "p99": _wrk_ms(percentiles["99"]),
        "n": requests,
        "errors": (int(bad[1]) if bad else 0)
        + (sum(map(int, sockets.groups())) if sockets else 0)
        + sum(status != 200 for status in probes),
    }


def load(port: int, path: str, headers, *, clients: int, seconds: float, warmup: float):
    """``clients`` threads in a closed loop; latencies of the measured window."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    t0 = time.perf_counter()
    measure_from, stop_at = t0 + warmup, t0 + warmup + seconds

    def worker():
        mine, bad = [], 0
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                break
            status, _body = get(port, path, headers)
            ended = time.perf_counter()
            if status != 200:
                bad += 1
            if began >= measure_from and ended <= stop_at:
                mine.append(ended - began)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "rps": len(latencies) / seconds,
        "p50": pct(0.50) if latencies else float("nan"),
        "p99": pct(0.99) if latencies else float("nan"),
        "n": len(latencies),
        "errors": errors[0],
    }


def review_ids(html: bytes) -> list[int]:
    return [int(i) for i in re.findall(rb'name="entries" value="(\d+)"', html)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="S")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--submitted", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (default wrk when installed: apt-get install wrk)",
    )
    args = parser.parse_args()

    slug = f"bench-{args.scale.lower()}"
    tenant = Tenant.objects.get(slug=slug)
    queued = add_review_queue(tenant, args.submitted, args.year, args.seed)
    admin = Membership.objects.filter(tenant=tenant, role=Role.ADMIN).select_related("user")
    user = admin.first().user
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user).key
    browser = Client()
    browser.force_login(user)
    api = {"Authorization": f"Token {token}", "Accept": "application/json"}
    page = {"Cookie": f"sessionid={browser.cookies['sessionid'].value}"}
    connection.close()

    base = f"/api/v1/tenants/{slug}"
    floor = f"/bench-floor/{slug}"
    # name -> (path, headers, floor path)
    endpoints = {
        "achievements/": (f"{base}/achievements/", api, f"{floor}/achievements/"),
        "achievements/?cursor=": (f"{base}/achievements/?cursor=", api, f"{floor}/achievements/"),
        "demands/": (f"{base}/demands/", api, f"{floor}/demands/"),
        "officers/": (f"{base}/officers/", api, f"{floor}/officers/"),
        "officers/?cursor=": (f"{base}/officers/?cursor=", api, f"{floor}/officers/"),
        "review queue (page)": (f"/t/{slug}/review/", page, f"{floor}/review/"),
    }
    if args.only:
        endpoints = {k: v for k, v in endpoints.items() if k in args.only.split(",")}

    port = free_port()
    print(
        f"{slug}: {Entry.objects.filter(tenant=tenant).count():,} entries "
        f"({queued:,} submitted for the review queue), "
        f"{Officer.objects.filter(tenant=tenant).count():,} officers; "
        f"gunicorn 2 workers on 127.0.0.1:{port}; {args.clients} clients ({args.client}), "
        f"{args.warmup:g} s warm-up + {args.seconds:g} s per endpoint; "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    db_costs(admin.first())
    connection.close()
    server = start_server(port)
    failed = False
    try:
        print("\ncorrectness (first page = the floor's rows, exactly):")
        for name, (path, headers, floor_path) in endpoints.items():
            status, body = get(port, path, headers)
            fstatus, fbody = get(port, floor_path, api)
            assert status == fstatus == 200, (name, status, fstatus, body[:300])
            floor_rows = json.loads(fbody)
            if path.startswith("/t/"):
                ok = review_ids(body) == [r["id"] for r in floor_rows["results"]]
                what = f"{len(review_ids(body))} entry ids"
            else:
                rows = json.loads(body)
                ok = rows["results"] == floor_rows["results"]
                if "count" in rows:
                    ok = ok and rows["count"] == floor_rows["count"]
                what = f"{len(rows['results'])} rows, count {rows.get('count', '-')}"
            failed |= not ok
            print(f"  {name:24} {'ok' if ok else 'DIFFERS'} ({what})", flush=True)

        print(
            f"\n{'endpoint':24} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} | "
            f"{'floor req/s':>11} {'p50 ms':>7} {'p99 ms':>7} | {'ratio':>5}"
        )
        for name, (path, headers, floor_path) in endpoints.items():
            kw = {"clients": args.clients, "seconds": args.seconds, "warmup": args.warmup}
            measure = load_wrk if args.client == "wrk" else load
            got = measure(port, path, headers, **kw)
            bare = measure(port, floor_path, api, **kw)
            errors = got["errors"] + bare["errors"]
            print(
                f"{name:24} {got['rps']:7.1f} {got['p50']:7.0f} {got['p99']:7.0f} | "
                f"{bare['rps']:11.1f} {bare['p50']:7.0f} {bare['p99']:7.0f} | "
                f"{got['rps'] / bare['rps'] if bare['rps'] else float('nan'):5.2f}"
                + (f"  ({errors} answers not 200, or socket errors)" if errors else ""),
                flush=True,
            )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
