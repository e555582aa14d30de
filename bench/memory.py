"""Memory: peak RSS of ``heartdesk analyze`` streaming a large JSONL file (target < 500 MB at 1 GB).

    python bench/memory.py                      # writes a 1 GB file to the temp dir, analyses it, deletes it
    python bench/memory.py --size-mb 50         # quicker, for development
    python bench/memory.py --file big.jsonl     # use an existing file (kept)
    python bench/memory.py --max-seconds 300    # stop the analysis after 5 minutes (reported as partial)

The file is built from the same customer-service templates as bench/throughput.py
(a pool of conversations repeated with fresh ids until the size is reached), plus
an occasional very long turn, so the analyser meets realistic and awkward records.
``heartdesk analyze FILE --output /dev/null`` runs as a child process; its RSS is
sampled from /proc every 0.2 s (to show it stays flat) and its exact peak comes
from the kernel's accounting when it exits (``os.wait4`` rusage, ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import conversations

from heartdesk.connectors.contract import conversation_to_dict

TARGET_MB = 500
ROOT = Path(__file__).resolve().parent.parent


def write_corpus(path: Path, size_bytes: int, seed: int = 13, pool: int = 5000, long_every: int = 2000) -> tuple[int, int]:
    """Write conversations until ``size_bytes``; returns (lines, bytes). Every ``long_every``-th gets a ~200 KB turn."""
    lines = [conversation_to_dict(c) for c in conversations(pool * 6, seed)]
    written = n = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < size_bytes:
            obj = dict(lines[n % len(lines)])
            obj["id"] = f"mem-{n}"
            if long_every and n % long_every == long_every - 1:
                turns = list(obj["turns"])
                turns[0] = {"role": "customer", "text": ("My router keeps dropping the connection. " * 5000)}
                obj["turns"] = turns
            line = json.dumps(obj, ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n, written


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for row in fh:
                if row.startswith("VmRSS:"):
                    return int(row.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def _read_pos(pid: int, path: Path) -> int | None:
    """How far the child has read into ``path`` (its file offset, from /proc/PID/fdinfo)."""
    target = str(path.resolve())
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as fh:
                    for row in fh:
                        if row.startswith("pos:"):
                            return int(row.split()[1])
    except (OSError, ValueError):
        return None
    return None


def measure(path: Path, max_seconds: float | None, heartdesk: str) -> dict[str, object]:
    """Run the analyser on ``path``; return peak RSS, samples, wall time and whether it finished."""
    cmd = [heartdesk, "analyze", str(path), "--output", os.devnull, "--no-progress"]
    t0 = time.perf_counter()
    pid = os.spawnv(os.P_NOWAIT, cmd[0], cmd)
    samples: list[tuple[float, float]] = []
    status = 0
    usage = None
    finished = True
    pos: int | None = None
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        elapsed = time.perf_counter() - t0
        rss = _rss_mb(pid)
        if rss is not None:
            samples.append((elapsed, rss))
        pos = _read_pos(pid, path) or pos
        if max_seconds is not None and elapsed > max_seconds:
            finished = False
            os.kill(pid, signal.SIGTERM)
            _, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    assert usage is not None
    peak = usage.ru_maxrss / 1024  # Linux reports KiB
    return {
        "finished": finished,
        "exit_code": os.waitstatus_to_exitcode(status),
        "seconds": round(wall, 1),
        "peak_rss_mb": round(peak, 1),
        # Read-ahead buffering makes this a slight over-estimate of what was analysed.
        "read_fraction": 1.0 if finished else (None if pos is None else round(pos / path.stat().st_size, 4)),
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--size-mb", type=float, default=1024, help="size of the generated JSONL file (default 1024 = 1 GB)")
    ap.add_argument("--file", type=Path, help="analyse this existing file instead of generating one (it is kept)")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()), help="where to write the generated file")
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    ap.add_argument("--max-seconds", type=float, help="stop the analysis after this long (the peak so far is reported)")
    ap.add_argument("--heartdesk", default=str(ROOT / ".venv" / "bin" / "heartdesk"), help="the heartdesk executable")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON line at the end")
    args = ap.parse_args(argv)

    generated = args.file is None
    path: Path = args.file if args.file is not None else args.dir / f"heartdesk-mem-{os.getpid()}.jsonl"
    try:
        if generated:
            t0 = time.perf_counter()
            lines, size = write_corpus(path, int(args.size_mb * 1024 * 1024))
            print(f"wrote {path}: {size / 2**20:,.0f} MiB, {lines:,} conversations in {time.perf_counter() - t0:.1f}s")
        else:
            size = path.stat().st_size
            print(f"using {path}: {size / 2**20:,.0f} MiB")
        res = measure(path, args.max_seconds, args.heartdesk)
    finally:
        if generated and not args.keep:
            path.unlink(missing_ok=True)
    samples = res.pop("samples")
    assert isinstance(samples, list)
    if samples:
        step = max(1, len(samples) // 8)
        shown = ", ".join(f"{t:.0f}s {r:.0f}" for t, r in samples[::step])
        print(f"RSS samples (s MiB): {shown}")
    peak = res["peak_rss_mb"]
    assert isinstance(peak, float)
    frac = res["read_fraction"]
    read = f", {100 * frac:.1f}% of the file read" if isinstance(frac, float) and not res["finished"] else ""
    state = "finished" if res["finished"] else f"STOPPED after {args.max_seconds:.0f}s (partial run{read})"
    print(f"heartdesk analyze: {state}, exit code {res['exit_code']}, {res['seconds']}s")
    print(f"peak RSS: {peak:.1f} MiB  (target < {TARGET_MB} MB: {'met' if peak < TARGET_MB else 'NOT met'})")
    if args.json:
        print(json.dumps({"file_mib": round(size / 2**20, 1), **res}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
