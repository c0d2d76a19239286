"""docs/api.md's table of errors lists every (status, code) the API answers with: those the API's
code writes (`ApiError(409, "no_waiting_step", …)`, `error_response(503, "not_ready", …)`), the
engine's refusals as webui/api/core.py maps them, and the HTTP errors answered by their name."""
from __future__ import annotations

import re

from engine.config import REPO_ROOT

_WRITTEN = re.compile(r"""(?:ApiError|error_response)\((\d{3}), "([a-z_]+)\"""")
# Answered by the HTTP status's name (webui/errors.py `_page`, webui/api/core.py `_http_error`): each
# status the documents say the API answers so.
BY_NAME = {405: "method_not_allowed", 413: "request_entity_too_large", 500: "internal_server_error"}


def answered() -> set[tuple[int, str]]:
    pairs = set(BY_NAME.items())
    for path in (REPO_ROOT / "webui").rglob("*.py"):
        pairs |= {(int(status), code) for status, code in _WRITTEN.findall(path.read_text(encoding="utf-8"))}
    core = (REPO_ROOT / "webui" / "api" / "core.py").read_text(encoding="utf-8")
    engine_codes = re.search(r'code = (\{\d{3}: "[a-z_]+".*?\})\.get\(status, "([a-z_]+)"\)', core)
    assert engine_codes, "webui/api/core.py maps the engine's refusals elsewhere: read them there"
    pairs |= {(int(status), code) for status, code in re.findall(r'(\d{3}): "([a-z_]+)"', engine_codes.group(1))}
    return pairs | {(422, engine_codes.group(2))}


def documented() -> set[tuple[int, str]]:
    text = (REPO_ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    table = text.split("| status | code | when |", 1)[1].split("\n\n", 1)[0]
    return {(int(row.split("|")[1]), code) for row in table.splitlines()[2:]
            for code in re.findall(r"`([a-z_]+)`", row.split("|")[2])}


def test_the_error_table_is_what_the_api_answers():
    assert sorted(answered() - documented()) == [], "answered, not in docs/api.md's table"
    assert sorted(documented() - answered()) == [], "in docs/api.md's table, answered by nothing"
