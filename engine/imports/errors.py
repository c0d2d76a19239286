"""What a refused import says: every bad cell, by row and column."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import EngineError


@dataclass
class RowError:
    row: int | None      # spreadsheet row (1 = header row); None for the whole file
    column: str | None   # column letter and heading, e.g. "B (Số, ký hiệu)"
    field: str | None
    message: str         # an English msgid with %(…)s parameters, translated by the caller
    params: dict = dataclasses.field(default_factory=dict)  # not `field`: the attribute above

    def render(self, translate: Callable[[str], str] = lambda text: text) -> str:
        if not self.params:
            return translate(self.message)
        # a parameter that is itself a problem (a passed-over row's: excel._passed_problems) is said in the same words
        return translate(self.message) % {name: value.render(translate) if isinstance(value, RowError) else value
                                          for name, value in self.params.items()}

    def as_dict(self, translate: Callable[[str], str] = lambda text: text) -> dict:
        return {"row": self.row, "column": self.column, "field": self.field, "message": self.render(translate)}


class ImportFailed(EngineError):
    """Nothing was imported; `errors` says why."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("The file was not imported: %(count)s problem(s) found.", count=len(errors))
