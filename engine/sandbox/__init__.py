"""The restricted script environment for every BPMN script, condition, timer and DMN cell.

Process admins write Python expressions in diagrams; they must not reach the interpreter.
Code is compiled by RestrictedPython (no dunder attributes, no imports, guarded
iteration and item access) and runs with a small whitelist of builtins plus the
helpers in `engine.sandbox.helpers`.
"""
from __future__ import annotations

import ast
import json

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.sandbox import helpers
from engine.sandbox.budget import ScriptBudgetExceeded, ScriptFailed, ScriptLimits, current_budget, step_budget
from engine.sandbox.restricted import ScriptRefused, compiled

__all__ = ["ScriptBudgetExceeded", "ScriptFailed", "ScriptLimits", "ScriptRefused", "check_code",
           "make_script_engine", "render", "run_budgeted"]


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


def run_budgeted(limits: ScriptLimits, op: str, code: str, data: dict, ext: dict | None = None) -> dict:
    """Run `code` in the sandbox worker under the open step's budget (or a budget of its own)."""
    budget = current_budget.get()
    if budget is not None:
        return budget.run(op, code, data, ext)
    with step_budget(limits, helpers.HELPERS) as own:
        return own.run(op, code, data, ext)


def render(template: str, data: dict, limits: ScriptLimits) -> str:
    """An instruction template (Jinja, sandboxed) rendered with `data` in the sandbox worker."""
    return run_budgeted(limits, "render", template, data)["ok"]


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment whose code runs in the sandbox worker (compiled there by
    RestrictedPython, under the step's budget), and that dispatches service tasks to the
    engine's registered operators."""

    def __init__(self, operators=None, limits: ScriptLimits | None = None):
        super().__init__(helpers.HELPERS)  # the live registry: features may add helpers later
        self._operators = operators
        self.limits = limits or ScriptLimits()

    def evaluate(self, expression, context, external_context=None):
        compiled(expression, "eval")  # refused here already: the message names the rule broken
        return run_budgeted(self.limits, "eval", expression, context, external_context)["ok"]

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        compiled(script, "exec")
        data = run_budgeted(self.limits, "exec", script, context, external_context)["data"]
        context.clear()
        context.update(data)
        return True

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


def make_script_engine(operators=None, limits: ScriptLimits | None = None) -> SandboxScriptEngine:
    return SandboxScriptEngine(environment=RestrictedEnvironment(operators, limits))
