"""Run one piece of code from many threads at the same moment (Oscar's run_concurrently).

Use it in tests marked `postgres` with `django_db(transaction=True)`: each
thread opens its own database connection, so the rows it sees are the
committed ones, as in production.
"""

import threading
from collections.abc import Callable

from django.db import connections


def run_concurrently(fn: Callable[[int], object], *, times: int) -> list:
    """Call fn(i) for i in range(times), all released together; return each result or exception."""
    barrier = threading.Barrier(times)
    results: list = [None] * times

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - the caller inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
