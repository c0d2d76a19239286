"""Service-task operators: the effects a BPMN step may have on the domain tables.

A diagram calls one with a service task (`spiffworkflow:serviceTaskOperator id="name"`);
the operator runs inside the step's transaction with the step's context, so the
workflow state, the read models and the audit entry commit together.
"""
from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

if TYPE_CHECKING:  # the engine layer builds the context; operators (features) only receive it
    from engine.org.models import User
    from engine.rulesets.loader import CompiledBundle
    from engine.runtime.models import WorkflowInstance
    from engine.runtime.service import Runtime


_Row = TypeVar("_Row")


@dataclass
class StepContext:
    """What an operator sees of the step being run."""

    session: Session
    instance: WorkflowInstance
    bundle: CompiledBundle
    actor: User | None
    runtime: Runtime
    events: list[dict] = field(default_factory=list)  # summary for the audit entry
    _held: dict[tuple[type, Any], Any] = field(default_factory=dict, repr=False)

    def get(self, model: type[_Row], ident: Any) -> _Row | None:
        """`session.get`, the row kept for the rest of the step: the session holds the rows it
        loaded weakly, and the operators of one step read the same ones (a timer's check and
        notification read the assignment each: without this, twice)."""
        key = (model, ident)
        if key not in self._held:
            self._held[key] = self.session.get(model, ident)
        return self._held[key]


current_step: contextvars.ContextVar[StepContext | None] = contextvars.ContextVar("current_step", default=None)
Operator = Callable[[StepContext, dict, dict], object]


@dataclass(frozen=True)
class Declared:
    """An operator and the parameters a service task may give it."""

    fn: Operator
    required: frozenset[str]
    optional: frozenset[str]

    def problems(self, given: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
        """(msgid, params) for parameters given but not declared, and required ones not given."""
        given = set(given)
        unknown = sorted(given - self.required - self.optional)
        missing = sorted(self.required - given)
        return ([("service operator '%(operator)s': unknown parameter(s) %(parameters)s",
                  {"parameters": ", ".join(unknown)})] if unknown else []) + \
               ([("service operator '%(operator)s': missing parameter(s) %(parameters)s",
                  {"parameters": ", ".join(missing)})] if missing else [])


class OperatorRegistry:
    """The operators by name. Each is declared with its parameters: a ruleset whose service
    task names an unknown operator or parameter is refused when it is loaded (naming the file
    and the element), and a call is checked again when it runs."""

    def __init__(self) -> None:
        self._operators: dict[str, Declared] = {}
        # Bumped by each registration: a compile made before one is not served after it
        # (engine.rulesets.service.CompiledByContent keys on it)
        self.version = 0

    def register(self, name: str, *, required: Iterable[str] = (), optional: Iterable[str] = ()
                 ) -> Callable[[Operator], Operator]:
        def decorate(fn: Operator) -> Operator:
            self._operators[name] = Declared(fn, frozenset(required), frozenset(optional))
            self.version += 1
            return fn

        return decorate

    def problems(self, name: str, given: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
        """What is wrong with a service task calling `name` with the parameters `given`, as
        (msgid, params): the modeler shows them translated."""
        declared = self._operators.get(name)
        if declared is None:
            return [("unknown service operator '%(operator)s'", {"operator": name})]
        return [(msgid, {"operator": name, **params}) for msgid, params in declared.problems(given)]

    def call(self, name: str, data: dict, params: dict) -> object:
        problems = self.problems(name, params)
        if problems:
            raise LookupError("; ".join(msgid % values for msgid, values in problems))
        ctx = current_step.get()
        if ctx is None:
            raise RuntimeError(f"service operator '{name}' called outside an engine step")
        result = self._operators[name].fn(ctx, data, params)
        ctx.events.append({"operator": name})
        return result


OPERATORS = OperatorRegistry()
