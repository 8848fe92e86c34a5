"""Many requests at once, for the race tests: each call runs in its own
thread (and so on its own database connection, closed at the end), all
released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def race(calls: list[Callable[[], Any]]) -> list:
    """Run every call at the same moment; their results (or the exception a
    call raised) in call order. Fails when a call hangs."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = calls[i]()
        except Exception as exc:  # reported by the caller's assertion
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results
