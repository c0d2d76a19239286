"""What every `dondoc` command shares, the engine's own (engine/cli.py) and the features'
(`<feature>/commands.py`, found by engine.features): the engine of the run, and one clear line
on stderr with exit status 1 for an expected error."""
from __future__ import annotations

import functools
import sys
import tomllib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from engine.errors import EngineError

if TYPE_CHECKING:  # the engine is built by the top layer; commands only receive it
    from engine.core import Engine

# OSError: a missing file, a full disk, a folder given for a file: the system's reason, not a traceback
EXPECTED_ERRORS = (EngineError, ValueError, OSError, tomllib.TOMLDecodeError)
# Where the root command leaves how to build the run's engine (ctx.meta is shared by the whole run).
ENGINE_FACTORY = "dondoc.engine_factory"


def clear_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into one clear line and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EXPECTED_ERRORS as exc:
            message = str(exc).strip() or type(exc).__name__
            click.echo(f"error: {message}", err=True)
            sys.exit(1)

    return wrapper


def engine_of(ctx: click.Context) -> Engine:
    """The engine this run works on: the one the caller gave (`obj`, as tests do), or the one
    built from the settings on first use."""
    root = ctx.find_root()
    if root.obj is None:
        root.obj = ctx.meta[ENGINE_FACTORY]()
    return root.obj
