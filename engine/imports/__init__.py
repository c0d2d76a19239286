"""Importing directives from other systems: the edXML header of a document received over
the national document hub, and an Excel sheet in dondoc's template (docs/import.md)."""
from engine.imports.errors import ImportFailed, RowError

__all__ = ["ImportFailed", "RowError"]
