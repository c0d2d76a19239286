"""The inbox (hộp công việc): work items waiting for a person and their unit, ready-made
views and saved filters. Flask-free: the web UI and the REST API both use it."""
