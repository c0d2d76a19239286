from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import EngineError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a ruleset: which file, which element, what. `message` is an English
    msgid when `params` fill its %(…)s placeholders (the modeler translates it)."""

    file: str
    element: str | None
    message: str
    line: int | None = None
    params: dict[str, str] = field(default_factory=dict)
    # where the element is, for people: kind, name, the named element it follows (engine.rulesets.places)
    place: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.message % self.params if self.params else self.message

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "") + (f" [{self.element}]" if self.element else "")
        return f"{where}: {self.text}"


class RulesetError(EngineError):
    """A ruleset that cannot be put into force. Nothing of it is kept."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        self.problems = problems
        self.warnings = warnings or []
        super().__init__("The ruleset has %(count)s problem(s).", count=len(problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
