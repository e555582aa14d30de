"""Reply-coach latency: a 60-word draft with a 5-turn context, in process or over HTTP.

    .venv/bin/python bench/coach_latency.py                  # in process: p50/p99 (target 5 / 20 ms)
    .venv/bin/python bench/coach_latency.py -n 2000
    .venv/bin/python bench/coach_latency.py --http           # uvicorn subprocess, 16 clients x 30 s
    .venv/bin/python bench/coach_latency.py --http --clients 16 --duration 30 --workers 4

In process, two figures: "typing" (one context, a different draft each call: what an agent
writing a reply causes; the context's customer turns are memoised after the first call) and
"cold" (a new context every call: nothing memoised). Over HTTP, the server is uvicorn serving
``heartdesk.web.app:create_app`` on a free loopback port (a throw-away SQLite file; the coach
needs no database) and each client (a thread with a keep-alive ``http.client`` connection, cheap
on the CPU the server shares) posts drafts that differ call to call. A review is CPU-bound and
holds the GIL, so one server process answers one review at a time: with 16 clients waiting, p99
is about 16 x the time of one request unless ``--workers`` spreads them over cores. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from heartdesk.model import Role

CONTEXT: list[tuple[Role, str]] = [
    ("customer", "Hi, I ordered a blender last week and it arrived with a cracked jar."),
    ("agent", "Hello! Sorry to hear that. Could you send me your order number?"),
    ("customer", "It's #A88213. Honestly I'm really annoyed, this is the second time this has happened!!"),
    ("agent", "Thanks. Let me check that order for you."),
    ("customer", "And I need it before my daughter's birthday on Saturday. I can't believe this."),
]
DRAFT = (
    "I checked order #A88213 and the jar was damaged in transit. As I already told you, we can't refund until "
    "the item is returned, that's our policy. You'll need to contact the courier about the damage. A replacement "
    "can ship on Monday if you return the old one first, okay? I will check the tracking again tomorrow. Reference {n}."
)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def in_process(n: int) -> None:
    from heartdesk.coach import Authority, review
    from heartdesk.model import Conversation

    authority = Authority(max_credit=25, gestures=("apology", "credit", "expedite"))
    conv = Conversation.of("bench", *CONTEXT)
    print(f"draft: {len(DRAFT.format(n=0).split())} words, context: {len(CONTEXT)} turns")
    t0 = time.perf_counter()
    review(DRAFT.format(n=0), conv, authority)
    print(f"first call (loads the models): {(time.perf_counter() - t0) * 1000:.0f} ms")
    for label, fresh_context in (("typing", False), ("cold", True)):
        times = []
        for i in range(n):
            c = Conversation.of("bench", *[(r, f"{t} ({i})" if fresh_context else t) for r, t in CONTEXT])
            t0 = time.perf_counter()
            review(DRAFT.format(n=i + 1), c, authority)
            times.append((time.perf_counter() - t0) * 1000)
        print(
            f"in process, {label:6s} n={n}: p50 {statistics.median(times):.2f} ms  p99 {_pct(times, 0.99):.2f} ms  "
            f"max {max(times):.2f} ms  (target p50 <= 5, p99 <= 20)"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def over_http(clients: int, duration: float, workers: int) -> None:
    import http.client

    import httpx

    port = _free_port()
    tmp = tempfile.mkdtemp(prefix="coach-bench-")
    env = {**os.environ, "HEARTDESK_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}"}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "heartdesk.web.app:create_app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--log-level", "warning", "--workers", str(workers)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/api/v1/coach"
    body: dict[str, Any] = {
        "conversation": {"id": "bench", "turns": [{"role": r, "text": t} for r, t in CONTEXT]},
        "agent": {"authority": {"max_credit": 25, "gestures": ["apology", "credit", "expedite"]}},
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.post(url, json={**body, "draft": DRAFT.format(n=0)}, timeout=30).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                err = server.stderr.read().decode() if server.stderr else ""
                raise SystemExit(f"the server did not start: {err[-2000:]}")
            time.sleep(0.2)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + duration

        def client(k: int) -> None:
            mine: list[float] = []
            bad: list[str] = []
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            i = 0
            while time.monotonic() < stop:
                i += 1
                payload = json.dumps({**body, "draft": DRAFT.format(n=f"{k}-{i}")}).encode()
                t0 = time.perf_counter()
                try:
                    conn.request("POST", "/api/v1/coach", body=payload, headers={"content-type": "application/json"})
                    r = conn.getresponse()
                    r.read()
                    if r.status != 200:
                        bad.append(f"HTTP {r.status}")
                except (OSError, http.client.HTTPException) as exc:
                    bad.append(type(exc).__name__)
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                mine.append((time.perf_counter() - t0) * 1000)
            conn.close()
            with lock:
                latencies.extend(mine)
                errors.extend(bad)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(
            f"HTTP, {workers} server process(es), {clients} clients x {duration:.0f} s: "
            f"{len(latencies)} requests ({len(latencies) / duration:.0f}/s), "
            f"p50 {statistics.median(latencies):.1f} ms  p99 {_pct(latencies, 0.99):.1f} ms  max {max(latencies):.1f} ms  "
            f"errors {len(errors)} (target p99 <= 50 ms, no errors)"
        )
        if errors:
            print("first errors:", errors[:5])
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=500, help="reviews per in-process figure")
    ap.add_argument("--http", action="store_true", help="measure POST /api/v1/coach over loopback instead")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of HTTP load")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (heartdesk serve runs 1)")
    args = ap.parse_args(argv)
    if args.http:
        over_http(args.clients, args.duration, args.workers)
    else:
        in_process(args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
