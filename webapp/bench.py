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
- ``timeline``: POST /api/timeline/step, both models after an epoch, the requests cycling over
  every saved epoch (a class stepping and playing the timeline);

the explainer's with ``--explainer-requests`` each; and

- ``burst``: fair under load. ``--clients`` predictors send POST /api/predict, first alone
  (``--burst-baseline`` requests), then while one more client bursts ``--burst`` attacks
  (``--burst-method``, PGD by default: the heaviest) from ``--burst-connections`` connections at
  once. Prints the predictors' p99 alone and during the burst (goal: ≤ 250 ms) and the tally of
  the burster's statuses: 200, or 429/503 with Retry-After (webapp/fairness.py); anything else
  is printed loudly and fails the run.

Each bench client is a client of its own to the server: the server is started with
WEBAPP_TRUSTED_PROXIES=127.0.0.1 and each connection names an address of its own in
X-Forwarded-For (10.0.x.y), as a class behind a proxy would be seen; the per-client limit then
applies to each, not to all of loopback at once. Nothing leaves 127.0.0.1.
"""
from __future__ import annotations

import argparse
import collections
import http.client
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

BOUNDARY = "benchboundary7MA4YWxkTrZu0gW"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    retry_after: set = field(default_factory=set)  # the Retry-After values of 429s and 503s
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
    """One endpoint under load: what is posted where (several bodies: sent in turn)."""
    name: str
    path: str
    body: bytes | tuple[bytes, ...]
    content_type: str


def targets(port: int) -> dict[str, Target]:
    """Every benchmarked endpoint, with the drawn digit's 28×28 input as the server sees it."""
    digit = drawn_digit_body()
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/predict", body=digit, headers={"Content-Type": multipart})
    x = json.loads(c.getresponse().read())["input"]
    c.request("GET", "/api/timeline")
    r = c.getresponse()
    epochs = json.loads(r.read())["epochs"] if r.status == 200 else [1]
    c.close()
    js = "application/json"

    def body(**kw: object) -> bytes:
        return json.dumps({"input": x, **kw}).encode()

    return {t.name: t for t in (
        Target("predict", "/api/predict", digit, multipart),
        Target("network", "/api/network", body(), js),
        Target("cell", "/api/cell", body(layer="conv2", channel=7, row=3, col=2, top=3), js),
        Target("attack-fgsm", "/api/attack", body(method="fgsm", eps=0.1), js),
        Target("attack-pgd", "/api/attack", body(method="pgd", eps=0.1), js),
        Target("timeline", "/api/timeline/step", tuple(body(epoch=e) for e in epochs), js))}


def address(i: int) -> str:
    """The ``i``-th bench client's own address, sent as X-Forwarded-For."""
    return f"10.0.{i // 250}.{i % 250 + 1}"


def client(port: int, target: Target, n: int, tally: Tally, who: str,
           stop: threading.Event | None = None) -> None:
    """One keep-alive connection sending ``n`` requests one after another (fewer if ``stop``
    is set), as the client ``who``."""
    headers = {"Content-Type": target.content_type, "X-Forwarded-For": who}
    bodies = target.body if isinstance(target.body, tuple) else (target.body,)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(n):
        body = bodies[i % len(bodies)]
        if stop is not None and stop.is_set():
            break
        t = time.perf_counter()
        retry = None
        try:
            conn.request("POST", target.path, body=body, headers=headers)
            r = conn.getresponse()
            r.read()
            status, retry = str(r.status), r.getheader("Retry-After")
            err = "" if r.status == 200 else f"HTTP {r.status}"
        except (OSError, http.client.HTTPException) as exc:
            status = err = f"{type(exc).__name__}: {exc}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        dt = time.perf_counter() - t
        with tally.lock:
            tally.statuses[status] += 1
            if not err:
                tally.latencies.append(dt)
            else:
                tally.errors.append(err)
            if status in ("429", "503"):
                tally.retry_after.add(retry)
    conn.close()


def load(port: int, target: Target, requests: int, clients: int) -> tuple[Tally, float]:
    tally = Tally()
    share = [requests // clients + (i < requests % clients) for i in range(clients)]
    threads = [threading.Thread(target=client, args=(port, target, n, tally, address(i)))
               for i, n in enumerate(share)]
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


#: what the burster may get back: served, over its share, or the queue full
BURST_ALLOWED = {"200", "429", "503"}
#: the predictors' p99 during the burst must stay under this (ms)
BURST_GOAL_MS = 250.0


def machine_load() -> str:
    """``uptime``'s load averages (1, 5, 15 min) and the core count."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def p99(tally: Tally) -> float:
    return float(np.percentile(np.asarray(tally.latencies) * 1000, 99)) if tally.latencies \
        else float("nan")


def burster(port: int, attack: Target, share: list[int], who: str, go: Any, out: Any) -> None:
    """The bursting client, in a process of its own (as it would be another machine: its
    threads do not take the predictors' GIL): one connection per entry of ``share``, all as
    ``who``, started when ``go`` is set; puts (statuses, Retry-After values, latencies) on ``out``."""
    hits = Tally()
    threads = [threading.Thread(target=client, args=(port, attack, n, hits, who)) for n in share]
    go.wait()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out.put((dict(hits.statuses), hits.retry_after, hits.latencies))


def run_burst(port: int, predict: Target, attack: Target, clients: int, baseline: int,
              burst: int, connections: int, warmup: int) -> tuple[bool, str]:
    """After a warm-up of both endpoints, the predictors alone, then with one client bursting
    ``burst`` attacks from ``connections`` connections; returns (no unexpected status, the
    summary line)."""
    for target in (predict, attack):
        load(port, target, warmup, min(clients, warmup, 4))
    print(f"==> burst: {clients} clients POST {predict.path}, alone ({baseline} requests), then "
          f"while one client bursts {burst} POST {attack.path} ({attack.name}) from {connections} "
          f"connections; {machine_load()}")
    alone, dt = load(port, predict, baseline, clients)
    print(f"predictors alone:\n{report(alone, dt, clients)}")
    during, hits, stop = Tally(), Tally(), threading.Event()
    predictors = [threading.Thread(target=client, args=(port, predict, 10 ** 9, during,
                                                        address(i), stop))
                  for i in range(clients)]
    share = [burst // connections + (i < burst % connections) for i in range(connections)]
    ctx = multiprocessing.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=burster, args=(port, attack, share, address(clients), go, out))
    proc.start()  # every connection of the burster the same client: one address
    for th in predictors:
        th.start()
    time.sleep(0.5)  # the predictors are under way before the burst
    t = time.perf_counter()
    go.set()
    statuses, hits.retry_after, hits.latencies = out.get(timeout=600)
    seconds = time.perf_counter() - t
    hits.statuses.update(statuses)
    proc.join(30)
    stop.set()
    for th in predictors:
        th.join()
    tally = ", ".join(f"{k}: {v}" for k, v in sorted(hits.statuses.items()))
    unexpected = {k: v for k, v in hits.statuses.items() if k not in BURST_ALLOWED}
    print(f"predictors during the burst ({seconds:.1f} s):\n{report(during, seconds, clients)}")
    print(f"burster: {sum(hits.statuses.values())} requests in {seconds:.1f} s: {tally}; "
          f"Retry-After {sorted(map(str, hits.retry_after)) or '-'}; served p99 {p99(hits):.1f} ms")
    if unexpected:
        print("!" * 72 + f"\n!!! UNEXPECTED STATUSES FOR THE BURSTER: {unexpected}\n" + "!" * 72)
    if during.errors:
        print("!" * 72 + f"\n!!! THE PREDICTORS GOT ERRORS: {sorted(set(during.errors))[:3]}\n"
              + "!" * 72)
    ratio = p99(during) / p99(alone)
    verdict = "goal met" if p99(during) <= BURST_GOAL_MS else "OVER THE GOAL"
    print(f"==> predictors' p99: {p99(alone):.1f} ms alone, {p99(during):.1f} ms during the burst "
          f"(x{ratio:.2f}; goal <= {BURST_GOAL_MS:.0f} ms: {verdict}); {machine_load()}")
    line = (f"  {'burst':<12} predictors' p99 {p99(alone):.1f} -> {p99(during):.1f} ms "
            f"(x{ratio:.2f}), burster {tally}")
    return not unexpected and not during.errors, line


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """The bench's settings and the endpoints to measure, in order (bounded, checked)."""
    ap = argparse.ArgumentParser(prog="python -m webapp.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("scene_data"))
    ap.add_argument("--requests", type=int, default=2000, help="for predict")
    ap.add_argument("--explainer-requests", type=int, default=1000,
                    help="for each explainer endpoint")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--endpoints", default="predict,network,cell,attack-fgsm,attack-pgd,timeline,burst",
                    help="comma-separated, in order")
    ap.add_argument("--burst", type=int, default=200, help="the burster's attack requests")
    ap.add_argument("--burst-connections", type=int, default=20,
                    help="the burster's connections, all at once, one client")
    ap.add_argument("--burst-method", choices=("pgd", "fgsm"), default="pgd")
    ap.add_argument("--burst-baseline", type=int, default=1000,
                    help="predict requests before the burst, for the predictors' p99 alone")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.endpoints.split(",") if n.strip()]
    if not all(1 <= c <= 100 for c in (args.clients, args.burst_connections)) or not all(
            1 <= r <= 100_000 for r in (args.requests, args.explainer_requests, args.burst,
                                        args.burst_baseline)):
        ap.error("keep it bounded: 1-100 clients or connections, 1-100,000 requests")
    known = ("predict", "network", "cell", "attack-fgsm", "attack-pgd", "timeline", "burst")
    if not names or set(names) - set(known):
        ap.error(f"--endpoints: choose from {', '.join(known)}")
    return args, names


def measure(args: argparse.Namespace, name: str, port: int, pid: int,
            table: dict[str, Any]) -> tuple[str, int]:
    """(the summary line, errors) of one endpoint, or of the burst run."""
    if name == "burst":
        attack = table[f"attack-{args.burst_method}"]
        ok, line = run_burst(port, table["predict"], attack, args.clients, args.burst_baseline,
                             args.burst, args.burst_connections, args.warmup)
        return line, int(not ok)
    n = args.requests if name == "predict" else args.explainer_requests
    total, seconds = run_endpoint(port, pid, table[name], n, args.clients, args.warmup)
    lat = np.asarray(total.latencies) * 1000
    p = (lambda q: f"{np.percentile(lat, q):6.1f}") if len(lat) else (lambda q: "   n/a")
    return (f"  {name:<12} {len(lat) / seconds:6.0f} req/s  p50 {p(50)}  "
            f"p99 {p(99)}  max {p(100)}  errors {len(total.errors)}"), len(total.errors)


def main(argv: list[str] | None = None) -> int:
    args, names = parse_args(argv)
    port = free_port()
    # each bench client speaks for an address of its own (X-Forwarded-For from loopback); the
    # limits themselves are the defaults, or what the environment sets
    env = {**os.environ, "WEBAPP_TRUSTED_PROXIES": "127.0.0.1"}
    proc = subprocess.Popen([sys.executable, "-m", "webapp", "--host", "127.0.0.1",
                             "--port", str(port), "--data", str(args.data)],
                            stdout=subprocess.DEVNULL, env=env)
    try:
        up = wait_healthy(port, proc, timeout=60)
        print(f"==> server up in {up:.1f} s (pid {proc.pid}, port {port}, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f})")
        table = targets(port)
        results = [measure(args, name, port, proc.pid, table) for name in names]
        print(f"==> summary ({args.clients} clients, ms; {machine_load()}):\n"
              + "\n".join(line for line, _ in results))
        return 1 if sum(e for _, e in results) else 0
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()

if __name__ == "__main__":
    sys.exit(main())
