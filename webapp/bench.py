"""``make bench-serve``: a bounded load test of ``make serve`` over loopback.

Starts the server as a child process on a free 127.0.0.1 port, waits for /api/health, then, for
each endpoint in turn, sends its requests from ``--clients`` concurrent keep-alive connections,
in two halves, and prints throughput, latency percentiles, errors and the server's resident
memory after warm-up and after each half (flat memory: the two halves end at about the same
size). The endpoints (``--endpoints``, all by default):

- ``predict``: ``--requests`` POST /api/predict of a drawn digit, multipart, as the page sends it;
- ``network``: POST /api/network with the digit's 28×28 input (JSON), as painting sends it;
- ``cell``: POST /api/cell, a conv2 cell's arithmetic (top 3 channels);
- ``attack-fgsm``, ``attack-pgd``: POST /api/attack at ε = 0.1, one ε each, both models;

the explainer's with ``--explainer-requests`` each. Nothing leaves 127.0.0.1.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BOUNDARY = "benchboundary7MA4YWxkTrZu0gW"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def drawn_digit_body() -> bytes:
    """A multipart body holding a 280x280 PNG of a drawn digit (a slanted stroke and a bar)."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("L", (280, 280), 0)
    d = ImageDraw.Draw(img)
    d.line([(170, 40), (110, 240)], fill=255, width=18)
    d.line([(90, 60), (170, 40)], fill=255, width=18)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; "
            f"filename=\"digit.png\"\r\nContent-Type: image/png\r\n\r\n").encode()
    return head + buf.getvalue() + f"\r\n--{BOUNDARY}--\r\n".encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    """Resident memory of a process (Linux /proc), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float) -> float:
    """Seconds until /api/health answers 200; raises if the server dies or is too slow."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/health")
            if c.getresponse().status == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"/api/health did not answer within {timeout:.0f} s")


@dataclass(frozen=True)
class Target:
    """One endpoint under load: what is posted where."""
    name: str
    path: str
    body: bytes
    content_type: str


def targets(port: int) -> dict[str, Target]:
    """Every benchmarked endpoint, with the drawn digit's 28×28 input as the server sees it."""
    digit = drawn_digit_body()
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/predict", body=digit, headers={"Content-Type": multipart})
    x = json.loads(c.getresponse().read())["input"]
    c.close()
    js = "application/json"

    def body(**kw: object) -> bytes:
        return json.dumps({"input": x, **kw}).encode()

    return {t.name: t for t in (
        Target("predict", "/api/predict", digit, multipart),
        Target("network", "/api/network", body(), js),
        Target("cell", "/api/cell", body(layer="conv2", channel=7, row=3, col=2, top=3), js),
        Target("attack-fgsm", "/api/attack", body(method="fgsm", eps=0.1), js),
        Target("attack-pgd", "/api/attack", body(method="pgd", eps=0.1), js))}


def client(port: int, target: Target, n: int, tally: Tally) -> None:
    """One keep-alive connection sending ``n`` requests one after another."""
    headers = {"Content-Type": target.content_type}
    body = target.body
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(n):
        t = time.perf_counter()
        try:
            conn.request("POST", target.path, body=body, headers=headers)
            r = conn.getresponse()
            r.read()
            ok = r.status == 200
            err = "" if ok else f"HTTP {r.status}"
        except (OSError, http.client.HTTPException) as exc:
            ok, err = False, f"{type(exc).__name__}: {exc}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        dt = time.perf_counter() - t
        with tally.lock:
            if ok:
                tally.latencies.append(dt)
            else:
                tally.errors.append(err)
    conn.close()


def load(port: int, target: Target, requests: int, clients: int) -> tuple[Tally, float]:
    tally = Tally()
    share = [requests // clients + (i < requests % clients) for i in range(clients)]
    threads = [threading.Thread(target=client, args=(port, target, n, tally)) for n in share]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return tally, time.perf_counter() - t


def report(tally: Tally, seconds: float, clients: int) -> str:
    lat = np.asarray(tally.latencies) * 1000
    n = len(lat) + len(tally.errors)
    pct = (lambda q: f"{np.percentile(lat, q):.1f}") if len(lat) else (lambda q: "n/a")
    first_errors = sorted(set(tally.errors))[:3]
    return (f"  {n} requests, {clients} clients, {seconds:.1f} s: {n / seconds:.0f} req/s\n"
            f"  latency ms: p50 {pct(50)}  p90 {pct(90)}  p99 {pct(99)}  max {pct(100)}\n"
            f"  errors: {len(tally.errors)}" + (f" ({'; '.join(first_errors)})" if first_errors else ""))


def run_endpoint(port: int, pid: int, target: Target, requests: int, clients: int,
                 warmup: int) -> tuple[Tally, float]:
    """Warm-up, then two halves; prints each half and the whole, with the server's memory."""
    load(port, target, warmup, min(clients, warmup))
    mem = [rss_mib(pid)]
    half = requests // 2
    print(f"==> {target.name}: POST {target.path}, {requests} requests in two halves; "
          f"memory after warm-up {mem[0]:.0f} MiB, load average {os.getloadavg()[0]:.2f}")
    total = Tally()
    seconds = 0.0
    for i, n in enumerate((half, requests - half), 1):
        tally, dt = load(port, target, n, clients)
        mem.append(rss_mib(pid))
        print(f"half {i}:\n{report(tally, dt, clients)}\n  server memory {mem[-1]:.0f} MiB")
        total.latencies += tally.latencies
        total.errors += tally.errors
        seconds += dt
    print(f"all:\n{report(total, seconds, clients)}\n  server memory MiB: "
          f"{' -> '.join(f'{m:.0f}' for m in mem)} (warm-up, half 1, half 2)")
    return total, seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m webapp.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("scene_data"))
    ap.add_argument("--requests", type=int, default=2000, help="for predict")
    ap.add_argument("--explainer-requests", type=int, default=1000,
                    help="for each explainer endpoint")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--endpoints", default="predict,network,cell,attack-fgsm,attack-pgd",
                    help="comma-separated, in order")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.endpoints.split(",") if n.strip()]
    if not 1 <= args.clients <= 100 or not all(1 <= r <= 100_000 for r in
                                               (args.requests, args.explainer_requests)):
        ap.error("keep it bounded: 1-100 clients, 1-100,000 requests")
    known = ("predict", "network", "cell", "attack-fgsm", "attack-pgd")
    if not names or set(names) - set(known):
        ap.error(f"--endpoints: choose from {', '.join(known)}")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "webapp", "--host", "127.0.0.1",
                             "--port", str(port), "--data", str(args.data)],
                            stdout=subprocess.DEVNULL)
    try:
        up = wait_healthy(port, proc, timeout=60)
        print(f"==> server up in {up:.1f} s (pid {proc.pid}, port {port}, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f})")
        table = targets(port)
        summary, errors = [], 0
        for name in names:
            n = args.requests if name == "predict" else args.explainer_requests
            total, seconds = run_endpoint(port, proc.pid, table[name], n, args.clients, args.warmup)
            lat = np.asarray(total.latencies) * 1000
            p = (lambda q: f"{np.percentile(lat, q):6.1f}") if len(lat) else (lambda q: "   n/a")
            summary.append(f"  {name:<12} {len(lat) / seconds:6.0f} req/s  p50 {p(50)}  "
                           f"p99 {p(99)}  max {p(100)}  errors {len(total.errors)}")
            errors += len(total.errors)
        print(f"==> summary ({args.clients} clients, ms; load average now "
              f"{os.getloadavg()[0]:.2f}):\n" + "\n".join(summary))
        return 1 if errors else 0
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
