from __future__ import annotations

from dataclasses import dataclass

from engine.errors import EngineError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a ruleset: which file, which element, what."""

    file: str
    element: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "") + (f" [{self.element}]" if self.element else "")
        return f"{where}: {self.message}"


class RulesetError(EngineError):
    """A ruleset that cannot be put into force. Nothing of it is kept."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("The ruleset has %(count)s problem(s).", count=len(problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
