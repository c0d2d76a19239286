"""The restricted script environment for every BPMN script, condition, timer and DMN cell.

Process admins write Python expressions in diagrams; they must not reach the interpreter.
Code is compiled by RestrictedPython (no dunder attributes, no imports, guarded
iteration and item access) and runs with a small whitelist of builtins plus the
helpers in `engine.sandbox.helpers`: in a sandbox worker process under the step's CPU-time
and memory budget (engine/sandbox/budget.py), unless it cannot run away (see `_bounded`).
"""
from __future__ import annotations

import ast
import json
from functools import lru_cache

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine import clock
from engine.sandbox import helpers
from engine.sandbox.budget import ScriptBudgetExceeded, ScriptFailed, ScriptLimits, current_budget, step_budget
from engine.sandbox.restricted import ScriptRefused, base_globals, compiled, thaw

# The name under which an expression reads the moment its task's step began (see SandboxScriptEngine).
TASK_STARTED = "task_started"
__all__ = ["TASK_STARTED", "ScriptBudgetExceeded", "ScriptFailed", "ScriptLimits", "ScriptRefused", "check_code",
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


# ---------------------------------------------------------------- bounded code runs here
# Most expressions and scripts of a step are a name, a comparison, an assignment or a call of
# a bounded helper (helpers.BOUNDED_HELPERS); most templates a substitution. With no loop, no
# comprehension, no other call and no repetition, power or formatting operator, their cost is
# bounded by their own length and the data they read: they cannot run away, and a round trip
# to the worker would cost more than they do. They run in this process, the rest in the worker.
_BOUNDED_NODES = (ast.Expression, ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.Pass, ast.Expr,
                  ast.Constant, ast.Name, ast.Load, ast.Store, ast.Compare, ast.BoolOp, ast.UnaryOp,
                  ast.Subscript, ast.Slice, ast.Tuple, ast.List, ast.Dict, ast.IfExp, ast.cmpop, ast.boolop,
                  ast.Not, ast.USub, ast.UAdd, ast.Add, ast.Sub, ast.BinOp, ast.Call, ast.keyword, ast.Attribute)
_BOUNDED_TEMPLATE_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.Getattr,
                           nodes.Getitem, nodes.Slice, nodes.If, nodes.Compare, nodes.Operand, nodes.Not, nodes.And,
                           nodes.Or, nodes.Filter)
# Builtins and methods of plain data whose cost is at most linear in the data they are given.
_BOUNDED_BUILTINS = {"len", "bool", "str", "int", "float", "abs", "min", "max", "sorted", "dict", "list", "round"}
_BOUNDED_METHODS = {"get", "keys", "values", "items", "split", "strip", "lower", "upper", "startswith", "endswith"}
_BOUNDED_FILTERS = {"date_vn", "join", "default", "upper", "lower", "length"}
_templates = SandboxedEnvironment(autoescape=False)
_templates.filters["date_vn"] = helpers.date_vn  # {{ deadline | date_vn }} -> 26/02/2026


def _bounded_node(node: ast.AST) -> bool:
    if not isinstance(node, _BOUNDED_NODES):
        return False
    if isinstance(node, ast.BinOp):  # `x + x` on strings or lists doubles: forty lines reach gigabytes
        return isinstance(node.op, ast.Sub) or (isinstance(node.op, ast.Add) and (
            isinstance(node.left, ast.Constant) or isinstance(node.right, ast.Constant)))
    if isinstance(node, ast.AugAssign):  # `x += 1` only, for the same reason
        return isinstance(node.op, ast.Add | ast.Sub) and isinstance(node.value, ast.Constant)
    if isinstance(node, ast.Attribute):
        return node.attr in _BOUNDED_METHODS
    if isinstance(node, ast.Call):
        bounded_name = isinstance(node.func, ast.Name) and (node.func.id in helpers.BOUNDED_HELPERS
                                                            or node.func.id in _BOUNDED_BUILTINS)
        return (bounded_name or isinstance(node.func, ast.Attribute)) \
            and not any(isinstance(a, ast.Starred) for a in node.args) and all(k.arg for k in node.keywords)
    return True


def _reads_settings(source: str) -> bool:
    """Whether `source` calls setting(), whose read-only values task data must not keep."""
    return "setting" in source


@lru_cache(maxsize=4096)
def _bounded(source: str, mode: str) -> bool:
    return all(_bounded_node(node) for node in ast.walk(ast.parse(source, mode=mode)))


@lru_cache(maxsize=1024)
def _bounded_template(source: str):
    """The compiled template when it may render here, else None."""
    tree = _templates.parse(source)
    bounded = all(isinstance(node, _BOUNDED_TEMPLATE_NODES)
                  and not (isinstance(node, nodes.Filter) and node.name not in _BOUNDED_FILTERS)
                  for node in tree.find_all(nodes.Node))
    return _templates.from_string(source) if bounded else None


def run_budgeted(limits: ScriptLimits, op: str, code: str, data: dict, ext: dict | None = None) -> dict:
    """Run `code` in the sandbox worker under the open step's budget (or a budget of its own)."""
    budget = current_budget.get()
    if budget is not None:
        return budget.run(op, code, data, ext)
    with step_budget(limits, helpers.HELPERS) as own:
        return own.run(op, code, data, ext)


def render(template: str, data: dict, limits: ScriptLimits) -> str:
    """An instruction template (sandboxed Jinja) rendered with `data`, in the sandbox worker
    unless it is only substitutions (see `_bounded_template`)."""
    bounded = _bounded_template(template)
    if bounded is not None:
        return bounded.render(data)
    return run_budgeted(limits, "render", template, data)["ok"]


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment whose code runs in the sandbox worker under the step's budget
    (bounded code runs here), and that dispatches service tasks to the engine's registered
    operators."""

    def __init__(self, operators=None, limits: ScriptLimits | None = None):
        super().__init__({**base_globals(), **helpers.HELPERS})
        self._operators = operators
        self.limits = limits or ScriptLimits()

    def evaluate(self, expression, context, external_context=None):
        code = compiled(expression, "eval")  # refused here already: the message names the rule broken
        if _bounded(expression, "eval"):
            result = super().evaluate(code, context, external_context)
            return thaw(result) if _reads_settings(expression) else result
        return run_budgeted(self.limits, "eval", expression, context, external_context)["ok"]

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        code = compiled(script, "exec")
        if _bounded(script, "exec"):
            super().execute(code, context, external_context)
            if _reads_settings(script):
                context.update(thaw(context))
            return True
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
    turns any exception in call_service into NameError 'script'), and whose expressions may
    read `task_started`: the moment the task's step began (engine.deadlines.forms counts
    from it)."""

    def evaluate(self, task, expression, external_context=None):
        if TASK_STARTED in expression:
            # Kept with the task: a due date or timer counted again after a calendar
            # correction starts from the same moment, not from the correction's.
            started = task.internal_data.setdefault(TASK_STARTED, clock.now().isoformat())
            external_context = {**(external_context or {}), TASK_STARTED: started}
        return super().evaluate(task, expression, external_context)

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
