"""Reviews in worker processes: one queue for all of a server's cores.

A review is a few milliseconds of pure Python, so one process reviews one draft at a time.
Several server processes (``uvicorn --workers``) use several cores, but each keeps the keep-alive
connections it happened to accept: with 16 clients and 2 processes, one often holds 10 of them and
its clients wait for 10 reviews while the other process waits for 6. A :class:`ReviewPool` keeps the
HTTP side in one process and hands each review to whichever worker process is free, oldest request
first, so the clients share all the workers evenly.

The event loop talks to each worker over a pipe it watches (``loop.add_reader``): a job is a
pickled ``(draft, conversation, authority, queue)``, an answer the review already encoded as the
JSON body of the HTTP answer. No thread is involved, so the HTTP side pays a few tens of
microseconds per review for the hand-off. A worker that dies fails its request (E717) and is
replaced.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import subprocess
import sys
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from types import MappingProxyType
from typing import Any

from heartdesk.coach.errors import CoachError
from heartdesk.coach.types import Authority, QueueContext
from heartdesk.model import Conversation, Turn

#: A request that lost its worker (the process died mid-review).
WORKER_LOST = "E717"
#: HEARTDESK_COACH_PROCESSES is not a whole number.
PROCESSES_INVALID = "E716"

_OK, _COACH_ERROR, _FAILED = 0, 1, 2


def encode_review(
    draft: str, conversation: Conversation | None, authority: Authority | None, queue: QueueContext | None
) -> bytes:
    """The review's HTTP answer body, byte for byte what ``JSONResponse(review(...).to_dict())`` sends."""
    from heartdesk.coach.review import review

    body = review(draft, conversation, authority, queue=queue).to_dict()
    return json.dumps(body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


def _pack(
    draft: str, conversation: Conversation | None, authority: Authority | None, queue: QueueContext | None
) -> tuple[Any, ...]:
    """A job as plain tuples: a tenth of the pickling cost of the dataclasses (and their read-only
    mappings, ``MappingProxyType``, do not pickle at all)."""
    conv = None
    if conversation is not None:
        c = conversation
        turns = tuple((t.role, t.text, t.at, t.author, t.end) for t in c.turns)
        conv = (c.id, turns, c.channel, dict(c.customer), dict(c.meta))
    auth = None if authority is None else (authority.max_credit, authority.currency, authority.gestures)
    wait = None if queue is None else (queue.position, queue.reason, queue.eta_minutes)
    return (draft, conv, auth, wait)


def _unpack(job: tuple[Any, ...]) -> tuple[str, Conversation | None, Authority | None, QueueContext | None]:
    draft, conv, auth, wait = job
    conversation = None
    if conv is not None:
        id_, turns, channel, customer, meta = conv
        conversation = Conversation(
            id=id_,
            turns=tuple(Turn(role=r, text=t, at=at, author=who, end=end) for r, t, at, who, end in turns),
            channel=channel,
            customer=MappingProxyType(customer),
            meta=MappingProxyType(meta),
        )
    authority = None if auth is None else Authority(*auth)
    queue = None if wait is None else QueueContext(*wait)
    return draft, conversation, authority, queue


def _work(jobs: Connection, answers: Connection) -> None:
    """A worker process: load the models, then answer jobs until the pipe closes."""
    import gc

    from heartdesk.coach.engine import analyze_draft

    analyze_draft(Conversation.of("warm-up", ("customer", "My order is late.")), "I'm sorry, I'll check it now.")
    gc.collect()
    gc.freeze()  # the models' objects are permanent: keep them out of every collection
    answers.send_bytes(pickle.dumps((_OK, b"")))  # ready
    while True:
        try:
            job = _unpack(pickle.loads(jobs.recv_bytes()))
        except (EOFError, OSError):
            return
        answer: tuple[int, Any]
        try:
            answer = (_OK, encode_review(*job))
        except CoachError as exc:
            answer = (_COACH_ERROR, (exc.code, exc.message))
        except Exception as exc:  # reported to the HTTP side, which answers 500 and logs it
            answer = (_FAILED, f"{type(exc).__name__}: {exc}")
        answers.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    jobs: Connection
    answers: Connection
    ready: bool = False
    busy: asyncio.Future[tuple[int, Any]] | None = None


@dataclass(eq=False)
class ReviewPool:
    """``processes`` worker processes fed from one queue by the running event loop."""

    processes: int
    _workers: list[_Worker] = field(default_factory=list)
    _idle: deque[_Worker] = field(default_factory=deque)
    _pending: deque[tuple[bytes, asyncio.Future[tuple[int, Any]]]] = field(default_factory=deque)
    _loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Start the worker processes (they load the models in parallel while the server starts)."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            for _ in range(self.processes):
                self._spawn()

    def _spawn(self) -> None:
        assert self._loop is not None
        # A fresh interpreter running this module, not a fork of a process with an event loop and
        # threads, nor multiprocessing's "spawn" (which re-imports the server's main module).
        jobs_in, jobs_out = os.pipe()
        answers_in, answers_out = os.pipe()
        cmd = [sys.executable, "-m", "heartdesk.coach.pool", str(jobs_in), str(answers_out)]
        process = subprocess.Popen(cmd, pass_fds=(jobs_in, answers_out), stdin=subprocess.DEVNULL)
        os.close(jobs_in)
        os.close(answers_out)
        worker = _Worker(process, Connection(jobs_out, readable=False), Connection(answers_in, writable=False))
        self._workers.append(worker)
        # Jobs go to it once it says it is ready (its first message).
        self._loop.add_reader(worker.answers.fileno(), self._answered, worker)

    async def review(
        self, draft: str, conversation: Conversation | None, authority: Authority | None, queue: QueueContext | None
    ) -> bytes:
        """The JSON body of the review of ``draft``; raises :class:`CoachError` as :func:`review` does."""
        self.start()
        assert self._loop is not None
        if not self._workers:  # none could start: see the server log for why
            raise CoachError(WORKER_LOST, "no review worker is running; see the server log")
        done: asyncio.Future[tuple[int, Any]] = self._loop.create_future()
        self._pending.append((pickle.dumps(_pack(draft, conversation, authority, queue), protocol=pickle.HIGHEST_PROTOCOL), done))
        if self._idle:
            self._next(self._idle.popleft())
        status, value = await done
        if status == _OK:
            body: bytes = value
            return body
        if status == _COACH_ERROR:
            raise CoachError(*value)
        raise RuntimeError(value)

    def _next(self, worker: _Worker) -> None:
        """Give ``worker`` the oldest waiting job, or mark it idle."""
        while self._pending:
            job, done = self._pending.popleft()
            if done.cancelled():  # the client went away while it waited
                continue
            worker.busy = done
            try:
                worker.jobs.send_bytes(job)
            except OSError:
                self._lost(worker)
            return
        self._idle.append(worker)

    def _answered(self, worker: _Worker) -> None:
        try:
            answer = pickle.loads(worker.answers.recv_bytes())
        except (EOFError, OSError):
            self._lost(worker)
            return
        worker.ready = True
        done, worker.busy = worker.busy, None
        if done is not None and not done.done():
            done.set_result(answer)
        self._next(worker)

    def _lost(self, worker: _Worker) -> None:
        """A worker died: fail its request, replace it."""
        assert self._loop is not None
        self._loop.remove_reader(worker.answers.fileno())
        worker.jobs.close()
        worker.answers.close()
        self._workers.remove(worker)
        if worker in self._idle:
            self._idle.remove(worker)
        lost = (_COACH_ERROR, (WORKER_LOST, "the review worker stopped; try again"))
        if worker.busy is not None and not worker.busy.done():
            worker.busy.set_result(lost)
        worker.process.kill()
        worker.process.wait()
        if worker.ready:
            self._spawn()
        elif not self._workers:
            # Not one worker could start (it fails while loading): fail what waits rather than hang.
            while self._pending:
                _, done = self._pending.popleft()
                if not done.done():
                    done.set_result(lost)

    def close(self) -> None:
        """Stop the workers (their pipes close; each exits after its current review)."""
        for worker in self._workers:
            if self._loop is not None:
                self._loop.remove_reader(worker.answers.fileno())
            worker.jobs.close()
            worker.answers.close()
        for worker in self._workers:
            try:
                worker.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
        self._workers.clear()
        self._idle.clear()
        self._loop = None


if __name__ == "__main__":  # a worker: python -m heartdesk.coach.pool JOBS_FD ANSWERS_FD
    _work(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
