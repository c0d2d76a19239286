"""Reports, dashboards and evaluation (báo cáo, thống kê, đánh giá): the four outcome
buckets and both completion rates read with SQL aggregates from the query tables, the
periodic-report calendar, and exports (.xlsx, .docx, .pdf). See docs/reports.md."""
