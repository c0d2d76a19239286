"""Operations endpoints and the request hooks behind metrics and logs (docs/operations.md):
/healthz, /livez, /readyz, /metrics; every request gets an id (the caller's X-Request-Id or a
new one), returned in the response header and carried by every log line written for it; every
answer is counted and timed by route template, and logged as one line."""
from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from contextvars import Token
from functools import cache

from flask import Blueprint, Flask, Response, abort, g, jsonify, request

from engine import metrics as events
from engine.operations import logs, metrics, readiness
from webui.context import engine

blueprint = Blueprint("operations", __name__)
log = logging.getLogger("dondoc.http")
HEADER = "X-Request-Id"
NETWORK = ipaddress.IPv4Network | ipaddress.IPv6Network


@blueprint.get("/healthz")
def healthz():
    return {"status": "ok", "ruleset": engine().ruleset}


@blueprint.get("/livez")
def livez():
    """The process answers (no database read: a database outage must not get every host restarted)."""
    return {"status": "alive"}


@blueprint.get("/readyz")
def readyz():
    found = readiness.problems(engine())
    response = jsonify({"status": "not ready", "problems": found} if found else {"status": "ready"})
    response.status_code = 503 if found else 200
    return response


@blueprint.get("/metrics")
def scrape():
    if not may_scrape():
        abort(404)  # as if there were no such page: nothing tells a prober it exists
    return Response(metrics.exposition(engine()), content_type=metrics.CONTENT_TYPE)


def may_scrape() -> bool:
    """With `metrics_token`: the right bearer token; with `metrics_addresses`: a peer address in
    one of them (the TCP peer, never X-Forwarded-For). Neither set: nobody."""
    settings = engine().settings
    given = request.headers.get("Authorization", "")
    if settings.metrics_token and hmac.compare_digest(given.encode(), f"Bearer {settings.metrics_token}".encode()):
        return True
    try:
        peer = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(peer in network for network in allowed_networks(settings.metrics_addresses))


@cache
def allowed_networks(text: str) -> tuple[NETWORK, ...]:
    """`metrics_addresses`: addresses or networks, comma-separated ("10.0.0.5, 10.1.0.0/24")."""
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"metrics_addresses: {exc}") from None


def init_app(app: Flask) -> None:
    """Registered before the features: its hooks see every request, whatever the others answer."""
    allowed_networks(app.extensions["dondoc"].settings.metrics_addresses)  # a bad setting stops the start
    app.register_blueprint(blueprint)
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_end)


def _begin() -> None:
    g.request_token = logs.begin(logs.accept_request_id(request.headers.get(HEADER)))
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.request_started
    route = request.url_rule.rule if request.url_rule else "unmatched"  # not the path: bounded labels
    response.headers[HEADER] = logs.current_id() or ""
    events.observe_request(route, request.method, response.status_code, seconds)
    log.info("%s %s %s", request.method, request.path, response.status_code,
             extra={"method": request.method, "path": request.path, "route": route, "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1), "remote_addr": request.remote_addr})
    return response


def _end(_error: BaseException | None) -> None:
    token: Token | None = g.pop("request_token", None)
    if token is not None:
        logs.end(token)
