"""The restricted script environment for every BPMN script, condition, timer and DMN cell.

Process admins write Python expressions in diagrams; they must not reach the interpreter.
Code is compiled by RestrictedPython (no dunder attributes, no imports, guarded
iteration and item access) and runs with a small whitelist of builtins plus the
helpers in `engine.sandbox.helpers`.
"""
from __future__ import annotations

import ast
import json
from functools import lru_cache

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_globals
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.sandbox import helpers

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


def _base_globals() -> dict:
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


def check_code(source: str, mode: str) -> list[str]:
    """Problems that keep `source` from running in the sandbox (empty when it is fine).
    `mode` is 'eval' for expressions and 'exec' for scripts."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return [f"syntax error at line {exc.lineno}: {exc.msg}"]
    problems = [
        f"line {node.lineno}: import is not allowed in process scripts"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source)
    problems.extend(result.errors)
    return problems


@lru_cache(maxsize=4096)
def _compiled(source: str, mode: str):
    """Compiled once per worker: diagrams are fixed per bundle and every step evaluates the
    same expressions again (code objects are immutable, so sharing them is safe)."""
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source)
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that compiles with RestrictedPython and dispatches service tasks
    to the engine's registered operators."""

    def __init__(self, operators=None):
        super().__init__({**_base_globals(), **helpers.HELPERS})
        self._operators = operators

    def evaluate(self, expression, context, external_context=None):
        return super().evaluate(_compiled(expression, "eval"), context, external_context)

    def execute(self, script, context, external_context=None):
        return super().execute(_compiled(script, "exec"), context, external_context)

    def call_service(self, context, operation_name, operation_params):
        if self._operators is None:
            raise ScriptRefused(f"no service operators available for '{operation_name}'")
        params = {name: spec["value"] for name, spec in operation_params.items()}
        return json.dumps(self._operators.call(operation_name, context, params), default=str)


class SandboxScriptEngine(PythonScriptEngine):
    """Script engine whose service-task errors keep their real message (SpiffWorkflow 3.2.0
    turns any exception in call_service into NameError 'script')."""

    def call_service(self, task, **kwargs):
        from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

        try:
            return self.environment.call_service(task.data, **kwargs)
        except WorkflowTaskException:
            raise
        except Exception as exc:
            raise WorkflowTaskException(f"{type(exc).__name__}: {exc}", task=task, exception=exc) from exc


def make_script_engine(operators=None) -> SandboxScriptEngine:
    return SandboxScriptEngine(environment=RestrictedEnvironment(operators))
