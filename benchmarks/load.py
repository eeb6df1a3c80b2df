"""Talking to the server under test on 127.0.0.1: one request, waiting for it to start, signing in.
The load generator itself is benchmarks/generator.py, in processes of its own."""

import http.client
import re
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
