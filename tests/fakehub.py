"""A fake provincial integration platform receiving edXML status messages over real HTTP."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeHub:
    """The provincial integration platform: keeps each status message by X-Message-Id (a
    repeat is answered 200 and not kept again); `failing` answers 503."""

    def __init__(self):
        self.kept: dict[str, bytes] = {}
        self.posts: list[str] = []
        self.failing = False
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hub.posts.append(self.headers["X-Message-Id"])
                status = 503 if hub.failing else 200
                if not hub.failing:
                    hub.kept.setdefault(self.headers["X-Message-Id"], body)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # a port the system gives
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/edxml/status"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def codes(self) -> list[str]:
        return sorted(body.split(b"<edXML:StatusCode>")[1][:2].decode() for body in self.kept.values())

    def close(self):
        self.server.shutdown()
        self.server.server_close()
