"""Log lines, as plain text or one JSON object per line (setting `log_format`), each carrying
the id of the request or scheduler job it belongs to, so that one request's lines can be
found among every worker's."""
from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import TextIO

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
_current: ContextVar[str | None] = ContextVar("dondoc_request_id", default=None)
# A caller's X-Request-Id is kept when it is a plain token (a proxy's or client's id); anything
# else (too long, spaces, control characters that would break a log line) gets a fresh id.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Attributes every LogRecord has; others were given with `extra=` and go into the JSON object.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


def accept_request_id(given: str | None) -> str:
    return given if given and _ACCEPTED.fullmatch(given) else uuid.uuid4().hex


def new_job_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:16]}"


def current_id() -> str | None:
    return _current.get()


def begin(request_id: str) -> Token:
    """Every line logged from now on in this thread (or task) carries `request_id`, until `end`."""
    return _current.set(request_id)


def end(token: Token) -> None:
    _current.reset(token)


@contextmanager
def bound(request_id: str) -> Iterator[str]:
    """`begin` and `end` around a block."""
    token = begin(request_id)
    try:
        yield request_id
    finally:
        end(token)


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "request_id": _current.get()}  # formatted in the thread that logged
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def formatter(log_format: str) -> logging.Formatter:
    if log_format not in FORMATS:
        raise ValueError(f"log_format: '{log_format}' is not one of {', '.join(FORMATS)}")
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def prepare(handler: logging.Handler, log_format: str) -> logging.Handler:
    """`handler` writing this deployment's format, with the request id on every record."""
    handler.setFormatter(formatter(log_format))
    handler.addFilter(_WithRequestId())
    return handler


_SPIFF_LOGGERS = ("spiff", "spiff.task", "spiff.workflow")


def configure(log_format: str, stream: TextIO | None = None) -> None:
    """The process's one log handler (on stderr), at INFO."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(prepare(logging.StreamHandler(stream or sys.stderr), log_format))
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # not a line per (skipped) tick
    # Not a line per task state change. Set on the loggers SpiffWorkflow names, not only their
    # parent: at a level of their own below INFO (NOTSET is) every task state change and workflow
    # event walks the whole task tree to build its log extras, logged or not.
    for name in _SPIFF_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
