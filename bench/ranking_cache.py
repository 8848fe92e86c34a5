"""Rankings served, not recomputed (issue 16 item 3): the ranking API and
page on a generated tenant (``bench/generate.py``), cold (the cache
emptied: computed once) and warm (read from the cache), with the sizes of
what they send, and optionally the API under concurrent clients over HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench_s \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/ranking_cache.py --scale S [--repeat 5]
        [--http http://127.0.0.1:8000 --clients 16 --requests 800 --warmup 64]

In process, the requests go through Django's test client (the whole view,
middleware and template; no socket). ``--http`` sends them to a running
server (e.g. gunicorn with 2 workers) with the session of the tenant's admin
login, from ``--clients`` threads, and prints requests per second and the
percentiles of the latency. Checks (printed; nothing asserted): the cached
ranking equals a fresh computation, and the pages of each pool put together
equal the pool.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings.local")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import Tenant, User  # noqa: E402
from scoring.selectors.ranking import _year_ranking, year_ranking  # noqa: E402


def timed(call, repeat: int) -> tuple[float, list[float], object]:
    """(first run's seconds, the later runs' seconds, the last result)."""
    started = time.perf_counter()
    result = call()
    first = time.perf_counter() - started
    later = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        later.append(time.perf_counter() - started)
    return first, later, result


def ok(response):
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return response


def in_process(tenant: Tenant, client: Client, year: int, repeat: int) -> None:
    api = f"/api/v1/tenants/{tenant.slug}/rankings/{year}/"
    page = f"/t/{tenant.slug}/rankings/{year}/"
    print(f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    rows = []
    for label, url, params in (
        ("API, every pool", api, {}),
        ("API, one pool, page 1 of 50", api, {"pool": "city"}),
        ("page (one pool, 50 rows)", page, {}),
    ):
        cache.clear()
        cold, warm, response = timed(lambda u=url, p=params: ok(client.get(u, p)), repeat)
        rows.append((label, cold, min(warm), statistics.median(warm), len(response.content)))
    print("| request | cold s | warm best s | warm median s | bytes |")
    print("|---|---:|---:|---:|---:|")
    for label, cold, best, median, size in rows:
        print(f"| {label} | {cold:.3f} | {best:.3f} | {median:.3f} | {size:,} |")
    fresh = _year_ranking(tenant=tenant, year=year)
    cached = year_ranking(tenant=tenant, year=year)
    print(f"check: cached ranking equals a fresh computation: {cached == fresh}")
    same = True
    for pool in fresh["pools"]:
        got, number = [], 1
        while True:
            body = ok(
                client.get(api, {"pool": pool["pool"], "page": number, "page_size": 500})
            ).json()
            got += body["results"]
            if body["next"] is None:
                break
            number += 1
        same &= got == pool["rows"]
    print(f"check: every pool's pages put together equal the pool: {same}")


def over_http(
    base: str, path: str, cookie: str, clients: int, requests: int, warmup: int = 0
) -> None:
    """``requests`` GETs of ``path`` from ``clients`` threads (keep-alive),
    after ``warmup`` GETs from as many threads that are not counted (each
    worker's first requests, and the cache's first copy)."""
    if warmup > 0:
        over_http(base, path, cookie, clients, warmup, warmup=-1)
    parts = urlsplit(base)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    per_client = max(1, requests // clients)

    def work():
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie, "Host": parts.netloc})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    failures[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if warmup < 0:
        return
    q = statistics.quantiles(latencies, n=100)
    print(
        f"| {path} | {clients} | {len(latencies)} | {len(latencies) / wall:.1f} | "
        f"{q[49] * 1000:.0f} | {q[98] * 1000:.0f} | {failures[0]} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", required=True, type=str.upper)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--http", help="base URL of a running server")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument(
        "--warmup", type=int, default=64, help="uncounted requests before each path's"
    )
    args = parser.parse_args()
    setup_test_environment()  # the test client's host is allowed
    tenant = Tenant.objects.get(slug=f"bench-{args.scale.lower()}")
    admin = User.objects.get(username=f"bench-{args.scale.lower()}-admin")
    client = Client()
    client.force_login(admin)
    print(f"scale {args.scale}, tenant {tenant.slug}, year {args.year}")
    in_process(tenant, client, args.year, args.repeat)
    if args.http:
        name = settings.SESSION_COOKIE_NAME
        cookie = f"{name}={client.cookies[name].value}"
        api = f"/api/v1/tenants/{tenant.slug}/rankings/{args.year}/"
        print("| path | clients | requests | req/s | p50 ms | p99 ms | not 200 |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for path in (api, f"{api}?pool=city", f"/t/{tenant.slug}/rankings/{args.year}/"):
            over_http(args.http, path, cookie, args.clients, args.requests, args.warmup)


if __name__ == "__main__":
    main()
