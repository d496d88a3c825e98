"""Dask, the engine the catalogue runs on: an in-process LocalCluster sized to the machine, or
an existing scheduler (`dask scheduler` and `dask worker` started by hand, Kubernetes, SLURM …).

Books are sent a few at a time, never the whole list at once: each task carries its book's bytes,
and a list of hundreds would otherwise sit in the scheduler's memory. A worker that dies mid-task
is replaced by Dask, which runs the task again elsewhere; `retries` covers a task that raised
for a reason outside the book (a full temporary disk on one worker)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import PressworkError
from ..files.revisions import MAX_TOTAL_BYTES
from ..lifeline import jobs_default
from ..text.labels import counted
from .task import BookInputs, BookResult, build_book

RETRIES = 2  # a task that raised runs twice more before its book fails
CONNECT_TIMEOUT = "20s"


@dataclass(frozen=True)
class Cluster:
    client: object  # distributed.Client, imported only when a catalogue is built
    name: str  # for the report: "LocalCluster, 2 workers" or the scheduler's address
    dashboard: str | None  # the dashboard's address, None when it is not served


@contextmanager
def connect(scheduler: str | None, workers: int | None) -> Iterator[Cluster]:
    """A client of `scheduler`, or of a LocalCluster of `workers` processes (default: one a
    core), each one thread: a book's build is Python, which threads would not speed up."""
    import dask
    from distributed import Client, LocalCluster

    # A book's bytes are the task's input, not a graph to warn about. The workers' statistical
    # profiler samples the building thread's deep stacks every 10 ms: off, a book builds some 15 %
    # faster (the dashboard's Profile page stays empty).
    settings = {"distributed.admin.large-graph-warning-threshold": MAX_TOTAL_BYTES, "distributed.worker.profile.enabled": False}
    with dask.config.set(settings):
        if scheduler:
            try:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise PressworkError(f"cannot reach the Dask scheduler at {scheduler}: {exc}", None,
                                     "start it with `dask scheduler`, or check the address (tcp://host:8786)") from None  # fmt: skip
            with client:
                yield Cluster(client, scheduler, _dashboard(client))
            return
        count = workers or jobs_default()
        with LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:  # fmt: skip
            yield Cluster(client, f"LocalCluster, {counted(count, 'worker')}", _dashboard(client))


def run(cluster: Cluster, books: Iterable[tuple[str, Callable[[], BookInputs]]],
        done: Callable[[str, BookResult | BaseException], None]) -> None:  # fmt: skip
    """Build every book, keeping at most twice as many tasks as worker threads in flight, and call
    `done(slug, result)` as each ends, or `done(slug, exception)` when its inputs cannot be read (a
    PressworkError, OSError or ValueError: that book fails, the others go on) or its task failed for good (a bug, a worker killed again and again)."""
    from distributed import as_completed

    client = cluster.client
    window = max(2, 2 * sum(client.nthreads().values()))
    waiting = iter(books)
    running = as_completed()
    slugs: dict[str, str] = {}

    def submit_next() -> None:
        for slug, read in waiting:
            try:
                inputs = read()
            except (PressworkError, OSError, ValueError) as exc:
                done(slug, exc)
                continue
            future = client.submit(build_book, inputs, key=f"book-{slug}-{inputs.key[:12]}", retries=RETRIES, pure=False)
            slugs[future.key] = slug
            running.add(future)
            return

    for _ in range(window):
        submit_next()
    for future in running:
        slug = slugs.pop(future.key)
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - whatever the task raised, re-raised by Dask, or KilledWorker
            outcome = exc
        done(slug, outcome)
        future.release()  # the products' bytes leave the worker's memory
        submit_next()


def _dashboard(client: object) -> str | None:
    """The dashboard's address (whose page asks for bokeh when it is missing), or None when the
    scheduler was started without a dashboard."""
    services = client.scheduler_info()["services"]  # type: ignore[attr-defined]
    return client.dashboard_link if "dashboard" in services else None  # type: ignore[attr-defined]
