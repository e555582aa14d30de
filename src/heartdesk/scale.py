"""Batch analysis scaled out on a Dask cluster.

``analyze_distributed`` is ``analyze_many`` spread over the workers of a
``distributed.Client``: conversations go out in chunks, each worker analyses a
chunk with its own default pipeline (built once per worker process, so the
models load once per worker, not once per chunk), and the analyses come back in
input order. It streams like ``analyze_many``: at most ``max_in_flight`` chunks
are out at a time, so a file larger than memory goes through with bounded memory
on both sides.

Dask is an optional extra (``pip install 'heartdesk[dask]'``); nothing else in
the package imports this module.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any

from heartdesk.errors import HeartdeskError
from heartdesk.model import Analysis, Conversation

if TYPE_CHECKING:  # pragma: no cover - typing only
    from distributed import Client

__all__ = ["analyze_chunk", "analyze_distributed", "connect", "local_client"]

#: Conversations per task: large enough that scheduling overhead (~1 ms a task) is noise
#: next to the analysis (~1 ms a conversation), small enough to keep every worker busy.
DEFAULT_CHUNK = 500


def analyze_chunk(chunk: list[Conversation]) -> list[Analysis]:
    """Analyse one chunk with this process's default pipeline (runs on a worker)."""
    from heartdesk.signals.pipeline import default_pipeline

    return list(default_pipeline().analyze_many(chunk, batch_size=256))


def _workers(client: Client) -> int:
    info: dict[str, Any] = client.scheduler_info()
    return max(1, len(info.get("workers", {})))


def analyze_distributed(
    conversations: Iterable[Conversation],
    *,
    client: Client,
    chunk_size: int = DEFAULT_CHUNK,
    max_in_flight: int | None = None,
) -> Iterator[Analysis]:
    """Analyse ``conversations`` on the cluster behind ``client``, yielding analyses in input order.

    ``max_in_flight`` bounds the chunks submitted but not yet yielded (default: two
    per worker, so a worker always has its next chunk waiting). A chunk that fails
    on a worker raises here as a ``HeartdeskError`` (E401) naming the first
    conversation of the chunk; the analyses before it have been yielded.
    """
    if chunk_size < 1:
        raise HeartdeskError("E402", f"chunk_size must be at least 1; got {chunk_size}")
    limit = max_in_flight if max_in_flight is not None else 2 * _workers(client)
    if limit < 1:
        raise HeartdeskError("E402", f"max_in_flight must be at least 1; got {limit}")
    it = iter(conversations)
    pending: deque[tuple[str, Any]] = deque()

    def submit() -> bool:
        chunk = list(islice(it, chunk_size))
        if not chunk:
            return False
        # pure=False: two equal chunks are still two tasks (their results are yielded twice).
        pending.append((chunk[0].id, client.submit(analyze_chunk, chunk, pure=False)))
        return True

    while len(pending) < limit and submit():
        pass
    while pending:
        first_id, future = pending.popleft()
        try:
            results: list[Analysis] = future.result()
        except Exception as exc:  # a worker's failure, re-raised here with the context a user needs
            for _, other in pending:
                other.cancel()
            raise HeartdeskError(
                "E401", f"analysis failed on a worker for the chunk starting at conversation {first_id!r}: {exc}"
            ) from exc
        submit()
        yield from results


@contextmanager
def local_client(workers: int = 2, *, threads_per_worker: int = 1) -> Iterator[Client]:
    """A ``Client`` on a new ``LocalCluster`` of worker processes on this machine, both closed on exit.

    One thread per worker: the analysis is pure Python and holds the GIL, so
    processes, not threads, are what scale it.
    """
    if workers < 1:
        raise HeartdeskError("E402", f"workers must be at least 1; got {workers}")
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise HeartdeskError("E400", "Dask is not installed: pip install 'heartdesk[dask]'") from exc
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=threads_per_worker,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster, set_as_default=False) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


@contextmanager
def connect(address: str) -> Iterator[Client]:
    """A ``Client`` on the running cluster whose scheduler is at ``address`` (e.g. ``tcp://10.0.0.5:8786``)."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise HeartdeskError("E400", "Dask is not installed: pip install 'heartdesk[dask]'") from exc
    try:
        client = Client(address, set_as_default=False, timeout="10s")  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise HeartdeskError("E403", f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        yield client
