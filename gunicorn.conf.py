"""gunicorn's settings, read from the working directory (the image's /app).

Prometheus: each gunicorn worker is a process of its own, so the metrics
are kept in files under PROMETHEUS_MULTIPROC_DIR (emptied when gunicorn
starts) and /metrics sums every worker's (ops/middleware.py). Only gunicorn
sets it: Celery and manage.py keep their metrics in memory.
"""

import os
import shutil
import tempfile

_METRICS_DIR = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "liaison-prometheus")
)


def on_starting(server):
    shutil.rmtree(_METRICS_DIR, ignore_errors=True)
    os.makedirs(_METRICS_DIR, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
