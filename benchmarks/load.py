"""A small, bounded load generator: N users, each requesting one page in a loop for a fixed time,
against a server on 127.0.0.1 only. Stops by itself."""

import http.client
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass


@dataclass
class Target:
    host: str
    port: int

    def request(self, method: str, path: str, cookie: str = "", body: str | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response, data

    def wait_until_up(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.request("GET", "/health")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")


def _cookie(response) -> str:
    found = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
    return f"session={found.group(1)}" if found else ""


def sign_in_cookie(target: Target, email: str, password: str = "demo-password-2026") -> str:
    response, page = target.request("GET", "/sign-in")
    cookie = _cookie(response)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        rb'name="csrf_token" value="([^"]+)"', page)
    body = urllib.parse.urlencode({"csrf_token": token.group(1).decode(), "email": email, "password": password})
    response, _ = target.request("POST", "/sign-in", cookie, body)
    assert response.status in (302, 303), f"sign-in for {email} answered {response.status}"
    return _cookie(response) or cookie


def measure(target: Target, cookie: str, path: str, users: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user():
        mine, failed = [], 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                response, _ = target.request("GET", path, cookie)
                ok = response.status == 200
            except OSError:
                ok = False
            mine.append(time.perf_counter() - start)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors[0], "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) * 1000,
            "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000}


def measure_pages(target: Target, pages: dict[str, tuple[str, str]], users: int, seconds: float) -> dict:
    results = {}
    for name, (cookie, path) in pages.items():
        measure(target, cookie, path, users, 0.5)  # warm the workers' caches first
        results[name] = measure(target, cookie, path, users, seconds)
        print(f"  {name}: p95 {results[name]['p95']:.0f} ms, {results[name]['rps']:.0f} req/s", flush=True)
    return results
