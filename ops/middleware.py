"""The operator's endpoints, answered before anything else runs, and the
access log of production.

``/healthz``, ``/readyz`` and ``/metrics`` are answered by the first
middleware: no host check (a load balancer probes by address), no HTTPS
redirect (probes speak plain HTTP inside the network), no session, language,
tenant, login, lockout or throttle, and they are not counted in the request
metrics. A refused ``/metrics`` is not answered here: it goes on like any
unknown URL, to the portal's 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time

from django.conf import settings
from django.http import JsonResponse

from . import health

access_log = logging.getLogger("liaison.access")

HEALTH_PATHS = ("/healthz", "/readyz")
METRICS_PATH = "/metrics"
#: Headers a reverse proxy adds: a loopback caller that sent one of them is
#: a proxied outside caller, not the host's own Prometheus.
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def _json(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request) -> JsonResponse:
    return _json({"status": "ok"})


def readyz(request) -> JsonResponse:
    ready, results = health.readiness()
    return _json(results, status=200 if ready else 503)


def metrics_allowed(request) -> bool:
    """From this host (not through a proxy), or with ``Authorization: Bearer
    METRICS_TOKEN`` when a token is set."""
    token = settings.METRICS_TOKEN
    if token:
        sent = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, value = sent.partition(" ")
        # bytes: compare_digest refuses a str with non-ASCII characters
        # (TypeError, a 500) and a header may carry any Latin-1 text
        if scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), token.encode()
        ):
            return True
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics(request):
    """The process's registry; under gunicorn (``gunicorn.conf.py`` sets
    ``PROMETHEUS_MULTIPROC_DIR``) every worker's metrics summed, plus the
    collector that reads the shared sources."""
    from django.http import HttpResponse
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
    from prometheus_client.exposition import CONTENT_TYPE_LATEST

    from .metrics import collector

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(collector())
    else:
        registry = REGISTRY
    response = HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


class OpsEndpointsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.method in ("GET", "HEAD"):
            if path == HEALTH_PATHS[0]:
                return healthz(request)
            if path == HEALTH_PATHS[1]:
                return readyz(request)
            if path == METRICS_PATH and metrics_allowed(request):
                return metrics(request)
        return self.get_response(request)


class AccessLogMiddleware:
    """One line per request when ``ACCESS_LOG`` is on (production): method,
    path without its query string, status, duration and view; the request id
    is added by :class:`ops.logs.RequestIdFilter`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.ACCESS_LOG:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request": request,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "view": match.view_name if match is not None else "",
            },
        )
        return response
