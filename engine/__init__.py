"""dondoc engine: BPMN-driven tracking of assigned tasks. Knows nothing of the web."""
