"""Fair under load (webapp/fairness.py) with FastAPI's TestClient: the heavy endpoints' bounded
queue answers 503 with Retry-After when full, one client over its share gets 429 while another
is served, and nothing else errors. The queue is filled by holding the heavy worker on an event,
never by racing the clock, so no result depends on the machine's speed."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.conftest import ROOT, vertical_stroke_png

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from pipeline import inference  # noqa: E402
from webapp.app import create_app  # noqa: E402
from webapp.fairness import Limits  # noqa: E402
from webapp.state import Settings  # noqa: E402

#: TestClient's peer address: trusting it lets a test speak for several clients by X-Forwarded-For
PEER = "testclient"


class HeldWorker:
    """Replaces the PGD computation: every call waits for :meth:`release`, then computes for
    real; ``started`` is set by the first."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.started = threading.Event()
        self.released = threading.Event()

    def __call__(self, *args: Any) -> Any:
        if args[4] != "pgd":  # attack_batch(predictor, kind, images, labels, method, eps)
            return self.real(*args)
        self.started.set()
        assert self.released.wait(120), "the test never released the worker"
        return self.real(*args)

    def release(self) -> None:
        self.released.set()


@pytest.fixture()
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldWorker]:
    worker = HeldWorker(inference.attack_batch)
    monkeypatch.setattr(inference, "attack_batch", worker)
    yield worker
    worker.release()  # a failed test must not leave the server's thread waiting


def app_with(data: Path, renders: Path, **limits: Any) -> TestClient:
    return TestClient(create_app(Settings(data=data, renders=renders, lectures=ROOT / "lectures"),
                                 Limits(**limits)))


def drawn_input(c: TestClient) -> list[list[float]]:
    r = c.post("/api/predict", files={"image": ("one.png", vertical_stroke_png(), "image/png")})
    assert r.status_code == 200, r.text
    return r.json()["input"]


def attack(c: TestClient, x: list, who: str | None = None, method: str = "pgd"):  # noqa: ANN201
    headers = {"X-Forwarded-For": who} if who else {}
    return c.post("/api/attack", json={"input": x, "method": method, "eps": 0.1}, headers=headers)


def rotate(c: TestClient, who: str):  # noqa: ANN201
    return c.post("/api/rotate", files={"image": ("one.png", vertical_stroke_png(), "image/png")},
                  headers={"X-Forwarded-For": who})


def wait_until(cond: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Poll ``cond`` (the server's own counters) until it holds; the timeout only catches a
    hang, it decides nothing."""
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def refusal(r, status: int, code: str, retry_after: int) -> str:  # noqa: ANN001
    assert r.status_code == status, r.text
    assert r.headers["retry-after"] == str(retry_after)
    body = r.json()
    assert body["error"] == code and body["detail"], body
    return body["detail"]


def test_full_queue_answers_503_with_retry_after_at_once(
        webapp_data_dir: Path, tiny_renders: Path, held: HeldWorker) -> None:
    """A queue of one, its place held by a PGD waiting on the worker: a second client's attack
    and a third's rotation sweep are refused at once with 503, Retry-After and the JSON error;
    once the worker is released the first answers 200 and the queue takes work again."""
    with app_with(webapp_data_dir, tiny_renders, queue=1, retry_after=7,
                  trusted_proxies=frozenset({PEER})) as c, ThreadPoolExecutor(1) as pool:
        heavy = c.app.state.platform.heavy
        x = drawn_input(c)
        first = pool.submit(attack, c, x, "10.0.0.1")
        assert held.started.wait(60)
        assert heavy.in_flight == 1
        detail = refusal(attack(c, x, "10.0.0.2"), 503, "busy", 7)
        assert "busy" in detail and "7 s" in detail
        refusal(rotate(c, "10.0.0.3"), 503, "busy", 7)
        refusal(attack(c, x, "10.0.0.2", method="fgsm"), 503, "busy", 7)
        assert heavy.in_flight == 1  # the refused never queued
        assert c.post("/api/predict", files={"image": ("one.png", vertical_stroke_png(),
                                                       "image/png")}).status_code == 200
        held.release()
        assert first.result(60).status_code == 200
        assert heavy.in_flight == 0
        assert attack(c, x, "10.0.0.2").status_code == 200
        assert rotate(c, "10.0.0.3").status_code == 200


def test_one_client_over_its_share_gets_429_while_another_gets_200(
        webapp_data_dir: Path, tiny_renders: Path, held: HeldWorker) -> None:
    """Two heavy requests per client: a third from the same client is 429 with Retry-After,
    while another client's sweep and FGSM attack are admitted and answered 200 (client 1's first
    PGD batch holds one worker thread and its second waits in the PGD batcher; the sweep and the
    FGSM batcher run on the others)."""
    with app_with(webapp_data_dir, tiny_renders, queue=8, per_client=2, workers=3,
                  trusted_proxies=frozenset({PEER})) as c, ThreadPoolExecutor(2) as pool:
        heavy = c.app.state.platform.heavy
        x = drawn_input(c)
        mine = [pool.submit(attack, c, x, "10.0.0.1") for _ in range(2)]
        wait_until(lambda: heavy.admitted["10.0.0.1"] == 2, "both of client 1's attacks")
        assert held.started.wait(60)
        detail = refusal(attack(c, x, "10.0.0.1"), 429, "too_many_requests", 1)
        assert "2 attacks or sweeps" in detail
        refusal(rotate(c, "10.0.0.1"), 429, "too_many_requests", 1)
        # another client: its own share, served while client 1 waits
        assert rotate(c, "10.0.0.2").status_code == 200
        assert attack(c, x, "10.0.0.2", method="fgsm").status_code == 200
        assert heavy.admitted["10.0.0.1"] == 2
        held.release()
        assert [f.result(60).status_code for f in mine] == [200, 200]
        assert attack(c, x, "10.0.0.1").status_code == 200


def test_a_burst_from_one_client_gets_only_200_and_429(
        webapp_data_dir: Path, tiny_renders: Path, held: HeldWorker) -> None:
    """Twelve attacks at once from one client with a share of two: exactly two are served and
    ten refused with 429; nothing else comes back."""
    with app_with(webapp_data_dir, tiny_renders, per_client=2,
                  trusted_proxies=frozenset({PEER})) as c, ThreadPoolExecutor(12) as pool:
        heavy = c.app.state.platform.heavy
        x = drawn_input(c)
        burst = [pool.submit(attack, c, x, "10.0.0.9") for _ in range(12)]
        # the worker holds the first; the other eleven are each admitted or refused at once
        wait_until(lambda: sum(f.done() for f in burst) == 10, "ten refusals")
        held.release()
        codes = sorted(f.result(60).status_code for f in burst)
        assert codes == [200] * 2 + [429] * 10
        assert heavy.in_flight == 0


def test_x_forwarded_for_is_ignored_unless_the_peer_is_trusted(
        webapp_data_dir: Path, tiny_renders: Path, held: HeldWorker) -> None:
    """By default a client is its connection's address: a header naming another address does
    not buy another share."""
    with app_with(webapp_data_dir, tiny_renders, per_client=1) as c, ThreadPoolExecutor(1) as pool:
        x = drawn_input(c)
        first = pool.submit(attack, c, x, "10.0.0.1")
        assert held.started.wait(60)
        assert c.app.state.platform.heavy.admitted == {PEER: 1}
        refusal(attack(c, x, "10.0.0.2"), 429, "too_many_requests", 1)
        held.release()
        assert first.result(60).status_code == 200


def test_a_class_of_twenty_attacking_at_once_is_served_with_the_defaults(
        webapp_data_dir: Path, tiny_renders: Path) -> None:
    """The default limits take a class: twenty clients with an attack each (the page keeps one
    in flight), FGSM and PGD, all at once, all 200."""
    with app_with(webapp_data_dir, tiny_renders, trusted_proxies=frozenset({PEER})) as c, \
            ThreadPoolExecutor(20) as pool:
        x = drawn_input(c)
        futures = [pool.submit(attack, c, x, f"10.0.1.{i}", ("fgsm", "pgd")[i % 2])
                   for i in range(20)]
        assert [f.result(120).status_code for f in futures] == [200] * 20


def test_limits_from_the_environment() -> None:
    assert Limits.from_env({}) == Limits()
    lim = Limits.from_env({"WEBAPP_HEAVY_QUEUE": "5", "WEBAPP_HEAVY_PER_CLIENT": "2",
                           "WEBAPP_HEAVY_WORKERS": "3", "WEBAPP_RETRY_AFTER": "9",
                           "WEBAPP_TRUSTED_PROXIES": " 127.0.0.1, ::1 ,"})
    assert lim == Limits(queue=5, per_client=2, workers=3, retry_after=9,
                         trusted_proxies=frozenset({"127.0.0.1", "::1"}))
    with pytest.raises(ValueError, match="WEBAPP_HEAVY_QUEUE must be a whole number"):
        Limits.from_env({"WEBAPP_HEAVY_QUEUE": "many"})
    with pytest.raises(ValueError, match="per_client must be at least 1"):
        Limits.from_env({"WEBAPP_HEAVY_PER_CLIENT": "0"})


def test_the_client_is_the_address_the_trusted_proxy_saw() -> None:
    """The last X-Forwarded-For hop is the one the proxy appended; earlier hops are the
    client's own words and could be anything."""
    from starlette.requests import Request

    def request(peer: str, forwarded: str | None) -> Request:
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
        return Request({"type": "http", "client": (peer, 1234), "headers": headers})

    lim = Limits(trusted_proxies=frozenset({"127.0.0.1"}))
    assert lim.client(request("127.0.0.1", "6.6.6.6, 10.0.0.5")) == "10.0.0.5"
    assert lim.client(request("127.0.0.1", None)) == "127.0.0.1"
    assert lim.client(request("127.0.0.1", "")) == "127.0.0.1"
    assert lim.client(request("10.0.0.7", "10.0.0.5")) == "10.0.0.7"
    assert Limits().client(request("127.0.0.1", "10.0.0.5")) == "127.0.0.1"


def test_openapi_documents_the_refusals(webapp_data_dir: Path, tiny_renders: Path) -> None:
    with app_with(webapp_data_dir, tiny_renders) as c:
        paths = c.get("/openapi.json").json()["paths"]
    for path in ("/api/attack", "/api/rotate"):
        assert {"429", "503"} <= set(paths[path]["post"]["responses"]), path
    assert not {"429", "503"} & set(paths["/api/predict"]["post"]["responses"])
