"""A small JSON client for the upper level's REST API (standard library only)."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 15


class UpperUnreachable(Exception):
    """The network or the upper server failed; the same call may succeed later."""


@dataclass
class Answer:
    status: int
    body: dict


class UpperClient:
    def __init__(self, base_url: str, token: str, timeout: float = TIMEOUT_SECONDS):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def get(self, path: str, params: dict | None = None) -> Answer:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._call("GET", path + query, None, {})

    def post(self, path: str, payload: dict, idempotency_key: str) -> Answer:
        return self._call("POST", path, json.dumps(payload).encode(), {"Idempotency-Key": idempotency_key,
                                                                        "Content-Type": "application/json"})

    def _call(self, method: str, path: str, data: bytes | None, headers: dict) -> Answer:
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                return Answer(response.status, _json(response.read()))
        except urllib.error.HTTPError as exc:
            answer = Answer(exc.code, _json(exc.read()))
            if exc.code >= 500 or exc.code == 429:
                raise UpperUnreachable(f"{method} {path}: HTTP {exc.code}") from None
            return answer
        except OSError as exc:  # refused, reset, timed out, unknown host (URLError is one)
            raise UpperUnreachable(f"{method} {path}: {exc}") from None


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {"value": value}
