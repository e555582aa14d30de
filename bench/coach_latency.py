"""Reply-coach latency: a 60-word draft with a 5-turn context, in process or over HTTP.

    .venv/bin/python bench/coach_latency.py                  # in process: p50/p99 (target 5 / 20 ms)
    .venv/bin/python bench/coach_latency.py -n 2000
    .venv/bin/python bench/coach_latency.py --http --workers 2 --duration 30        # 2 server processes
    .venv/bin/python bench/coach_latency.py --http --processes 2 --duration 30      # 1 server + 2 review processes

In process, two figures: "typing" (one context, a different draft each call: what an agent
writing a reply causes; the context's customer turns are memoised after the first call) and
"cold" (a new context every call: nothing memoised).

Over HTTP, the server is uvicorn serving ``heartdesk.web.app:create_app`` on a free loopback port
(a throw-away SQLite file; the coach needs no database; access log off), with ``--workers`` server
processes and ``--processes`` review processes behind each (HEARTDESK_COACH_PROCESSES, docs/coach.md).
The load is ``--clients`` threads, each with one keep-alive HTTP/1.1 connection, posting drafts that
differ call to call (their reference number) back to back for ``--warmup`` seconds and then for the
measured ``--duration``. A client writes a prepared request and reads exactly the response's
``Content-Length``, so the load generator takes ~0.1 ms of CPU per request from the cores it shares
with the server (``http.client`` took several times that). Besides latency and errors it prints the
CPU each request cost the server and the load generator, how many cores each server process used,
and how the clients' connections were spread over the server processes halfway through. A review is
CPU-bound and holds the GIL, so a process answers one review at a time: a request waits for the
reviews queued before it in its process. Prints figures; asserts nothing.
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


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (uvicorn's workers), from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of ``pids`` so far (0 where /proc cannot tell)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _connections(pids: list[int], port: int) -> list[int]:
    """Established connections to ``port`` held by each of ``pids`` (how the clients spread)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == "01" and int(f[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f[9])
    counts = []
    for pid in pids:
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            links = []
        counts.append(sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in inodes))
    return counts


class _Client:
    """One HTTP/1.1 keep-alive connection with the least Python per request.

    ``http.client`` parses every response's headers with the email package: with 16 client threads
    on the same cores as the server, that CPU would be taken from the server it measures. This
    client writes a prepared request and reads exactly ``Content-Length`` bytes back; it reconnects
    only when the server closes (``Connection: close``) or the connection fails.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None

    def post(self, request: bytes) -> int:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock = self.sock
        sock.sendall(request)
        buf = b""
        while (head_end := buf.find(b"\r\n\r\n")) < 0:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the response")
            buf += chunk
        lines = buf[:head_end].lower().split(b"\r\n")
        status = int(lines[0][9:12])
        length = next((int(h[15:]) for h in lines if h.startswith(b"content-length:")), -1)
        if length < 0:
            raise ConnectionError("no content-length")
        need = head_end + 4 + length
        while len(buf) < need:
            chunk = sock.recv(max(65536, need - len(buf)))
            if not chunk:
                raise ConnectionError("closed during the body")
            buf += chunk
        if b"connection: close" in lines:
            self.close()
        return status

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def over_http(clients: int, duration: float, workers: int, processes: int = 0, warmup: float = 2.0) -> None:
    import httpx

    port = _free_port()
    tmp = tempfile.mkdtemp(prefix="coach-bench-")
    env = {
        **os.environ,
        "HEARTDESK_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
        "HEARTDESK_COACH_PROCESSES": str(processes),
    }
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "heartdesk.web.app:create_app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--log-level", "warning", "--no-access-log", "--workers", str(workers)]
    # The server's log goes to a file: a pipe nobody reads would block it, and its review processes
    # would hold the pipe open after it exits.
    log = Path(tmp) / "server.log"
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    url = f"http://127.0.0.1:{port}/api/v1/coach"
    body: dict[str, Any] = {
        "conversation": {"id": "bench", "turns": [{"role": r, "text": t} for r, t in CONTEXT]},
        "agent": {"authority": {"max_credit": 25, "gestures": ["apology", "credit", "expedite"]}},
    }
    # The request is prepared once around the draft; only the draft (its reference) changes per call.
    before, after = json.dumps({**body, "draft": "\0"}).encode().split(b'"\\u0000"')
    head = b"POST /api/v1/coach HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.post(url, json={**body, "draft": DRAFT.format(n=0)}, timeout=30).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        server_pids = [server.pid]
        for pid in server_pids:  # grows while it is walked: every descendant of the server
            server_pids.extend(_children(pid))
        latencies: list[float] = []
        errors: list[str] = []
        spread: list[int] = []
        lock = threading.Lock()
        go = threading.Event()
        start = stop = 0.0

        def client(k: int) -> None:
            mine: list[float] = []
            bad: list[str] = []
            conn = _Client(port)
            i = 0
            go.wait()
            while (now := time.monotonic()) < stop:
                i += 1
                payload = before + json.dumps(DRAFT.format(n=f"{k}-{i}")).encode() + after
                request = head + str(len(payload)).encode() + b"\r\n\r\n" + payload
                counted = now >= start
                t0 = time.perf_counter()
                try:
                    status = conn.post(request)
                    if status != 200:
                        bad.append(f"HTTP {status}")
                except (OSError, ValueError) as exc:
                    bad.append(type(exc).__name__)
                    conn.close()
                if counted:
                    mine.append((time.perf_counter() - t0) * 1000)
            conn.close()
            with lock:
                latencies.extend(mine)
                errors.extend(bad)

        def watch() -> None:
            # Halfway through, how the clients' connections are spread over the server processes.
            time.sleep(warmup + duration / 2)
            spread.extend(sorted((c for c in _connections(server_pids, port) if c), reverse=True))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        load = os.getloadavg()[0]
        # A warm-up under the same load first (every server process has read the context once), then the
        # measured window: errors count throughout, latencies and CPU only in the window.
        start = time.monotonic() + warmup
        stop = start + duration
        go.set()
        watcher = threading.Thread(target=watch)
        watcher.start()
        time.sleep(max(0.0, start - time.monotonic()))
        cpu_each, cpu_client = [_cpu_seconds([pid]) for pid in server_pids], time.process_time()
        for t in threads:
            t.join()
        watcher.join()
        cpu_each = [_cpu_seconds([pid]) - before_ for pid, before_ in zip(server_pids, cpu_each, strict=True)]
        cpu_server, cpu_client = sum(cpu_each), time.process_time() - cpu_client
        busy = sorted((c / duration for c in cpu_each if c > 0.01 * duration), reverse=True)
        n = len(latencies)
        print(
            f"HTTP, {workers} server process(es)"
            + (f" + {processes} review processes" if processes else "")
            + f", {clients} clients x {duration:.0f} s: "
            f"{n} requests ({n / duration:.0f}/s), "
            f"p50 {statistics.median(latencies):.1f} ms  p99 {_pct(latencies, 0.99):.1f} ms  max {max(latencies):.1f} ms  "
            f"errors {len(errors)} (target p99 <= 50 ms, no errors)"
        )
        print(
            f"  CPU per request: server {cpu_server / n * 1000:.2f} ms, load generator {cpu_client / n * 1000:.2f} ms; "
            f"clients per busy server process: {spread}; load average before: {load:.2f}"
        )
        print(
            "  cores used by each busy server process: "
            + ", ".join(f"{b:.2f}" for b in busy)
            + f"; load generator: {cpu_client / duration:.2f}"
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
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of HTTP load measured")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of the same load before the measured window")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (heartdesk serve runs 1)")
    ap.add_argument("--processes", type=int, default=0, help="review processes behind one server (HEARTDESK_COACH_PROCESSES)")
    args = ap.parse_args(argv)
    if args.http:
        over_http(args.clients, args.duration, args.workers, args.processes, args.warmup)
    else:
        in_process(args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
