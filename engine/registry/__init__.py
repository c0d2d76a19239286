"""Read models over assignments for lists, pages and exports (sổ theo dõi nhiệm vụ).
Flask-free: the web UI and the REST API both query through here."""
