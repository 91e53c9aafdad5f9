"""A real HTTP server on 127.0.0.1 for the remote-source tests: each path misbehaves in one way."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    """What the server answers; tests change it between fetches."""

    files: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # path -> 500s before success
    delays: dict[str, float] = field(default_factory=dict)  # path -> seconds before headers
    truncated: set[str] = field(default_factory=set)  # sends half the body, then closes
    drip: dict[str, float] = field(default_factory=dict)  # path -> seconds between body bytes
    undeclared: set[str] = field(default_factory=set)  # no Content-Length: the body ends at close
    redirects: dict[str, str] = field(default_factory=dict)
    requests: Counter = field(default_factory=Counter)
    conditional: Counter = field(default_factory=Counter)  # requests that carried validators
    in_flight: Counter = field(default_factory=Counter)  # Host header -> requests being answered
    most_in_flight: Counter = field(default_factory=Counter)  # Host header (and "*": all hosts)
    lock: threading.Lock = field(default_factory=threading.Lock)


class RemoteServer:
    def __init__(self) -> None:
        self.script = Script()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.script))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def __enter__(self) -> RemoteServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:16]}"'


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            pass

        def do_GET(self) -> None:
            host = self.headers.get("Host", "")
            with script.lock:
                script.in_flight[host] += 1
                script.in_flight["*"] += 1
                for key in (host, "*"):
                    script.most_in_flight[key] = max(
                        script.most_in_flight[key], script.in_flight[key]
                    )
            try:
                self._answer()
            finally:
                with script.lock:
                    script.in_flight[host] -= 1
                    script.in_flight["*"] -= 1

        def _answer(self) -> None:
            path = self.path
            script.requests[path] += 1
            time.sleep(script.delays.get(path, 0))
            if path in script.redirects:
                self.send_response(302)
                self.send_header("Location", script.redirects[path])
                self.end_headers()
                return
            if script.failures.get(path, 0) > 0:
                script.failures[path] -= 1
                self.send_error(500, "Internal Server Error")
                return
            if path not in script.files:
                self.send_error(404, "Not Found")
                return
            body = script.files[path]
            tag = etag(body)
            if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                script.conditional[path] += 1
            if self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.end_headers()
                return
            self.send_response(200)
            if path not in script.undeclared:
                self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", tag)
            self.send_header("Last-Modified", "Wed, 25 Nov 2026 06:00:00 GMT")
            self.end_headers()
            if path in script.truncated:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if path in script.drip:
                for byte in range(len(body)):
                    self.wfile.write(body[byte : byte + 1])
                    self.wfile.flush()
                    time.sleep(script.drip[path])
                return
            self.wfile.write(body)

    return Handler
