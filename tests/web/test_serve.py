"""`heartdesk serve` starts a real server on loopback against a fresh SQLite file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_creates_the_schema_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "HEARTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'desk.db'}"}
    cmd = [sys.executable, "-m", "heartdesk.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"{base}/api/v1/tickets", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    out = proc.stdout.read().decode() if proc.stdout and proc.poll() is not None else ""
                    raise AssertionError(f"server did not start: {out}") from None
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["total"] == 0
        created = httpx.post(f"{base}/api/v1/customers", json={"external_id": "c-1", "name": "Ann"}, timeout=5)
        assert created.status_code in (200, 201), created.text
        missing = httpx.get(f"{base}/api/v1/tickets/424242", timeout=5)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "E503"
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        if proc.stdout:
            proc.stdout.close()
    assert (tmp_path / "desk.db").exists()
