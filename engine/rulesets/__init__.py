"""Rulesets (quy chế): a folder of BPMN/DMN, form definitions and `ruleset.toml`."""
