from __future__ import annotations

from dataclasses import dataclass


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


class RulesetError(Exception):
    """A ruleset that cannot be put into force. Nothing of it is kept."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
