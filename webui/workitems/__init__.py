"""Work item forms (xử lý công việc): the form of each user task, drafts, uploads."""
from webui.workitems.routes import blueprint

__all__ = ["blueprint"]
