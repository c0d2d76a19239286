"""Service-task operators: the effects a BPMN step may have on the domain tables.

A diagram calls one with a service task (`spiffworkflow:serviceTaskOperator id="name"`);
the operator runs inside the step's transaction with the step's context, so the
workflow state, the read models and the audit entry commit together.
"""
from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session


@dataclass
class StepContext:
    """What an operator sees of the step being run."""

    session: Session
    instance: object  # WorkflowInstance
    bundle: object  # CompiledBundle
    actor: object | None
    runtime: object  # Runtime
    events: list[dict] = field(default_factory=list)  # summary for the audit entry


current_step: contextvars.ContextVar[StepContext | None] = contextvars.ContextVar("current_step", default=None)
Operator = Callable[[StepContext, dict, dict], object]


class OperatorRegistry:
    def __init__(self):
        self._operators: dict[str, Operator] = {}

    def register(self, name: str) -> Callable[[Operator], Operator]:
        def decorate(fn: Operator) -> Operator:
            self._operators[name] = fn
            return fn

        return decorate

    def names(self) -> list[str]:
        return sorted(self._operators)

    def call(self, name: str, data: dict, params: dict) -> object:
        if name not in self._operators:
            raise LookupError(f"unknown service operator '{name}'")
        ctx = current_step.get()
        if ctx is None:
            raise RuntimeError(f"service operator '{name}' called outside an engine step")
        result = self._operators[name](ctx, data, params)
        ctx.events.append({"operator": name})
        return result


OPERATORS = OperatorRegistry()
