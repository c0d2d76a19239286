"""The schema of a ruleset's `[imports]`, read by engine/imports/excel.py."""
from __future__ import annotations

from engine.rulesets.settings import FLAG, settings_schema

# issuer_from_body: an office's register is of its own body's directives (the committee's and its Chairman's), so
# a register kept without an issuer column is imported as the importing clerk's body's (excel._own_issuer)
settings_schema("imports", {"issuer_from_body": FLAG})
