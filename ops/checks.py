"""System checks of the operations settings (``manage.py check``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register

#: Caches that live inside one process (or keep nothing): a value one
#: process writes is never read by another.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register()
def heartbeat_cache_is_shared(app_configs, **kwargs) -> list[Warning]:
    """``/readyz`` reads the worker's heartbeat from the cache: with a broker
    (tasks on a Celery worker) and a per-process cache, the web process never
    sees it and ``/readyz`` stays red."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "CELERY_BROKER_URL is set but the cache is per process "
            f"({backend.rsplit('.', 1)[-1]}): the web process never sees the Celery "
            "worker's heartbeat, so /readyz stays 503 (broker: failed).",
            hint="Set REDIS_URL so the web processes and the worker share a cache.",
            id="ops.W001",
        )
    ]
