"""Fair under load: the heavier endpoints (attacks, the rotation sweep) go through one bounded
work queue, with a cap per client, so that one student's burst cannot starve the class.

- At most ``queue`` heavy requests are admitted at once, server-wide (running or waiting for a
  worker). One more is answered at once with 503 and ``Retry-After``: nothing piles up.
- At most ``per_client`` of them come from one client; one more from that client is answered
  at once with 429 and ``Retry-After`` while other clients are still admitted.
- Their computation runs on ``workers`` threads of its own, so that the predictions' batches
  and the image decoding never wait behind a queue of attacks for a thread.

A client is the connection's remote address. ``X-Forwarded-For`` is believed only from the
addresses in ``trusted_proxies`` (none by default): behind a reverse proxy, name the proxy; the
load test names 127.0.0.1 to play a class of clients over loopback. Every setting comes from the
environment (:meth:`Limits.from_env`):

    WEBAPP_HEAVY_QUEUE=32  WEBAPP_HEAVY_PER_CLIENT=4  WEBAPP_HEAVY_WORKERS=1
    WEBAPP_RETRY_AFTER=1  WEBAPP_TRUSTED_PROXIES=        (comma-separated addresses)
"""
from __future__ import annotations

import asyncio
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Mapping

from fastapi import Request

from .errors import ApiError, ErrorBody

#: environment variable -> the :class:`Limits` field it sets (unset or empty: the default)
ENV = {"WEBAPP_HEAVY_QUEUE": "queue", "WEBAPP_HEAVY_PER_CLIENT": "per_client",
       "WEBAPP_HEAVY_WORKERS": "workers", "WEBAPP_RETRY_AFTER": "retry_after"}
TRUSTED_ENV = "WEBAPP_TRUSTED_PROXIES"


@dataclass(frozen=True)
class Limits:
    """How much heavy work the server takes on; the defaults fit a class of 20-30 on 2 cores
    (each page has one attack in flight at most)."""
    queue: int = 32          # heavy requests admitted at once, server-wide
    per_client: int = 4      # of which from one client
    workers: int = 1         # threads the heavy computation runs on
    retry_after: int = 1     # seconds, in the Retry-After of a 503 or 429
    trusted_proxies: frozenset[str] = frozenset()  # peers whose X-Forwarded-For is believed

    def __post_init__(self) -> None:
        for name in ENV.values():
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Limits":
        kw: dict[str, Any] = {}
        for var, name in ENV.items():
            if env.get(var, "").strip():
                try:
                    kw[name] = int(env[var])
                except ValueError:
                    raise ValueError(f"{var} must be a whole number, got {env[var]!r}") from None
        proxies = {p.strip() for p in env.get(TRUSTED_ENV, "").split(",") if p.strip()}
        return cls(**kw, trusted_proxies=frozenset(proxies))

    def client(self, request: Request) -> str:
        """Who sent ``request``: the remote address, or, from a trusted proxy, the address the
        proxy appended last to X-Forwarded-For (the one it saw connect)."""
        peer = request.client.host if request.client else "unknown"
        if peer in self.trusted_proxies:
            hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")]
            if hops[-1]:
                return hops[-1]
        return peer


class WorkQueue:
    """Admission to the heavy endpoints (:meth:`admit`) and the threads they compute on
    (:meth:`run`, :attr:`executor`)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.executor = ThreadPoolExecutor(limits.workers, thread_name_prefix="heavy")
        self.admitted: Counter[str] = Counter()  # client -> heavy requests in flight

    @property
    def in_flight(self) -> int:
        return sum(self.admitted.values())

    @asynccontextmanager
    async def admit(self, request: Request) -> AsyncIterator[None]:
        """Hold one place of the queue for the request's client while the body runs; refuse
        at once (429 for a client over its cap, else 503 for a full queue) instead of waiting."""
        lim = self.limits
        who = lim.client(request)
        headers = {"Retry-After": str(lim.retry_after)}
        if self.admitted[who] >= lim.per_client:
            raise ApiError(429, "too_many_requests",
                           f"you already have {lim.per_client} attacks or sweeps in progress; "
                           f"wait for them to finish (retry in {lim.retry_after} s)", headers)
        if self.in_flight >= lim.queue:
            raise ApiError(503, "busy",
                           f"the server is busy with {lim.queue} attacks or sweeps from other "
                           f"students; try again in {lim.retry_after} s", headers)
        self.admitted[who] += 1
        try:
            yield
        finally:
            self.admitted[who] -= 1
            if not self.admitted[who]:
                del self.admitted[who]

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` on one of the heavy threads."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


#: the OpenAPI ``responses`` of a heavy endpoint's refusals
HEAVY_RESPONSES: dict[int | str, dict] = {
    429: {"model": ErrorBody, "description": "this client already has its share of attacks and "
          "sweeps in progress (`Retry-After` says when to try again)"},
    503: {"model": ErrorBody, "description": "the work queue is full (`Retry-After` says when "
          "to try again)"},
}
