"""dondoc web UI: a thin Flask layer over the engine's services."""
