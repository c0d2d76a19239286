"""Inspections (kiểm tra): the list with filters, a page per inspection with its decision,
team, file, results and follow-up tasks, and the proposal form. The decision, the units'
hand-over, the findings and the results report are work items, done from the inbox."""
from webui.inspections.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]
