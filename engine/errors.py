"""Refusals a caller can show a person. Messages are English msgids the UI translates."""
from __future__ import annotations


class EngineError(Exception):
    """Base of every refusal the engine explains to a user."""

    def __init__(self, message: str, **params):
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


class NotFound(EngineError):
    pass


class NotReady(EngineError):
    """The deployment cannot do this until an administrator acts (no ruleset is loaded yet)."""


class Forbidden(EngineError):
    pass


class AlreadyDone(EngineError):
    """The work item was completed (or withdrawn) by someone else, or twice."""


class Conflict(EngineError):
    """Someone else changed the same workflow at the same moment."""
