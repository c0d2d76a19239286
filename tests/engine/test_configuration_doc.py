"""docs/configuration.md says only what the code reads: every key in its table is a setting of
engine.config.Settings, and every setting is in the table."""
import dataclasses
import re

from engine.config import REPO_ROOT, Settings


def test_the_documented_keys_are_the_settings():
    table = (REPO_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = {key for line in table.splitlines() if line.startswith("| `")
                  for key in re.findall(r"`([a-z_]+)`", line.split("|")[1])}
    settings = {field.name for field in dataclasses.fields(Settings)}
    assert documented == settings
