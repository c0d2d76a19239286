"""Reports and dashboards (báo cáo, thống kê): the four outcome buckets, trend, most
overdue assignments, emulation ranking, periodic reports and exports."""
from webui.reports.routes import blueprint, nav_links

__all__ = ["blueprint", "nav_links"]
