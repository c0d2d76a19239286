"""What both sides of the sandbox share: the RestrictedPython globals and the wire format.

Imported by the sandbox worker process too (engine/sandbox/worker.py, run as a script), so
it imports nothing of `engine`: a worker starts in a fraction of a second.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from uuid import UUID

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_globals
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr

EXTRA_BUILTINS = {
    "dict": dict, "list": list, "set": set, "min": min, "max": max, "sum": sum, "any": any,
    "all": all, "enumerate": enumerate, "map": map, "filter": filter, "reversed": reversed,
}


class ScriptRefused(Exception):
    """A script or expression that may not run here. Not a SyntaxError on purpose:
    SpiffWorkflow's error formatter crashes on a SyntaxError without a line number."""


def _guarded_write(obj):
    if isinstance(obj, dict | list | set):
        return obj
    raise ScriptRefused(f"scripts may only modify dicts, lists and sets, not {type(obj).__name__}")


def base_globals() -> dict:
    builtins = {**safe_globals["__builtins__"], **limited_builtins, **EXTRA_BUILTINS}
    return {
        "__builtins__": builtins,
        "_getattr_": safer_getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": _guarded_write,
    }


@lru_cache(maxsize=4096)
def compiled(source: str, mode: str):
    """Compiled once per process: diagrams are fixed per bundle and every step evaluates the
    same expressions again (code objects are immutable, so sharing them is safe)."""
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source)
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


# ---------------------------------------------------------------- wire format
# JSON lines. Task data is plain JSON in practice; dates, times, durations, UUIDs, sets and
# tuples are tagged so that they come back as the same types. Read-only values (what setting()
# returns) keep being read-only on the worker side only: data coming back is plain.
_TAG = "__dondoc__"
_TYPES = {"date": date.fromisoformat, "datetime": datetime.fromisoformat, "time": time.fromisoformat,
          "timedelta": lambda v: timedelta(seconds=v), "uuid": UUID, "set": set, "tuple": tuple,
          "frozen": lambda v: freeze(v)}


def _tagged(obj, keep_frozen: bool):
    if isinstance(obj, datetime):
        return {_TAG: "datetime", "v": obj.isoformat()}
    if isinstance(obj, date):
        return {_TAG: "date", "v": obj.isoformat()}
    if isinstance(obj, time):
        return {_TAG: "time", "v": obj.isoformat()}
    if isinstance(obj, timedelta):
        return {_TAG: "timedelta", "v": obj.total_seconds()}
    if isinstance(obj, UUID):
        return {_TAG: "uuid", "v": str(obj)}
    if isinstance(obj, set | frozenset):
        return {_TAG: "set", "v": [_plain(v, keep_frozen) for v in obj]}
    if isinstance(obj, MappingProxyType):
        inner = {k: _plain(v, keep_frozen) for k, v in obj.items()}
        return {_TAG: "frozen", "v": inner} if keep_frozen else inner
    raise TypeError(f"{type(obj).__name__} is not plain data and cannot be passed to or from a process script")


def _plain(obj, keep_frozen: bool):
    """`obj` with every non-JSON value tagged (tuples too: json would make them lists)."""
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    if isinstance(obj, dict):
        return {k: _plain(v, keep_frozen) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v, keep_frozen) for v in obj]
    if isinstance(obj, tuple):
        items = [_plain(v, keep_frozen) for v in obj]
        return {_TAG: "tuple", "v": items} if keep_frozen else items
    return _tagged(obj, keep_frozen)


def _untag(dct: dict):
    kind = dct.get(_TAG)
    return _TYPES[kind](dct["v"]) if kind in _TYPES and len(dct) == 2 else dct


def dumps(obj, keep_frozen: bool = False) -> bytes:
    return json.dumps(_plain(obj, keep_frozen), ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def loads(line: bytes):
    return json.loads(line, object_hook=_untag)


def freeze(value):
    """A read-only deep copy of plain data: dicts become mappingproxies, lists tuples."""
    if isinstance(value, dict | MappingProxyType):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value):
    """Plain data again from what `freeze` made (a script keeps what setting() gave it)."""
    if isinstance(value, dict | MappingProxyType):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value
